"""Numbers read from pages nobody wrote a number on: grain, noise, dust and dots. Each gets an
answer or a clear refusal at once, and never costs the files after it their results."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from mnist_desk.cli import main
from mnist_desk.cuts import is_blot
from mnist_desk.inference import Predictor
from mnist_desk.preprocess import EmptyImageError, TooManyMarksError
from mnist_desk.reading import read_number, read_strokes
from mnist_desk.segment import MAX_MARKS, writing_height
from mnist_desk.strokes import MAX_RENDER_SIDE, PenStroke, render_strokes
from training.numbers import compose_number
from training.pen_render import draw_strokes
from training.pendigits import TEST_WRITERS, by_writers, read_pendigits


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


@pytest.fixture(scope="module")
def written(predictor) -> np.ndarray:
    """A number of four test-writer digits that reads right, with room around it for dust."""
    pool = by_writers(read_pendigits(), TEST_WRITERS[:1])
    rng = np.random.default_rng(4)
    for _ in range(20):
        number = compose_number([pool[int(i)] for i in rng.choice(len(pool), 4, replace=False)], rng)
        if read_number(predictor, number.image).text == number.text:
            page = np.full((number.image.shape[0] + 160, number.image.shape[1]), 255, np.uint8)
            page[80:-80] = number.image
            return page
    raise AssertionError("no composed number read right")


def grain(shape: tuple[int, int], sigma: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, sigma, shape)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(40, 400), st.integers(40, 400), st.sampled_from(["grain", "salt", "uniform"]), st.integers(0, 2**16))
def test_a_page_of_noise_is_refused_or_read_never_an_exception(predictor, width, height, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "grain":  # a blank page photographed: paper grey with sensor noise
        page = 200 + grain((height, width), rng.uniform(1, 30), seed)
    elif kind == "salt":  # dust or a bad scan: scattered black pixels
        page = np.where(rng.random((height, width)) < rng.uniform(0.001, 0.2), 0.0, 255.0)
    else:
        page = rng.uniform(0, 255, (height, width))
    try:
        reading = read_number(predictor, np.clip(page, 0, 255).astype(np.uint8))
    except EmptyImageError:  # empty, too small, or too many marks: a clear message
        return
    assert len(reading.digits) <= MAX_MARKS


def test_hundreds_of_marks_are_refused_at_once_with_what_they_are(predictor):
    page = np.where(np.random.default_rng(0).random((300, 300)) < 0.3, 0, 255).astype(np.uint8)
    with pytest.raises(TooManyMarksError, match="too many to be a number"):
        read_number(predictor, page)


def test_a_grainy_photo_of_a_number_still_reads(predictor, written):
    clean = read_number(predictor, written).text
    for sigma in (10, 25, 40):
        noisy = np.clip(written + grain(written.shape, sigma, sigma), 0, 255).astype(np.uint8)
        assert read_number(predictor, noisy).text == clean


def test_dust_in_the_margins_neither_sets_the_writing_height_nor_cuts_the_digits(predictor, written):
    clean = read_number(predictor, written)
    rng = np.random.default_rng(1)
    dusty = written.copy()
    for _ in range(40):  # far more specks than digits, in the empty bands above and below
        y = int(rng.choice([rng.integers(5, 40), rng.integers(written.shape[0] - 40, written.shape[0] - 5)]))
        x = int(rng.integers(0, written.shape[1] - 3))
        dusty[y : y + 3, x : x + 3] = 0
    assert read_number(predictor, dusty).text == clean.text
    assert writing_height([(0, 0, 3, 3)] * 40 + [(0, 0, 40, 150)] * 4) == 150


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 45), st.booleans())
def test_a_single_dot_is_never_read_as_a_number(predictor, size, round_dot):
    page = Image.new("L", (300, 300), 255)
    draw = ImageDraw.Draw(page)
    (draw.ellipse if round_dot else draw.rectangle)((150, 150, 150 + size - 1, 150 + size - 1), fill=0)
    try:
        reading = read_number(predictor, page)
    except EmptyImageError:  # too small to read
        return
    assert reading.text is None and len(reading.digits) == 1  # one mark, and not a digit


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(4, 24), st.floats(0, 1), st.floats(0, 1), st.integers(1, 3))
def test_taps_of_the_pen_are_never_read_as_a_number(predictor, pen, dx, dy, count):
    # Anti-aliased round dots, as the canvas or a drawing program leaves them: their box fill
    # wavers with where their pixels fall (0.59-0.89), and until 2026-11-25 dots of 6.5-10.5 px
    # were cut in two and each read "11". The filled ellipses above never found it.
    page = Image.new("L", (1200, 400), 255)
    draw_strokes(page, [np.array([[100 + dx + k * 90, 100 + dy]]) for k in range(count)], pen, False, 2)
    try:
        reading = read_number(predictor, np.asarray(page.resize((600, 200), Image.Resampling.BOX)))
    except EmptyImageError:  # too small to read
        return
    assert reading.text is None and len(reading.digits) == count


def test_a_blot_is_told_from_a_drawn_loop():
    ring, disc = Image.new("L", (60, 60), 0), Image.new("L", (60, 60), 0)
    ImageDraw.Draw(ring).ellipse((5, 5, 55, 55), outline=255, width=8)
    ImageDraw.Draw(disc).ellipse((5, 5, 55, 55), fill=255)
    assert is_blot(np.asarray(disc, np.float32) / 255) and not is_blot(np.asarray(ring, np.float32) / 255)


def test_noise_between_good_files_costs_them_nothing(tmp_path: Path, capsys, written):
    Image.fromarray(written).save(tmp_path / "a.png")
    salt = np.where(np.random.default_rng(2).random((400, 600)) < 0.05, 0, 255).astype(np.uint8)
    Image.fromarray(salt).save(tmp_path / "salt.png")
    Image.fromarray(np.clip(200 + grain((400, 600), 2, 3), 0, 255).astype(np.uint8)).save(tmp_path / "blank.png")
    files = [tmp_path / n for n in ("a.png", "salt.png", "blank.png", "a.png")]
    assert main(["predict", "--json", "--number", *map(str, files)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["number"] is not None for r in records] == [True, False, False, True]
    assert "too many to be a number" in records[1]["error"] and "empty" in records[2]["error"]


@pytest.mark.parametrize(
    ("points", "width", "message"),
    [
        ([[10.0, 10.0], [np.nan, 50.0]], 12, "finite"),
        ([[10.0, 10.0], [np.inf, 50.0]], 12, "finite"),
        (np.zeros((0, 2)), 12, "one or more"),
        ([10.0, 10.0, 20.0], 12, "one or more"),
        ([[10.0, 10.0]], -12, "pen width"),
        ([[10.0, 10.0]], float("nan"), "pen width"),
    ],
)
def test_a_broken_stroke_is_refused_with_what_is_wrong(points, width, message):
    with pytest.raises(ValueError, match=message):
        PenStroke(points, width)


def test_strokes_given_as_lists_are_read(predictor):
    reading = read_strokes(predictor, [PenStroke([[100, 20], [100, 200]], 12)])  # type: ignore[arg-type]
    assert len(reading.digits) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    far=st.floats(0, 1e8),
    up=st.floats(-1e8, 1e8),
    pen=st.floats(0, 1e6),
)
def test_strokes_any_distance_apart_with_any_pen_are_drawn_small(predictor, far, up, pen):
    # Two strokes 1e7 px apart made the grouping draw one 2e7 px wide image (MemoryError);
    # a 1e5 px pen did the same. Beyond MAX_RENDER_SIDE the strokes are drawn scaled down.
    strokes = [PenStroke([[0, 0], [0, 100]], 8), PenStroke([[far, up], [far, up + 100]], pen)]
    drawing, box = render_strokes(strokes)
    assert max(drawing.shape) <= MAX_RENDER_SIDE
    assert box[2] - box[0] >= far and box[3] - box[1] >= abs(up)  # the box is still in the strokes' pixels
    reading = read_strokes(predictor, strokes)
    assert 1 <= len(reading.digits) <= 2
