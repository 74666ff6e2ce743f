"""Responsiveness while drawing, on this machine (offscreen Qt, bundled model).

Prints:
  * mouse-move -> bars showing that move's result: median and p99 (ms), over
    a continuous scripted drawing at ~60 mouse events per second. Measured from
    each event's own timestamp, the moment it was due (as the system stamps a
    real mouse event), so time the event spent waiting for a busy GUI thread
    and the time spent handling it both count;
  * the longest GUI-thread stall (the largest gap between two ticks of a 1 ms
    timer, which only the GUI thread's event loop can run);
  * app start -> usable window (process start to first result shown);
  * with ``--overlay METHOD``: "Why this answer?" on with that method, how long
    each map took on the worker and how many results got one;
  * with ``--arithmetic``: a conv1 unit's arithmetic open (recomputed for every
    result, its receptive field outlined on the canvas) while drawing;
  * with ``--number N``: number mode, numbers of N digits written across the
    wide canvas (clear digit templates, each stroke 40 mouse moves), cleared
    after each number; every move is read as a number (from the strokes), the
    boxes and each digit's bars drawn, the digit being written shown in detail.
    Prints how many digits the canvas held and how many crops the network read.

The network overview is always on (it is part of the window). The user's
examples are read from an empty temporary folder (no adapting).

    python benchmarks/bench_ui.py [--seconds 20] [--overlay gradcam] [--arithmetic] [--number 4] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

PROCESS_START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "ui"))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def number_plan(paper: tuple[int, int], digits: int, rng: np.random.Generator) -> list[tuple[str, float, float]]:
    """Numbers of ``digits`` clear digits written across the paper, one mouse event a slot, cleared after each."""
    from training.drawn import STYLES
    from ui_helpers import digit_template, number_strokes

    plan: list[tuple[str, float, float]] = []
    for _ in range(20):
        templates = []
        for digit in rng.integers(0, 10, digits):
            templates.append(digit_template(int(digit), int(rng.integers(len(STYLES[int(digit)])))))
        for stroke in number_strokes(templates, paper):
            points = np.array(stroke)
            along = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
            t = np.linspace(0, along[-1], 40)  # a stroke is 40 moves: about two thirds of a second
            xs, ys = np.interp(t, along, points[:, 0]), np.interp(t, along, points[:, 1])
            plan.append(("press", xs[0], ys[0]))
            plan += [("move", x, y) for x, y in zip(xs[1:], ys[1:], strict=True)]
            plan.append(("release", xs[-1], ys[-1]))
        plan.append(("clear", 0.0, 0.0))
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to keep drawing")
    parser.add_argument("--rate", type=float, default=60.0, help="mouse events per second")
    parser.add_argument(
        "--overlay", default="off", help="saliency method shown while drawing: gradcam, gradient, ..., or off (off)"
    )
    parser.add_argument("--arithmetic", action="store_true", help="keep a conv1 unit's arithmetic open")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    parser.add_argument("--number", type=int, default=0, help="number mode, numbers of this many digits (0: off)")
    args = parser.parse_args()
    # The window's example folder, empty and removed when the run ends (finalised at exit).
    examples = tempfile.TemporaryDirectory(prefix="bench-ui-examples-")
    os.environ["MNIST_DESK_EXAMPLES"] = examples.name

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    app = QApplication([])
    from mnist_desk.ui.event_clock import now_ms
    from mnist_desk.ui.main_window import MainWindow
    from ui_helpers import _send

    window = MainWindow(lang="en")
    window.show()
    while window.shown_request != window.latest_request or window.shown_request == 0:
        app.processEvents()
    startup = time.perf_counter() - PROCESS_START
    if args.overlay != "off":
        window.drawing.saliency.set_method(args.overlay)
        window.drawing.saliency.toggle.setChecked(True)
    if args.arithmetic:
        window.explain.on_unit_clicked("conv1", 5, 14, 14)
    if args.number:
        window.menus.actions["numberMode"].trigger()
        app.processEvents()
    plan = number_plan(window.canvas.paper_size(), args.number, np.random.default_rng(0)) if args.number else None
    digits_on_canvas: list[int] = []
    saliency_shown = [0]
    window.explain.saliency_shown.connect(lambda: saliency_shown.__setitem__(0, saliency_shown[0] + 1))
    shown_count = [0]
    window.prediction_shown.connect(lambda _s: shown_count.__setitem__(0, shown_count[0] + 1))

    # Latency: for each move, from its timestamp until the bars show the result for it or a later move.
    happened: dict[int, float] = {}  # request -> its event's timestamp (ms, now_ms clock)
    latencies: list[float] = []

    def on_shown(sequence: int) -> None:
        now = now_ms()
        for s in [s for s in happened if s <= sequence]:
            latencies.append(now - happened.pop(s))

    window.prediction_shown.connect(on_shown)

    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    # Mouse moves arrive from a timer inside the running event loop, as the OS
    # delivers them: between events the loop idles in C++, as in real use. Move k
    # is due at start + k * period and stamped with that time; when the GUI
    # thread is late, the moves that fell due meanwhile arrive as one (as the
    # system's queue merges mouse moves) and the wait counts in its latency.
    canvas = window.canvas
    held = Qt.MouseButton.LeftButton
    rng = np.random.default_rng(0)
    state = {"moves": 0, "in_stroke": 0, "x": 0.5, "y": 0.5, "slot": -1}
    period = 1000 / args.rate
    start = now_ms()
    end = time.perf_counter() + args.seconds
    # CPU time is steadier than latency on a shared machine: what each result cost to make and show.
    cpu_start = (time.thread_time(), time.process_time())
    cpu_end: list[float] = []

    def next_mouse_event() -> None:
        slot = int((now_ms() - start) // period)
        if slot == state["slot"]:
            return  # woke before the next move is due
        state["slot"] = slot
        due = start + slot * period
        if time.perf_counter() >= end:
            mouse.stop()
            _send(
                canvas,
                QEvent.Type.MouseButtonRelease,
                canvas.widget_point(state["x"], state["y"]),
                Qt.MouseButton.NoButton,
            )
            QTimer.singleShot(0, finish)
            return
        if plan is not None:
            play(plan[state["moves"] % len(plan)], due)
            return
        if state["in_stroke"] == 0:
            state["x"], state["y"] = rng.uniform(0.25, 0.75, 2)
            if rng.random() < 0.3:
                window.clear_button.click()
            _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(state["x"], state["y"]), held, due)
        state["x"], state["y"] = np.clip(
            [state["x"] + rng.normal(0, 0.015), state["y"] + rng.normal(0, 0.015)], 0.1, 0.9
        )
        _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(state["x"], state["y"]), held, due)
        happened[window.latest_request] = due
        state["moves"] += 1
        state["in_stroke"] += 1
        if state["in_stroke"] == 60:  # a stroke is one second of drawing
            _send(
                canvas,
                QEvent.Type.MouseButtonRelease,
                canvas.widget_point(state["x"], state["y"]),
                Qt.MouseButton.NoButton,
            )
            state["in_stroke"] = 0

    def play(step: tuple[str, float, float], due: float) -> None:
        """One slot of the number plan: clear, press, move or release."""
        kind, x, y = step
        state["moves"] += 1
        if kind == "clear":
            window.clear_button.click()
            return
        point = canvas.widget_point(x, y)
        if kind == "release":
            _send(canvas, QEvent.Type.MouseButtonRelease, point, Qt.MouseButton.NoButton, due)
            return
        _send(canvas, QEvent.Type.MouseButtonPress if kind == "press" else QEvent.Type.MouseMove, point, held, due)
        if kind == "move":
            happened[window.latest_request] = due
            result = window.numbers.result
            digits_on_canvas.append(0 if result is None else len(result.digits))

    def finish() -> None:
        if window.shown_request != window.latest_request:
            QTimer.singleShot(5, finish)
            return
        timer.stop()
        cpu_end.extend((time.thread_time(), time.process_time()))
        app.quit()

    mouse = QTimer()
    mouse.setTimerType(Qt.TimerType.PreciseTimer)
    mouse.setInterval(max(1, round(period / 4)))  # wakes often enough to deliver each move when due
    mouse.timeout.connect(next_mouse_event)
    mouse.start()
    app.exec()
    window.close()
    moves = len(happened) + len(latencies) if plan is not None else state["moves"]

    lat = np.array(latencies)
    gaps = np.diff(np.array(ticks)) * 1000
    print(f"moves: {moves} over {args.seconds:.0f} s at {args.rate:.0f} events/s; results shown for all {len(lat)}")
    print("(latency from each move's timestamp, the moment it was due, to the bars showing its result)")
    print(f"move -> bars: median {np.median(lat):.1f} ms, p99 {np.percentile(lat, 99):.1f} ms, max {lat.max():.1f} ms")
    print(f"longest GUI-thread stall: {gaps.max():.1f} ms (p99 gap {np.percentile(gaps, 99):.1f} ms)")
    print(f"start -> usable window with first result: {startup:.2f} s")
    gui_cpu = (cpu_end[0] - cpu_start[0]) * 1000 / max(shown_count[0], 1)
    other_cpu = (cpu_end[1] - cpu_start[1]) * 1000 / max(shown_count[0], 1) - gui_cpu
    print(
        f"CPU time per result shown: GUI thread {gui_cpu:.1f} ms, other threads {other_cpu:.1f} ms "
        f"({shown_count[0]} results)"
    )
    print(f"torch threads: {torch.get_num_threads()}; load average {os.getloadavg()[0]:.2f}")
    if plan is not None:
        reader = window.numbers.reader.reader(window.worker.predictor)
        shown = np.array(digits_on_canvas)
        print(
            f"number mode, {args.number} digits a number: digits on the canvas while drawing median "
            f"{np.median(shown):.0f}, max {shown.max()}; crops read {reader.asked}, "
            f"through the network {reader.computed} (the rest remembered)"
        )
    if args.overlay != "off":
        took = np.array(window.explain.saliency_seconds.get(args.overlay, [0.0])) * 1000
        print(
            f"overlay {args.overlay}: {saliency_shown[0]} maps for {shown_count[0]} results shown; "
            f"each took median {np.median(took):.1f} ms, p90 {np.percentile(took, 90):.1f} ms on the worker"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
