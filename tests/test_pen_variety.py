"""training/pen_variety.py: a pen digit's strokes changed as another writer might have written them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from training.pen_variety import END_CHANGE, STROKE_SHIFT, WARP, vary_strokes

SEVEN = [np.array([[0.0, 0.0], [40.0, 0.0], [20.0, 80.0]]), np.array([[10.0, 40.0], [35.0, 40.0]])]


def test_no_variety_leaves_the_strokes_as_written():
    varied = vary_strokes(SEVEN, np.random.default_rng(0), amount=0)
    assert all(np.array_equal(a, b) for a, b in zip(varied, SEVEN, strict=True))


def test_the_same_generator_gives_the_same_writer():
    a = vary_strokes(SEVEN, np.random.default_rng(5))
    b = vary_strokes(SEVEN, np.random.default_rng(5))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_digit_is_changed_and_keeps_its_strokes():
    varied = vary_strokes(SEVEN, np.random.default_rng(1))
    assert len(varied) == len(SEVEN)
    assert any(x.shape != y.shape or not np.allclose(x, y) for x, y in zip(varied, SEVEN, strict=True))


def test_a_dot_stays_a_dot():
    dot = [np.array([[3.0, 4.0], [3.0, 4.0]])]
    assert np.array_equal(vary_strokes(dot, np.random.default_rng(0))[0], dot[0])


strokes = st.lists(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=2, max_size=30).map(np.array),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(strokes=strokes, seed=st.integers(0, 2**32 - 1), amount=st.floats(0.1, 1.0))
def test_every_change_is_small_against_the_digit(strokes, seed, amount):
    """However the digit was written, the changed one stays near its box: a digit stays its label."""
    points = np.concatenate(strokes)
    size = float(max(points.max(0) - points.min(0)))
    varied = vary_strokes(strokes, np.random.default_rng(seed), amount)
    assert len(varied) == len(strokes)
    moved = np.concatenate(varied)
    assert np.isfinite(moved).all()
    # Ends drawn longer (at most END_CHANGE of a stroke, itself at most ~4 sizes long for these
    # zig-zags), then each stroke turned, sized and shifted, then warped.
    longest = max(float(np.linalg.norm(np.diff(s, axis=0), axis=1).sum()) for s in strokes)
    reach = END_CHANGE * amount * longest + (STROKE_SHIFT + WARP + 0.3) * amount * size
    lo, hi = points.min(0) - reach - 1e-6, points.max(0) + reach + 1e-6
    assert (moved >= lo).all() and (moved <= hi).all()


def test_drawings_with_variety_are_other_drawings_and_cached_apart(tmp_path):
    from training.pen_render import rendered_digits
    from training.pendigits import PenDigit

    digits = [PenDigit(7, 1, tuple(SEVEN)), PenDigit(7, 2, tuple(s * 2 for s in SEVEN))]
    plain = rendered_digits(digits, 2, seed=3, cache_dir=tmp_path)
    varied = rendered_digits(digits, 2, seed=3, cache_dir=tmp_path, variety=1.0)
    # Variety 0 keeps the name drawings had before it existed, so the caches made then stay in use.
    assert plain.source.endswith("-2-3-112")
    assert varied.source != plain.source and len(list(tmp_path.iterdir())) == 2
    assert not np.array_equal(varied.images, plain.images)
    assert np.array_equal(varied.labels, plain.labels)
