"""Finding bundled files, the same way in the source tree and in a frozen build.

PyInstaller unpacks data next to the executable and sets ``sys._MEIPASS``; in
the source tree ``resources/`` sits beside the package. Nothing else in the
app builds a path to a bundled file.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    """A bundled file by name; raises FileNotFoundError naming where it looked."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"bundled resource {name!r} not found in {resources_dir()}")
    return path


def bundled_model_path() -> Path:
    return resource_path("model.pt")
