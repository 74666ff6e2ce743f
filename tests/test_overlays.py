"""Two pen digits written over each other: near non-digits, drawn from real pen digits."""

from __future__ import annotations

import numpy as np

from training.overlays import LEFT_OUT, in_unit_box, overlaid, overlaid_digits
from training.pendigits import PenDigit


def _digit(label: int, writer: int = 1, size: float = 30.0) -> PenDigit:
    stroke = np.array([[0, 0], [size / 3, size], [size / 2, size * 0.8]], np.float32) + label
    return PenDigit(label, writer, (stroke, np.array([[size / 4, size / 4]], np.float32) + label))


def test_both_digits_share_one_box_whatever_their_sizes():
    small, large = _digit(3, size=10), _digit(7, size=300)
    for digit in (small, large):
        points = np.concatenate(in_unit_box(digit))
        assert np.ptp(points, 0).max() == np.float64(1.0)
        assert np.allclose((points.min(0) + points.max(0)) / 2, 0)
    both = overlaid(small, large)
    assert len(both.strokes) == 4  # every stroke of each
    assert np.allclose(np.ptp(np.concatenate(both.strokes), 0).max(), 1.0)


def test_overlays_pair_two_different_digits_of_one_writer_and_leave_out_0_1_8():
    digits = [_digit(label, writer) for writer in (1, 2) for label in range(10)]
    images = overlaid_digits(digits, 16, seed=3)
    assert images.shape == (16, 28, 28) and images.dtype == np.uint8 and images.max() > 200
    # A writer whose only digits are left out, or who wrote one digit only, gives no overlay.
    assert overlaid_digits([_digit(label) for label in LEFT_OUT], 4, seed=3).shape == (0, 28, 28)
    assert overlaid_digits([_digit(5), _digit(5)], 4, seed=3).shape == (0, 28, 28)


def test_overlays_are_reproducible_and_cached(tmp_path):
    digits = [_digit(label) for label in (2, 3, 4, 5)]
    first = overlaid_digits(digits, 8, seed=5, cache_dir=tmp_path)
    again = overlaid_digits(digits, 8, seed=5, cache_dir=tmp_path)
    assert np.array_equal(first, again) and len(list(tmp_path.glob("overlaid-*.npz"))) == 1
    assert not np.array_equal(first, overlaid_digits(digits, 8, seed=6))


def test_a_recipe_with_overlays_trains_them_as_not_digits(tmp_path):
    from training.data import NOT_A_DIGIT, Digits
    from training.recipe import recipe_for
    from training.recipe_data import training_set

    mnist = Digits(np.zeros((5, 28, 28), np.uint8), np.arange(5, dtype=np.uint8), "tiny")
    recipe = recipe_for("default", pen_renders=0, negatives=0, pairs=0, overlays=6)
    data, seconds = training_set(recipe, mnist, tmp_path, log=lambda _: None)
    assert len(data) == 11 and "overlays" in seconds and data.source.endswith("+overlays:6")
    assert (data.labels[5:] == NOT_A_DIGIT).all() and data.images[5:].max() > 200
