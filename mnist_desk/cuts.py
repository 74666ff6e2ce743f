"""Where to cut a blob of touching digits: the columns of least ink, and the seam,
a path that may lean, that passes between the digits there.

Split from segment.py, which decides which of the resulting pieces make one digit.
"""

from __future__ import annotations

import numpy as np

from mnist_desk.components import INK_THRESHOLD, enclosed_holes
from mnist_desk.preprocess import stroke_width

TOUCHING_ASPECT = 1.15  # a piece this much wider than the writing's height holds several digits
MIN_DIGIT_WIDTH = 0.22  # no cut leaves a part narrower than this fraction of the writing's height
OFFER_WIDTH = 0.8  # when reading chooses the cuts, any blob this wide (times the height) is offered some
# (0.65 was tried on the validation and training writers' numbers: 6 more digit counts right, 4 fewer whole numbers)
# A loop (of a 0, 6, 8 or 9) at least this tall and wide (times the writing's height) is offered a cut
# beside it on each side, LOOP_CUT_OFFSET stroke widths past its edge: see loop_sides.
SMALLEST_LOOP = 0.1
LOOP_CUT_OFFSET = 0.5
# ... in blobs at least this wide (times the height): a star's pentagon between its arms is a loop
# too, and cut beside it a star (0.95 of the height wide) read as two sure 8s. On the development
# numbers this limit cost nothing (2,109 -> 2,111 whole, 2,338 counts either way).
LOOP_BLOB_WIDTH = 1.0
# Ink filling more than this share of its box is a blot (a filled dot, a square), never cut.
SOLID = 0.75
# ... and so is ink less than this many of its own stroke widths (2 x area / edge) tall: a tap of
# the pen. A round dot of 6-12 px is 2.5-3.2 (its box fill wavers between 0.59 and 0.89 with where
# its pixels fall, for pens of 4-16 px: dots of 6.5-10.5 px were cut in two and read "11"); a digit
# is 5 pens tall and more (a composed number's pen is at most a fifth of the digits' size).
DOT_TALL = 3.5


def cut_columns(ink: np.ndarray, height: float, generous: bool = False) -> list[int]:
    """Columns (in ``ink``'s coordinates) where a blob of touching digits may be cut.

    A blob wider than a digit is cut at the columns of least ink. With
    ``generous`` (when a scorer will choose which cuts to keep) every clear
    valley is offered; otherwise a blob about n digits wide is cut n-1 times,
    each near where an even split would put the cut.
    """
    width = ink.shape[1]
    if height <= 0 or width < (OFFER_WIDTH if generous else TOUCHING_ASPECT) * height:
        return []
    if is_blot(ink):
        return []
    profile = np.convolve(ink.sum(0), np.ones(3) / 3, mode="same")
    edge = max(1, int(MIN_DIGIT_WIDTH * height))
    # Reading decides which cuts to keep (generous), so any blob as wide as a digit
    # is offered an even split too; geometry alone cuts only clearly double-wide blobs.
    wide = width >= (OFFER_WIDTH if generous else TOUCHING_ASPECT) * height
    parts = max(2, int(round(width / (0.75 * height)))) if wide else 1
    even: list[int] = []
    start = 0
    for k in range(1, parts):
        target = int(width * k / parts)
        lo = max(start + edge, target - int(0.3 * height))
        hi = min(width - edge, target + int(0.3 * height))
        if hi > lo:
            even.append(lo + int(np.argmin(profile[lo:hi])))
            start = even[-1]
    if not generous:
        return even
    # Every clear valley as well: which cuts to keep is for the reading to decide.
    inner = profile[edge : width - edge]
    limit = 0.5 * float(np.median(profile[profile > 0])) if (profile > 0).any() else 0.0
    minima = [edge + i for i in range(1, inner.size - 1)
              if inner[i] <= inner[i - 1] and inner[i] <= inner[i + 1] and inner[i] <= limit]  # fmt: skip
    cuts: list[int] = []
    for c in [*even, *sorted(minima, key=lambda c: profile[c])]:  # even splits, then the deepest valleys
        if all(abs(c - k) >= edge for k in cuts):
            cuts.append(c)
    return sorted(cuts + (loop_sides(ink, height, cuts, edge) if width >= LOOP_BLOB_WIDTH * height else []))


def ink_body(ink: np.ndarray) -> np.ndarray:
    """Where the ink is a stroke's body (above INK_THRESHOLD of its peak), as segment.py's pieces are."""
    return ink > INK_THRESHOLD * float(ink.max()) if ink.size else np.zeros(ink.shape, bool)


