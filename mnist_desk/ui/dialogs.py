"""The window's dialogs, built as objects (shown with ``exec()``) so tests can read them.

Errors are shown in the user's language: a translated sentence naming the
file and what is wrong with it, and the core's own message (English, from the
Qt-free modules) under "Show Details…" for a bug report.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QHeaderView, QListView, QMessageBox, QTreeView, QWidget

from mnist_desk import __version__
from mnist_desk.ui.files import dialog_folder, remember_folder, shown
from mnist_desk.ui.shortcuts import shortcut_rows


def message_box(parent: QWidget | None, title: str, text: str, info: str = "", detail: str = "") -> QMessageBox:
    """A warning box: ``text`` says what failed, ``info`` why, ``detail`` the technical message."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    if info:
        box.setInformativeText(info)
    if detail:
        box.setDetailedText(shown(detail))
    return box


def image_error_reason(reason: str, message: str = "") -> str:
    """Why an image could not be opened, in words: ``reason`` from the pre-checks, or the core's message."""
    if reason == "missing" or "no such file" in message:
        return QCoreApplication.translate("Dialogs", "The file does not exist.")
    if reason == "folder" or "a folder" in message:
        return QCoreApplication.translate("Dialogs", "This is a folder, not an image file.")
    if reason == "special" or "not a regular file" in message:
        return QCoreApplication.translate(
            "Dialogs", "This is not a regular file (it is a pipe, a device or a socket), so it is not read."
        )
    if reason == "unreadable" or "cannot open" in message or "permission" in message.lower():
        return QCoreApplication.translate("Dialogs", "The file cannot be read (check its permissions).")
    if "too large" in message:
        return QCoreApplication.translate("Dialogs", "The image is too large to open.")
    if "empty" in message or "no pixels" in message:
        return QCoreApplication.translate("Dialogs", "The image has no pixels.")
    return QCoreApplication.translate("Dialogs", "The file is not an image this app can read, or it is damaged.")


def checkpoint_error_reason(message: str) -> str:
    """Why a checkpoint could not be loaded, in words, from the core's message."""
    if "no such checkpoint" in message:
        return QCoreApplication.translate("Dialogs", "The file does not exist.")
    if "refused" in message:
        return QCoreApplication.translate(
            "Dialogs", "It holds objects other than weights, which could run code: it was refused."
        )
    if "not finite" in message:
        return QCoreApplication.translate(
            "Dialogs", "Its network answers with no numbers (NaN or infinity): its weights are damaged."
        )
    if "truncated" in message or "damaged" in message or "corrupt" in message:
        return QCoreApplication.translate("Dialogs", "The file is truncated or damaged.")
    if "do not match" in message:
        return QCoreApplication.translate("Dialogs", "Its weights do not match the architecture it names.")
    return QCoreApplication.translate(
        "Dialogs",
        "It is not an mnist-desk model checkpoint. Checkpoints are written by “python -m training train”.",
    )


def trained_on(device: Any) -> str:
    """The checkpoint's device ("cpu", "cuda:0") as the status bar names devices: CPU, CUDA."""
    name = str(device if device is not None else "?")
    kind = name.split(":")[0].lower()
    return {"cpu": "CPU", "cuda": "CUDA", "mps": "MPS"}.get(kind, name)


def about_box(parent: QWidget | None, model: str, checkpoint: str, meta: dict[str, Any]) -> QMessageBox:
    """Help -> About. Every value from the checkpoint is escaped: its metadata is not ours to render."""

    def value(key: str) -> str:
        return html.escape(str(meta.get(key, "?")))

    lines = [
        QCoreApplication.translate("Dialogs", "Model: {model}").format(model=html.escape(model)),
        QCoreApplication.translate("Dialogs", "Checkpoint: {file}").format(file=html.escape(shown(checkpoint))),
        QCoreApplication.translate("Dialogs", "Trained for {epochs} epochs on {device} in {seconds} s").format(
            epochs=value("epochs"), device=html.escape(trained_on(meta.get("device"))), seconds=value("seconds")
        ),
    ]
    tagline = QCoreApplication.translate("Dialogs", "Draw a digit and watch a convolutional network read it.")
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(QCoreApplication.translate("Dialogs", "About mnist-desk"))
    if parent is not None and not parent.windowIcon().isNull():
        box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText(f"<h3>mnist-desk {html.escape(__version__)}</h3><p>{tagline}</p><p>{'<br>'.join(lines)}</p>")
    return box


def shortcuts_box(parent: QWidget | None) -> QMessageBox:
    rows = "".join(
        f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(text)}</td></tr>" for keys, text in shortcut_rows()
    )
    box = QMessageBox(
        QMessageBox.Icon.NoIcon,
        QCoreApplication.translate("Dialogs", "Keyboard shortcuts"),
        "",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("shortcutsBox")
    box.setText(f"<table cellpadding='4'>{rows}</table>")
    return box


def choose_file(parent: QWidget | None, kind: str, title: str, filters: list[str], save: str = "") -> Path | None:
    """Ask for a file to open, or with ``save`` (a suggested name) one to save to; its folder is remembered.

    ``kind`` ("images", "models", "drawings") keeps one last folder per kind of file.
    """
    dialog = file_dialog(parent, title, dialog_folder(kind), filters, save=bool(save))
    if save:
        dialog.selectFile(save)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    remember_folder(kind, path)
    return path


def file_dialog(parent: QWidget | None, title: str, folder: str, filters: list[str], save: bool = False) -> QFileDialog:
    """An open or save dialog starting in ``folder``."""
    dialog = QFileDialog(parent, title, folder, ";;".join(filters))
    dialog.setObjectName("saveDialog" if save else "openDialog")
    # Qt's own Chinese catalogue lacks these two labels of its file dialog.
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, QCoreApplication.translate("Dialogs", "Look in:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, QCoreApplication.translate("Dialogs", "Files of type:"))
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("png")  # Qt adds it when the typed name has no suffix
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    _fit_columns(dialog)
    return dialog


def _fit_columns(dialog: QFileDialog) -> None:
    """Size, type and date as wide as what they show, the places list as wide as its names.

    Qt's widths cut "162 KiB" to "162...KiB", the date to "25 11 2...6 12:33" and
    计算机 to "计..." in a Chinese window. (A native dialog has no such children.)
    """
    details = dialog.findChild(QTreeView, "treeView")
    if details is not None:
        for column in (1, 2, 3):
            details.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    places = dialog.findChild(QListView, "sidebar")
    if places is not None:
        places.setMinimumWidth(places.sizeHintForColumn(0) + 2 * places.frameWidth() + 8)


__all__ = [
    "about_box",
    "checkpoint_error_reason",
    "choose_file",
    "file_dialog",
    "image_error_reason",
    "message_box",
    "shortcuts_box",
]
