"""Strokes as data, drawn the way the canvas draws them: Qt-free.

A number written on the canvas is read stroke by stroke (mnist_desk/reading.py):
which strokes make one digit is decided from their boxes, and each digit is
then drawn alone, without its neighbours' ink, for the network to read. This
module draws them: round pen, round joins and caps, supersampled, dark on
white. training/pen_render.py draws its pen digits with the same function.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2
# The longest side a drawing of strokes gets (see render_strokes): twice the image side preprocess works at.
MAX_RENDER_SIDE = 4096
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class PenStroke:
    """One stroke: its points (n, 2) as (x, y) pixels, y down, and the pen's width."""

    points: np.ndarray
    width: float

    def __post_init__(self) -> None:
        # Refused here with one clear message, not deep inside numpy or Pillow (NaN -> int, a negative ellipse).
        points = np.asarray(self.points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or not len(points):
            raise ValueError(f"a stroke needs one or more (x, y) points, not an array of shape {points.shape}")
        if not np.isfinite(points).all():
            raise ValueError("a stroke's points must be finite numbers (this one has NaN or infinity)")
        if not (np.isfinite(self.width) and self.width >= 0):
            raise ValueError(f"a stroke's pen width must be a finite number >= 0, not {self.width}")
        object.__setattr__(self, "points", points)

    def box(self) -> Box:
        """(x0, y0, x1, y1) of its ink, the pen's width included; right and bottom exclusive."""
        half = self.width / 2
        lo, hi = self.points.min(0) - half, self.points.max(0) + half
        return int(np.floor(lo[0])), int(np.floor(lo[1])), int(np.ceil(hi[0])) + 1, int(np.ceil(hi[1])) + 1


def catmull_rom(points: np.ndarray, per_segment: int = 12) -> np.ndarray:
    """A smooth curve through ``points`` (Catmull-Rom), as a mouse or a pen would trace it."""
    if len(points) < 3:
        return np.linspace(points[0], points[-1], per_segment)
    padded = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1 : i + 3]
        out.append(
            0.5
            * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    out.append(points[-1:])
    return np.vstack(out)


def draw_strokes(image: Image.Image, strokes: Sequence[np.ndarray], pen: float, smooth: bool, scale: float) -> None:
    """Draw strokes (in image pixels / ``scale``) dark onto ``image`` with a round pen."""
    draw = ImageDraw.Draw(image)
    width = max(1, int(round(pen * scale)))
    radius = pen * scale / 2
    for stroke in strokes:
        path = catmull_rom(stroke, per_segment=4) if smooth and len(stroke) >= 3 else stroke
        coords = [(float(x) * scale, float(y) * scale) for x, y in path]
        if len(coords) > 1:
            draw.line(coords, fill=0, width=width, joint="curve")
        # Round caps (and the whole mark for a one-point stroke: a dot). Narrower than a pixel,
        # Pillow's ellipse is a 2x2 block or nothing, as the coordinates round (a pen 1e-16 wide at
        # x = 2 or 4: a hypothesis test); a point is one pixel wherever it lies.
        for px, py in (coords[0], coords[-1]):
            if radius < 0.5:
                draw.point((px, py), fill=0)
            else:
                draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=0)


# Paper around a stroke drawn alone: the round pen may reach a pixel past the stroke's box.
STROKE_PAD = 1
# What a StrokeImages may hold: a digit's stroke drawn is about 100 KB, one across a wide
# canvas a few MB, so a count alone would not bound the memory.
STROKE_IMAGES_BYTES = 64 * 2**20


def stroke_image(stroke: PenStroke) -> np.ndarray:
    """The stroke alone on white, SUPERSAMPLE times finer, its top left corner at
    (x0 - STROKE_PAD, y0 - STROKE_PAD) of its box."""
    x0, y0, x1, y1 = stroke.box()
    big = Image.new("L", ((x1 - x0 + 2 * STROKE_PAD) * SUPERSAMPLE, (y1 - y0 + 2 * STROKE_PAD) * SUPERSAMPLE), 255)
    draw_strokes(big, [stroke.points - [x0 - STROKE_PAD, y0 - STROKE_PAD]], stroke.width, False, SUPERSAMPLE)
    return np.asarray(big)


