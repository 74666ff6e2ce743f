"""Composed numbers as training data: whole pairs and straddles (part of one digit and part of the next)."""

from __future__ import annotations

import numpy as np
import pytest

from training.numbers import STRADDLE_SHARE, compose_number, rendered_pairs, straddle, straddle_columns


@pytest.fixture(scope="module")
def writer_digits():
    from training.pendigits import TRAIN_WRITERS, by_writers, read_pendigits

    return by_writers(read_pendigits(), TRAIN_WRITERS[:1])


@pytest.mark.parametrize("seed", range(20))
def test_a_straddle_cuts_into_both_digits_and_holds_neither_whole(writer_digits, seed):
    rng = np.random.default_rng(seed)
    first, second = (writer_digits[int(i)] for i in rng.choice(len(writer_digits), 2, replace=False))
    number = compose_number([first, second], rng)
    columns = straddle_columns(number, rng)
    (a0, _, a1, _), (b0, _, b1, _) = number.boxes
    if columns is None:  # only when the digits overlap so much that no strip runs from one into the other
        assert b0 + STRADDLE_SHARE[1] * (b1 - b0) - (a0 + STRADDLE_SHARE[0] * (a1 - a0)) < 3
        return
    left, right = columns
    share = STRADDLE_SHARE[0] - 0.01
    assert a0 + share * (a1 - a0) <= left <= a1 - share * (a1 - a0)  # a real part of the first digit is left out
    assert b0 + share * (b1 - b0) <= right <= b1 - share * (b1 - b0)  # and of the second
    strip = straddle(number, np.random.default_rng(seed))
    assert strip is None or (strip.shape[0] == number.image.shape[0] and strip.shape[1] < number.image.shape[1])


def test_straddles_are_reproducible_cached_apart_from_pairs_and_unlike_them(writer_digits, tmp_path):
    straddles = rendered_pairs(writer_digits, 40, seed=3, cache_dir=tmp_path, straddles=True)
    again = rendered_pairs(writer_digits, 40, seed=3, straddles=True)
    pairs = rendered_pairs(writer_digits, 40, seed=3, cache_dir=tmp_path)
    assert straddles.shape[1:] == (28, 28) and 30 <= len(straddles) <= 40
    np.testing.assert_array_equal(straddles, again)
    assert sorted(f.name.split("-")[0] for f in tmp_path.iterdir()) == ["pairs", "straddles"]
    # The same pairs, composed alike: no strip is the whole pair it was cut from.
    n = min(len(straddles), len(pairs))
    assert not any(np.array_equal(s, p) for s, p in zip(straddles[:n], pairs[:n], strict=True))
