"""ArithmeticDiagram: the numbers of one unit's computation, painted large enough for a class.

It paints what :func:`mnist_desk.explain.unit_arithmetic` returns, never
computes: for a conv unit the input window, the kernel and their products as
grids of numbers (for several input channels, the three that contribute most,
and the sum of the rest), then the chain sum + bias -> BatchNorm -> activation
-> value; for a pool unit its window with the maximum outlined; for a fully
connected unit its largest contributions; for the softmax the whole table.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.colormap import diverging
from mnist_desk.explain_arithmetic import SoftmaxArithmetic, UnitArithmetic
from mnist_desk.ui import arithmetic_words
from mnist_desk.ui.arithmetic_grids import (
    GAP,
    MAX_CELL,
    MIN_CELL_POINTS,
    GridLines,
    cell_font,
    channel_order,
    column_widths,
    floor_points,
    fmt,
    grids_per_line,
    padding_mask,
    paint_grids,
    paint_table,
    smallest_cell,
    widest_number,
)

SHOWN_CHANNELS = 3  # input channels of a conv unit shown as grids; the rest are summed in one line
MIN_POINTS = 10.0  # text smaller than this does not read at the back of a classroom
PLACEHOLDER_WIDTH = 160.0  # px: the placeholder wraps to any width above this
WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap


class ConvLayout(NamedTuple):
    """How a conv unit's grids fit the diagram."""

    shown: list[int]  # the input channels shown as grids, largest contribution first
    left_out: list[int]  # the others, summed in one line under the grids
    gutter: float  # px on the left for each row's channel name (several input channels)
    first: GridLines  # the first channel's grids, with titles
    rest: GridLines  # the next channels' grids, without
    footer_height: float
    font: QFont  # the numbers' type


