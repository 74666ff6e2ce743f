"""Learning from the user's corrections: a bar clicked or a digit key pressed keeps the
drawing as an example, the network adapts in the background, and the bars show the
adapted answer; switching examples off, forgetting them (and undoing that), bad files."""

from __future__ import annotations

import time

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt, QTimer

from mnist_desk.example_store import ExampleStore
from mnist_desk.preprocess import preprocess
from mnist_desk.ui.example_settings import examples_in_use
from mnist_desk.ui.main_window import INFERENCE_SIDE, MainWindow
from ui_helpers import (
    ADAPTING_S,
    backwards_nine,
    click_bar,
    digit_strokes,
    draw_digit_on,
    draw_number_on,
    not_a_trusted_nine,
    redraw,
    wait_for_latest,
)


def pngs(folder, digit: int) -> list:
    return sorted((folder / str(digit)).glob("*.png"))


def test_clicking_a_bar_keeps_the_drawing_as_an_example(qtbot, window, examples_folder):
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "7"
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 1)
        assert window.statusBar().currentMessage() == "Kept as an example of 1 — adapting…"
        assert window.teaching.count_label.text() == "My examples: adapting…"
    (kept,) = pngs(examples_folder, 1)
    # The canvas as the network reads it: 280 px greyscale.
    assert np.array_equal(np.asarray(Image.open(kept)), window.canvas.to_array(INFERENCE_SIDE))
    assert window.teaching.count_label.text() == "My examples: 1 in use"
    assert window.statusBar().currentMessage().startswith("Adapted to my examples in ")
    assert window.worker.predictor.adaptation is not None and window.model.predictor is window.worker.predictor


def test_a_digit_key_on_the_canvas_keeps_an_example(qtbot, window, examples_folder):
    draw_digit_on(window.canvas, 4)
    wait_for_latest(qtbot, window)
    window.canvas.setFocus()
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        qtbot.keyClick(window.canvas, Qt.Key.Key_4)
    assert len(pngs(examples_folder, 4)) == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # not a plain digit key
    assert not pngs(examples_folder, 5)


def test_nothing_drawn_keeps_nothing(qtbot, window, examples_folder):
    window.canvas.digit_key_pressed.emit(3)
    assert "Draw a digit first" in window.statusBar().currentMessage()
    assert not examples_folder.exists() or not any(examples_folder.rglob("*.png"))


def test_the_adapted_network_reads_what_the_plain_one_misread(qtbot, taught, examples_folder):
    window = taught
    assert len(pngs(examples_folder, 9)) == 2
    redraw(qtbot, window, backwards_nine(2))  # another backwards 9, not one of the examples
    assert window.prediction_label.text() == "9", window.probability_bars.texts()
    assert window.worker.predictor.adaptation.examples == 2
    assert window.teaching.count_label.text() == "My examples: 2 in use"
    # The explain views run the network the bars show.
    assert window.explain.model.predictor is window.worker.predictor
    redraw(qtbot, window, digit_strokes(8))  # and an 8 is still an 8
    assert window.prediction_label.text() == "8"


def test_the_kernels_shown_are_the_adapted_networks(qtbot, taught, predictor):
    # Adapting refits conv4; the feature-map view kept showing its kernels from before,
    # beside the adapted maps and the adapted arithmetic (an audit).
    from mnist_desk.model import first_conv

    window = taught
    adapted = first_conv(window.worker.predictor.model, "conv4").weight.detach().numpy()
    assert not np.allclose(adapted, first_conv(predictor.model, "conv4").weight.detach().numpy())
    assert np.array_equal(window.model.kernels["conv4"], adapted)
    assert np.array_equal(window.feature_maps._kernels["conv4"], adapted)
    assert np.array_equal(window.worker.predictor.kernels("conv4"), adapted)
    assert np.array_equal(predictor.kernels("conv4"), first_conv(predictor.model, "conv4").weight.detach().numpy())


def test_numbers_still_read_digit_by_digit_after_adapting(qtbot, taught):
    # Adapted to the backwards 9s, the network read a lone 1 a little less surely, and "1"
    # and "5" side by side read better as one 5: "315" read "35" (a review).
    window = taught
    window.canvas.clear()
    window.menus.actions["numberMode"].trigger()
    for number in ("315", "41", "151"):
        window.canvas.clear()
        draw_number_on(window.canvas, number)
        wait_for_latest(qtbot, window)
        assert window.prediction_label.text() == number


def test_use_my_examples_switches_them_off_and_on(qtbot, taught):
    window = taught
    redraw(qtbot, window, backwards_nine(2))
    assert window.prediction_label.text() == "9"
    window.menus.actions["useExamples"].trigger()  # off
    wait_for_latest(qtbot, window)
    assert not examples_in_use()  # remembered
    assert window.worker.predictor.adaptation is None
    assert not_a_trusted_nine(window.last_prediction)
    assert window.teaching.count_label.text() == "My examples: off"
    assert window.statusBar().currentMessage() == "My examples are off: the network reads as it was trained"
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        window.menus.actions["useExamples"].trigger()  # on again
    wait_for_latest(qtbot, window)
    assert examples_in_use() and window.prediction_label.text() == "9"


