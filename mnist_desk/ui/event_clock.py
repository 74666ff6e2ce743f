"""When an input event happened, on a clock the app can read. Qt-free.

Latency is measured from the input event's own timestamp
(``QInputEvent.timestamp()``), not from when the app got round to handling
it: time spent queued behind a repaint counts too. The timestamp is in
milliseconds since an epoch the platform picks. On X11 and Wayland it is the
server's ``CLOCK_MONOTONIC`` cut to 32 bits (wrapping every 49.7 days), on
macOS the time since boot: the clock ``time.monotonic()`` reads. Elsewhere
(Qt's offscreen platform counts from its own start) the epoch is unknown, and
it is estimated as the smallest difference seen between the clock at handling
and the timestamp, since no event is handled before it happened. Either way
an event's time is never later than when it was handled, so a latency
measured from it can never be shorter than the work done after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

WRAP_MS = 2**32
# A timestamp this close behind the monotonic clock (modulo the 32-bit wrap)
# is taken to be that clock: no event waits 10 s in the queue of a live app.
SAME_CLOCK_MS = 10_000.0


def now_ms() -> float:
    """The monotonic clock in milliseconds (``CLOCK_MONOTONIC`` on Linux)."""
    return time.monotonic() * 1000.0


class EventClock:
    """Turns event timestamps into readings of :func:`now_ms`."""

    def __init__(self, clock: Callable[[], float] = now_ms) -> None:
        self._clock = clock
        self._offset: float | None = None  # clock - timestamp, the smallest seen

    def event_time(self, timestamp_ms: int) -> float:
        """The clock reading (ms) at which the event with ``timestamp_ms`` happened.

        Parameters
        ----------
        timestamp_ms
            ``QInputEvent.timestamp()``; 0 means the event carries none (a
            synthesised event), and then "now" is the best answer.

        Returns
        -------
        float
            Never later than now.
        """
        now = self._clock()
        if timestamp_ms <= 0:
            return now
        lag = (now - timestamp_ms) % WRAP_MS
        if lag < SAME_CLOCK_MS:
            return now - lag
        offset = now - timestamp_ms
        if self._offset is None or offset < self._offset:
            self._offset = offset
        return timestamp_ms + self._offset


__all__ = ["EventClock", "now_ms"]
