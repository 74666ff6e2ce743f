"""The replay set bundled with the app (``resources/replay.npz``).

When the app adapts its last stages to a user's examples (mnist_desk/examples.py)
it fits these digits alongside, so that learning one person's 7 cannot
unlearn everybody else's 1. They are training digits only: MNIST training
images (never its validation or test part) and pen digits of training
writers, preprocessed to 28x28 as the app does. The data do not depend on a
model, so one file serves any checkpoint the user opens.

    python -m training replay [--out resources/replay.npz]
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from training.data import Digits
from training.pen_render import rendered_digits
from training.pendigits import PenDigit

PER_CLASS = 100  # from each source: 2,000 digits, about 1 MB, 0.2 s to run through the network


def balanced(digits: Digits, per_class: int, rng: np.random.Generator) -> Digits:
    picks = [rng.choice(np.nonzero(digits.labels == d)[0], per_class, replace=False) for d in range(10)]
    chosen = np.sort(np.concatenate(picks))
    return Digits(digits.images[chosen], digits.labels[chosen], f"{digits.source}[balanced {per_class}/class]")


def build_replay(mnist_train: Digits, pen_train: list[PenDigit], out: Path, seed: int = 0) -> Digits:
    """Write ``out`` with PER_CLASS MNIST training digits and PER_CLASS pen digits of each class."""
    rng = np.random.default_rng(seed)
    pen = rendered_digits(pen_train, 1, seed=seed + 17)
    replay = balanced(mnist_train, PER_CLASS, rng).concat(balanced(pen, PER_CLASS, rng))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(tmp, images=replay.images, labels=replay.labels)
    os.replace(tmp, out)
    return replay
