"""Specks in a number: part of a digit, a dot made on purpose (its own part, not a digit), or dust."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mnist_desk.inference import Predictor
from mnist_desk.preprocess import preprocess
from mnist_desk.reading import read_number, read_segments, read_strokes
from mnist_desk.segment import Segment, best_grouping, group_pieces
from mnist_desk.specks import DOT_REACH, PEN_DOT, SPECK, commas, pen_marks, stroke_dots
from mnist_desk.strokes import PenStroke
from training.pen_render import PenStyle, draw_strokes, shape_strokes
from training.pendigits import TEST_WRITERS, read_pendigits

HEIGHT = 150  # of the digits, in pixels
BIG_PEN = 30.0  # a felt pen on such digits, or a bold font's strokes
MIDDLE = 150  # the line's centre, on a 300 px tall page


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


@pytest.fixture(scope="module")
def three_and_one(predictor) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A 3 and a 1 of a test writer, as strokes (y down, unit scale), that read right and surely alone."""
    style = PenStyle(height=HEIGHT, aspect=1, slant=0, rotation=0, pen=10, smooth=False, x=0.5, y=0.5)
    chosen = {}
    for digit in read_pendigits():
        if digit.writer == TEST_WRITERS[0] and digit.label in (1, 3) and digit.label not in chosen:
            image = Image.new("L", (280, 280), 255)
            draw_strokes(image, shape_strokes(digit.strokes, style, canvas=280), 10, False, 1)
            probabilities, rejected = predictor.read(preprocess(np.asarray(image))[None])
            if probabilities[0].argmax() == digit.label and probabilities[0].max() > 0.95 and not rejected[0]:
                chosen[digit.label] = list(digit.strokes)
    return chosen[3], chosen[1]


def written(
    parts: list[list[np.ndarray]], gap: float, pen: float, dot_at: str, dot: float | None = None
) -> list[np.ndarray]:
    """Strokes of a digit, a dot and a digit on one line, ``gap`` px of paper each side of the dot.

    The dot is one click of the pen (or, ``dot`` px across, a tiny circle), on the line's middle
    or its baseline (a decimal point)."""
    style = PenStyle(height=HEIGHT, aspect=1, slant=0, rotation=0, pen=pen, smooth=False, x=0, y=0)
    first, last = (shape_strokes(p, style, canvas=4000) for p in parts)
    size = dot or pen
    strokes, x = [], 20.0 + pen
    for k, mark in enumerate([first, None, last]):
        if mark is None:  # the dot: its ink starts gap past the first digit's
            centre = np.array([x + gap + size / 2, MIDDLE if dot_at == "middle" else MIDDLE + HEIGHT / 2 - size / 2])
            turn = np.linspace(0, 2 * np.pi, 13)[:, None]
            ring = (size - pen) / 2 * np.hstack([np.cos(turn), np.sin(turn)])
            strokes.append(centre[None] + ring if size > pen else centre[None])
            x += gap + size
            continue
        pts = np.concatenate(mark)
        left = pts[:, 0].min() - pen / 2
        offset = np.array([x + (gap if k else 0) - left, MIDDLE - (pts[:, 1].min() + pts[:, 1].max()) / 2])
        placed = [s + offset for s in mark]
        strokes += placed
        x = float(np.concatenate(placed)[:, 0].max()) + pen / 2
    return strokes


