"""What a run leaves beside its checkpoint: metrics.json and a PNG report.

The PNG (accuracy and loss per epoch, and the test confusion matrix) is drawn
with Pillow, which the app already needs, rather than pulling in matplotlib.
It has to read well after one epoch as after fifty: axes on round numbers
that never run below zero for a loss or above 100 % for an accuracy, epochs
as whole numbers, the last value of every curve written beside it (after one
epoch that labelled point is the whole plot), and a count in every non-zero
cell of the confusion matrix, the diagonal included.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mnist_desk.safe_write import replace_whole
from training.train import EpochResult

TRAIN_COLOUR, TEST_COLOUR, LOSS_COLOUR = "#1f77b4", "#d62728", "#2ca02c"
# Where the confusion matrix is drawn (top-left of cell 0,0) and its cell size, in pixels.
MATRIX_ORIGIN, CELL = (560, 104), 40
GRID, FRAME, TEXT = "#e4e4e4", "#888888", "#000000"


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Rows are true labels, columns predictions."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return matrix


def evaluation_summary(labels: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    if len(labels) == 0:
        raise ValueError("no test images to evaluate: the accuracy of nothing is not a number")
    matrix = confusion_matrix(labels, predicted)
    per_class = matrix.diagonal() / np.maximum(matrix.sum(1), 1)
    return {
        "accuracy": float((labels == predicted).mean()),
        "count": int(len(labels)),
        # A class with no test images has no accuracy (null), not 0 (a small --data-dir set).
        "per_class_accuracy": {
            str(d): round(float(a), 6) if n else None
            for d, (a, n) in enumerate(zip(per_class, matrix.sum(1), strict=True))
        },  # fmt: skip
        "confusion_matrix": matrix.tolist(),
    }


def write_metrics(path: Path, data: dict[str, Any]) -> None:
    """JSON as the standard has it: an epoch without a validation pass (NaN) is null."""
    # Whole or not at all, keeping the old file's mode and writing through a link, as the checkpoint beside it.
    replace_whole(path, (json.dumps(_nan_as_null(data), indent=2, allow_nan=False) + "\n").encode())


def readable_metrics(path: Path) -> tuple[dict[str, Any] | None, str]:
    """metrics.json as a dict, or (None, why not): missing, damaged, or not an object."""
    if not path.is_file():
        return None, "there is none" if not path.exists() else "it is not a file"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"it cannot be read as JSON ({exc})"
    if not isinstance(data, dict):
        return None, f"it holds a {type(data).__name__}, not an object"
    return data, ""


def _nan_as_null(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_as_null(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_as_null(v) for v in value]
    return value


# --- axes -------------------------------------------------------------------------


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` intervals."""
    raw = max(span, 1e-12) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def axis_range(
    values: list[float],
    floor: float | None = None,
    ceiling: float | None = None,
    target: int = 5,
    include_zero: bool = False,
) -> tuple[float, float, list[float]]:
    """(low, high, ticks) on round numbers covering ``values``, clamped to [floor, ceiling].

    A single value (one epoch) gets a margin around it rather than a span of
    zero; ``include_zero`` starts the axis at 0 (a loss, read against nothing).
    """
    lo, hi = min(values), max(values)
    if include_zero:
        lo = min(lo, 0.0)
    span = hi - lo
    # Values equal to a few parts in a million are one value: give it a margin, not a microscope.
    pad = span * 0.08 if span > 1e-6 * max(1.0, abs(hi)) else max(abs(hi) * 0.05, 0.01)
    lo, hi = lo - pad, hi + pad
    if floor is not None:
        lo = max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    step = nice_step(hi - lo, target)
    low, high = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    # A step times a whole number can miss a bound by a rounding error (2e-6 x 500,000 is
    # 0.9999999999999999): on a bound it is the bound, or the axis stops short of 100 %.
    if floor is not None:
        low = floor if math.isclose(low, floor, abs_tol=step * 1e-6) else max(low, floor)
    if ceiling is not None:
        high = ceiling if math.isclose(high, ceiling, abs_tol=step * 1e-6) else min(high, ceiling)
    count = int(round((high - low) / step))
    ticks = [round(low + i * step, 12) for i in range(count + 1)]
    return low, high, ticks


