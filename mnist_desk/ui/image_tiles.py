"""numpy -> QImage helpers and a widget that shows one small array enlarged.

Enlarged with nearest-neighbour sampling on purpose: the point is to see the
pixels the network sees, not a smoothed impression of them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# A placeholder too long for a small view is drawn smaller, down to this size.
MIN_POINT_SIZE = 7.0
PLACEHOLDER_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """(H, W, 3) uint8 -> an independent QImage (the array may be freed afterwards).

    Packed as 0xffRRGGBB (Format_RGB32), the raster painter's own format: an
    RGB888 image is converted on every drawImage, and the feature maps draw
    dozens with every result while the user draws (a third of the grid's paint).
    """
    rgb = np.asarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    packed = np.empty((h, w), np.uint32)
    packed[:] = 0xFF000000
    packed |= rgb[..., 0].astype(np.uint32) << 16
    packed |= rgb[..., 1].astype(np.uint32) << 8
    packed |= rgb[..., 2]
    return QImage(packed.data, w, h, 4 * w, QImage.Format.Format_RGB32).copy()


def grey_to_qimage(grey: np.ndarray) -> QImage:
    """(H, W) float in [0, 1] or uint8 -> an independent greyscale QImage."""
    if grey.dtype != np.uint8:
        grey = (np.clip(grey, 0, 1) * 255).astype(np.uint8)
    grey = np.ascontiguousarray(grey)
    h, w = grey.shape
    return QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class PixelView(QWidget):
    """An image drawn square, pixel-sharp, with an optional grid between pixels."""

    def __init__(self, object_name: str, grid: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(84, 84)
        self._image: QImage | None = None
        self._grid = grid
        self._placeholder = ""

    def set_image(self, image: QImage | None, placeholder: str = "") -> None:
        self._image = image
        self._placeholder = placeholder
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        return [self._placeholder] if self._image is None and self._placeholder else []

    def placeholder_fits(self) -> bool:
        """Whether the placeholder text fits the square it is painted in, at the smallest font allowed."""
        return self._placeholder_font() is not None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(168, 168)

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return width

    def _square(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _smallest_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(MIN_POINT_SIZE)
        return font

    def _placeholder_font(self) -> QFont | None:
        """The widget's font, made smaller until the placeholder fits (None: not even the smallest)."""
        box = self._square().adjusted(3, 3, -3, -3)
        font = QFont(self.font())
        size = font.pointSizeF()
        while size >= MIN_POINT_SIZE:
            font.setPointSizeF(size)
            needed = QFontMetricsF(font).boundingRect(box, PLACEHOLDER_FLAGS, self._placeholder)
            if needed.width() <= box.width() + 0.5 and needed.height() <= box.height() + 0.5:
                return font
            size -= 0.5
        return None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        side = min(self.width(), self.height())
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        if self._image is None:
            painter.setPen(self.palette().mid().color())
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(self.palette().windowText().color())
            painter.setFont(self._placeholder_font() or self._smallest_font())
            painter.drawText(rect.adjusted(3, 3, -3, -3), PLACEHOLDER_FLAGS, self._placeholder)
            return
        painter.drawImage(rect, self._image)  # no smoothing: nearest-neighbour pixels
        w, h = self._image.width(), self._image.height()
        if self._grid and side / max(w, h) >= 4:
            painter.setPen(QPen(self.palette().mid().color(), 0.5))
            # One call for the whole grid: a 24x24 map has 46 lines, repainted with every result.
            columns = [rect.x() + rect.width() * i / w for i in range(1, w)]
            rows = [rect.y() + rect.height() * i / h for i in range(1, h)]
            painter.drawLines(
                [QLineF(x, rect.top(), x, rect.bottom()) for x in columns]
                + [QLineF(rect.left(), y, rect.right(), y) for y in rows]
            )
        painter.end()
