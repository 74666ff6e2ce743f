"""The arithmetic diagram's numbers: how they are printed, which cells are padding, which
input channels come first, where their grids go, how large their cells and type are, and
the grids and tables painted.

"input × kernel = products" reads best on one line, and in the window's
default size its right-hand panel (500 to 560 px) holds the three 5×5 grids
in a row, their numbers in small type (ROW_MIN_POINTS). In number mode, or at
the window's minimum size, the panel is 330 to 410 px wide: shrinking the
cells further left them blank (a number that no longer fitted was skipped) or
cut the last grid off. There the grids wrap like words instead, each wrapped
line led by its "×" or "=", as many on a line as hold their numbers at
MIN_CELL_POINTS (one, in those panels): the view scrolls down, never sideways.
The cells grow with the room the diagram has, up to MAX_CELL, their type with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from mnist_desk.explain_arithmetic import UnitArithmetic

ROW_MIN_POINTS = 6.0  # the numbers of grids in a row: small, but the equation reads on one line
MIN_CELL_POINTS = 8.0  # the numbers of wrapped grids, and the tables', are never smaller than this
MAX_CELL_POINTS = 14.0
MAX_CELL = 64.0  # px: larger cells only spread the numbers apart
CELL_MARGIN = 3.0  # px kept free beside a cell's number, both sides together
GAP = 6.0  # px between two lines of grids


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


def padding_mask(result: UnitArithmetic) -> np.ndarray:
    """(kh, kw) True where the window hangs over the source map's edge (padding)."""
    if result.padded is not None:
        return result.padded
    return np.zeros(result.inputs.shape[-2:], bool)


def _sized(font: QFont, points: float) -> QFont:
    sized = QFont(font)
    sized.setPointSizeF(points)
    return sized


def widest_number(font: QFont, texts: Iterable[str]) -> str:
    """The widest of ``texts`` (at least as wide as "−0.00"): the one that decides the cells' size.
    Measured once per result; type of any size scales it alike."""
    metrics = QFontMetricsF(_sized(font, MIN_CELL_POINTS))
    return max(["−0.00", *texts], key=metrics.horizontalAdvance)


def floor_points(count: int, per_line: int) -> float:
    """The smallest type for the numbers of ``count`` grids, ``per_line`` to a line."""
    return ROW_MIN_POINTS if per_line == count > 1 else MIN_CELL_POINTS


def smallest_cell(font: QFont, widest: str, points: float = MIN_CELL_POINTS) -> float:
    """The narrowest cell that holds ``widest`` (see ``widest_number``) at ``points``."""
    return QFontMetricsF(_sized(font, points)).horizontalAdvance(widest) + CELL_MARGIN


def cell_font(font: QFont, widest: str, cell: float, floor: float = MIN_CELL_POINTS) -> QFont:
    """The type for a ``cell`` px cell: a fifth of the cell in points, smaller where ``widest``
    would not fit, never below ``floor`` (no cell is narrower than ``smallest_cell`` at it)."""
    points = min(max(cell * 0.2, floor), MAX_CELL_POINTS)
    while points > floor and smallest_cell(font, widest, points) > cell:
        points -= 0.5
    return _sized(font, max(points, floor))


def grids_per_line(
    count: int, cols: int, width: float, symbol_width: float, font: QFont, widest: str
) -> tuple[int, float]:
    """(grids on one line, the widest cell ``width`` allows them): all in a row while their
    cells hold ``widest`` at ROW_MIN_POINTS, else as many on a line as hold it at
    MIN_CELL_POINTS; one per line, at that, when even one is too wide (the view then scrolls)."""
    for per_line in range(count, 0, -1):
        indent = symbol_width if per_line < count else 0.0
        across = (width - indent - (per_line - 1) * symbol_width) / (per_line * cols)
        if across >= smallest_cell(font, widest, floor_points(count, per_line)):
            return per_line, across
    return 1, smallest_cell(font, widest)


