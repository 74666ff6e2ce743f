"""An hour of play compressed: 20,000 mouse events, clicks and processEvents()
calls in one process. PySide6 6.12.0 aborts with "none_dealloc" after ~5,000 of
these (hence the <6.12 pin); here nothing may crash and memory must not grow."""

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from ui_helpers import _send, wait_for_latest

EVENTS = 20_000


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


def test_twenty_thousand_events_without_crash_or_growth(qtbot, window):
    canvas = window.canvas
    held = Qt.MouseButton.LeftButton
    rng = np.random.default_rng(0)
    sent = clicks = 0
    baseline = None
    while sent < EVENTS:
        x, y = rng.uniform(0.2, 0.8, 2)
        _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(x, y), held)
        for _ in range(40):
            x, y = np.clip([x + rng.normal(0, 0.02), y + rng.normal(0, 0.02)], 0.05, 0.95)
            _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(x, y), held)
            QApplication.processEvents()
        _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(x, y), Qt.MouseButton.NoButton)
        sent += 42
        if sent // 42 % 5 == 0:
            window.clear_button.click()
            clicks += 1
        if baseline is None and sent >= 2_000:
            wait_for_latest(qtbot, window)
            baseline = rss_mb()  # after warm-up: caches, the first predictions
    wait_for_latest(qtbot, window)
    growth = rss_mb() - baseline
    assert clicks > 50
    assert growth < 40, f"resident memory grew by {growth:.1f} MB"
