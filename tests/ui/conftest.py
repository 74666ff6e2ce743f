"""Fixtures for the window tests: the bundled model loaded once, and a window
that is closed (its worker joined) after each test."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from mnist_desk.inference import Predictor
from mnist_desk.ui.main_window import MainWindow


@pytest.fixture(scope="session")
def predictor() -> Predictor:
    return Predictor()


@pytest.fixture
def window(qtbot, predictor) -> MainWindow:
    win = MainWindow(predictor)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.last_prediction is None and win.prediction_label.text() != "")
    yield win
    win.close()


@pytest.fixture
def warnings_shown(monkeypatch) -> list[str]:
    """Replace the modal message box (it would block the test) and record its text."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append(f"{title}: {text}"))
    return shown
