"""FeatureMapViewer: every channel of every conv and pool layer, and its kernels.

All tiles of a layer share one colour scale (shown in the legend), so a
bright tile really is a strongly responding channel. Clicking a tile shows it
enlarged beside the kernel weights that produced it: for ``conv1`` that is
one 5x5 image per channel, where the learned edge and stroke detectors show.

Pointing at a pixel of a tile or of the enlarged map names that unit
(stage, channel, row, column): the window shows where its value comes from.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mnist_desk.colormap import diverging, viridis
from mnist_desk.inference import Prediction
from mnist_desk.layer_info import StageInfo
from mnist_desk.ui.arithmetic_grids import fmt
from mnist_desk.ui.caption import Caption
from mnist_desk.ui.colour_legend import ColourLegend
from mnist_desk.ui.feature_grid import FeatureGrid, best_columns
from mnist_desk.ui.image_tiles import PixelView, rgb_to_qimage
from mnist_desk.ui.marked_view import MarkedPixelView
from mnist_desk.ui.stage_captions import kernel_caption, map_caption, pool_caption, pool_placeholder

# The captions never get narrower than this (the panel is wider at any window size).
CAPTION_WIDTH = 300


def kernel_mosaic(kernels: np.ndarray) -> np.ndarray:
    """(in_channels, k, k) signed weights -> one RGB mosaic with 1 px gaps."""
    n, k, _ = kernels.shape
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    limit = float(np.abs(kernels).max())
    mosaic = np.full((rows * (k + 1) - 1, cols * (k + 1) - 1, 3), 128, np.uint8)
    for i, kernel in enumerate(kernels):
        r, c = divmod(i, cols)
        mosaic[r * (k + 1) : r * (k + 1) + k, c * (k + 1) : c * (k + 1) + k] = diverging(kernel, limit)
    return mosaic


class FeatureMapViewer(QWidget):
    """Pick a conv or pool layer; see all its channels, one enlarged, and the kernel behind it."""

    # (stage, channel, row, column) of a unit pointed at in a tile or the enlarged map
    unit_hovered = Signal(str, int, int, int)
    unit_clicked = Signal(str, int, int, int)
    hover_ended = Signal()
    layer_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureMaps")
        self._stages: dict[str, StageInfo] = {}
        self._kernels: dict[str, np.ndarray] = {}
        self._activations: dict[str, np.ndarray] = {}
        self._prediction: Prediction | None = None
        self._channel = 0
        self._kernel_shown: tuple[str, int] | None = None  # the kernel the view shows: it changes with the channel only

        self.layer_label = QLabel(objectName="layerLabel")
        self.layer_selector = QComboBox(objectName="layerSelector")
        self.layer_selector.currentIndexChanged.connect(self.on_layer_selector_changed)
        self.layer_label.setBuddy(self.layer_selector)
        self.grid = FeatureGrid()
        self.grid.tile_clicked.connect(self.select_channel)
        self.grid.unit_hovered.connect(self.on_unit_hovered)
        self.grid.unit_clicked.connect(lambda c, y, x: self.unit_clicked.emit(self.current_layer(), c, y, x))
        self.grid.hover_left.connect(self.on_hover_left)
        self.legend = ColourLegend()
        self.detail = MarkedPixelView("featureDetail", grid=True)
        self.detail.pixel_hovered.connect(lambda y, x: self.on_unit_hovered(self._channel, y, x))
        self.detail.pixel_clicked.connect(
            lambda y, x: self.unit_clicked.emit(self.current_layer(), self._channel, y, x)
        )
        self.detail.hover_left.connect(self.on_hover_left)
        self._marked: tuple[str, int, int, int] | None = None  # the unit whose arithmetic is open
        self._hovered: tuple[int, int, int] | None = None  # (channel, row, column) under the mouse
        self.kernel_view = PixelView("kernelView", grid=True)
        self.detail_caption = Caption("featureCaption", CAPTION_WIDTH, lines=3)
        self.kernel_caption = Caption("kernelCaption", CAPTION_WIDTH, lines=3)

        top = QHBoxLayout()
        top.addWidget(self.layer_label)
        top.addWidget(self.layer_selector, 1)
        side = QVBoxLayout()
        side.addWidget(self.detail, 1)
        side.addWidget(self.kernel_view, 1)
        body = QHBoxLayout()
        body.addWidget(self.grid, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        # Under the images, the panel's full width: at the window's minimum size a
        # side column is too narrow for a sentence.
        layout.addWidget(self.detail_caption)
        layout.addWidget(self.kernel_caption)
        layout.addWidget(self.legend)
        self.retranslate()

    def retranslate(self) -> None:
        self.layer_label.setText(self.tr("Layer:"))
        self.layer_selector.setToolTip(self.tr("The conv and pool layers of the network, input side first"))
        self.grid.setToolTip(
            self.tr("Every channel of the layer; point at a pixel to see where it comes from, click to open it")
        )
        self.detail.setToolTip(self.tr("Point at a pixel to see its receptive field; click it to see its arithmetic"))
        self._kernel_shown = None  # its caption is in the old language
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- model ----------------------------------------------------------------

    def set_architecture(self, stages: list[StageInfo], kernels: dict[str, np.ndarray]) -> None:
        """A new model: its conv and pool stages, their kernels; old activations dropped."""
        self._stages = {stage.name: stage for stage in stages}
        self._kernels = kernels
        self._kernel_shown = None
        self._activations, self._prediction = {}, None
        self.layer_selector.blockSignals(True)
        self.layer_selector.clear()
        self.layer_selector.addItems(list(self._stages))
        self.layer_selector.blockSignals(False)
        self._channel = 0
        self._refresh_labels()
        self._refresh()

    def set_kernels(self, kernels: dict[str, np.ndarray]) -> None:
        """The same model's kernels, refitted (adapted to the user's examples): the layer and
        channel shown stay."""
        self._kernels = kernels
        self._kernel_shown = None
        self._refresh()

    def set_prediction(self, prediction: Prediction | None) -> None:
        self._prediction = prediction
        self._activations = {} if prediction is None else prediction.activations
        self._refresh()

    def prediction(self) -> Prediction | None:
        """The result whose maps are shown."""
        return self._prediction

    def layers(self) -> list[str]:
        return [self.layer_selector.itemText(i) for i in range(self.layer_selector.count())]

    def current_layer(self) -> str:
        return self.layer_selector.currentText()

    def set_current_layer(self, name: str) -> None:
        self.layer_selector.setCurrentIndex(self.layers().index(name))

    def mark_unit(self, unit: tuple[str, int, int, int] | None) -> None:
        """Outline one unit (stage, channel, row, column) on the enlarged map when it is the one shown."""
        self._marked = unit
        self._refresh_mark()

    def _refresh_mark(self) -> None:
        unit = self._marked
        shown = unit is not None and unit[0] == self.current_layer() and unit[1] == self._channel
        self.detail.set_region((unit[2], unit[3], unit[2] + 1, unit[3] + 1) if shown else None)
        maps = self._activations.get(self.current_layer())
        if maps is not None:
            self.detail_caption.setText(f"{map_caption(self.current_layer(), self._channel, maps)}\n{self.unit_text()}")

    def pointed_unit(self) -> tuple[int, int, int] | None:
        """(channel, row, column) of this layer whose value the caption gives: the one under
        the mouse, else the one whose arithmetic is open."""
        if self._hovered is not None:
            return self._hovered
        if self._marked is not None and self._marked[0] == self.current_layer():
            return self._marked[1:]
        return None

    def unit_text(self) -> str:
        """The caption's second line: the value of the unit pointed at, or how to point at one."""
        maps = self._activations.get(self.current_layer())
        unit = self.pointed_unit()
        if maps is None or unit is None or not all(0 <= u < n for u, n in zip(unit, maps.shape, strict=True)):
            return self.tr("Point at a pixel to see its value and where it comes from")
        channel, y, x = unit
        return self.tr("channel {channel}, row {y}, column {x}: {value}").format(
            channel=channel, y=y, x=x, value=fmt(float(maps[channel, y, x]), 3)
        )

    def on_unit_hovered(self, channel: int, y: int, x: int) -> None:
        self._hovered = (channel, y, x)
        self._refresh_mark()
        self.unit_hovered.emit(self.current_layer(), channel, y, x)

    def on_hover_left(self) -> None:
        self._hovered = None
        self._refresh_mark()
        self.hover_ended.emit()

    def tile_count(self) -> int:
        return self.grid.tile_count()

    def selected_channel(self) -> int:
        return self._channel

    # --- slots ------------------------------------------------------------------

    def on_layer_selector_changed(self, _index: int) -> None:
        self._channel = 0
        self._refresh()
        self.layer_changed.emit(self.current_layer())

    def select_channel(self, channel: int) -> None:
        self._channel = channel
        self._refresh()

    def _refresh_labels(self) -> None:
        for i, name in enumerate(self.layers()):
            shape = "×".join(str(n) for n in self._stages[name].output_shape)
            self.layer_selector.setItemData(i, f"{name}  ({shape})", Qt.ItemDataRole.ToolTipRole)

    def _refresh(self) -> None:
        stage = self.current_layer()
        maps = self._activations.get(stage)
        info = self._stages.get(stage)
        if maps is None or info is None:
            self.grid.set_maps(None)
            self.detail.set_image(None, "")
            self.detail_caption.setText("")
            self.legend.clear_range()
            if info is None:
                self.kernel_view.set_image(None, "")
                self._kernel_shown = None
                self.kernel_caption.setText("")
            else:  # the kernels are learned weights: there is something to see before any drawing
                self._show_kernel(info, self._channel)
            return
        lo, hi = float(maps.min()), float(maps.max())
        self.grid.set_maps(maps, lo, hi)
        self.legend.set_range(lo, hi)
        channel = min(self._channel, len(maps) - 1)
        self.grid.set_selected(channel)
        self.detail.set_image(rgb_to_qimage(viridis(maps[channel], lo, hi)))
        self._show_kernel(info, channel)
        self._refresh_mark()

    def _show_kernel(self, info: StageInfo, channel: int) -> None:
        if self._kernel_shown == (info.name, channel):
            return  # the weights have not changed since: only a new result came
        self._kernel_shown = (info.name, channel)
        weights = self._kernels.get(info.name) if info.kind == "conv" else None
        if weights is None:
            self.kernel_view.set_image(None, pool_placeholder(info))
            self.kernel_caption.setText(pool_caption(info))
            return
        kernel = weights[channel]
        self.kernel_view.set_image(rgb_to_qimage(kernel_mosaic(kernel)))
        self.kernel_caption.setText(kernel_caption(info, channel, kernel))


__all__ = ["ColourLegend", "FeatureGrid", "FeatureMapViewer", "QPointF", "best_columns", "kernel_mosaic"]
