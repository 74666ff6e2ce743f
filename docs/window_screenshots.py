"""Screenshots of the real window, drawn on with real X mouse events.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/window_screenshots.py --out /tmp/shots
    ... docs/window_screenshots.py --only teach,number   # some of them

Needs Xvfb, xdotool and ImageMagick's ``import`` (Debian: xvfb, xdotool,
imagemagick; fonts-noto-cjk for the Chinese window). Each shot is the window as
the X server shows it (tooltips and all), after drawing with ``xdotool`` (the
mouse really moves over the canvas, so Qt gets what a hand would give it) and
pointing at a feature-map pixel the same way. Shots, for a 7, a 4 and a
scribble, in English and Chinese:

- ``maps``: the feature-map tab, a conv1 pixel pointed at (its receptive field
  on the 28x28 view and the canvas), "Why this answer?" on;
- ``arithmetic``: the same unit clicked: how its value is computed;
- ``why``: the saliency overlay for "why A and not B";
- ``playground``: a classic kernel on the drawing;
- ``reject``: the scribble as "not a digit" (the bundled model's own reject
  threshold when it rejects the scribble and not a clear 7, as the model shipped
  since 649e37c does; otherwise a threshold chosen here that does).

Plus ``main``: the seven just drawn, nothing pointed at (docs/screenshot.png
from main-seven-en, screenshot-zh.png from main-seven-zh), and the seven's
arithmetic in a full-HD window. Looked at one by one; kept in docs/ are
explain-field-seven.png (maps-seven-en), explain-arithmetic-seven-fullhd.png,
explain-arithmetic-four-zh.png, explain-why-four.png (why-four-en),
explain-playground-seven-zh.png and explain-not-a-digit-scribble-zh.png
(reject-scribble-zh); the README shows the field, the four's arithmetic, the
why-four and the playground.

``teach`` (the correction flow, examples in a fresh temporary folder): a 9
written backwards, which the network calls "not a digit" ("if it were a digit: 9"; 8 before 2026-11-25), the
pointer on the 9's bar (``teach-before``); the 9's bar clicked for it and for
a second one; then a third backwards 9, read as 9 by the adapted network, and
most like one of the two examples (``teach-after``). ``number`` (number mode, switched on with the tool row's button): "2026"
written across the wide canvas, its second digit's tag clicked (``number-2026``),
2, a star, 2, 6 (``number-not-a-number``), and 3.14 with the point a click of the pen
(``number-dot``). Each in English and Chinese; the ones kept are docs/teach-before.png
(teach-before-en), teach-after.png (teach-after-en), teach-after-zh.png, number-2026.png
(number-2026-en), number-not-a-number-zh.png and number-dot.png (number-dot-en).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SCRIBBLE = [[(0.3, 0.3), (0.7, 0.7), (0.3, 0.7), (0.7, 0.3), (0.5, 0.2), (0.45, 0.8)]]


def settle(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def xdotool(app: QApplication, *args: str) -> None:
    """Run xdotool while the event loop keeps handling what it does (the moves are not merged)."""
    process = subprocess.Popen(["xdotool", *args])
    while process.poll() is None:
        app.processEvents()
        time.sleep(0.002)


def dense(stroke: list[tuple[float, float]], step: float = 0.015) -> list[tuple[float, float]]:
    """The stroke with a point every ``step`` of the paper, as a mouse reports a moving hand
    (a busy event loop merges queued moves: far-apart points would lose their corners)."""
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
        n = max(1, int(np.hypot(x1 - x0, y1 - y0) / step))
        points += [(x0 + (x1 - x0) * t / n, y0 + (y1 - y0) * t / n) for t in range(1, n + 1)]
    return points


def draw(app: QApplication, canvas, strokes: list[list[tuple[float, float]]]) -> None:
    """Draw ``strokes`` (fractions of the paper) with the X pointer, one press per stroke."""
    for stroke in strokes:
        points = [canvas.mapToGlobal(canvas.widget_point(x, y).toPoint()) for x, y in dense(stroke)]
        args = ["mousemove", str(points[0].x()), str(points[0].y()), "mousedown", "1"]
        for p in points[1:]:
            args += ["sleep", "0.012", "mousemove", str(p.x()), str(p.y())]
        xdotool(app, *args, "mouseup", "1")
        settle(app, 0.2)


def point_at(app: QApplication, widget, point, click: bool = False) -> None:
    target = widget.mapToGlobal(point.toPoint())
    xdotool(app, "mousemove", str(target.x()), str(target.y()), *(["click", "1"] if click else []))
    settle(app, 0.15)  # shot before the tooltip (0.7 s) covers the maps


def shoot(app: QApplication, window, path: Path, wait: float = 0.4) -> None:
    settle(app, wait)
    geometry = window.frameGeometry()
    crop = f"{geometry.width()}x{geometry.height()}+{geometry.x()}+{geometry.y()}"
    subprocess.run(["import", "-window", "root", "-crop", crop, "+repage", str(path)], check=True)
    print(path)


def strongest(prediction, stage: str) -> tuple[int, int, int]:
    maps = prediction.activations[stage]
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(maps)), maps.shape))


def rejecting(predictor, app: QApplication):
    """The predictor if it rejects the scribble but not a clear 7, else a copy with a threshold that does."""
    from mnist_desk.ui.canvas import DrawingCanvas
    from ui_helpers import digit_strokes, drag

    def drawing(strokes) -> np.ndarray:
        canvas = DrawingCanvas()
        canvas.resize(400, 400)
        for stroke in strokes:
            drag(canvas, stroke)
        return canvas.to_array(280)

    scribble, seven = drawing(SCRIBBLE), drawing(digit_strokes(7))
    if predictor.predict(scribble).not_a_digit and not predictor.predict(seven).not_a_digit:
        return predictor
    strict = copy.copy(predictor)
    for threshold in np.concatenate([np.linspace(0.0, 1.0, 101), np.linspace(1.0, 60.0, 237)]):
        strict.reject_threshold = float(threshold)
        if strict.predict(scribble).not_a_digit and not strict.predict(seven).not_a_digit:
            return strict
    raise SystemExit("no threshold tells the scribble from the 7")


def session(
    app: QApplication, predictor, lang: str, name: str, strokes, out: Path, shots: set[str], large: bool = False
) -> None:
    from mnist_desk.ui.main_window import MainWindow

    window = MainWindow(predictor, lang=lang)
    window.move(0, 0)
    if large:  # a maximised window on a full-HD projector
        window.resize(1920, 1080 - 30)
    window.show()
    settle(app, 1.5)
    draw(app, window.canvas, strokes)
    settle(app, 0.5)
    prediction = window.last_prediction
    controls = window.drawing.saliency
    suffix = f"{name}-{'zh' if lang == 'zh_CN' else 'en'}{'-large' if large else ''}"
    if "main" in shots:
        point_at(app, window.canvas, window.canvas.widget_point(0.5, 1.2))  # the pointer off the canvas
        shoot(app, window, out / f"main-{suffix}.png")
    if "maps" in shots or "arithmetic" in shots:
        channel, y, x = strongest(prediction, "conv1")
        window.feature_maps.select_channel(channel)
        settle(app, 0.3)
        detail = window.feature_maps.detail
        point_at(app, detail, detail.pixel_rect(y, x).center())
        if "maps" in shots:
            shoot(app, window, out / f"maps-{suffix}.png", wait=0.1)
        if "arithmetic" in shots:
            point_at(app, detail, detail.pixel_rect(y, x).center(), click=True)
            settle(app, 0.5)
            point_at(app, window.canvas, window.canvas.widget_point(0.5, 0.02))  # off the maps
            shoot(app, window, out / f"arithmetic-{suffix}.png")
    if "why" in shots:
        controls.toggle.setChecked(True)
        controls.set_versus(9 if prediction.digit != 9 else 4)
        window.explain.on_overview_stage_clicked("softmax")
        settle(app, 0.8)
        shoot(app, window, out / f"why-{suffix}.png")
    controls.toggle.setChecked(False)
    if "playground" in shots:
        window.explain.on_overview_stage_clicked("input")
        window.details.playground.select_kernel("sobel_y")
        settle(app, 0.5)
        shoot(app, window, out / f"playground-{suffix}.png")
    if "reject" in shots:
        window.feature_maps.set_current_layer("conv3")
        window.details.show_maps()
        settle(app, 0.5)
        shoot(app, window, out / f"reject-{suffix}.png")
    window.close()
    settle(app, 0.3)


def click_bar(app: QApplication, window, digit: int) -> None:
    """Click ``digit``'s bar with the X pointer: "it is this digit"."""
    bars = window.probability_bars
    point_at(app, bars, bars.row_rect(digit).center(), click=True)


