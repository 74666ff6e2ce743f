"""Throttle: the first request runs at once, a burst runs once more at the end, with the newest state."""

from __future__ import annotations

from mnist_desk.ui.throttle import Throttle


def test_a_burst_runs_first_and_last(qtbot):
    state = {"value": 0}
    seen: list[int] = []
    throttle = Throttle(50, lambda: seen.append(state["value"]))
    for value in range(1, 21):
        state["value"] = value
        throttle.request()
    assert seen == [1]  # the first at once, the rest merged
    qtbot.waitUntil(lambda: seen == [1, 20], timeout=2000)  # the newest, once, when the interval ends
    qtbot.wait(120)
    assert seen == [1, 20]  # nothing more without a request


def test_flush_and_cancel(qtbot):
    seen: list[str] = []
    throttle = Throttle(10_000, lambda: seen.append("ran"))
    throttle.request()
    throttle.request()
    assert throttle.waiting() and seen == ["ran"]
    throttle.flush()
    assert seen == ["ran", "ran"] and not throttle.waiting()
    throttle.request()
    throttle.cancel()
    throttle.flush()
    assert seen == ["ran", "ran"]
