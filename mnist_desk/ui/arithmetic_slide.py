"""The slide of the arithmetic view: the kernel's window on its source map, the output filling in.

The source map is padded with a hatched ring as wide as the stage's padding,
the window is drawn where output unit (y, x) reads, and the output map shows
only the units revealed so far (CNN Explainer's animation). Captions come
from the view, which derives them from the stage description; each wraps
over its own half of the slide, so the two never run into each other when
the panel is narrow.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnist_desk.colormap import viridis
from mnist_desk.explain_fields import INPUT
from mnist_desk.inference import Prediction
from mnist_desk.layer_info import StageInfo
from mnist_desk.ui.image_tiles import grey_to_qimage, rgb_to_qimage

MIN_WIDTH = 220  # px: two maps of 80 px side by side, each caption wrapped over its half
CAPTION_FLAGS = Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap


def source_map(prediction: Prediction, stages: list[StageInfo], stage: str, channel: int) -> np.ndarray | None:
    """The (H, W) map the slide shows under the window of ``stage``.

    conv1's input is the drawing itself; a pool's is its own channel of the
    stage before; a conv over many channels shows their mean (the slide is a
    picture of where the window is; the diagram below has the real numbers).
    Dropout stages pass their input through when predicting, so the nearest
    conv or pool stage before them is used.
    """
    names = [s.name for s in stages]
    index = names.index(stage)
    source = INPUT
    for earlier in reversed(stages[:index]):
        if earlier.name in prediction.activations:
            source = earlier.name
            break
        if earlier.kind != "dropout":
            return None
    maps = np.asarray(prediction.input)[None] if source == INPUT else prediction.activations[source]
    if stages[index].kind in ("pool", "global_pool"):
        return maps[min(channel, len(maps) - 1)]
    return maps[0] if len(maps) == 1 else maps.mean(axis=0)


class SlideView(QWidget):
    """The source map with the window on it, and the output map filled up to the current position."""

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slideView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Narrow enough for the window's panel at its smallest (number mode, the window's minimum
        # size); low enough that the whole arithmetic view fits that panel at the default size.
        self.setMinimumSize(MIN_WIDTH, 120)
        self._source: np.ndarray | None = None
        self._output: np.ndarray | None = None
        self._info: StageInfo | None = None
        self._position = (0, 0)
        self._revealed = 0
        self._is_input = False
        self._captions = ("", "")
        self._output_range: tuple[float, float] | None = None

    def set_maps(
        self,
        info: StageInfo | None,
        source: np.ndarray | None,
        output: np.ndarray | None,
        is_input: bool,
        captions: tuple[str, str] = ("", ""),
        output_range: tuple[float, float] | None = None,
    ) -> None:
        """The source map (its own size, padding is added here), the output map and a caption for each.

        ``output_range`` is the colour scale's (low, high) for the output map, as the feature
        maps tab colours its stage (all channels on one scale); None: the map's own range.
        Scaled on its own, a 1x1 map (pool3) was always the darkest colour, whatever its value.
        """
        self._info, self._source, self._output, self._is_input = info, source, output, is_input
        self._output_range = output_range
        self.set_captions(captions)

    def set_captions(self, captions: tuple[str, str]) -> None:
        """What the two maps are (new words after a language change)."""
        self._captions = captions
        self.update()

    def captions(self) -> tuple[str, str]:
        return self._captions

    def _caption_boxes(self) -> tuple[QRectF, QRectF]:
        """Where the captions go, left and right, above the maps (their top at 0): each over
        half the slide, as high as its words wrapped to that half need."""
        half = (self.width() - 24) / 2
        metrics = QFontMetricsF(self.font())
        height = max(metrics.boundingRect(QRectF(0, 0, half, 10_000), CAPTION_FLAGS, text).height() for text in
                     self._captions) + 4  # fmt: skip
        return QRectF(8, 0, half, height), QRectF(self.width() - 8 - half, 0, half, height)

    def output_range(self) -> tuple[float, float]:
        """The output map's colour scale (low, high)."""
        if self._output_range is not None:
            return self._output_range
        if self._output is None:
            return 0.0, 0.0
        return float(self._output.min()), float(self._output.max())

    def set_position(self, y: int, x: int, revealed: int) -> None:
        """Window at output unit (y, x); the first ``revealed`` units (row by row) are shown."""
        self._position, self._revealed = (y, x), revealed
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(560, 250)

    def _layout(self) -> tuple[QRectF, QRectF, float, float] | None:
        """(source rect including padding, output rect, source cell, output cell)."""
        if self._info is None or self._source is None or self._output is None:
            return None
        ph, pw = self._info.padding or (0, 0)
        sh, sw = self._source.shape[0] + 2 * ph, self._source.shape[1] + 2 * pw
        oh, ow = self._output.shape
        caption_h = self._caption_boxes()[0].height()
        side = min((self.width() - 40) / 2, self.height() - 8 - caption_h)
        cell = side / max(sh, sw)
        top = caption_h + (self.height() - caption_h - side) / 2
        source = QRectF(8, top, sw * cell, sh * cell)
        out_cell = side / max(oh, ow, 1) if max(oh, ow) > 1 else side / 3
        output = QRectF(self.width() - 8 - ow * out_cell, top, ow * out_cell, oh * out_cell)
        return source, output, cell, out_cell

    def output_cell_rect(self, y: int, x: int) -> QRectF:
        """Where output unit (y, x) is drawn (an empty rect when nothing is shown)."""
        layout = self._layout()
        if layout is None:
            return QRectF()
        _, output, _, out_cell = layout
        return QRectF(output.x() + x * out_cell, output.y() + y * out_cell, out_cell, out_cell)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        layout = self._layout()
        if layout is None:
            return
        _, output, _, out_cell = layout
        if output.contains(event.position()):
            x = int((event.position().x() - output.x()) / out_cell)
            y = int((event.position().y() - output.y()) / out_cell)
            self.cell_clicked.emit(min(y, self._output.shape[0] - 1), min(x, self._output.shape[1] - 1))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        layout = self._layout()
        if layout is None:
            return
        painter = QPainter(self)
        palette = self.palette()
        source, output, cell, out_cell = layout
        ph, pw = self._info.padding or (0, 0)
        painter.fillRect(source, QBrush(palette.mid().color(), Qt.BrushStyle.BDiagPattern))  # the padding ring
        inner = source.adjusted(pw * cell, ph * cell, -pw * cell, -ph * cell)
        if self._is_input:
            image = grey_to_qimage(self._source)
        else:
            image = rgb_to_qimage(viridis(self._source, float(self._source.min()), float(self._source.max())))
        painter.drawImage(inner, image)
        painter.setPen(palette.windowText().color())
        for box, text, align in zip(
            self._caption_boxes(),
            self._captions,
            (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight),
            strict=True,
        ):
            painter.drawText(box.translated(0, source.y() - box.height()), align | CAPTION_FLAGS, text)
        # The output so far: revealed units in colour, the rest blank.
        lo, hi = self.output_range()
        flat = self._output.reshape(-1).copy()
        shown = viridis(flat, lo, hi)
        shown[self._revealed :] = np.array([palette.base().color().red(), palette.base().color().green(),
                                            palette.base().color().blue()], np.uint8)  # fmt: skip
        painter.drawImage(output, rgb_to_qimage(shown.reshape(*self._output.shape, 3)))
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawRect(output)
        y, x = self._position
        kh, kw = self._info.kernel or (1, 1)
        sy, sx = self._info.stride or (1, 1)
        dh, dw = self._info.dilation
        window = QRectF(source.x() + x * sx * cell, source.y() + y * sy * cell, ((kw - 1) * dw + 1) * cell,
                        ((kh - 1) * dh + 1) * cell)  # fmt: skip
        unit = QRectF(output.x() + x * out_cell, output.y() + y * out_cell, out_cell, out_cell)
        pen = QPen(palette.highlight().color(), 3)
        painter.setPen(pen)
        painter.drawRect(window)
        painter.drawRect(unit)
        # Lines from the window's corners to the unit: "these pixels make that one".
        pen.setWidthF(1.2)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(window.topRight(), unit.topLeft())
        painter.drawLine(window.bottomRight(), unit.bottomLeft())
        painter.end()


__all__ = ["SlideView", "source_map"]
