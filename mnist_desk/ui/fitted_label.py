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

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_POINTS = 10.0
PADDING = 8  # px left free beside the text


def as_wide_as_widest(label: QLabel, texts: Iterable[str]) -> None:
    """Give ``label`` the width of the widest text it will show: a width that followed its
    text would lay its row out again (and repaint it) each time the text changed."""
    metrics = label.fontMetrics()
    label.setMinimumWidth(max(metrics.horizontalAdvance(text) for text in texts) + 4)


def balanced_width(metrics: QFontMetricsF, text: str, width: float) -> float:
    """The narrowest width (at most ``width``) in which ``text``, word-wrapped, takes no more
    lines than in ``width``: its lines come out about even instead of one full line and a word
    left alone on the next (in Chinese, where any character may start a line, one character:
    "不可信：网络在这里看不出数" and "字", in a new user's review)."""
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    lines = metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, text).height()

    def fits(room: float) -> bool:  # as few lines, and no word wider than the room
        needed = metrics.boundingRect(QRectF(0, 0, room, 1e6), flags, text)
        return needed.height() <= lines and needed.width() <= room + 0.5

    if not fits(width):  # a word wider than the whole room: nothing narrower helps
        return float(width)
    low, high = 0.0, float(width)  # too narrow, wide enough
    while high - low > 0.5:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


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


__all__ = ["FittedLabel"]
