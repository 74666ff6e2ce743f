"""Scripted mouse drawing for the window tests and the latency benchmark."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mnist_desk.ui.event_clock import now_ms
from training.drawn import STYLES, catmull_rom

ADAPTING_S = 120_000  # ms to wait for an adaptation: seconds here, more on a busy machine


def _send(widget, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton, timestamp: float | None = None) -> None:
    """Deliver a mouse event stamped, as the system stamps it, with when it happened.

    ``timestamp`` is in milliseconds on ``event_clock.now_ms`` (the clock X11 and
    Wayland stamp events with); None means now.
    """
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    event.setTimestamp(int(now_ms() if timestamp is None else timestamp))
    QApplication.sendEvent(widget, event)


def drag(canvas, points: list[tuple[float, float]]) -> None:
    """Press, move through ``points`` (fractions of the paper) and release, like a mouse."""
    held = Qt.MouseButton.LeftButton
    widget_points = [canvas.widget_point(x, y) for x, y in points]
    _send(canvas, QEvent.Type.MouseButtonPress, widget_points[0], held)
    for p in widget_points[1:]:
        _send(canvas, QEvent.Type.MouseMove, p, held)
    _send(canvas, QEvent.Type.MouseButtonRelease, widget_points[-1], Qt.MouseButton.NoButton)


def digit_strokes(digit: int, style: int = 0) -> list[list[tuple[float, float]]]:
    """A clear digit as mouse paths over the paper: a template stroke, smoothed,
    in a box 60 % of the paper high, centred."""
    strokes = []
    for stroke in STYLES[digit][style]:
        pts = catmull_rom(np.array(stroke, dtype=float), per_segment=8)
        strokes.append([(0.32 + 0.36 * x, 0.2 + 0.6 * y) for x, y in pts])
    return strokes


def click_bar(window, digit: int) -> None:
    """A click on ``digit``'s bar: teaching the network that the drawing is that digit."""
    bars = window.probability_bars
    centre = QPointF(bars.row_rect(digit).center())
    _send(bars, QEvent.Type.MouseButtonPress, centre, Qt.MouseButton.LeftButton)
    _send(bars, QEvent.Type.MouseButtonRelease, centre, Qt.MouseButton.NoButton)


def draw_digit_on(canvas, digit: int, style: int = 0) -> None:
    for stroke in digit_strokes(digit, style):
        drag(canvas, stroke)


def mirrored(strokes: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """The strokes mirrored left to right (a 9 written backwards)."""
    return [[(1 - x, y) for x, y in stroke] for stroke in strokes]


Template = list[list[tuple[float, float]]]  # strokes in a unit box, x 0-1 left to right, y 0-1 down


def backwards_nine(style: int) -> list[list[tuple[float, float]]]:
    """A 9 written mirrored: the bundled network calls it "not a digit", nearest 9 (8 before 2026-11-25).
    What the teaching tests and the docs' screenshots of teaching correct."""
    return mirrored(digit_strokes(9, style))


def straight(corners: list[tuple[float, float]], per_edge: int = 12) -> list[tuple[float, float]]:
    """A polyline through ``corners`` with points all along its edges (the smoothing keeps them straight)."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        points += [(x0 + (x1 - x0) * t / per_edge, y0 + (y1 - y0) * t / per_edge) for t in range(1, per_edge + 1)]
    return points


# A five-pointed star in one stroke: not a digit.
STAR: Template = [straight([(0.5, 0.0), (0.79, 0.95), (0.02, 0.36), (0.98, 0.36), (0.21, 0.95), (0.5, 0.0)])]


def number_strokes(digits: list[Template], paper: tuple[int, int], height: float = 0.6) -> Template:
    """Digits written side by side across the paper as mouse paths (fractions of the paper's width and height).

    Each digit is ``height`` of the paper high and 0.6 of that wide, the next one starting
    a third of a digit's width after it: the spacing of a neat hand.
    """
    width_px, height_px = paper
    tall = height * height_px
    wide = 0.6 * tall
    step = wide * 1.35
    left = (width_px - (step * (len(digits) - 1) + wide)) / 2
    top = (1 - height) / 2 * height_px
    strokes = []
    for i, template in enumerate(digits):
        for stroke in template:
            pts = catmull_rom(np.array(stroke, dtype=float), per_segment=8) if len(stroke) > 2 else np.array(stroke)
            strokes.append([((left + i * step + x * wide) / width_px, (top + y * tall) / height_px) for x, y in pts])
    return strokes


def digit_template(digit: int, style: int = 0) -> Template:
    return [list(stroke) for stroke in STYLES[digit][style]]


def draw_number_on(canvas, text: str) -> None:
    """Write ``text`` (digits) across the canvas's paper, neatly, stroke by stroke."""
    for stroke in number_strokes([digit_template(int(c)) for c in text], canvas.paper_size()):
        drag(canvas, stroke)


def settle(window, size) -> None:
    """Resize ``window`` and let its layout follow."""
    window.resize(size)
    for _ in range(3):  # layout requests are posted events, and a resize may post more
        QApplication.processEvents()


def wait_for_latest(qtbot, window) -> None:
    """Wait until the views show the result for the newest canvas state (the feature maps,
    which follow at most 30 times a second, included)."""
    qtbot.waitUntil(
        lambda: window.shown_request == window.latest_request and not window.explain.maps_waiting(), timeout=10_000
    )


def open_image_in(qtbot, window, path) -> bool:
    """Open an image file in the window (it loads on the worker thread); True if it opened."""
    with qtbot.waitSignal(window.image_load_finished, timeout=20_000) as blocker:
        window.open_image(path)
    return blocker.args[0]


def load_model_in(qtbot, window, path) -> bool:
    """Load a checkpoint in the window (on the worker thread); True if it loaded."""
    with qtbot.waitSignal(window.model_load_finished, timeout=20_000) as blocker:
        window.load_model(path)
    return blocker.args[0]


def box_text(box) -> str:
    """A message box's title, text and informative text in one string."""
    return f"{box.windowTitle()}: {box.text()} {box.informativeText()}"


def redraw(qtbot, window, strokes) -> None:
    window.canvas.clear()
    for stroke in strokes:
        drag(window.canvas, stroke)
    wait_for_latest(qtbot, window)


def not_a_trusted_nine(prediction) -> bool:
    """How the plain network reads a backwards 9: not as a 9 it trusts (it said 8 until 2026-11-25;
    the network refitted since says "not a digit", nearest 9)."""
    return prediction.digit != 9 or prediction.not_a_digit