class ArithmeticDiagram(QWidget):
    """Paints one :class:`UnitArithmetic` or :class:`SoftmaxArithmetic`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arithmeticDiagram")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._result: UnitArithmetic | SoftmaxArithmetic | None = None
        self._hint = QSize()
        self._widest = ""  # the number that decides the cells' width
        self._refresh_hint()

    def set_result(self, result: UnitArithmetic | SoftmaxArithmetic | None) -> None:
        self._result = result
        self._measure_numbers()
        self._refresh_hint()
        self.update()

    def result(self) -> UnitArithmetic | SoftmaxArithmetic | None:
        return self._result

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange):
            self._measure_numbers()  # other words, other type: other widths and line breaks
            self._refresh_hint()
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.update()
        super().changeEvent(event)

    # --- the words, translated ------------------------------------------------------

    def placeholder(self) -> str:
        return self.tr("Click a unit of any layer to see how its value was computed")

    def chain_lines(self) -> list[str]:
        """The computation after the grids or the table, one step per line."""
        return arithmetic_words.chain_lines(self._result)

    def headings(self) -> list[str]:
        """The titles over the grids or the table columns."""
        return arithmetic_words.headings(self._result)

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        if self._result is None:
            return [self.placeholder()]
        return self.headings() + self.chain_lines()

    # --- layout: the room the numbers need ---------------------------------------------

    def _font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def _base(self) -> float:
        return max(self.font().pointSizeF(), MIN_POINTS)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self._hint

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(760, 360).expandedTo(self._hint)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._refresh_hint()  # narrower: lines wrap, grids stack, and need more height

    def _refresh_hint(self) -> None:
        """Ask for the width the numbers need at their smallest readable size, and the height
        they need at the width the diagram has. Not height-for-width: the window's scroll
        area would then size the arithmetic view by its preferred height (see Caption)."""
        hint = QSize(math.ceil(self._needed_width()), math.ceil(self._needed_height(self.width())))
        if hint != self._hint:
            self._hint = hint
            self.updateGeometry()

    def _needed_width(self) -> float:
        r, base = self._result, self._base()
        if r is None:
            return PLACEHOLDER_WIDTH
        if isinstance(r, SoftmaxArithmetic) or r.kind == "fc":
            headings, rows, _ = self._table(r)
            return sum(column_widths(self.font(), [headings, *rows], MIN_CELL_POINTS)) + 16
        if r.kind not in ("conv", "pool", "global_pool"):
            return PLACEHOLDER_WIDTH
        metrics = QFontMetricsF(self._font(base, True))
        titles = max(metrics.horizontalAdvance(title) + 4 for title in self.headings())
        if r.kind == "conv":
            layout = self._conv_layout(r, 0.0, 0.0)
            return layout.gutter + layout.first.indent + max(layout.first.cols * layout.first.cell, titles) + 16
        lines = self._pool_layout(r, 0.0, 0.0)
        return max(lines.cols * lines.cell, titles) + 16

    def _needed_height(self, width: int) -> float:
        r, base = self._result, self._base()
        if r is None:
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            box = QRectF(0, 0, max(width - 16, 1), 10_000)
            return QFontMetricsF(self._font(base)).boundingRect(box, flags, self.placeholder()).height() + 16
        body_w = width - 16
        if isinstance(r, SoftmaxArithmetic) or r.kind == "fc":
            _, rows, _ = self._table(r)
            body = (len(rows) + 1) * QFontMetricsF(self._font(base)).height() * 1.25
        elif r.kind == "conv":
            layout = self._conv_layout(r, body_w, 0.0)
            body = layout.first.height() + layout.footer_height
        elif r.kind in ("pool", "global_pool"):
            body = self._pool_layout(r, body_w, 0.0).height()
        else:
            body = 0.0
        return body + 20 + sum(self._chain_heights(width))

    def _chain_heights(self, width: int) -> list[float]:
        """The height of each step of the chain, wrapped to ``width``."""
        metrics = QFontMetricsF(self._font(self._base()))
        box = QRectF(0, 0, max(width - 16, 1), 10_000)
        return [metrics.boundingRect(box, WRAP, line).height() + metrics.height() * 0.25 for line in self.chain_lines()]

    def _measure_numbers(self) -> None:
        """Find the widest number the grids print (the conv grids of the channels that may be shown)."""
        r = self._result
        if not isinstance(r, UnitArithmetic) or r.kind not in ("conv", "pool", "global_pool"):
            self._widest = ""
            return
        grids = [r.inputs[0]]
        if r.kind == "conv":
            candidates = channel_order(r.products)[:SHOWN_CHANNELS]
            grids = [r.inputs[candidates], r.kernel[candidates], r.products[candidates]]
        pad = self.tr("pad")
        texts = {fmt(v) if np.isfinite(v) else pad for grid in grids for v in np.asarray(grid).reshape(-1)}
        self._widest = widest_number(self.font(), texts)

    def _symbol_width(self) -> float:
        return QFontMetricsF(self._font(self._base() * 1.4, True)).horizontalAdvance("×") * 1.6

    def _title_height(self) -> float:
        return QFontMetricsF(self._font(self._base(), True)).height() * 1.2

    def _conv_layout(self, r: UnitArithmetic, width: float, height: float) -> ConvLayout:
        """How a conv unit's grids fit ``width`` × ``height``: as many input channels as fit
        with readable numbers (at most SHOWN_CHANNELS), the rest summed in a footer."""
        base = self._base()
        order = channel_order(r.products)
        gutter = footer_h = 0.0
        if len(order) > 1:  # a gutter names each row's channel; the channels left out are summed below
            gutter = QFontMetricsF(self._font(base, True)).horizontalAdvance(self.channel_label(max(order))) + 10
            box = QRectF(0, 0, max(width, 1.0), 10_000)
            footer = self.others_line(len(order) - 1, float(r.products.sum()))
            footer_h = QFontMetricsF(self._font(base)).boundingRect(box, WRAP, footer).height() + 6
        rows, cols = r.kernel.shape[-2:]
        symbol_w, title_h = self._symbol_width(), self._title_height()
        per_line, across = grids_per_line(3, cols, width - gutter, symbol_w, self.font(), self._widest)
        floor = floor_points(3, per_line)
        smallest = smallest_cell(self.font(), self._widest, floor)
        lines = -(-3 // per_line)
        room = height - footer_h

        def channels_height(shown: int, cell: float) -> float:  # titles over the first channel only
            return lines * title_h + shown * (lines * rows * cell + (lines - 1) * GAP) + (shown - 1) * GAP

        shown = max(1, min(SHOWN_CHANNELS, len(order), sum(channels_height(n, smallest) <= room for n in range(1, 4))))
        down = (room - channels_height(shown, 0.0)) / (shown * lines * rows)
        cell = max(min(across, down, MAX_CELL), smallest)
        first = GridLines(3, rows, cols, per_line, cell, symbol_w, title_h)
        rest = GridLines(3, rows, cols, per_line, cell, symbol_w, 0.0)
        return ConvLayout(
            order[:shown],
            order[shown:],
            gutter,
            first,
            rest,
            footer_h,
            cell_font(self.font(), self._widest, cell, floor),
        )

    def _pool_layout(self, r: UnitArithmetic, width: float, height: float) -> GridLines:
        rows, cols = r.inputs[0].shape
        smallest = smallest_cell(self.font(), self._widest)
        title_h = self._title_height()
        cell = max(min(width / cols, (height - title_h) / rows, MAX_CELL), smallest)
        return GridLines(1, rows, cols, 1, cell, self._symbol_width(), title_h)

    def _table(self, r: UnitArithmetic | SoftmaxArithmetic) -> tuple[list[str], list[list[str]], int]:
        """(headings, rows, the row to mark) of a softmax or fully connected unit."""
        if isinstance(r, SoftmaxArithmetic):
            rows = [
                [str(d), fmt(z), fmt(s), fmt(e, 4), f"{p * 100:.2f} %"]
                for d, (z, s, e, p) in enumerate(zip(r.logits, r.scaled, r.exponentials, r.probabilities, strict=True))
            ]
            return self.headings(), rows, int(np.argmax(r.probabilities))
        rows = [[str(c.index), fmt(c.value, 3), fmt(c.weight, 3), fmt(c.product, 3)] for c in r.top_contributions]
        if len(r.inputs) > len(r.top_contributions):
            rest = float(r.products.sum()) - sum(c.product for c in r.top_contributions)
            others = self.tr("{n} others").format(n=len(r.inputs) - len(r.top_contributions))
            rows.append([others, "", "", fmt(rest, 3)])
        return self.headings(), rows, -1

    # --- painting -------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(palette.windowText().color())
        base = self._base()
        r = self._result
        if r is None:
            painter.setFont(self._font(base))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder())
            return
        # Each step wraps when the panel is narrower than its line (a formula, in any language).
        lines, heights = self.chain_lines(), self._chain_heights(self.width())
        body = QRectF(8, 4, self.width() - 16, self.height() - 20 - sum(heights))
        bottom = body.y()
        if isinstance(r, SoftmaxArithmetic) or r.kind == "fc":
            bottom = paint_table(painter, self.palette(), self.font(), body, *self._table(r), base)
        elif r.kind == "conv":
            bottom = self._paint_conv(painter, body, r, base)
        elif r.kind in ("pool", "global_pool"):
            marked = r.max_position if r.pool == "max" else None
            grid = self._pool_layout(r, body.width(), body.height())
            font = cell_font(self.font(), self._widest, grid.cell)
            grids = [(self.headings()[0], r.inputs[0], None, marked)]
            bottom = self._paint_grids(painter, body, body.y(), grids, grid, font)
        # The steps follow right under the numbers they add up.
        painter.setFont(self._font(base))
        painter.setPen(palette.windowText().color())
        y = bottom + 8
        for line, height in zip(lines, heights, strict=True):
            painter.drawText(QRectF(8, y, self.width() - 16, height), WRAP, line)
            y += height
        painter.end()

    def _paint_conv(self, painter: QPainter, body: QRectF, r: UnitArithmetic, base: float) -> float:
        headings = self.headings()
        mask = padding_mask(r)
        layout = self._conv_layout(r, body.width(), body.height())
        kernel_limit = float(np.abs(r.kernel).max()) or 1.0
        products_limit = float(np.abs(r.products).max()) or 1.0
        area = body.adjusted(layout.gutter, 0, 0, 0)
        y = body.y()
        for i, c in enumerate(layout.shown):
            grids = [
                (headings[0], r.inputs[c], mask, None),
                (headings[1], r.kernel[c], diverging(r.kernel[c], kernel_limit), None),
                (headings[2], r.products[c], diverging(r.products[c], products_limit), None),
            ]
            lines = layout.first if i == 0 else layout.rest
            bottom = self._paint_grids(painter, area, y, grids, lines, layout.font)
            if layout.gutter:
                painter.setFont(self._font(base, True))
                painter.setPen(self.palette().windowText().color())
                top = y + lines.title_height
                label = QRectF(body.x(), top, layout.gutter, bottom - top)
                painter.drawText(
                    label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.channel_label(c)
                )
            y = bottom + GAP
        if layout.left_out:
            rest = float(sum(r.products[c].sum() for c in layout.left_out))
            painter.setFont(self._font(base))
            painter.setPen(self.palette().windowText().color())
            footer = QRectF(body.x(), y, body.width(), layout.footer_height)
            painter.drawText(footer, WRAP, self.others_line(len(layout.left_out), rest))
            y += layout.footer_height
        return y

    def others_line(self, count: int, total: float) -> str:
        return self.tr("+ the other {n} input channels: sum of their products = {s}").format(n=count, s=fmt(total, 3))

    def channel_label(self, channel: int) -> str:
        return self.tr("channel {c}").format(c=channel)

    def _paint_grids(self, painter: QPainter, area: QRectF, top: float, grids: list, lines: GridLines, font: QFont):
        base = self._base()
        fonts = (self._font(base, True), self._font(base * 1.4, True), font)
        return paint_grids(painter, self.palette(), fonts, area, top, grids, lines, self.tr("pad"))


__all__ = ["ArithmeticDiagram"]
