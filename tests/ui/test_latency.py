"""Latency is measured from the input event's own timestamp, so the total shown
can never be shorter than the inference inside it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt

from mnist_desk.ui.event_clock import WRAP_MS, EventClock, now_ms
from ui_helpers import _send, wait_for_latest


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_timestamp_on_the_monotonic_clock_is_used_as_it_is():
    clock = FakeClock(1_000_000.0)
    assert EventClock(clock).event_time(999_960) == 999_960


def test_the_32_bit_wrap_of_x11_timestamps_is_undone():
    clock = FakeClock(3 * WRAP_MS + 500.0)  # the machine has been up for 149 days
    assert EventClock(clock).event_time(470) == 3 * WRAP_MS + 470


def test_an_unknown_epoch_is_estimated_and_never_later_than_handling():
    clock = FakeClock(5_000_000.0)
    events = EventClock(clock)
    assert events.event_time(100) == 5_000_000.0  # the first event: no better estimate than now
    clock.now += 150
    assert events.event_time(200) == 5_000_100.0  # handled 50 ms after it happened
    clock.now += 10
    assert events.event_time(300) == 5_000_160.0  # handled at once: the epoch estimate improves
    rng = np.random.default_rng(0)
    stamp = 300.0
    for _ in range(1000):
        stamp += rng.uniform(0, 20)
        clock.now = stamp + 4_999_860 + rng.uniform(0, 30)
        assert events.event_time(int(stamp)) <= clock.now


def test_an_event_without_a_timestamp_counts_from_now():
    assert EventClock(FakeClock(42.0)).event_time(0) == 42.0


def shown_latency(window) -> tuple[float, float]:
    match = re.match(r"Inference: ([\d.]+) ms, shown (\d+) ms after the input", window.latency_status.text())
    assert match, window.latency_status.text()
    return float(match.group(1)), float(match.group(2))


@pytest.mark.parametrize("delay_ms", [0, 80])
def test_the_status_bar_counts_from_when_the_mouse_moved(qtbot, window, delay_ms):
    canvas = window.canvas
    held = Qt.MouseButton.LeftButton
    # Events that waited delay_ms in the queue before the window handled them.
    _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(0.5, 0.2), held, now_ms() - delay_ms)
    for i in range(1, 15):
        _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(0.5, 0.2 + 0.04 * i), held, now_ms() - delay_ms)
    wait_for_latest(qtbot, window)
    inference, total = shown_latency(window)
    assert total >= inference
    assert total >= delay_ms
    _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(0.5, 0.8), Qt.MouseButton.NoButton)
