"""Starting the application: QApplication, the language, the main window, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from mnist_desk.checkpoint import CheckpointError
from mnist_desk.ui import language
from mnist_desk.ui.files import shown


def run_app(checkpoint: Path | None = None, lang: str | None = None) -> int:
    """Open the window and run until it closes.

    Parameters
    ----------
    checkpoint
        Weights to load; None for the bundled model.
    lang
        "zh_CN" or "en" (``mnist-desk --lang``); None to decide by ``MNIST_DESK_LANG``,
        the saved View -> Language choice, then the system locale.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mnist-desk")
    app.setOrganizationName("mnist-desk")
    # Before the model loads, so that a failure to load it is reported in the user's language.
    language.install(language.resolve(lang).language)
    from mnist_desk.inference import Predictor
    from mnist_desk.ui.main_window import MainWindow

    try:
        predictor = Predictor(checkpoint)
    except (CheckpointError, FileNotFoundError) as exc:
        QMessageBox.critical(
            None,
            QCoreApplication.translate("App", "mnist-desk cannot start"),
            QCoreApplication.translate("App", "The model could not be loaded:\n{error}").format(error=shown(str(exc))),
        )
        return 2
    window = MainWindow(predictor, lang)
    window.show()
    return app.exec()