def picture(strokes: list[np.ndarray], pen: float) -> np.ndarray:
    width = int(max(s[:, 0].max() for s in strokes) + pen + 20)
    big = Image.new("L", (width * 2, 600), 255)
    draw_strokes(big, strokes, pen, False, 2)
    return np.asarray(big.resize((width, 300), Image.Resampling.BOX))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.floats(DOT_REACH + 0.03, 0.6),
    st.floats(4, 20),
    st.sampled_from(["middle", "baseline"]),
    st.sampled_from(["strokes", "pixels"]),
)
def test_a_dot_apart_from_the_digits_is_a_part_of_its_own_never_lost(predictor, three_and_one, gap, pen, at, how):
    # Until 2026-11-24 a speck away from every digit was dropped as dust: "3.1" read "31".
    strokes = written(list(three_and_one), gap * HEIGHT, pen, at)
    if how == "strokes":
        reading = read_strokes(predictor, [PenStroke(s, pen) for s in strokes])
    else:
        reading = read_number(predictor, picture(strokes, pen))
    assert [d.digit for d in reading.digits] == [3, None, 1]
    assert reading.text is None  # a dot inside a number: not a number
    dot = reading.digits[1].box
    assert dot[2] - dot[0] < 2 * pen + 4 and dot[3] - dot[1] < 2 * pen + 4  # the dot's own box


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.floats(DOT_REACH + 0.03, 0.6),
    st.floats(SPECK * (HEIGHT + BIG_PEN) + 1, 1.75 * BIG_PEN),  # px: more than a speck of the writing
    st.sampled_from(["strokes", "pixels"]),
)
def test_a_dot_larger_than_a_speck_apart_is_still_its_own_part(predictor, three_and_one, gap, size, how):
    # A bold font's point (23 px on 89 px digits) or a felt pen's dot is more than SPECK of the
    # writing's height: until 2026-11-25 it joined the digit before it, and "3.14" read "314".
    # Under two pen widths across, the tiny circle is a solid dot (wider, it is a small 0). From
    # pixels the pen measures 0.73 of its width here (21.8 of 30 px: the faint edge is not its
    # body), so the rule's limit, 2.5 measured pens, is 54.5 px: the bound of 1.8 pens (54 px) sat
    # on it, and a sub-pixel shift made that dot's box 55 px (gap 0.25: [3, 1], found 2026-11-25).
    pen = BIG_PEN
    strokes = written(list(three_and_one), gap * HEIGHT, pen, "baseline", dot=size)
    if how == "strokes":
        reading = read_strokes(predictor, [PenStroke(s, pen) for s in strokes])
    else:
        reading = read_number(predictor, picture(strokes, pen))
    assert [d.digit for d in reading.digits] == [3, None, 1] and reading.text is None


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(DOT_REACH + 0.03, 0.6), st.floats(8, 20), st.integers(1, 3), st.sampled_from(["middle", "baseline"]))
def test_dust_smaller_than_the_pen_between_digits_is_still_dropped(predictor, three_and_one, gap, pen, side, at):
    assert side < PEN_DOT * pen
    strokes = written(list(three_and_one), gap * HEIGHT, pen, at)
    page = picture([s for s in strokes if len(s) > 1], pen).copy()
    x, y = strokes[-len(three_and_one[1]) - 1][0]  # where the dot would have been
    page[int(y) : int(y) + side, int(x) : int(x) + side] = 0
    assert read_number(predictor, page).text == "31"


def test_a_speck_apart_stands_alone_only_when_made_on_purpose():
    boxes = [(0, 0, 40, 100), (60, 0, 100, 100), (75, 102, 80, 107), (140, 80, 150, 90)]
    assert group_pieces(boxes) == [[0], [1, 2]]  # dust: the far speck goes
    assert group_pieces(boxes, marks=[True] * 4) == [[0], [1, 2], [3]]  # a dot: its own mark
    # Dust joins a digit it is near; a dot made on purpose only one it (nearly) touches.
    near = [(0, 0, 40, 100), (50, 80, 56, 86)]
    assert group_pieces(near) == [[0, 1]] and group_pieces(near, marks=[True, True]) == [[0], [1]]
    beside = [(0, 0, 40, 100), (42, 80, 48, 86)]  # within DOT_REACH of the digit: part of it
    assert group_pieces(beside, marks=[True, True]) == [[0, 1]]


def test_a_short_stroke_of_a_digit_drawn_apart_is_no_dot():
    # A 1's foot drawn as its own stroke, reaching out of the stem's box (a training writer's 1).
    stem, foot = (43, 30, 128, 230), (3, 221, 49, 234)
    assert stroke_dots([stem, foot], [7.0, 7.0]) == [False, False]
    assert group_pieces([stem, foot], marks=[False, False]) == [[0, 1]]
    tap = (20, 150, 28, 158)  # the same place, a tap of the pen: a dot, apart
    assert stroke_dots([tap], [7.0]) == [True] and group_pieces([stem, tap], marks=[False, True]) == [[1], [0]]


def test_a_stray_touch_above_or_below_the_writing_is_no_mark():
    digits, pens = [(0, 100, 60, 200), (100, 100, 160, 200)], [8.0, 8.0]
    above, between, below = (76, 60, 84, 68), (76, 180, 84, 188), (76, 230, 84, 238)
    assert stroke_dots([*digits, above, between, below], [*pens, 8.0, 8.0, 8.0]) == [False, False, False, True, False]
    # Over a short digit but on the line of a tall one (a tablet writer's stray touch over a 1):
    # it shares the 1's extent, so it is no mark between digits (too far to join the 1: dropped).
    one, tall, over = (20, 140, 30, 200), (100, 100, 160, 200), (21, 118, 29, 126)
    assert stroke_dots([one, tall, over], [8.0, 8.0, 8.0])[2]
    assert group_pieces([one, tall, over], marks=[False, False, True]) == [[0], [1]]  # dropped, as before


