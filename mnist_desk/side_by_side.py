"""Does a drawing meant as one digit look like several digits written side by side?

Written on the square canvas, "42" was read "2? 64.9 %" with no hint why: the
network reads one digit, and two side by side are, to it, one odd digit. When
the answer is not a sure digit and the strokes stand apart as several digits
do, the window suggests number mode.

Only the strokes' boxes are looked at, no network, so it costs nothing beside
a reading: the strokes are grouped as number mode groups them by geometry
(:func:`mnist_desk.segment.group_pieces`: strokes that share most of their
horizontal extent are one digit, the bar of a 5 over its body; specks join the
digit they lie in), and the groups at least :data:`TALL_ENOUGH` of the
writing's height are counted. Dots and commas standing apart are no digit.

A 4 written in two strokes whose bar stops short of its stem is two groups
too; it reads as a sure 4, and a sure answer gets no suggestion. How often it
speaks, where it should not (single pen digits) and where it should (composed
numbers): ``benchmarks/side_by_side.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mnist_desk.segment import group_pieces
from mnist_desk.specks import only_dots, stroke_dots, stroke_ink, union, writing_height
from mnist_desk.strokes import PenStroke

# A group shorter than this share of the writing's height is a mark beside a digit (a
# stray tick, a dash), not a digit of its own.
TALL_ENOUGH = 0.5


def digits_side_by_side(strokes: Sequence[PenStroke]) -> int:
    """How many digit-sized groups of strokes stand side by side (0 when nothing is drawn)."""
    if not strokes:
        return 0
    boxes = [s.box() for s in strokes]
    dots = stroke_dots(boxes, [s.width for s in strokes], [stroke_ink(s.points, s.width) for s in strokes])
    height = writing_height(boxes)
    tall = 0
    for group in group_pieces(boxes, marks=dots):
        _, y0, _, y1 = union([boxes[i] for i in group])
        tall += not only_dots(group, boxes, height, dots) and y1 - y0 >= TALL_ENOUGH * height
    return tall
