"""FieldRows: labelled fields wrap onto more rows as the width shrinks, and the kernel
playground in number mode no longer scrolls sideways (its output image was cut off)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QScrollArea

from mnist_desk.ui import language
from mnist_desk.ui.field_rows import FieldRows
from mnist_desk.ui.main_window import MainWindow


def fields_of(widths: list[int]) -> FieldRows:
    pairs = []
    for i, width in enumerate(widths):
        field = QComboBox()
        field.setMinimumWidth(width)
        pairs.append((QLabel(f"Field {i}:"), field))
    return FieldRows(pairs)


@settings(
    max_examples=int(os.environ.get("FIELD_ROWS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(widths=st.lists(st.integers(40, 300), min_size=1, max_size=5), extra=st.integers(0, 1200))
def test_at_any_width_it_allows_every_field_is_whole_and_none_overlaps(qtbot, widths, extra):
    rows = fields_of(widths)
    qtbot.addWidget(rows)
    room = rows.minimumSizeHint().width() + extra  # the widest field and its label, and more
    rows.resize(room, rows.heightForWidth(room))
    rows.show()
    QApplication.processEvents()
    widgets = [w for pair in rows._fields for w in pair]
    boxes = [w.geometry() for w in widgets]
    assert all(rows.rect().contains(box) for box in boxes), (room, [b.getRect() for b in boxes])
    assert all(w.width() >= w.minimumSizeHint().width() for w in widgets)
    for i, a in enumerate(boxes):
        assert not any(a.intersects(b) for b in boxes[i + 1 :])


def test_fields_wrap_when_narrow_and_come_back_when_wide(qtbot):
    rows = fields_of([60, 220, 60])
    qtbot.addWidget(rows)
    rows.show()
    for room, expected in ((2000, 1), (rows.minimumSizeHint().width(), 3)):
        rows.resize(room, rows.heightForWidth(room))
        QApplication.processEvents()
        assert len(rows._rows) == expected
    assert rows.heightForWidth(rows.minimumSizeHint().width()) > 2 * rows.heightForWidth(2000)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_playground_fits_its_panel_in_number_mode(qtbot, predictor, lang):
    window = MainWindow(predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    try:
        window.menus.actions["numberMode"].trigger()
        window.details.show_playground()
        for _ in range(3):
            QApplication.processEvents()
        area = window.details.currentWidget()
        assert isinstance(area, QScrollArea)
        # No sideways scrolling: the output image and the formula are in view.
        assert area.widget().width() <= area.viewport().width()
        output = window.details.playground.output_view.geometry()
        assert output.right() <= area.viewport().width() and output.width() > 60
    finally:
        window.close()
        language.install(language.ENGLISH)  # the language is the application's: later tests read English
