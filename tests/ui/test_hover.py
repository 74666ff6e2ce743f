"""The maps report what the mouse points at once per change, and that it left (once)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mnist_desk.ui.feature_grid import FeatureGrid
from mnist_desk.ui.image_tiles import grey_to_qimage
from mnist_desk.ui.marked_view import MarkedPixelView


def move(widget, point: QPointF) -> None:
    buttons, none = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(widget, QMouseEvent(QEvent.Type.MouseMove, point, point, buttons, buttons, none))


def grid() -> tuple[FeatureGrid, object]:
    widget = FeatureGrid()
    widget.set_maps(np.random.default_rng(0).random((4, 6, 6)))
    return widget, widget.unit_hovered


def pixels() -> tuple[MarkedPixelView, object]:
    widget = MarkedPixelView("view")
    widget.set_image(grey_to_qimage(np.zeros((10, 10), np.uint8)))
    return widget, widget.pixel_hovered


@pytest.mark.parametrize("make", [grid, pixels])
def test_each_change_is_reported_once(qtbot, make):
    widget, hovered = make()
    qtbot.addWidget(widget)
    widget.resize(240, 240)
    widget.show()
    said: list = []
    hovered.connect(lambda *target: said.append(target))
    widget.hover_left.connect(lambda: said.append("left"))
    inside = QPointF(30, 30) if isinstance(widget, MarkedPixelView) else widget.tile_rect(0).center()
    move(widget, inside)
    move(widget, inside)  # the same target again: nothing new to say
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))  # already gone
    assert len(said) == 2 and said[1] == "left" and isinstance(said[0], tuple)
