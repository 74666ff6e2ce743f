"""numpy -> QImage conversion: every pixel keeps its colour, whatever the array's shape or layout."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PySide6.QtGui import QImage

from mnist_desk.ui.image_tiles import grey_to_qimage, rgb_to_qimage

shapes = st.tuples(st.integers(1, 40), st.integers(1, 40), st.just(3))


@settings(max_examples=60, deadline=None)
@given(rgb=arrays(np.uint8, shapes), transpose=st.booleans())
def test_every_pixel_keeps_its_colour(qapp, rgb, transpose):
    if transpose:  # a view that is not C-contiguous, as slices of maps are
        rgb = rgb.transpose(1, 0, 2)
    image = rgb_to_qimage(rgb)
    assert image.format() == QImage.Format.Format_RGB32  # the painter's own format: never converted per paint
    assert (image.width(), image.height()) == (rgb.shape[1], rgb.shape[0])
    pixels = np.array(
        [[image.pixelColor(x, y).getRgb()[:3] for x in range(image.width())] for y in range(image.height())]
    )
    assert np.array_equal(pixels, rgb)


def test_the_image_owns_its_pixels(qapp):
    rgb = np.full((3, 4, 3), 200, np.uint8)
    image = rgb_to_qimage(rgb)
    rgb[:] = 0
    assert image.pixelColor(0, 0).getRgb()[:3] == (200, 200, 200)


@settings(max_examples=30, deadline=None)
@given(grey=arrays(np.uint8, st.tuples(st.integers(1, 30), st.integers(1, 30))))
def test_grey_pixels_keep_their_level(qapp, grey):
    image = grey_to_qimage(grey)
    assert all(image.pixelColor(x, y).red() == grey[y, x] for y in range(grey.shape[0]) for x in range(grey.shape[1]))
