"""The keyboard shortcuts, as shown by Help -> Keyboard shortcuts.

The descriptions are marked for translation here (``QT_TRANSLATE_NOOP``, so
``pyside6-lupdate`` finds them) and translated when the dialog is built. Key
names stay as they are printed on the keys.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

SHORTCUTS = [
    ("Ctrl+Z", QT_TRANSLATE_NOOP("Shortcuts", "Undo the last step (a stroke, clearing, opening an image)")),
    ("Ctrl+Shift+Z / Ctrl+Y", QT_TRANSLATE_NOOP("Shortcuts", "Redo")),
    ("Delete / Escape", QT_TRANSLATE_NOOP("Shortcuts", "Clear the canvas")),
    ("[ / ]", QT_TRANSLATE_NOOP("Shortcuts", "Smaller / larger brush")),
    ("E", QT_TRANSLATE_NOOP("Shortcuts", "Toggle the eraser")),
    (
        "0 … 9",
        QT_TRANSLATE_NOOP(
            "Shortcuts",
            "On the canvas: the drawing (in number mode, the selected digit) is this digit, kept as an example "
            "to learn from; Edit → Forget the last example takes it back",
        ),
    ),
    ("Ctrl+N", QT_TRANSLATE_NOOP("Shortcuts", "Number mode: write a number of several digits")),
    ("Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open an image (or drop one on the window)")),
    ("Ctrl+M", QT_TRANSLATE_NOOP("Shortcuts", "Open another model checkpoint")),
    ("Ctrl+S", QT_TRANSLATE_NOOP("Shortcuts", "Save the drawing as PNG")),
    ("Ctrl+Shift+O", QT_TRANSLATE_NOOP("Shortcuts", "Show or hide the network overview")),
    ("F1", QT_TRANSLATE_NOOP("Shortcuts", "Show this list")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("Shortcuts", "Quit")),
]


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) in the current language."""
    return [(keys, QCoreApplication.translate("Shortcuts", text)) for keys, text in SHORTCUTS]


__all__ = ["SHORTCUTS", "shortcut_rows"]
