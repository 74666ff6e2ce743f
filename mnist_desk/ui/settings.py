"""The user's settings (language, last folders): one INI file per user.

INI on every platform, so tests can point Qt's user configuration directory at
a temporary folder (``QSettings.setPath(IniFormat, UserScope, folder)``) and
never touch the real settings; on Linux the file is
``~/.config/mnist-desk/mnist-desk.ini``.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings


def user_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mnist-desk", "mnist-desk")


__all__ = ["user_settings"]
