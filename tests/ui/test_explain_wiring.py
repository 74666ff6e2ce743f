"""The explain views wired into the window: the overview opens stages, a feature-map pixel
shows where its value comes from (on the 28x28 view and on the canvas) and how it was
computed, the saliency overlay follows the drawing, and "not a digit" is shown as such."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.explain import receptive_field
from mnist_desk.model import ModelConfig, build_model
from mnist_desk.preprocess import preprocess_with_transform
from mnist_desk.ui.arithmetic_grids import fmt
from mnist_desk.ui.detail_tabs import ARITHMETIC, MAPS, PLAYGROUND
from mnist_desk.ui.main_window import INFERENCE_SIDE, MainWindow
from mnist_desk.ui.paper import RESOLUTION
from ui_helpers import _send, drag, draw_digit_on, load_model_in, wait_for_latest

# --- helpers ---------------------------------------------------------------------------


def strongest_unit(prediction, stage: str) -> tuple[int, int, int]:
    """(channel, row, column) of the stage's largest activation: a unit with something to explain."""
    maps = prediction.activations[stage]
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(maps)), maps.shape))


def expected_paper_rect(window, region) -> tuple[float, float, float, float]:
    """Where ``region`` of the 28x28 input lies on the paper, computed afresh from the canvas."""
    _, transform = preprocess_with_transform(window.canvas.to_array(INFERENCE_SIDE))
    factor = RESOLUTION / INFERENCE_SIDE
    return tuple(v * factor for v in transform.rect_to_source(*region))


def wait_for_arithmetic(qtbot, window, unit) -> object:
    diagram = window.details.arithmetic.diagram

    def arrived() -> bool:
        result = diagram.result()
        return result is not None and (result.stage, result.channel, result.y, result.x) == unit

    qtbot.waitUntil(arrived, timeout=10_000)
    return diagram.result()


def click_detail_pixel(qtbot, window, y: int, x: int) -> None:
    detail = window.feature_maps.detail
    qtbot.mouseClick(detail, Qt.MouseButton.LeftButton, pos=detail.pixel_rect(y, x).center().toPoint())


@pytest.fixture
def seven(qtbot, window):
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    return window.last_prediction


# --- the overview ------------------------------------------------------------------------


def test_the_overview_follows_the_model_and_fills_its_vector_columns(qtbot, window, seven, predictor):
    names = ["input", *(stage.name for stage in window.model.stages), "softmax"]
    assert window.overview.stage_names() == names
    qtbot.waitUntil(lambda: window.overview.has_values("fc1") and window.overview.has_values("flatten"), timeout=10_000)
    assert window.overview.has_values("conv1") and window.overview.has_values("softmax")


def test_clicking_a_stage_opens_it(qtbot, window, seven):
    overview = window.overview

    def click(name: str) -> None:
        rect = overview.column_rect(overview.stage_names().index(name))
        qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())

    click("conv3")  # a conv stage: its feature maps
    assert window.details.currentIndex() == MAPS and window.feature_maps.current_layer() == "conv3"
    click("pool2")
    assert window.details.currentIndex() == MAPS and window.feature_maps.current_layer() == "pool2"
    click("fc1")  # the last stage: the arithmetic of the answer's own unit
    assert window.details.currentIndex() == ARITHMETIC
    result = wait_for_arithmetic(qtbot, window, ("fc1", 7, 0, 0))
    assert result.kind == "fc" and len(result.top_contributions) > 0
    click("softmax")  # the softmax: logits, temperature, exponentials
    assert window.details.currentIndex() == ARITHMETIC
    qtbot.waitUntil(lambda: hasattr(window.details.arithmetic.diagram.result(), "temperature"), timeout=10_000)
    softmax = window.details.arithmetic.diagram.result()
    np.testing.assert_allclose(softmax.probabilities, seven.probabilities, atol=1e-6)
    click("input")  # the input: the kernel playground, fed with the drawing
    assert window.details.currentIndex() == PLAYGROUND
    assert window.details.playground.output() is not None
    assert np.array_equal(window.details.playground._image, seven.input.astype(np.float64))


# --- where a value comes from ------------------------------------------------------------


