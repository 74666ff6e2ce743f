"""NetworkOverview: the whole network, input to softmax, left to right, live.

Each stage is one column, drawn small from the current prediction: a stack of
feature maps as a few stacked tiles (its most active channels, in front),
a vector (flatten, fully connected, a global pool's 1x1 maps) as a strip of
cells, the softmax as ten bars. Under each column its name and output shape.
Every column, caption and tooltip comes from the :class:`StageInfo` list of
the loaded model, so any architecture draws itself. Clicking a column emits
:attr:`NetworkOverview.stage_clicked` with the stage name ("input" and
"softmax" for the two ends).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mnist_desk.colormap import viridis
from mnist_desk.explain_fields import INPUT, SOFTMAX
from mnist_desk.inference import Prediction
from mnist_desk.layer_info import StageInfo, shape_text
from mnist_desk.ui.image_tiles import grey_to_qimage, rgb_to_qimage
from mnist_desk.ui.stage_captions import activation_name, stage_kind, window_caption
from mnist_desk.ui.throttle import Throttle

TILES = 3  # feature maps drawn per stack: enough to read as "many", few enough to see each
MIN_CAPTION_POINTS = 8.0
# While the user draws, results arrive with every mouse move; the overview shows
# the newest at most this often. It is a glance at the whole network, and a full
# redraw costs 2-8 ms of the GUI thread (more on a busy CPU), which the bars need more.
REFRESH_MS = 100


@dataclass(frozen=True)
class Column:
    """One column of the overview: a stage, or the input / softmax ends."""

    name: str
    shape: tuple[int, ...]
    info: StageInfo | None  # None for the input and softmax ends

    @property
    def is_map(self) -> bool:
        """Drawn as tiles: a (C, H, W) output with more than one position per map."""
        return len(self.shape) == 3 and self.shape[1] * self.shape[2] > 1


def columns_for(stages: list[StageInfo]) -> list[Column]:
    """The overview's columns for a model: input, every stage, softmax."""
    if not stages:
        return []
    columns = [Column(INPUT, stages[0].input_shape, None)]
    columns += [Column(s.name, s.output_shape, s) for s in stages]
    columns.append(Column(SOFTMAX, stages[-1].output_shape, None))
    return columns


def strongest_channels(maps: np.ndarray, count: int = TILES) -> list[int]:
    """The ``count`` channels with the largest mean activation, strongest first (ties: lower index)."""
    means = maps.reshape(len(maps), -1).mean(axis=1)
    return [int(c) for c in np.argsort(-means, kind="stable")[:count]]


