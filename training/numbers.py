"""Numbers written the way people write them, composed from one writer's pen digits.

A person writing "2026" keeps roughly one size, one slant and one pen, but
the digits still vary in height (a 1 is narrow, a 7 may hang lower), the
gaps are uneven, some digits touch or overlap a little, and the line drifts
up or down. :func:`compose_number` reproduces that from real trajectories,
and returns the strokes (what the window has) as well as the picture (what
`mnist-desk predict --number` reads) and the true box of every digit.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from training.pen_render import (
    CHUNK,
    RENDER_VERSION,
    SUPERSAMPLE,
    TRAINING_CANVAS,
    PenStyle,
    cached_drawings,
    draw_strokes,
    parallel_chunks,
    shape_strokes,
    stacked,
)
from training.pendigits import PenDigit

TOUCHING = 0.15  # the share of neighbouring digits written touching or slightly overlapping


@dataclass(frozen=True)
class ComposedNumber:
    text: str
    image: np.ndarray  # (H, W) uint8, dark ink on white
    strokes: list[np.ndarray]  # every stroke in image pixels, digit by digit, left to right
    digit_of_stroke: list[int]  # which digit (0-based, left to right) each stroke belongs to
    boxes: list[tuple[int, int, int, int]]  # each digit's ink box (x0, y0, x1, y1)
    pen: float
    touching: int  # how many neighbouring pairs were written touching or overlapping


def compose_number(digits: Sequence[PenDigit], rng: np.random.Generator, height: int = 280) -> ComposedNumber:
    """Write ``digits`` side by side on a canvas ``height`` px tall (width as needed)."""
    size = rng.uniform(0.45, 0.7) * height
    slant = rng.uniform(-0.15, 0.15)  # on top of the writer's own slant
    pen = min(float(np.exp(rng.uniform(np.log(3), np.log(24)))), 0.2 * size)
    tilt = math.tan(math.radians(rng.uniform(-6, 6)))  # the line drifts up or down
    placed: list[list[np.ndarray]] = []
    x = pen
    touching = 0
    for k, digit in enumerate(digits):
        style = PenStyle(
            height=size * rng.uniform(0.85, 1.15),
            aspect=float(np.exp(rng.uniform(-0.1, 0.1))),
            slant=slant + rng.uniform(-0.08, 0.08),
            rotation=rng.uniform(-4, 4),
            pen=pen,
            smooth=False,
            x=0.0,
            y=0.0,
        )
        strokes = shape_strokes(digit.strokes, style, canvas=10 * height)  # a big canvas: never shrunk to fit
        pts = np.concatenate(strokes)
        # Natural gaps are about a fifth of a digit's height; some pairs touch or overlap a little.
        gap = size * (rng.uniform(-0.06, 0.0) if rng.random() < TOUCHING else rng.uniform(0.05, 0.4))
        touching += int(k > 0 and gap <= 0)
        dx = x - pts[:, 0].min() + (gap if k else 0)
        baseline = 0.5 * height + tilt * x + rng.normal(0, 0.03 * size)
        dy = baseline - (pts[:, 1].min() + pts[:, 1].max()) / 2
        moved = [s + [dx, dy] for s in strokes]
        placed.append(moved)
        x = np.concatenate(moved)[:, 0].max()
    allpts = np.concatenate([s for d in placed for s in d])
    lo = allpts.min(0) - pen
    width = int(math.ceil(allpts[:, 0].max() - lo[0] + pen))
    top_room = allpts[:, 1].max() - lo[1] + pen
    canvas_h = max(height, int(math.ceil(top_room)))
    shift = np.array([-lo[0], -lo[1] + (canvas_h - top_room) / 2])
    placed = [[s + shift for s in d] for d in placed]
    big = Image.new("L", (width * SUPERSAMPLE, canvas_h * SUPERSAMPLE), 255)
    strokes, owner, boxes = [], [], []
    for k, digit_strokes in enumerate(placed):
        draw_strokes(big, digit_strokes, pen, smooth=False, scale=SUPERSAMPLE)
        pts = np.concatenate(digit_strokes)
        boxes.append(tuple(int(v) for v in (*np.floor(pts.min(0) - pen / 2), *np.ceil(pts.max(0) + pen / 2))))
        strokes += digit_strokes
        owner += [k] * len(digit_strokes)
    image = np.asarray(big.resize((width, canvas_h), Image.Resampling.BOX))
    text = "".join(str(d.label) for d in digits)
    return ComposedNumber(text, image, strokes, owner, boxes, pen, touching)


def random_number(writer_digits: Sequence[PenDigit], length: int, rng: np.random.Generator) -> ComposedNumber:
    """A number of ``length`` random digits, all written by the same writer."""
    chosen = [writer_digits[int(i)] for i in rng.choice(len(writer_digits), length, replace=False)]
    return compose_number(chosen, rng)


# A straddle keeps between these shares of each digit's width: always a real
# part of both, never the whole of either.
STRADDLE_SHARE = (0.3, 0.7)


def straddle_columns(number: ComposedNumber, rng: np.random.Generator) -> tuple[int, int] | None:
    """Columns [left, right) from inside the first digit to inside the second, or None when
    the two overlap so much that no such strip exists."""
    (a0, _, a1, _), (b0, _, b1, _) = number.boxes[:2]
    left = int(round(a0 + rng.uniform(*STRADDLE_SHARE) * (a1 - a0)))
    right = int(round(b0 + rng.uniform(*STRADDLE_SHARE) * (b1 - b0)))
    return (left, right) if right - left >= 2 else None


def straddle(number: ComposedNumber, rng: np.random.Generator) -> np.ndarray | None:
    """The strip of :func:`straddle_columns`: the wrong piece a segmenter cuts when a seam
    goes through the wrong place (a 4's bar and the 6 it touches)."""
    columns = straddle_columns(number, rng)
    return None if columns is None else number.image[:, columns[0] : columns[1]]


def _render_pair_chunk(task: tuple[list[tuple[PenDigit, PenDigit]], int, int, int, bool]) -> np.ndarray:
    from mnist_desk.preprocess import EmptyImageError, preprocess

    pairs, seed, index, canvas, straddles = task
    rng = np.random.default_rng([seed, index])
    images = []
    for pair in pairs:
        number = compose_number(pair, rng, height=canvas)
        drawing = straddle(number, rng) if straddles else number.image
        if drawing is None:
            continue
        try:
            images.append((preprocess(drawing) * 255).round().astype(np.uint8))
        except EmptyImageError:
            continue
    return np.stack(images) if images else np.zeros((0, 28, 28), np.uint8)


def rendered_pairs(
    digits: Sequence[PenDigit],
    count: int,
    seed: int,
    canvas: int = TRAINING_CANVAS,
    cache_dir: Path | None = None,
    straddles: bool = False,
) -> np.ndarray:
    """``count`` pairs of one writer's digits written side by side, squeezed to 28x28 as the
    app would read them: what a single-digit reading must call "not a digit" (it is a number).
    With ``straddles``, only a strip from inside the first digit to inside the second
    (:func:`straddle`): part of one digit and part of the next is not a digit either."""
    key = hashlib.sha256(repr([(d.label, d.writer, len(d.points())) for d in digits]).encode()).hexdigest()[:12]
    name = "straddles" if straddles else "pairs"
    cache = None if cache_dir is None else cache_dir / f"{name}-v{RENDER_VERSION}-{key}-{count}-{seed}-{canvas}.npz"

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        by_writer: dict[int, list[PenDigit]] = {}
        for d in digits:
            by_writer.setdefault(d.writer, []).append(d)
        writers = sorted(by_writer)
        pairs = []
        for _ in range(count):
            pool = by_writer[writers[int(rng.integers(len(writers)))]]
            first, second = rng.choice(len(pool), 2, replace=False)
            pairs.append((pool[int(first)], pool[int(second)]))
        tasks = [(pairs[i : i + CHUNK], seed, i // CHUNK, canvas, straddles) for i in range(0, count, CHUNK)]
        return stacked(parallel_chunks(_render_pair_chunk, tasks))

    return cached_drawings(cache, make)
