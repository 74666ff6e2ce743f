"""ColourLegend: the viridis scale of a layer's feature maps, its lowest and highest value, and what it means."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.colormap import VIRIDIS_LUT
from mnist_desk.ui.image_tiles import rgb_to_qimage


class ColourLegend(QWidget):
    """The viridis scale with the layer's lowest and highest value, and what it means."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colourLegend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._range: tuple[float, float] | None = None
        self._bar = rgb_to_qimage(VIRIDIS_LUT[None, :, :])

    def set_range(self, lo: float, hi: float) -> None:
        self._range = (lo, hi)
        self.update()

    def clear_range(self) -> None:
        """No maps shown: no numbers (the last drawing's stayed beside an empty canvas)."""
        self._range = None
        self.update()

    def value_range(self) -> tuple[float, float] | None:
        return self._range

    def caption(self) -> str:
        return self.tr("activation (one colour scale for the whole layer)")

    def painted_texts(self) -> list[str]:
        return [self.caption()]

    def _number_width(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance("-000.00") + 6

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # Wide enough for the whole caption and a bar between the two numbers:
        # the window's minimum size follows, in whatever language.
        metrics = QFontMetricsF(self.font())
        width = max(metrics.horizontalAdvance(self.caption()) + 8, 2 * self._number_width() + 60)
        return QSize(int(width) + 1, int(2 * metrics.height() + 8))

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange):
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        line = QFontMetricsF(self.font()).height()
        number = self._number_width()
        bar = QRectF(number, 3, max(self.width() - 2 * number, 10), line - 4)
        painter.drawImage(bar, self._bar)
        painter.setPen(self.palette().windowText().color())
        if self._range is not None:
            lo, hi = self._range
            left = QRectF(0, 0, number - 4, line)
            right = QRectF(bar.right() + 4, 0, number - 4, line)
            painter.drawText(left, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{lo:.2f}")
            painter.drawText(right, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{hi:.2f}")
        painter.drawText(QRectF(0, line + 2, self.width(), line + 4), Qt.AlignmentFlag.AlignCenter, self.caption())
        painter.end()


__all__ = ["ColourLegend"]
