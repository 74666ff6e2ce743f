"""Real pen digits mirrored or turned on their side: shapes that are almost digits, and are not.

Outlier exposure teaches the network to be unsure away from the digits; the
outliers that teach the most are the ones closest to them (Hendrycks et al.
2019; rotated and mirrored images as near outliers: Golan & El-Yaniv 2018,
Hendrycks et al. 2019 "Using self-supervised learning ... "). A mirrored 3 has
every stroke of a 3 and is not one; neither is a 4 lying on its back. They
are drawn from the *training* writers' digits, exactly as the pen digits are
(training/pen_render.py), and trained towards "unsure" like the other non-digits.

Only turns that leave no digit are used: 0, 1 and 8 read the same mirrored
or turned, 6 and 9 turned over are each other, a 2 or a 5 turned over is
still close to a 2 or a 5, and mirrored they come close to each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from training.pen_render import RENDER_VERSION, TRAINING_CANVAS, cached_drawings, rendered_digits
from training.pendigits import PenDigit

# (x, y) -> new (x, y), y down; every turn keeps the drawing's size.
TURNS = {
    "mirrored": np.array([[-1.0, 0.0], [0.0, 1.0]]),
    "upside down": np.array([[-1.0, 0.0], [0.0, -1.0]]),
    "on its left side": np.array([[0.0, 1.0], [-1.0, 0.0]]),
    "on its right side": np.array([[0.0, -1.0], [1.0, 0.0]]),
}
TURNS_OF_DIGIT: dict[int, tuple[str, ...]] = {
    2: ("on its left side", "on its right side"),
    3: ("mirrored", "upside down", "on its left side", "on its right side"),
    4: ("mirrored", "upside down", "on its left side", "on its right side"),
    5: ("on its left side", "on its right side"),
    6: ("mirrored", "on its left side", "on its right side"),
    7: ("mirrored", "upside down", "on its left side", "on its right side"),
    9: ("mirrored", "on its left side", "on its right side"),
}


def turned(digit: PenDigit, turn: str) -> PenDigit:
    """``digit`` with every stroke mirrored or turned (about the origin: drawing re-centres it)."""
    matrix = TURNS[turn]
    return PenDigit(digit.label, digit.writer, tuple((s @ matrix.T).astype(np.float32) for s in digit.strokes))


def turned_digits(digits: Sequence[PenDigit], count: int, seed: int, cache_dir: Path | None = None) -> np.ndarray:
    """``count`` drawings of ``digits`` mirrored or turned, as 28x28 uint8 (the app's preprocessing)."""
    rng = np.random.default_rng(seed)
    eligible = [d for d in digits if d.label in TURNS_OF_DIGIT]
    if not eligible or count <= 0:
        return np.zeros((0, 28, 28), np.uint8)
    chosen = []
    for index in rng.integers(len(eligible), size=count).tolist():
        options = TURNS_OF_DIGIT[eligible[index].label]
        chosen.append((eligible[index], options[int(rng.integers(len(options)))]))
    key = hashlib.sha256(repr([(d.label, d.writer, len(d.points()), t) for d, t in chosen]).encode()).hexdigest()[:12]
    cache = None if cache_dir is None else cache_dir / f"turned-v{RENDER_VERSION}-{key}-{count}-{seed}.npz"

    def make() -> np.ndarray:
        drawn = rendered_digits([turned(d, t) for d, t in chosen], 1, seed=seed, canvas=TRAINING_CANVAS)
        return drawn.images

    return cached_drawings(cache, make)
