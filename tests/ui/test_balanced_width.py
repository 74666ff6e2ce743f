"""balanced_width: wrapped text in even lines, never one word (or one character) left alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from mnist_desk.ui.fitted_label import balanced_width

FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap


def needed(metrics: QFontMetricsF, text: str, width: float) -> QRectF:
    return metrics.boundingRect(QRectF(0, 0, width, 1e6), FLAGS, text)


def test_the_chinese_stamp_no_longer_leaves_one_character_alone(qapp):
    font = QFont(qapp.font())
    font.setBold(True)
    metrics = QFontMetricsF(font)
    text = "不可信：网络在这里看不出数字"
    full = metrics.horizontalAdvance(text)
    room = full - metrics.horizontalAdvance("字") / 2  # one character too narrow: it wraps
    assert needed(metrics, text, room).height() > metrics.lineSpacing() * 1.5
    width = balanced_width(metrics, text, room)
    assert full * 0.45 <= width <= full * 0.6  # two lines of about seven characters
    assert needed(metrics, text, width).height() == needed(metrics, text, room).height()


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz不可信网络在这里看出数字", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=8), width=st.floats(20, 400))
def test_the_balanced_width_wraps_no_worse_and_is_the_narrowest(qapp, words, width):
    metrics = QFontMetricsF(qapp.font())
    text = " ".join(words)
    balanced = balanced_width(metrics, text, width)
    assert balanced <= width
    at_width, at_balanced = needed(metrics, text, width), needed(metrics, text, balanced)
    assert at_balanced.height() == at_width.height()  # no more lines
    if at_width.width() <= width + 0.5:  # it fitted: it still does, and nothing narrower would
        assert at_balanced.width() <= balanced + 0.5
        narrower = needed(metrics, text, balanced - 1)
        assert narrower.height() > at_width.height() or narrower.width() > balanced - 0.5
