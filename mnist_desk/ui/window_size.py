"""How large the main window starts and how small it may go, on any screen.

A teacher's projector is often 1280x720, a laptop at 150 % scaling the same in
logical pixels, and 1080p at 200 % only 960x540: the window opens no larger than
the screen's room, its views scroll (main_window) when the screen is smaller
than their least size, and only the status bar, which cannot scroll, sets how
narrow the window may be.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QScrollArea, QStatusBar, QWidget

DEFAULT_SIZE = QSize(1280, 760)
# The least height (the views scroll inside it), and QStatusBar's room between its widgets.
MIN_HEIGHT = 400
STATUS_SPACING = 6
# Room for a title bar (the screen's available area already leaves out a desktop's panels).
FRAME_ALLOWANCE = QSize(16, 40)


def start_size(available: QSize) -> QSize:
    """The window's first size: DEFAULT_SIZE where the screen has room for it, else the
    screen's room (it was always 1280x760, below the bottom of a 1280x720 projector)."""
    return DEFAULT_SIZE.boundedTo(available - FRAME_ALLOWANCE)


def least_size(status_bar: QStatusBar) -> QSize:
    """The window's least size: as wide as the status bar's widgets (hidden ones, like the
    Undo forget button, counted as shown), summed as QStatusBar lays them out (its own hint
    is not ready before the first show)."""
    parts = [w for w in status_bar.children() if isinstance(w, QWidget) and not w.isWindow()]
    widths = [max(w.minimumWidth(), w.minimumSizeHint().width(), w.sizeHint().width()) for w in parts]
    return QSize(sum(widths) + STATUS_SPACING * len(parts), MIN_HEIGHT)


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area that scrolls only below its least size.

    On a screen smaller than that (a 1080p screen at 200 %, a 1366x768 laptop at
    125 %: 960x540 and 1093x614 logical pixels, against about 1100x620) the tools,
    the tabs and "Why" lay off the screen where nothing could reach them.
    """
    area = QScrollArea(objectName="centralScroll")
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


__all__ = ["DEFAULT_SIZE", "FRAME_ALLOWANCE", "MIN_HEIGHT", "least_size", "scrolling", "start_size"]
