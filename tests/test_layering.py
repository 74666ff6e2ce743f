"""The layers STYLE.md draws: the app never imports ``training``, its core never imports Qt.

The frozen build leaves ``training`` out (build.spec: EXCLUDED_MODULES), so an
app module that imported it would work from source and fail in the executable:
adapting to the user's examples once needed the training augmentation, which
is why it lives in ``mnist_desk.augment``.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import mnist_desk

ROOT = Path(__file__).resolve().parent.parent
APP_MODULES = sorted(m.name for m in pkgutil.walk_packages(mnist_desk.__path__, "mnist_desk."))
CORE_MODULES = [m for m in APP_MODULES if not m.startswith("mnist_desk.ui")]

# Imports every module named on the command line with some packages made unimportable.
IMPORT_WITHOUT = """
import importlib, sys
blocked = set(sys.argv[1].split(","))
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{name} is not available to the app")
sys.meta_path.insert(0, Block())
for module in sys.argv[2:]:
    importlib.import_module(module)
print("imported", len(sys.argv) - 2)
"""


def _import_without(blocked: list[str], modules: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT, ",".join(blocked), *modules],
        capture_output=True, text=True, cwd=ROOT, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}, check=False,
    )  # fmt: skip


def test_the_lists_of_modules_are_real():
    assert "mnist_desk.examples" in CORE_MODULES and "mnist_desk.augment" in CORE_MODULES
    assert any(m.startswith("mnist_desk.ui.") for m in APP_MODULES)


@pytest.mark.parametrize(("blocked", "modules"), [(["training"], APP_MODULES), (["training", "PySide6"], CORE_MODULES)])
def test_the_app_imports_without_training_and_its_core_without_qt(blocked, modules):
    done = _import_without(blocked, modules)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"imported {len(modules)}" in done.stdout


def test_the_blocker_does_block():
    # The check above can fail: a module that imports training is refused.
    done = _import_without(["training"], ["training.recipe"])
    assert done.returncode != 0 and "not available to the app" in done.stderr
