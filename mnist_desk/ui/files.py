"""File names between Python and Qt: bytes kept, names shown, folders remembered.

On Linux a file name is bytes. Python keeps bytes that are not UTF-8 as lone
surrogates (``os.fsdecode``); Qt cannot hold them (it drops them), and
``QUrl.toLocalFile()`` turns them into U+FFFD, so a dropped file with such a
name could not be opened through Qt. Paths therefore stay Python paths, are
read from a URL's raw bytes, and are only turned into text for display.
"""

from __future__ import annotations

import errno
import os
import stat
import urllib.parse
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl

from mnist_desk.ui.settings import user_settings

PNG = ".png"


def shown(text: str | os.PathLike) -> str:
    """Text safe to give Qt: bytes that are not UTF-8 become U+FFFD instead of vanishing."""
    text = os.fspath(text)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def os_error_reason(exc: OSError) -> str:
    """Why a file operation failed, in the window's language. The system's own words are
    English ("Not a directory") and had stood in the middle of a Chinese sentence (a review);
    the common causes are said here, anything else as the system says it."""
    said = {
        errno.ENOSPC: QCoreApplication.translate("Files", "the disk is full"),
        errno.EDQUOT: QCoreApplication.translate("Files", "the disk is full"),
        errno.EACCES: QCoreApplication.translate("Files", "permission denied"),
        errno.EPERM: QCoreApplication.translate("Files", "permission denied"),
        errno.EROFS: QCoreApplication.translate("Files", "the disk is read-only"),
        errno.ENOENT: QCoreApplication.translate("Files", "the folder does not exist"),
        errno.ENOTDIR: QCoreApplication.translate("Files", "a file stands where a folder should be"),
        errno.EISDIR: QCoreApplication.translate("Files", "a folder stands where a file should be"),
        errno.ENAMETOOLONG: QCoreApplication.translate("Files", "the name is too long"),
    }.get(exc.errno)
    return said if said is not None else shown(exc.strerror or str(exc))


def path_from_url(url: QUrl) -> Path | None:
    """The local file a dropped URL names, with its exact bytes; None if it is not local."""
    if not url.isLocalFile():
        return None
    if os.name == "nt":  # Windows names are UTF-16: Qt holds them exactly
        return Path(url.toLocalFile())
    encoded = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
    return Path(os.fsdecode(urllib.parse.unquote_to_bytes(encoded)))


def not_a_file_reason(path: Path) -> str | None:
    """Why ``path`` cannot be opened as a file, without opening it (a FIFO would block), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    if stat.S_ISDIR(mode):
        return "folder"
    if not stat.S_ISREG(mode):
        return "special"
    return None


def with_png_suffix(path: Path) -> Path:
    """``drawing`` -> ``drawing.png``: the file is PNG data whatever it is called."""
    return path if path.suffix.lower() == PNG else path.with_name(path.name + PNG)


def dialog_folder(kind: str) -> str:
    """Where a file dialog starts: the folder last used for ``kind``, else Pictures, else home."""
    last = user_settings().value(f"folders/{kind}", "")
    if last and Path(last).is_dir():
        return last
    for location in (QStandardPaths.StandardLocation.PicturesLocation, QStandardPaths.StandardLocation.HomeLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


def remember_folder(kind: str, path: Path) -> None:
    """Start the next ``kind`` dialog in the folder of ``path``."""
    folder = shown(path.parent)
    if Path(folder).is_dir():  # a name Qt cannot hold would not lead back here
        store = user_settings()
        store.setValue(f"folders/{kind}", folder)
        store.sync()


__all__ = ["dialog_folder", "not_a_file_reason", "path_from_url", "remember_folder", "shown", "with_png_suffix"]
