"""The replay set bundled with the app (``resources/replay.npz``).

When the app adapts its last stages to a user's examples (mnist_desk/examples.py)
it fits these digits alongside, so that learning one person's 7 cannot
unlearn everybody else's 1. They are training digits only: MNIST training
images (never its validation or test part) and pen digits of training
writers, preprocessed to 28x28 as the app does. Beside them, non-digits of the
training kinds (training/negatives.py), fitted towards "unsure" as in training:
without them, adapting to a few examples let almost any drawing pass as a digit
(validation kinds rejected 85 % before adapting, 26 % after). The data do not
depend on a model, so one file serves any checkpoint the user opens.

    python -m training replay [--out resources/replay.npz]
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from mnist_desk.safe_write import replace_whole
from training.data import Digits
from training.negatives import TRAIN_KINDS, rendered_negatives
from training.pen_render import rendered_digits
from training.pendigits import PenDigit

PER_CLASS = 100  # from each source: 2,000 digits, about 1 MB, 0.2 s to run through the network
NEGATIVES = 1000  # non-digit drawings of the training kinds, in turn


def balanced(digits: Digits, per_class: int, rng: np.random.Generator) -> Digits:
    picks = [rng.choice(np.nonzero(digits.labels == d)[0], per_class, replace=False) for d in range(10)]
    chosen = np.sort(np.concatenate(picks))
    return Digits(digits.images[chosen], digits.labels[chosen], f"{digits.source}[balanced {per_class}/class]")


def build_replay(mnist_train: Digits, pen_train: list[PenDigit], out: Path, seed: int = 0) -> Digits:
    """Write ``out`` with PER_CLASS MNIST training digits and PER_CLASS pen digits of each class,
    and NEGATIVES non-digits of the training kinds."""
    rng = np.random.default_rng(seed)
    pen = rendered_digits(pen_train, 1, seed=seed + 17)
    replay = balanced(mnist_train, PER_CLASS, rng).concat(balanced(pen, PER_CLASS, rng))
    negatives = rendered_negatives(TRAIN_KINDS, NEGATIVES, seed=seed + 29)
    out.parent.mkdir(parents=True, exist_ok=True)
    packed = io.BytesIO()
    np.savez_compressed(packed, images=replay.images, labels=replay.labels, negatives=negatives)
    # Whole or not at all, through a link, no fixed temporary name (one was left behind, and two
    # runs at once would have shared it).
    replace_whole(out, packed.getvalue())
    return replay
