"""Which pixels are ink: whatever differs clearly from the page, darker or lighter.

The page alone used to decide it (lighter than mid-grey: the ink is darker), so
black ink on grey paper of 127 or darker, and white chalk on a light grey board,
were read as "no ink found" (a hostile test, 2026-11-25). So was a drawing on a
layer made equally half-transparent everywhere: its flat alpha was taken for ink.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from mnist_desk.preprocess import ink_map, preprocess


def seven_on(page: int, ink: int, side: int = 120) -> Image.Image:
    image = Image.new("L", (side, side), page)
    ImageDraw.Draw(image).line([(24, 24), (96, 24), (48, 102)], fill=ink, width=10)
    return image


STROKE = np.asarray(seven_on(0, 255)) > 127


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 255), st.integers(0, 255))
def test_ink_clearly_unlike_the_page_is_ink_darker_or_lighter(page: int, ink: int):
    if abs(page - ink) < 0.35 * 255:
        return  # too faint to promise anything
    found = ink_map(seven_on(page, ink))
    assert found[STROKE].mean() > 0.3 and found[~STROKE].mean() < 0.02
    reference = preprocess(seven_on(255, 0))
    assert np.abs(preprocess(seven_on(page, ink)) - reference).mean() < 0.02  # read as the same seven


def test_a_glare_smaller_than_many_times_the_ink_leaves_a_dark_digit_dark():
    photo = np.asarray(seven_on(150, 20), dtype=np.uint8).copy()
    photo[100:118, 2:30] = 255  # a patch of glare on grey paper, lighter than the page
    found = ink_map(photo)
    assert found[STROKE].mean() > 0.3 and found[100:118, 2:30].max() == 0


def test_a_layer_equally_transparent_everywhere_is_read_by_its_colours():
    page = np.asarray(seven_on(255, 0).convert("RGBA")).copy()
    page[..., 3] = 100  # the whole layer at 40 % opacity: alpha says nothing of the ink
    found = ink_map(page)
    assert found[STROKE].mean() > 0.9 and found[~STROKE].mean() < 0.02
    strokes_on_clear = np.zeros_like(page)
    strokes_on_clear[..., 3] = STROKE * 255  # strokes on a transparent layer: alpha is the ink
    assert (ink_map(strokes_on_clear) > 0.5).tolist() == STROKE.tolist()


def test_a_few_bright_specks_leave_a_faint_dark_digit_dark():
    photo = np.asarray(seven_on(200, 165), dtype=np.uint8).copy()  # faint: 35 grey levels
    photo[5, 5] = photo[5, 100] = photo[110, 60] = 255  # sensor specks, lighter than the page
    found = ink_map(photo)
    assert found[STROKE].mean() > 0.1 and found[5, 5] == 0
