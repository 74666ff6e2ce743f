"""Caption: a word-wrapped label that always has room for its whole text.

A word-wrapped QLabel tells its layout little about the height it needs, so a
small window squeezes it and cuts its last lines off (and its height-for-width
makes the layout overflow the window). A Caption never gets
narrower than ``min_width`` and asks for the height its text needs at that
width: at any wider width it needs no more, so every size the window allows
shows the whole text, in any language.

A balanced caption wraps its text into even lines, as many as it would take
anyway: a plain wrap leaves a last word alone on its line (in Chinese a last
character or two: "…网络会学习你的" and "笔迹", in a new user's review).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from mnist_desk.ui import language
from mnist_desk.ui.fitted_label import BalancedWidth


class Caption(QLabel):
    def __init__(
        self, object_name: str, min_width: int, parent: QWidget | None = None, lines: int = 0, balanced: bool = False
    ) -> None:
        super().__init__(parent)
        self._balanced = balanced
        self._balanced_width = BalancedWidth()
        # Room for this many lines even when the text needs fewer: a caption that changes
        # with every result (one line, then two) would otherwise move the views below it.
        self._lines = lines
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Preferred width: a long caption wraps to the column instead of widening it.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._min_width = min_width

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        if text == self.text():
            return
        before = self.minimumSizeHint()
        super().setText(text)
        if self.minimumSizeHint() != before:
            # A new layout only when the height it needs changed: the captions
            # change on every result while drawing, their line count rarely.
            self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        needed = self.heightForWidth(self._min_width) if self.text() else 0
        return QSize(self._min_width, max(needed, self._reserved_height()))

    def _reserved_height(self) -> int:
        """The height of ``lines`` lines of this language's text: Chinese lines are taller
        (the glyphs come from a CJK fallback font), so the room kept is measured on them."""
        if not self._lines:
            return 0
        sample = "Ag字" if language.current() == language.CHINESE else "Ag"
        flags = Qt.TextFlag.TextWordWrap
        return (
            self.fontMetrics()
            .boundingRect(QRect(0, 0, 10_000, 10_000), flags, "\n".join([sample] * self._lines))
            .height()
        )

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        # The layout must not size this label by height-for-width: Qt's box layouts
        # then stop fitting their items in the space they have, and the views below
        # spill out of the window. The minimum size above already leaves room.
        return False

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self._balanced or not self.text():
            super().paintEvent(event)
            return
        # The text drawn as QLabel draws it, in a narrower rectangle centred in the room.
        room = self.contentsRect()
        # The even-lines width, rounded up to whole pixels (never wider than the room).
        width = min(room.width(), int(self._balanced_width(self.font(), self.text(), room.width())) + 1)
        inner = QRect(room.x() + (room.width() - width) // 2, room.y(), width, room.height())
        flags = int(self.alignment()) | int(Qt.TextFlag.TextWordWrap)
        painter = QPainter(self)
        self.style().drawItemText(
            painter, inner, flags, self.palette(), self.isEnabled(), self.text(), self.foregroundRole()
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self.updateGeometry()  # the room kept for its lines changes with either
        super().changeEvent(event)


__all__ = ["Caption"]
