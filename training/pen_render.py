"""Pen trajectories drawn the way our canvas draws them.

The window paints a stroke as anti-aliased line segments with round caps and
round joins, dark on white. Here the same: each stroke of a :class:`PenDigit`
(or any list of point arrays) is placed on a canvas at some size, slant,
rotation and position, and drawn with a round pen, supersampled for smooth
edges. Rendering variety is what lets a network trained on 20 writers read a
21st: writers differ in slant, proportions and pen, and users in canvas use.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from mnist_desk.strokes import SUPERSAMPLE, draw_strokes
from training.data import Digits
from training.pen_variety import vary_strokes
from training.pendigits import PenDigit

CANVAS = 280
# Training drawings are rendered smaller: the 28x28 result is nearly the same, 4x cheaper.
TRAINING_CANVAS = 112
# Bump when the renderer or the styles change, so cached training drawings are rebuilt.
RENDER_VERSION = 2


@dataclass(frozen=True)
class PenStyle:
    """How one digit is put on the canvas (lengths in pixels of a ``CANVAS`` canvas)."""

    height: float  # of the digit's box before slant and rotation
    aspect: float  # width stretch of the written shape (1 = as written)
    slant: float  # horizontal shear: x += slant * (centre_y - y)
    rotation: float  # degrees, clockwise on screen
    pen: float  # stroke width
    smooth: bool  # Catmull-Rom through the samples (a mouse path) or straight segments
    x: float  # where the box sits: 0 = flush left ... 1 = flush right
    y: float


def random_style(rng: np.random.Generator) -> PenStyle:
    """A style as varied as people draw on a 280 px canvas: small or large, thin or felt pen."""
    height = float(rng.uniform(50, 260))
    # Pens as on the app's canvas (brush 2-40 px at 280 px), rarely a blob for a small digit.
    pen = float(np.exp(rng.uniform(np.log(3), np.log(30))))
    pen = min(pen, 0.25 * height)
    return PenStyle(
        height=height,
        aspect=float(np.exp(rng.uniform(-0.2, 0.2))),
        slant=float(rng.uniform(-0.35, 0.35)),
        rotation=float(rng.uniform(-10, 10)),
        pen=pen,
        smooth=bool(rng.random() < 0.5),
        x=float(rng.random()),
        y=float(rng.random()),
    )


def shape_strokes(strokes: Sequence[np.ndarray], style: PenStyle, canvas: float = CANVAS) -> list[np.ndarray]:
    """Scale, stretch, slant and rotate strokes (y down) into canvas pixels, placed per ``style``.

    The written box is scaled so its height is ``style.height`` (its width
    follows the writer's own proportions); the result is shrunk if it would not
    fit the canvas with the pen, then put at (style.x, style.y) of the room left.
    """
    points = np.concatenate(strokes).astype(np.float64)
    lo, hi = points.min(0), points.max(0)
    centre = (lo + hi) / 2
    extent = max(hi[1] - lo[1], (hi[0] - lo[0]) * 0.5)
    # A lone dot has no extent: it stays the size of the pen that made it.
    scale = style.height / extent if extent > 0 else 1.0
    angle = math.radians(style.rotation)
    cos, sin = math.cos(angle), math.sin(angle)
    shaped = []
    for stroke in strokes:
        p = (np.asarray(stroke, np.float64) - centre) * scale
        p[:, 0] = p[:, 0] * style.aspect - style.slant * p[:, 1]
        shaped.append(np.stack([p[:, 0] * cos - p[:, 1] * sin, p[:, 0] * sin + p[:, 1] * cos], 1))
    allpts = np.concatenate(shaped)
    lo, hi = allpts.min(0) - style.pen / 2, allpts.max(0) + style.pen / 2
    span = hi - lo
    fit = min(1.0, (canvas - 2) / max(span.max(), 1e-6))
    shaped = [s * fit for s in shaped]
    lo, span = lo * fit, span * fit
    offset = -lo + np.array([style.x, style.y]) * np.maximum(canvas - span, 0)
    return [s + offset for s in shaped]


def render(strokes: Sequence[np.ndarray], style: PenStyle, canvas: int = CANVAS) -> np.ndarray:
    """(canvas, canvas) uint8, dark ink on white, the digit drawn as ``style`` says.

    ``style`` lengths are for a ``CANVAS`` px canvas; a smaller canvas (cheaper,
    for training data) holds the same drawing scaled down.
    """
    size = canvas / CANVAS
    shaped = shape_strokes(strokes, style, CANVAS)
    big = Image.new("L", (canvas * SUPERSAMPLE, canvas * SUPERSAMPLE), 255)
    draw_strokes(big, shaped, style.pen, style.smooth, SUPERSAMPLE * size)
    return np.asarray(big.resize((canvas, canvas), Image.Resampling.BOX))


def cached_drawings(cache: Path | None, make: Callable[[], np.ndarray]) -> np.ndarray:
    """``make()``'s (N, 28, 28) images, read from ``cache`` when it holds them, else made and
    written there atomically (a damaged cache is made again)."""
    if cache is not None and cache.is_file():
        try:
            with np.load(cache) as saved:
                return saved["images"]
        except (OSError, ValueError, KeyError):
            pass  # made again below
    images = make()
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, images=images)
        os.replace(tmp, cache)
    return images


def stacked(chunks: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate(chunks) if len(chunks) else np.zeros((0, 28, 28), np.uint8)


# Drawings are made in chunks of this many, each chunk with its own seed, so the
# result is the same however many processes share the work.
CHUNK = 500


def parallel_chunks(work: Callable[[Any], np.ndarray], tasks: Sequence[Any]) -> list[np.ndarray]:
    """``[work(t) for t in tasks]``, spread over the CPU's cores (rendering is pure Python and Pillow)."""
    workers = min(len(tasks), os.cpu_count() or 1)
    if workers <= 1:
        return [work(t) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(work, tasks))


def _render_pen_chunk(task: tuple[list[tuple[np.ndarray, ...]], int, int, int, float]) -> np.ndarray:
    from mnist_desk.preprocess import preprocess

    strokes_list, seed, index, canvas, variety = task
    rng = np.random.default_rng([seed, index])
    if variety > 0:  # the strokes changed as another writer might have written them (training/pen_variety.py)
        variety_rng = np.random.default_rng([seed, index, 1])  # apart, so variety 0 draws as before
        strokes_list = [vary_strokes(strokes, variety_rng, variety) for strokes in strokes_list]
    return np.stack(
        [
            (preprocess(render(strokes, random_style(rng), canvas)) * 255).round().astype(np.uint8)
            for strokes in strokes_list
        ]
    )


def rendered_digits(
    digits: Sequence[PenDigit],
    renders: int,
    seed: int,
    canvas: int = TRAINING_CANVAS,
    cache_dir: Path | None = None,
    variety: float = 0.0,
) -> Digits:
    """Every pen digit drawn ``renders`` times in random styles and preprocessed to 28x28
    exactly as the app does: a training set, reproducible from ``seed`` and cached.
    ``variety`` > 0: each drawing's strokes changed first, as by another writer (pen_variety.py)."""
    key = hashlib.sha256(repr([(d.label, d.writer, len(d.points())) for d in digits]).encode()).hexdigest()[:12]
    name = f"pen-v{RENDER_VERSION}-{key}-{renders}-{seed}-{canvas}" + (f"-var{variety:g}" if variety > 0 else "")
    items = [d for d in digits for _ in range(renders)]

    def make() -> np.ndarray:
        tasks = [
            ([d.strokes for d in items[i : i + CHUNK]], seed, i // CHUNK, canvas, variety)
            for i in range(0, len(items), CHUNK)
        ]
        return stacked(parallel_chunks(_render_pen_chunk, tasks))

    images = cached_drawings(None if cache_dir is None else cache_dir / f"{name}.npz", make)
    labels = np.array([d.label for d in items], dtype=np.uint8)
    return Digits(images, labels, name)
