"""What a run leaves beside its checkpoint: metrics.json and a PNG report.

The PNG (accuracy and loss per epoch, and the test confusion matrix) is drawn
with Pillow, which the app already needs, rather than pulling in matplotlib.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from training.train import EpochResult


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Rows are true labels, columns predictions."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return matrix


def evaluation_summary(labels: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    matrix = confusion_matrix(labels, predicted)
    per_class = matrix.diagonal() / np.maximum(matrix.sum(1), 1)
    return {
        "accuracy": float((labels == predicted).mean()),
        "count": int(len(labels)),
        "per_class_accuracy": {str(d): round(float(a), 6) for d, a in enumerate(per_class)},
        "confusion_matrix": matrix.tolist(),
    }


def write_metrics(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def _plot(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], series: list[tuple[list[float], str]], title: str
) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, outline="#888888")
    draw.text((x0 + 4, y0 - 14), title, fill="black")
    values = [v for s, _ in series for v in s]
    if not values:
        return
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    draw.text((x0 - 46, y0), f"{hi:.4g}", fill="black")
    draw.text((x0 - 46, y1 - 10), f"{lo:.4g}", fill="black")
    for data, colour in series:
        n = len(data)
        points = [
            (x0 + (x1 - x0) * (i / max(n - 1, 1)), y1 - (y1 - y0) * (v - lo) / (hi - lo)) for i, v in enumerate(data)
        ]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        for px, py in points:
            draw.ellipse((px - 2, py - 2, px + 2, py + 2), fill=colour)


def write_report_png(path: Path, history: list[EpochResult], matrix: np.ndarray, title: str) -> None:
    img = Image.new("RGB", (900, 420), "white")
    draw = ImageDraw.Draw(img)
    draw.text((10, 6), title, fill="black")
    _plot(
        draw,
        (60, 40, 420, 190),
        [([h.train_acc for h in history], "#1f77b4"), ([h.test_acc for h in history], "#d62728")],
        "accuracy per epoch (blue train, red test)",
    )
    _plot(draw, (60, 240, 420, 390), [([h.loss for h in history], "#2ca02c")], "training loss per epoch")
    # Confusion matrix: log-scaled so the few mistakes show against the diagonal.
    cx, cy, cell = 520, 60, 32
    draw.text((cx, cy - 40), "confusion matrix (rows: true, columns: predicted)", fill="black")
    scaled = np.log1p(matrix) / max(np.log1p(matrix).max(), 1e-9)
    for r in range(10):
        draw.text((cx - 14, cy + r * cell + 10), str(r), fill="black")
        draw.text((cx + r * cell + 12, cy - 16), str(r), fill="black")
        for c in range(10):
            shade = int(255 * (1 - scaled[r, c]))
            fill = (shade, shade, 255) if r == c else (255, shade, shade)
            box = (cx + c * cell, cy + r * cell, cx + (c + 1) * cell - 1, cy + (r + 1) * cell - 1)
            draw.rectangle(box, fill=fill)
            if matrix[r, c] and r != c:
                draw.text((box[0] + 4, box[1] + 10), str(matrix[r, c]), fill="black")
    img.save(path)
