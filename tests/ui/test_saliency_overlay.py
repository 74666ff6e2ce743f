"""The saliency overlay: transparent where there is no evidence, warmer and more opaque where there is."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from mnist_desk.ui.saliency_overlay import (
    FLOOR,
    MAX_ALPHA,
    legend_colour,
    paint_saliency,
    saliency_qimage,
    saliency_rgba,
)


def test_opacity_grows_with_the_evidence():
    values = np.linspace(0, 1, 28 * 28).reshape(28, 28)
    rgba = saliency_rgba(values)
    assert rgba.shape == (28, 28, 4) and rgba.dtype == np.uint8
    alpha = rgba[..., 3].ravel()
    assert np.all(np.diff(alpha.astype(int)) >= 0)
    assert alpha[values.ravel() <= FLOOR].max() == 0  # no tinted fog over the blank frame
    assert alpha[-1] == round(MAX_ALPHA * 255)
    # Yellow for weak evidence, crimson for the strongest.
    assert rgba[0, 0, :3].tolist() == [255, 214, 0] and rgba[-1, -1, :3].tolist() == [220, 20, 60]
    np.testing.assert_array_equal(saliency_rgba(np.full((2, 2), np.nan))[..., 3], 0)
    with pytest.raises(ValueError):
        saliency_rgba(np.zeros(5))


def test_qimage_and_painting():
    values = np.zeros((28, 28))
    values[10, 10] = 1.0
    overlay = saliency_qimage(values)
    assert (overlay.width(), overlay.height()) == (28, 28)
    assert overlay.pixelColor(10, 10).alpha() == round(MAX_ALPHA * 255) and overlay.pixelColor(0, 0).alpha() == 0
    canvas = QImage(280, 280, QImage.Format.Format_RGB32)
    canvas.fill(Qt.GlobalColor.white)
    painter = QPainter(canvas)
    paint_saliency(painter, QRectF(0, 0, 280, 280), overlay)
    painter.end()
    assert canvas.pixelColor(105, 105) != canvas.pixelColor(5, 5)  # the hot pixel, 10x larger, is tinted
    assert canvas.pixelColor(5, 5).name() == "#ffffff"  # the rest untouched
    assert legend_colour(0.0).alpha() == 0 and legend_colour(1.0).alpha() == round(MAX_ALPHA * 255)