def epoch_ticks(epochs: int, target: int = 12) -> list[int]:
    """Whole epochs to label: every one up to ``target``, then round steps (1, 10, 20 ... 50)."""
    if epochs <= target:
        return list(range(1, epochs + 1))
    step = max(1, int(nice_step(epochs, target // 2)))
    return ([1] if step >= 5 else []) + list(range(step, epochs + 1, step))


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _label(value: float, percent: bool) -> str:
    """A measured value: accuracy to two decimals of a percent, loss to four figures."""
    return f"{value * 100:.2f} %" if percent else f"{value:.4g}"


def tick_labels(ticks: list[float], percent: bool) -> list[str]:
    """Tick labels with as few decimals as keep them exact and distinct ("90 %", "0.25")."""
    values = [t * 100 if percent else t for t in ticks]
    step = abs(values[1] - values[0]) if len(values) > 1 else 1.0
    for decimals in range(6):
        labels = [f"{v:.{decimals}f}" for v in values]
        if all(abs(float(label) - v) <= step * 1e-6 for label, v in zip(labels, values, strict=True)):
            break
    return [f"{label} %" for label in labels] if percent else labels


def _plot(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    series: list[tuple[str, list[float], str]],
    title: str,
    percent: bool,
) -> None:
    """One panel: round y ticks with grid lines, whole-epoch x ticks, lines, markers, last values labelled."""
    x0, y0, x1, y1 = box
    font, small = _font(12), _font(11)
    draw.text((x0, y0 - 34), title, fill=TEXT, font=font)
    # An epoch without a validation pass (Recipe.validate_every) has NaN: no point.
    values = [v for _, data, _ in series for v in data if math.isfinite(v)]
    epochs = max((len(data) for _, data, _ in series), default=0)
    if not values:
        draw.rectangle(box, outline=FRAME)
        draw.text((x0 + 8, y0 + 8), "no epochs", fill=FRAME, font=small)
        return
    low, high, ticks = axis_range(values, floor=0.0, ceiling=1.0 if percent else None, include_zero=not percent)

    def y_of(v: float) -> float:
        return y1 - (y1 - y0) * (v - low) / (high - low)

    def x_of(epoch: int) -> float:  # epochs sit in slots: one epoch is centred, not on an edge
        return x0 + (x1 - x0) * (epoch - 0.5) / epochs

    for tick, text in zip(ticks, tick_labels(ticks, percent), strict=True):
        y = y_of(tick)
        draw.line((x0, y, x1, y), fill=GRID)
        width = draw.textlength(text, font=small)
        draw.text((x0 - 6 - width, y - 6), text, fill=TEXT, font=small)
    for epoch in epoch_ticks(epochs):
        x = x_of(epoch)
        draw.line((x, y1, x, y1 + 4), fill=FRAME)
        text = str(epoch)
        draw.text((x - draw.textlength(text, font=small) / 2, y1 + 6), text, fill=TEXT, font=small)
    draw.text((x1 - draw.textlength("epoch", font=small), y1 + 20), "epoch", fill=TEXT, font=small)
    draw.rectangle(box, outline=FRAME)
    legend_x = x0 + 4
    # The highest curve's last value is written above its point, the others' below: two
    # curves ending close together (train 99.28 %, validation 99.64 %) had their labels on top
    # of each other once the second was no longer called "test".
    ends = [next((v for v in reversed(data) if math.isfinite(v)), -math.inf) for _, data, _ in series]
    for (name, data, colour), end in zip(series, ends, strict=True):
        points = [(x_of(i + 1), y_of(v)) for i, v in enumerate(data) if math.isfinite(v)]
        finite = [v for v in data if math.isfinite(v)]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        radius = 4 if len(points) == 1 else 2 if len(points) <= 30 else 0
        for px, py in points:
            if radius:
                draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=colour)
        if points:
            last_x, last_y = points[-1]
            text = _label(finite[-1], percent)
            text_x = (
                last_x + 7
                if last_x + 7 + draw.textlength(text, font=small) < x1
                else last_x - 7 - draw.textlength(text, font=small)
            )
            draw.text((text_x, last_y - 14 if end == max(ends) else last_y + 2), text, fill=colour, font=small)
        if len(series) > 1:
            draw.rectangle((legend_x, y0 - 14, legend_x + 10, y0 - 4), fill=colour)
            draw.text((legend_x + 14, y0 - 17), name, fill=TEXT, font=small)
            legend_x += 24 + int(draw.textlength(name, font=small))


def _cell_colour(count: int, row_total: int, diagonal: bool, worst: int) -> tuple[tuple[int, int, int], str]:
    """Blue by recall on the diagonal, red by share of the worst confusion off it; text stays readable."""
    if count == 0:
        return (255, 255, 255), TEXT
    if diagonal:
        strength = 0.25 + 0.75 * count / max(row_total, 1)
        rgb = (int(255 - 200 * strength), int(255 - 150 * strength), 255)
    else:
        strength = 0.15 + 0.85 * math.sqrt(count / max(worst, 1))
        rgb = (255, int(255 - 190 * strength), int(255 - 190 * strength))
    luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return rgb, "#ffffff" if luminance < 140 else TEXT


def _confusion(draw: ImageDraw.ImageDraw, matrix: np.ndarray, origin: tuple[int, int], cell: int) -> None:
    cx, cy = origin
    font, small = _font(12), _font(11)
    classes = len(matrix)
    draw.text((cx, cy - 52), "confusion matrix: count of test images", fill=TEXT, font=font)
    draw.text((cx, cy - 34), "rows: true digit, columns: predicted", fill=TEXT, font=small)
    totals = matrix.sum(1)
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    worst = int(off.max()) if off.size else 0
    for r in range(classes):
        digit = str(r)
        draw.text((cx - 12, cy + r * cell + cell / 2 - 7), digit, fill=TEXT, font=font)
        draw.text((cx + r * cell + cell / 2 - 3, cy - 17), digit, fill=TEXT, font=font)
        for c in range(classes):
            count = int(matrix[r, c])
            fill, ink = _cell_colour(count, int(totals[r]), r == c, worst)
            box = (cx + c * cell, cy + r * cell, cx + (c + 1) * cell - 1, cy + (r + 1) * cell - 1)
            draw.rectangle(box, fill=fill, outline="#f0f0f0")
            if count:
                text = str(count)
                width = draw.textlength(text, font=small)
                draw.text((box[0] + (cell - width) / 2, box[1] + cell / 2 - 7), text, fill=ink, font=small)
        recall = f"{matrix[r, r] / totals[r] * 100:.1f} %" if totals[r] else "-"
        draw.text((cx + classes * cell + 8, cy + r * cell + cell / 2 - 7), recall, fill=TEXT, font=small)
    draw.text((cx + classes * cell + 8, cy - 17), "correct", fill=TEXT, font=small)
    draw.rectangle((cx - 1, cy - 1, cx + classes * cell, cy + classes * cell), outline=FRAME)


def write_report_png(path: Path, history: list[EpochResult], matrix: np.ndarray, title: str) -> None:
    img = Image.new("RGB", (1040, 560), "white")
    draw = ImageDraw.Draw(img)
    draw.text((16, 10), title, fill=TEXT, font=_font(14))
    _plot(
        draw,
        (78, 86, 470, 270),
        [
            ("train", [h.train_acc for h in history], TRAIN_COLOUR),
            ("validation", [h.val_acc for h in history], TEST_COLOUR),
        ],
        "accuracy per epoch",
        percent=True,
    )
    _plot(
        draw, (78, 346, 470, 510), [("loss", [h.loss for h in history], LOSS_COLOUR)], "training loss per epoch", False
    )
    _confusion(draw, matrix, MATRIX_ORIGIN, CELL)
    img.save(path)
