"""How a probability is written beside the bars and in the captions."""

from __future__ import annotations

from mnist_desk.ui.probability_bars import percent


def test_a_probability_that_would_round_to_certain_is_never_shown_as_100_percent():
    assert percent(0.9994) == "99.9 %"
    assert percent(0.9995) == percent(0.99999) == percent(1.0) == "> 99.9 %"
    assert percent(0.5) == "50.0 %" and percent(0.0) == "0.0 %"
