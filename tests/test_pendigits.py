"""The pen-digit reader, the writer split and the stroke renderer."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_desk.digit_csv import DataError
from mnist_desk.preprocess import preprocess
from training.pen_render import CANVAS, PenStyle, random_style, render
from training.pendigits import (
    ALL_WRITERS,
    TEST_WRITERS,
    TRAIN_WRITERS,
    VALIDATION_WRITERS,
    parse_unipen,
    read_pendigits,
    writer_split,
)

GOOD = """.LEXICON "0" "1"
.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 3  10
.PEN_DOWN
 100  400
 300  400
 150  100
.PEN_UP
.DT 100

.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 4  11
.PEN_DOWN
 200  400
 200  100
.PEN_UP
.PEN_DOWN
 150  100
 250  100
.PEN_UP
"""


@pytest.fixture(scope="module")
def pen_digits():
    return read_pendigits()


def test_vendored_file_holds_all_30_writers(pen_digits):
    assert len(pen_digits) == 7494
    assert {d.writer for d in pen_digits} == set(ALL_WRITERS)
    counts = np.bincount([d.label for d in pen_digits], minlength=10)
    assert counts.min() > 700  # every digit is well represented


def test_tablet_y_axis_is_flipped_to_screen_coordinates():
    seven, one = parse_unipen(GOOD)
    assert (seven.label, seven.writer, one.label, one.writer) == (7, 3, 1, 4)
    stroke = seven.strokes[0]
    # The 7's bar was written at tablet y=400 (high up): on screen it must be above the foot.
    assert stroke[0, 1] < stroke[2, 1]
    assert len(one.strokes) == 2


def test_writer_split_keeps_every_writer_on_one_side(pen_digits):
    train, validation, test = writer_split(pen_digits)
    sides = [{d.writer for d in part} for part in (train, validation, test)]
    assert sides == [set(TRAIN_WRITERS), set(VALIDATION_WRITERS), set(TEST_WRITERS)]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    assert len(train) + len(validation) + len(test) == len(pen_digits)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (GOOD.replace(".PEN_UP\n.DT", ".DT", 1), "without its .PEN_UP"),
        (GOOD.replace(".COMMENT 7 3", ".COMMENT 4 3"), "the comment says 4"),
        (GOOD.replace(".COMMENT 7 3", ".COMMENT 7 99"), "outside 1-30"),
        (GOOD.replace(" 100  400\n", " 100  x\n"), "expected 'x y'"),
        (GOOD.replace('"7"', '"A"'), "digit label"),
        (GOOD.replace(".PEN_DOWN\n 200  400", " 200  400", 1), "outside .PEN_DOWN"),
    ],
)
def test_inconsistent_unipen_is_refused_naming_the_line(text, reason):
    with pytest.raises(DataError, match=reason) as info:
        parse_unipen(text, "bad.unipen")
    assert "bad.unipen, line" in str(info.value)


def test_truncated_gzip_is_a_data_error(tmp_path: Path):
    path = tmp_path / "pen.tra.gz"
    path.write_bytes(gzip.compress(GOOD.encode())[:-20])
    with pytest.raises(DataError, match="corrupt or truncated gzip"):
        read_pendigits(path)


def test_a_file_shorter_than_promised_is_truncated_not_smaller(tmp_path: Path):
    path = tmp_path / "pen.tra"
    path.write_text(GOOD)
    assert len(read_pendigits(path)) == 2
    with pytest.raises(DataError, match="expected 3 digits, found 2"):
        read_pendigits(path, expected=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([".SEGMENT DIGIT 0 ? \"3\"", ".COMMENT 3 5 1", ".PEN_DOWN", ".PEN_UP",
                                 " 10 20", " 1", "junk", ".DT 100", ""]), max_size=30))  # fmt: skip
def test_any_garbage_is_a_data_error_or_digits(lines):
    try:
        digits = parse_unipen("\n".join(lines))
    except DataError:
        return
    assert all(d.strokes and all(len(s) for s in d.strokes) for d in digits)


def test_rendering_draws_the_whole_digit_inside_the_canvas(pen_digits):
    rng = np.random.default_rng(0)
    for digit in pen_digits[:50]:
        style = random_style(rng)
        drawing = render(digit.strokes, style)
        assert drawing.shape == (CANVAS, CANVAS) and drawing.dtype == np.uint8
        assert drawing.min() < 64  # dark ink
        edges = np.concatenate([drawing[0], drawing[-1], drawing[:, 0], drawing[:, -1]])
        assert edges.min() > 200  # nothing cut off at the border
        preprocess(drawing)  # and the app can read it


def test_pen_width_and_size_follow_the_style(pen_digits):
    one = next(d for d in pen_digits if d.label == 1)
    thin = PenStyle(height=200, aspect=1, slant=0, rotation=0, pen=3, smooth=False, x=0.5, y=0.5)
    thick = PenStyle(height=200, aspect=1, slant=0, rotation=0, pen=20, smooth=False, x=0.5, y=0.5)
    ink_thin, ink_thick = ((255 - render(one.strokes, s)).sum() for s in (thin, thick))
    assert ink_thick > 4 * ink_thin
    rows = np.nonzero((render(one.strokes, thin) < 128).any(1))[0]
    assert 190 <= rows[-1] - rows[0] + 1 <= 206  # the 200 px height, plus the pen's round caps
