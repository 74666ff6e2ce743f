"""Digits mirrored or turned on their side: near non-digits, drawn from real pen digits."""

from __future__ import annotations

import numpy as np
import pytest

from training.pendigits import PenDigit
from training.turned import TURNS, TURNS_OF_DIGIT, turned, turned_digits


def _digit(label: int = 4) -> PenDigit:
    return PenDigit(label, 1, (np.array([[0, 0], [10, 20], [30, 25]], np.float32), np.array([[5, 5]], np.float32)))


@pytest.mark.parametrize("turn", TURNS)
def test_a_turn_keeps_every_point_and_the_drawing_size(turn):
    digit = _digit()
    once = turned(digit, turn)
    assert [len(s) for s in once.strokes] == [len(s) for s in digit.strokes]
    span = np.ptp(np.concatenate(once.strokes), 0)
    assert sorted(span) == sorted(np.ptp(np.concatenate(digit.strokes), 0))


def test_mirroring_twice_or_turning_over_twice_gives_the_digit_back():
    digit = _digit()
    for turn in ("mirrored", "upside down"):
        back = turned(turned(digit, turn), turn)
        assert all(np.allclose(a, b) for a, b in zip(back.strokes, digit.strokes, strict=True))
    left = turned(turned(digit, "on its left side"), "on its right side")
    assert all(np.allclose(a, b) for a, b in zip(left.strokes, digit.strokes, strict=True))


def test_digits_that_read_the_same_turned_are_never_used():
    # 0, 1 and 8 mirrored or turned are still 0, 1 and 8; 6 and 9 turned over are each other.
    assert not {0, 1, 8} & set(TURNS_OF_DIGIT)
    assert "upside down" not in TURNS_OF_DIGIT[6] + TURNS_OF_DIGIT[9]


def test_turned_digits_are_drawn_like_pen_digits_reproducibly_and_cached(tmp_path):
    digits = [_digit(label) for label in (0, 1, 3, 4, 7, 8)]
    first = turned_digits(digits, 12, seed=5, cache_dir=tmp_path)
    again = turned_digits(digits, 12, seed=5, cache_dir=tmp_path)
    assert first.shape == (12, 28, 28) and first.dtype == np.uint8 and first.max() > 200
    assert np.array_equal(first, again) and len(list(tmp_path.glob("turned-*.npz"))) == 1
    assert turned_digits([_digit(label) for label in (0, 1, 8)], 5, seed=5).shape == (0, 28, 28)