def test_clicking_a_feature_map_pixel_shows_its_field_and_its_arithmetic(qtbot, window, seven):
    viewer = window.feature_maps
    channel, y, x = strongest_unit(seven, "conv1")
    viewer.select_channel(channel)
    click_detail_pixel(qtbot, window, y, x)
    assert window.details.currentIndex() == ARITHMETIC
    # conv1 is 5x5 with "same" padding: the unit sees the 5x5 pixels around it, clipped to the image.
    field = (max(y - 2, 0), max(x - 2, 0), min(y + 3, 28), min(x + 3, 28))
    assert window.input_view.region() == field
    on_paper = window.canvas.overlay.field()
    np.testing.assert_allclose(on_paper, expected_paper_rect(window, field), atol=1e-6)
    # The field on the canvas covers the ink the unit responds to.
    top, left, bottom, right = (int(round(v)) for v in on_paper)
    assert window.canvas.to_array(RESOLUTION)[top:bottom, left:right].min() < 64
    # The arithmetic ends at the very value the feature map holds, and says so.
    result = wait_for_arithmetic(qtbot, window, ("conv1", channel, y, x))
    assert result.value == pytest.approx(float(seven.activations["conv1"][channel, y, x]), abs=1e-5)
    assert result.activated == pytest.approx(result.value, abs=1e-4)
    shown = fmt(result.value, 3)
    assert viewer.detail_caption.text().endswith(shown)  # the value next to the map
    assert window.details.arithmetic.diagram.chain_lines()[-1].endswith(shown)  # the end of the arithmetic
    assert viewer.detail.region() == (y, x, y + 1, x + 1)  # the unit itself, outlined on the map


@pytest.mark.parametrize("stage", ["pool1", "conv3", "conv4"])
def test_deeper_units_have_the_fields_of_their_layer_stack(qtbot, window, seven, predictor, stage):
    viewer = window.feature_maps
    viewer.set_current_layer(stage)
    channel, y, x = strongest_unit(seven, stage)
    viewer.select_channel(channel)
    click_detail_pixel(qtbot, window, y, x)
    field = receptive_field(predictor.model, stage, y, x)
    assert window.input_view.region() == field
    np.testing.assert_allclose(window.canvas.overlay.field(), expected_paper_rect(window, field), atol=1e-6)
    result = wait_for_arithmetic(qtbot, window, (stage, channel, y, x))
    assert result.value == pytest.approx(float(seven.activations[stage][channel, y, x]), abs=1e-5)


def test_hovering_a_tile_outlines_the_field_until_the_mouse_leaves(qtbot, window, seven, predictor):
    grid = window.feature_maps.grid
    window.feature_maps.set_current_layer("pool1")
    point = grid.unit_point(4, 6, 8)
    channel, y, x = grid.unit_at(point)  # the unit under that point, as the grid sees it
    qtbot.mouseMove(grid, point.toPoint())
    qtbot.waitUntil(lambda: window.input_view.region() is not None)
    assert window.input_view.region() == receptive_field(predictor.model, "pool1", y, x)
    assert window.canvas.overlay.field() is not None
    assert window.details.currentIndex() == MAPS  # hovering opens nothing
    QApplication.sendEvent(grid, QEvent(QEvent.Type.Leave))
    assert window.input_view.region() is None and window.canvas.overlay.field() is None


def test_the_field_follows_the_kernel_as_it_slides(qtbot, window, seven):
    arithmetic = window.details.arithmetic
    window.explain.on_unit_clicked("conv1", 3, 0, 0)
    assert arithmetic.speed() <= 2  # two positions a second by default: a pace a class can follow
    arithmetic.play()
    assert arithmetic.is_playing()
    arithmetic.pause()
    for _ in range(3):
        arithmetic.step()
        _, _, y, x = arithmetic.unit()
        assert window.input_view.region() == (max(y - 2, 0), max(x - 2, 0), min(y + 3, 28), min(x + 3, 28))
    wait_for_arithmetic(qtbot, window, arithmetic.unit())
    window.details.show_maps()  # the open unit's field is shown only while its tab is
    assert window.input_view.region() is None


