"""Where the user's examples live and whether they are in use (Edit -> Use my examples)."""

from __future__ import annotations

import os
from pathlib import Path

from mnist_desk.ui.settings import user_settings

# Where the examples live, if not in the user data folder (tests, screenshots, a shared classroom folder).
ENV_VAR = "MNIST_DESK_EXAMPLES"
USE_KEY = "examples/use"


def examples_root(explicit: Path | str | None = None) -> Path | None:
    """The examples folder: ``explicit``, else ``$MNIST_DESK_EXAMPLES``, else None (the user data folder)."""
    if explicit is not None:
        return Path(explicit)
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def examples_in_use() -> bool:
    """Edit -> Use my examples, as saved (on unless switched off)."""
    return str(user_settings().value(USE_KEY, "true")).lower() != "false"


def save_examples_in_use(on: bool) -> None:
    settings = user_settings()
    settings.setValue(USE_KEY, "true" if on else "false")
    settings.sync()


__all__ = ["ENV_VAR", "USE_KEY", "examples_in_use", "examples_root", "save_examples_in_use"]
