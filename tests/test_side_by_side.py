"""side_by_side: strokes on the square canvas that stand apart as several digits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_desk.side_by_side import (
    CLEAR_GAP,
    NOTHING,
    SideBySide,
    side_by_side,
    side_by_side_in_pixels,
    suggests_number_mode,
)
from mnist_desk.strokes import PenStroke
from training.numbers import random_number
from training.pen_render import random_style, render, shape_strokes
from training.pendigits import VALIDATION_WRITERS, by_writers, read_pendigits


def pen_strokes(arrays, pen: float) -> list[PenStroke]:
    return [PenStroke(np.asarray(a, dtype=np.float64), pen) for a in arrays]


def digits_side_by_side(strokes: list[PenStroke]) -> int:
    return side_by_side(strokes).digits


def test_a_single_pen_digit_stands_as_one():
    digits = by_writers(read_pendigits(), VALIDATION_WRITERS)[::5]  # 200 digits, every class
    rng = np.random.default_rng(7)
    counts = []
    for digit in digits:
        style = random_style(rng)
        counts.append(digits_side_by_side(pen_strokes(shape_strokes(digit.strokes, style), style.pen)))
    assert len(digits) == 200 and max(counts) == 1


def test_a_number_of_pen_digits_stands_as_several():
    pen = read_pendigits()
    rng = np.random.default_rng(8)
    for length in (2, 3, 5):
        for writer in VALIDATION_WRITERS:
            number = random_number(by_writers(pen, [writer]), length, rng)
            assert digits_side_by_side(pen_strokes(number.strokes, number.pen)) >= 2


def test_a_dot_or_a_tick_beside_a_digit_is_no_second_digit():
    one = [[(100, 40), (100, 240)]]
    assert digits_side_by_side(pen_strokes(one, 12)) == 1
    assert digits_side_by_side(pen_strokes([*one, [(160, 236), (160.5, 236)]], 12)) == 1  # "1."
    assert digits_side_by_side(pen_strokes([*one, [(160, 200), (175, 215)]], 12)) == 1  # a short tick
    assert digits_side_by_side(pen_strokes([*one, [(200, 40), (200, 240)]], 12)) == 2  # "11"


def test_marks_alone_are_no_digits_however_tall_beside_each_other():
    """Two taps of the pen, an ellipsis, two dashes, two small waves: each is as tall as the
    "writing" they make, and had been counted as digits (a review)."""
    taps = [[(100, 140), (100.5, 140)], [(200, 140), (200.5, 140)], [(300, 140), (300.5, 140)]]
    dashes = [[(60, 140), (120, 140)], [(180, 140), (240, 140)]]
    waves = [
        [(60, 140), (75, 128), (90, 140), (105, 152), (120, 140)],
        [(180, 140), (195, 128), (210, 140), (225, 152)],
    ]
    for marks in (taps[:2], taps, dashes, waves):
        assert digits_side_by_side(pen_strokes(marks, 12)) <= 1


def test_nothing_drawn_is_no_digit():
    assert side_by_side([]) == NOTHING


def test_a_sure_answer_gets_the_suggestion_only_across_clear_paper():
    """A 4 whose bar stops short of its stem is two groups and reads as a sure 4; "10" reads
    as a sure 0 too, but with paper between its digits."""
    touching = SideBySide(2, CLEAR_GAP / 2)
    apart = SideBySide(2, CLEAR_GAP)
    assert suggests_number_mode(touching, sure=False) and suggests_number_mode(apart, sure=False)
    assert not suggests_number_mode(touching, sure=True) and suggests_number_mode(apart, sure=True)
    assert not suggests_number_mode(SideBySide(1, 0.0), sure=False)
    ten = pen_strokes([[(100, 40), (100, 240)], [(200, 40), (150, 140), (200, 240), (250, 140), (200, 40)]], 12)
    assert side_by_side(ten).digits == 2 and side_by_side(ten).widest_gap >= CLEAR_GAP


point = st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))
stroke = st.tuples(st.lists(point, min_size=1, max_size=12), st.floats(0.1, 500))


@settings(max_examples=200, deadline=None)
@given(st.lists(stroke, max_size=12))
def test_any_strokes_give_a_count_never_an_error(strokes):
    """Single points, tiny and huge pens, strokes far apart or on top of each other."""
    pens = [PenStroke(np.array(points, dtype=np.float64), width) for points, width in strokes]
    apart = side_by_side(pens)
    assert 0 <= apart.digits <= len(pens) and np.isfinite(apart.widest_gap)


def test_a_picture_of_a_number_stands_as_several_and_one_digit_as_one():
    """From pixels, for an opened image or strokes partly erased."""
    pen = read_pendigits()
    rng = np.random.default_rng(9)
    for writer in VALIDATION_WRITERS:
        number = random_number(by_writers(pen, [writer]), 3, rng)
        assert side_by_side_in_pixels(number.image).digits >= 2
    style = random_style(rng)
    seven = next(d for d in by_writers(pen, VALIDATION_WRITERS) if d.label == 7)
    assert side_by_side_in_pixels(render(seven.strokes, style)).digits == 1


def test_a_blank_or_noisy_picture_stands_as_nothing():
    assert side_by_side_in_pixels(np.full((100, 100), 255, np.uint8)) == NOTHING
    noise = np.random.default_rng(0).choice([0, 255], size=(280, 280), p=[0.05, 0.95]).astype(np.uint8)
    assert side_by_side_in_pixels(noise).digits == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.integers(0, 2**32 - 1), st.sampled_from([np.uint8, np.uint16]))
def test_any_picture_gives_a_count_never_an_error(height, width, seed, dtype):
    """Tiny, thin, 16-bit, all ink or none."""
    top = np.iinfo(dtype).max
    picture = np.random.default_rng(seed).integers(0, top, size=(height, width), endpoint=True).astype(dtype)
    apart = side_by_side_in_pixels(picture)
    assert apart.digits >= 0 and np.isfinite(apart.widest_gap)
