"""A saliency map as a translucent colour layer to lay over the 28x28 view or the canvas.

Pure functions: a (28, 28) map in [0, 1] (from :func:`mnist_desk.explain.saliency`)
becomes an RGBA image whose opacity grows with the evidence, so the drawing
stays visible through the weak parts and is tinted where the decision was
made. Drawn scaled up with smoothing off it shows the network's own pixels;
with smoothing on it reads as a heat map over a large canvas. Placing it on
the canvas needs the crop, scale and shift that preprocessing applied.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

# Warm colours for "this drove the answer": they stay visible over both a
# white canvas and dark ink, and do not clash with the blue/red kernel maps.
RAMP = np.array([[255, 214, 0], [255, 120, 0], [220, 20, 60]], dtype=np.float64)  # yellow, orange, crimson
MAX_ALPHA = 0.75  # at the strongest evidence the drawing still shows through
FLOOR = 0.05  # weaker evidence than this is left fully transparent: no tinted fog over the blank frame


def saliency_rgba(saliency: np.ndarray, max_alpha: float = MAX_ALPHA, floor: float = FLOOR) -> np.ndarray:
    """(H, W) values in [0, 1] -> (H, W, 4) uint8 RGBA, not premultiplied.

    Colour runs yellow -> orange -> crimson with the value; opacity rises
    linearly from 0 at ``floor`` to ``max_alpha`` at 1. NaNs count as 0.
    """
    values = np.clip(np.nan_to_num(np.asarray(saliency, dtype=np.float64)), 0.0, 1.0)
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D map, got shape {values.shape}")
    position = values * (len(RAMP) - 1)
    low = np.minimum(position.astype(int), len(RAMP) - 2)
    t = (position - low)[..., None]
    rgb = RAMP[low] * (1 - t) + RAMP[low + 1] * t
    alpha = np.clip((values - floor) / (1.0 - floor), 0.0, 1.0) * max_alpha
    return np.dstack([rgb, alpha * 255]).round().astype(np.uint8)


def saliency_qimage(saliency: np.ndarray, max_alpha: float = MAX_ALPHA, floor: float = FLOOR) -> QImage:
    """The same as :func:`saliency_rgba`, as an independent ``QImage`` (RGBA8888)."""
    rgba = np.ascontiguousarray(saliency_rgba(saliency, max_alpha, floor))
    h, w, _ = rgba.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def paint_saliency(painter: QPainter, target: QRectF, overlay: QImage, smooth: bool = False) -> None:
    """Draw ``overlay`` stretched over ``target`` (pixel-sharp unless ``smooth``), leaving the painter as it was."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
    painter.drawImage(target, overlay)
    painter.restore()


def legend_colour(value: float) -> QColor:
    """The overlay's colour and opacity at ``value`` in [0, 1], for a legend."""
    r, g, b, a = saliency_rgba(np.array([[value]]))[0, 0]
    return QColor(int(r), int(g), int(b), int(a))


__all__ = ["MAX_ALPHA", "paint_saliency", "legend_colour", "saliency_qimage", "saliency_rgba"]
