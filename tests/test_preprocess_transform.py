"""preprocess_with_transform: the same input as preprocess, and the map from each input pixel
back onto the source image (how a 28x28 region is drawn on the canvas)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_desk.preprocess import preprocess


def _seven_on(width: int, height: int, box: tuple[int, int, int, int], pen: int) -> Image.Image:
    """A thick 7 (bar and diagonal) inside ``box`` = (x0, y0, x1, y1) of a white page."""
    x0, y0, x1, y1 = box
    img = Image.new("L", (width, height), 255)
    ImageDraw.Draw(img).line([(x0, y0), (x1, y0), (x0 + (x1 - x0) // 3, y1)], fill=0, width=pen, joint="curve")
    return img


# (page width, height, the digit's box, pen): a canvas, a wide page with the digit in a corner,
# and a page larger than WORK_SIDE (read reduced by a whole factor).
PAGES = [
    (280, 280, (90, 50, 200, 240), 18),
    (900, 500, (40, 260, 160, 470), 22),
    (5000, 3100, (3600, 400, 4400, 2000), 160),
]


@pytest.mark.parametrize(("width", "height", "box", "pen"), PAGES)
def test_preprocess_with_transform_returns_what_preprocess_returns(width, height, box, pen):
    from mnist_desk.preprocess import preprocess_with_transform

    image = _seven_on(width, height, box, pen)
    image28, transform = preprocess_with_transform(image)
    assert np.array_equal(image28, preprocess(image))
    assert transform.source_shape == (height, width)
    array28, array_transform = preprocess_with_transform(np.asarray(image))
    assert np.array_equal(array28, image28) and array_transform == transform


@pytest.mark.parametrize(("width", "height", "box", "pen"), PAGES)
def test_the_transform_puts_each_input_pixel_on_the_ink_it_came_from(width, height, box, pen):
    from mnist_desk.preprocess import preprocess_with_transform

    image = _seven_on(width, height, box, pen)
    image28, transform = preprocess_with_transform(image)
    source_ink = np.asarray(image) < 128
    step_y, step_x = transform.scale
    assert step_y == pytest.approx(step_x, rel=0.05)  # one scale, up to rounding
    # Every strongly inked input pixel lies, through the transform, on source ink
    # (looked up at the pixel's centre, within half an input pixel: its own footprint).
    rows, cols = np.nonzero(image28 > 0.6)
    for y, x in zip(rows, cols, strict=True):
        r, c = transform.to_source(y + 0.5, x + 0.5)
        r0, r1 = int(max(r - step_y / 2, 0)), int(min(r + step_y / 2 + 1, height))
        c0, c1 = int(max(c - step_x / 2, 0)), int(min(c + step_x / 2 + 1, width))
        assert source_ink[r0:r1, c0:c1].any(), (y, x, r, c)
    # ... and every source ink pixel lands on an inked input pixel.
    ink_rows, ink_cols = np.nonzero(source_ink)
    ys, xs = transform.to_input(ink_rows + 0.5, ink_cols + 0.5)
    landed = image28[np.clip(ys.astype(int), 0, 27), np.clip(xs.astype(int), 0, 27)]
    assert (landed > 0.1).mean() > 0.99
    # The ink's bounding box maps onto the input's, to within a pixel.
    top, left = transform.to_input(ink_rows.min(), ink_cols.min())
    bottom, right = transform.to_input(ink_rows.max() + 1, ink_cols.max() + 1)
    in_rows, in_cols = np.nonzero(image28 > 0.05)
    assert abs(top - in_rows.min()) <= 1 and abs(bottom - (in_rows.max() + 1)) <= 1
    assert abs(left - in_cols.min()) <= 1 and abs(right - (in_cols.max() + 1)) <= 1
    # rect_to_source is the same map, corner by corner.
    assert transform.rect_to_source(0, 0, 28, 28) == (*transform.to_source(0, 0), *transform.to_source(28, 28))


def test_a_marked_pixel_of_the_source_lands_where_the_transform_says():
    from mnist_desk.preprocess import preprocess_with_transform

    # Two drawings that differ only by a blob at a known place: where the inputs
    # differ most is where the transform puts that place.
    base = _seven_on(600, 400, (250, 80, 370, 330), 20)
    marked = base.copy()
    ImageDraw.Draw(marked).ellipse((355, 295, 375, 315), fill=0)  # off the strokes, near the bottom right
    a, transform = preprocess_with_transform(base)
    b, transform_b = preprocess_with_transform(marked)
    assert transform_b == transform  # the blob lies inside the ink's box: the same crop
    difference = np.abs(b - a)
    y, x = np.unravel_index(int(np.argmax(difference)), difference.shape)
    expected_y, expected_x = transform.to_input(305, 365)
    assert abs(y + 0.5 - expected_y) <= 1.0 and abs(x + 0.5 - expected_x) <= 1.0