def test_fields_follow_another_architecture(qtbot, window, tmp_path):
    path = tmp_path / "twoconv.pt"
    save_checkpoint(path, build_model(ModelConfig("twoconv", (8, 16))), {})
    assert load_model_in(qtbot, window, path)
    draw_digit_on(window.canvas, 4)
    wait_for_latest(qtbot, window)
    assert window.overview.stage_names() == ["input", "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "softmax"]
    window.feature_maps.set_current_layer("conv2")
    click_detail_pixel(qtbot, window, 2, 5)
    # twoconv: 5x5 valid conv, 2x2 pool, 5x5 valid conv: conv2's units see 14x14 pixels, 2 apart.
    assert window.input_view.region() == (4, 10, 18, 24)
    result = wait_for_arithmetic(qtbot, window, ("conv2", window.feature_maps.selected_channel(), 2, 5))
    assert result.value == pytest.approx(float(window.last_prediction.activations["conv2"][result.channel, 2, 5]))
    # A flattened element is a copy of one pool2 unit and sees what that unit sees (element 37 of
    # 16 x 4 x 4 is unit (2, 1, 1): 8 x 8 of the 28 x 28 input), where nothing had been outlined.
    window.details.arithmetic.select_unit("flatten", 37)
    wait_for_arithmetic(qtbot, window, ("flatten", 37, 0, 0))
    assert window.input_view.region() == (4, 4, 20, 20)
    window.details.arithmetic.select_unit("fc1", 3)  # a fully connected unit sees everything: no outline
    wait_for_arithmetic(qtbot, window, ("fc1", 3, 0, 0))
    assert window.input_view.region() is None


# --- why this answer ----------------------------------------------------------------------


def saliency_on(qtbot, window, method: str = "gradcam") -> None:
    controls = window.drawing.saliency
    controls.set_method(method)
    with qtbot.waitSignal(window.explain.saliency_shown, timeout=10_000):
        controls.toggle.setChecked(True)


def test_the_legend_says_what_each_method_measures(window):
    # The gradient's map is a sensitivity of either sign, mostly on blank paper; its legend had
    # called it evidence, as Grad-CAM's is (a lecturer's review).
    controls = window.drawing.saliency
    controls.set_method("gradient")
    assert controls.legend.toolTip() == "The score reacts little (yellow) to much (crimson) to the pixel, up or down"
    for method in ("gradcam", "input_x_gradient", "occlusion"):
        controls.set_method(method)
        assert controls.legend.toolTip() == "Weak evidence (yellow) to strong evidence (crimson)"


def test_the_saliency_overlay_toggles_and_updates_after_a_drawing(qtbot, window, seven):
    assert window.input_view.overlay() is None and window.canvas.overlay.saliency() is None
    saliency_on(qtbot, window)
    first = window.input_view.overlay().copy()
    image, rect = window.canvas.overlay.saliency()
    assert image == first
    np.testing.assert_allclose(rect, expected_paper_rect(window, (0, 0, 28, 28)), atol=1e-6)
    # Another stroke: a new answer's map, laid where the new input lies.
    with qtbot.waitSignal(window.explain.saliency_shown, timeout=10_000):
        drag(window.canvas, [(0.3, 0.55), (0.5, 0.55), (0.7, 0.55)])  # a crossed 7
        wait_for_latest(qtbot, window)
    qtbot.waitUntil(lambda: window.input_view.overlay() != first, timeout=10_000)
    # While the hand moves a map may be one result behind; the newest drawing's map follows.
    expected = expected_paper_rect(window, (0, 0, 28, 28))
    qtbot.waitUntil(lambda: np.allclose(window.canvas.overlay.saliency()[1], expected), timeout=10_000)
    # "Why 7 and not 1": another map.
    before = window.input_view.overlay().copy()
    with qtbot.waitSignal(window.explain.saliency_shown, timeout=10_000):
        window.drawing.saliency.set_versus(1)
    assert window.input_view.overlay() != before
    window.drawing.saliency.toggle.setChecked(False)
    assert window.input_view.overlay() is None and window.canvas.overlay.saliency() is None
    window.clear_button.click()
    wait_for_latest(qtbot, window)
    assert window.canvas.overlay.saliency() is None and window.canvas.overlay.field() is None


def test_the_answer_itself_cannot_be_the_digit_b_of_why_a_and_not_b(qtbot, window, seven):
    controls = window.drawing.saliency
    saliency_on(qtbot, window)
    answer = seven.digit
    item = controls.versus_choice.model().item(answer + 1)
    assert not item.isEnabled() and item.text() == f"{answer} (the answer)"
    assert all(controls.versus_choice.model().item(d + 1).isEnabled() for d in range(10) if d != answer)
    plain = window.input_view.overlay().copy()
    # Chosen all the same (or chosen before the answer became it): the map of the answer alone,
    # not the blank map of a score that is 0 everywhere (a review: the overlay just vanished).
    with qtbot.waitSignal(window.explain.saliency_shown, timeout=10_000):
        controls.set_versus(answer)
    assert controls.versus() is None
    assert window.input_view.overlay() == plain
    window.clear_button.click()
    wait_for_latest(qtbot, window)
    assert all(controls.versus_choice.model().item(d + 1).isEnabled() for d in range(10))


def test_occlusion_waits_for_the_pen_to_lift(qtbot, window, seven):
    saliency_on(qtbot, window, "occlusion")
    times = window.explain.saliency_seconds["occlusion"]
    done = len(times)
    canvas, held = window.canvas, Qt.MouseButton.LeftButton
    _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(0.3, 0.55), held)
    for i in range(1, 10):
        _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(0.3 + 0.04 * i, 0.55), held)
        wait_for_latest(qtbot, window)
    qtbot.wait(100)
    assert len(times) == done  # not while the stroke is drawn
    with qtbot.waitSignal(window.explain.saliency_shown, timeout=10_000):
        _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(0.66, 0.55), Qt.MouseButton.NoButton)
    assert len(times) == done + 1


