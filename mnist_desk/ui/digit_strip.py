"""DigitStrip: a number's digits side by side, each with its own ten small bars.

Number mode shows it right under the wide canvas: one cell under each digit
(where its box is, when the strip is told where the paper lies), the digit
read (or "?" for a part that is not a digit, in red as its box on the
canvas) above ten thin bars from 0 to 9, the top one in the highlight colour.
Clicking a cell selects that digit: the full bars, the 28x28 view and the
explain views then show it. Colours come from the palette, as for
:class:`ProbabilityBars`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.ui.canvas_overlay import NOT_A_DIGIT
from mnist_desk.ui.probability_bars import CONFIDENT

CELL_MAX = 64  # px: evenly spaced cells (no place given) never get wider than this
CELL_MIN = 26  # px: ten bars of 2 px and their gaps still fit
CELL_WIDEST = 140  # px: a cell under a wide digit
LABEL_POINTS = 13
TICK_POINTS = 7.5  # the digits 0-9 under the bars
CELL_MARGIN = 2  # px between neighbouring cells' frames
BAR_MARGIN = 4  # px between a cell's frame and its bars
# px the bars may grow to where the window has room below the wide canvas (a full-HD window
# left a third of the column empty): about the height of the main bars' column.
TALLEST_BARS = 200


@dataclass(frozen=True)
class StripDigit:
    """What one cell shows: the digit's label and its ten probabilities."""

    label: str
    probabilities: np.ndarray
    not_a_digit: bool = False
    span: tuple[float, float] | None = None  # the digit's box, left and right, in paper pixels