def test_no_reading_joins_a_dot_apart_to_a_digit():
    boxes = [(0, 0, 40, 100), (60, 80, 70, 90), (90, 0, 130, 100)]
    units = group_pieces(boxes, marks=[True] * 3)
    assert units == [[0], [1], [2]]

    def loves_everything(crops):  # every candidate reads as a sure digit, the joined ones too
        return np.zeros(len(crops)), np.zeros(len(crops), bool)

    assert best_grouping(units, boxes, lambda members: np.zeros((8, 8)), loves_everything) == units


def test_pixels_a_pen_wide_dot_on_the_line_is_a_mark_and_dust_or_the_margins_are_not():
    page = np.zeros((200, 400), bool)
    page[50:150, 20:30] = page[50:150, 100:110] = True  # two 1s, 10 px pen
    pieces = [np.zeros_like(page) for _ in range(5)]
    pieces[0][50:150, 20:30] = pieces[1][50:150, 100:110] = True
    pieces[2][140:149, 60:69] = True  # a pen's dot on the baseline
    pieces[3][100:102, 70:72] = True  # dust on the line
    pieces[4][10:19, 60:69] = True  # a pen-wide speck in the margin above
    boxes = [(20, 50, 30, 150), (100, 50, 110, 150), (60, 140, 69, 149), (70, 100, 72, 102), (60, 10, 69, 19)]
    assert pen_marks(pieces, boxes, 100, cut=[]) == [False, False, True, False, False]
    assert pen_marks(pieces, boxes, 100, cut=[2])[2] is False  # part of a cut blob: never alone


def test_the_pen_is_measured_across_its_strokes_not_along_the_rows():
    # A 1 and a flat bar (a 2's base, a 5's flag) written with a 10 px pen, and a 9 px dot:
    # measured along the rows the bar made the pen 55 px, and the dot was dropped as dust.
    boxes = [(20, 50, 30, 150), (60, 140, 160, 150), (40, 140, 49, 149)]
    pieces = [np.zeros((200, 200), bool) for _ in boxes]
    for piece, (x0, y0, x1, y1) in zip(pieces, boxes, strict=True):
        piece[y0:y1, x0:x1] = True
    assert pen_marks(pieces, boxes, 100, cut=[])[2]


def test_a_part_of_dots_is_never_a_digit_even_one_the_network_reads_as_a_sure_1(predictor, three_and_one):
    one = picture(written(list(three_and_one), 40, 10, "middle"), 10)[:, 200:]  # the 1 alone, on its own
    ink = (255 - one.astype(np.float32)) / 255
    ys, xs = np.nonzero(ink > 0.1)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    crop = ink[box[1] : box[3], box[0] : box[2]]
    read = read_segments(predictor, [Segment(box, crop, (0,)), Segment(box, crop, (0,), dots=True)]).digits
    assert read[0].digit == 1 and read[1].not_a_digit


def test_a_small_digit_beside_full_size_ones_is_no_dot():
    # A reviewer's finds: a felt pen's short 1 (2.3 pens tall) or small 0 (2.15 pens) from strokes,
    # and a bold font's subscript-sized 7 (not solid) from pixels, had become dots: "621" read "62?".
    digits, pens = [(0, 0, 60, 100), (80, 0, 140, 100)], [15.0, 15.0]
    short_one, tap = (160, 60, 175, 95), (160, 80, 175, 95)
    assert stroke_dots([*digits, short_one, tap], [*pens, 15.0, 15.0])[2:] == [False, True]
    page = (200, 300)
    pieces = [np.zeros(page, bool) for _ in range(4)]
    pieces[0][0:100, 0:60] = pieces[1][0:100, 80:140] = True
    pieces[0][12:88, 12:48] = pieces[1][12:88, 92:128] = False  # strokes 12 px wide: dots up to 30 px
    pieces[2][72:100, 160:188] = True  # a solid dot, 28 px: more than a speck of the 100 px writing
    pieces[3][72:100, 200:228] = True
    pieces[3][78:94, 206:222] = False  # the same size with a hole: a small 0, no dot
    boxes = [(0, 0, 60, 100), (80, 0, 140, 100), (160, 72, 188, 100), (200, 72, 228, 100)]
    assert pen_marks(pieces, boxes, 100, cut=[])[2:] == [True, False]


