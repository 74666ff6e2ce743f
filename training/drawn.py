"""Synthetic digits drawn the way our users draw them: dark strokes on a light
280x280 canvas, at any size and place, with a mouse-like pen.

Each digit has several written styles as control points in a unit box,
including the ones MNIST rarely has (European 1s with a long flag, crossed
7s, 7s and 9s with curled tails, 4s written in one stroke). A sample picks a
style and varies it: wobble of every point, slant, rotation, aspect, size,
position and pen width. The strokes are smoothed with a Catmull-Rom spline
and rendered at 2x for anti-aliasing.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mnist_desk.preprocess import preprocess
from mnist_desk.strokes import catmull_rom
from training.data import Digits

CANVAS = 280
# Training drawings are rendered smaller: the 28x28 result is the same, 6x cheaper.
TRAINING_CANVAS = 112
# Bump when the styles or the renderer change, so cached drawings are rebuilt.
GENERATOR_VERSION = 1

Stroke = list[tuple[float, float]]
# x in [0, 1] left->right, y in [0, 1] top->bottom; a digit is ~0.6 as wide as tall.
STYLES: dict[int, list[list[Stroke]]] = {
    0: [
        [[(0.5, 0.0), (0.15, 0.2), (0.1, 0.6), (0.35, 1.0), (0.7, 0.95), (0.9, 0.5), (0.8, 0.12), (0.5, 0.0), (0.4, 0.05)]],
        [[(0.55, 0.02), (0.25, 0.1), (0.12, 0.5), (0.3, 0.95), (0.65, 0.98), (0.88, 0.6), (0.8, 0.15), (0.5, 0.02)]],
    ],
    1: [
        [[(0.5, 0.0), (0.5, 1.0)]],
        [[(0.2, 0.3), (0.55, 0.0), (0.55, 1.0)]],  # European: long flag
        [[(0.25, 0.25), (0.55, 0.0), (0.55, 1.0)], [(0.3, 1.0), (0.8, 1.0)]],  # flag and base
        [[(0.35, 0.12), (0.55, 0.0), (0.5, 1.0)]],
    ],
    2: [
        [[(0.12, 0.25), (0.35, 0.02), (0.7, 0.03), (0.85, 0.28), (0.65, 0.55), (0.1, 1.0), (0.9, 0.98)]],
        [[(0.15, 0.2), (0.5, 0.0), (0.85, 0.2), (0.75, 0.5), (0.15, 0.95), (0.3, 0.85), (0.45, 0.95), (0.9, 0.97)]],
    ],
    3: [
        [[(0.15, 0.12), (0.5, 0.0), (0.82, 0.15), (0.75, 0.38), (0.4, 0.48), (0.78, 0.6), (0.85, 0.82), (0.5, 1.0), (0.1, 0.88)]],
        [[(0.15, 0.02), (0.85, 0.02), (0.4, 0.42), (0.8, 0.58), (0.82, 0.85), (0.45, 1.0), (0.1, 0.88)]],  # flat top
    ],
    4: [
        [[(0.6, 0.0), (0.08, 0.65), (0.92, 0.65)], [(0.7, 0.3), (0.7, 1.0)]],
        [[(0.2, 0.0), (0.12, 0.58), (0.88, 0.58)], [(0.72, 0.0), (0.72, 1.0)]],  # open top
        [[(0.68, 1.0), (0.68, 0.0), (0.08, 0.65), (0.92, 0.65)]],  # one stroke, closed
        [[(0.2, 0.0), (0.12, 0.58), (0.75, 0.58), (0.75, 0.02), (0.72, 1.0)]],  # one stroke, open
    ],
    5: [
        [[(0.85, 0.0), (0.25, 0.02), (0.2, 0.45), (0.55, 0.38), (0.85, 0.6), (0.8, 0.9), (0.45, 1.0), (0.1, 0.88)]],
        [[(0.25, 0.02), (0.2, 0.45), (0.55, 0.38), (0.85, 0.6), (0.8, 0.9), (0.45, 1.0), (0.1, 0.88)], [(0.25, 0.02), (0.85, 0.0)]],
    ],
    6: [
        [[(0.72, 0.02), (0.35, 0.25), (0.15, 0.65), (0.3, 0.97), (0.62, 0.97), (0.8, 0.7), (0.55, 0.5), (0.22, 0.62)]],
        [[(0.6, 0.0), (0.3, 0.35), (0.18, 0.75), (0.4, 1.0), (0.72, 0.88), (0.7, 0.6), (0.4, 0.55), (0.2, 0.72)]],
    ],
    7: [
        [[(0.08, 0.02), (0.9, 0.0), (0.35, 1.0)]],
        [[(0.08, 0.02), (0.9, 0.0), (0.35, 1.0)], [(0.3, 0.5), (0.82, 0.48)]],  # crossed
        [[(0.08, 0.15), (0.1, 0.0), (0.9, 0.02), (0.5, 0.6), (0.42, 0.88), (0.52, 1.0)]],  # hook and curled tail
        [[(0.08, 0.02), (0.9, 0.0), (0.55, 0.55), (0.5, 0.85), (0.3, 1.0)]],  # tail curled left
    ],
    8: [
        [[(0.78, 0.12), (0.5, 0.0), (0.2, 0.12), (0.3, 0.36), (0.72, 0.6), (0.82, 0.85), (0.5, 1.0), (0.18, 0.85), (0.28, 0.6), (0.7, 0.36), (0.8, 0.12)]],
        [[(0.5, 0.48), (0.2, 0.25), (0.5, 0.0), (0.8, 0.25), (0.5, 0.48), (0.15, 0.75), (0.5, 1.0), (0.85, 0.75), (0.5, 0.48)]],
    ],
    9: [
        [[(0.82, 0.2), (0.5, 0.0), (0.2, 0.15), (0.25, 0.42), (0.55, 0.48), (0.82, 0.25)], [(0.82, 0.15), (0.75, 1.0)]],
        [[(0.82, 0.2), (0.5, 0.0), (0.2, 0.15), (0.25, 0.42), (0.55, 0.48), (0.82, 0.22), (0.78, 0.8), (0.6, 1.0), (0.3, 0.95)]],  # curled tail
        [[(0.8, 0.25), (0.5, 0.02), (0.18, 0.2), (0.3, 0.45), (0.78, 0.35), (0.8, 0.05), (0.8, 1.0)]],  # one stroke, straight stem
    ],
}  # fmt: skip


def draw_digit(digit: int, rng: np.random.Generator, style: int | None = None, canvas: int = CANVAS) -> Image.Image:
    """One greyscale drawing of ``digit`` (dark ink on white), ``canvas`` pixels square.

    Sizes and pen widths are drawn for a 280 px canvas and scaled, so a
    smaller canvas (cheaper, for training data) holds the same drawings.
    """
    styles = STYLES[digit]
    strokes = styles[rng.integers(len(styles)) if style is None else style]
    height = rng.uniform(90, 240)
    aspect = rng.uniform(0.5, 0.8)
    slant = rng.uniform(-0.35, 0.35)
    angle = math.radians(rng.uniform(-10, 10))
    pen = rng.uniform(5, 26)
    wobble = rng.uniform(0.01, 0.045)
    box_w = height * aspect
    cos, sin = math.cos(angle), math.sin(angle)
    size = canvas / CANVAS
    height, box_w, pen = height * size, box_w * size, pen * size
    shaped = []
    for stroke in strokes:
        pts = np.array(stroke, dtype=np.float64) + rng.normal(0, wobble, (len(stroke), 2))
        x = (pts[:, 0] - 0.5) * box_w + slant * (0.5 - pts[:, 1]) * height
        y = (pts[:, 1] - 0.5) * height
        shaped.append(np.stack([x * cos - y * sin, x * sin + y * cos], 1))
    allpts = np.vstack(shaped)
    lo, hi = allpts.min(0) - pen, allpts.max(0) + pen
    span = hi - lo
    if (span > canvas).any():  # too big after slant: shrink to fit
        factor = (canvas - 2) / span.max()
        shaped = [s * factor for s in shaped]
        lo, hi, pen = lo * factor, hi * factor, pen * factor
    # Anywhere on the canvas where the whole drawing fits.
    offset = np.array([rng.uniform(-lo[0], canvas - hi[0]), rng.uniform(-lo[1], canvas - hi[1])])
    scale = 2  # draw at 2x, then downsample: anti-aliased edges like a real canvas
    img = Image.new("L", (canvas * scale, canvas * scale), 255)
    draw = ImageDraw.Draw(img)
    radius = pen * scale / 2
    for stroke in shaped:
        line = (catmull_rom(stroke) + offset) * scale
        coords = [tuple(p) for p in line]
        draw.line(coords, fill=0, width=max(1, int(round(pen * scale))), joint="curve")
        for px, py in (coords[0], coords[-1]):
            draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=0)
    return img.resize((canvas, canvas), Image.Resampling.LANCZOS)


def drawn_training_digits(count: int, seed: int, cache_dir: Path | None = None) -> Digits:
    """``count`` drawings with balanced labels, preprocessed to 28x28 exactly as
    the app does, reproducible from ``seed`` and cached (they take ~3 ms each)."""
    cache = None if cache_dir is None else cache_dir / f"drawn-v{GENERATOR_VERSION}-{count}-{seed}.npz"
    if cache is not None and cache.is_file():
        try:
            with np.load(cache) as saved:
                return Digits(saved["images"], saved["labels"], f"drawn-v{GENERATOR_VERSION}:{count}:{seed}")
        except (OSError, ValueError, KeyError):
            pass  # rebuilt below
    rng = np.random.default_rng(seed)
    labels = (np.arange(count) % 10).astype(np.uint8)
    rng.shuffle(labels)
    images = np.stack(
        [(preprocess(draw_digit(int(d), rng, canvas=TRAINING_CANVAS)) * 255).round().astype(np.uint8) for d in labels]
    )
    if cache is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, images=images, labels=labels)
        os.replace(tmp, cache)
    return Digits(images, labels, f"drawn-v{GENERATOR_VERSION}:{count}:{seed}")
