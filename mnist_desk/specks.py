"""Marks far smaller than the writing: part of a digit, a dot made on purpose, or dust.

A speck inside or beside a digit is part of it (a broken stroke, a short
bar). A speck away from every digit was dropped as noise until 2026-11-24,
and so a dot between digits vanished: "3.14" written in a font read "314", a
dot tapped between two digits in the window was ignored, and a number with a
drawing of dots inside read as a number. A speck apart is now a mark of its
own (which the number's reading calls "not a digit") when it was made on
purpose:

* from strokes, always: every stroke on the canvas was put there by the pen;
* from pixels, when it is as wide as the pen that wrote the digits and lies
  on their line. Dust on a scanned page is smaller than the pen, and what lies
  in the margins above or below the writing is not part of the number.

Boxes are (x0, y0, x1, y1), right and bottom exclusive. Qt-free and model-free.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mnist_desk.cuts import row_run_width
from mnist_desk.strokes import Box

SPECK = 0.25  # pieces smaller than this fraction of the writing's height in both directions
HOST_REACH = 0.15  # a speck this near a digit (times the writing's height) is part of it ...
# ... and a dot made on purpose only this near. Real pen digits' own specks lie within their digit's
# box (all 16 in the 5,997 digits of the training and validation writers); a decimal point is
# written beside the digit. Composed numbers of those writers (1,600, strokes and pixels, and 400
# with a dot between two digits): 0.15 left 25 % of the dots apart (the others joined a digit),
# 0.08 47 %, 0.05 58 % (most of the rest touch a digit); digit-only numbers read the same.
DOT_REACH = 0.05
# A speck apart, from pixels, is a mark when its box is at least this fraction of the pen's width
# across in both directions (a pen's own dot is about one pen width; anti-aliasing and the ink
# threshold shave a little off it).
PEN_DOT = 0.6


def is_speck(box: Box, height: float) -> bool:
    """Far smaller than the writing (SPECK of its height) in both directions."""
    return (box[3] - box[1]) < SPECK * height and (box[2] - box[0]) < SPECK * height


def union(boxes: Sequence[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def host_of(
    speck: Box, groups: list[list[int]], boxes: Sequence[Box], height: float, reach: float = HOST_REACH
) -> list[int] | None:
    """The digit a speck belongs to: the one whose box it lies in or nearest touches, within ``reach``
    (times the writing's height)."""
    cx, cy = (speck[0] + speck[2]) / 2, (speck[1] + speck[3]) / 2
    best, best_distance = None, reach * height
    for group in groups:
        x0, y0, x1, y1 = union([boxes[i] for i in group])
        distance = np.hypot(max(x0 - cx, 0, cx - x1), max(y0 - cy, 0, cy - y1))
        if distance <= best_distance:
            best, best_distance = group, distance
    return best


def pen_marks(pieces: Sequence[np.ndarray], boxes: Sequence[Box], height: float, cut: Sequence[int]) -> list[bool]:
    """Which pieces of ink (boolean masks), if they are specks apart, were made on purpose.

    A pen's dot: at least PEN_DOT of the pen's width across (the pen measured
    on the pieces that are not specks), with its centre between the top and
    the bottom of that writing. Parts cut from a blob (``cut``) are never marks
    of their own.
    """
    writing = [i for i, box in enumerate(boxes) if not is_speck(box, height)]
    if not writing:
        return [False] * len(boxes)
    pen = float(
        np.median([row_run_width(pieces[i][boxes[i][1] : boxes[i][3], boxes[i][0] : boxes[i][2]]) for i in writing])
    )
    top, bottom = min(boxes[i][1] for i in writing), max(boxes[i][3] for i in writing)
    marks = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        wide_as_pen = min(x1 - x0, y1 - y0) >= PEN_DOT * pen
        marks.append(i not in cut and wide_as_pen and top <= (y0 + y1) / 2 <= bottom)
    return marks
