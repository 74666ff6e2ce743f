"""Drawing strokes: each stroke drawn once and laid over the others gives the picture of
all of them drawn together, and a reader draws each stroke only once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mnist_desk.strokes import SUPERSAMPLE, PenStroke, StrokeImages, draw_strokes, render_strokes


def drawn_together(strokes: list[PenStroke], margin: int) -> np.ndarray:
    """The reference: every stroke drawn onto one supersampled picture, then reduced."""
    boxes = [s.box() for s in strokes]
    x0, y0 = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    x1, y1 = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    big = Image.new("L", ((x1 - x0) * SUPERSAMPLE, (y1 - y0) * SUPERSAMPLE), 255)
    for stroke in strokes:
        draw_strokes(big, [stroke.points - [x0, y0]], stroke.width, False, SUPERSAMPLE)
    return np.asarray(big.resize((x1 - x0, y1 - y0), Image.Resampling.BOX))


points = st.lists(
    st.tuples(st.floats(0, 300, allow_nan=False), st.floats(0, 300, allow_nan=False)), min_size=1, max_size=12
)
strokes = st.lists(
    st.builds(lambda p, w: PenStroke(np.array(p), w), points, st.floats(0, 30, allow_nan=False)), min_size=1, max_size=4
)


@settings(max_examples=150, deadline=None)
@given(strokes, st.integers(0, 8))
def test_strokes_laid_over_each_other_are_the_strokes_drawn_together(strokes, margin):
    images = StrokeImages()
    drawing, _ = render_strokes(strokes, margin, images)
    # Pillow rounds a wide line's corners in floating point, so a stroke drawn a whole number of
    # pixels further along can gain or lose a supersampled pixel at a corner (seen: 1 pixel in
    # 4 million, a quarter of its grey): allowed once per point, nothing more.
    difference = np.abs(drawing.astype(int) - drawn_together(strokes, margin).astype(int))
    corners = sum(len(s.points) for s in strokes)
    assert (difference > 0).sum() <= corners and difference.sum() <= 64 * corners
    # Drawn again from the remembered images, in another order: exactly the same picture.
    again, _ = render_strokes(strokes[::-1], margin, images)
    np.testing.assert_array_equal(again, drawing)
    np.testing.assert_array_equal(render_strokes(strokes, margin)[0], drawing)  # and as drawn afresh
    assert images.drawn == len({id(s) for s in strokes})


def test_strokes_are_remembered_by_identity_and_the_least_recently_used_go_first():
    line = np.array([[10.0, 10.0], [60.0, 40.0]])
    images = StrokeImages(size=2)
    a, b, c = PenStroke(line, 8.0), PenStroke(line + 5, 8.0), PenStroke(line + 9, 8.0)
    images(a), images(b), images(a)
    assert images.drawn == 2
    images(PenStroke(line, 8.0))  # equal points, another stroke: drawn, never mistaken for a
    assert images.drawn == 3
    images(c)  # two remembered at most: the copy pushed b out, and c pushed out a
    images(b)
    images(a)
    assert images.drawn == 6
