"""FittedLabel: one line of large type that shrinks to fit its width, never widening its column.

The answer is shown in large type ("7", "2026", "Not a number"). A plain QLabel
asks its layout for the width of its text, so each time the answer changed to
a longer one the whole column widened and the canvas beside it shrank, and
back again with the next answer: while writing a number, the window's layout
jumped with every partial reading and repainted everything. This label takes
the width its column gives it and draws its text in the font it was given, or
smaller when the text would not fit (never below ``MIN_POINTS``).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_POINTS = 10.0
PADDING = 8  # px left free beside the text


def as_wide_as_widest(label: QLabel, texts: Iterable[str]) -> None:
    """Give ``label`` the width of the widest text it will show: a width that followed its
    text would lay its row out again (and repaint it) each time the text changed."""
    metrics = label.fontMetrics()
    label.setMinimumWidth(max(metrics.horizontalAdvance(text) for text in texts) + 4)


def wrapped_lines(font: QFont, text: str, width: float) -> tuple[int, float]:
    """How many lines ``text`` takes, word-wrapped to ``width`` (as QPainter.drawText wraps with
    Qt.TextWordWrap), and the widest line's width (more than ``width`` when a word overflows)."""
    count, widest = 0, 0.0
    # QPainter starts a new line at each "\n"; a QTextLayout would read it as a space, and a
    # text broken by hand (the Chinese hint) was balanced as one paragraph, then drawn in three
    # lines where the caption had room for two.
    for paragraph in text.split("\n"):
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            count, widest = count + 1, max(widest, line.naturalTextWidth())
        layout.endLayout()
    return count, widest


def balanced_width(font: QFont, text: str, width: float) -> float:
    """A narrower width (at most ``width``) in which ``text``, word-wrapped, takes no more lines
    than in ``width`` and no word overflows: its lines come out about even instead of one full
    line and a word left alone on the next (in Chinese, where any character may start a line,
    one character: "不可信：网络在这里看不出数" and "字", in a new user's review).

    Found by bisection, so the narrowest up to half a pixel where the line count falls steadily
    with the width; mixed Latin and Chinese can wrap into fewer lines at a slightly narrower
    width ("bi不 不a f a", found by hypothesis), and then a little room is left. Lines are
    counted, not measured: a line holding a Chinese character is taller than one of Latin letters.
    """
    lines, _ = wrapped_lines(font, text, width)

    def fits(room: float) -> bool:  # as few lines, and no word wider than the room
        count, widest = wrapped_lines(font, text, room)
        return count <= lines and widest <= room + 0.5

    if not fits(width):  # a word wider than the whole room: nothing narrower helps
        return float(width)
    low, high = 0.0, float(width)  # too narrow, wide enough
    while high - low > 0.5:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


class BalancedWidth:
    """:func:`balanced_width`, found again only when the text, font or width changed: a
    bisection of some 20 layouts (0.3 ms) is too much for every paint, and the bars and
    captions repaint with every reading while the pen moves."""

    def __init__(self) -> None:
        self._found: tuple[tuple[str, str, float], float] | None = None

    def __call__(self, font: QFont, text: str, width: float) -> float:
        key = (text, font.key(), width)
        if self._found is None or self._found[0] != key:
            self._found = (key, balanced_width(font, text, width))
        return self._found[1]


class FittedLabel(QLabel):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._wanted = QFont(self.font())  # setFont() sets it; the font shown may be smaller
        self._fitting = False

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        super().setText(text)
        self._fit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and not self._fitting:
            self._wanted = QFont(self.font())  # setFont() from outside: that is the font wanted
            self._fit()

    def _fit(self) -> None:
        font = QFont(self._wanted)
        room = max(self.width() - PADDING, 1)
        width = QFontMetricsF(font).horizontalAdvance(self.text())
        if width > room:
            font.setPointSizeF(max(font.pointSizeF() * room / width, MIN_POINTS))
        if font != self.font():
            self._fitting = True
            try:
                self.setFont(font)
            finally:
                self._fitting = False


__all__ = ["BalancedWidth", "FittedLabel", "balanced_width", "wrapped_lines"]
