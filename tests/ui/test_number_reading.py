"""Reading the canvas's number on the worker (Qt-free): the full reading, the live one
that follows the pen, the memory of crops already read, a digit's place on the paper."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnist_desk.reading import read_strokes
from mnist_desk.strokes import PenStroke, render_strokes
from mnist_desk.ui.number_reading import CachedReader, NumberReader, NumberRequest, digit_transform
from mnist_desk.ui.placement import PaperMap
from ui_helpers import STAR, digit_template, number_strokes

PAPER = (700, 280)  # the wide paper as it is read: half of 1400 x 560
FIVE = [
    [(0.25, 0.12), (0.2, 0.45), (0.55, 0.38), (0.85, 0.6), (0.8, 0.9), (0.45, 1.0), (0.1, 0.88)],
    [(0.36, 0.0), (0.9, -0.02)],
]


def pen_strokes(templates) -> list[np.ndarray]:
    return [np.array(stroke) * PAPER for stroke in number_strokes(templates, PAPER)]


def request(reader, strokes, live) -> NumberRequest:
    strokes = tuple(strokes)
    return NumberRequest(reader, strokes, None, PaperMap((2.0, 2.0)), (560, 1400), None, strokes[-1].box(), live)


@pytest.mark.parametrize("templates", [[digit_template(int(c)) for c in "2026"], [digit_template(3), FIVE]])
def test_the_live_reading_follows_the_pen_and_agrees_with_the_full_one(predictor, templates):
    reader = NumberReader()
    done: list[PenStroke] = []
    for points in pen_strokes(templates):
        for k in range(2, len(points) + 1, 3):
            live = request(reader, [*done, PenStroke(points[:k], 18.0)], live=True).run(predictor)
            assert live.digits and live.selected is not None and live.prediction is not None
        done.append(PenStroke(points, 18.0))
        live = request(reader, done, live=True).run(predictor)
        full = request(NumberReader(), done, live=False).run(predictor)
        assert live.text == full.text, (live.text, full.text)
        assert [d.box for d in live.digits] == [d.box for d in full.digits]
        # The digit under the pen is the one shown in detail, and its prediction is its reading.
        np.testing.assert_allclose(live.prediction.probabilities, live.digits[live.selected].probabilities)
    assert full.text == read_strokes(predictor, done).text in ("2026", "35")


def test_each_stroke_is_drawn_once_however_many_readings_use_it(predictor):
    reader = NumberReader()
    strokes = [PenStroke(p, 18.0) for p in pen_strokes([digit_template(int(c)) for c in "2026"])]
    for k in range(1, len(strokes) + 1):
        result = request(reader, strokes[:k], live=False).run(predictor)
        assert reader.images.drawn == k  # the new stroke, not every candidate digit's strokes again
    assert result.text == read_strokes(predictor, strokes).text  # as read with nothing remembered


def test_while_drawing_only_the_digit_under_the_pen_is_read_again(predictor):
    reader = NumberReader()
    strokes = [PenStroke(p, 18.0) for p in pen_strokes([digit_template(int(c)) for c in "2026"])]
    request(reader, strokes[:-1], live=False).run(predictor)  # the pen was lifted after the 2
    cached = reader.reader(predictor)
    before = cached.computed
    last = strokes[-1].points
    for k in range(2, len(last) + 1):
        request(reader, [*strokes[:-1], PenStroke(last[:k], 18.0)], live=True).run(predictor)
    assert cached.computed == before  # no candidate crops scored: one digit read per move


def test_a_speck_starting_a_new_digit_waits_until_it_grows(predictor):
    reader = NumberReader()
    strokes = [PenStroke(p, 18.0) for p in pen_strokes([digit_template(4), digit_template(2)])]
    four, two = strokes[:-1], strokes[-1]  # the 4 in two strokes, the 2 in one
    first = request(reader, four, live=False).run(predictor)
    speck = request(reader, [*four, PenStroke(two.points[:2], 18.0)], live=True).run(predictor)
    assert speck.text == first.text == "4"
    grown = request(reader, [*four, two], live=True).run(predictor)
    assert grown.text == "42"


def test_the_memory_gives_the_network_s_own_answers(predictor):
    rng = np.random.default_rng(0)
    inputs = rng.random((6, 28, 28)).astype(np.float32)
    cached = CachedReader(predictor)
    first = cached.read(inputs[:4])
    again = cached.read(inputs[[3, 1, 4, 5]])
    assert cached.asked == 8 and cached.computed == 6
    plain = predictor.read(inputs)
    np.testing.assert_allclose(first[0], plain[0][:4], atol=1e-6)
    np.testing.assert_allclose(again[0], plain[0][[3, 1, 4, 5]], atol=1e-6)
    assert again[1].tolist() == plain[1][[3, 1, 4, 5]].tolist()
    # Reading an opened picture cuts parts in two and asks how far above "not a digit" they read.
    np.testing.assert_allclose(cached.margins(inputs), predictor.margins(inputs), atol=1e-5)
    assert cached.computed == 6  # remembered with the answers: the grouping's scorer asks for them too


def test_a_digit_s_input_is_mapped_onto_its_box(predictor):
    strokes = [PenStroke(p, 18.0) for p in pen_strokes([digit_template(4), digit_template(7)])]
    reading = read_strokes(predictor, strokes)
    for digit in reading.digits:
        transform = digit_transform(digit, PaperMap((2.0, 2.0)), (560, 1400))
        ink = digit.input > 0.1
        rows, cols = np.nonzero(ink.any(1))[0], np.nonzero(ink.any(0))[0]
        top, left, bottom, right = transform.rect_to_source(rows[0], cols[0], rows[-1] + 1, cols[-1] + 1)
        x0, y0, x1, y1 = (2 * v for v in digit.box)
        assert (top + bottom) / 2 == pytest.approx((y0 + y1) / 2, abs=1e-6)
        assert (left + right) / 2 == pytest.approx((x0 + x1) / 2, abs=1e-6)
        # One scale for both axes (as preprocessing used): the ink's box covers the digit's box,
        # exactly along one axis.
        assert bottom - top >= y1 - y0 - 1e-6 and right - left >= x1 - x0 - 1e-6
        assert min(bottom - top - (y1 - y0), right - left - (x1 - x0)) == pytest.approx(0, abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(digits=st.lists(st.integers(0, 9), min_size=1, max_size=3), at=st.integers(0, 3))
def test_a_non_digit_never_takes_a_neighbour_into_its_box(predictor, digits, at):
    """However the digits around it read, the star's part holds the star's strokes and no others."""
    at = min(at, len(digits))
    templates = [digit_template(d) for d in digits]
    templates.insert(at, STAR)
    strokes = [PenStroke(points, 18.0) for points in pen_strokes(templates)]
    star = sum(len(t) for t in templates[:at])  # the star is one stroke, after the digits before it
    reading = read_strokes(predictor, strokes)
    rejected = [d for d in reading.digits if d.not_a_digit]
    star_box = render_strokes([strokes[star]], margin=0)[1]
    assert reading.text is None and rejected
    assert [d.box for d in rejected] == [star_box], (digits, at, [d.box for d in reading.digits])
