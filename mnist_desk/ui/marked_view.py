"""MarkedPixelView: a :class:`PixelView` one can point at, with a region and an overlay on it.

Used for the 28x28 input (the receptive field of the unit pointed at, and the
saliency map) and for the enlarged feature map (the unit whose arithmetic is
shown). It reports the pixel under the mouse and the pixel clicked, in the
image's own (row, column).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from mnist_desk.ui.canvas_overlay import paint_field
from mnist_desk.ui.hover import HoverReport
from mnist_desk.ui.image_tiles import PixelView
from mnist_desk.ui.saliency_overlay import paint_saliency

Region = tuple[int, int, int, int]  # (top, left, bottom, right) in image pixels, bottom/right exclusive


class MarkedPixelView(HoverReport, PixelView):
    pixel_hovered = Signal(int, int)  # (row, column) under the mouse
    pixel_clicked = Signal(int, int)
    hover_left = Signal()

    def __init__(self, object_name: str, grid: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(object_name, grid, parent)
        self.setMouseTracking(True)
        self._region: Region | None = None
        self._overlay: QImage | None = None

    def set_region(self, region: Region | None) -> None:
        """Outline ``region`` and veil the rest of the image (None: nothing marked)."""
        if region != self._region:
            self._region = region
            self.update()

    def region(self) -> Region | None:
        return self._region

    def set_overlay(self, overlay: QImage | None) -> None:
        """An image laid over the picture, stretched to it, pixel-sharp (None: none)."""
        self._overlay = overlay
        self.update()

    def overlay(self) -> QImage | None:
        return self._overlay

    def pixel_rect(self, row: int, column: int) -> QRectF:
        """Where pixel (row, column) of the image is drawn (an empty rect without an image)."""
        image = self.image()
        if image is None:
            return QRectF()
        square = self._square()
        w, h = square.width() / image.width(), square.height() / image.height()
        return QRectF(square.x() + column * w, square.y() + row * h, w, h)

    def pixel_at(self, point: QPointF) -> tuple[int, int] | None:
        """The (row, column) drawn at ``point``, or None outside the image."""
        image = self.image()
        square = self._square()
        if image is None or not square.contains(point):
            return None
        row = int((point.y() - square.y()) / square.height() * image.height())
        column = int((point.x() - square.x()) / square.width() * image.width())
        return min(row, image.height() - 1), min(column, image.width() - 1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self.report_hover(self.pixel_at(event.position()), self.pixel_hovered)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pixel = self.pixel_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and pixel is not None:
            self.pixel_clicked.emit(*pixel)
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        image = self.image()
        if image is None or (self._overlay is None and self._region is None):
            return
        painter = QPainter(self)
        square = self._square()
        if self._overlay is not None:
            paint_saliency(painter, square, self._overlay)
        if self._region is not None:
            top, left, bottom, right = self._region
            w, h = square.width() / image.width(), square.height() / image.height()
            field = QRectF(square.x() + left * w, square.y() + top * h, (right - left) * w, (bottom - top) * h)
            paint_field(painter, square, field, self.palette())
        painter.end()


__all__ = ["MarkedPixelView", "Region"]
