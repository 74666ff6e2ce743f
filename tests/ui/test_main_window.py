import re

import numpy as np
import pytest
from PIL import Image

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.colormap import diverging
from mnist_desk.inference import Prediction
from mnist_desk.model import ModelConfig, build_model
from mnist_desk.preprocess import preprocess
from mnist_desk.ui.feature_maps import kernel_mosaic
from mnist_desk.ui.main_window import INFERENCE_SIDE, MainWindow
from ui_helpers import box_text, drag, draw_digit_on, load_model_in, open_image_in, wait_for_latest

OBJECT_NAMES = ["canvas", "probabilityBars", "predictionLabel", "inputView", "featureMaps", "clearButton"]


def shown_digit(window) -> int | None:
    digits = re.findall(r"\d", window.prediction_label.text())
    return int(digits[0]) if digits else None


def test_the_stable_object_names_exist(window):
    from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

    for name in OBJECT_NAMES:
        assert window.findChild(QWidget, name) is not None, name
    assert isinstance(window.findChild(QWidget, "clearButton"), QAbstractButton)
    assert isinstance(window.findChild(QWidget, "predictionLabel"), QLabel)


def test_an_empty_canvas_shows_no_prediction(window):
    assert shown_digit(window) is None
    assert window.probability_bars.probabilities() is None
    assert window.input_view.image() is None


def test_a_dot_says_it_is_too_small_to_read_then_a_digit_is_read(qtbot, window):
    window.canvas.set_brush_size(1)  # the thinnest pen: one click is a speck
    drag(window.canvas, [(0.5, 0.5), (0.5, 0.5)])
    wait_for_latest(qtbot, window)
    assert shown_digit(window) is None
    assert "too small" in window.confidence_label.text().lower()
    assert window.probability_bars.probabilities() is None
    window.canvas.set_brush_size(20)
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == 7
    assert "too small" not in window.confidence_label.text().lower()


# Clear, common shapes of each digit, drawn with the mouse: the app must read them all.
@pytest.mark.parametrize(
    ("digit", "style"),
    [(0, 0), (1, 0), (1, 1), (2, 0), (3, 0), (4, 0), (4, 2), (5, 0), (6, 0), (7, 0), (7, 1), (8, 0), (9, 0)],
)
def test_drawing_a_digit_shows_it(qtbot, window, digit, style):
    draw_digit_on(window.canvas, digit, style)
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == digit, window.probability_bars.texts()
    probs = window.probability_bars.probabilities()
    assert int(np.argmax(probs)) == digit
    # "> 99.9 %" is at least 99.95 %: the shown numbers still add up to 100.
    shown = [
        float(t.removeprefix("> ").rstrip(" %")) + 0.05 * t.startswith(">") for t in window.probability_bars.texts()
    ]
    assert sum(shown) == pytest.approx(100, abs=0.5)
    assert window.input_view.image().width() == 28


def test_bars_update_while_the_stroke_is_still_being_drawn(qtbot, window):
    from PySide6.QtCore import QEvent, Qt

    from ui_helpers import _send

    canvas = window.canvas
    held = Qt.MouseButton.LeftButton
    _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(0.3, 0.25), held)
    for i in range(1, 20):
        _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(0.3 + 0.02 * i, 0.25), held)
    wait_for_latest(qtbot, window)  # the button is still down
    assert window.probability_bars.probabilities() is not None
    _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(0.68, 0.25), Qt.MouseButton.NoButton)


def test_clear_undo_redo_drive_the_views(qtbot, window):
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == 7 and window.feature_maps.legend.value_range() is not None
    window.clear_button.click()
    wait_for_latest(qtbot, window)
    assert shown_digit(window) is None and window.probability_bars.probabilities() is None
    assert window.feature_maps.legend.value_range() is None  # no numbers left beside an empty canvas
    window.undo_action.trigger()  # clearing is a step of the history: undo brings the 7 back
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == 7
    window.clear_button.click()
    draw_digit_on(window.canvas, 1)
    wait_for_latest(qtbot, window)
    window.undo_action.trigger()
    wait_for_latest(qtbot, window)
    assert shown_digit(window) is None
    window.redo_action.trigger()
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == 1


