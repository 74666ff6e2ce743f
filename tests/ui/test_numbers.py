"""Number mode: a number written across the wide canvas is read digit by digit, with
a box around each digit, each digit's own bars, and one digit in detail."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, Qt

from mnist_desk.strokes import PenStroke, render_strokes
from mnist_desk.ui.canvas_overlay import NOT_A_DIGIT
from ui_helpers import (
    STAR,
    _send,
    digit_template,
    drag,
    draw_digit_on,
    draw_number_on,
    number_strokes,
    open_image_in,
    wait_for_latest,
)

# A five written as most people write it: the body, then the bar, lifted a little away from it.
TWO_STROKE_FIVE = [
    [(0.25, 0.12), (0.2, 0.45), (0.55, 0.38), (0.85, 0.6), (0.8, 0.9), (0.45, 1.0), (0.1, 0.88)],
    [(0.36, 0.0), (0.9, -0.02)],
]


@pytest.fixture
def numbers(qtbot, window):
    window.menus.actions["numberMode"].trigger()
    wait_for_latest(qtbot, window)
    assert window.numbers.on and window.canvas.is_wide()
    return window


def write(qtbot, window, templates) -> None:
    for stroke in number_strokes(templates, window.canvas.paper_size()):
        drag(window.canvas, stroke)
    wait_for_latest(qtbot, window)


def box_lefts(window) -> list[float]:
    return [box.rect[1] for box in window.canvas.overlay.digit_boxes()]


@pytest.mark.parametrize("text", ["42", "2026", "3"])
def test_a_number_written_across_the_canvas_is_read(qtbot, numbers, text):
    window = numbers
    draw_number_on(window.canvas, text)
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == text
    boxes = window.canvas.overlay.digit_boxes()
    assert [box.label for box in boxes] == list(text)
    assert box_lefts(window) == sorted(box_lefts(window))  # left to right
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.rect[3] <= b.rect[1]  # each box ends before the next begins: neatly written digits
    assert not any(box.not_a_digit for box in boxes)
    assert [d.label for d in window.drawing.digit_strip.digits()] == list(text)
    assert window.numbers.result.from_strokes
    # How sure is said of the whole number: the bars below show one digit (a new user's question).
    assert window.confidence_label.text().startswith("The whole number: ")


def test_each_box_frames_its_own_ink_on_the_paper(qtbot, numbers):
    window = numbers
    draw_number_on(window.canvas, "42")
    wait_for_latest(qtbot, window)
    paper = window.canvas.to_array()  # 560 px high, 1400 wide
    assert paper.shape == (560, 1400)
    ink = paper < 128
    covered = np.zeros_like(ink)
    for box in window.canvas.overlay.digit_boxes():
        top, left, bottom, right = (int(round(v)) for v in box.rect)
        assert ink[top:bottom, left:right].any()
        covered[max(top - 4, 0) : bottom + 4, max(left - 4, 0) : right + 4] = True
    assert not (ink & ~covered).any()  # no ink outside the boxes


def test_a_two_stroke_five_stays_one_digit(qtbot, numbers):
    window = numbers
    write(qtbot, window, [digit_template(3), TWO_STROKE_FIVE])
    assert window.prediction_label.text() == "35"
    assert len(window.canvas.overlay.digit_boxes()) == 2


@pytest.mark.parametrize("around", [(2, 2, 6), (4, 7), (7, 1), (1, 4)])
def test_a_star_is_framed_alone_not_with_its_neighbour(qtbot, numbers, around):
    # Charged once per candidate, "not a digit" let the star swallow the digit beside it
    # (2, star, 2, 6 was framed as 2, [star 2], 6).
    window = numbers
    before, after = around[:1], around[1:]
    write(qtbot, window, [*map(digit_template, before), STAR, *map(digit_template, after)])
    boxes = window.canvas.overlay.digit_boxes()
    assert [box.label for box in boxes] == [*map(str, before), "?", *map(str, after)]
    assert window.numbers.result.text is None


def test_a_star_among_digits_makes_the_number_null(qtbot, numbers):
    window = numbers
    write(qtbot, window, [digit_template(4), digit_template(2), STAR, digit_template(2)])
    assert window.prediction_label.text() == "Not a number"
    assert window.confidence_label.text() == "The part framed in red is not a digit"
    assert window.numbers.result.text is None
    boxes = window.canvas.overlay.digit_boxes()
    assert [box.not_a_digit for box in boxes] == [False, False, True, False]
    assert [box.label for box in boxes] == ["4", "2", "?", "2"]
    assert [d.not_a_digit for d in window.drawing.digit_strip.digits()] == [False, False, True, False]
    assert window.canvas.palette().highlight().color() != NOT_A_DIGIT  # it stands out from the digits
    # The parts are counted, not digits: "Digit 4 of 4" beside "not a digit" read as a contradiction.
    assert window.results.input_caption.text().startswith("Part 4 of 4")


def test_a_point_inside_a_number_is_named_as_such(qtbot, numbers):
    window = numbers
    point = [[(0.5, 0.97)]]  # a tap of the pen on the line, in a slot of its own: "3.14"
    write(qtbot, window, [digit_template(3), point, digit_template(1), digit_template(4)])
    assert window.prediction_label.text() == "Not a number"
    assert [d.mark for d in window.numbers.result.digits] == [False, True, False, False]
    # Not "the part is not a digit" alone: the user wrote a number, and is told why it is not read.
    assert window.confidence_label.text() == "Only digits are read: the point or comma framed in red is not one"


def test_switching_modes_keeps_single_digit_behaviour(qtbot, window):
    draw_digit_on(window.canvas, 7)
    wait_for_latest(qtbot, window)
    single = window.probability_bars.probabilities()
    picture = window.canvas.to_array()
    assert window.prediction_label.text() == "7"
    window.drawing.number_button.click()  # the tool row's switch, in step with the menu
    wait_for_latest(qtbot, window)
    assert window.menus.actions["numberMode"].isChecked()
    assert window.canvas.is_blank() and window.prediction_label.text() == "—"
    assert window.drawing.digit_strip.isVisible()
    draw_number_on(window.canvas, "42")
    wait_for_latest(qtbot, window)
    window.menus.actions["numberMode"].trigger()
    wait_for_latest(qtbot, window)
    assert not window.drawing.number_button.isChecked() and not window.canvas.is_wide()
    assert np.array_equal(window.canvas.to_array(), picture)  # each mode keeps its own drawing
    assert window.prediction_label.text() == "7"
    np.testing.assert_allclose(window.probability_bars.probabilities(), single, atol=1e-6)
    assert not window.drawing.digit_strip.isVisible()
    assert window.canvas.overlay.digit_boxes() == []
    window.menus.actions["numberMode"].trigger()
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "42"  # and the number is still there


def click_tag(window, index: int) -> None:
    canvas = window.canvas
    tag = canvas.overlay.tag_rects(canvas.paper_rect())[index]
    _send(canvas, QEvent.Type.MouseButtonPress, tag.center(), Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseButtonRelease, tag.center(), Qt.MouseButton.NoButton)


def test_a_click_inside_a_digit_selects_it_and_leaves_no_ink(qtbot, numbers):
    window = numbers
    canvas = window.canvas
    draw_number_on(canvas, "42")
    wait_for_latest(qtbot, window)
    assert window.numbers.result.selected == 1
    strokes_before, drawing_before = len(canvas.strokes()), canvas.to_array().copy()
    inside_four = canvas.overlay.digit_boxes()[0].rect  # (top, left, bottom, right) on the paper
    width, height = canvas.paper_size()
    point = canvas.widget_point(
        (inside_four[1] + inside_four[3]) / 2 / width,
        (inside_four[0] + 0.8 * (inside_four[2] - inside_four[0])) / height,
    )
    _send(canvas, QEvent.Type.MouseButtonPress, point, Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseMove, point + QPointF(2, 1), Qt.MouseButton.LeftButton)  # a hand's tremble
    _send(canvas, QEvent.Type.MouseButtonRelease, point, Qt.MouseButton.NoButton)
    qtbot.waitUntil(lambda: window.numbers.result.selected == 0, timeout=10_000)
    assert len(canvas.strokes()) == strokes_before and np.array_equal(canvas.to_array(), drawing_before)
    assert window.prediction_label.text() == "42"
    # Pressed in the same place and moved on, it is a stroke, and it starts where the press was.
    _send(canvas, QEvent.Type.MouseButtonPress, point, Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseMove, point + QPointF(30, 0), Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseButtonRelease, point + QPointF(30, 0), Qt.MouseButton.NoButton)
    assert len(canvas.strokes()) == strokes_before + 1
    first = canvas.strokes()[-1].points[0]
    assert abs(canvas.widget_point(first.x() / width, first.y() / height).x() - point.x()) < 1
    # On the frame itself (drawn on the box's edge) it is a click on the digit too.
    on_frame = canvas.widget_point(inside_four[1] / width, (inside_four[0] + inside_four[2]) / 2 / height)
    _send(canvas, QEvent.Type.MouseButtonPress, on_frame, Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseButtonRelease, on_frame, Qt.MouseButton.NoButton)
    assert len(canvas.strokes()) == strokes_before + 1
    # A click away from every digit is still a dot of ink.
    _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(0.9, 0.5), Qt.MouseButton.LeftButton)
    _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(0.9, 0.5), Qt.MouseButton.NoButton)
    assert len(canvas.strokes()) == strokes_before + 2


def test_clicking_a_digit_shows_it_in_detail(qtbot, numbers):
    window = numbers
    draw_number_on(window.canvas, "42")
    wait_for_latest(qtbot, window)
    result = window.numbers.result
    assert result.selected == 1  # the digit written last
    strokes_before = len(window.canvas.strokes())
    click_tag(window, 0)
    qtbot.waitUntil(lambda: window.numbers.result.selected == 0, timeout=10_000)
    assert len(window.canvas.strokes()) == strokes_before  # a tag is a button, not paper
    four = window.numbers.result.digits[0]
    shown = window.feature_maps.prediction()
    assert shown is window.last_prediction and np.array_equal(shown.input, four.input)
    assert shown.digit == 4 and window.probability_bars.probabilities().argmax() == 4
    assert window.canvas.overlay.digit_boxes()[0].selected
    assert window.results.input_caption.text().startswith("Digit 1 of 2")
    maps = shown.activations["conv1"].copy()
    cell = window.drawing.digit_strip.cell_rect(1).center()  # the other digit, among the small bars
    strip = window.drawing.digit_strip
    _send(strip, QEvent.Type.MouseButtonPress, QPointF(cell), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.numbers.result.selected == 1, timeout=10_000)
    assert window.feature_maps.prediction().digit == 2
    assert not np.array_equal(window.feature_maps.prediction().activations["conv1"], maps)
    # The receptive field of a unit of the selected digit lies on that digit's box.
    window.explain.on_unit_hovered("conv1", 0, 14, 14)
    field = window.canvas.overlay.field()
    top, left, bottom, right = window.canvas.overlay.digit_boxes()[1].rect
    assert left - 20 < (field[1] + field[3]) / 2 < right + 20
    assert top - 20 < (field[0] + field[2]) / 2 < bottom + 20


def test_after_erasing_the_number_is_read_from_its_pixels(qtbot, numbers):
    window = numbers
    draw_number_on(window.canvas, "427")
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "427"
    left, right = window.canvas.overlay.digit_boxes()[2].rect[1::2]
    window.eraser_button.click()
    window.canvas.set_brush_size(80)
    width, height = window.canvas.paper_size()
    for y in np.arange(0.1, 0.95, 0.05):  # wipe the 7 away, row by row
        drag(window.canvas, [((left - 20) / width, y), ((right + 20) / width, y)])
    wait_for_latest(qtbot, window)
    assert not window.numbers.result.from_strokes
    assert window.prediction_label.text() == "42"


def test_read_from_pixels_the_digit_being_written_is_still_the_one_shown(qtbot, numbers):
    window = numbers
    canvas = window.canvas
    strokes = number_strokes([digit_template(int(c)) for c in "123"], canvas.paper_size())
    for stroke in strokes[:-1]:  # 1 and 2 (the 3 is one stroke)
        drag(canvas, stroke)
    window.eraser_button.click()
    drag(canvas, [(0.02, 0.05), (0.06, 0.05)])  # a wipe of blank paper: from now on, pixels
    window.eraser_button.click()
    drag(canvas, strokes[-1])  # the 3
    wait_for_latest(qtbot, window)
    result = window.numbers.result
    assert not result.from_strokes and result.text == "123"
    assert result.selected == 2  # the 3, being written last (the 1 was shown before)
    assert window.last_prediction.digit == 3


def open_2026(qtbot, window, tmp_path) -> None:
    strokes = []
    for stroke in number_strokes([digit_template(int(c)) for c in "2026"], (700, 280)):
        strokes.append(PenStroke(np.array(stroke) * [700, 280], 18.0))
    drawing, _ = render_strokes(strokes, margin=30)
    Image.fromarray(drawing).save(tmp_path / "2026.png")
    assert open_image_in(qtbot, window, tmp_path / "2026.png")
    wait_for_latest(qtbot, window)


def test_an_opened_image_of_a_number_is_read(qtbot, numbers, tmp_path):
    window = numbers
    open_2026(qtbot, window, tmp_path)
    assert window.prediction_label.text() == "2026"
    assert not window.numbers.result.from_strokes
    lefts = box_lefts(window)
    assert lefts == sorted(lefts) and len(lefts) == 4
    for box in window.canvas.overlay.digit_boxes():  # boxes on the paper, where the file was fitted
        top, left, bottom, right = box.rect
        assert 0 <= left < right <= 1400 and 0 <= top < bottom <= 560


def test_an_opened_image_of_a_dot_clears_the_number_it_replaces(qtbot, numbers, tmp_path):
    # Read from pixels, a lone dot is "too small to read" (as for one digit): the last number's
    # boxes and answer must not stay on the screen as if they were the dot's.
    window = numbers
    open_2026(qtbot, window, tmp_path)
    assert window.prediction_label.text() == "2026"
    dot = np.full((280, 700), 255, np.uint8)
    dot[140:145, 350:355] = 0
    Image.fromarray(dot).save(tmp_path / "dot.png")
    assert open_image_in(qtbot, window, tmp_path / "dot.png")
    wait_for_latest(qtbot, window)
    assert window.canvas.overlay.digit_boxes() == [] and window.prediction_label.text() == "—"
    assert window.confidence_label.text() == "Too small to read: draw the digit bigger"  # as for one digit
    window.menus.actions["language_zh_CN"].trigger()  # re-worded, not forgotten, in another language
    qtbot.waitUntil(lambda: window.menus.menus["file"].title() == "文件(&F)")
    assert window.confidence_label.text() == "太小，无法识别：请把数字写大一些"
    window.menus.actions["language_en"].trigger()
    qtbot.waitUntil(lambda: window.menus.menus["file"].title() == "&File")


def test_an_empty_wide_canvas_says_what_to_do(numbers):
    window = numbers
    assert window.prediction_label.text() == "—"
    assert window.confidence_label.text() == "Write a number across the canvas"
    assert window.drawing.digit_strip.digits() == []


def test_the_digit_under_the_pen_is_read_while_it_is_drawn(qtbot, numbers):
    window = numbers
    canvas = window.canvas
    strokes = number_strokes([digit_template(4), digit_template(7)], canvas.paper_size())
    for stroke in strokes[:-1]:
        drag(canvas, stroke)
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "4"
    seven = strokes[-1]
    held = Qt.MouseButton.LeftButton
    _send(canvas, QEvent.Type.MouseButtonPress, canvas.widget_point(*seven[0]), held)
    for point in seven[1:]:
        _send(canvas, QEvent.Type.MouseMove, canvas.widget_point(*point), held)
    wait_for_latest(qtbot, window)  # the pen is still down
    assert canvas.is_drawing()
    assert window.prediction_label.text() == "47"
    assert window.numbers.result.selected == 1  # the digit being written is the one shown in detail
    assert window.feature_maps.prediction().digit == 7
    _send(canvas, QEvent.Type.MouseButtonRelease, canvas.widget_point(*seven[-1]), Qt.MouseButton.NoButton)
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "47" and len(window.canvas.overlay.digit_boxes()) == 2


def test_each_digit_s_bars_are_under_it(qtbot, numbers):
    window = numbers
    draw_number_on(window.canvas, "2026")
    wait_for_latest(qtbot, window)
    canvas, strip = window.canvas, window.drawing.digit_strip
    assert strip.isVisible() and strip.geometry().top() >= canvas.geometry().bottom()
    paper = canvas.paper_rect()
    scale = paper.width() / canvas.paper_size()[0]
    for index, box in enumerate(canvas.overlay.digit_boxes()):
        left = canvas.x() + paper.x() + box.rect[1] * scale
        right = canvas.x() + paper.x() + box.rect[3] * scale
        cell = strip.cell_rect(index).translated(strip.x(), 0)
        assert left - 1 <= cell.center().x() <= right + 1
        assert cell.width() >= 26
    cells = [strip.cell_rect(i) for i in range(4)]
    assert all(a.right() <= b.left() + 1e-6 for a, b in zip(cells, cells[1:], strict=False))  # side by side
