"""balanced_width: wrapped text in even lines, never one word (or one character) left alone."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QFont, QFontMetricsF, QImage

from mnist_desk.ui.fitted_label import balanced_width, wrapped_lines


def test_the_chinese_stamp_no_longer_leaves_one_character_alone(qapp):
    font = QFont(qapp.font())
    font.setBold(True)
    metrics = QFontMetricsF(font)
    text = "不可信：网络在这里看不出数字"
    full = metrics.horizontalAdvance(text)
    room = full - metrics.horizontalAdvance("字") / 2  # one character too narrow: it wraps
    assert wrapped_lines(font, text, room)[0] == 2
    width = balanced_width(font, text, room)
    assert full * 0.45 <= width <= full * 0.6  # two lines of about seven characters
    assert wrapped_lines(font, text, width)[0] == 2


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz不可信网络在这里看出数字", min_size=1, max_size=12)


@settings(max_examples=int(os.environ.get("BALANCED_EXAMPLES", "60")), deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=8), width=st.floats(20, 400))
def test_the_balanced_width_wraps_into_as_many_lines_and_never_overflows(qapp, words, width):
    font = qapp.font()
    text = " ".join(words)
    balanced = balanced_width(font, text, width)
    assert balanced <= width
    (lines, widest), (balanced_lines, balanced_widest) = (
        wrapped_lines(font, text, width),
        wrapped_lines(font, text, balanced),
    )
    assert balanced_lines == lines  # no more lines (and no fewer: it is no wider)
    if widest <= width + 0.5:  # it fitted: it still does
        assert balanced_widest <= balanced + 0.5
    else:  # a word wider than the room: left as it was
        assert balanced == width


LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def drawn_height(font: QFont, text: str, room: float) -> float:
    """The height QPainter's own wrap gives ``text`` in ``room``: a "\n" starts a new line."""
    from PySide6.QtCore import QRectF, Qt

    return QFontMetricsF(font).boundingRect(QRectF(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text).height()


def painted_at_balanced_width(font: QFont, text: str, room: float) -> float:
    # As Caption.paintEvent draws it: the balanced width rounded up, never wider than the room.
    return drawn_height(font, text, min(room, int(balanced_width(font, text, room)) + 1))


@settings(max_examples=int(os.environ.get("BALANCED_EXAMPLES", "60")), deadline=None)
@given(
    words=st.lists(st.tuples(LATIN, st.sampled_from([" ", " ", "\n"])), min_size=2, max_size=10),
    width=st.floats(40, 400),
)
def test_a_text_broken_by_hand_is_drawn_balanced_in_as_many_lines(qapp, words, width):
    font = qapp.font()
    text = "".join(word + gap for word, gap in words).strip()
    assert painted_at_balanced_width(font, text, width) == drawn_height(font, text, width)


def test_each_line_broken_by_hand_is_balanced_on_its_own(qapp):
    # The Chinese hint was balanced as one paragraph, then drawn in three lines where its
    # caption had room for two: the last lines were cut off (1280 x 720, number mode).
    font = qapp.font()
    for text, first in (
        ("认错了？点击正确数字的条形：\n网络会学习你的笔迹", "认错了？点击正确数字的条形："),
        ("aa bb cc dd\nee", "aa bb cc dd"),
    ):
        room = QFontMetricsF(font).horizontalAdvance(first) + 5
        assert painted_at_balanced_width(font, text, room) == drawn_height(font, text, room), text


def test_the_bars_find_the_stamps_width_once_per_caption_and_size(qtbot, monkeypatch):
    import numpy as np

    from mnist_desk.ui import fitted_label
    from mnist_desk.ui.probability_bars import ProbabilityBars

    found = []
    monkeypatch.setattr(fitted_label, "balanced_width", lambda *a: found.append(a) or balanced_width(*a))
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.resize(300, 240)
    bars.set_probabilities(np.full(10, 0.1))
    bars.set_distrust("Not trusted: the network sees no digit here")
    for _ in range(3):  # the bars repaint with every reading while the pen moves
        bars.grab()
    assert len(found) == 1
    bars.set_distrust("不可信：网络在这里看不出数字")
    bars.grab()
    bars.resize(260, 240)
    bars.grab()
    assert len(found) == 3


def ink_lines(widget) -> list[tuple[int, int]]:
    """Each painted text line's leftmost and rightmost ink column (lines: runs of rows with ink)."""
    import numpy as np

    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.array(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width()]
    ink = np.abs(pixels.astype(int) - int(np.median(pixels))) > 40
    rows = ink.any(1)
    lines, start = [], None
    for y, has_ink in enumerate([*rows, False]):
        if has_ink and start is None:
            start = y
        elif not has_ink and start is not None:
            columns = np.flatnonzero(ink[start:y].any(0))
            lines.append((int(columns[0]), int(columns[-1])))
            start = None
    return lines


def test_a_balanced_caption_leaves_no_word_alone_on_its_last_line(qtbot):
    from PySide6.QtCore import Qt

    from mnist_desk.ui.caption import Caption

    text = "Wrong? Click the right digit's bar: the network learns your handwriting"
    captions = []
    for balanced in (False, True):
        caption = Caption("hint", 100, balanced=balanced)
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.setText(text)
        qtbot.addWidget(caption)
        full = QFontMetricsF(caption.font()).horizontalAdvance(text)
        # One word too narrow: a plain wrap puts "handwriting" on a line of its own.
        caption.resize(int(full - QFontMetricsF(caption.font()).horizontalAdvance("handwriting") / 2), 60)
        captions.append(ink_lines(caption))
    plain, balanced = captions
    assert len(plain) == len(balanced) == 2
    width = [right - left for left, right in balanced]
    assert min(width) >= 0.6 * max(width)  # about even (the plain wrap: one word of twelve)
    assert (plain[1][1] - plain[1][0]) < 0.3 * (plain[0][1] - plain[0][0])  # the case it is for
    centre = [(left + right) / 2 for left, right in balanced]
    assert abs(centre[0] - centre[1]) <= 6  # both centred, as the plain caption's are
