"""Drawings that are not digits: letters, shapes, scribbles, hatching, dots and dashes.

There is no letters-and-doodles dataset on our machines, so we draw our own,
as strokes, and render them exactly like the pen digits (training/pen_render.py).
The network is trained to be *unsure* on some kinds (outlier exposure: their
target is the uniform distribution), and the "not a digit" threshold is
chosen on other kinds; the kinds in :data:`TEST_KINDS` are never used for
either, so the rejection rate measured on them says how the app meets
drawings nobody prepared it for.

Letters come from the Hershey stroke fonts (MIT licence, the ``Hershey-Fonts``
package, a training-time dependency only): the script and cursive faces look
handwritten once wobbled, slanted and drawn with a round pen. Letters that
people also write as digits (O, I, l, S, Z, B, G, b, g, q ...) are left out:
reading them as digits is not a mistake.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from training.glyphs import GLYPH_FAMILIES, glyph_kinds
from training.pen_render import (
    CHUNK,
    RENDER_VERSION,
    TRAINING_CANVAS,
    cached_drawings,
    parallel_chunks,
    random_style,
    render,
    stacked,
)

Strokes = list[np.ndarray]

# Single-line faces only: the "double" ones draw outlines no pen makes.
LETTER_FONTS = ("scripts", "cursive", "futural", "rowmans")
UPPER = "ACEFHKLMNPRTUVWXY"
LOWER = "acefhkmnrtuvwxy"


# --- shapes, in a unit box (x right, y down) --------------------------------------


def _poly(*points: tuple[float, float]) -> np.ndarray:
    return np.array(points, dtype=np.float64)


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 24) -> np.ndarray:
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1)


def _star(rng: np.random.Generator) -> Strokes:
    start = rng.uniform(-100, -80)
    pts = [_arc(0.5, 0.5, 0.5, 0.5, start + 144 * k, start + 144 * k, 1)[0] for k in range(6)]
    return [np.array(pts)]


def _heart(rng: np.random.Generator) -> Strokes:
    # People draw a heart in one stroke from its top cusp or its point, or as
    # two halves meeting at both: all three, fatter or thinner.
    t = np.linspace(0, 2 * np.pi, 41)
    x = 16 * np.sin(t) ** 3 * rng.uniform(0.8, 1.2)
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    curve = np.stack([x, y], 1)
    way = rng.integers(3)
    if way == 1:
        return [np.roll(curve[:-1], 20, 0)[np.r_[0:40, 0]]]
    if way == 2:
        return [curve[:21], curve[20:][::-1]]
    return [curve]


def _smiley(rng: np.random.Generator) -> Strokes:
    face = _arc(0.5, 0.5, 0.5, 0.5, 0, 360 + rng.uniform(0, 30), 36)
    eyes = [_poly((0.35, 0.35), (0.36, 0.38)), _poly((0.65, 0.35), (0.64, 0.38))]
    mouth = _arc(0.5, 0.55, 0.25, 0.18, 20, 160, 12)
    return [face, *eyes, mouth]


def _house(rng: np.random.Generator) -> Strokes:
    walls = _poly((0.1, 0.45), (0.1, 1.0), (0.9, 1.0), (0.9, 0.45), (0.1, 0.45))
    roof = _poly((0.05, 0.48), (0.5, 0.0), (0.95, 0.48))
    door = _poly((0.42, 1.0), (0.42, 0.7), (0.58, 0.7), (0.58, 1.0))
    return [walls, roof] + ([door] if rng.random() < 0.5 else [])


def _arrow(rng: np.random.Generator) -> Strokes:
    angle = rng.choice([0, 45, 90, 135, 180, 225, 270, 315]) + rng.uniform(-10, 10)
    a = math.radians(angle)
    d = np.array([math.cos(a), math.sin(a)])
    tip, tail = 0.5 + 0.5 * d, 0.5 - 0.5 * d
    left = tip - 0.3 * np.array([math.cos(a - 0.5), math.sin(a - 0.5)])
    right = tip - 0.3 * np.array([math.cos(a + 0.5), math.sin(a + 0.5)])
    if rng.random() < 0.5:
        return [np.array([tail, tip]), np.array([left, tip, right])]
    return [np.array([tail, tip, left]), np.array([tip, right])]


def _check(rng: np.random.Generator) -> Strokes:
    return [_poly((0.0, 0.55), (0.35, 1.0), (1.0, 0.0))]


def _cross(rng: np.random.Generator) -> Strokes:
    return [_poly((0.0, 0.5), (1.0, 0.5)), _poly((0.5, 0.0), (0.5, 1.0))]


def _asterisk(rng: np.random.Generator) -> Strokes:
    return [np.array([_arc(0.5, 0.5, 0.5, 0.5, a, a, 1)[0], _arc(0.5, 0.5, 0.5, 0.5, a + 180, a + 180, 1)[0]])
            for a in (90, 30, 150)]  # fmt: skip


def _hash(rng: np.random.Generator) -> Strokes:
    return [_poly((0.35, 0.0), (0.25, 1.0)), _poly((0.75, 0.0), (0.65, 1.0)),
            _poly((0.0, 0.33), (1.0, 0.33)), _poly((0.0, 0.67), (1.0, 0.67))]  # fmt: skip


def _triangle(rng: np.random.Generator) -> Strokes:
    return [_poly((0.5, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.0))]


def _square(rng: np.random.Generator) -> Strokes:
    w = rng.uniform(0.6, 1.6)
    return [_poly((0, 0), (w, 0), (w, 1), (0, 1), (0, 0))]


def _diamond(rng: np.random.Generator) -> Strokes:
    return [_poly((0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5), (0.5, 0.0))]


def _spiral(rng: np.random.Generator) -> Strokes:
    t = np.linspace(0, rng.uniform(3, 5) * np.pi, 60)
    r = t / t.max()
    return [np.stack([r * np.cos(t), r * np.sin(t)], 1)]


def _zigzag(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(3, 7))
    return [np.array([(i / n, float(i % 2)) for i in range(n + 1)]) * [1.0, rng.uniform(0.3, 0.8)]]


def _wave(rng: np.random.Generator) -> Strokes:
    t = np.linspace(0, rng.uniform(2, 4) * np.pi, 50)
    return [np.stack([t / t.max(), 0.3 * np.sin(t)], 1)]


def _lightning(rng: np.random.Generator) -> Strokes:
    return [_poly((0.6, 0.0), (0.2, 0.55), (0.6, 0.5), (0.3, 1.0))]


def _sun(rng: np.random.Generator) -> Strokes:
    rays = [np.array([_arc(0.5, 0.5, 0.32, 0.32, a, a, 1)[0], _arc(0.5, 0.5, 0.5, 0.5, a, a, 1)[0]])
            for a in range(0, 360, 45)]  # fmt: skip
    return [_arc(0.5, 0.5, 0.22, 0.22, 0, 370, 24), *rays]


def _moon(rng: np.random.Generator) -> Strokes:
    return [np.vstack([_arc(0.5, 0.5, 0.5, 0.5, 60, 300, 24), _arc(0.75, 0.5, 0.4, 0.45, 240, 120, 20)])]


def _infinity(rng: np.random.Generator) -> Strokes:
    t = np.linspace(0, 2 * np.pi, 48)
    return [np.stack([np.cos(t), np.sin(2 * t) / 2], 1)]


def _equals(rng: np.random.Generator) -> Strokes:
    return [_poly((0.0, 0.35), (1.0, 0.35)), _poly((0.0, 0.65), (1.0, 0.65))]


def _percent(rng: np.random.Generator) -> Strokes:
    return [
        _arc(0.2, 0.2, 0.15, 0.15, 0, 370, 16),
        _poly((0.9, 0.0), (0.1, 1.0)),
        _arc(0.8, 0.8, 0.15, 0.15, 0, 370, 16),
    ]


def _stick_figure(rng: np.random.Generator) -> Strokes:
    return [_arc(0.5, 0.12, 0.12, 0.12, 0, 370, 16), _poly((0.5, 0.24), (0.5, 0.65)),
            _poly((0.2, 0.4), (0.8, 0.4)), _poly((0.25, 1.0), (0.5, 0.65), (0.75, 1.0))]  # fmt: skip


def _flower(rng: np.random.Generator) -> Strokes:
    t = np.linspace(0, 2 * np.pi, 80)
    r = 0.3 + 0.2 * np.abs(np.cos(2.5 * t))
    return [np.stack([r * np.cos(t), r * np.sin(t)], 1), _poly((0.0, 0.5), (0.0, 1.3))]


def _cloud(rng: np.random.Generator) -> Strokes:
    bumps = [_arc(cx, 0.5, 0.2, 0.25, 180, 360, 10) for cx in (0.2, 0.5, 0.8)]
    return [np.vstack([*bumps, _poly((1.0, 0.5), (1.0, 0.7), (0.0, 0.7), (0.0, 0.5))])]


def _scribble(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(6, 20))
    steps = rng.normal(0, 1, (n, 2))
    return [np.cumsum(steps, 0)]


def _tangle(rng: np.random.Generator) -> Strokes:
    t = np.linspace(0, 2 * np.pi * rng.uniform(2, 5), 120)
    f = rng.uniform(0.7, 3.0, 4)
    return [np.stack([np.sin(f[0] * t) + 0.5 * np.sin(f[1] * t), np.cos(f[2] * t) + 0.5 * np.cos(f[3] * t)], 1)]


def _hatching(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(3, 9))
    slope = rng.uniform(-0.6, 0.6)
    return [_poly((0.0, i / n), (1.0, i / n + slope)) for i in range(n)]


def _cross_hatching(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(3, 6))
    lines = [_poly((i / n, 0.0), (i / n + 0.3, 1.0)) for i in range(n)]
    return lines + [_poly((0.0, i / n), (1.3, i / n + 0.2)) for i in range(n)]


def _filled(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(5, 12))
    return [np.array([(float(i % 2), i / n) for i in range(n + 1)])]  # back-and-forth colouring in


def _dot(rng: np.random.Generator) -> Strokes:
    return [_poly((0.5, 0.5))]  # one click: the pen's own round mark


def _dash(rng: np.random.Generator) -> Strokes:
    a = math.radians(rng.uniform(-25, 25))  # upright dashes are 1s
    return [
        _poly((0.5 - 0.5 * math.cos(a), 0.5 - 0.5 * math.sin(a)), (0.5 + 0.5 * math.cos(a), 0.5 + 0.5 * math.sin(a)))
    ]


def _dots(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(2, 6))
    return [_poly((x, y)) for x, y in rng.uniform(0, 1, (n, 2))]


# Four held-out kinds added on 2026-11-25, drawn and looked at before any network read them.
def _fish(rng: np.random.Generator) -> Strokes:
    body = _arc(0.4, 0.5, 0.4, 0.25, 30, 330, 30)
    tail = _poly(tuple(body[-1]), (1.0, 0.25), (1.0, 0.75), tuple(body[0]))
    eye = _poly((0.2, 0.42), (0.21, 0.44))
    return [np.vstack([body, tail]), eye]


def _umbrella(rng: np.random.Generator) -> Strokes:
    canopy = _arc(0.5, 0.45, 0.5, 0.4, 180, 360, 20)
    scallops = np.vstack([_arc(cx, 0.45, 1 / 6, 0.08, 0, -180, 8) for cx in (5 / 6, 0.5, 1 / 6)])
    handle = np.vstack([_poly((0.5, 0.45), (0.5, 0.9)), _arc(0.42, 0.9, 0.08, 0.08, 0, 180, 8)])
    return [np.vstack([canopy, scallops]), handle]


def _envelope(rng: np.random.Generator) -> Strokes:
    box = _poly((0.0, 0.2), (1.0, 0.2), (1.0, 0.8), (0.0, 0.8), (0.0, 0.2))
    flap = _poly((0.0, 0.2), (0.5, 0.55), (1.0, 0.2))
    return [box, flap]


def _note(rng: np.random.Generator) -> Strokes:
    head = _arc(0.3, 0.85, 0.18, 0.12, 0, 360, 16)
    stem = _poly((0.48, 0.85), (0.48, 0.0))
    flag = np.vstack([stem[-1:], _arc(0.48, 0.3, 0.3, 0.3, -90, 30, 10)])
    return [head, stem, flag] if rng.random() < 0.5 else [head, np.vstack([stem, flag[1:]])]


SHAPES: dict[str, Callable[[np.random.Generator], Strokes]] = {
    "star": _star, "heart": _heart, "smiley": _smiley, "house": _house, "arrow": _arrow, "check": _check,
    "cross": _cross, "asterisk": _asterisk, "hash": _hash, "triangle": _triangle, "square": _square,
    "diamond": _diamond, "spiral": _spiral, "zigzag": _zigzag, "wave": _wave, "lightning": _lightning,
    "sun": _sun, "moon": _moon, "infinity": _infinity, "equals": _equals, "percent": _percent,
    "stick-figure": _stick_figure, "flower": _flower, "cloud": _cloud, "scribble": _scribble,
    "tangle": _tangle, "hatching": _hatching, "cross-hatching": _cross_hatching, "filled": _filled,
    "dot": _dot, "dash": _dash, "dots": _dots, "fish": _fish, "umbrella": _umbrella, "envelope": _envelope,
    "note": _note,
}  # fmt: skip
LETTERS = tuple(UPPER) + tuple(LOWER)
ALL_KINDS = tuple(SHAPES) + tuple(f"letter-{c}" for c in LETTERS) + tuple(f"glyph-{f}" for f in GLYPH_FAMILIES)

# Never trained on and never used to choose the threshold: the rejection rate
# on these kinds is the figure we report. VALIDATION kinds choose the threshold.
TEST_KINDS = (
    "heart", "lightning", "moon", "percent", "flower", "tangle", "cross-hatching", "dots",
    "letter-E", "letter-K", "letter-M", "letter-R", "letter-Y", "letter-e", "letter-h", "letter-w",
    "fish", "umbrella", "envelope", "note",
)  # fmt: skip
TEST_KINDS_BEFORE = TEST_KINDS[:16]  # the figure reported until then
VALIDATION_KINDS = (
    "diamond", "sun", "equals", "cloud", "filled",
    "letter-F", "letter-N", "letter-U", "letter-c", "letter-m", "letter-x", "glyph-kanji", "glyph-astrology",
)  # fmt: skip
_DRAWN_KINDS = tuple(k for k in ALL_KINDS if not k.startswith("glyph-"))
TRAIN_KINDS = tuple(k for k in _DRAWN_KINDS if k not in TEST_KINDS + VALIDATION_KINDS)
# The glyph families a recipe may add (Recipe.glyph_negatives), each repeated by its
# size; two families are validation kinds instead, never trained on.
GLYPH_TRAIN_KINDS = tuple(k for k in glyph_kinds() if k not in TEST_KINDS + VALIDATION_KINDS)


@functools.cache
def _font(name: str):
    from HersheyFonts import HersheyFonts  # training-time dependency only

    font = HersheyFonts()
    font.load_default_font(name)
    return font


def glyph_strokes(font_name: str, char: str) -> Strokes:
    """One character of a Hershey font as strokes (y down)."""
    return [np.array(s, dtype=np.float64) for s in _font(font_name).strokes_for_text(char) if len(s)]


def _letter(char: str, rng: np.random.Generator) -> Strokes:
    return glyph_strokes(str(rng.choice(LETTER_FONTS)), char)


def _family_glyph(family: str, rng: np.random.Generator) -> Strokes:
    font_name, chars = GLYPH_FAMILIES[family]
    return glyph_strokes(font_name, chars[int(rng.integers(len(chars)))])


def negative_strokes(kind: str, rng: np.random.Generator) -> Strokes:
    """One drawing of ``kind`` as strokes (y down), wobbled like a hand, any scale."""
    if kind.startswith("letter-"):
        strokes = _letter(kind.removeprefix("letter-"), rng)
    elif kind.startswith("glyph-"):
        strokes = _family_glyph(kind.removeprefix("glyph-"), rng)
    else:
        strokes = SHAPES[kind](rng)
    points = np.concatenate(strokes)
    span = float(np.ptp(points, 0).max()) or 1.0
    # A hand wobbles smoothly, not pixel by pixel: a displacement field of a few
    # long waves over the drawing, a few percent of its size.
    freq = rng.uniform(0.5, 2.0, (3, 2)) * 2 * np.pi / span
    phase = rng.uniform(0, 2 * np.pi, (3, 2))
    amp = rng.uniform(0.0, 0.03, (3, 2)) * span

    def wobble(p: np.ndarray) -> np.ndarray:
        return p + (amp[:, None, :] * np.sin(p[None, :, ::-1] * freq[:, None, :] + phase[:, None, :])).sum(0)

    return [wobble(s) for s in strokes]


def _render_negative_chunk(task: tuple[tuple[str, ...], int, int, int, int]) -> np.ndarray:
    from mnist_desk.preprocess import EmptyImageError, preprocess

    kinds, first, count, seed, canvas = task
    rng = np.random.default_rng([seed, first])
    images = []
    while len(images) < count:
        kind = kinds[(first + len(images)) % len(kinds)]
        try:
            drawing = render(negative_strokes(kind, rng), random_style(rng), canvas)
            images.append((preprocess(drawing) * 255).round().astype(np.uint8))
        except EmptyImageError:
            continue  # too faint or too small to read: the app says so without classifying
    return np.stack(images) if images else np.zeros((0, 28, 28), np.uint8)


def rendered_negatives(
    kinds: Sequence[str], count: int, seed: int, canvas: int = TRAINING_CANVAS, cache_dir: Path | None = None
) -> np.ndarray:
    """``count`` non-digit drawings of ``kinds`` (in turn), preprocessed to 28x28 uint8
    exactly as the app does, reproducible from ``seed`` and cached."""
    key = hashlib.sha256(",".join(kinds).encode()).hexdigest()[:12]
    cache = None if cache_dir is None else cache_dir / f"neg-v{RENDER_VERSION}-{key}-{count}-{seed}-{canvas}.npz"

    def make() -> np.ndarray:
        tasks = [(tuple(kinds), i, min(CHUNK, count - i), seed, canvas) for i in range(0, count, CHUNK)]
        return stacked(parallel_chunks(_render_negative_chunk, tasks))

    return cached_drawings(cache, make)
