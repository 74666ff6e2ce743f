"""The status bar: a message that does not fit ends in "…" (whole in its tooltip), and the
model's name is in the window's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from mnist_desk.ui.main_window import MainWindow
from ui_helpers import settle

LONG = "Adapted to my examples in 1.4 s: the bars show what the network now reads, examples 20"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_message_too_long_for_the_smallest_window_ends_in_an_ellipsis(qtbot, predictor, lang):
    window = MainWindow(predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    bar = window.statusBar()
    settle(window, QSize(1, 1))  # the window's own minimum
    bar.showMessage(LONG)
    room = bar.message_rect()
    shown = bar.shown_message()
    assert 0 < room.width() < bar.fontMetrics().horizontalAdvance(LONG)  # it does not fit here
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    assert bar.currentMessage() == LONG and bar.toolTip() == LONG  # nothing lost
    for widget in (window.model_status, window.latency_status):  # the room ends where they start
        assert room.right() < widget.x()
    bar.grab()  # paints without error
    settle(window, QSize(1600, 900))
    bar.showMessage("Saved")
    assert bar.shown_message() == "Saved"
    bar.clearMessage()
    assert bar.toolTip() == ""
    window.close()


def test_the_default_network_is_named_in_chinese(qtbot, predictor):
    window = MainWindow(predictor, lang="zh_CN")
    qtbot.addWidget(window)
    assert "default" not in window.model_status.text() and "默认网络" in window.model_status.text()
    english = MainWindow(predictor, lang="en")
    qtbot.addWidget(english)
    assert english.model_status.text().startswith("Model: default, ")
    window.close()
    english.close()