def test_forgetting_moves_the_examples_aside_and_undo_brings_them_back(qtbot, taught, examples_folder, dialogs_shown):
    window = taught
    redraw(qtbot, window, backwards_nine(2))
    window.menus.actions["forgetExamples"].trigger()
    assert len(dialogs_shown) == 1 and "Forget all 2 examples" in dialogs_shown[0].text()
    wait_for_latest(qtbot, window)
    assert ExampleStore(examples_folder).count() == 0
    (aside,) = examples_folder.glob(".forgotten-*")
    assert window.worker.predictor.adaptation is None and not_a_trusted_nine(window.last_prediction)
    assert window.teaching.count_label.text() == "My examples: none"
    assert window.teaching.undo_button.isVisible() and window.menus.actions["undoForget"].isEnabled()
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        window.teaching.undo_button.click()
    wait_for_latest(qtbot, window)
    assert len(pngs(examples_folder, 9)) == 2 and not aside.exists()
    assert window.prediction_label.text() == "9"
    assert not window.teaching.undo_button.isVisible() and not window.menus.actions["undoForget"].isEnabled()


def test_one_example_is_spoken_of_as_one(qtbot, window, examples_folder, dialogs_shown):
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 1)
    window.menus.actions["forgetExamples"].trigger()
    assert dialogs_shown[0].text() == "Forget the one example of your handwriting?"  # not "all 1 examples"
    assert window.statusBar().currentMessage() == "Forgot 1 example"


def test_forget_the_last_example_takes_back_one_correction(qtbot, window, examples_folder):
    forget_last = window.menus.actions["forgetLastExample"]
    assert not forget_last.isEnabled()  # nothing kept yet
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 7)
    window.clear_button.click()
    draw_digit_on(window.canvas, 1)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        qtbot.keyClick(window.canvas, Qt.Key.Key_8)  # a slip of the finger: this 1 kept as an 8
    assert len(pngs(examples_folder, 8)) == 1 and forget_last.isEnabled()
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        forget_last.trigger()
        assert window.statusBar().currentMessage() == "Forgot the example of 8 kept last"
    assert not pngs(examples_folder, 8) and len(pngs(examples_folder, 7)) == 1  # the other one stays
    assert not (examples_folder / "8").exists()  # no empty folder left behind
    assert window.teaching.count_label.text() == "My examples: 1 in use"
    assert window.worker.predictor.adaptation is not None and forget_last.isEnabled()
    forget_last.trigger()  # the 7 too: nothing left, the network as trained
    wait_for_latest(qtbot, window)
    assert not pngs(examples_folder, 7) and window.worker.predictor.adaptation is None
    assert not forget_last.isEnabled()
    assert not window.teaching.forget_last()  # the menu item is off; called anyway, it says why
    assert window.statusBar().currentMessage() == "No example kept since the window opened is left to forget"


def test_forgetting_the_last_example_follows_even_if_its_folder_cannot_be_removed(
    qtbot, window, examples_folder, monkeypatch
):
    # The examples root not writable: removing the emptied digit folder raised, after the
    # example was deleted, and the window went on using the network adapted to it.
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 7)

    def refusing(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(examples_folder), "rmdir", refusing)
    assert window.teaching.forget_last()
    wait_for_latest(qtbot, window)
    assert not pngs(examples_folder, 7) and window.worker.predictor.adaptation is None
    assert window.teaching.count_label.text() == "My examples: none"


def test_examples_forgotten_all_at_once_are_not_the_last_example_until_undone(
    qtbot, window, examples_folder, dialogs_shown
):
    forget_last = window.menus.actions["forgetLastExample"]
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 7)
    window.menus.actions["forgetExamples"].trigger()
    assert "Undo brings it back" in dialogs_shown[0].informativeText()  # one example: it
    assert not forget_last.isEnabled()
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        window.teaching.undo_forget()
    assert forget_last.isEnabled() and len(pngs(examples_folder, 7)) == 1


def test_cancelling_forget_keeps_everything(qtbot, window, examples_folder, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    ExampleStore(examples_folder).add(np.full((28, 28), 255, np.uint8), 1)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: int(QMessageBox.StandardButton.Cancel))
    window.menus.actions["forgetExamples"].trigger()
    assert len(pngs(examples_folder, 1)) == 1 and not window.teaching.undo_button.isVisible()