def test_the_feature_maps_follow_a_moving_pen_at_most_30_times_a_second(qtbot, window, seven, predictor, monkeypatch):
    # The bars show every result; the maps, the heaviest view to paint, follow the pen at
    # a film's pace, always end on the newest result, and show anything else at once.
    explain, maps = window.explain, window.feature_maps
    first, second, third = (predictor.predict(np.roll(seven.input, shift, axis=1)) for shift in (1, 2, 3))
    monkeypatch.setattr(window.canvas, "is_drawing", lambda: True)  # the pen is down
    explain.show_prediction(first, None)
    explain.show_prediction(second, None)
    explain.show_prediction(third, None)
    assert maps.prediction() is first and explain.maps_waiting()  # the two that followed are merged
    qtbot.waitUntil(lambda: maps.prediction() is third, timeout=1_000)
    assert not explain.maps_waiting()
    monkeypatch.setattr(window.canvas, "is_drawing", lambda: False)  # the pen is up: at once
    explain.show_prediction(first, None)
    assert maps.prediction() is first and not explain.maps_waiting()


# --- not a digit ------------------------------------------------------------------------


def rejecting_between(predictor, rejected: np.ndarray, accepted: np.ndarray):
    """A copy of ``predictor`` whose reject threshold calls ``rejected`` "not a digit" and not ``accepted``.

    The threshold is searched for rather than computed, so the test holds whatever the
    Predictor compares it with (the top probability, or the logits' log-sum-exp).
    """
    strict = copy.copy(predictor)
    for threshold in np.concatenate([np.linspace(0.0, 1.0, 101), np.linspace(1.0, 60.0, 237)]):
        strict.reject_threshold = float(threshold)
        if strict.predict(rejected).not_a_digit and not strict.predict(accepted).not_a_digit:
            return strict
    pytest.fail("no reject threshold tells the scribble from the 7")


def test_not_a_digit_shows_the_nearest_digit_faint_and_the_bars_not_trusted(qtbot, predictor):
    from ui_helpers import digit_strokes

    scribble = [(0.3, 0.3), (0.7, 0.7), (0.3, 0.7), (0.7, 0.3), (0.5, 0.2), (0.45, 0.8)]
    strict = rejecting_between(predictor, _drawing_of(qtbot, [scribble]), _drawing_of(qtbot, digit_strokes(7)))
    window = MainWindow(strict, lang="en")
    qtbot.addWidget(window)
    window.show()
    try:
        drag(window.canvas, scribble)
        wait_for_latest(qtbot, window)
        assert window.last_prediction.not_a_digit
        nearest = window.last_prediction.digit
        assert window.prediction_label.text() == "Not a digit"
        assert window.confidence_label.text().startswith(f"if it were a digit: {nearest} (")
        assert not window.confidence_label.isEnabled()  # faint
        assert not window.probability_bars.trusted()
        assert window.probability_bars.painted_texts() == ["Not trusted: the network sees no digit here"]
        assert window.probability_bars.probabilities() is not None  # still shown
        # The stamp lies over the bars' tracks only: each digit and its percentage stay readable.
        bars = window.probability_bars
        stamp, tracks = bars.stamp_rect(), bars.bar_column()
        assert tracks.left() <= stamp.left() and stamp.right() <= tracks.right() and stamp.height() < bars.height()
        # A click on the stamp is a question about it, not "this scribble is the digit under it"
        # (a review: it kept the scribble as an example of 4).
        with qtbot.assertNotEmitted(bars.digit_clicked):
            qtbot.mouseClick(bars, Qt.MouseButton.LeftButton, pos=stamp.center().toPoint())
        assert window.teaching.store.count() == 0
        window.clear_button.click()
        draw_digit_on(window.canvas, 7)
        wait_for_latest(qtbot, window)
        assert window.prediction_label.text() == "7" and window.confidence_label.isEnabled()
        assert window.probability_bars.trusted() and window.probability_bars.painted_texts() == []
    finally:
        window.close()


def _drawing_of(qtbot, strokes) -> np.ndarray:
    """The 280 px canvas image of ``strokes``, drawn on a bare canvas."""
    from mnist_desk.ui.canvas import DrawingCanvas

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 400)
    for stroke in strokes:
        drag(canvas, stroke)
    return canvas.to_array(INFERENCE_SIDE)


def test_view_menu_hides_and_shows_the_overview(qtbot, window):
    action = window.menus.actions["showOverview"]
    assert action.isChecked() and window.overview.isVisible()
    tabs_height = window.details.height()
    action.trigger()
    qtbot.waitUntil(lambda: window.details.height() > tabs_height)  # the room goes to the views below
    assert not window.overview.isVisible() and not action.isChecked()
    action.trigger()
    assert window.overview.isVisible()
