"""Shared fixtures. Qt runs offscreen so the suite needs no display."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mnist_desk.preprocess import preprocess  # noqa: E402
from training.data import Digits, load_split  # noqa: E402


@pytest.fixture(scope="session")
def data_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the offline MNIST package's one-time conversion is cached for this run."""
    return tmp_path_factory.mktemp("mnist-cache")


@pytest.fixture(scope="session")
def mnist_test(data_cache: Path) -> Digits:
    return load_split("test", data_cache, download=False)


@pytest.fixture(scope="session")
def mnist_train(data_cache: Path) -> Digits:
    return load_split("train", data_cache, download=False)


def blank(size: int = 280, value: int = 255) -> np.ndarray:
    return np.full((size, size), value, dtype=np.uint8)


@pytest.fixture
def checkpoint(tmp_path):
    """A small untrained checkpoint (twoconv): quick to load where the answers do not matter."""
    from mnist_desk.checkpoint import save_checkpoint
    from mnist_desk.model import build_model

    path = tmp_path / "tiny.pt"
    save_checkpoint(path, build_model("twoconv").eval(), {"test_accuracy": 0.1})
    return path


@pytest.fixture
def drawn_seven():
    """A 7 drawn dark on a light 280x280 canvas, as the window's canvas holds it."""
    from training.drawn import draw_digit

    return draw_digit(7, np.random.default_rng(3), style=0)


__all__ = ["blank", "preprocess"]