class NetworkOverview(QWidget):
    """Every stage of the loaded network, drawn small from the current prediction."""

    stage_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkOverview")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(420, 120)
        self.setMouseTracking(True)
        self._columns: list[Column] = []
        self._images: dict[str, list[QImage]] = {}
        self._probabilities: np.ndarray | None = None
        self._trusted = True  # False: the network sees no digit; its best guess is not highlighted
        self._selected = ""
        self._fonts: dict[bool, QFont] = {}  # caption fonts (bold or not) for the current width
        self._pending: tuple[Prediction | None, dict[str, np.ndarray] | None] | None = None
        self._refresh = Throttle(REFRESH_MS, self._show_pending, self)

    # --- model ----------------------------------------------------------------

    def set_architecture(self, stages: list[StageInfo]) -> None:
        """A new model: its columns, and no values until the next prediction."""
        self._columns = columns_for(stages)
        self._images = {}
        self._probabilities = None
        self._pending = None
        self._fonts = {}
        if self._selected not in self.stage_names():
            self._selected = ""
        self.update()

    def set_prediction(self, prediction: Prediction | None, vectors: dict[str, np.ndarray] | None = None) -> None:
        """Show one prediction; ``vectors`` holds the vector stages' outputs
        (:func:`mnist_desk.explain.vector_activations`), which ``Prediction``
        does not carry. A stage with no values is drawn as an empty outline.

        The first result after a pause is shown at once; those that follow within
        :data:`REFRESH_MS` wait for its end, and only the newest is drawn."""
        self._pending = (prediction, vectors)
        self._refresh.request()

    def _show_pending(self) -> None:
        if self._pending is None:
            return
        (prediction, vectors), self._pending = self._pending, None
        self._images = {}
        self._probabilities = None
        if prediction is not None:
            values: dict[str, np.ndarray] = {INPUT: np.asarray(prediction.input)[None]}
            values.update(prediction.activations)
            values.update(vectors or {})
            previous: np.ndarray | None = None
            for column in self._columns:
                data = values.get(column.name)
                if data is None and column.info is not None and column.info.kind == "dropout":
                    data = previous  # dropout passes everything through when predicting
                previous = data
                if data is not None and column.name != SOFTMAX and data.size == int(np.prod(column.shape)):
                    self._images[column.name] = self._render(column, np.asarray(data, dtype=np.float32))
            self._probabilities = np.asarray(prediction.probabilities, dtype=np.float64)
        self._trusted = prediction is None or not prediction.not_a_digit
        self.update()

    def set_selected_stage(self, name: str) -> None:
        self._selected = name
        self.update()

    def stage_names(self) -> list[str]:
        """The column names, left to right ("input", the stages, "softmax")."""
        return [c.name for c in self._columns]

    def captions(self) -> list[tuple[str, str]]:
        """(label, shape) under each column, as painted."""
        return [(self._label(c), shape_text(c.shape)) for c in self._columns]

    def has_values(self, name: str) -> bool:
        self._show_pending()
        if name == SOFTMAX:
            return self._probabilities is not None
        return name in self._images

    def tile_images(self, name: str) -> list[QImage]:
        """The images drawn for a column: its strongest maps front to back, or its strip (empty: no values)."""
        self._show_pending()
        return list(self._images.get(name, []))

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        return [self._label(c) for c in self._columns if c.info is None] or [self.placeholder()]

    def placeholder(self) -> str:
        return self.tr("Load a model to see its layers")

    def _label(self, column: Column) -> str:
        if column.name == INPUT:
            return self.tr("input")
        if column.name == SOFTMAX:
            return self.tr("softmax")
        return column.name

    def _render(self, column: Column, data: np.ndarray) -> list[QImage]:
        if column.name == INPUT:
            return [grey_to_qimage(data[0])]
        lo, hi = float(data.min()), float(data.max())
        if column.is_map:
            # One colour scale per stage, as in the feature-map viewer.
            return [rgb_to_qimage(viridis(data[c], lo, hi)) for c in strongest_channels(data)]
        return [rgb_to_qimage(viridis(data.reshape(-1, 1), lo, hi))]

    # --- geometry -----------------------------------------------------------------

    def _caption_font(self, bold: bool = False) -> QFont:
        if bold not in self._fonts:  # measured once per width, font and model: painting asks often
            self._fonts[bold] = self._fit_caption_font(bold)
        return self._fonts[bold]

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        self._fonts = {}
        super().resizeEvent(event)

    def _fit_caption_font(self, bold: bool) -> QFont:
        font = QFont(self.font())
        width = self.width() / max(len(self._columns), 1)
        # Big enough for a projector, shrunk only when the widest shape would not fit.
        size = max(font.pointSizeF(), 10.0)
        widest = max((shape_text(c.shape) for c in self._columns), key=len, default="")
        while size > MIN_CAPTION_POINTS:
            font.setPointSizeF(size)
            if QFontMetricsF(font).horizontalAdvance(widest) <= width - 4:
                break
            size -= 0.5
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def _caption_height(self) -> float:
        return QFontMetricsF(self._caption_font(True)).height() * 2 + 6

    def column_rect(self, index: int) -> QRectF:
        width = self.width() / max(len(self._columns), 1)
        return QRectF(index * width, 0, width, self.height())

    def _glyph_rect(self, index: int) -> QRectF:
        column = self.column_rect(index)
        gap = column.width() * 0.18  # room for the arrow to the next column
        return QRectF(column.x() + gap / 2, 6, column.width() - gap, self.height() - self._caption_height() - 10)

    def column_at(self, point: QPointF) -> int:
        for i in range(len(self._columns)):
            if self.column_rect(i).contains(point):
                return i
        return -1

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # A strip across the window: tall enough for the tiles to read, short enough to leave the canvas its height.
        return QSize(max(80 * len(self._columns), 600), 150)

    # --- events ---------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.column_at(event.position())
        if index >= 0:
            self.set_selected_stage(self._columns[index].name)
            self.stage_clicked.emit(self._columns[index].name)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.column_at(QPointF(event.pos()))
            if index >= 0:
                QToolTip.showText(event.globalPos(), self.tooltip(self._columns[index].name), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._fonts = {}
            self.update()
        super().changeEvent(event)

    def tooltip(self, name: str) -> str:
        """What a column is, in words, from its stage description."""
        column = next(c for c in self._columns if c.name == name)
        if column.info is None:
            if name == INPUT:
                return self.tr("The 28×28 image the network reads")
            return self.tr("The ten probabilities: softmax of the last layer's outputs divided by the temperature T")
        info = column.info
        parts = [stage_kind(info)]
        if window_caption(info, name_pool=False):  # the kind said "max pooling" already
            parts.append(window_caption(info, name_pool=False))
        if info.batchnorm:
            parts.append(self.tr("BatchNorm"))
        if info.activation:
            parts.append(activation_name(info.activation))
        return self.tr("{name}: {what}\n{shape_in} → {shape_out}, {parameters} parameters").format(
            name=info.name,
            what=self.tr(", ", "between the parts of a layer's description").join(parts),
            shape_in=shape_text(info.input_shape),
            shape_out=shape_text(info.output_shape),
            parameters=f"{info.parameters:,}",
        )

    # --- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        palette = self.palette()
        if not self._columns:
            painter.setPen(palette.windowText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder())
            return
        caption_h = self._caption_height()
        for index, column in enumerate(self._columns):
            rect = self.column_rect(index)
            if column.name == self._selected:
                highlight = QColor(palette.highlight().color())
                highlight.setAlpha(60)
                painter.fillRect(rect.adjusted(1, 1, -1, -1), highlight)
            glyph = self._glyph_rect(index)
            if column.name == SOFTMAX:
                self._paint_softmax(painter, glyph)
            elif column.is_map or column.name == INPUT:
                self._paint_stack(painter, glyph, column)
            else:
                self._paint_strip(painter, glyph, column)
            if index + 1 < len(self._columns):
                self._paint_arrow(painter, glyph.right(), self.column_rect(index + 1).x() + 0.09 * rect.width(), glyph)
            caption = QRectF(rect.x(), self.height() - caption_h, rect.width(), caption_h)
            painter.setPen(palette.windowText().color())
            painter.setFont(self._caption_font(True))
            top = caption.adjusted(0, 0, 0, -caption_h / 2)
            painter.drawText(top, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, self._label(column))
            painter.setFont(self._caption_font())
            painter.drawText(
                caption.adjusted(0, caption_h / 2, 0, 0),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                shape_text(column.shape),
            )
        painter.end()

    def _outline_pen(self) -> QPen:
        return QPen(self.palette().mid().color(), 1)

    def _paint_stack(self, painter: QPainter, glyph: QRectF, column: Column) -> None:
        h = column.shape[1]
        # Smaller maps are drawn smaller: the pooling is visible at a glance.
        side = min(glyph.width(), glyph.height()) * 0.78 * min(1.0, 0.45 + 0.55 * h / 28)
        images = self._images.get(column.name)
        count = 1 if column.name == INPUT else min(TILES, column.shape[0])
        step = side * 0.14
        total = side + step * (count - 1)
        left = glyph.center().x() - total / 2
        top = glyph.center().y() - total / 2 + step * (count - 1)
        painter.setPen(self._outline_pen())
        for depth in reversed(range(count)):  # back to front: the strongest channel in front
            tile = QRectF(left + depth * step, top - depth * step, side, side)
            if images is not None and depth < len(images):
                painter.drawImage(tile, images[depth])
            else:
                painter.fillRect(tile, self.palette().base())
            painter.drawRect(tile)

    def _paint_strip(self, painter: QPainter, glyph: QRectF, column: Column) -> None:
        n = int(np.prod(column.shape))
        height = glyph.height() * 0.9 * min(1.0, max(0.4, n / 64))
        width = min(glyph.width() * 0.3, 18.0)
        strip = QRectF(glyph.center().x() - width / 2, glyph.center().y() - height / 2, width, height)
        images = self._images.get(column.name)
        if images:
            painter.drawImage(strip, images[0])
        else:
            painter.fillRect(strip, self.palette().base())
        painter.setPen(self._outline_pen())
        painter.drawRect(strip)
        if n <= 32:  # few enough to see each unit: separate them
            for i in range(1, n):
                y = strip.top() + strip.height() * i / n
                painter.drawLine(QPointF(strip.left(), y), QPointF(strip.right(), y))

    def _paint_softmax(self, painter: QPainter, glyph: QRectF) -> None:
        palette = self.palette()
        n = 10 if self._probabilities is None else len(self._probabilities)
        row = glyph.height() * 0.92 / n
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, min(row * 0.62, 11.0)))
        painter.setFont(font)
        label_w = QFontMetricsF(font).horizontalAdvance("0") + 4
        top = glyph.center().y() - row * n / 2
        best = -1 if self._probabilities is None else int(np.argmax(self._probabilities))
        for digit in range(n):
            y = top + digit * row
            painter.setPen(palette.windowText().color())
            painter.drawText(QRectF(glyph.x(), y, label_w, row), Qt.AlignmentFlag.AlignCenter, str(digit))
            track = QRectF(glyph.x() + label_w, y + row * 0.15, glyph.width() - label_w, row * 0.7)
            painter.fillRect(track, palette.alternateBase())
            if self._probabilities is not None:
                fill = QRectF(track.x(), track.y(), track.width() * float(self._probabilities[digit]), track.height())
                painter.fillRect(fill, palette.highlight() if digit == best and self._trusted else palette.mid())

    def _paint_arrow(self, painter: QPainter, x0: float, x1: float, glyph: QRectF) -> None:
        y = glyph.center().y()
        if x1 - x0 < 6:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)  # only the arrows: tiles are pixels, and cheaper
        painter.setPen(QPen(self.palette().mid().color(), 1.5))
        painter.drawLine(QPointF(x0 + 2, y), QPointF(x1 - 2, y))
        head = min(5.0, (x1 - x0) / 3)
        painter.drawLine(QPointF(x1 - 2, y), QPointF(x1 - 2 - head, y - head))
        painter.drawLine(QPointF(x1 - 2, y), QPointF(x1 - 2 - head, y + head))
        painter.restore()


__all__ = ["Column", "NetworkOverview", "columns_for", "strongest_channels"]
