"""The training report reads well after one epoch and after fifty."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from training.report import (
    CELL,
    MATRIX_ORIGIN,
    axis_range,
    confusion_matrix,
    epoch_ticks,
    evaluation_summary,
    tick_labels,
    write_report_png,
)
from training.train import EpochResult


@pytest.fixture
def drawn_texts(monkeypatch):
    """Every (x, y, text) the report draws."""
    texts: list[tuple[float, float, str]] = []
    original = ImageDraw.ImageDraw.text

    def record(self, xy, text, *args, **kwargs):
        texts.append((float(xy[0]), float(xy[1]), str(text)))
        return original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", record)
    return texts


def _check_axis(values, low, high, ticks):
    assert low <= min(values) and high >= max(values)
    assert ticks[0] == pytest.approx(low) and ticks[-1] == pytest.approx(high)
    steps = np.diff(ticks)
    assert 2 <= len(ticks) <= 12 and np.allclose(steps, steps[0]) and steps[0] > 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60))
@example([1.0, 0.99999])  # found by a CI run: the axis stopped at 0.9999999999999999
def test_accuracy_axes_stay_within_0_and_100_percent(values):
    low, high, ticks = axis_range(values, floor=0.0, ceiling=1.0)
    _check_axis(values, low, high, ticks)
    assert low >= 0.0 and high <= 1.0
    labels = tick_labels(ticks, percent=True)
    assert len(set(labels)) == len(labels) and all(label.endswith(" %") for label in labels)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(1e-4, 20.0), min_size=1, max_size=60))
def test_loss_axes_start_at_zero_and_never_go_negative(values):
    low, high, ticks = axis_range(values, floor=0.0, include_zero=True)
    _check_axis(values, low, high, ticks)
    assert low == 0.0 and all(t >= 0 for t in ticks)
    assert high <= max(values) * 2.5 + 1e-9, "the curve should fill a good part of the panel"


@pytest.mark.parametrize(("epochs", "expected"), [(1, [1]), (11, list(range(1, 12))), (50, [1, 10, 20, 30, 40, 50])])
def test_epochs_are_labelled_as_whole_numbers(epochs, expected):
    assert epoch_ticks(epochs) == expected


def _matrix(seed=0, errors=0.03):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, 2000)
    predicted = labels.copy()
    wrong = rng.random(2000) < errors
    predicted[wrong] = rng.integers(0, 10, int(wrong.sum()))
    return confusion_matrix(labels, predicted)


def _history(epochs):
    return [
        EpochResult(e, 2.3 * math.exp(-e / 5) + 0.4, 1 - 0.5 * math.exp(-e / 3), 1 - 0.45 * math.exp(-e / 3), 30.0)
        for e in range(1, epochs + 1)
    ]


def test_one_epoch_is_a_labelled_point_on_sensible_axes(tmp_path, drawn_texts):
    history = [EpochResult(1, 0.281, 0.912, 0.957, 40.0)]
    write_report_png(tmp_path / "report.png", history, _matrix(), "one epoch")
    texts = [t for _, _, t in drawn_texts]
    assert {"91.20 %", "95.70 %", "0.281"} <= set(texts), texts  # the values themselves, written out
    assert not any(t.startswith(("-", "\u2212")) for t in texts), "a negative tick on a loss or accuracy axis"
    assert "0.0" in texts and "0.3" in texts  # the loss axis runs from 0 to just above 0.281
    assert not any(t.endswith(" %") and float(t[:-2]) > 100 for t in texts)
    assert texts.count("1") >= 2  # epoch 1 on both panels' axes (and the matrix's digit 1)
    image = np.asarray(Image.open(tmp_path / "report.png").convert("RGB")).astype(int)
    red = (np.abs(image - (214, 39, 40)).sum(2) < 30).sum()
    assert red > 30, "the single test-accuracy point is a visible marker, not a pixel"


def test_fifty_epochs_read_as_curves_with_round_epoch_ticks(tmp_path, drawn_texts):
    write_report_png(tmp_path / "report.png", _history(50), _matrix(), "fifty epochs")
    texts = [t for _, _, t in drawn_texts]
    for epoch in ("10", "20", "30", "40", "50"):
        assert epoch in texts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_non_zero_confusion_cell_shows_its_count(tmp_path, drawn_texts, seed):
    matrix = _matrix(seed, errors=0.02 + 0.05 * seed)
    assert (matrix == 0).any() and (matrix > 0).any()
    write_report_png(tmp_path / "report.png", _history(3), matrix, "counts")
    cx, cy = MATRIX_ORIGIN
    for r in range(10):
        for c in range(10):
            inside = [
                t
                for x, y, t in drawn_texts
                if cx + c * CELL <= x < cx + (c + 1) * CELL and cy + r * CELL <= y < cy + (r + 1) * CELL
            ]
            assert inside == ([str(matrix[r, c])] if matrix[r, c] else []), (r, c, inside)


def test_a_diagonal_count_is_readable_on_its_colour(tmp_path):
    matrix = np.diag(np.full(10, 1000))
    write_report_png(tmp_path / "report.png", _history(1), matrix, "all right")
    image = np.asarray(Image.open(tmp_path / "report.png").convert("L")).astype(int)
    cx, cy = MATRIX_ORIGIN
    cell = image[cy + 2 : cy + CELL - 3, cx + 2 : cx + CELL - 3]
    assert cell.max() - cell.min() > 120, "the count must stand out from a full-recall cell"


def test_evaluating_nothing_is_an_error_not_nan():
    with pytest.raises(ValueError, match="no test images"):
        evaluation_summary(np.zeros(0, np.uint8), np.zeros(0, np.int64))


def test_a_class_without_test_images_has_no_accuracy_rather_than_zero():
    labels = np.array([0, 0, 3], np.uint8)
    summary = evaluation_summary(labels, np.array([0, 1, 3]))
    assert summary["per_class_accuracy"]["0"] == 0.5 and summary["per_class_accuracy"]["3"] == 1.0
    assert summary["per_class_accuracy"]["7"] is None  # no 7 was there to read


def test_last_values_of_curves_ending_together_are_not_written_on_top_of_each_other(tmp_path, monkeypatch):
    from PIL import ImageDraw

    from training.train import EpochResult

    written = []
    real = ImageDraw.ImageDraw.text

    def text(self, xy, content, *args, **kwargs):
        written.append((content, xy))
        return real(self, xy, content, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    # As the shipped model's: the first epoch far below, the last two values 0.36 points apart.
    history = [EpochResult(1, 0.9, 0.926, math.nan, 1.0), EpochResult(2, 0.6, 0.9928, 0.9964, 1.0)]
    write_report_png(tmp_path / "r.png", history, np.eye(10, dtype=int), "t")
    train_y = next(xy[1] for content, xy in written if content == "99.28 %")
    validation_y = next(xy[1] for content, xy in written if content == "99.64 %")
    assert validation_y + 12 <= train_y  # the higher curve's label above its point, the other's below
