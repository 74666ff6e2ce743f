"""A one-line progress bar on stderr, redrawn at most ten times a second.

Small enough not to need a dependency; quiet when stderr is not a terminal
(CI logs get the epoch table only, not thousands of carriage returns).
"""

from __future__ import annotations

import sys
import time


def say(message: str) -> None:
    """Progress for a person, on stderr: stdout carries the result alone."""
    print(message, file=sys.stderr, flush=True)


class ProgressBar:
    """``label [#####.....]  42.0%   1,342 images/s  extra``.

    ``unit`` names what ``done`` counts, so the rate says what it measures;
    ``scale`` divides the rate for display (bytes shown as MB/s: unit "MB", scale 1e6).
    """

    def __init__(
        self,
        total: int,
        label: str,
        enabled: bool = True,
        stream=None,
        unit: str = "items",
        scale: float = 1.0,
        initial: int = 0,
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
        self.scale = scale
        self.initial = initial  # already done when the bar starts (a resumed epoch): not part of the rate
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.started = time.perf_counter()
        self._last_draw = 0.0

    def update(self, done: int, extra: str = "") -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self._last_draw < 0.1 and done < self.total):
            return
        self._last_draw = now
        frac = min(done / self.total, 1.0)
        filled = int(frac * 30)
        rate = (done - self.initial) / max(now - self.started, 1e-9) / self.scale
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {frac * 100:5.1f}% {rate:>9,.1f} {self.unit}/s {extra}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
