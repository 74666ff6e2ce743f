"""DrawingCanvas: dark strokes on white paper, drawn with a mouse or a stylus.

Strokes are painted into an offscreen image in the input handlers and only
blitted in ``paintEvent`` (Qt's painter example). The image has a fixed
resolution, scaled to whatever size the widget has, so resizing the window
never loses or distorts the drawing. Each stroke is also kept as data, so
undo/redo re-render exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

RESOLUTION = 560  # paper pixels; twice the 280 px canvas our figures are measured on
PAPER = QColor(255, 255, 255)
INK = QColor(0, 0, 0)
MIN_BRUSH, MAX_BRUSH = 4, 80


@dataclass
class Stroke:
    width: float  # in paper pixels
    eraser: bool
    points: list[QPointF] = field(default_factory=list)
    pressures: list[float] = field(default_factory=list)


class DrawingCanvas(QWidget):
    # Emitted whenever the picture changes: every move of a stroke, undo, redo, clear, load.
    image_changed = Signal()
    history_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.brush_size = 36.0  # paper pixels: ~18 px on a 280 px canvas, a felt pen
        self.eraser = False
        self._background: QImage | None = None  # an opened image, under the strokes
        self._strokes: list[Stroke] = []
        self._redo: list[Stroke] = []
        self._current: Stroke | None = None
        self._image = QImage(RESOLUTION, RESOLUTION, QImage.Format.Format_RGB32)
        self._render()

    # --- state --------------------------------------------------------------

    def is_blank(self) -> bool:
        return not self._strokes and self._current is None and self._background is None

    def can_undo(self) -> bool:
        return bool(self._strokes)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def image(self) -> QImage:
        return self._image.copy()

    def to_array(self, side: int = RESOLUTION) -> np.ndarray:
        """The paper as (side, side) uint8 greyscale: what the network's preprocessing reads.

        The window asks for 280 px: preprocessing then costs a third of the full
        560 px paper, and the 28x28 result is the same (0.002 mean difference).
        """
        image = self._image
        if side != RESOLUTION:
            image = image.scaled(
                side, side, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
        ptr = grey.constBits()
        array = np.frombuffer(ptr, dtype=np.uint8).reshape(grey.height(), grey.bytesPerLine())
        return array[:, : grey.width()].copy()

    def set_brush_size(self, size: float) -> None:
        self.brush_size = float(np.clip(size, MIN_BRUSH, MAX_BRUSH))

    # --- editing ------------------------------------------------------------

    def undo(self) -> None:
        if self._strokes:
            self._redo.append(self._strokes.pop())
            self._changed(rerender=True)

    def redo(self) -> None:
        if self._redo:
            self._strokes.append(self._redo.pop())
            self._changed(rerender=True)

    def clear(self) -> None:
        if self.is_blank():
            return
        self._strokes.clear()
        self._redo.clear()
        self._background = None
        self._current = None
        self._changed(rerender=True)

    def load_image(self, image: QImage) -> None:
        """Show an opened image as the paper, scaled to fit; strokes drawn on it add to it."""
        scaled = image.scaled(
            RESOLUTION, RESOLUTION, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self._background = scaled
        self._strokes.clear()
        self._redo.clear()
        self._changed(rerender=True)

    def _changed(self, rerender: bool = False) -> None:
        if rerender:
            self._render()
        self.update()
        self.image_changed.emit()
        self.history_changed.emit()

    def _render(self) -> None:
        self._image.fill(PAPER)
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._background is not None:
            x = (RESOLUTION - self._background.width()) / 2
            y = (RESOLUTION - self._background.height()) / 2
            painter.drawImage(QPointF(x, y), self._background)
        for stroke in self._strokes:
            self._paint_stroke(painter, stroke, 0)
        painter.end()

    @staticmethod
    def _paint_stroke(painter: QPainter, stroke: Stroke, start: int) -> None:
        """Paint segments from point ``start`` on (0 = the whole stroke, with its first dot)."""
        colour = PAPER if stroke.eraser else INK
        pts, pressures = stroke.points, stroke.pressures
        if start == 0 and pts:
            pen = QPen(colour, stroke.width * pressures[0], Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPoint(pts[0])
        for i in range(max(start, 1), len(pts)):
            width = stroke.width * (pressures[i - 1] + pressures[i]) / 2
            painter.setPen(
                QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            )
            painter.drawLine(pts[i - 1], pts[i])

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
        self._strokes.append(self._current)
        self._redo.clear()
        self.extend_stroke(pos, pressure)

    def extend_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        if self._current is None:
            return
        stroke = self._current
        start = len(stroke.points)
        stroke.points.append(self._to_paper(pos))
        stroke.pressures.append(max(0.15, min(pressure, 1.0)))
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_stroke(painter, stroke, start)
        painter.end()
        self.update()
        self.image_changed.emit()

    def end_stroke(self) -> None:
        if self._current is not None:
            self._current = None
            self.history_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        # Accepting stops Qt synthesising mouse events from the same stylus motion.
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self.begin_stroke(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletMove and self._current is not None:
            self.extend_stroke(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self._paper_rect()
        painter.drawImage(rect, self._image)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()
