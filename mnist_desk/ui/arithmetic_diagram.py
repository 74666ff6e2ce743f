"""ArithmeticDiagram: the numbers of one unit's computation, painted large enough for a class.

It paints what :func:`mnist_desk.explain.unit_arithmetic` returns, never
computes: for a conv unit the input window, the kernel and their products as
grids of numbers (for several input channels, the three that contribute most,
and the sum of the rest), then the chain sum + bias -> BatchNorm -> activation
-> value; for a pool unit its window with the maximum outlined; for a fully
connected unit its largest contributions; for the softmax the whole table.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.colormap import diverging
from mnist_desk.explain_arithmetic import SoftmaxArithmetic, UnitArithmetic
from mnist_desk.layer_info import StageInfo
from mnist_desk.ui.stage_captions import ACTIVATION_NAMES

SHOWN_CHANNELS = 3  # input channels of a conv unit shown as grids; the rest are summed in one line
MIN_POINTS = 10.0  # text smaller than this does not read at the back of a classroom
READABLE_CELL = 40.0  # a grid cell this wide holds "−0.00" at 8 points


def fmt(value: float, digits: int = 2) -> str:
    """A number as the diagram prints it: fixed decimals, a real minus sign, no "−0.00"."""
    if not np.isfinite(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value:.{digits + 1}g}" if abs(value) >= 10_000 else f"{value:.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"
    return text.replace("-", "−")


def operand(value: float, digits: int = 3) -> str:
    """A number inside a formula: negative ones in brackets, so "x − (−0.02)" reads right."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("−") else text


def channel_order(products: np.ndarray) -> list[int]:
    """Input channels of a conv unit, largest |sum of products| first."""
    sums = products.reshape(len(products), -1).sum(axis=1)
    return [int(c) for c in np.argsort(-np.abs(sums), kind="stable")]