def is_blot(ink: np.ndarray) -> bool:
    """Ink that fills more than SOLID of its box, or is less than DOT_TALL of its own stroke
    widths tall: a filled dot or square, a tap of the pen, a dash, not digits written touching.
    Cut into slivers, a dot read as "111"."""
    body = ink_body(ink)
    rows, cols = np.flatnonzero(body.any(1)), np.flatnonzero(body.any(0))
    if not rows.size:
        return False
    tall, wide = rows[-1] + 1 - rows[0], cols[-1] + 1 - cols[0]
    return bool(body.sum() > SOLID * tall * wide or tall < DOT_TALL * stroke_width(np.pad(body, 1)))


def row_run_width(mask: np.ndarray) -> float:
    """The pen's width in pixels, about: the median length of the runs of ink along the rows
    (what the loop cuts were measured with; preprocess.stroke_width averages area over edge instead)."""
    edges = np.diff(np.pad(mask.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    lengths = np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]  # both in row-major order: they pair up
    return float(np.median(lengths)) if lengths.size else 1.0


def loop_sides(ink: np.ndarray, height: float, cuts: list[int], edge: int) -> list[int]:
    """Columns just outside each loop of a blob, left and right, where a neighbour may touch it;
    those at least ``edge`` from the blob's sides and a stroke width from ``cuts`` and each other.

    A 0 touching the 5 after it has its deepest valley inside its own loop
    (only the top and bottom of the loop cross those columns), so the valleys
    alone cut the 0 in two and give its right half to the 5; where the two
    really meet, just right of the loop, is no valley at all. On composed
    numbers of the validation and training writers (2,400, two seeds), offering
    these columns too (in blobs at least LOOP_BLOB_WIDTH wide) took whole numbers
    read right 2,092 -> 2,111 and digit counts 2,317 -> 2,338 (offsets of 0-1.5
    stroke widths, in any blob offered cuts: 2,100-2,109 and 2,335-2,339);
    validation non-digits inside numbers read null as often (70.0 %).
    """
    mask = ink_body(ink)
    if not mask.any():
        return []
    pen = row_run_width(mask)
    smallest = SMALLEST_LOOP * height
    taken, sides = list(cuts), []
    for x0, y0, x1, y1 in enclosed_holes(mask):
        if x1 - 1 - x0 < smallest or y1 - 1 - y0 < smallest:
            continue  # a pen's blot, or the eye of a small 2: no neighbour's place
        for c in (int(x1 + LOOP_CUT_OFFSET * pen), int(x0 - LOOP_CUT_OFFSET * pen)):
            if edge <= c <= ink.shape[1] - edge and all(abs(c - k) >= max(2.0, pen) for k in taken):
                taken.append(c)
                sides.append(c)
    return sides


def seam(ink: np.ndarray, column: int, reach: int) -> np.ndarray:
    """The path from top to bottom, near ``column``, that crosses the least ink.

    Touching digits lean and overlap, so a straight cut slices one of them; the
    path may drift one pixel sideways per row (within ``reach`` of the column)
    to pass between them. Returns its column in every row.
    """
    h, w = ink.shape
    lo, hi = max(0, column - reach), min(w, column + reach + 1)
    # A little cost for straying, so that in blank rows the path stays put.
    cost = ink[:, lo:hi] + 0.002 * np.abs(np.arange(lo, hi) - column)[None, :]
    total = cost[0].copy()
    step = np.zeros((h, hi - lo), dtype=np.int8)
    for y in range(1, h):
        options = np.stack([np.r_[np.inf, total[:-1]], total, np.r_[total[1:], np.inf]])
        choice = options.argmin(0)
        total = options[choice, np.arange(hi - lo)] + cost[y]
        step[y] = choice - 1
    path = np.empty(h, dtype=np.int64)
    path[-1] = int(total.argmin())
    for y in range(h - 1, 0, -1):
        path[y - 1] = path[y] + step[y, path[y]]
    return path + lo


MERGED_GAP = 3  # rows; see strokes_crossed


def strokes_crossed(mask: np.ndarray, path: np.ndarray) -> int:
    """How many separate runs of ink a seam (one column per row, as :func:`seam` gives) passes through.

    Two digits that touch meet in one place, so the seam between them crosses
    ink once; a seam that crosses two strokes or more runs through a digit (the
    top and bottom of a 0's loop).
    """
    rows = np.arange(mask.shape[0])
    left = np.clip(path - 1, 0, mask.shape[1] - 1)  # the pixel beside it too: a seam may slip between two
    on = mask[rows, np.clip(path, 0, mask.shape[1] - 1)] | mask[rows, left]
    starts = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8)]) == 1)
    ends = np.flatnonzero(np.diff(np.r_[on.astype(np.int8), 0]) == -1)
    # A seam that runs along a stroke's edge flickers in and out of it: gaps of a row or two
    # between runs are the same stroke.
    return int(len(starts) - np.count_nonzero(starts[1:] - ends[:-1] <= MERGED_GAP))
