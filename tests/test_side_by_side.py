"""side_by_side: strokes on the square canvas that stand apart as several digits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_desk.side_by_side import digits_side_by_side
from mnist_desk.strokes import PenStroke
from training.numbers import random_number
from training.pen_render import random_style, shape_strokes
from training.pendigits import VALIDATION_WRITERS, by_writers, read_pendigits


def pen_strokes(arrays, pen: float) -> list[PenStroke]:
    return [PenStroke(np.asarray(a, dtype=np.float64), pen) for a in arrays]


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


def test_nothing_drawn_is_no_digit():
    assert digits_side_by_side([]) == 0


point = st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))
stroke = st.tuples(st.lists(point, min_size=1, max_size=12), st.floats(0.1, 500))


@settings(max_examples=200, deadline=None)
@given(st.lists(stroke, max_size=12))
def test_any_strokes_give_a_count_never_an_error(strokes):
    """Single points, tiny and huge pens, strokes far apart or on top of each other."""
    pens = [PenStroke(np.array(points, dtype=np.float64), width) for points, width in strokes]
    assert 0 <= digits_side_by_side(pens) <= len(pens)
