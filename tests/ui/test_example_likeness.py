"""'Most like your example of 9': the example a drawing is most like, once the network is adapted."""

from __future__ import annotations

import dataclasses

import numpy as np

from mnist_desk.nearest_example import NearestExample
from ui_helpers import ADAPTING_S, backwards_nine, digit_strokes, redraw, wait_for_latest


def test_the_example_a_drawing_is_most_like_is_shown_in_the_hint_s_place(qtbot, taught, examples_folder):
    window = taught
    likeness, hint = window.results.likeness, window.results.teach_hint
    redraw(qtbot, window, backwards_nine(2))  # another backwards 9, not one of the two examples
    nearest = window.last_prediction.nearest_example
    assert nearest is not None and nearest.digit == 9 and 0 < nearest.similarity < 0.999
    assert nearest.path is not None and nearest.path.parent == examples_folder / "9"
    assert likeness.isVisible() and not hint.isVisible()  # the 28x28 view below keeps its size
    assert likeness.caption.text() == f"Most like your example of 9 (similarity {nearest.similarity:.2f})"
    assert not likeness.thumbnail.pixmap().isNull()
    assert str(nearest.path) in likeness.toolTip()


def test_the_row_keeps_its_place_while_the_canvas_is_cleared(qtbot, taught):
    window = taught
    likeness = window.results.likeness
    view_height = window.results.input_view.height()
    window.canvas.clear()
    wait_for_latest(qtbot, window)
    assert likeness.isVisible() and likeness.caption.text() == "Your examples: draw to see the one most like it"
    assert likeness.thumbnail.pixmap().isNull()
    assert window.results.input_view.height() == view_height


def test_it_goes_with_the_examples_and_the_hint_comes_back(qtbot, taught):
    window = taught
    redraw(qtbot, window, digit_strokes(8))
    assert window.results.likeness.isVisible()
    window.menus.actions["useExamples"].trigger()  # off
    wait_for_latest(qtbot, window)
    assert window.last_prediction.nearest_example is None
    assert not window.results.likeness.isVisible() and window.results.teach_hint.isVisible()


def test_an_example_of_another_digit_than_the_answer_is_pointed_out(qtbot, taught):
    # A drawing between two of the writer's styles, or an example filed under the wrong digit.
    window = taught
    redraw(qtbot, window, digit_strokes(8))
    assert window.prediction_label.text() == "8"
    like_a_three = NearestExample(3, 0.87, np.zeros((28, 28), np.float32), answer_similarity=0.8)
    window.results.show_prediction(dataclasses.replace(window.last_prediction, nearest_example=like_a_three))
    assert window.results.likeness.caption.text() == (
        "Most like your example of 3 (similarity 0.87)\nNot the answer: is it 3?"
    )
    rejected = dataclasses.replace(window.last_prediction, nearest_example=like_a_three, not_a_digit=True)
    window.results.show_prediction(rejected)  # "Not a digit" is no answer to disagree with
    assert window.results.likeness.caption.text() == "Most like your example of 3 (similarity 0.87)"


def test_forget_this_example_moves_it_aside_adapts_to_the_rest_and_undo_brings_it_back(qtbot, taught, examples_folder):
    window = taught
    redraw(qtbot, window, backwards_nine(2))
    shown = window.last_prediction.nearest_example.path
    other = next(p for p in (examples_folder / "9").glob("*.png") if p != shown)
    button = window.results.likeness.forget_button
    assert button.isEnabled() and button.text() == "Forget"
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        button.click()
    assert not shown.exists() and other.exists()  # only that one
    assert window.statusBar().currentMessage() == "Forgot that example of 9 (Undo brings it back)"
    assert window.teaching.in_use == 1 and window.teaching.undo_button.isVisible()
    wait_for_latest(qtbot, window)
    assert window.last_prediction.nearest_example.path == other  # the one left
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):
        window.teaching.undo_button.click()
        assert window.statusBar().currentMessage() == "The example is back — adapting…"  # one, not "my examples"
    assert shown.exists() and window.teaching.in_use == 2


def test_forget_acts_once(qtbot, taught, examples_folder):
    # A second click while adapting had said the example was "no longer in the examples folder".
    window = taught
    redraw(qtbot, window, backwards_nine(2))
    button = window.results.likeness.forget_button
    button.click()
    assert not button.isEnabled()
    button.click()
    assert window.statusBar().currentMessage() == "Forgot that example of 9 (Undo brings it back)"
    assert len(list((examples_folder / "9").glob("*.png"))) == 1


def test_no_doubt_is_cast_on_a_digit_the_user_has_no_example_of(qtbot, taught):
    # Taught only 9s, every sure 0 to 8 had read "Not the answer: is it a 9?" (a review).
    window = taught
    redraw(qtbot, window, digit_strokes(8))
    assert window.prediction_label.text() == "8" and window.last_prediction.nearest_example.digit == 9
    assert "\n" not in window.results.likeness.caption.text()


def test_the_views_below_never_move_when_the_doubt_comes_and_goes(qtbot, taught):
    window = taught
    redraw(qtbot, window, digit_strokes(8))
    agree = dataclasses.replace(window.last_prediction, nearest_example=NearestExample(8, 0.97, np.zeros((28, 28))))
    doubt = dataclasses.replace(
        window.last_prediction, nearest_example=NearestExample(3, 0.87, np.zeros((28, 28)), answer_similarity=0.8)
    )
    for lang in ("zh_CN", "en"):  # Chinese lines wrap sooner: the row had grown by 5 px there
        window.menus.actions[f"language_{lang}"].trigger()
        qtbot.wait(50)
        places = []
        for prediction in (agree, doubt, agree):
            window.results.show_prediction(prediction)
            qtbot.wait(20)
            places.append(window.results.input_view.geometry())
        assert places[0] == places[1] == places[2], (lang, places)


def test_an_example_gone_from_the_folder_is_said_not_forgotten_twice(qtbot, taught, examples_folder):
    window = taught
    redraw(qtbot, window, backwards_nine(2))
    shown = window.last_prediction.nearest_example.path
    shown.unlink()  # removed in a file manager meanwhile
    with qtbot.waitSignal(window.teaching.adapted, timeout=ADAPTING_S):  # the network follows the folder
        assert not window.teaching.forget_example(shown)
        assert window.statusBar().currentMessage() == (
            "That example is no longer in the examples folder: adapting to the others"
        )
    assert len(list((examples_folder / "9").glob("*.png"))) == 1 and window.teaching.in_use == 1