def open_window(app: QApplication, predictor, lang: str, size: tuple[int, int] | None = None):
    from mnist_desk.ui.main_window import MainWindow

    window = MainWindow(predictor, lang=lang)
    window.move(0, 0)
    if size is not None:
        window.resize(*size)
    window.show()
    settle(app, 1.5)
    return window


@contextlib.contextmanager
def fresh_examples():
    """An empty example folder for one session, removed after it (the one before is restored)."""
    before = os.environ.get("MNIST_DESK_EXAMPLES")
    with tempfile.TemporaryDirectory(prefix="shots-examples-") as folder:
        os.environ["MNIST_DESK_EXAMPLES"] = folder
        try:
            yield
        finally:
            if before is None:
                del os.environ["MNIST_DESK_EXAMPLES"]
            else:
                os.environ["MNIST_DESK_EXAMPLES"] = before


def teach_session(app: QApplication, predictor, lang: str, out: Path) -> None:
    """The correction flow: a backwards 9 misread, taught twice, then read; then "42"."""
    from ui_helpers import backwards_nine

    suffix = "zh" if lang == "zh_CN" else "en"
    window = open_window(app, predictor, lang)
    for style in (0, 1):
        window.canvas.clear()
        draw(app, window.canvas, backwards_nine(style))
        settle(app, 0.5)
        if style == 0:  # the pointer on the right bar, about to click it
            bars = window.probability_bars
            point_at(app, bars, bars.row_rect(9).center())
            shoot(app, window, out / f"teach-before-{suffix}.png", wait=0.1)
        click_bar(app, window, 9)
        settle(app, 0.3)
    deadline = time.perf_counter() + 60
    while (window.teaching.adapting or window.teaching.in_use < 2) and time.perf_counter() < deadline:
        settle(app, 0.1)
    window.canvas.clear()
    draw(app, window.canvas, backwards_nine(2))
    point_at(app, window.canvas, window.canvas.widget_point(0.5, 0.02))
    shoot(app, window, out / f"teach-after-{suffix}.png", wait=0.8)
    print(f"adapted in {window.teaching.seconds} s")
    # Several digits with examples in use: the suggestion takes the example's place.
    from ui_helpers import digit_template, number_strokes

    window.canvas.clear()
    draw(app, window.canvas, number_strokes([digit_template(int(c)) for c in "42"], window.canvas.paper_size()))
    point_at(app, window.canvas, window.canvas.widget_point(0.5, 0.02))
    shoot(app, window, out / f"teach-suggested-{suffix}.png", wait=0.8)
    window.close()
    settle(app, 0.3)