class DigitStrip(QWidget):
    # A cell was clicked: the digit's index, left to right.
    digit_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitStrip")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._limit_height()
        self._digits: list[StripDigit] = []
        self._selected: int | None = None
        self._hovered: int | None = None  # the cell under the pointer, framed to say it can be clicked
        self._step: float | None = None  # _tick_step, measured once per font
        self.setMouseTracking(True)
        # Paper x -> this widget's x: where the canvas shows the paper (set by the panel).
        self.paper_to_x: Callable[[float], float] | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Each digit of the number and its probabilities; click one to see it in detail"))
        # Before anything is written the strip is empty: it says what will be there.
        self.empty_text = self.tr("Write a number above: each digit's probabilities appear here")
        self.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        if event.type() == QEvent.Type.FontChange:
            self._step = None
            self._limit_height()
        super().changeEvent(event)

    def _limit_height(self) -> None:
        self.setMaximumHeight(int(QFontMetricsF(self._label_font()).height()) + TALLEST_BARS)

    def set_digits(self, digits: list[StripDigit], selected: int | None) -> None:
        self._digits, self._selected = list(digits), selected
        if self._hovered is not None and self._hovered >= len(self._digits):
            self._hovered = None
        self.update()

    def hovered(self) -> int | None:
        """The cell framed under the pointer (None: none)."""
        return self._hovered

    def cell_at(self, point: QPointF) -> int | None:
        return next((i for i in range(len(self._digits)) if self.cell_rect(i).contains(point)), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hovered = self.cell_at(event.position())
        if hovered != self._hovered:
            self._hovered = hovered
            self.setCursor(Qt.CursorShape.ArrowCursor if hovered is None else Qt.CursorShape.PointingHandCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        if self._hovered is not None:
            self._hovered = None
            self.update()
        super().leaveEvent(event)

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
        label = QFontMetricsF(self._label_font()).height()
        return QSize(5 * CELL_MIN, int(label + 80))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        label = QFontMetricsF(self._label_font()).height()
        return QSize(5 * CELL_MIN, int(label + 48))

    def cell_rect(self, index: int) -> QRectF:
        """Where digit ``index``'s cell is: under its box, or (no place known) centred with the others."""
        spans = [d.span for d in self._digits]
        if self.paper_to_x is None or any(span is None for span in spans):
            count = max(len(self._digits), 1)
            width = max(CELL_MIN, min(CELL_MAX, self.width() / count))
            left = (self.width() - width * count) / 2
            return QRectF(left + index * width, 0, width, self.height())
        edges = [(self.paper_to_x(a), self.paper_to_x(b)) for a, b in spans]
        centres = [(a + b) / 2 for a, b in edges]
        left, right = edges[index]
        centre = centres[index]
        # A narrow digit (a 1) gets a cell wide enough for the 0-9 under its bars
        # where there is room, so that every cell reads the same way.
        half = max(right - left, self.labelled_width()) / 2
        # Never over a neighbour's cell: at most halfway to the next digit's centre.
        if index > 0:
            half = min(half, centre - (centres[index - 1] + centre) / 2)
        if index + 1 < len(centres):
            half = min(half, (centre + centres[index + 1]) / 2 - centre)
        width = min(max(2 * half, CELL_MIN), CELL_WIDEST)
        return QRectF(centre - width / 2, 0, width, self.height())

    def _tick_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(TICK_POINTS)
        return font

    def _tick_step(self) -> float:
        """The narrowest bar spacing that still has room for the digits 0-9 under the bars
        (measured once per font: every cell asks, with every result, and measuring a font
        each time had doubled the strip's painting)."""
        if self._step is None:
            self._step = QFontMetricsF(self._tick_font()).horizontalAdvance("0") + 3
        return self._step

    def tick_labels(self, bars_width: float) -> tuple[int, ...]:
        """Which of the digits 0-9 go under ten bars this wide: all ten where they fit,
        else the two ends (so that a narrow 1's cell still says which way its scale runs)."""
        if bars_width / 10 >= self._tick_step() - 1e-6:
            return tuple(range(10))
        if bars_width >= 2 * self._tick_step():
            return (0, 9)
        return ()

    def scale_labels(self) -> tuple[int, ...]:
        """The labels under every cell's bars: one scale for all, what the narrowest cell has room
        for (cells labelled 0-9 beside cells labelled 0 and 9 read as two different scales)."""
        widths = [self.cell_rect(i).width() - 2 * (CELL_MARGIN + BAR_MARGIN) for i in range(len(self._digits))]
        return min((self.tick_labels(width) for width in widths), key=len, default=())

    def labelled_width(self) -> float:
        """How wide a cell must be to show the 0-9 under its bars (margins included)."""
        return 10 * self._tick_step() + 2 * (CELL_MARGIN + BAR_MARGIN)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.cell_at(event.position())
        if index is not None:
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
        if not self._digits:
            painter.setFont(self.font())
            painter.setPen(palette.placeholderText().color())
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(QRectF(self.rect()).adjusted(8, 4, -8, -4), flags, self.empty_text)
            painter.end()
            return
        ticks = self.scale_labels()
        for index, digit in enumerate(self._digits):
            cell = self.cell_rect(index).adjusted(CELL_MARGIN, 1, -CELL_MARGIN, -1)
            if index == self._selected:
                painter.setPen(QPen(palette.highlight().color(), 2))
                painter.setBrush(palette.alternateBase())
                painter.drawRoundedRect(cell, 5, 5)
            elif index == self._hovered:
                painter.setPen(QPen(palette.mid().color(), 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(cell, 5, 5)
            painter.setFont(font)
            painter.setPen(NOT_A_DIGIT if digit.not_a_digit else palette.windowText().color())
            painter.drawText(
                QRectF(cell.x(), cell.y(), cell.width(), label_h), Qt.AlignmentFlag.AlignCenter, digit.label
            )
            self._paint_bars(painter, digit, cell.adjusted(BAR_MARGIN, label_h + 2, -BAR_MARGIN, -BAR_MARGIN), ticks)
        painter.end()

    def _paint_bars(self, painter: QPainter, digit: StripDigit, area: QRectF, ticks: tuple[int, ...]) -> None:
        """Ten bars from 0 to 9 standing on a baseline, the top one highlighted when sure, all
        grey for a part that is not a digit (no answer); under them ``ticks``, the digits 0-9 or
        the ends of that scale (see :meth:`tick_labels`)."""
        palette = self.palette()
        probabilities = digit.probabilities
        top = int(np.argmax(probabilities))
        sure = probabilities[top] >= CONFIDENT and not digit.not_a_digit
        step = area.width() / 10
        small = self._tick_font()
        tick_h = QFontMetricsF(small).height()
        if ticks and area.height() > 3 * tick_h:
            painter.setFont(small)
            painter.setPen(palette.placeholderText().color())
            line = QRectF(area.x(), area.bottom() - tick_h, area.width(), tick_h)
            if len(ticks) == 10:
                for d in ticks:
                    cell = QRectF(area.x() + d * step, line.y(), step, tick_h)
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(d))
            else:  # 0 flush left under the first bar, 9 flush right under the last
                painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "0")
                painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "9")
            area = area.adjusted(0, 0, 0, -tick_h)
        painter.setPen(Qt.PenStyle.NoPen)
        for d in range(10):
            height = max(float(probabilities[d]) * area.height(), 1.0)
            bar = QRectF(area.x() + d * step + step * 0.15, area.bottom() - height, step * 0.7, height)
            if d == top:
                colour = palette.highlight().color() if sure else palette.mid().color()
            else:
                colour = palette.dark().color()
            if digit.not_a_digit:  # the nearest digit is no answer: no bar stands out
                colour = palette.mid().color()
            painter.setBrush(colour)
            painter.drawRect(bar)
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())


__all__ = ["DigitStrip", "StripDigit"]
