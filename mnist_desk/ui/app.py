"""Starting the application: QApplication, the language, the main window, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from mnist_desk.checkpoint import CheckpointError
from mnist_desk.ui import dialogs, language
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
    from mnist_desk.ui.loaded_model import check_outputs_finite
    from mnist_desk.ui.main_window import MainWindow

    try:
        predictor = Predictor(checkpoint)
        check_outputs_finite(predictor)
    except (CheckpointError, FileNotFoundError) as exc:
        startup_failed(checkpoint, exc).exec()
        return 2
    window = MainWindow(predictor, lang)
    window.fit_to_screen()
    window.show()
    return app.exec()


def startup_failed(checkpoint: Path | None, exc: Exception) -> QMessageBox:
    """The dialog for a model that cannot be loaded at start: a sentence in the user's
    language, why, and the technical message under "Show Details" (as File -> Open model
    says it; the core's English message had been the dialog's main text). The terminal
    gets the technical message too."""
    print(f"error: {exc}", file=sys.stderr)
    name = shown(Path(checkpoint).name) if checkpoint is not None else "model.pt"
    if isinstance(exc, CheckpointError):
        reason = dialogs.checkpoint_error_reason(str(exc))
    else:
        reason = QCoreApplication.translate("App", "There is no such file.")
    return dialogs.message_box(
        None,
        QCoreApplication.translate("App", "mnist-desk cannot start"),
        QCoreApplication.translate("App", "Could not open the model {name}.").format(name=name),
        reason,
        f"{type(exc).__name__}: {exc}",
    )
