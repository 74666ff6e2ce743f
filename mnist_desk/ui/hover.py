"""HoverReport: what the mouse points at inside a widget, reported once per change.

The feature grid (a unit of a tile) and the enlarged maps (a pixel) both tell
the window what the mouse points at, so that it can outline where that value
comes from: a signal when the target changes, ``hover_left`` when the mouse
points at nothing any more or leaves the widget.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, SignalInstance


class HoverReport:
    """Mixin for a QWidget that has a ``hover_left`` signal (put it before the Qt class)."""

    hover_left: Any  # the widget's own Signal()
    _hovered: tuple[int, ...] | None = None  # what the mouse points at now

    def report_hover(self, target: tuple[int, ...] | None, hovered: SignalInstance) -> None:
        """The mouse now points at ``target`` (None: at nothing): ``hovered(*target)`` or
        ``hover_left`` when that differs from what it pointed at before."""
        if target != self._hovered:
            self._hovered = target
            if target is None:
                self.hover_left.emit()
            else:
                hovered.emit(*target)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if self._hovered is not None:
            self._hovered = None
            self.hover_left.emit()
        super().leaveEvent(event)


__all__ = ["HoverReport"]