def test_what_is_forgotten_is_deleted_when_the_window_closes(qtbot, predictor, examples_folder, dialogs_shown):
    store = ExampleStore(examples_folder)
    store.add(np.asarray(Image.new("L", (28, 28), 255)), 2)
    window = MainWindow(predictor, lang="en")
    qtbot.addWidget(window)
    window.show()
    window.menus.actions["forgetExamples"].trigger()
    (aside,) = examples_folder.glob(".forgotten-*")
    window.close()
    assert not aside.exists() and not list(examples_folder.rglob("*.png"))


def test_closing_the_window_stops_adapting_at_its_next_step(qtbot, predictor, examples_folder, monkeypatch):
    # Closing waited for the whole fit on the GUI thread (11 s with 1,000 examples, the window
    # frozen on screen: a hostile review). A fit of a million steps shows it stops instead.
    import mnist_desk.examples as examples

    steps = []
    real = examples._check

    def counting(stop):
        steps.append(1)
        real(stop)

    monkeypatch.setattr(examples, "_check", counting)
    monkeypatch.setattr(examples, "STEPS", 1_000_000)
    monkeypatch.setattr(examples.fit_tail, "__defaults__", (1.0, 0, 1_000_000, None))
    window = MainWindow(predictor, lang="en")
    qtbot.addWidget(window)
    window.show()
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    click_bar(window, 7)
    qtbot.waitUntil(lambda: len(steps) > 20, timeout=60_000)  # the fit is under way
    window.close()
    done = len(steps)
    time.sleep(0.3)
    assert len(steps) == done and not window.teaching._worker._thread.isRunning()


def test_adapting_never_blocks_the_gui_thread(qtbot, window):
    """A 1 ms timer keeps ticking while the network adapts: adapting runs on its own thread."""
    redraw(qtbot, window, backwards_nine(0))
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 9)
        # Drawing goes on meanwhile (these scripted events are handled in one go, so the
        # clock starts after them), and the bars follow it with the plain network.
        redraw(qtbot, window, digit_strokes(3))
        assert window.prediction_label.text() == "3" and window.teaching.adapting
        started = time.perf_counter()
        timer.start()
    took = time.perf_counter() - started
    timer.stop()
    gaps = np.diff([started, *ticks]) * 1000
    assert took > 0.2  # long enough to tell (seconds here)
    # Run on the GUI thread, adapting would stall it for all of that time.
    assert gaps.max() < min(250.0, took * 1000 / 4), f"longest stall {gaps.max():.0f} ms of {took * 1000:.0f} ms"
    wait_for_latest(qtbot, window)
    assert window.worker.predictor.adaptation is not None and window.prediction_label.text() == "3"


def test_examples_kept_earlier_are_adapted_to_at_start(qtbot, predictor, examples_folder):
    first = MainWindow(predictor, lang="en")
    qtbot.addWidget(first)
    first.show()
    redraw(qtbot, first, backwards_nine(0))
    click_bar(first, 9)
    redraw(qtbot, first, backwards_nine(1))
    with qtbot.waitSignal(first.teaching.adapted, timeout=ADAPTING_S):
        click_bar(first, 9)
    first.close()
    window = MainWindow(predictor, lang="en")
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.teaching.count_label.text() == "My examples: adapting…"
        with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
            pass
        assert window.worker.predictor.adaptation.examples == 2
        redraw(qtbot, window, backwards_nine(2))
        assert window.prediction_label.text() == "9"
    finally:
        window.close()


def test_a_correction_in_number_mode_keeps_the_selected_digit(qtbot, window, examples_folder):
    window.menus.actions["numberMode"].trigger()
    draw_number_on(window.canvas, "42")
    wait_for_latest(qtbot, window)
    assert window.numbers.result.selected == 1  # the 2, written last
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 2)
    (kept,) = pngs(examples_folder, 2)
    example = np.asarray(Image.open(kept))
    assert example.shape[0] == example.shape[1] and example.min() < 64 and example[0, 0] == 255
    # The 2 alone, as the network read it: read again, it is the 2's 28x28 input.
    four, two = (d.input for d in window.numbers.result.digits)
    again = preprocess(example)
    assert np.abs(again - two).mean() < 0.02 < np.abs(again - four).mean()


def test_the_examples_folder_can_be_given_to_the_window(qtbot, predictor, tmp_path, examples_folder):
    mine = tmp_path / "classroom-examples"
    window = MainWindow(predictor, lang="en", examples=mine)  # the argument wins over the environment
    qtbot.addWidget(window)
    try:
        assert window.teaching.store.root == mine and window.teaching.store.root != examples_folder
        assert str(mine) in window.teaching.count_label.toolTip()
    finally:
        window.close()


def test_the_adapting_thread_gets_ready_while_the_drawing_is_still(qtbot, window, examples_folder):
    # So that the first correction of a session is as quick as the next ones.
    window.teaching._still.setInterval(50)
    assert not window.teaching._base.prepared()
    draw_digit_on(window.canvas, 7)
    qtbot.waitUntil(window.teaching._base.prepared, timeout=ADAPTING_S)
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        click_bar(window, 1)
    assert window.teaching.in_use == 1