def test_feature_maps_follow_the_layers_and_channels(qtbot, window, predictor):
    draw_digit_on(window.canvas, 3)
    wait_for_latest(qtbot, window)
    viewer = window.feature_maps
    assert viewer.layers() == predictor.feature_stages
    for layer in viewer.layers():
        viewer.set_current_layer(layer)
        assert viewer.tile_count() == window.last_prediction.activations[layer].shape[0]
    viewer.set_current_layer("conv1")
    viewer.select_channel(5)
    assert viewer.selected_channel() == 5
    assert "channel 5" in viewer.detail_caption.text()
    assert viewer.kernel_view.image().width() == predictor.kernels("conv1").shape[-1]


def test_the_kernel_picture_is_made_once_per_channel_not_per_result(qtbot, window, predictor):
    # The kernel does not change while the user draws: remaking its picture with every
    # result only cost the GUI thread time. Another channel, layer or language remakes it.
    viewer = window.feature_maps
    viewer.set_current_layer("conv1")
    viewer.select_channel(2)
    draw_digit_on(window.canvas, 3)
    wait_for_latest(qtbot, window)
    picture, caption = viewer.kernel_view.image(), viewer.kernel_caption.text()
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    assert viewer.kernel_view.image() is picture
    viewer.select_channel(4)
    assert viewer.kernel_view.image() is not picture
    assert viewer.kernel_caption.text() != caption
    kernel = predictor.kernels("conv1")[4, 0]
    limit = float(np.abs(predictor.kernels("conv1")[4]).max())
    assert viewer.kernel_view.image().pixelColor(0, 0).getRgb()[:3] == tuple(diverging(kernel, limit)[0, 0])
    viewer.set_current_layer("pool1")
    assert viewer.kernel_view.image() is None


def test_the_kernels_show_before_anything_is_drawn(window, predictor):
    # They are learned weights, not a result: a blank box on an empty canvas hid them (a review).
    viewer = window.feature_maps
    viewer.set_current_layer("conv2")
    viewer.select_channel(3)
    assert window.canvas.is_blank() and viewer.tile_count() == 0
    image = viewer.kernel_view.image()
    assert image is not None and image.height() == kernel_mosaic(predictor.kernels("conv2")[3]).shape[0]
    assert "3" in viewer.kernel_caption.text()
    # Its range stays on one line however the caption wraps: "(−0.15 … / +0.15)" read as two values.
    assert "\u00a0…\u00a0" in viewer.kernel_caption.text() and " … " not in viewer.kernel_caption.text()
    window.clear_button.click()
    assert viewer.kernel_view.image() is not None


def test_clicking_a_tile_selects_it(qtbot, window):
    from PySide6.QtCore import Qt

    draw_digit_on(window.canvas, 2)
    wait_for_latest(qtbot, window)
    grid = window.feature_maps.grid
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(3).center().toPoint())
    assert window.feature_maps.selected_channel() == 3


def test_open_model_switches_architecture_and_a_bad_one_keeps_the_current(qtbot, window, tmp_path, dialogs_shown):
    path = tmp_path / "twoconv.pt"
    save_checkpoint(path, build_model(ModelConfig("twoconv", (8, 16))), {"test_accuracy": 0.5})
    draw_digit_on(window.canvas, 4)
    assert load_model_in(qtbot, window, path)
    wait_for_latest(qtbot, window)
    viewer = window.feature_maps
    assert viewer.layers() == ["conv1", "pool1", "conv2", "pool2"]
    expected_tiles = {"conv1": 8, "pool1": 8, "conv2": 16, "pool2": 16}
    for layer, tiles in expected_tiles.items():
        viewer.set_current_layer(layer)
        assert viewer.tile_count() == tiles
    assert "twoconv" in window.model_status.text()
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    assert not load_model_in(qtbot, window, bad)
    assert dialogs_shown and "bad.pt" in box_text(dialogs_shown[-1])
    assert "not an mnist-desk model checkpoint" in box_text(dialogs_shown[-1])
    assert "twoconv" in window.model_status.text() and not window.canvas.is_blank()
    # The status bar keeps to the first sentence: the dialog has the rest (a long line ran on
    # into the model field beside it).
    assert window.statusBar().currentMessage() == "Could not open the model bad.pt."


