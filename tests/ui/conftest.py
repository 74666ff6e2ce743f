"""Fixtures for the window tests: the bundled model loaded once, a window that is
closed (its worker joined) after each test, private settings, and dialogs that
are recorded instead of blocking."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mnist_desk.inference import Predictor
from mnist_desk.ui.example_settings import ENV_VAR
from mnist_desk.ui.main_window import MainWindow
from mnist_desk.ui.settings import user_settings
from ui_helpers import ADAPTING_S, backwards_nine, click_bar, not_a_trusted_nine, redraw, wait_for_latest


@pytest.fixture(scope="session", autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the user's settings (language, last folders) at a temporary folder: never the real ones."""
    folder = tmp_path_factory.mktemp("qt-settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def examples_folder(tmp_path, monkeypatch) -> Path:
    """Every window keeps the user's examples in a fresh temporary folder: never the real one."""
    folder = tmp_path / "examples"
    monkeypatch.setenv(ENV_VAR, str(folder))
    return folder


@pytest.fixture(autouse=True)
def fresh_settings(private_settings, monkeypatch) -> None:
    """Each test starts with no saved choices and no language set in the environment."""
    monkeypatch.delenv("MNIST_DESK_LANG", raising=False)
    store = user_settings()
    store.clear()
    store.sync()


@pytest.fixture(scope="session")
def predictor() -> Predictor:
    return Predictor()


@pytest.fixture
def window(qtbot, predictor) -> MainWindow:
    # English explicitly: the tests read English texts whatever the machine's locale.
    win = MainWindow(predictor, lang="en")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.last_prediction is None and win.prediction_label.text() != "")
    yield win
    win.close()


@pytest.fixture
def dialogs_shown(monkeypatch) -> list[QMessageBox]:
    """Message boxes are recorded (still alive, to be read) instead of blocking the test."""
    shown: list[QMessageBox] = []

    def record(box: QMessageBox) -> int:
        shown.append(box)
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


class FileDialogs:
    """Recorded file dialogs; each one answers with ``answer`` (None: the user cancels)."""

    def __init__(self) -> None:
        self.shown: list[QFileDialog] = []
        self.started_in: list[Path] = []  # the folder each dialog opened in
        self.answer: Path | None = None

    def exec(self, dialog: QFileDialog) -> int:
        self.shown.append(dialog)
        self.started_in.append(Path(dialog.directory().absolutePath()))
        if self.answer is None:
            return 0
        dialog.selectFile(str(self.answer))
        return 1


@pytest.fixture
def file_dialogs(monkeypatch) -> FileDialogs:
    dialogs = FileDialogs()
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: dialogs.exec(dialog))
    return dialogs


@pytest.fixture
def taught(qtbot, window, examples_folder):
    """Two backwards 9s taught as 9s (by clicking the 9's bar), adapted."""
    for style in (0, 1):
        redraw(qtbot, window, backwards_nine(style))
        assert not_a_trusted_nine(window.last_prediction)
        click_bar(window, 9)
    qtbot.waitUntil(lambda: window.teaching.in_use == 2 and not window.teaching.adapting, timeout=ADAPTING_S)
    wait_for_latest(qtbot, window)
    return window
