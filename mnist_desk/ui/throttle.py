"""Throttle: run a callback at most once per interval, always ending on the newest request.

While the user draws, results arrive with every mouse move (60 a second or
more). Views that are a glance, not the answer (the network overview, its
vector columns), follow at a calmer pace: the first request after a pause
runs at once, the ones that follow within the interval are merged, and the
last of them runs when the interval ends. The bars never wait for them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, interval_ms: int, callback: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback = callback
        self._waiting = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._on_timeout)

    def request(self) -> None:
        """Run now if the interval is over, else once when it is (however many requests came)."""
        if self._timer.isActive():
            self._waiting = True
            return
        self._callback()
        self._timer.start()

    def flush(self) -> None:
        """Run a waiting request now (a test or a reader needs the newest state)."""
        if self._waiting:
            self._waiting = False
            self._callback()

    def cancel(self) -> None:
        """Forget a waiting request (what it would show is gone)."""
        self._waiting = False

    def waiting(self) -> bool:
        return self._waiting

    def _on_timeout(self) -> None:
        if self._waiting:
            self._waiting = False
            self._callback()
            self._timer.start()


__all__ = ["Throttle"]