def padding_mask(result: UnitArithmetic, info: StageInfo | None) -> np.ndarray:
    """(kh, kw) True where the window hangs over the source map's edge (padding)."""
    kh, kw = result.inputs.shape[-2:]
    if result.window is None or info is None or len(info.input_shape) != 3:
        return np.zeros((kh, kw), bool)
    top, left, _, _ = result.window
    dh, dw = info.dilation
    rows = top + dh * np.arange(kh)
    cols = left + dw * np.arange(kw)
    _, h, w = info.input_shape
    return ~(((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :])


class ArithmeticDiagram(QWidget):
    """Paints one :class:`UnitArithmetic` or :class:`SoftmaxArithmetic`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arithmeticDiagram")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 260)
        self._result: UnitArithmetic | SoftmaxArithmetic | None = None
        self._info: StageInfo | None = None

    def set_result(self, result: UnitArithmetic | SoftmaxArithmetic | None, info: StageInfo | None = None) -> None:
        self._result, self._info = result, info
        self.update()

    def result(self) -> UnitArithmetic | SoftmaxArithmetic | None:
        return self._result

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(760, 360)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.update()
        super().changeEvent(event)

    # --- the words, translated ------------------------------------------------------

    def placeholder(self) -> str:
        return self.tr("Click a unit of any layer to see how its value was computed")

    def chain_lines(self) -> list[str]:
        """The computation after the grids or the table, one step per line."""
        r = self._result
        if r is None:
            return []
        if isinstance(r, SoftmaxArithmetic):
            return [
                self.tr("temperature T = {t}; m = largest z / T = {m}").format(t=fmt(r.temperature, 3), m=fmt(r.shift)),
                self.tr("sum of the exponentials = {s}; each p = exp(z / T − m) / {s}").format(s=fmt(r.normaliser, 4)),
            ]
        if r.kind in ("pool", "global_pool"):
            what = self.tr("largest value") if r.pool == "max" else self.tr("average")
            return [self.tr("{what} of the window = {v}").format(what=what, v=fmt(r.weighted_sum, 3))]
        if r.kind in ("flatten", "dropout"):
            return [self.tr("{stage} passes the value of {source} through unchanged: {v}").format(
                stage=r.stage, source=r.source, v=fmt(r.value, 3))]  # fmt: skip
        lines = []
        if r.input_mean is not None:
            lines.append(
                self.tr("{stage} reads each pixel p as (p − {mean}) / {std}: blank 0 → {blank}, ink 1 → {ink}").format(
                    stage=r.stage,
                    mean=f"{r.input_mean:g}",
                    std=f"{r.input_std:g}",
                    blank=fmt(-r.input_mean / r.input_std),
                    ink=fmt((1 - r.input_mean) / r.input_std),
                )  # fmt: skip
            )
        products = r.products.sum() if r.products is not None else 0.0
        # One line: the window's panel is short, and the grids above need the room.
        lines.append(
            self.tr("sum of the products {s} + bias {b} = {v}").format(
                s=fmt(float(products), 3), b=operand(r.bias), v=fmt(r.weighted_sum, 3)
            )
        )
        if r.batchnorm is not None:
            bn = r.batchnorm
            lines.append(
                self.tr("BatchNorm: ({x} − {mean}) / √({var} + ε) × {gamma} + {beta} = {v}").format(
                    x=fmt(r.weighted_sum, 3),
                    mean=operand(bn.mean),
                    var=fmt(bn.var, 3),
                    gamma=operand(bn.gamma),
                    beta=operand(bn.beta),
                    v=fmt(bn.result, 3),
                )  # fmt: skip
            )
        if r.activation:
            before = r.batchnorm.result if r.batchnorm is not None else r.weighted_sum
            name = ACTIVATION_NAMES.get(r.activation, r.activation)
            lines.append(f"{name}({fmt(before, 3)}) = {fmt(r.activated, 3)}")
        lines.append(self.tr("value in the network: {v}").format(v=fmt(r.value, 3)))
        return lines

    def headings(self) -> list[str]:
        """The titles over the grids or the table columns."""
        r = self._result
        if r is None:
            return []
        if isinstance(r, SoftmaxArithmetic):
            return [self.tr("digit"), self.tr("logit z"), "z / T", "exp(z / T − m)", self.tr("probability")]
        if r.kind == "conv":
            source = self.tr("input (normalised)") if r.input_mean is not None else self.tr("input window")
            return [source, self.tr("kernel"), self.tr("products")]
        if r.kind == "fc":
            return [self.tr("input #"), self.tr("input"), self.tr("weight"), self.tr("product")]
        if r.kind in ("pool", "global_pool"):
            return [self.tr("window of {source}, channel {c}").format(source=r.source, c=r.channel)]
        return []

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        if self._result is None:
            return [self.placeholder()]
        return self.headings() + self.chain_lines()

    # --- painting -------------------------------------------------------------------

    def _font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(palette.windowText().color())
        base = max(self.font().pointSizeF(), MIN_POINTS)
        r = self._result
        if r is None:
            painter.setFont(self._font(base))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder())
            return
        lines = self.chain_lines()
        # Each step wraps when the panel is narrower than its line (a formula, in any language).
        metrics = QFontMetricsF(self._font(base))
        wrap = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
        spacing = metrics.height() * 0.25
        heights = [
            metrics.boundingRect(QRectF(0, 0, self.width() - 16, 10_000), wrap, line).height() + spacing
            for line in lines
        ]
        body = QRectF(8, 4, self.width() - 16, self.height() - 20 - sum(heights))
        bottom = body.y()
        if isinstance(r, SoftmaxArithmetic):
            rows = [
                [str(d), fmt(z), fmt(s), fmt(e, 4), f"{p * 100:.2f} %"]
                for d, (z, s, e, p) in enumerate(zip(r.logits, r.scaled, r.exponentials, r.probabilities, strict=True))
            ]
            bottom = self._paint_table(painter, body, self.headings(), rows, int(np.argmax(r.probabilities)), base)
        elif r.kind == "conv":
            bottom = self._paint_conv(painter, body, r, base)
        elif r.kind in ("pool", "global_pool"):
            marked = r.max_position if r.pool == "max" else None
            bottom = self._paint_grids(painter, body, [(self.headings()[0], r.inputs[0], None, marked)], base)
        elif r.kind == "fc":
            rows = [[str(c.index), fmt(c.value, 3), fmt(c.weight, 3), fmt(c.product, 3)] for c in r.top_contributions]
            if len(r.inputs) > len(r.top_contributions):
                rest = float(r.products.sum()) - sum(c.product for c in r.top_contributions)
                others = self.tr("{n} others").format(n=len(r.inputs) - len(r.top_contributions))
                rows.append([others, "", "", fmt(rest, 3)])
            bottom = self._paint_table(painter, body, self.headings(), rows, -1, base)
        # The steps follow right under the numbers they add up.
        painter.setFont(self._font(base))
        painter.setPen(palette.windowText().color())
        y = bottom + 8
        for line, height in zip(lines, heights, strict=True):
            painter.drawText(QRectF(8, y, self.width() - 16, height), wrap, line)
            y += height
        painter.end()

    def _paint_conv(self, painter: QPainter, body: QRectF, r: UnitArithmetic, base: float) -> float:
        headings = self.headings()
        mask = padding_mask(r, self._info)
        order = channel_order(r.products)
        title_h = QFontMetricsF(self._font(base, True)).height() * 1.2
        footer_h = QFontMetricsF(self._font(base)).height() * 1.3 if len(order) > 1 else 0.0
        # As many input channels as fit with numbers that stay readable (cells of
        # READABLE_CELL px); the rest are summed in one line.
        k = r.kernel.shape[-2]
        fits = int((body.height() - title_h - footer_h) // (k * READABLE_CELL + 6))
        shown = order[: max(1, min(SHOWN_CHANNELS, fits))]
        kernel_limit = float(np.abs(r.kernel).max()) or 1.0
        products_limit = float(np.abs(r.products).max()) or 1.0
        extra = len(order) - len(shown)
        # Several input channels: a gutter names each row's channel, titles only over the first row.
        gutter = 0.0
        if len(order) > 1:
            gutter = QFontMetricsF(self._font(base, True)).horizontalAdvance(self.channel_label(max(order))) + 10
        row_h = (body.height() - footer_h - title_h) / len(shown) - 6
        y = body.y()
        for i, c in enumerate(shown):
            grids = [
                (headings[0], r.inputs[c], mask, None),
                (headings[1], r.kernel[c], diverging(r.kernel[c], kernel_limit), None),
                (headings[2], r.products[c], diverging(r.products[c], products_limit), None),
            ]
            area = QRectF(body.x() + gutter, y, body.width() - gutter, row_h + (title_h if i == 0 else 0))
            bottom = self._paint_grids(painter, area, grids, base, titles=i == 0)
            if gutter:
                painter.setFont(self._font(base, True))
                painter.setPen(self.palette().windowText().color())
                top = y + (title_h if i == 0 else 0)
                label = QRectF(body.x(), top, gutter, bottom - top)
                painter.drawText(
                    label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.channel_label(c)
                )
            y = bottom + 6
        if extra:
            rest = float(sum(r.products[c].sum() for c in order[len(shown) :]))
            painter.setFont(self._font(base))
            painter.setPen(self.palette().windowText().color())
            text = self.tr("+ the other {n} input channels: sum of their products = {s}").format(
                n=extra, s=fmt(rest, 3)
            )
            painter.drawText(QRectF(body.x(), y, body.width(), footer_h), Qt.AlignmentFlag.AlignVCenter, text)
            y += footer_h
        return y

    def channel_label(self, channel: int) -> str:
        return self.tr("channel {c}").format(c=channel)

    def _paint_grids(self, painter: QPainter, area: QRectF, grids: list, base: float, titles: bool = True) -> float:
        """Grids side by side, "×" then "=" between them, a title over each; returns the bottom edge."""
        title_h = QFontMetricsF(self._font(base, True)).height() * 1.2 if titles else 0.0
        k_rows, k_cols = grids[0][1].shape
        symbol_w = QFontMetricsF(self._font(base * 1.4)).horizontalAdvance("×") * 2.5
        width_cell = (area.width() - symbol_w * (len(grids) - 1)) / (len(grids) * k_cols)
        cell = max(min(width_cell, (area.height() - title_h) / k_rows, 64.0), 4.0)
        x = area.x()
        for i, (title, values, colours, marked) in enumerate(grids):
            grid = QRectF(x, area.y() + title_h, cell * k_cols, cell * k_rows)
            painter.setPen(self.palette().windowText().color())
            if titles:
                font = self._font(base, True)
                painter.setFont(font)
                needed = QFontMetricsF(font).horizontalAdvance(title) + 4
                if needed <= grid.width() + symbol_w:
                    title_rect = QRectF(x - symbol_w / 2, area.y(), grid.width() + symbol_w, title_h)
                    painter.drawText(title_rect, Qt.AlignmentFlag.AlignCenter, title)
                else:  # wider than its grid (a 2x2 pool window): start at the grid, never clipped
                    painter.drawText(QRectF(x, area.y(), needed, title_h), Qt.AlignmentFlag.AlignLeft, title)
            self._paint_cells(painter, grid, values, colours, marked, cell)
            x += grid.width()
            if i + 1 < len(grids):
                painter.setFont(self._font(base * 1.4, True))
                painter.setPen(self.palette().windowText().color())
                symbol = QRectF(x, grid.y(), symbol_w, grid.height())
                painter.drawText(symbol, Qt.AlignmentFlag.AlignCenter, "×" if i == 0 else "=")
                x += symbol_w
        return area.y() + title_h + cell * k_rows

    def _paint_cells(self, painter: QPainter, grid: QRectF, values: np.ndarray, colours, marked, cell: float) -> None:
        palette = self.palette()
        rows, cols = values.shape
        padding = colours if colours is not None and colours.dtype == bool else np.zeros((rows, cols), bool)
        rgb = colours if colours is not None and colours.dtype != bool else None
        font = self._font(float(np.clip(cell * 0.2, 5.0, 14.0)))  # "−0.00" fills about 4/5 of the cell
        painter.setFont(font)
        readable = QFontMetricsF(font).horizontalAdvance("−0.00") <= cell - 2
        for i in range(rows):
            for j in range(cols):
                rect = QRectF(grid.x() + j * cell, grid.y() + i * cell, cell, cell)
                background = palette.base().color()
                if rgb is not None:
                    background = QColor(*(int(v) for v in rgb[i, j]))
                painter.fillRect(rect, background)
                if padding[i, j] or not np.isfinite(values[i, j]):
                    painter.fillRect(rect, QBrush(palette.mid().color(), Qt.BrushStyle.BDiagPattern))
                painter.setPen(QPen(palette.mid().color(), 1))
                painter.drawRect(rect)
                if readable:
                    painter.setPen(Qt.GlobalColor.black if background.lightnessF() > 0.55 else Qt.GlobalColor.white)
                    text = self.tr("pad") if not np.isfinite(values[i, j]) else fmt(values[i, j])
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if marked is not None:
            dy, dx = marked
            painter.setPen(QPen(palette.highlight().color(), 3))
            painter.drawRect(QRectF(grid.x() + dx * cell, grid.y() + dy * cell, cell, cell).adjusted(1, 1, -1, -1))

    def _paint_table(
        self, painter: QPainter, body: QRectF, headings: list[str], rows: list, marked: int, base: float
    ) -> float:
        """A right-aligned table, the ``marked`` row highlighted; returns the bottom edge."""
        palette = self.palette()
        count = len(rows) + 1
        row_h = min(body.height() / count, QFontMetricsF(self._font(base)).height() * 1.6)
        points = max(min(base, row_h * 0.5), 6.0)
        # Each column as wide as its widest text (in bold, the heading's and the marked
        # row's font), the spare room shared out; smaller type only when even that fails.
        table = [headings, *rows]
        while True:
            metrics = QFontMetricsF(self._font(points, bold=True))
            needs = [max(metrics.horizontalAdvance(row[c]) for row in table) + 12 for c in range(len(headings))]
            if sum(needs) <= body.width() or points <= 6.0:
                break
            points -= 0.5
        spare = max(body.width() - sum(needs), 0.0) / len(needs)
        lefts = np.concatenate([[0.0], np.cumsum([need + spare for need in needs])])
        for r, row in enumerate(table):
            rect_row = QRectF(body.x(), body.y() + r * row_h, body.width(), row_h)
            if r - 1 == marked:
                highlight = QColor(palette.highlight().color())
                highlight.setAlpha(70)
                painter.fillRect(rect_row, highlight)
            painter.setFont(self._font(points, bold=r == 0 or r - 1 == marked))
            painter.setPen(palette.windowText().color())
            for c, text in enumerate(row):
                cell = QRectF(body.x() + lefts[c], rect_row.y(), lefts[c + 1] - lefts[c] - 10, row_h)
                painter.drawText(cell, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            if r == 0:
                painter.setPen(QPen(palette.mid().color(), 1))
                painter.drawLine(rect_row.bottomLeft(), rect_row.bottomRight())
        return body.y() + count * row_h


__all__ = ["ACTIVATION_NAMES", "ArithmeticDiagram", "channel_order", "fmt", "operand", "padding_mask"]
