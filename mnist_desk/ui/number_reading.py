"""Reading the number written on the canvas, on the worker thread. Qt-free.

In number mode every change of the canvas becomes a :class:`NumberRequest`,
submitted to the worker like a single digit's picture (the latest request
wins). It reads the canvas's own strokes with
:func:`mnist_desk.reading.read_strokes`, or its pixels with
:func:`mnist_desk.reading.read_number` when strokes cannot be trusted (an
eraser was used, or an image was opened), and answers with a
:class:`NumberResult`: the reading, each digit's box on the paper, and the
full :class:`~mnist_desk.inference.Prediction` of one digit (the one the
views show in detail).

Reading a number in full scores many candidate crops (which strokes make one
digit?), 15-40 ms here: too slow to follow the pen at 60 moves a second. So
while a stroke is being drawn the reading is *live*: the finished strokes keep
the digits the last full reading gave them, and only the stroke under the pen
is placed (with the digit it shares most of its width with, as
:func:`mnist_desk.segment.group_pieces` would; a lone speck waits until it
grows) and its digit read again: one crop, as cheap as a single digit. When
the pen is lifted (or anything else changes) the number is read in full
again, which settles any grouping the live reading guessed.

Why a :class:`CachedReader`: a full reading scores candidate crops that are
mostly the same from one reading to the next. The network's answers are
remembered, keyed by the exact 28x28 input, so it runs only on crops it has
not seen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from mnist_desk.inference import Prediction
from mnist_desk.preprocess import EmptyImageError, Transform, preprocess
from mnist_desk.reading import DigitReading, NumberReading, read_number, read_segments, read_strokes
from mnist_desk.segment import SAME_DIGIT_OVERLAP, Box, Segment, as_drawing, overlap_ratio, writing_height
from mnist_desk.specks import SPECK
from mnist_desk.strokes import PenStroke, StrokeImages, render_strokes
from mnist_desk.ui.placement import PaperMap, Rect

CACHE_SIZE = 4096  # 28x28 inputs remembered (3 KB each as keys)
INK = 0.1  # an input pixel above this is ink, for finding the digit in its 28x28 input


class CachedReader:
    """``predictor.assess`` (and so ``read`` and ``margins``) with a memory of the inputs it has
    read (one predictor, one thread)."""

    def __init__(self, predictor: Any, size: int = CACHE_SIZE) -> None:
        self.predictor = predictor
        self._size = size
        self._known: OrderedDict[bytes, tuple[np.ndarray, bool, float]] = OrderedDict()
        self.asked = self.computed = 0  # inputs asked for / run through the network

    def assess(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 28, 28) inputs -> probabilities (N, 10), "not a digit" flags (N,) and margins (N,),
        as ``Predictor.assess``."""
        inputs = np.ascontiguousarray(inputs, dtype=np.float32)
        keys = [row.tobytes() for row in inputs]
        missing = [i for i, key in enumerate(keys) if key not in self._known]
        self.asked += len(keys)
        self.computed += len(missing)
        if missing:
            probabilities, rejected, margins = self.predictor.assess(inputs[missing])
            for i, p, r, m in zip(missing, probabilities, rejected, margins, strict=True):
                self._known[keys[i]] = (p, bool(r), float(m))
        for key in keys:
            self._known.move_to_end(key)
        answers = [self._known[key] for key in keys]
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        if not answers:
            return np.zeros((0, 10)), np.zeros(0, dtype=bool), np.zeros(0)
        return (np.stack([p for p, _, _ in answers]), np.array([r for _, r, _ in answers]),
                np.array([m for _, _, m in answers]))  # fmt: skip

    def read(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As ``Predictor.read``."""
        probabilities, rejected, _ = self.assess(inputs)
        return probabilities, rejected

    def margins(self, inputs: np.ndarray) -> np.ndarray:
        """As ``Predictor.margins``."""
        return self.assess(inputs)[2]


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


class NumberReader:
    """The worker's reader for the current predictor (a new predictor starts a new memory),
    and the last full reading, which live readings build on. Used on the worker thread only."""

    def __init__(self) -> None:
        self._reader: CachedReader | None = None
        self._base: tuple[tuple[PenStroke, ...], NumberReading] | None = None
        self.images = StrokeImages()  # each stroke drawn once, whatever it is read with
        # The digit a live reading read last, with its full prediction (not computed twice).
        self.predicted: tuple[DigitReading, Prediction] | None = None

    def reader(self, predictor: Any) -> CachedReader:
        if self._reader is None or self._reader.predictor is not predictor:
            self._reader = CachedReader(predictor)
            self._base = None
        return self._reader

    def full(self, predictor: Any, strokes: tuple[PenStroke, ...]) -> NumberReading:
        """Read the strokes in full (:func:`mnist_desk.reading.read_strokes`), and remember the reading."""
        reading = read_strokes(self.reader(predictor), list(strokes), self.images)
        self._base = (strokes, reading)
        return reading

    def live(self, predictor: Any, strokes: tuple[PenStroke, ...]) -> NumberReading:
        """Read the strokes while the last one is being drawn: only its digit is read again."""
        reader = self.reader(predictor)
        finished, current = strokes[:-1], strokes[-1]
        base = self._base
        if (
            base is None
            or len(base[0]) != len(finished)
            or any(a is not b for a, b in zip(base[0], finished, strict=True))
        ):
            self.full(predictor, finished)  # the finished strokes changed (or were never read in full)
            base = self._base
        digits = list(base[1].digits)
        boxes = [d.box for d in digits]
        # Each finished stroke lies in the box of its digit (the smallest, where boxes overlap);
        # a speck the full reading left out as noise lies in none and stays out.
        members: list[list[PenStroke]] = [[] for _ in digits]
        for stroke in finished:
            holders = [i for i, box in enumerate(boxes) if _inside(stroke.box(), box)]
            if holders:
                members[min(holders, key=lambda i: (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1]))].append(
                    stroke
                )
        box = current.box()
        shared = [overlap_ratio(box, other) for other in boxes]
        if shared and max(shared) > SAME_DIGIT_OVERLAP:
            host = int(np.argmax(shared))
            group = [*members[host], current]
            del digits[host]
        else:
            height = writing_height(boxes) if boxes else 0.0
            if height and (box[3] - box[1]) < SPECK * height and (box[2] - box[0]) < SPECK * height:
                return base[1]  # the start of a new digit: a speck until it grows
            group = [current]
        drawing, group_box = render_strokes(group, margin=0, images=self.images)
        segment = Segment(group_box, (255 - drawing.astype(np.float32)) / 255, tuple(range(len(group))))
        try:
            image28 = preprocess(as_drawing(segment))
        except EmptyImageError:  # too small to read yet: as a full reading scores it
            digits += read_segments(reader, [segment]).digits
        else:
            # Its full prediction at once: the views show the digit being written in detail.
            prediction = predictor.predict_input(image28)
            digit = DigitReading(
                group_box, prediction.probabilities.astype(np.float64), prediction.not_a_digit, image28
            )
            self.predicted = (digit, prediction)
            digits.append(digit)
        return NumberReading(sorted(digits, key=lambda d: (d.box[0], d.box[2])))


@dataclass(frozen=True)
class NumberResult:
    """What the worker made of the number on the canvas.

    Attributes
    ----------
    reading
        The digits, left to right; boxes in the pixels of the request.
    boxes
        Each digit's box on the paper, (top, left, bottom, right) in paper pixels.
    selected
        The digit shown in detail (index into ``reading.digits``), None when there is none.
    prediction
        The selected digit's full prediction (probabilities, activations), or None.
    transform
        The selected digit's 28x28 input -> paper pixels, or None.
    seconds
        How long reading took on the worker.
    from_strokes
        True when read from the strokes, False from the pixels.
    """

    reading: NumberReading
    boxes: tuple[Rect, ...]
    selected: int | None
    prediction: Prediction | None
    transform: Transform | None
    seconds: float
    from_strokes: bool

    @property
    def text(self) -> str | None:
        return self.reading.text

    @property
    def digits(self) -> list[DigitReading]:
        return self.reading.digits


def digit_transform(digit: DigitReading, paper_map: PaperMap, paper_shape: tuple[int, int]) -> Transform | None:
    """Where the digit's 28x28 input lies on the paper (for its receptive fields and saliency map).

    Preprocessing scaled the digit's ink box by one factor and centred it by its
    centre of mass; the ink's box in the input and the digit's box in the
    request give that factor and shift back (the long sides set the factor, as
    preprocessing fitted the long side).
    """
    ink = digit.input > INK
    rows, columns = np.nonzero(ink.any(1))[0], np.nonzero(ink.any(0))[0]
    if not len(rows):
        return None
    in_top, in_bottom, in_left, in_right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
    x0, y0, x1, y1 = digit.box
    scale = max((y1 - y0) / (in_bottom - in_top), (x1 - x0) / (in_right - in_left))
    offset_y = (y0 + y1) / 2 - scale * (in_top + in_bottom) / 2
    offset_x = (x0 + x1) / 2 - scale * (in_left + in_right) / 2
    (sy, sx), (oy, ox) = paper_map.scale, paper_map.offset
    return Transform((scale * sy, scale * sx), (oy + offset_y * sy, ox + offset_x * sx), paper_shape)


def follow(digits: list[DigitReading], newest: tuple[int, int, int, int] | None) -> int:
    """The digit the newest stroke belongs to (the one its box overlaps most); the first without one."""
    if newest is None:
        return 0

    def overlap(box: tuple[int, int, int, int]) -> float:
        width = min(box[2], newest[2]) - max(box[0], newest[0])
        height = min(box[3], newest[3]) - max(box[1], newest[1])
        return max(width, 0) * max(height, 0)

    return int(np.argmax([overlap(d.box) for d in digits]))


@dataclass(frozen=True)
class NumberRequest:
    """One state of the canvas to read as a number (strokes, or else a picture).

    Attributes
    ----------
    reader
        The worker's :class:`NumberReader` (its memory outlives requests).
    strokes
        The ink strokes, in request pixels; None to read ``picture`` instead.
    picture
        The picture (PIL image or array) when strokes cannot be trusted.
    paper_map
        Request pixels -> paper pixels.
    paper_shape
        (height, width) of the paper.
    pinned
        The digit the user picked to see in detail, or None to follow the newest stroke.
    newest
        The newest stroke's box (x0, y0, x1, y1) in request pixels, or None.
    live
        True while the last stroke is being drawn: only its digit is read again.
    """

    reader: NumberReader
    strokes: tuple[PenStroke, ...] | None
    picture: Any
    paper_map: PaperMap
    paper_shape: tuple[int, int]
    pinned: int | None = None
    newest: tuple[int, int, int, int] | None = None
    live: bool = False

    def run(self, predictor: Any) -> NumberResult:
        """Read the number with ``predictor`` (on the worker thread)."""
        started = time.perf_counter()
        if self.strokes is None:
            reading = read_number(self.reader.reader(predictor), self.picture)
        elif self.live and self.strokes:
            reading = self.reader.live(predictor, self.strokes)
        else:
            reading = self.reader.full(predictor, self.strokes)
        boxes = tuple(self.paper_map.rect((y0, x0, y1, x1)) for x0, y0, x1, y1 in (d.box for d in reading.digits))
        selected = prediction = transform = None
        if reading.digits:
            count = len(reading.digits)
            selected = min(self.pinned, count - 1) if self.pinned is not None else follow(reading.digits, self.newest)
            digit = reading.digits[selected]
            known = self.reader.predicted
            prediction = known[1] if known is not None and known[0] is digit else predictor.predict_input(digit.input)
            transform = digit_transform(digit, self.paper_map, self.paper_shape)
        seconds = time.perf_counter() - started
        return NumberResult(reading, boxes, selected, prediction, transform, seconds, self.strokes is not None)


__all__ = ["CachedReader", "NumberReader", "NumberRequest", "NumberResult", "digit_transform", "follow"]
