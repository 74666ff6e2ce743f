"""What the explain views lay over a picture: a receptive field and a saliency map.

:func:`paint_field` is shared by the canvas and the 28x28 view, so a field
looks the same on both: the picture outside it is veiled, the field itself
outlined twice (dark under light) so it reads on white paper, on black MNIST
pixels, in a dark palette and on a washed-out projector. The veil is a fixed
mid grey, not a palette colour: the pictures under it (white paper, black
MNIST input) are the same in either palette, and mid grey dims both.

:class:`CanvasOverlay` keeps the canvas's overlays in paper pixels (the
paper's own coordinates, whatever size the widget has) and repaints only the
part of the canvas they cover, before and after a change.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QWidget

from mnist_desk.ui.paper import RESOLUTION
from mnist_desk.ui.placement import Rect
from mnist_desk.ui.saliency_overlay import paint_saliency

VEIL = QColor(128, 128, 128, 110)  # how the picture outside a field is dimmed


def paint_field(painter: QPainter, picture: QRectF, field: QRectF, palette: QPalette) -> None:
    """Veil ``picture`` outside ``field`` and outline ``field`` (both in widget coordinates)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outside = QPainterPath()
    outside.addRect(picture)
    inside = QPainterPath()
    inside.addRect(field)
    painter.fillPath(outside.subtracted(inside), VEIL)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(0, 0, 0, 170), 5))
    painter.drawRect(field)
    painter.setPen(QPen(palette.highlight().color(), 2.5))
    painter.drawRect(field)
    painter.restore()


def paper_to_widget(paper: QRectF, rect: Rect) -> QRectF:
    """A paper rectangle (top, left, bottom, right) in paper pixels -> widget coordinates."""
    top, left, bottom, right = rect
    scale = paper.width() / RESOLUTION
    return QRectF(paper.x() + left * scale, paper.y() + top * scale, (right - left) * scale, (bottom - top) * scale)


class CanvasOverlay:
    """The canvas's receptive field and saliency map, in paper pixels."""

    def __init__(self, canvas: QWidget) -> None:
        self._canvas = canvas
        self._field: Rect | None = None
        self._saliency: tuple[QImage, Rect] | None = None

    def field(self) -> Rect | None:
        """The highlighted receptive field, (top, left, bottom, right) in paper pixels, or None."""
        return self._field

    def saliency(self) -> tuple[QImage, Rect] | None:
        """The saliency image and the paper rectangle it is stretched over, or None."""
        return self._saliency

    def set_field(self, field: Rect | None) -> None:
        if field != self._field:
            before, self._field = self._field, field
            self._repaint(before, field, whole=True)

    def set_saliency(self, image: QImage | None, rect: Rect | None) -> None:
        new = None if image is None or rect is None else (image, rect)
        before, self._saliency = self._saliency, new
        self._repaint(before[1] if before else None, rect if new else None, whole=False)

    def _repaint(self, before: Rect | None, after: Rect | None, whole: bool) -> None:
        # A field veils the whole paper: any change repaints it all. A saliency map
        # changes on every result while drawing: only where the old and new maps lie.
        paper = self._canvas.paper_rect()
        if whole:
            self._canvas.update(paper.toAlignedRect())
            return
        for rect in (before, after):
            if rect is not None:
                self._canvas.update(
                    paper_to_widget(paper, rect).intersected(paper).toAlignedRect().adjusted(-2, -2, 2, 2)
                )

    def paint(self, painter: QPainter, paper: QRectF) -> None:
        """Paint the overlays over the paper's square ``paper`` (widget coordinates)."""
        painter.save()
        painter.setClipRect(paper)
        if self._saliency is not None:
            image, rect = self._saliency
            frame = paper_to_widget(paper, rect)
            paint_saliency(painter, frame, image, smooth=True)
            # The 28x28 frame the network reads, dashed: the map stops at its edges.
            pen = QPen(self._canvas.palette().mid().color(), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
        if self._field is not None:
            paint_field(painter, paper, paper_to_widget(paper, self._field), self._canvas.palette())
        painter.restore()


__all__ = ["VEIL", "CanvasOverlay", "paint_field", "paper_to_widget"]
