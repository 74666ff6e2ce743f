"""The main window's menus and actions, and their texts in the current language."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from mnist_desk.ui import language

Key = QKeySequence.StandardKey | str
CHECKABLE = {"showOverview", "useExamples", "numberMode"}  # actions that are switched on and off


class WindowMenus(QObject):
    """Builds File, Edit, View and Help on ``window``; ``slots`` maps action names to callables."""

    def __init__(self, window: QMainWindow, slots: dict[str, Callable[[], object]]) -> None:
        super().__init__(window)
        self.setObjectName("windowMenus")
        self._window = window
        self.actions: dict[str, QAction] = {}
        bar = window.menuBar()
        self.menus: dict[str, QMenu] = {name: bar.addMenu("") for name in ("file", "edit", "view", "help")}
        for name in ("file", "edit", "view", "help"):
            self.menus[name].setObjectName(f"{name}Menu")
        layout: list[tuple[str, str, list[Key]]] = [
            ("file", "openImage", [QKeySequence.StandardKey.Open]),
            ("file", "openModel", ["Ctrl+M"]),
            ("file", "saveDrawing", [QKeySequence.StandardKey.Save]),
            ("file", "-", []),
            ("file", "quit", ["Ctrl+Q"]),  # Cmd+Q on macOS; StandardKey.Quit has no key on Windows (nor offscreen)
            ("edit", "undo", ["Ctrl+Z"]),
            ("edit", "redo", ["Ctrl+Shift+Z", "Ctrl+Y"]),
            ("edit", "clear", ["Delete", "Escape"]),
            ("edit", "-", []),
            ("edit", "smallerBrush", ["["]),
            ("edit", "largerBrush", ["]"]),
            ("edit", "toggleEraser", ["E"]),
            ("edit", "-", []),
            ("edit", "useExamples", []),
            ("edit", "forgetLastExample", []),
            ("edit", "forgetExamples", []),
            ("edit", "undoForget", []),
            ("view", "numberMode", ["Ctrl+N"]),
            ("view", "showOverview", ["Ctrl+Shift+O"]),
            ("help", "shortcuts", [QKeySequence.StandardKey.HelpContents]),
            ("help", "about", []),
        ]
        for menu, name, keys in layout:
            if name == "-":
                self.menus[menu].addSeparator()
                continue
            action = QAction(window, objectName=name, checkable=name in CHECKABLE)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(slots[name])
            window.addAction(action)  # shortcuts work even where the menu bar is hidden
            self.menus[menu].addAction(action)
            self.actions[name] = action
        self.language_menu = self.menus["view"].addMenu("")
        self.language_menu.setObjectName("languageMenu")
        self.language_group = QActionGroup(self)
        for choice in (language.SYSTEM, *language.LANGUAGES):
            action = QAction(window, objectName=f"language_{choice}", checkable=True)
            action.setData(choice)
            action.triggered.connect(lambda _checked=False, c=choice: slots["language"](c))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.actions[f"language_{choice}"] = action
        self.retranslate()

    def check_language(self, choice: str) -> None:
        self.actions[f"language_{choice}"].setChecked(True)

    def retranslate(self) -> None:
        titles = {
            "file": self.tr("&File"),
            "edit": self.tr("&Edit"),
            "view": self.tr("&View"),
            "help": self.tr("&Help"),
        }
        for name, title in titles.items():
            self.menus[name].setTitle(title)
        self.language_menu.setTitle(self.tr("&Language"))
        texts = {
            "openImage": self.tr("&Open image…"),
            "openModel": self.tr("Open &model…"),
            "saveDrawing": self.tr("&Save drawing as PNG…"),
            "quit": self.tr("&Quit"),
            "undo": self.tr("&Undo"),
            "redo": self.tr("&Redo"),
            "clear": self.tr("&Clear canvas"),
            "smallerBrush": self.tr("Smaller brush"),
            "largerBrush": self.tr("Larger brush"),
            "toggleEraser": self.tr("Eraser on/off"),
            "useExamples": self.tr("Use my &examples"),
            "forgetLastExample": self.tr("Forget the &last example"),
            "forgetExamples": self.tr("&Forget my examples…"),
            "undoForget": self.tr("Undo f&orget"),
            "numberMode": self.tr("&Number mode"),
            "showOverview": self.tr("Network &overview"),
            "shortcuts": self.tr("&Keyboard shortcuts"),
            "about": self.tr("&About mnist-desk"),
            f"language_{language.SYSTEM}": self.tr("System"),
            # Each language in its own words (the same in every language).
            **{f"language_{code}": name for code, name in language.ENDONYMS.items()},
        }
        for name, text in texts.items():
            self.actions[name].setText(text)


__all__ = ["WindowMenus"]