def written_with_a_point(digits: str, paper: tuple[int, int]) -> list[list[tuple[float, float]]]:
    """``digits`` written neatly, with a click of the pen on the line after the first: "3.14"."""
    from ui_helpers import digit_template, number_strokes

    strokes = number_strokes([digit_template(int(c)) for c in digits], paper)
    first = len(digit_template(int(digits[0])))
    right = max(x for stroke in strokes[:first] for x, _ in stroke)
    left = min(x for stroke in strokes[first:] for x, _ in stroke)
    bottom = max(y for stroke in strokes[:first] for _, y in stroke)
    return [*strokes[:first], [((right + left) / 2, bottom)], *strokes[first:]]


def number_session(app: QApplication, predictor, lang: str, out: Path) -> None:
    """On the square canvas "42" (number mode suggested), then number mode (the "42" comes along): 2026 with a digit
    clicked, then 2, a star, 2, 6, then 3.14."""
    from ui_helpers import STAR, digit_template, number_strokes

    suffix = "zh" if lang == "zh_CN" else "en"
    # A number needs room: the window maximised on a full-HD screen, as in a classroom.
    window = open_window(app, predictor, lang, (1920, 1080 - 30))
    square = window.canvas
    draw(app, square, number_strokes([digit_template(int(c)) for c in "42"], square.paper_size()))
    point_at(app, square, square.widget_point(0.5, 0.97))
    shoot(app, window, out / f"number-suggested-{suffix}.png", wait=0.8)
    button = window.drawing.number_button  # the tool row's switch (Ctrl+N needs the keyboard focus)
    point_at(app, button, QPointF(button.rect().center()), click=True)
    settle(app, 0.8)
    canvas = window.canvas
    shoot(app, window, out / f"number-carried-{suffix}.png", wait=0.8)  # the "42" came along
    canvas.clear()
    settle(app, 0.3)
    draw(app, canvas, number_strokes([digit_template(int(c)) for c in "2026"], canvas.paper_size()))
    settle(app, 0.5)
    tag = canvas.overlay.tag_rects(canvas.paper_rect())[1]
    point_at(app, canvas, tag.center(), click=True)
    point_at(app, canvas, canvas.widget_point(0.5, 0.97))
    shoot(app, window, out / f"number-2026-{suffix}.png", wait=0.8)
    window.canvas.clear()
    settle(app, 0.3)
    draw(
        app, canvas, number_strokes([digit_template(int(c)) if c != "*" else STAR for c in "2*26"], canvas.paper_size())
    )
    point_at(app, canvas, canvas.widget_point(0.5, 0.97))
    shoot(app, window, out / f"number-not-a-number-{suffix}.png", wait=0.8)
    window.canvas.clear()
    settle(app, 0.3)
    draw(app, canvas, written_with_a_point("314", canvas.paper_size()))
    point_at(app, canvas, canvas.widget_point(0.5, 0.97))
    shoot(app, window, out / f"number-dot-{suffix}.png", wait=0.8)
    window.close()
    settle(app, 0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/mnist-desk-shots"), help="folder for the PNGs")
    parser.add_argument("--only", default="explain,teach,number", help="which shots: explain, teach, number (all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    app = QApplication([])
    from mnist_desk.inference import Predictor
    from ui_helpers import digit_strokes

    predictor = Predictor()
    # The user's examples never come into these shots (the teaching ones use a fresh folder).
    examples = tempfile.TemporaryDirectory(prefix="shots-examples-")  # removed when the session ends
    os.environ["MNIST_DESK_EXAMPLES"] = examples.name
    if "explain" in only:
        session(app, predictor, "en", "seven", digit_strokes(7), args.out, {"arithmetic"}, large=True)
    for lang in ("en", "zh_CN"):
        if "explain" in only:
            shots = {"maps", "arithmetic", "why", "playground"}
            session(app, predictor, lang, "seven", digit_strokes(7), args.out, shots | {"main"})
            session(app, predictor, lang, "four", digit_strokes(4, 2), args.out, shots)
            session(app, rejecting(predictor, app), lang, "scribble", SCRIBBLE, args.out, {"maps", "why", "reject"})
        if "teach" in only:
            with fresh_examples():
                teach_session(app, predictor, lang, args.out)
        if "number" in only:
            with fresh_examples():
                number_session(app, predictor, lang, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