@dataclass(frozen=True)
class GridLines:
    """``count`` grids of rows × cols cells of ``cell`` px, ``per_line`` to a line.

    A symbol ("×", "=") stands before every grid but the first: between two grids on a
    line, or in a left margin (``indent``) when the grids wrap, so that the wrapped lines
    line up under the first. Each line has room for a title over its grids.
    """

    count: int
    rows: int
    cols: int
    per_line: int
    cell: float
    symbol_width: float
    title_height: float

    @property
    def lines(self) -> int:
        return -(-self.count // self.per_line)

    @property
    def indent(self) -> float:
        return self.symbol_width if self.per_line < self.count else 0.0

    def width(self) -> float:
        return self.indent + self.per_line * self.cols * self.cell + (self.per_line - 1) * self.symbol_width

    def height(self) -> float:
        return self.lines * (self.title_height + self.rows * self.cell) + (self.lines - 1) * GAP

    def grid_rect(self, index: int, left: float, top: float) -> QRectF:
        """Where grid ``index`` goes when the grids start at (left, top), titles excluded."""
        line, column = divmod(index, self.per_line)
        side_w, side_h = self.cols * self.cell, self.rows * self.cell
        x = left + self.indent + column * (side_w + self.symbol_width)
        y = top + line * (self.title_height + side_h + GAP) + self.title_height
        return QRectF(x, y, side_w, side_h)

    def symbol_rect(self, index: int, left: float, top: float) -> QRectF:
        """Where the symbol before grid ``index`` (1 or more) goes: just left of the grid."""
        grid = self.grid_rect(index, left, top)
        return QRectF(grid.x() - self.symbol_width, grid.y(), self.symbol_width, grid.height())


def paint_cells(
    painter: QPainter, palette: QPalette, grid: QRectF, values: np.ndarray, colours, marked, font: QFont, pad: str
) -> None:
    """One grid: a number in every cell, in ``font`` (chosen so that the widest fits: a cell
    is never left blank). ``colours`` is a padding mask (bool) or an RGB background per cell;
    ``marked`` (row, column) is outlined; cells outside the map say ``pad``."""
    rows, cols = values.shape
    cell = grid.width() / cols
    padding = colours if colours is not None and colours.dtype == bool else np.zeros((rows, cols), bool)
    rgb = colours if colours is not None and colours.dtype != bool else None
    painter.setFont(font)
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
            painter.setPen(Qt.GlobalColor.black if background.lightnessF() > 0.55 else Qt.GlobalColor.white)
            text = pad if not np.isfinite(values[i, j]) else fmt(values[i, j])
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    if marked is not None:
        dy, dx = marked
        painter.setPen(QPen(palette.highlight().color(), 3))
        painter.drawRect(QRectF(grid.x() + dx * cell, grid.y() + dy * cell, cell, cell).adjusted(1, 1, -1, -1))


def paint_grids(
    painter: QPainter,
    palette: QPalette,
    fonts: tuple[QFont, QFont, QFont],
    area: QRectF,
    top: float,
    grids: list,
    lines: GridLines,
    pad: str,
) -> float:
    """Grids of (title, values, colours, marked) from ``top`` in ``area``, wrapped as ``lines``
    says, "×" then "=" before the second and third, a title over each where ``lines`` has room
    for titles; ``fonts`` are the titles', the symbols' and the numbers'. Returns the bottom edge."""
    title_font, symbol_font, number_font = fonts
    symbol_w = lines.symbol_width
    for i, (title, values, colours, marked) in enumerate(grids):
        grid = lines.grid_rect(i, area.x(), top)
        painter.setPen(palette.windowText().color())
        if lines.title_height:
            painter.setFont(title_font)
            needed = QFontMetricsF(title_font).horizontalAdvance(title) + 4
            # Centred over its grid, into the symbols' room beside it, never past the area.
            room = QRectF(grid.x() - symbol_w / 2, grid.y() - lines.title_height, grid.width() + symbol_w,
                          lines.title_height).intersected(area.adjusted(0, -10_000, 0, 10_000))  # fmt: skip
            if needed <= room.width():
                painter.drawText(room, Qt.AlignmentFlag.AlignCenter, title)
            else:  # wider than its grid (a 2x2 pool window): start at the grid, never clipped
                box = QRectF(grid.x(), grid.y() - lines.title_height, needed, lines.title_height)
                painter.drawText(box, Qt.AlignmentFlag.AlignLeft, title)
        paint_cells(painter, palette, grid, values, colours, marked, number_font, pad)
        if i > 0:
            painter.setFont(symbol_font)
            painter.setPen(palette.windowText().color())
            painter.drawText(lines.symbol_rect(i, area.x(), top), Qt.AlignmentFlag.AlignCenter, "×" if i == 1 else "=")
    return top + lines.height()


def column_widths(font: QFont, table: list[list[str]], points: float) -> list[float]:
    """Each column as wide as its widest text, in bold (the heading's and the marked row's type)."""
    metrics = QFontMetricsF(_bold(font, points))
    return [max(metrics.horizontalAdvance(row[c]) for row in table) + 12 for c in range(len(table[0]))]


def _bold(font: QFont, points: float, bold: bool = True) -> QFont:
    sized = _sized(font, points)
    sized.setBold(bold)
    return sized


def paint_table(
    painter: QPainter,
    palette: QPalette,
    font: QFont,
    body: QRectF,
    headings: list[str],
    rows: list[list[str]],
    marked: int,
    base: float,
) -> float:
    """A right-aligned table, the ``marked`` row highlighted; returns the bottom edge."""
    count = len(rows) + 1
    row_h = min(body.height() / count, QFontMetricsF(_sized(font, base)).height() * 1.6)
    points = max(min(base, row_h * 0.5), MIN_CELL_POINTS)
    # Each column as wide as its widest text, the spare room shared out; smaller type only
    # when even that fails (never below MIN_CELL_POINTS: the diagram asks for that width).
    table = [headings, *rows]
    needs = column_widths(font, table, points)
    while sum(needs) > body.width() and points > MIN_CELL_POINTS:
        points = max(points - 0.5, MIN_CELL_POINTS)
        needs = column_widths(font, table, points)
    spare = max(body.width() - sum(needs), 0.0) / len(needs)
    lefts = np.concatenate([[0.0], np.cumsum([need + spare for need in needs])])
    for r, row in enumerate(table):
        rect_row = QRectF(body.x(), body.y() + r * row_h, body.width(), row_h)
        if r - 1 == marked:
            highlight = QColor(palette.highlight().color())
            highlight.setAlpha(70)
            painter.fillRect(rect_row, highlight)
        painter.setFont(_bold(font, points, bold=r == 0 or r - 1 == marked))
        painter.setPen(palette.windowText().color())
        for c, text in enumerate(row):
            cell = QRectF(body.x() + lefts[c], rect_row.y(), lefts[c + 1] - lefts[c] - 10, row_h)
            painter.drawText(cell, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
        if r == 0:
            painter.setPen(QPen(palette.mid().color(), 1))
            painter.drawLine(rect_row.bottomLeft(), rect_row.bottomRight())
    return body.y() + count * row_h


__all__ = [
    "GAP",
    "MAX_CELL",
    "MIN_CELL_POINTS",
    "ROW_MIN_POINTS",
    "GridLines",
    "cell_font",
    "channel_order",
    "floor_points",
    "column_widths",
    "fmt",
    "grids_per_line",
    "operand",
    "padding_mask",
    "paint_cells",
    "paint_grids",
    "paint_table",
    "smallest_cell",
    "widest_number",
]
