"""The feature-map grid: the selected tile keeps its channel number in view."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from mnist_desk.ui.feature_grid import FeatureGrid


def white_pixels(grid: FeatureGrid, channel: int) -> int:
    """The label's pixels in a tile: white, which the viridis tiles never are."""
    image = grid.grab().toImage()
    rect = grid.tile_rect(channel).toRect()
    scale = image.devicePixelRatio()
    return sum(
        QColor(image.pixel(int(x * scale), int(y * scale))).getRgb()[:3] == (255, 255, 255)
        for y in range(rect.top(), rect.bottom())
        for x in range(rect.left(), rect.right())
    )


def test_the_selection_frame_leaves_the_channel_number_whole(qtbot):
    grid = FeatureGrid()
    qtbot.addWidget(grid)
    grid.set_maps(np.random.default_rng(0).random((8, 6, 6)))
    grid.resize(400, 200)
    grid.set_selected(3)
    unselected = white_pixels(grid, 0)
    grid.set_selected(0)
    assert unselected > 0 and white_pixels(grid, 0) == unselected
