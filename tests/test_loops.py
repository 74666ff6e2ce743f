"""Loops in the ink, and the cuts offered beside them: a 0 touching its neighbour is cut where they meet."""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageDraw

from mnist_desk.components import enclosed_holes
from mnist_desk.cuts import MIN_DIGIT_WIDTH, cut_columns, loop_sides, row_run_width


def unreachable_background(mask: np.ndarray) -> np.ndarray:
    """Reference: background pixels that no 8-connected path of background joins to the border."""
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    queue = deque((y, x) for y in range(h) for x in range(w) if (y in (0, h - 1) or x in (0, w - 1)) and not mask[y, x])
    for y, x in queue:
        seen[y, x] = True
    while queue:
        y, x = queue.popleft()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                ny, nx = y + dy, x + dx
                if 0 <= ny < h and 0 <= nx < w and not mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    queue.append((ny, nx))
    return ~mask & ~seen


@settings(max_examples=150, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 20), st.integers(1, 20))))
def test_holes_are_the_background_the_border_cannot_reach(mask):
    enclosed = unreachable_background(mask)
    holes = enclosed_holes(mask)
    covered = np.zeros_like(mask)
    for x0, y0, x1, y1 in holes:
        assert 0 < x0 < x1 < mask.shape[1] and 0 < y0 < y1 < mask.shape[0]  # strictly inside the ink
        covered[y0:y1, x0:x1] = True
    assert not (enclosed & ~covered).any()  # every enclosed pixel is in a hole's box
    assert len(holes) <= max(1, int(enclosed.sum()))


def zero_and_five(pen: int, five: bool = True) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Ink (1 = ink) of a 0 (an ellipse 60 x 100) and, optionally, a 5 whose stem runs down the 0's right side."""
    image = Image.new("L", (150, 130), 0)
    draw = ImageDraw.Draw(image)
    ring = (10, 15, 70, 115)
    draw.ellipse(ring, outline=255, width=pen)
    if five:
        draw.line([(115, 15), (72, 15), (72, 60), (108, 75), (108, 100), (75, 115)], fill=255, width=pen, joint="curve")
    return np.asarray(image, np.float32) / 255, ring


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 14))
def test_a_drawn_ring_has_one_hole_inside_it_and_its_pen_is_measured(pen):
    ink, (x0, y0, x1, y1) = zero_and_five(pen, five=False)
    holes = enclosed_holes(ink > 0.3)
    assert len(holes) == 1
    hx0, hy0, hx1, hy1 = holes[0]
    assert x0 + pen - 2 <= hx0 and hx1 <= x1 - pen + 2 and y0 + pen - 2 <= hy0 and hy1 <= y1 - pen + 2
    bars = np.zeros((40, 60), bool)
    bars[:, 5 : 5 + pen] = bars[:, 30 : 30 + pen] = True
    assert row_run_width(bars) == pen


def test_a_zero_touching_a_five_is_offered_the_cut_where_they_meet(monkeypatch):
    pen = 8
    ink, _ = zero_and_five(pen)  # the 5's stem overlaps the 0's right side: one blob
    columns = np.flatnonzero(ink.max(0) > 0.3)
    blob = ink[:, columns[0] : columns[-1] + 1]
    ((_, _, hole_right, _),) = enclosed_holes(blob > 0.3)
    stem_right = 72 + pen // 2 - columns[0]
    height = 100.0  # the writing's height

    def where_they_meet(cuts: list[int]) -> list[int]:
        return [c for c in cuts if hole_right <= c <= stem_right]

    assert where_they_meet(cut_columns(blob, height, generous=True))
    # The valleys alone never cut there: the stem and the 0's side are the most ink of any columns.
    monkeypatch.setattr("mnist_desk.cuts.loop_sides", lambda *args: [])
    assert not where_they_meet(cut_columns(blob, height, generous=True))


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float32, st.tuples(st.integers(3, 40), st.integers(3, 60)), elements=st.sampled_from([0.0, 0.5, 1.0])),
    st.floats(5, 60),
    st.lists(st.integers(0, 60), max_size=3),
)
def test_loop_sides_stay_inside_and_apart(ink, height, cuts):
    edge = max(1, int(MIN_DIGIT_WIDTH * height))
    sides = loop_sides(ink, height, cuts, edge)
    pen = row_run_width(ink > 0.3 * ink.max()) if ink.max() > 0 else 1.0
    for k, c in enumerate(sides):
        assert edge <= c <= ink.shape[1] - edge
        assert all(abs(c - other) >= max(2.0, pen) for other in [*cuts, *sides[:k]])
