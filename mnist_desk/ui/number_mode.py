"""NumberMode: a wide canvas whose number is read digit by digit.

Switched on from the canvas's tool row or View -> Number mode. The canvas
shows its wide paper, the drawing column gets more of the window's width, and
every canvas change is read as a number on the worker
(:class:`~mnist_desk.ui.number_reading.NumberRequest`, latest wins, as for
single digits). The result is shown as the whole number with each digit's
small bars, a box around each digit on the canvas, and one digit in detail:
the full bars, the 28x28 view and the explain views show the digit the pen is
writing, or the one the user clicked (its tag or inside its box on the canvas,
or its cell among the small bars) until the next stroke starts.

Strokes are read as the canvas keeps them, at half the paper's resolution
(the 280 px high canvas our figures are measured on), exactly as drawn: a
point dropped or moved by half a pixel can shift the digit's 28x28 input by a
whole pixel, and the reading would no longer be the one measured. Their
arrays are kept between requests, so a mouse move converts only the stroke
being drawn. While the pen is down only the digit under it is read again;
when it is lifted the number is read in full
(:class:`~mnist_desk.ui.number_reading.NumberReader`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QSplitter

from mnist_desk.examples import digit_example
from mnist_desk.strokes import PenStroke
from mnist_desk.ui.canvas_overlay import DigitBox
from mnist_desk.ui.digit_strip import StripDigit
from mnist_desk.ui.drawing_panel import DrawingPanel
from mnist_desk.ui.explain_wiring import ExplainWiring
from mnist_desk.ui.number_reading import NumberReader, NumberRequest, NumberResult
from mnist_desk.ui.opened_image import grey_example
from mnist_desk.ui.paper import RESOLUTION, Stroke
from mnist_desk.ui.placement import PaperMap, Placement
from mnist_desk.ui.prediction_panel import PredictionPanel

READ_SIDE = RESOLUTION // 2  # the paper is read 280 px high
DRAWING_SHARE = 0.5  # of the splitter's width, for the wide canvas


class NumberMode(QObject):
    # The number should be read again (another digit was selected).
    reread_requested = Signal()
    # The mode changed: the canvas shows the other paper, to be read afresh.
    switched = Signal()

    def __init__(
        self,
        drawing: DrawingPanel,
        results: PredictionPanel,
        explain: ExplainWiring,
        splitter: QSplitter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.drawing, self.canvas = drawing, drawing.canvas
        self.results, self.explain, self.splitter = results, explain, splitter
        canvas = drawing.canvas
        self.on = False
        self.reader = NumberReader()  # used on the worker thread only
        self.result: NumberResult | None = None
        self._pinned: int | None = None  # the digit the user clicked, until the next stroke
        self._arrays: dict[int, tuple[Stroke, int, PenStroke]] = {}
        self._single_sizes: list[int] | None = None
        # The menu action and the tool button that switch the mode, kept in step (set by the window).
        self.switches: tuple[QAction | QAbstractButton, ...] = ()
        canvas.digit_clicked.connect(self.select)
        # The pen is up: read the number in full (while drawing, only the digit under the pen was read).
        canvas.stroke_finished.connect(self._on_stroke_finished)
        drawing.digit_strip.digit_clicked.connect(self.select)

    def set_on(self, on: bool) -> None:
        """Switch number mode; each mode keeps its own drawing (a square one that suggested number
        mode is copied onto the wide paper when that is blank)."""
        if on == self.on:
            return
        self.on = on
        for switch in self.switches:  # a switch toggled by this comes back here and finds nothing to do
            switch.setChecked(on)
        self.result, self._pinned = None, None
        suggested = self.results.suggests_number_mode()  # asked before the panel changes mode
        self.drawing.set_wide(on)
        if on and suggested:
            # The user followed the suggestion: the digits come along onto the (blank) wide paper.
            self.canvas.copy_square_drawing()
        self.results.set_number_mode(on)
        sizes = self.splitter.sizes()
        if on:
            self._single_sizes = sizes
            total = sum(sizes)
            drawing = max(sizes[0], int(total * DRAWING_SHARE))
            rest = max(sum(sizes[1:]), 1)
            self.splitter.setSizes([drawing] + [round(s * (total - drawing) / rest) for s in sizes[1:]])
        elif self._single_sizes is not None:
            self.splitter.setSizes(self._single_sizes)
        self.switched.emit()

    def _on_stroke_finished(self) -> None:
        if self.on:
            self.reread_requested.emit()

    def select(self, index: int) -> None:
        """Show digit ``index`` in detail (it stays selected until the next stroke)."""
        if self.on:
            self._pinned = index
            self.reread_requested.emit()

    # --- requests --------------------------------------------------------------------------

    def _pen_stroke(self, stroke: Stroke) -> PenStroke:
        known = self._arrays.get(id(stroke))
        if known is not None and known[0] is stroke and known[1] == len(stroke.points):
            return known[2]
        points = np.array([(p.x(), p.y()) for p in stroke.points], dtype=np.float64) * (READ_SIDE / RESOLUTION)
        width = stroke.width * float(np.mean(stroke.pressures)) * (READ_SIDE / RESOLUTION)
        pen = PenStroke(points, width)
        self._arrays[id(stroke)] = (stroke, len(stroke.points), pen)
        return pen

    def pen_strokes(self) -> list[PenStroke] | None:
        """The canvas's strokes as the reading takes them (at half the paper's resolution), or None
        where they no longer say what is on the paper (an eraser, or an opened image)."""
        canvas = self.canvas
        strokes = [s for s in canvas.strokes() if s.points]
        alive = {id(s) for s in strokes}
        self._arrays = {k: v for k, v in self._arrays.items() if k in alive}
        if canvas.sheet() is not None or canvas.has_eraser_strokes():
            return None
        return [self._pen_stroke(s) for s in strokes]

    def request(self) -> NumberRequest | None:
        """What the worker should read for the canvas as it is now (None: nothing written)."""
        canvas = self.canvas
        if canvas.is_blank():
            self._pinned = None
            return None
        drawing = canvas.is_drawing()
        if drawing:
            self._pinned = None  # a new stroke: follow the digit being written
        width, height = canvas.paper_size()
        strokes = [s for s in canvas.strokes() if s.points]
        # The digit being written is the one to show (and the one a digit key teaches), read from
        # strokes or from pixels: the pixels are read at the strokes' scale (an opened image with
        # no strokes on it has no newest stroke), so one box serves both.
        newest = self._pen_stroke(strokes[-1]).box() if strokes else None
        pens = self.pen_strokes()
        if pens is not None:
            scale = RESOLUTION / READ_SIDE
            return NumberRequest(
                self.reader, tuple(pens), None, PaperMap((scale, scale)), (height, width), self._pinned, newest, drawing
            )
        # An eraser or an opened image: the strokes no longer say what is on the paper; its pixels do.
        picture = canvas.inference_input(READ_SIDE)
        paper_map = canvas.inference_paper_map(READ_SIDE)
        return NumberRequest(self.reader, None, picture, paper_map, (height, width), self._pinned, newest)

    # --- results -----------------------------------------------------------------------------

    def show(self, result: NumberResult | None, why: str = "") -> None:
        """Show a number read from the canvas (None: nothing read, and ``why``, as PredictionPanel takes it)."""
        self.result = result
        self.results.show_number(result, why=why)
        boxes, cells = [], []
        if result is not None:
            for index, (digit, rect) in enumerate(zip(result.digits, result.boxes, strict=True)):
                label = "?" if digit.not_a_digit else str(digit.nearest)
                boxes.append(DigitBox(rect, label, digit.not_a_digit, index == result.selected))
                cells.append(StripDigit(label, digit.probabilities, digit.not_a_digit, (rect[1], rect[3])))
        self.canvas.overlay.set_digit_boxes(boxes)
        self.drawing.digit_strip.set_digits(cells, None if result is None else result.selected)
        transform = None if result is None else result.transform
        placement = None if transform is None else Placement(transform, PaperMap((1.0, 1.0)))
        self.explain.show_prediction(None if result is None else result.prediction, placement)

    def example(self, side: int) -> np.ndarray | None:
        """What a correction keeps: the canvas as the network reads it (``side`` px), or in
        number mode the selected digit's box of it; None when there is nothing."""
        if self.canvas.is_blank():
            return None
        if not self.on:
            return grey_example(self.canvas.inference_input(side))
        result = self.result
        if result is None or result.selected is None:
            return None
        # The picture the number was read from: its boxes are in its pixels.
        picture = grey_example(self.canvas.inference_input(READ_SIDE))
        return digit_example(picture, result.digits[result.selected].box)


__all__ = ["READ_SIDE", "NumberMode"]
