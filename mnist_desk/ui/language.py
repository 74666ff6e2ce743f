"""Which language the window speaks, and installing its translations.

The first of these that applies wins:

1. ``mnist-desk --lang zh_CN|en`` (``run_app(..., lang=...)``, ``MainWindow(lang=...)``);
2. the ``MNIST_DESK_LANG`` environment variable;
3. the choice saved from View -> Language (System / English / 简体中文);
4. the system locale (any Chinese locale gets 简体中文, everything else English).

The saved choice lives in the user's settings (:mod:`mnist_desk.ui.settings`).

Translations are Qt's own: ``self.tr()`` in the widgets, sources in
``i18n/mnist_desk_<lang>.ts``, compiled to the ``.qm`` beside them (see
``i18n/README.md``). Qt's own strings (the OK and Cancel buttons, the file
dialog) come from Qt's ``qtbase_<lang>.qm``; the names of file types in that
dialog ("文件夹", "PNG 图像") from the system's MIME database, in the language
of Qt's default locale, which :func:`install` therefore sets too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from mnist_desk.ui.settings import user_settings

ENGLISH, CHINESE = "en", "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)
SYSTEM = "system"  # the saved choice that defers to the system locale
ENV_VAR = "MNIST_DESK_LANG"
SETTINGS_KEY = "language"
# What each language is called in the View -> Language menu: in itself, so
# that anyone can find their own language whatever the window speaks now.
ENDONYMS = {ENGLISH: "English", CHINESE: "简体中文"}

_installed: list[QTranslator] = []
_current = [ENGLISH]

# What Qt's own catalogue (qtbase_<lang>.qm, Qt 6.x) leaves untranslated that our
# window shows: the file dialog's Type column said "Folder" beside "PNG 图像".
QT_CATALOGUE_GAPS: dict[str, dict[tuple[str, str], str]] = {
    CHINESE: {
        ("QAbstractFileIconProvider", "Folder"): "文件夹",
        ("QAbstractFileIconProvider", "Drive"): "驱动器",
    },
}


class _CatalogueGaps(QTranslator):
    """Answers only for :data:`QT_CATALOGUE_GAPS`; every other text falls through to the next translator."""

    def __init__(self, parent, texts: dict[tuple[str, str], str]) -> None:
        super().__init__(parent)
        self._texts = texts

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self._texts

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return self._texts.get((context, source), "")


@dataclass(frozen=True)
class LanguageChoice:
    """The language to use and which rule chose it."""

    language: str  # one of LANGUAGES
    source: str  # "argument", "environment", "saved" or "system"


def normalise(name: str | None) -> str | None:
    """A language tag ("zh_CN", "zh-Hans-CN", "zh_CN.UTF-8", "en_GB", "C") -> "zh_CN", "en" or None."""
    if not name:
        return None
    tag = name.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if tag.startswith("zh"):
        return CHINESE
    if tag.startswith("en") or tag in ("c", "posix"):
        return ENGLISH
    return None


def saved_choice() -> str:
    """The View -> Language choice: "system", "en" or "zh_CN"."""
    value = user_settings().value(SETTINGS_KEY, SYSTEM)
    return value if value in (SYSTEM, *LANGUAGES) else SYSTEM


def save_choice(choice: str) -> None:
    if choice not in (SYSTEM, *LANGUAGES):
        raise ValueError(f"unknown language choice {choice!r}")
    store = user_settings()
    store.setValue(SETTINGS_KEY, choice)
    store.sync()


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's preferred UI languages that the app speaks; English otherwise."""
    locale = locale or QLocale.system()
    for tag in [*locale.uiLanguages(), locale.name()]:
        language = normalise(tag)
        if language is not None:
            return language
    return ENGLISH


def resolve(
    argument: str | None = None,
    environ: Mapping[str, str] | None = None,
    saved: str | None = None,
    locale: QLocale | None = None,
) -> LanguageChoice:
    """Pick the language by the order in the module docstring.

    Parameters
    ----------
    argument
        The ``--lang`` value; an unknown one is an error (argparse offers only known ones).
    environ
        Defaults to ``os.environ``; an unknown ``MNIST_DESK_LANG`` is reported on
        stderr and skipped.
    saved
        Defaults to :func:`saved_choice`.
    locale
        Defaults to the system locale.
    """
    if argument:
        language = normalise(argument)
        if language is None:
            raise ValueError(f"unknown language {argument!r} (choose from {', '.join(LANGUAGES)})")
        return LanguageChoice(language, "argument")
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    if value:
        language = normalise(value)
        if language is not None:
            return LanguageChoice(language, "environment")
        print(f"mnist-desk: ignoring {ENV_VAR}={value!r} (use one of {', '.join(LANGUAGES)})", file=sys.stderr)
    saved = saved_choice() if saved is None else saved
    if saved in LANGUAGES:
        return LanguageChoice(saved, "saved")
    return LanguageChoice(system_language(locale), "system")


def i18n_dir() -> Path:
    # Beside this module in the source tree; build.spec copies the .qm files to
    # the same place inside the bundle, where PyInstaller puts __file__ too.
    return Path(__file__).resolve().parent / "i18n"


def qm_path(language: str) -> Path:
    return i18n_dir() / f"mnist_desk_{language}.qm"


def _qt_translations_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    import PySide6  # a frozen build may not report Qt's own path; the package folder has it

    dirs.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
    return dirs


def install(language: str) -> bool:
    """Make the application speak ``language``; widgets then get a LanguageChange event.

    Returns
    -------
    bool
        False if the app's own translation file is missing or unreadable (the
        window then speaks English). Qt's own catalogue is optional.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing translations")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current[0] = ENGLISH
    QLocale.setDefault(locale_for(ENGLISH))
    if language == ENGLISH:
        return True
    ours = QTranslator(app)
    if not ours.load(str(qm_path(language))):
        return False
    gaps = _CatalogueGaps(app, QT_CATALOGUE_GAPS.get(language, {}))
    app.installTranslator(gaps)  # before Qt's: the translator installed last is asked first
    _installed.append(gaps)
    qt = QTranslator(app)
    for folder in _qt_translations_dirs():
        if qt.load(f"qtbase_{language}", str(folder)):
            app.installTranslator(qt)
            _installed.append(qt)
            break
    app.installTranslator(ours)
    _installed.append(ours)
    _current[0] = language
    QLocale.setDefault(locale_for(language))
    return True


def locale_for(language: str, system: QLocale | None = None) -> QLocale:
    """The locale Qt's own texts should follow when the window speaks ``language``:
    the system's when it speaks that language (its dates and territory), else
    the language's own (a Chinese window on an English system says "文件夹",
    not "folder", in the file dialog)."""
    system = system or QLocale.system()
    wanted = QLocale(language)
    return system if system.language() == wanted.language() else wanted


def current() -> str:
    """The language installed now."""
    return _current[0]


__all__ = [
    "CHINESE",
    "ENDONYMS",
    "ENGLISH",
    "ENV_VAR",
    "LANGUAGES",
    "SYSTEM",
    "LanguageChoice",
    "current",
    "install",
    "normalise",
    "resolve",
    "save_choice",
    "saved_choice",
    "system_language",
]
