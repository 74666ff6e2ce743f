"""mnist-desk --self-test: prove an installation works, without a screen.

Loads the bundled model, classifies the sample drawings bundled for the
purpose (their names say which digit they show), builds the main window on
Qt's offscreen platform, draws a 7 on its canvas with mouse events, and checks
the label; then builds the window in Chinese (the bundled translation loads,
the menus and buttons are translated) and reads a 7 there too. Before the
window, it explains a sample (every saliency method) and adapts the network
to half of the samples as if they were the user's examples (the bundled
replay set loads, the fit runs). Prints one line
per check; exits 0 only if every check passed.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable

import numpy as np

from mnist_desk.resources import resources_dir

# A 7 as mouse paths over the paper (fractions of its side): the bar, then the stem.
SEVEN = [(0.3, 0.25), (0.72, 0.24), (0.45, 0.8)]


def _check(name: str, fn: Callable[[], str]) -> bool:
    started = time.perf_counter()
    try:
        detail = fn()
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure and carries on
        print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        traceback.print_exc(limit=3, file=sys.stdout)
        return False
    print(f"ok    {name}: {detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")
    return True


# What Qt's offscreen platform says whenever a window is shown: true of the platform the
# self-test chose, not of the installation, so it is not printed among the checks.
OFFSCREEN_NOTICES = ("This plugin does not support propagateSizeHints()",)


def _without_offscreen_notices() -> Callable[[], None]:
    """Drop OFFSCREEN_NOTICES from Qt's messages (others still reach stderr); returns the undo."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind, context, message: str) -> None:
        if message not in OFFSCREEN_NOTICES:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    return lambda: qInstallMessageHandler(previous)


def _draw_seven(app, predictor, lang: str) -> str:
    """Build the window in ``lang``, check its texts are in that language, draw a 7, return the label."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from mnist_desk.ui import language
    from mnist_desk.ui.main_window import MainWindow

    # An empty examples folder: the check is of the installation, not of the user's examples.
    examples = tempfile.TemporaryDirectory(prefix="mnist-desk-self-test-")
    window = MainWindow(predictor, lang=lang, examples=examples.name)
    try:
        window.show()
        if language.current() != lang:
            raise AssertionError(f"the {lang} translation did not load ({language.qm_path(lang)})")
        texts = [menu.title() for menu in window.menus.menus.values()] + [window.clear_button.text()]
        chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
        if (lang == "zh_CN") != (len(chinese) == len(texts)):
            raise AssertionError(f"the {lang} window shows {texts}")
        canvas = window.canvas
        held, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

        def send(kind: QEvent.Type, x: float, y: float, buttons: Qt.MouseButton) -> None:
            pos = canvas.widget_point(x, y)
            button = none if kind == QEvent.Type.MouseMove else held
            QApplication.sendEvent(
                canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
            )

        send(QEvent.Type.MouseButtonPress, *SEVEN[0], held)
        for (x0, y0), (x1, y1) in zip(SEVEN, SEVEN[1:], strict=False):
            for i in range(1, 21):
                send(QEvent.Type.MouseMove, x0 + (x1 - x0) * i / 20, y0 + (y1 - y0) * i / 20, held)
        send(QEvent.Type.MouseButtonRelease, *SEVEN[-1], none)
        deadline = time.perf_counter() + 20
        while window.shown_request != window.latest_request and time.perf_counter() < deadline:
            app.processEvents()
        text = window.prediction_label.text()
    finally:
        window.close()
        examples.cleanup()
    if "7" not in text:
        raise AssertionError(f"drew a 7 in the {lang} window, the label says {text!r}")
    return text


def run_self_test() -> int:
    # Always offscreen, whatever the desktop exported (QT_QPA_PLATFORM=xcb with no display
    # aborted the process before any summary): this test is of the window's parts, not the screen.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    state: dict = {}

    def load_model() -> str:
        from mnist_desk.inference import Predictor

        state["predictor"] = Predictor()
        return f"{state['predictor'].describe()} on {state['predictor'].device_name}"

    def classify_samples() -> str:
        from mnist_desk.preprocess import load_image

        samples = sorted((resources_dir() / "selftest").glob("digit_*.png"))
        if len(samples) < 10:
            raise RuntimeError(
                f"expected at least 10 sample images in {resources_dir() / 'selftest'}, found {len(samples)}"
            )
        wrong = []
        state["inputs"] = {}  # (digit, n) of digit_<digit>_<n>.png -> what the network read: for the checks after
        for path in samples:
            expected, n = (int(v) for v in re.match(r"digit_(\d)_(\d+)", path.name).groups())
            prediction = state["predictor"].predict(load_image(path))
            state["inputs"][expected, n] = prediction.input
            if prediction.digit != expected:
                wrong.append(f"{path.name} read as {prediction.digit}")
        if wrong:
            raise AssertionError(", ".join(wrong))
        return f"{len(samples)} sample images all read correctly"

    def explain_a_sample() -> str:
        # "Why this answer?" runs autograd and the occlusion passes: proven in the bundle too.
        from mnist_desk.explain_saliency import METHODS, saliency

        for method in METHODS:
            heat = saliency(state["predictor"], state["inputs"][7, 0], 7, method=method)
            if heat.shape != (28, 28) or not 0 < heat.max() <= 1:
                raise AssertionError(f"{method}: a {heat.shape} map with maximum {heat.max()}")
        return f"why 7: {', '.join(METHODS)} maps made"

    def adapt_to_examples() -> str:
        # Teaching needs the bundled replay set and the augmentation (the executable once
        # shipped without the replay set, and every correction failed): the first sample of
        # each digit as the examples, the second must still read right after adapting.
        from mnist_desk.example_store import LoadedExamples
        from mnist_desk.examples import Adapter

        inputs = state["inputs"]
        digits = sorted({d for d, n in inputs if n == 0})
        examples = LoadedExamples(np.stack([inputs[d, 0] for d in digits]), np.array(digits, dtype=np.int64))
        started = time.perf_counter()
        adapted = Adapter(state["predictor"]).adapt(examples)
        seconds = time.perf_counter() - started
        expected = [d for d in digits if (d, 1) in inputs]
        read = adapted.probabilities(np.stack([inputs[d, 1] for d in expected])).argmax(1)
        if list(read) != expected:
            raise AssertionError(f"after adapting, the other samples read {list(read)}, not {expected}")
        return f"adapted to {len(examples)} examples in {seconds:.1f} s; the other {len(expected)} samples still read right"

    def window_draws() -> str:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        restore = _without_offscreen_notices()
        try:
            english = _draw_seven(app, state["predictor"], "en")
            chinese = _draw_seven(app, state["predictor"], "zh_CN")
        finally:
            restore()
        return f"drew a 7 on the canvas, the window says {english!r} in English and {chinese!r} in Chinese"

    checks = [
        ("load the bundled model", load_model),
        ("classify bundled samples", classify_samples),
        ("explain a sample", explain_a_sample),
        ("adapt to examples", adapt_to_examples),
        ("window: draw and read, English and Chinese", window_draws),
    ]
    passed = 0
    for name, fn in checks:
        if not _check(name, fn):
            break  # later checks need the earlier ones
        passed += 1
    ok = passed == len(checks)
    print(f"self-test {'passed' if ok else 'FAILED'}: {passed} of {len(checks)} checks")
    return 0 if ok else 1