class StrokeImages:
    """Strokes drawn once each (:func:`stroke_image`), remembered by identity, least recently used out.

    Reading a number in full draws the same strokes in many combinations (which
    strokes make one digit?), and Pillow draws a wide line's round joins point
    by point in Python: drawing was more than half of a full reading's time
    (measured: 1.3 of 2.4 s for 150 readings). A drawing of several strokes is
    their images laid over each other (the darker pixel wins, as when they are
    drawn onto one picture), so each stroke is drawn once per reader, not once per combination.
    """

    def __init__(self, limit: int = STROKE_IMAGES_BYTES) -> None:
        self._limit = limit
        # id -> (the stroke itself, kept so that its id cannot be reused while remembered; its image)
        self._known: OrderedDict[int, tuple[PenStroke, np.ndarray]] = OrderedDict()
        self.bytes = 0
        self.drawn = 0

    def __call__(self, stroke: PenStroke) -> np.ndarray:
        known = self._known.get(id(stroke))
        if known is not None and known[0] is stroke:
            self._known.move_to_end(id(stroke))
            return known[1]
        image = stroke_image(stroke)
        self.drawn += 1
        self._known[id(stroke)] = (stroke, image)
        self.bytes += image.nbytes
        while self.bytes > self._limit and len(self._known) > 1:  # the newest stays, however big
            self.bytes -= self._known.popitem(last=False)[1][1].nbytes
        return image


def render_strokes(
    strokes: Sequence[PenStroke], margin: int = 4, images: StrokeImages | None = None
) -> tuple[np.ndarray, Box]:
    """The strokes alone on white: (uint8 drawing, the box it covers in the strokes' pixels).

    The drawing spans the strokes' joint box plus ``margin`` pixels of paper,
    one pixel per pixel up to :data:`MAX_RENDER_SIDE`, and scaled down to that
    beyond it: strokes 1e7 px apart, or a pen 1e5 px wide, are drawn small
    instead of filling the memory (no canvas makes them; a script can).
    ``images`` remembers each stroke's own drawing between calls.
    """
    boxes = [s.box() for s in strokes]
    x0, y0 = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    x1, y1 = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    shrink = max(1.0, max(x1 - x0, y1 - y0) / MAX_RENDER_SIDE)
    width, height = max(1, round((x1 - x0) / shrink)), max(1, round((y1 - y0) / shrink))
    if shrink > 1:
        big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 255)
        for stroke in strokes:
            draw_strokes(big, [stroke.points - [x0, y0]], stroke.width, False, SUPERSAMPLE / shrink)
    else:
        images = images if images is not None else StrokeImages()
        paper = np.full((height * SUPERSAMPLE, width * SUPERSAMPLE), 255, np.uint8)
        for stroke, box in zip(strokes, boxes, strict=True):
            _lay_over(
                paper,
                images(stroke),
                (box[0] - STROKE_PAD - x0) * SUPERSAMPLE,
                (box[1] - STROKE_PAD - y0) * SUPERSAMPLE,
            )
        big = Image.fromarray(paper)
    drawing = np.asarray(big.resize((width, height), Image.Resampling.BOX))
    return drawing, (x0 + margin, y0 + margin, x1 - margin, y1 - margin)


def _lay_over(paper: np.ndarray, image: np.ndarray, left: int, top: int) -> None:
    """Darken ``paper`` with ``image`` placed at (left, top); what falls outside the paper is cut off."""
    py0, px0 = max(top, 0), max(left, 0)
    py1, px1 = min(top + image.shape[0], paper.shape[0]), min(left + image.shape[1], paper.shape[1])
    if py0 < py1 and px0 < px1:
        window = paper[py0:py1, px0:px1]
        np.minimum(window, image[py0 - top : py1 - top, px0 - left : px1 - left], out=window)
