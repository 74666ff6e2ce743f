"""ElidingStatusBar: a status bar whose message ends in "…" when it does not fit.

QStatusBar clips a message at the first permanent widget: at the window's
smallest width "Adapted to my examples in 1.4 s" showed as "Adapted to my
exam", cut mid-word, with nothing to say there was more. This one draws the
message elided to the room it has and keeps the whole text as the tooltip.
``currentMessage()`` still returns the whole text.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizeGrip, QStatusBar, QStyle, QStyleOption, QWidget

LEFT_MARGIN = 6  # where QStatusBar starts its message
RIGHT_MARGIN = 12  # and how far from the right it stops without permanent widgets


class ElidingStatusBar(QStatusBar):
    """A QStatusBar that elides its temporary message instead of clipping it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(self.setToolTip)

    def message_rect(self) -> QRect:
        """The room left of the permanent widgets (QStatusBar's own rule, left to right)."""
        right = self.width() - RIGHT_MARGIN
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and child.x() > LEFT_MARGIN:
                right = min(right, child.x() - 2)
        return QRect(LEFT_MARGIN, 0, max(0, right - LEFT_MARGIN), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole, or cut at a character and ended with "…"."""
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, self.message_rect().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if not self.currentMessage():
            super().paintEvent(event)
            return
        # QStatusBar paints the panel, a frame round each permanent widget, then the message;
        # the same here, with the message elided.
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and not isinstance(child, QSizeGrip):
                frame = QStyleOption()
                frame.rect = child.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                frame.state = QStyle.StateFlag.State_None
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, child)
        painter.setPen(self.palette().windowText().color())
        flags = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(self.message_rect(), flags, self.shown_message())
        painter.end()


__all__ = ["ElidingStatusBar"]
