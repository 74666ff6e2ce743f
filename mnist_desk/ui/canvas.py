"""DrawingCanvas: dark strokes on white paper, drawn with a mouse or a stylus.

The picture lives in a :class:`~mnist_desk.ui.paper.Paper` of fixed
resolution, scaled to whatever size the widget has, so resizing the window
never loses or distorts the drawing. Strokes are painted into it in the input
handlers and only blitted in ``paintEvent`` (Qt's painter example); each one
is also kept as data, so undo/redo re-render exactly.

An opened image file becomes the paper. Until the user draws on it, the
window classifies the file's own pixels (exactly what ``predict`` reads);
strokes drawn on it are in the image's own ink colour, on its own background,
and from then on the picture as shown is classified.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QInputEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.ui.canvas_overlay import CanvasOverlay
from mnist_desk.ui.event_clock import EventClock, now_ms
from mnist_desk.ui.opened_image import OpenedImage, fitted_box
from mnist_desk.ui.paper import RESOLUTION, Paper, Sheet, Stroke, unpremultiply
from mnist_desk.ui.placement import PaperMap

MIN_BRUSH, MAX_BRUSH = 4, 80
# Transparency is shown over a neutral checkerboard: white and black ink both show on it.
CHECKER = (QColor(118, 118, 118), QColor(138, 138, 138))
CHECKER_CELL = 8

__all__ = ["MAX_BRUSH", "MIN_BRUSH", "RESOLUTION", "DrawingCanvas", "Stroke"]


class DrawingCanvas(QWidget):
    # Emitted whenever the picture changes: every move of a stroke, undo, redo, clear, load.
    image_changed = Signal()
    history_changed = Signal()
    # Emitted when the pen is lifted at the end of a stroke.
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.brush_size = 36.0  # paper pixels: ~18 px on a 280 px canvas, a felt pen
        self.eraser = False
        self._paper = Paper()
        self._current: Stroke | None = None
        self._clock = EventClock()
        # When the input that made the latest change happened (ms on event_clock.now_ms):
        # the start of the latency the status bar reports.
        self.changed_at = now_ms()
        # What the explain views lay over the paper: a receptive field, a saliency map.
        self.overlay = CanvasOverlay(self)

    # --- state --------------------------------------------------------------

    def is_blank(self) -> bool:
        return self._paper.is_blank() and self._current is None

    def can_undo(self) -> bool:
        return self._paper.can_undo()

    def can_redo(self) -> bool:
        return self._paper.can_redo()

    def sheet(self) -> OpenedImage | None:
        """The opened image the current strokes are drawn on, if any."""
        return self._paper.sheet()

    def image(self) -> QImage:
        """The picture as shown, an independent copy (transparent where an opened image is)."""
        fmt = QImage.Format.Format_ARGB32 if self._paper.transparent() else QImage.Format.Format_RGB32
        return self._paper.qimage().convertToFormat(fmt)

    def to_array(self, side: int = RESOLUTION) -> np.ndarray:
        """The paper as (side, side) uint8 greyscale: what the network's preprocessing reads of a drawing.

        The window asks for 280 px: preprocessing then costs a third of the full
        560 px paper, and the 28x28 result is the same (0.002 mean difference).
        """
        return self._paper.grey(side)

    def inference_input(self, side: int) -> Image.Image | np.ndarray:
        """What to classify: the file itself while an opened image is untouched, else the picture."""
        sheet = self._paper.sheet()
        if sheet is None:
            return self.to_array(side)
        if not self._paper.strokes() and self._current is None:
            return sheet.source
        rgba = self._paper.rgba(side)
        return unpremultiply(rgba) if sheet.transparent else rgba[..., :3].copy()

    def inference_paper_map(self, side: int) -> PaperMap:
        """Where the pixels of :meth:`inference_input` (same ``side``) lie on the paper."""
        sheet = self._paper.sheet()
        if sheet is not None and not self._paper.strokes() and self._current is None:
            height, width = sheet.source.height, sheet.source.width
            top, left, h, w = fitted_box(width, height, RESOLUTION)
            return PaperMap((h / height, w / width), (float(top), float(left)))
        return PaperMap((RESOLUTION / side, RESOLUTION / side))

    def is_drawing(self) -> bool:
        """True while a stroke is being drawn (the pen is down)."""
        return self._current is not None

    def paper_rect(self) -> QRectF:
        """The paper's square on the widget."""
        return self._paper_rect()

    def set_brush_size(self, size: float) -> None:
        self.brush_size = float(np.clip(size, MIN_BRUSH, MAX_BRUSH))

    # --- editing ------------------------------------------------------------

    def undo(self) -> None:
        self.end_stroke()
        if self._paper.undo():
            self._changed()

    def redo(self) -> None:
        self.end_stroke()
        if self._paper.redo():
            self._changed()

    def clear(self) -> None:
        """Start a fresh sheet; undo brings the old one back."""
        self.end_stroke()
        if self._paper.is_blank():
            return
        self._paper.push(Sheet(None))
        self._changed()

    def load_image(self, image: OpenedImage) -> None:
        """Show an opened image as the paper; strokes drawn on it add to it. Undoable."""
        self.end_stroke()
        self._paper.push(Sheet(image))
        self._changed()

    def _changed(self) -> None:
        self.changed_at = now_ms()
        self.update()
        self.image_changed.emit()
        self.history_changed.emit()

    # --- input --------------------------------------------------------------

    def _paper_rect(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def widget_point(self, x: float, y: float) -> QPointF:
        """Where on the widget a point of the paper lies, with x and y as fractions
        (0-1) of the paper's side: for scripted drawing in tests and benchmarks."""
        rect = self._paper_rect()
        return QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height())

    def _to_paper(self, pos: QPointF) -> QPointF:
        rect = self._paper_rect()
        scale = RESOLUTION / rect.width()
        return QPointF((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    def begin_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        self._current = Stroke(self.brush_size, self.eraser)
        self._paper.push(self._current)
        self.extend_stroke(pos, pressure)

    def extend_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        if self._current is None:
            return
        stroke = self._current
        start = len(stroke.points)
        stroke.points.append(self._to_paper(pos))
        stroke.pressures.append(max(0.15, min(pressure, 1.0)))
        x0, y0, x1, y1 = self._paper.paint_from(stroke, start)
        # Repaint only what changed: scaling the whole paper on every mouse move costs milliseconds.
        rect, scale = self._paper_rect(), self._paper_rect().width() / RESOLUTION
        dirty = QRectF(rect.x() + x0 * scale, rect.y() + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)
        self.update(dirty.toAlignedRect().adjusted(-2, -2, 2, 2))
        self.image_changed.emit()

    def end_stroke(self) -> None:
        if self._current is not None:
            self._current = None
            self.history_changed.emit()
            self.stroke_finished.emit()

    def _stamp(self, event: QInputEvent) -> None:
        self.changed_at = self._clock.event_time(event.timestamp())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._stamp(event)
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton and self._current is not None:
            self._stamp(event)
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        # Accepting stops Qt synthesising mouse events from the same stylus motion.
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._stamp(event)
            self.begin_stroke(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletMove and self._current is not None:
            self._stamp(event)
            self.extend_stroke(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        rect = self._paper_rect()
        if self._paper.transparent():
            self._paint_checker(painter, rect)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(rect, self._paper.qimage())
        self.overlay.paint(painter, rect)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    @staticmethod
    def _paint_checker(painter: QPainter, rect: QRectF) -> None:
        tile = QImage(2 * CHECKER_CELL, 2 * CHECKER_CELL, QImage.Format.Format_RGB32)
        tile.fill(CHECKER[0])
        tile_painter = QPainter(tile)
        tile_painter.fillRect(0, 0, CHECKER_CELL, CHECKER_CELL, CHECKER[1])
        tile_painter.fillRect(CHECKER_CELL, CHECKER_CELL, CHECKER_CELL, CHECKER_CELL, CHECKER[1])
        tile_painter.end()
        painter.setBrushOrigin(rect.topLeft())
        painter.fillRect(rect, QBrush(tile))
