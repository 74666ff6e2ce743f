"""Every size the window allows lays out cleanly, in English and in Chinese.

At the window's own minimum size (and the default, and the minimum width or
height alone), for every layer's captions: no widget is squeezed below the
size it needs, no text is cut off, no two widgets overlap, the brush slider
is a slider and not a stub.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitterHandle,
    QWidget,
)

from mnist_desk.ui.drawing_panel import MIN_SLIDER_WIDTH
from mnist_desk.ui.image_tiles import PixelView
from mnist_desk.ui.main_window import MainWindow
from ui_helpers import STAR, digit_template, drag, draw_digit_on, number_strokes, settle, wait_for_latest

IGNORED = QSizePolicy.Policy.Ignored


def scrolls(widget: QWidget) -> bool:
    """True for the content of a scroll area: larger than its viewport is what scrolling is for."""
    area = widget.parentWidget().parentWidget() if widget.parentWidget() is not None else None
    return isinstance(area, QScrollArea) and area.widget() is widget


def layout_problems(window: MainWindow) -> list[str]:
    problems = []
    widgets = [w for w in window.centralWidget().findChildren(QWidget) if w.isVisible()]
    widgets += [w for w in window.statusBar().findChildren(QLabel) if w.isVisible()]
    for w in widgets:
        name = f"{type(w).__name__} {w.objectName()!r}"
        hint, policy = w.minimumSizeHint(), w.sizePolicy()
        if hint.isValid() and policy.horizontalPolicy() != IGNORED and w.width() < hint.width():
            problems.append(f"{name} is {w.width()} px wide, needs {hint.width()}")
        # A word-wrapped label may be shorter than its hint when it is wider: checked below by its text.
        # So may any widget whose height follows its width (FieldRows): checked at the width it has.
        wraps = isinstance(w, QLabel) and w.wordWrap()
        follows = not isinstance(w, QLabel) and w.hasHeightForWidth() and w.layout() is None
        needed_height = w.heightForWidth(w.width()) if follows else hint.height()
        checked = follows or (hint.isValid() and policy.verticalPolicy() != IGNORED and not wraps)
        if checked and w.height() < needed_height:
            problems.append(f"{name} is {w.height()} px high, needs {needed_height}")
        if isinstance(w, QLabel) and w.text() and not w.text().startswith("<"):
            room = w.contentsRect()
            if w.wordWrap():
                needed = w.heightForWidth(room.width())
                if needed > room.height():
                    problems.append(f"{name} {w.text()!r} needs {needed} px of height, has {room.height()}")
            else:
                needed = w.fontMetrics().horizontalAdvance(w.text())
                if needed > room.width():
                    problems.append(f"{name} {w.text()!r} needs {needed} px of width, has {room.width()}")
        if isinstance(w, QAbstractButton) and w.text() and w.width() < w.sizeHint().width():
            problems.append(f"{name} {w.text()!r} is cut: {w.width()} px < {w.sizeHint().width()}")
        if not w.isWindow() and not scrolls(w) and not w.parentWidget().rect().contains(w.geometry()):
            problems.append(
                f"{name} at {w.geometry().getRect()} spills out of its parent {w.parentWidget().size().toTuple()}"
            )
        if isinstance(w, PixelView) and not w.placeholder_fits():
            problems.append(f"{name}: its text {w.painted_texts()} does not fit {w.size().toTuple()}")
    for parent in {w.parentWidget() for w in widgets}:
        siblings = [
            w for w in widgets if w.parentWidget() is parent and not w.isWindow() and not isinstance(w, QSplitterHandle)
        ]
        for a, b in itertools.combinations(siblings, 2):
            overlap: QRect = a.geometry().intersected(b.geometry())
            if overlap.width() > 0 and overlap.height() > 0:
                problems.append(f"{a.objectName() or type(a).__name__} overlaps {b.objectName() or type(b).__name__}")
    if window.brush_slider.width() < MIN_SLIDER_WIDTH:
        problems.append(f"the brush slider is a stub: {window.brush_slider.width()} px")
    return problems


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_size_the_window_allows_lays_out_cleanly(qtbot, predictor, lang, dialogs_shown):
    window = MainWindow(predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    default = window.size()
    try:
        problems = [f"empty canvas: {p}" for p in layout_problems(window)]
        draw_digit_on(window.canvas, 4)
        wait_for_latest(qtbot, window)
        window.drawing.saliency.toggle.setChecked(True)  # its choices enabled: their full size

        def open_unit(stage: str) -> None:
            window.explain.on_unit_clicked(stage, 0, 3, 3)
            qtbot.waitUntil(lambda: window.details.arithmetic.diagram.result() is not None, timeout=10_000)

        def playground_same_stride_2() -> None:  # its longest formula (in English it spilled out)
            window.details.playground.set_padding("same")
            window.details.playground.stride_choice.setValue(2)

        # Every layer's feature maps, then the other tabs: a unit's arithmetic, the softmax, the playground.
        views = [
            (layer, lambda layer=layer: window.feature_maps.set_current_layer(layer))
            for layer in window.feature_maps.layers()
        ]
        views += [
            ("conv1 arithmetic", lambda: open_unit("conv1")),
            ("pool2 arithmetic", lambda: open_unit("pool2")),
            ("softmax", lambda: window.explain.on_overview_stage_clicked("softmax")),
            ("playground", window.details.show_playground),
            ("playground, same padding, stride 2", playground_same_stride_2),
        ]

        def forget() -> None:  # the status bar with its Undo button
            window.teaching.store.add(np.full((28, 28), 255, np.uint8), 1)
            window.menus.actions["forgetExamples"].trigger()
            assert window.teaching.undo_button.isVisible()

        def number() -> None:  # the wide canvas, each digit's bars under it, "not a number"
            window.details.show_maps()
            window.menus.actions["numberMode"].trigger()
            for stroke in number_strokes([digit_template(2), STAR, digit_template(2)], window.canvas.paper_size()):
                drag(window.canvas, stroke)
            wait_for_latest(qtbot, window)
            assert window.drawing.digit_strip.isVisible() and len(window.drawing.digit_strip.digits()) == 3

        views += [("after forgetting", forget), ("number mode", number)]
        for layer, show in views:
            show()
            settle(window, QSize(1, 1))  # the window's own minimum, whatever it is now
            minimum = window.size()
            assert minimum.width() < default.width() and minimum.height() < default.height()
            sizes = [
                minimum,
                default,
                QSize(minimum.width(), default.height()),
                QSize(default.width(), minimum.height()),
            ]
            for size in sizes:
                settle(window, size)
                problems += [f"{layer} at {size.toTuple()}: {p}" for p in layout_problems(window)]
            # The tabs that may scroll in a small window need none at the default size.
            settle(window, default)
            page = window.details.currentWidget()
            if isinstance(page, QScrollArea) and not page.viewport().rect().contains(page.widget().geometry()):
                problems.append(f"{layer} needs scrolling at the default size: {page.widget().size().toTuple()}")
        assert not problems, "\n".join(problems)
    finally:
        window.close()


def test_the_check_finds_a_squeezed_window(qtbot, predictor):
    # The same check fails when the window is forced below its minimum: it can fail.
    window = MainWindow(predictor, lang="en")
    qtbot.addWidget(window)
    window.show()
    window.setMinimumSize(QSize(300, 200))
    window.centralWidget().widget().setMinimumSize(QSize(1, 1))  # what the window scrolls, squeezed
    window.resize(QSize(600, 300))
    QApplication.processEvents()
    try:
        assert layout_problems(window)
    finally:
        window.close()


def geometries(window: MainWindow) -> dict[str, tuple[int, int, int, int]]:
    """Where every visible widget of the window is, by name: what must not move while drawing."""
    widgets = [w for w in window.findChildren(QWidget) if w.isVisible() and w.objectName()]
    return {w.objectName(): w.geometry().getRect() for w in widgets}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("numbers", [False, True])
def test_the_layout_stays_put_whatever_the_answer(qtbot, predictor, lang, numbers):
    # While the user writes, the answer changes with every mouse move: "7", "Not a digit",
    # "Not a number", a long number, a dot, nothing. A column that followed its texts'
    # widths and line counts jumped with them, the canvas shrank and grew under the pen,
    # and the whole window was laid out and repainted again with every result.
    import dataclasses

    from mnist_desk.reading import DigitReading, NumberReading
    from mnist_desk.ui.number_reading import NumberResult

    window = MainWindow(predictor=predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    if numbers:
        window.menus.actions["numberMode"].trigger()
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    settle(window, window.size())
    sure = window.last_prediction
    shown = [
        sure,
        dataclasses.replace(sure, not_a_digit=True),
        dataclasses.replace(sure, probabilities=np.full(10, 0.1)),
    ]
    before = geometries(window)
    results = window.results
    for prediction in shown:
        if numbers:
            for count, flag in ((1, False), (8, False), (3, True), (5, False)):
                digits = [
                    DigitReading(
                        (10 * i, 0, 10 * i + 8, 20), prediction.probabilities, flag and i == 1, prediction.input
                    )
                    for i in range(count)
                ]
                results.show_number(NumberResult(NumberReading(digits), (), count - 1, prediction, None, 0.0, True))
                settle(window, window.size())
                assert geometries(window) == before, results.prediction_label.text()
        else:
            results.show_prediction(prediction)
            settle(window, window.size())
            assert geometries(window) == before, results.prediction_label.text()
        for why in ("dot", "marks", "no ink"):  # nothing read, and why
            if numbers:
                results.show_number(None, why=why)
            else:
                results.show_prediction(None, why=why)
            settle(window, window.size())
            assert geometries(window) == before, results.confidence_label.text()
        label = results.prediction_label
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()


def test_the_start_size_fits_the_screen():
    from mnist_desk.ui.window_size import DEFAULT_SIZE, FRAME_ALLOWANCE, start_size

    assert start_size(QSize(1920, 1040)) == DEFAULT_SIZE
    # A 1280x720 projector (or 1080p at 150 %): the window opened 40 px below the screen's bottom.
    projector = start_size(QSize(1280, 720))
    assert projector.height() <= 720 - FRAME_ALLOWANCE.height() and projector.width() <= 1280
    assert start_size(QSize(960, 540)) == QSize(960, 540) - FRAME_ALLOWANCE


def test_on_a_screen_smaller_than_the_window_every_part_can_be_scrolled_to(qtbot, predictor):
    # 1080p at 200 % is 960x540 logical pixels; the window's least size is about 1100x670, and
    # the tools, "Why", two tabs and the 28x28 view lay off the screen where nothing could reach.
    window = MainWindow(predictor, lang="en")
    qtbot.addWidget(window)
    window.show()
    try:
        settle(window, QSize(944, 500))
        assert window.size() == QSize(944, 500)  # the window itself no longer refuses to shrink
        area = window.centralWidget()
        assert isinstance(area, QScrollArea)
        for part in (window.clear_button, window.drawing.saliency.toggle, window.details.tabBar(), window.input_view):
            area.ensureWidgetVisible(part, 0, 0)
            QApplication.processEvents()
            corner = part.mapTo(area.viewport(), part.rect().bottomRight())
            assert area.viewport().rect().contains(corner), type(part).__name__
        # At the default size nothing scrolls.
        settle(window, QSize(1280, 760))
        assert not area.horizontalScrollBar().isVisible() and not area.verticalScrollBar().isVisible()
    finally:
        window.close()