@pytest.mark.parametrize("damage", ["negative variance", "huge bias"])
def test_a_network_that_answers_with_nan_is_refused_and_the_current_one_kept(
    qtbot, window, tmp_path, dialogs_shown, damage
):
    # Finite weights, so the checkpoint checks pass them; every answer NaN. The window loaded such
    # a network and showed "0?  Not sure: nan %" (a hostile review).
    import torch

    model = build_model("default").eval()
    with torch.no_grad():
        if damage == "negative variance":
            model.conv4[1].running_var[0] = -1.0
        else:
            model.fc1.bias.fill_(3e38)
    path = tmp_path / "nan.pt"
    save_checkpoint(path, model, {"test_accuracy": 0.99, "temperature": 0.5})  # 3e38 / 0.5 is infinite
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    before = window.model_status.text()
    assert not load_model_in(qtbot, window, path)
    assert "nan.pt" in box_text(dialogs_shown[-1]) and "no numbers (NaN or infinity)" in box_text(dialogs_shown[-1])
    assert window.model_status.text() == before and not window.canvas.is_blank()


def test_open_image_good_and_bad(qtbot, window, tmp_path, drawn_seven, dialogs_shown):
    good = tmp_path / "seven.png"
    drawn_seven.save(good)
    assert open_image_in(qtbot, window, good)
    wait_for_latest(qtbot, window)
    assert shown_digit(window) == 7
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG broken")
    assert not open_image_in(qtbot, window, bad)
    assert "broken.png" in box_text(dialogs_shown[-1])
    assert shown_digit(window) == 7  # the drawing and its result stay


def test_save_drawing_writes_the_canvas(qtbot, window, tmp_path):
    draw_digit_on(window.canvas, 8)
    assert window.save_drawing(tmp_path / "eight.png") == tmp_path / "eight.png"
    saved = np.asarray(Image.open(tmp_path / "eight.png").convert("L"))
    assert np.array_equal(saved, window.canvas.to_array())


def test_saving_over_a_file_on_a_full_disk_keeps_the_old_file(qtbot, window, tmp_path, monkeypatch, dialogs_shown):
    from mnist_desk import safe_write

    old = tmp_path / "my_best_seven.png"
    old.write_bytes(b"the old picture")
    draw_digit_on(window.canvas, 8)

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full_disk)
    assert window.save_drawing(old) is None
    assert old.read_bytes() == b"the old picture" and [p.name for p in tmp_path.iterdir()] == [old.name]
    assert "The disk is full" in box_text(dialogs_shown[-1])  # in the window's words (and language)
    assert "No space left on device" in dialogs_shown[-1].detailedText()  # the system's, for a bug report


def test_after_a_burst_of_moves_the_shown_result_is_the_last_ones(qtbot, window):
    points = [(0.5 + 0.3 * np.cos(t), 0.5 + 0.35 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 500)]
    drag(window.canvas, points)
    wait_for_latest(qtbot, window)
    expected = preprocess(window.canvas.to_array(INFERENCE_SIDE))
    assert np.array_equal(window.last_prediction.input, expected)
    assert shown_digit(window) == 0


def test_results_for_a_drawing_never_land_after_clear(qtbot, window):
    shown: list[int] = []
    window.prediction_shown.connect(shown.append)
    for _ in range(5):
        points = [(0.5 + 0.3 * np.cos(t), 0.5 + 0.35 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 60)]
        drag(window.canvas, points)  # results for these are still in flight ...
        window.clear_button.click()  # ... when the canvas is cleared
        cleared_at = window.latest_request
        shown.clear()
        wait_for_latest(qtbot, window)
        assert shown and min(shown) >= cleared_at
        assert window.last_prediction is None
        assert not re.search(r"\d", window.prediction_label.text())