def with_a_comma(
    strokes: list[np.ndarray], dot_index: int, length: float, lean: float, below: float
) -> list[np.ndarray]:
    """``strokes`` (from :func:`written`, its dot on the baseline) with the dot turned into a
    comma: a short stroke ``length`` px long, leaning left by ``lean`` of it as it goes down,
    reaching ``below`` of its length under the baseline."""
    x = float(strokes[dot_index][:, 0].mean())
    base = MIDDLE + HEIGHT / 2
    top, bottom = base - (1 - below) * length, base + below * length
    comma = np.array([[x + lean * length / 2, top], [x, (top + bottom) / 2], [x - lean * length / 2, bottom]])
    return [*strokes[:dot_index], comma, *strokes[dot_index + 1 :]]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.floats(DOT_REACH + 0.03, 0.4),  # paper between the comma and each digit, in the digits' height
    st.floats(4, 16),  # the pen
    st.floats(0.2, 0.3),  # the comma's length, in the digits' height (with the pen, under BIG_DOT)
    st.floats(0.0, 0.6),
    st.floats(0.35, 0.7),
    st.sampled_from(["strokes", "pixels"]),
)
def test_a_comma_between_digits_is_a_part_of_its_own(predictor, three_and_one, clear, pen, length, lean, below, how):
    # Until 2026-11-25 a comma, too big for a speck, was read as a digit or joined to one: "1,000"
    # in a font read "11000", "3,14" "314". (Nearer a digit than DOT_REACH, it joins it, as a dot does.)
    gap = (clear + lean * length / 2) * HEIGHT  # from the digit to the comma's middle, less the pen
    strokes = with_a_comma(written(list(three_and_one), gap, pen, "baseline"), len(three_and_one[0]),
                           length * HEIGHT, lean, below)  # fmt: skip
    if how == "strokes":
        reading = read_strokes(predictor, [PenStroke(s, pen) for s in strokes])
    else:
        reading = read_number(predictor, picture(strokes, pen))
    assert [d.digit for d in reading.digits] == [3, None, 1] and reading.text is None


def test_only_a_low_narrow_straight_mark_alone_between_two_digits_reaching_under_them_is_a_comma():
    digits, height = [(0, 100, 60, 200), (100, 100, 160, 200)], 100.0
    comma = (76, 175, 84, 212)  # starts low, reaches 12 px under the digits
    on_the_line = (76, 165, 84, 200)  # a short 1 standing on the line
    under = (76, 205, 84, 240)  # wholly under the line: a stray touch, not between digits
    high = (76, 120, 84, 155)  # in the upper half
    wide = (62, 175, 98, 212)  # as wide as a small 0
    under_a_digit = (20, 175, 28, 212)  # over a digit's extent (a 1's foot, a 4's stem)
    pieces = [comma, on_the_line, under, high, wide, under_a_digit]
    found = [commas([*digits, piece], height, [4.0] * 3) for piece in pieces]
    assert found == [[False, False, value] for value in [True, False, False, False, False, False]]
    # Only between two digits: after the last one it is a small digit written low (a reviewer's find).
    assert commas([*digits, (176, 175, 184, 212)], height, [4.0] * 3) == [False, False, False]
    # One short line: a small 6, 0 or 8 written low has a longer line than its box's diagonal.
    diagonal = float(np.hypot(8, 37))
    assert commas([*digits, comma], height, [4.0] * 3, [100, 100, 1.2 * diagonal])[2]
    assert not commas([*digits, comma], height, [4.0] * 3, [100, 100, 2.0 * diagonal])[2]
    # Alone in its column: a small 4's stem beside the rest of its 4 is no comma.
    rest_of_a_four = (70, 170, 82, 195)
    assert commas([*digits, comma, rest_of_a_four], height, [4.0] * 4)[2:] == [False, False]
    # A 5's flag drawn as its own stroke counts with its body: the line is the body's, not the flag's.
    body, flag = (100, 130, 160, 200), (95, 100, 160, 115)  # the flag nearer
    assert commas([digits[0], body, flag, comma], height, [4.0] * 4)[3]
