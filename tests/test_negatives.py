"""The non-digit drawings: every kind draws, and the kinds we measure on stay unseen."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_desk.preprocess import EmptyImageError, preprocess
from training.glyphs import GLYPH_FAMILIES, glyph_kinds
from training.negatives import (
    ALL_KINDS,
    GLYPH_TRAIN_KINDS,
    TEST_KINDS,
    TRAIN_KINDS,
    VALIDATION_KINDS,
    glyph_strokes,
    negative_strokes,
    rendered_negatives,
)
from training.pen_render import PenStyle, random_style, render


def test_kinds_split_into_three_disjoint_parts():
    train, validation, test = set(TRAIN_KINDS), set(VALIDATION_KINDS), set(TEST_KINDS)
    assert not (train & validation or train & test or validation & test)
    assert train | validation | test | set(GLYPH_TRAIN_KINDS) == set(ALL_KINDS)
    assert len(test) >= 12 and len(validation) >= 8  # enough kinds to measure and to choose on


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_draws_something_the_app_can_read(kind):
    rng = np.random.default_rng(1)
    strokes = negative_strokes(kind, rng)
    assert strokes and all(np.isfinite(s).all() for s in strokes)
    drawing = render(strokes, random_style(rng))
    assert drawing.min() < 100
    try:
        image = preprocess(drawing)
    except EmptyImageError:
        # A fine-pen dot may be "too small to read": an answer, not a digit.
        assert kind == "dot", f"{kind} drew nothing readable"
        return
    assert image.shape == (28, 28)


def test_a_dot_stays_the_size_of_its_pen():
    style = PenStyle(height=200, aspect=1, slant=0, rotation=0, pen=12, smooth=False, x=0.5, y=0.5)
    drawing = render(negative_strokes("dot", np.random.default_rng(0)), style)
    rows, cols = np.nonzero(drawing < 128)
    assert np.ptp(rows) <= 13 and np.ptp(cols) <= 13


def test_rendered_negatives_are_reproducible_and_cached(tmp_path):
    first = rendered_negatives(TRAIN_KINDS[:5], 20, seed=3, cache_dir=tmp_path)
    again = rendered_negatives(TRAIN_KINDS[:5], 20, seed=3, cache_dir=tmp_path)
    fresh = rendered_negatives(TRAIN_KINDS[:5], 20, seed=3)
    assert first.shape == (20, 28, 28) and first.dtype == np.uint8
    assert np.array_equal(first, again) and np.array_equal(first, fresh)
    assert len(list(tmp_path.glob("neg-*.npz"))) == 1


@pytest.mark.parametrize("family", GLYPH_FAMILIES)
def test_every_chosen_glyph_exists_in_its_font(family):
    # A character the font lacks would draw nothing: the glyph lists are typed by hand.
    font_name, chars = GLYPH_FAMILIES[family]
    assert len(set(chars)) == len(chars), "a glyph listed twice"
    for char in chars:
        strokes = glyph_strokes(font_name, char)
        assert strokes and sum(len(s) for s in strokes) >= 2, (family, char)


def test_glyph_families_train_or_validate_never_both_and_come_round_by_size():
    assert not set(glyph_kinds()) & set(TEST_KINDS)
    trained = set(GLYPH_TRAIN_KINDS)
    assert trained and not trained & set(VALIDATION_KINDS) and "glyph-kanji" in VALIDATION_KINDS
    assert not trained & set(TRAIN_KINDS)  # only a recipe that asks for them trains on them
    turns = {kind: GLYPH_TRAIN_KINDS.count(kind) for kind in trained}
    assert turns["glyph-kana"] > turns["glyph-greek"] > turns["glyph-music"] == 1
