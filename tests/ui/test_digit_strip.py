"""DigitStrip's cells: one under each digit, never over a neighbour's, and wide enough for
the 0-9 under the bars wherever the room is there (a narrow 1 included); and what lights up
under the pointer there and in the probability bars, to say it can be clicked."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from mnist_desk.ui.digit_strip import BAR_MARGIN, CELL_MARGIN, CELL_MIN, CELL_WIDEST, DigitStrip, StripDigit
from mnist_desk.ui.probability_bars import ProbabilityBars
from ui_helpers import _send

FLAT = np.full(10, 0.1)


def bars_width(cell_width: float) -> float:
    return cell_width - 2 * (CELL_MARGIN + BAR_MARGIN)


def strip_with(qtbot, spans) -> DigitStrip:
    strip = DigitStrip()
    qtbot.addWidget(strip)
    strip.resize(1200, 120)
    strip.paper_to_x = lambda x: x  # the paper drawn at 1:1 from the strip's left edge
    strip.set_digits([StripDigit(str(i), FLAT, span=span) for i, span in enumerate(spans)], None)
    return strip


def test_a_narrow_one_between_wide_digits_gets_a_labelled_cell(qtbot):
    # "314" written with room: the 1 is 14 px wide, the centres 112 and 118 px apart.
    strip = strip_with(qtbot, [(100, 190), (250, 264), (330, 420)])
    narrow = strip.cell_rect(1)
    assert narrow.width() >= strip.labelled_width() > CELL_MIN
    assert narrow.center().x() == 257  # still centred under its digit
    assert strip.scale_labels() == tuple(range(10))
    assert strip.tick_labels(bars_width(narrow.width())) == tuple(range(10))


def test_a_cell_too_narrow_for_ten_labels_shows_the_ends_of_its_scale(qtbot):
    # "3.14" as written in the window: the 1 is 66 px from the point, 183 px from the 4.
    strip = strip_with(qtbot, [(150, 260), (285, 310), (350, 362), (500, 650)])
    narrow = strip.cell_rect(2)
    assert narrow.width() < strip.labelled_width()
    assert strip.tick_labels(bars_width(narrow.width())) == (0, 9)
    assert strip.tick_labels(bars_width(strip.cell_rect(3).width())) == tuple(range(10))  # the 4 has room
    assert strip.scale_labels() == (0, 9)  # but every cell shares the narrowest one's scale
    assert strip.tick_labels(5.0) == ()  # no room even for the ends: no labels at all


def test_a_narrow_digit_pressed_between_close_neighbours_keeps_its_share(qtbot):
    strip = strip_with(qtbot, [(100, 160), (162, 170), (172, 232)])
    cells = [strip.cell_rect(i) for i in range(3)]
    assert cells[0].right() <= cells[1].left() + 1e-6 and cells[1].right() <= cells[2].left() + 1e-6
    assert cells[1].width() >= CELL_MIN


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.floats(0, 60), st.floats(1, 200)),  # gap before the digit, its width
        min_size=1,
        max_size=6,
    )
)
def test_cells_sit_under_their_digits_and_never_overlap_with_room(qtbot, parts):
    spans, x = [], 20.0
    for gap, width in parts:
        spans.append((x + gap, x + gap + width))
        x += gap + width
    strip = strip_with(qtbot, spans)
    cells = [strip.cell_rect(i) for i in range(len(spans))]
    centres = [(a + b) / 2 for a, b in spans]
    for cell, centre, (left, right) in zip(cells, centres, spans, strict=True):
        assert abs(cell.center().x() - centre) < 1e-6
        assert CELL_MIN - 1e-6 <= cell.width() <= CELL_WIDEST + 1e-6
        if right - left >= CELL_MIN:  # a cell is never narrower than its digit, room allowing
            halfway = min(
                [centre - (c + centre) / 2 for c in centres if c < centre]
                + [(c + centre) / 2 - centre for c in centres if c > centre]
                + [np.inf]
            )
            assert cell.width() >= min(right - left, 2 * halfway, CELL_WIDEST) - 1e-6
    for a, b in zip(cells, cells[1:], strict=False):
        if a.width() > CELL_MIN and b.width() > CELL_MIN:  # neither held at the minimum
            assert a.right() <= b.left() + 1e-6


def move(widget, point) -> None:
    _send(widget, QEvent.Type.MouseMove, QPointF(point), Qt.MouseButton.NoButton)


def test_the_cell_under_the_pointer_is_framed_and_let_go_when_it_leaves(qtbot):
    strip = strip_with(qtbot, [(100, 190), (250, 264), (330, 420)])
    move(strip, strip.cell_rect(1).center())
    assert strip.hovered() == 1
    move(strip, QPointF(5, 5))  # between cells: none
    assert strip.hovered() is None
    move(strip, strip.cell_rect(2).center())
    QApplication.sendEvent(strip, QEvent(QEvent.Type.Leave))
    assert strip.hovered() is None


def test_a_bar_row_lights_under_the_pointer_only_while_it_can_be_clicked(qtbot):
    # A new user did not see that the bars are buttons ("it is this digit").
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.resize(300, 260)
    move(bars, bars.row_rect(9).center())
    assert bars.hovered() is None  # nothing shown, nothing to correct
    bars.set_probabilities(np.eye(10)[3])
    move(bars, bars.row_rect(9).center())
    assert bars.hovered() == 9
    bars.set_probabilities(None)
    assert bars.hovered() is None


def test_in_a_tall_window_the_bars_under_a_number_take_the_room_below_it(qtbot, window):
    # A full-HD window left a third of the left column empty under the wide canvas.
    from mnist_desk.ui.digit_strip import TALLEST_BARS

    window.menus.actions["numberMode"].trigger()
    panel, strip = window.drawing, window.drawing.digit_strip
    window.resize(1920, 1050)
    qtbot.waitUntil(lambda: strip.height() > strip.sizeHint().height())
    assert strip.height() == strip.maximumHeight() > TALLEST_BARS
    # The tools still come right under the strip, and the whole column fits.
    assert panel.clear_button.geometry().top() - strip.geometry().bottom() < 20
    assert panel.saliency.geometry().bottom() <= panel.height()
    window.menus.actions["numberMode"].trigger()  # back to one digit: the square canvas fills the column
    qtbot.waitUntil(lambda: not strip.isVisible())
    qtbot.waitUntil(lambda: window.canvas.height() > 0.8 * panel.height())


def test_an_empty_strip_says_what_will_appear_in_it(qtbot):
    # In a tall window the strip takes room before anything is written: blank, it looked broken.
    strip = DigitStrip()
    qtbot.addWidget(strip)
    strip.resize(600, 200)
    image = strip.grab().toImage()
    middle = {image.pixelColor(x, 100).name() for x in range(0, 600, 2)}
    assert "digit" in strip.empty_text and len(middle) > 1  # text painted across the middle
    paper = image.pixelColor(0, 100).name()
    inked = [x for x in range(0, 200) if image.pixelColor(x, 100).name() != paper]  # left of any cell
    strip.set_digits([StripDigit("7", FLAT)], None)  # one cell, centred
    after = strip.grab().toImage()
    assert inked and all(after.pixelColor(x, 100).name() == paper for x in inked)
