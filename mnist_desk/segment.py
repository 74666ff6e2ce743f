"""Several digits on one canvas -> one crop per digit, left to right.

People write numbers with digits of different sizes, uneven gaps, a 5 or a 7
in two strokes, a 4 whose bar reaches into the next digit. So segmentation
works on *pieces* — the strokes when the window has them, connected blobs of
ink otherwise — and groups them:

1. a piece much wider than the writing is tall is two or more digits that
   touch: it is cut at the thinnest columns of ink (pixels only; strokes
   already tell digits apart);
2. pieces that share most of their horizontal extent belong to one digit
   (the bar of a 5 over its body, the stem of a 4 through its arm);
3. specks far smaller than the writing join the digit they lie within; one
   apart from every digit is a mark of its own when it was made on purpose (a
   dot), or dropped as dust (:mod:`mnist_desk.specks`).

Where the grouping is unclear, the candidate digits are read (:func:`best_grouping`).

Boxes are (x0, y0, x1, y1) in the image's pixels, right and bottom exclusive.
Qt-free and model-free: the caller classifies each crop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mnist_desk.components import INK_THRESHOLD, component_boxes, label_components
from mnist_desk.cuts import MIN_DIGIT_WIDTH, cut_columns, is_blot, seam, strokes_crossed
from mnist_desk.preprocess import TooManyMarksError
from mnist_desk.specks import host_of, is_speck, only_dots, over_a_digit, pen_marks, small_pieces, union, writing_height
from mnist_desk.strokes import Box  # (x0, y0, x1, y1), the one box type of strokes and pieces

SAME_DIGIT_OVERLAP = 0.45  # shared horizontal extent, as a fraction of the narrower piece
MAX_MARKS = 120  # separate marks beyond which specks are grain (dropped) and the rest noise (refused);
# each kept mark is one image-sized mask, so this also bounds the memory (120 x 4 MB at 2048 px)
MAX_SPAN = 4  # a digit is made of at most this many neighbouring units
WIDEST_DIGIT = 1.25  # digits wider than this (times the writing's height) are penalised ...
WIDTH_PENALTY = 2.0  # ... by this much per unit of excess width, in log-probability
SURE_SAME_DIGIT = 0.8  # pieces sharing this much extent are one digit whatever a scorer says
# A candidate holding part of a cut blob and shorter than this (times the writing's height) is
# penalised by SHORT_PENALTY per unit short: the tail of a 9 or half of a 4 reads as a sure 7.
SHORTEST_DIGIT = 0.6
SHORT_PENALTY = 5.0
# Charged for each stroke beyond the first that a kept seam crosses: touching digits meet in one
# place, a seam through two strokes cuts through a digit (a 0 into a sure 6 and a sure 1). On
# composed numbers of the validation writers (2 x 800) and the training writers (2 x 400), two
# seeds each, it took whole numbers right from 2,058 to 2,075 of 2,400 and left the digit counts
# as they were (2,306 -> 2,309).
CROSSING_COST = 3.0
# How far (times the writing's height) a seam may drift from its column: touching digits overlap
# and lean, so the gap between them moves. On composed numbers of the validation and training
# writers (2,400, two seeds), 0.15 -> 0.25 took whole numbers right 2,076 -> 2,087 and digit counts
# 2,316 -> 2,318; 0.35 was no better (2,088 / 2,318).
SEAM_REACH = 0.25
SPLIT_REACH = 0.12  # the same for the seams that cut a part in two (splits_in_two); 0.25 was worse


@dataclass(frozen=True)
class Segment:
    """One digit: where it is, and its own ink (neighbours' ink removed)."""

    box: Box
    ink: np.ndarray  # (y1 - y0, x1 - x0) float32 in [0, 1]; smaller for strokes beyond strokes.MAX_RENDER_SIDE
    pieces: tuple[int, ...]  # which pieces (components, or strokes) it was made of
    dots: bool = False  # dots standing apart from the digits (specks.only_dots): never a digit


# --- pieces from pixels -------------------------------------------------------------------


def _grow_into_faint_ink(labels: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Give the faint anti-aliased edge pixels the label of the body they border."""
    grown = labels.copy()
    for _ in range(2):
        padded = np.pad(grown, 1)
        neighbours = np.max(
            [padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx]
             for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0,
        )  # fmt: skip
        take = (grown == 0) & (ink > 0.02) & (neighbours > 0)
        grown[take] = neighbours[take]
    return grown


def _box_of(mask: np.ndarray) -> Box:
    rows, cols = np.nonzero(mask)
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


# --- grouping -------------------------------------------------------------------------------

# (drawing crops) -> per crop, how well it reads as one digit (the log of the network's
# top probability, say) and whether it was called "not a digit". None: geometry decides.
CropScorer = Callable[[list[np.ndarray]], tuple[np.ndarray, np.ndarray]]
# Charged per piece of a "not a digit" candidate: once per candidate, a rejected one
# could swallow a readable neighbour for free (a star beside a 2 was framed as one part).
NOT_A_DIGIT_COST = 3.0
# Charged per writing height of clear paper between neighbouring units made one digit. Two
# digits side by side read as one confident digit often enough ("15" as a 5 at 98.9 %), and
# once the network had adapted to a user's example (a mirrored 9 taught as 9, a review) a
# lone 1 read a little less surely than that: "315" read "35", "41" "4". The parts of one
# digit (a 5's flag, a 7's bar, a 4 in two strokes) overlap across, so it costs them nothing.
# On the validation writers' composed numbers (400, strokes and pixels) it changed no reading.
GAP_COST = 1.0


def overlap_ratio(a: Box, b: Box) -> float:  # the shared horizontal extent / the narrower width
    shared = min(a[2], b[2]) - max(a[0], b[0])
    return shared / max(1, min(a[2] - a[0], b[2] - b[0]))


def _merge_overlapping(groups: list[list[int]], boxes: Sequence[Box], threshold: float) -> list[list[int]]:
    """Join groups that share more than ``threshold`` of the narrower one's horizontal extent.

    Each group's box is kept beside it, and groups are sorted by their left edge, so the
    search for a partner stops at the first group starting right of this one's right edge
    (it shares nothing with it, nor do those after it). Recomputing every box in every
    comparison had made a pen-up on a canvas of 300 strokes take 83-88 ms (a review; 18 ms now).
    """
    spans = [(list(g), union([boxes[i] for i in g])) for g in groups]
    merged = True
    while merged:
        merged = False
        spans.sort(key=lambda span: span[1][0])
        for k in range(len(spans) - 1):
            a = spans[k][1]
            for m in range(k + 1, len(spans)):
                b = spans[m][1]
                if threshold >= 0 and b[0] >= a[2]:
                    break
                if overlap_ratio(a, b) > threshold:
                    members, _ = spans.pop(m)
                    spans[k] = (spans[k][0] + members, union([a, b]))
                    merged = True
                    break
            if merged:
                break
    return [g for g, _ in spans]


def group_pieces(
    boxes: Sequence[Box], same_digit: float = SAME_DIGIT_OVERLAP, marks: Sequence[bool] | None = None
) -> list[list[int]]:
    """Group pieces (by their boxes) into digits by geometry alone, left to right.

    Specks far smaller than the writing join the digit they lie in (or near;
    a dot that ``marks`` says was made on purpose, between digits, only when
    it is very near). Such a dot away from every digit stands alone; other
    specks there are dropped as dust.
    """
    if not boxes:
        return []
    height = writing_height(boxes)
    small = small_pieces(boxes, height, marks)
    if all(small):
        small = [False] * len(boxes)  # nothing but dots: they are the drawing
    groups = _merge_overlapping([[i] for i in range(len(boxes)) if not small[i]], boxes, same_digit)
    apart = []
    for i in (i for i in range(len(boxes)) if small[i]):
        dot = marks is not None and marks[i] and not over_a_digit(boxes[i], groups, boxes)
        host = host_of(boxes[i], groups, boxes, height, dot)
        if host is not None:
            host.append(i)
        elif dot:
            apart.append([i])
    return sorted((sorted(g) for g in groups + apart), key=lambda g: union([boxes[i] for i in g])[0])


# A part cut from a blob -> (the part on its left in that blob, or -1; how many strokes the seam
# between them crosses).
CutParts = Mapping[int, tuple[int, int]]


def _gaps(units: list[list[int]], boxes: Sequence[Box], height: float) -> float:
    """The clear paper between neighbouring units, summed, in writing heights: what one
    digit made of them would have to leap."""
    total, right = 0.0, None
    for unit in units:
        x0, _, x1, _ = union([boxes[p] for p in unit])
        if right is not None:
            total += max(0.0, x0 - right) / max(height, 1)
        right = x1 if right is None else max(right, x1)
    return total


def best_grouping(
    units: list[list[int]],
    boxes: Sequence[Box],
    crop: Callable[[list[int]], np.ndarray],
    score: CropScorer,
    cut_parts: CutParts | None = None,
    marks: Sequence[bool] | None = None,
) -> list[list[int]]:
    """Choose which neighbouring units make one digit, by reading the candidates.

    ``units`` are groups already known to be (parts of) one digit, left to
    right. Every run of up to MAX_SPAN neighbours is a candidate digit; the
    partition whose digits read best (the sum of their scores, less
    NOT_A_DIGIT_COST for each unit in a candidate called "not a digit", a
    penalty for shapes far wider than a digit, one for candidates far
    shorter than a digit that hold ``cut_parts``, pieces cut from a blob,
    CROSSING_COST for each extra stroke a seam crosses where it parts two
    digits, and GAP_COST for clear paper between the units it joins) wins, by
    dynamic programming.
    """
    cut_parts = cut_parts or {}
    n = len(units)
    height = writing_height(boxes)
    # A speck standing alone (a dot apart from every digit) may join other specks, never a digit:
    # a decimal point beside a 3 still reads as a 3, and the dot would vanish into it.
    dot = [only_dots(unit, boxes, height, marks) for unit in units]
    spans = [(i, j) for i in range(n) for j in range(i + 1, min(n, i + MAX_SPAN) + 1) if len(set(dot[i:j])) == 1]
    members = {(i, j): [p for u in units[i:j] for p in u] for i, j in spans}
    fits, rejected = score([crop(members[s]) for s in spans])
    value = {}
    for (i, j), fit, no_digit in zip(spans, fits, rejected, strict=True):
        x0, y0, x1, y1 = union([boxes[p] for p in members[(i, j)]])
        too_wide = max(0.0, (x1 - x0) / max(height, 1) - WIDEST_DIGIT)
        cut = any(p in cut_parts for p in members[(i, j)])
        too_short = max(0.0, SHORTEST_DIGIT - (y1 - y0) / max(height, 1)) if cut else 0.0
        shape = WIDTH_PENALTY * too_wide + SHORT_PENALTY * too_short + GAP_COST * _gaps(units[i:j], boxes, height)
        # Each seam is charged once: to the candidate holding the part on its right, when the
        # part on its left is not in it too.
        for p in members[(i, j)]:
            left, crossed = cut_parts.get(p, (-1, 0))
            if left >= 0 and left not in members[(i, j)]:
                shape += CROSSING_COST * max(0, crossed - 1)
        value[(i, j)] = float(fit) - NOT_A_DIGIT_COST * bool(no_digit) * (j - i) - shape
    best = [0.0] + [-np.inf] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_SPAN), j):
            if (i, j) in value and best[i] + value[(i, j)] > best[j]:
                best[j], back[j] = best[i] + value[(i, j)], i
    cuts, j = [], n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return [members[s] for s in reversed(cuts)]


def ink_pieces(ink: np.ndarray, generous: bool = False) -> tuple[list[np.ndarray], dict[int, tuple[int, int]]]:
    """Boolean masks of the ink's connected blobs, blobs of touching digits cut apart;
    and the parts of cut blobs, as :data:`CutParts`."""
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        return [], {}
    labels, count = label_components(ink / peak > INK_THRESHOLD)
    kept = _marks_worth_reading(labels, count)
    labels = _grow_into_faint_ink(labels, ink / peak)
    blobs = [labels == n for n in kept]
    height = writing_height([_box_of(b) for b in blobs])
    columns = np.arange(ink.shape[1])[None, :]
    pieces: list[np.ndarray] = []
    cut_parts: dict[int, tuple[int, int]] = {}
    for blob in blobs:
        x0, _, x1, _ = _box_of(blob)
        own = np.where(blob, ink, 0)
        cuts = cut_columns(own[:, x0:x1], height, generous)
        reach = max(1, int(SEAM_REACH * height))
        left_edge = np.full(ink.shape[0], x0)
        left_part, crossed = -1, 0
        for c in [*cuts, None]:
            right_edge = np.full(ink.shape[0], x1) if c is None else seam(own, x0 + c, reach)
            part = blob & (columns >= left_edge[:, None]) & (columns < right_edge[:, None])
            if part.any():
                if cuts:
                    cut_parts[len(pieces)] = (left_part, crossed)
                left_part = len(pieces)
                pieces.append(part)
            if c is not None:
                crossed = strokes_crossed(blob, right_edge)
            left_edge = right_edge
    return pieces, cut_parts


def _marks_worth_reading(labels: np.ndarray, count: int) -> list[int]:
    """The component labels to read: all of them, unless there are more than MAX_MARKS.

    Then the specks are grain, not parts of digits, and are dropped; if what is
    left is still more than MAX_MARKS, it is noise, refused at once (a grainy
    page once took minutes and gigabytes: one full-size mask per speck).
    """
    if count <= MAX_MARKS:
        return list(range(1, count + 1))
    boxes = [tuple(b) for b in component_boxes(labels, count).tolist()]
    height = writing_height(boxes)
    kept = [n + 1 for n, box in enumerate(boxes) if not is_speck(box, height)]
    if len(kept) > MAX_MARKS:
        raise TooManyMarksError(
            f"the image holds {count:,} separate marks, too many to be a number: is it noise, or a grainy photo?"
        )
    return kept


def segment_ink(ink: np.ndarray, score: CropScorer | None = None) -> list[Segment]:
    """Digits in an ink map ((H, W) in [0, 1], 1 = ink), left to right.

    Without ``score``, geometry alone groups the blobs. With it, blobs are cut
    at every clear valley and the candidate digits are read to decide which
    pieces belong together (:func:`best_grouping`).
    """
    ink = np.asarray(ink, dtype=np.float32)
    pieces, cut_parts = ink_pieces(ink, generous=score is not None)
    if not pieces:
        return []
    boxes = [_box_of(p) for p in pieces]
    height = writing_height(boxes)
    marks = pen_marks(pieces, boxes, height, list(cut_parts))
    if score is None:
        return [_segment(g, pieces, boxes, ink, height, marks) for g in group_pieces(boxes, marks=marks)]
    # Only pieces that clearly share their extent are joined before reading.
    groups = group_pieces(boxes, SURE_SAME_DIGIT, marks)
    if len(groups) > 1:

        def crop(members: list[int]) -> np.ndarray:
            return as_drawing(_segment(members, pieces, boxes, ink, height, marks))

        groups = best_grouping(groups, boxes, crop, score, cut_parts, marks)
    return [_segment(g, pieces, boxes, ink, height, marks) for g in groups]


def group_strokes(
    boxes: Sequence[Box],
    crop: Callable[[list[int]], np.ndarray] | None = None,
    score: CropScorer | None = None,
    dots: Sequence[bool] | None = None,
) -> list[list[int]]:
    """Digits from strokes (the window's case), left to right, as lists of stroke indices.

    ``boxes`` are the strokes' boxes (pen width included). Strokes never need
    cutting: two digits that touch are still two sets of strokes. With
    ``crop`` (members -> a drawing of those strokes alone) and ``score``,
    ambiguous neighbours are settled by reading them, as for pixels. ``dots``
    says which strokes are dots (:func:`mnist_desk.specks.stroke_dots`): one
    apart from the digits is a mark of its own.
    """
    if score is None or crop is None:
        return group_pieces(boxes, marks=dots)
    groups = group_pieces(boxes, SURE_SAME_DIGIT, dots)
    return best_grouping(groups, boxes, crop, score, marks=dots) if len(groups) > 1 else groups


def _segment(
    group: Sequence[int],
    pieces: Sequence[np.ndarray],
    boxes: Sequence[Box],
    ink: np.ndarray,
    height: float,
    marks: Sequence[bool] | None = None,
) -> Segment:
    mask = np.any([pieces[i] for i in group], axis=0)
    x0, y0, x1, y1 = union([boxes[i] for i in group])
    own = np.where(mask, ink, 0.0)[y0:y1, x0:x1]
    dots = only_dots(group, boxes, height, marks)
    return Segment((x0, y0, x1, y1), own.astype(np.float32), tuple(sorted(group)), dots)


def splits_in_two(segment: Segment, height: float) -> list[tuple[Segment, Segment]]:
    """Ways to cut one segment into a left and a right digit, along seams of least ink.

    For a blob the grouping kept whole although the network would not call it
    a digit: two narrow digits written touching (11, 14) are no wider than
    one, so no width rule would have offered the cut.
    """
    ink = segment.ink
    if is_blot(ink):
        return []
    h, w = ink.shape
    edge = max(2, int(MIN_DIGIT_WIDTH * 0.6 * max(height, 1)))
    candidates = []
    columns = np.arange(w)[None, :]
    for fraction in (0.3, 0.4, 0.5, 0.6, 0.7):
        column = int(w * fraction)
        if column < edge or column > w - edge:
            continue
        path = seam(ink, column, max(1, int(SPLIT_REACH * max(height, h))))
        left, right = np.where(columns < path[:, None], ink, 0.0), np.where(columns >= path[:, None], ink, 0.0)
        parts = []
        for part in (left, right):
            if part.max() <= 0:
                break
            x0, y0, x1, y1 = _box_of(part > 0)
            box = (segment.box[0] + x0, segment.box[1] + y0, segment.box[0] + x1, segment.box[1] + y1)
            parts.append(Segment(box, part[y0:y1, x0:x1].astype(np.float32), segment.pieces))
        if len(parts) == 2:
            candidates.append((parts[0], parts[1]))
    return candidates


def as_drawing(segment: Segment, margin: int = 4) -> np.ndarray:
    """A segment's ink as a small dark-on-light uint8 drawing, the form ``preprocess`` reads."""
    ink = np.pad(segment.ink, margin)
    return (255 - np.clip(ink, 0, 1) * 255).round().astype(np.uint8)
