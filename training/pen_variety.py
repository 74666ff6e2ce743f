"""New writers from old: a pen digit's strokes changed the way writers differ.

The pen digits' errors on writers never trained on are styles, not renderings:
on the validation writers, accuracy is the same at every size, pen, slant and
place the renderer draws (96.4-98.7 % in every bin of 3,000 drawings), while one
writer's flat-topped 3s read as 7 and another's long-flagged 1s as 7. Twenty
training writers hold only so many styles. So, before it is drawn, a digit's
trajectory may be changed as another writer would have written it:

* its proportions bent by a smooth warp (a larger or smaller loop, a flatter
  top, a longer tail): low-frequency waves moving every point a little;
* each stroke of a digit in several strokes moved, turned and sized on its own
  (where a 5's flag or a 4's bar sits, how far a 7's bar crosses);
* the ends of a stroke drawn a little longer or shorter (a 1's flag, a 9's tail,
  how far a 4's arm reaches).

Every change is small against the digit (a few per cent of its size) so that a
digit stays its label. Strokes are (n, 2) arrays, y down, in any unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

WARP = 0.05  # largest displacement of the smooth warp, times the digit's size
WAVES = 3  # sinusoids summed per axis
STROKE_TURN = 8.0  # degrees, each stroke of a multi-stroke digit about its own centre
STROKE_SHIFT = 0.04  # times the digit's size
STROKE_SCALE = 0.1  # each stroke scaled by exp(+-this)
END_CHANGE = 0.1  # an end drawn this much longer or shorter, times the stroke's length, at most
END_CHANCE = 0.3  # how often each end of a stroke is changed


def vary_strokes(strokes: Sequence[np.ndarray], rng: np.random.Generator, amount: float = 1.0) -> list[np.ndarray]:
    """``strokes`` as another writer might have written them; ``amount`` scales every change (0: none)."""
    strokes = [np.asarray(s, np.float64) for s in strokes]
    if amount <= 0:
        return strokes
    points = np.concatenate(strokes)
    lo, hi = points.min(0), points.max(0)
    size = float(max(hi - lo))
    if size <= 0:
        return strokes  # a dot: nothing to bend
    strokes = [_change_ends(s, rng, amount) for s in strokes]
    if len(strokes) > 1:
        strokes = [_move_stroke(s, rng, amount, size) for s in strokes]
    return [_warp(s, _waves(rng, amount, size, lo, hi)) for s in strokes]


def _waves(rng: np.random.Generator, amount: float, size: float, lo: np.ndarray, hi: np.ndarray) -> list:
    """Per axis, WAVES sinusoids over the digit's box: (amplitude, frequency, phase, along which axis)."""
    span = np.maximum(hi - lo, 1e-6)
    waves = []
    for axis in (0, 1):
        for _ in range(WAVES):
            along = int(rng.integers(2))
            amplitude = rng.uniform(-1, 1) * WARP * amount * size / WAVES
            frequency = rng.uniform(0.5, 1.5) * math.pi / span[along]  # at most one and a half waves across
            waves.append((axis, along, amplitude, frequency, rng.uniform(0, 2 * math.pi), lo[along]))
    return waves


def _warp(stroke: np.ndarray, waves: list) -> np.ndarray:
    moved = stroke.copy()
    for axis, along, amplitude, frequency, phase, origin in waves:
        moved[:, axis] += amplitude * np.sin(frequency * (stroke[:, along] - origin) + phase)
    return moved


def _move_stroke(stroke: np.ndarray, rng: np.random.Generator, amount: float, size: float) -> np.ndarray:
    centre = (stroke.min(0) + stroke.max(0)) / 2
    angle = math.radians(rng.uniform(-1, 1) * STROKE_TURN * amount)
    scale = math.exp(rng.uniform(-1, 1) * STROKE_SCALE * amount)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]) * scale
    shift = rng.uniform(-1, 1, 2) * STROKE_SHIFT * amount * size
    return (stroke - centre) @ turn.T + centre + shift


def _change_ends(stroke: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """Each end, now and then, drawn further along its own direction or cut back along the stroke."""
    if len(stroke) < 3:
        return stroke
    steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    length = float(steps.sum())
    if length <= 0:
        return stroke
    for end in (0, 1):
        if rng.random() >= END_CHANCE:
            continue
        change = rng.uniform(-1, 1) * END_CHANGE * amount * length
        ordered = stroke if end == 1 else stroke[::-1]
        ordered = _extended(ordered, change) if change > 0 else _cut(ordered, -change)
        stroke = ordered if end == 1 else ordered[::-1]
    return stroke


def _extended(stroke: np.ndarray, by: float) -> np.ndarray:
    """The stroke drawn ``by`` further, straight on from the direction of its last few points."""
    tail = stroke[-1] - stroke[max(0, len(stroke) - 4)]
    norm = float(np.linalg.norm(tail))
    if norm <= 0:
        return stroke
    return np.vstack([stroke, stroke[-1] + tail / norm * by])


def _cut(stroke: np.ndarray, by: float) -> np.ndarray:
    """The stroke ending ``by`` earlier along its path (never shorter than two points)."""
    steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    from_end = np.cumsum(steps[::-1])
    keep = len(stroke) - int(np.searchsorted(from_end, by))
    return stroke[: max(2, keep)]
