"""Connected parts of a mask: the blobs of ink a picture is made of, and the loops inside them.

Split from segment.py so that cuts.py, which segment.py uses, can find loops too.
"""

from __future__ import annotations

import numpy as np

INK_THRESHOLD = 0.3  # ink above this is a piece's body; fainter edge pixels follow their neighbour


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a boolean mask: (labels, count), labels 1..count, 0 = background.

    Works on runs of ink per row (a few dozen per row for handwriting) with a
    union-find, so it needs no image library and stays fast on wide canvases.
    """
    h, w = mask.shape
    parent: list[int] = [0]

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    runs_per_row: list[list[tuple[int, int, int]]] = []
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    previous: list[tuple[int, int, int]] = []
    for y in range(h):
        starts = np.nonzero(edges[y] == 1)[0]
        ends = np.nonzero(edges[y] == -1)[0]
        row = []
        for x0, x1 in zip(starts.tolist(), ends.tolist(), strict=True):
            label = len(parent)
            parent.append(label)
            for px0, px1, plabel in previous:  # 8-connected: touching diagonally counts
                if px0 <= x1 and px1 >= x0:
                    a, b = find(label), find(plabel)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
            row.append((x0, x1, label))
        runs_per_row.append(row)
        previous = row
    roots = {find(i) for i in range(1, len(parent))}
    renumber = {root: n for n, root in enumerate(sorted(roots), 1)}
    labels = np.zeros((h, w), dtype=np.int32)
    for y, row in enumerate(runs_per_row):
        for x0, x1, label in row:
            labels[y, x0:x1] = renumber[find(label)]
    return labels, len(roots)


def component_boxes(labels: np.ndarray, count: int) -> np.ndarray:
    """(count, 4) boxes (x0, y0, x1, y1) of components 1..count, in one pass over the labels."""
    ys, xs = np.nonzero(labels)
    which = labels[ys, xs] - 1
    boxes = np.empty((count, 4), np.int64)
    boxes[:, :2], boxes[:, 2:] = np.iinfo(np.int64).max, -1
    np.minimum.at(boxes[:, 0], which, xs)
    np.minimum.at(boxes[:, 1], which, ys)
    np.maximum.at(boxes[:, 2], which, xs + 1)
    np.maximum.at(boxes[:, 3], which, ys + 1)
    return boxes


def enclosed_holes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, right and bottom exclusive) of the background regions that the
    ink of ``mask`` closes all round: the loops of 0, 6, 8 and 9.

    The background is taken 8-connected like the ink, so a thin loop whose ink meets only
    corner to corner leaks and is not found; a missed loop costs an offered cut, never a wrong one.
    """
    labels, count = label_components(~mask)
    h, w = mask.shape
    boxes = component_boxes(labels, count)
    inside = (boxes[:, 0] > 0) & (boxes[:, 1] > 0) & (boxes[:, 2] < w) & (boxes[:, 3] < h)
    return [tuple(int(v) for v in box) for box in boxes[inside]]
