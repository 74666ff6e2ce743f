"""Two real pen digits written over each other: every stroke a digit's, the whole no digit.

Outlier exposure teaches the most with outliers close to the digits (see
training/turned.py). A 3 written over a 7, or a 2 over a 5, is made of real
handwriting, has loops with cusps and zig-zags that the drawn shapes lack,
and is not a digit. Both digits come from the *training* writers, each scaled
to the same box and centred on it, and the pair is drawn as one digit is
(training/pen_render.py), to be trained towards "unsure".

0s, 1s and 8s are left out: a 1 over a 7 or a 4 is still that digit to most
readers, and a 0 or an 8 over another digit reads as an 8, a 6 or a 0 (seen on
a contact sheet of the first draws).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from training.pen_render import RENDER_VERSION, TRAINING_CANVAS, cached_drawings, rendered_digits
from training.pendigits import PenDigit

LEFT_OUT = (0, 1, 8)


def in_unit_box(digit: PenDigit) -> list[np.ndarray]:
    """The digit's strokes scaled so its box is 1 tall (or wide, whichever is longer), centred on 0."""
    points = digit.points().astype(np.float64)
    lo, hi = points.min(0), points.max(0)
    span = float((hi - lo).max()) or 1.0
    return [(np.asarray(s, np.float64) - (lo + hi) / 2) / span for s in digit.strokes]


def overlaid(first: PenDigit, second: PenDigit) -> PenDigit:
    """``first`` and ``second`` in the same box, as one drawing (labelled with the first's digit)."""
    strokes = tuple(s.astype(np.float32) for s in in_unit_box(first) + in_unit_box(second))
    return PenDigit(first.label, first.writer, strokes)


def overlaid_digits(digits: Sequence[PenDigit], count: int, seed: int, cache_dir: Path | None = None) -> np.ndarray:
    """``count`` drawings of two different digits of one writer over each other, as 28x28 uint8."""
    rng = np.random.default_rng(seed)
    by_writer: dict[int, list[PenDigit]] = {}
    for digit in digits:
        if digit.label not in LEFT_OUT:
            by_writer.setdefault(digit.writer, []).append(digit)
    writers = [w for w, own in by_writer.items() if len({d.label for d in own}) > 1]
    if not writers or count <= 0:
        return np.zeros((0, 28, 28), np.uint8)
    chosen = []
    while len(chosen) < count:
        own = by_writer[writers[int(rng.integers(len(writers)))]]
        first, second = (own[int(i)] for i in rng.integers(len(own), size=2))
        if first.label != second.label:
            chosen.append((first, second))
    key = hashlib.sha256(
        repr([(a.label, b.label, a.writer, len(a.points()), len(b.points())) for a, b in chosen]).encode()
    ).hexdigest()[:12]
    cache = None if cache_dir is None else cache_dir / f"overlaid-v{RENDER_VERSION}-{key}-{count}-{seed}.npz"

    def make() -> np.ndarray:
        drawn = rendered_digits([overlaid(a, b) for a, b in chosen], 1, seed=seed, canvas=TRAINING_CANVAS)
        return drawn.images

    return cached_drawings(cache, make)
