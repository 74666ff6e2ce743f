"""DigitStrip: a number's digits side by side, each with its own ten small bars.

Number mode shows it between the number and the full bars: one cell per
digit, left to right as on the canvas, the digit read (or "?" for a part that
is not a digit, in red as its box on the canvas) above ten thin bars from 0
to 9, the top one in the highlight colour. Clicking a cell selects that
digit: the full bars, the 28x28 view and the explain views then show it.
Colours come from the palette, as for :class:`ProbabilityBars`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.ui.canvas_overlay import NOT_A_DIGIT
from mnist_desk.ui.probability_bars import CONFIDENT

CELL_MAX = 64  # px: a cell never gets wider than this, however few digits
CELL_MIN = 26  # px: ten bars of 2 px and their gaps still fit
LABEL_POINTS = 13


@dataclass(frozen=True)
class StripDigit:
    """What one cell shows: the digit's label and its ten probabilities."""

    label: str
    probabilities: np.ndarray
    not_a_digit: bool = False


class DigitStrip(QWidget):
    # A cell was clicked: the digit's index, left to right.
    digit_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitStrip")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._digits: list[StripDigit] = []
        self._selected: int | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Each digit of the number and its probabilities; click one to see it in detail"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_digits(self, digits: list[StripDigit], selected: int | None) -> None:
        self._digits, self._selected = list(digits), selected
        self.update()

    def digits(self) -> list[StripDigit]:
        return list(self._digits)

    def selected(self) -> int | None:
        return self._selected

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(LABEL_POINTS)
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        label = QFontMetricsF(self._label_font()).height()
        return QSize(5 * CELL_MIN, int(label + 48))

    def cell_rect(self, index: int) -> QRectF:
        """Where digit ``index``'s cell is (the cells are centred as a group)."""
        count = max(len(self._digits), 1)
        width = max(CELL_MIN, min(CELL_MAX, self.width() / count))
        left = (self.width() - width * count) / 2
        return QRectF(left + index * width, 0, width, self.height())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        for index in range(len(self._digits)):
            if self.cell_rect(index).contains(event.position()):
                self.digit_clicked.emit(index)
                return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        font = self._label_font()
        painter.setFont(font)
        label_h = QFontMetricsF(font).height()
        for index, digit in enumerate(self._digits):
            cell = self.cell_rect(index).adjusted(2, 1, -2, -1)
            if index == self._selected:
                painter.setPen(QPen(palette.highlight().color(), 2))
                painter.setBrush(palette.alternateBase())
                painter.drawRoundedRect(cell, 5, 5)
            painter.setPen(NOT_A_DIGIT if digit.not_a_digit else palette.windowText().color())
            painter.drawText(
                QRectF(cell.x(), cell.y(), cell.width(), label_h), Qt.AlignmentFlag.AlignCenter, digit.label
            )
            self._paint_bars(painter, digit, cell.adjusted(4, label_h + 2, -4, -4))
        painter.end()

    def _paint_bars(self, painter: QPainter, digit: StripDigit, area: QRectF) -> None:
        """Ten bars from 0 to 9 standing on a baseline, the top one highlighted when sure."""
        palette = self.palette()
        probabilities = digit.probabilities
        top = int(np.argmax(probabilities))
        sure = probabilities[top] >= CONFIDENT and not digit.not_a_digit
        step = area.width() / 10
        painter.setPen(Qt.PenStyle.NoPen)
        for d in range(10):
            height = max(float(probabilities[d]) * area.height(), 1.0)
            bar = QRectF(area.x() + d * step + step * 0.15, area.bottom() - height, step * 0.7, height)
            if d == top:
                colour = palette.highlight().color() if sure else palette.mid().color()
            else:
                colour = palette.dark().color()
            if digit.not_a_digit:
                colour = NOT_A_DIGIT if d == top else palette.mid().color()
            painter.setBrush(colour)
            painter.drawRect(bar)
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())


__all__ = ["DigitStrip", "StripDigit"]