def test_closing_during_inference_is_clean(qtbot, predictor):
    win = MainWindow(predictor)
    qtbot.addWidget(win)
    win.show()
    draw_digit_on(win.canvas, 5)  # requests in flight
    win.close()
    assert win.worker._thread.isFinished()


def test_the_window_leaves_the_screen_before_waiting_for_a_running_job(qtbot, predictor, monkeypatch):
    # A model load cannot be interrupted; the window stood frozen until it finished.
    win = MainWindow(predictor)
    qtbot.addWidget(win)
    win.show()
    visible_while_waiting = []
    stop = win.worker.stop
    monkeypatch.setattr(win.worker, "stop", lambda: (visible_while_waiting.append(win.isVisible()), stop()))
    win.close()
    assert visible_while_waiting == [False]


def test_keyboard_shortcuts_exist(window):
    from PySide6.QtGui import QKeySequence

    shortcuts = {s.toString() for a in window.actions() for s in a.shortcuts()}
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Del", "Esc", "[", "]"} <= shortcuts
    window.findChild(type(window.undo_action), "largerBrush").trigger()
    assert window.canvas.brush_size == 40
    assert QKeySequence("Ctrl+O").toString() in shortcuts
    # Every key the Help -> Keyboard shortcuts box lists is bound: Ctrl+Q was the platform's quit
    # key, which Windows (and the offscreen platform) does not have (a README audit).
    from mnist_desk.ui.shortcuts import SHORTCUTS

    listed = {QKeySequence(key).toString() for key, _ in SHORTCUTS if key.startswith("Ctrl+") and " " not in key}
    assert listed <= shortcuts, listed - shortcuts


def test_a_low_confidence_answer_looks_uncertain_and_a_sure_one_does_not(qtbot, window, predictor):
    wait_for_latest(qtbot, window)
    real = predictor.predict_input(np.zeros((28, 28), np.float32))
    for sequence, top in ((window.latest_request + 1, 0.55), (window.latest_request + 2, 0.97)):
        probabilities = np.full(10, (1 - top) / 9)
        probabilities[4] = top
        window.requests.on_worker_prediction_ready(
            sequence, Prediction(probabilities, real.input, real.activations, 0.001)
        )
        sure = top >= 0.8
        assert window.prediction_label.text() == ("4" if sure else "4?")
        assert window.prediction_label.isEnabled() == sure
        assert ("Not sure" in window.confidence_label.text()) != sure
        assert f"{top * 100:.1f} %" in window.confidence_label.text()


def test_escape_clears_and_ctrl_z_brings_the_drawing_back(qtbot, window):
    from PySide6.QtCore import Qt

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    draw_digit_on(window.canvas, 3)
    wait_for_latest(qtbot, window)
    drawn = window.canvas.to_array()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    wait_for_latest(qtbot, window)
    assert window.canvas.is_blank() and shown_digit(window) is None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_for_latest(qtbot, window)
    assert np.array_equal(window.canvas.to_array(), drawn) and shown_digit(window) == 3
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert window.canvas.is_blank()


def test_about_names_the_training_device_as_the_status_bar_does(qtbot):
    from mnist_desk.ui import dialogs

    meta = {"epochs": 11, "device": "cpu", "seconds": 553}
    assert "Trained for 11 epochs on CPU in 553 s" in dialogs.about_box(None, "default", "model.pt", meta).text()
    assert [dialogs.trained_on(d) for d in ("cuda:0", "cuda", None, "<b>")] == ["CUDA", "CUDA", "?", "<b>"]
    assert "&lt;b&gt;" in dialogs.about_box(None, "default", "model.pt", {"device": "<b>"}).text()
