"""Does a drawing meant as one digit look like several digits written side by side?

Written on the square canvas, "42" was read "2? 64.9 %" with no hint why: the
network reads one digit, and two side by side are, to it, one odd digit
("10" even reads as a sure 0). The window then suggests number mode
(:func:`suggests_number_mode`).

Only the strokes' boxes are looked at, no network, so it costs little beside a
reading: the strokes are grouped as number mode groups them by geometry
(:func:`mnist_desk.segment.group_pieces`: strokes that share most of their
horizontal extent are one digit, the bar of a 5 over its body; specks join the
digit they lie in), and the groups tall enough to be digits are counted: at
least :data:`TALL_ENOUGH` of the writing's height and :data:`TALL_PENS` pen
widths (two dashes or two taps of the pen are each as tall as the writing they
make). Dots and commas standing apart are no digit.

A 4 written in two strokes whose bar stops short of its stem is two groups
too, but it reads as a sure 4 and its two parts are never far apart: a sure
answer gets the suggestion only across clear paper of :data:`CLEAR_GAP`. How
often it speaks, where it should not (single pen digits) and where it should
(composed numbers): ``benchmarks/side_by_side.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from PIL import Image

from mnist_desk.components import INK_THRESHOLD
from mnist_desk.preprocess import EmptyImageError, TooManyMarksError, ink_map, stroke_width
from mnist_desk.segment import group_pieces, segment_ink
from mnist_desk.specks import only_dots, pen_stroke_dots, union, writing_height
from mnist_desk.strokes import Box, PenStroke

# A group shorter than this share of the writing's height is a mark beside a digit (a
# stray tick, a dash), not a digit of its own ...
TALL_ENOUGH = 0.5
# ... and so is one fewer than this many pen widths tall (as mnist_desk.cuts.DOT_TALL: a
# digit is 5 pens tall and more, a dash 1, a tap of the pen or a small wave 2-3).
TALL_PENS = 3.5
# An answer this probable is a sure one: the window's bars (ui/probability_bars.CONFIDENT) take it from here.
SURE_ANSWER = 0.8
# The side a picture is reduced to before its blobs are grouped (the window reads 280 px).
PICTURE_SIDE = 560
# Clear paper between two digit-sized groups (times the writing's height) that suggests
# number mode even when the network reads the whole as a sure digit ("10" as a 0). On the
# training writers' single digits drawn as on the square canvas, the widest such gap was
# 0.07 (a 4's bar and stem, 28 of 4,997 digits apart as two); 52 % of two-digit numbers
# of the validation writers have one this wide.
CLEAR_GAP = 0.1


@dataclass(frozen=True)
class SideBySide:
    digits: int  # digit-sized groups of strokes standing side by side (0: nothing drawn)
    widest_gap: float  # the most clear paper between two neighbours, in writing heights (< 0: they overlap)


NOTHING = SideBySide(0, 0.0)


def side_by_side(strokes: Sequence[PenStroke]) -> SideBySide:
    """The digit-sized groups of ``strokes`` standing side by side, left to right."""
    if not strokes:
        return NOTHING
    boxes = [s.box() for s in strokes]
    dots = pen_stroke_dots(strokes)
    height = writing_height(boxes)
    digits = []
    for group in group_pieces(boxes, marks=dots):
        box = union([boxes[i] for i in group])
        pen = max(strokes[i].width for i in group)
        if not only_dots(group, boxes, height, dots) and _digit_sized(box, height, pen):
            digits.append(box)
    return _standing(digits, height)


def side_by_side_in_pixels(picture: np.ndarray | Image.Image) -> SideBySide:
    """The same for a picture, where the strokes no longer say what is on the paper (an opened
    image, strokes partly erased): its blobs of ink grouped by geometry, as
    :func:`mnist_desk.segment.segment_ink` groups them without a reader (a blob clearly
    wider than a digit cut at its thinnest columns). A picture with no ink, or with hundreds
    of separate marks (noise), stands as nothing."""
    if isinstance(picture, Image.Image) and max(picture.size) > PICTURE_SIDE:
        picture = picture.copy()
        picture.thumbnail((PICTURE_SIDE, PICTURE_SIDE))  # a photo's blobs, grouped in a fraction of the time
    try:
        segments = segment_ink(ink_map(picture))
    except (EmptyImageError, TooManyMarksError):
        return NOTHING
    marks = [s for s in segments if not s.dots]
    height = writing_height([s.box for s in marks])
    pens = [stroke_width(s.ink > INK_THRESHOLD * float(s.ink.max())) if s.ink.size else 0.0 for s in marks]
    return _standing([s.box for s, pen in zip(marks, pens, strict=True) if _digit_sized(s.box, height, pen)], height)


def _digit_sized(box: Box, height: float, pen: float) -> bool:
    tall = box[3] - box[1]
    return tall >= TALL_ENOUGH * height and tall >= TALL_PENS * pen


def _standing(digits: list[Box], height: float) -> SideBySide:
    gaps = [(b[0] - a[2]) / max(height, 1.0) for a, b in pairwise(digits)]
    return SideBySide(len(digits), max(gaps, default=0.0))


def suggests_number_mode(apart: SideBySide, sure: bool) -> bool:
    """Whether to suggest number mode for a drawing whose groups are ``apart``, the network's
    answer being a sure digit or not."""
    return apart.digits >= 2 and (not sure or apart.widest_gap >= CLEAR_GAP)
