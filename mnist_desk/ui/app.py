"""Starting the application: QApplication, the main window, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from mnist_desk.checkpoint import CheckpointError


def run_app(checkpoint: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mnist-desk")
    app.setOrganizationName("mnist-desk")
    from mnist_desk.inference import Predictor
    from mnist_desk.ui.main_window import MainWindow

    try:
        predictor = Predictor(checkpoint)
    except (CheckpointError, FileNotFoundError) as exc:
        QMessageBox.critical(None, "mnist-desk cannot start", f"The model could not be loaded:\n{exc}")
        return 2
    window = MainWindow(predictor)
    window.show()
    return app.exec()
