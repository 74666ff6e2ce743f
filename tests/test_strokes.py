"""Drawing strokes: each stroke drawn once and laid over the others gives the picture of
all of them drawn together, and a reader draws each stroke only once."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from mnist_desk.strokes import STROKE_PAD, SUPERSAMPLE, PenStroke, StrokeImages, draw_strokes, render_strokes


def drawn_together(strokes: list[PenStroke], margin: int) -> np.ndarray:
    """The reference: every stroke drawn where it lies on a picture of the whole drawing, each
    kept within its own box (Pillow can spill a hairline from a joint where a stroke turns
    right back, across the whole picture; the box is where a stroke's ink belongs), then the
    strokes laid together and the picture reduced."""
    boxes = [s.box() for s in strokes]
    x0, y0 = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    x1, y1 = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    together = np.full(((y1 - y0) * SUPERSAMPLE, (x1 - x0) * SUPERSAMPLE), 255, np.uint8)
    for stroke, (bx0, by0, bx1, by1) in zip(strokes, boxes, strict=True):
        alone = Image.new("L", together.shape[::-1], 255)
        draw_strokes(alone, [stroke.points - [x0, y0]], stroke.width, False, SUPERSAMPLE)
        kept = np.full(together.shape, 255, np.uint8)
        rows = slice(max(0, (by0 - STROKE_PAD - y0) * SUPERSAMPLE), (by1 + STROKE_PAD - y0) * SUPERSAMPLE)
        columns = slice(max(0, (bx0 - STROKE_PAD - x0) * SUPERSAMPLE), (bx1 + STROKE_PAD - x0) * SUPERSAMPLE)
        kept[rows, columns] = np.asarray(alone)[rows, columns]
        np.minimum(together, kept, out=together)
    return np.asarray(Image.fromarray(together).resize((x1 - x0, y1 - y0), Image.Resampling.BOX))


points = st.lists(
    st.tuples(st.floats(0, 300, allow_nan=False), st.floats(0, 300, allow_nan=False)), min_size=1, max_size=12
)
strokes = st.lists(
    st.builds(lambda p, w: PenStroke(np.array(p), w), points, st.floats(0, 30, allow_nan=False)), min_size=1, max_size=4
)


@settings(max_examples=150, deadline=None)
@given(strokes, st.integers(0, 8))
# Found by this test in a full run (2026-11-25): a dot from a pen 1e-16 wide was a 2x2 block of
# supersampled pixels drawn alone and nothing drawn in place, Pillow's ellipse rounding either way.
@example([PenStroke(np.array([(0.0, 0.0)]), 2.220446049250313e-16)], 0)
def test_strokes_laid_over_each_other_are_the_strokes_drawn_together(strokes, margin):
    images = StrokeImages()
    drawing, (x0, y0, _, _) = render_strokes(strokes, margin, images)
    # No ink beyond the strokes' boxes (and their pad of paper).
    outside = np.ones(drawing.shape, bool)
    for bx0, by0, bx1, by1 in (s.box() for s in strokes):
        top, left = by0 - STROKE_PAD - y0 + margin, bx0 - STROKE_PAD - x0 + margin
        outside[max(0, top) : by1 + STROKE_PAD - y0 + margin, max(0, left) : bx1 + STROKE_PAD - x0 + margin] = False
    assert (drawing[outside] == 255).all()
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
    a, b, c = PenStroke(line, 8.0), PenStroke(line + 5, 8.0), PenStroke(line + 9, 8.0)
    one = StrokeImages().__call__(a).nbytes  # the three strokes' pictures are the same size
    images = StrokeImages(limit=2 * one)
    images(a), images(b), images(a)
    assert images.drawn == 2
    images(PenStroke(line, 8.0))  # equal points, another stroke: drawn, never mistaken for a
    assert images.drawn == 3
    images(c)  # room for two: the copy pushed b out, and c pushed out a
    images(b)
    images(a)
    assert images.drawn == 6 and images.bytes == 2 * one


def test_a_stroke_bigger_than_the_memory_allowed_is_drawn_but_not_kept_beside_others():
    small, big = (
        PenStroke(np.array([[0.0, 0.0], [20.0, 20.0]]), 4.0),
        PenStroke(np.array([[0.0, 0.0], [900.0, 0.0]]), 4.0),
    )
    images = StrokeImages(limit=StrokeImages()(small).nbytes * 3)
    images(small)
    assert images(big).shape[1] > 1800  # drawn and returned whole
    assert images.bytes == images(big).nbytes  # the only one kept
    images(small)
    assert images.drawn == 3
