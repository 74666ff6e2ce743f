"""FeatureGrid: every channel of one layer as a grid of square tiles, each labelled with its index.

Part of the feature-map tab (:mod:`mnist_desk.ui.feature_maps`). All channels are
colour-mapped in one numpy call and stacked in one image; the tiles are drawn from
it, and the channel numbers are laid out once per font size, because the grid
repaints with every result while the user draws.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.colormap import viridis
from mnist_desk.ui.hover import HoverReport
from mnist_desk.ui.image_tiles import rgb_to_qimage


def best_columns(count: int, width: float, height: float) -> int:
    """The column count that makes ``count`` square tiles as large as possible."""
    best, best_side = 1, 0.0
    for cols in range(1, max(count, 1) + 1):
        rows = math.ceil(count / cols)
        side = min(width / cols, height / rows)
        if side > best_side:
            best, best_side = cols, side
    return best


SELECTION_PEN = 3  # px, the frame round the selected tile


class FeatureGrid(HoverReport, QWidget):
    """All channels of one layer as a grid of tiles, each labelled with its index."""

    tile_clicked = Signal(int)
    # (channel, row, column) of the unit under the mouse / clicked
    unit_hovered = Signal(int, int, int)
    unit_clicked = Signal(int, int, int)
    hover_left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureGrid")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 200)
        self.setMouseTracking(True)
        # All channels, colour-mapped in one numpy call, stacked vertically in one
        # image: tile c is rows [c*h, (c+1)*h). One conversion per update instead
        # of one per channel keeps the GUI thread free while the user draws.
        self._strip: QImage | None = None
        self._count = 0
        self._tile_size = (0, 0)
        self._rects: list[QRectF] = []
        self._selected = -1
        # The channel numbers, laid out once per font size: drawText lays its text out
        # again on every call, and the grid repaints with every result while drawing.
        self._labels: tuple[float, list[QStaticText]] = (0.0, [])

    def set_maps(self, maps: np.ndarray | None, lo: float = 0.0, hi: float = 1.0) -> None:
        if maps is None or len(maps) == 0:
            self._strip, self._count = None, 0
        else:
            count, h, w = maps.shape
            self._strip = rgb_to_qimage(viridis(maps, lo, hi).reshape(count * h, w, 3))
            self._count, self._tile_size = count, (w, h)
        self.update()

    def set_selected(self, channel: int) -> None:
        self._selected = channel
        self.update()

    def tile_count(self) -> int:
        return self._count

    def tile_rect(self, channel: int) -> QRectF:
        self._layout()
        return self._rects[channel]

    def _layout(self) -> None:
        n = self._count
        if not n:
            self._rects = []
            return
        cols = best_columns(n, self.width(), self.height())
        rows = math.ceil(n / cols)
        side = min(self.width() / cols, self.height() / rows)
        gap = 2.0 if side > 12 else 0.5
        left = (self.width() - cols * side) / 2  # centred: the spare room splits evenly
        self._rects = [
            QRectF(left + (i % cols) * side + gap / 2, (i // cols) * side + gap / 2, side - gap, side - gap)
            for i in range(n)
        ]

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(420, 360)

    def placeholder(self) -> str:
        """The text painted while there is nothing to show."""
        return self.tr("Draw a digit to see how each channel responds")

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        return [self.placeholder()] if self._strip is None else []

    def unit_at(self, point: QPointF) -> tuple[int, int, int] | None:
        """(channel, row, column) of the unit drawn at ``point``, or None between tiles."""
        self._layout()
        w, h = self._tile_size
        for channel, rect in enumerate(self._rects):
            if rect.contains(point):
                row = min(int((point.y() - rect.y()) / rect.height() * h), h - 1)
                column = min(int((point.x() - rect.x()) / rect.width() * w), w - 1)
                return channel, row, column
        return None

    def unit_point(self, channel: int, row: int, column: int) -> QPointF:
        """The centre of unit (row, column) in the tile of ``channel``."""
        rect = self.tile_rect(channel)
        w, h = self._tile_size
        return QPointF(rect.x() + (column + 0.5) * rect.width() / w, rect.y() + (row + 0.5) * rect.height() / h)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.report_hover(self.unit_at(event.position()) if self._strip is not None else None, self.unit_hovered)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        unit = self.unit_at(event.position())
        if unit is not None:
            self.tile_clicked.emit(unit[0])
            if self._strip is not None:
                self.unit_clicked.emit(*unit)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._layout()
        painter = QPainter(self)
        if self._strip is None:
            painter.setPen(self.palette().windowText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder())
            return
        font = QFont(self.font())
        side = self._rects[0].width()
        font.setPointSizeF(max(6.0, min(side * 0.18, 10.0)))
        painter.setFont(font)
        w, h = self._tile_size
        for channel, rect in enumerate(self._rects):
            painter.drawImage(rect, self._strip, QRectF(0, channel * h, w, h))
        selected = 0 <= self._selected < len(self._rects)
        if selected:
            painter.setPen(QPen(self.palette().highlight().color(), SELECTION_PEN))
            painter.drawRect(self._rects[self._selected].adjusted(1, 1, -1, -1))
        if side >= 18:
            # Drawn over the frame, and inside it on the selected tile: the frame covered the
            # selected channel's number, so the one tile a student picked lost its label.
            labels = self._channel_labels(font)
            for colour, shift in ((Qt.GlobalColor.black, 2), (Qt.GlobalColor.white, 1)):
                painter.setPen(colour)
                for channel, (rect, label) in enumerate(zip(self._rects, labels, strict=False)):
                    inset = shift + (SELECTION_PEN if selected and channel == self._selected else 0)
                    painter.drawStaticText(QPointF(rect.x() + inset, rect.y() + inset), label)
        painter.end()

    def _channel_labels(self, font: QFont) -> list[QStaticText]:
        size, labels = self._labels
        if size != font.pointSizeF() or len(labels) < self._count:
            labels = [QStaticText(str(channel)) for channel in range(self._count)]
            for label in labels:
                label.prepare(font=font)
            self._labels = (font.pointSizeF(), labels)
        return labels


__all__ = ["FeatureGrid", "best_columns"]
