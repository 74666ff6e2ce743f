"""Files in the examples folder that are not examples: named, never learnt from, never forgotten."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnist_desk.example_store import ExampleStore
from mnist_desk.ui.main_window import MainWindow
from ui_helpers import ADAPTING_S, draw_digit_on, wait_for_latest


def test_a_corrupt_file_gives_a_message_and_no_crash_and_forgetting_leaves_it(
    qtbot, predictor, examples_folder, dialogs_shown
):
    store = ExampleStore(examples_folder)
    store.add(np.full((280, 280), 255, np.uint8), 3)  # a blank drawing: nothing to learn from
    rng = np.random.default_rng(0)
    seven = np.full((280, 280), 255, np.uint8)
    seven[60:80, 70:210] = 0
    seven[80:230, 170:190] = 0
    store.add(seven, 7)
    (examples_folder / "7" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.bytes(50))
    (examples_folder / "holiday").mkdir()
    window = MainWindow(predictor, lang="en")  # adapts to what is there at start-up
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
            pass
        message = window.statusBar().currentMessage()
        assert message == "Skipped 3 files in the examples folder that are not examples", message
        tooltip = window.teaching.count_label.toolTip()
        assert "Skipped:" in tooltip
        assert "broken.png: not an image this app can read" in tooltip
        assert "holiday: not a folder of one digit (0-9)" in tooltip
        assert ": no ink in it" in tooltip  # the blank drawing
        assert window.teaching.count_label.text() == "My examples: 1 in use"
        draw_digit_on(window.canvas, 7)
        wait_for_latest(qtbot, window)
        assert window.prediction_label.text() == "7"
        # Said once: after the next correction the status bar says what that did, as without them.
        window.canvas.setFocus()
        with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
            qtbot.keyClick(window.canvas, Qt.Key.Key_7)
        assert window.statusBar().currentMessage().startswith("Adapted to my examples in ")
        window.menus.actions["forgetLastExample"].trigger()
        with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
            pass
        assert window.statusBar().currentMessage() == "Forgot the example of 7 kept last"
        # What the window called "not examples" is neither counted nor moved by Forget: it had
        # asked "Forget all 3 examples?" and deleted the blank and the broken file on close.
        window.menus.actions["forgetExamples"].trigger()
        assert dialogs_shown[-1].text() == "Forget the one example of your handwriting?"
        assert window.statusBar().currentMessage() == "Forgot 1 example"
        assert "Skipped:" in window.teaching.count_label.toolTip()  # they are still there, still skipped
    finally:
        window.close()
    assert (examples_folder / "7" / "broken.png").exists() and len(list((examples_folder / "3").glob("*.png"))) == 1
    assert ExampleStore(examples_folder).count() == 2  # the blank and the broken file, nothing else


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Could not keep the example: a file stands where a folder should be"),
        ("zh_CN", "无法保存样例：本应是文件夹的位置上是一个文件"),
    ],
)
def test_a_file_in_place_of_the_examples_folder_is_said_in_the_users_language(
    qtbot, predictor, examples_folder, lang, said
):
    # The system's own words ("Not a directory") had stood in the middle of the Chinese sentence.
    examples_folder.write_text("a file where the examples folder belongs")
    window = MainWindow(predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    try:
        draw_digit_on(window.canvas, 7)
        wait_for_latest(qtbot, window)
        window.canvas.setFocus()
        qtbot.keyClick(window.canvas, Qt.Key.Key_7)
        assert window.statusBar().currentMessage() == said
        assert examples_folder.read_text() == "a file where the examples folder belongs"
    finally:
        window.close()
