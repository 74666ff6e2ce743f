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

Why a :class:`CachedReader`: reading a number scores many candidate crops
(which strokes make one digit?) with the network, and while a digit is being
written only the candidates that hold the stroke under the pen change. The
network's answers for the others are remembered, keyed by the exact 28x28
input, so a mouse move costs the network only the crops it has not seen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from mnist_desk.inference import Prediction
from mnist_desk.preprocess import Transform
from mnist_desk.reading import DigitReading, NumberReading, read_number, read_strokes
from mnist_desk.strokes import PenStroke
from mnist_desk.ui.placement import PaperMap, Rect

CACHE_SIZE = 4096  # 28x28 inputs remembered (3 KB each as keys)
INK = 0.1  # an input pixel above this is ink, for finding the digit in its 28x28 input


class CachedReader:
    """``predictor.read`` with a memory of the inputs it has read (one predictor, one thread)."""

    def __init__(self, predictor: Any, size: int = CACHE_SIZE) -> None:
        self.predictor = predictor
        self._size = size
        self._known: OrderedDict[bytes, tuple[np.ndarray, bool]] = OrderedDict()
        self.asked = self.computed = 0  # inputs asked for / run through the network

    def read(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, 28, 28) inputs -> probabilities (N, 10) and "not a digit" flags (N,), as ``Predictor.read``."""
        inputs = np.ascontiguousarray(inputs, dtype=np.float32)
        keys = [row.tobytes() for row in inputs]
        missing = [i for i, key in enumerate(keys) if key not in self._known]
        self.asked += len(keys)
        self.computed += len(missing)
        if missing:
            probabilities, rejected = self.predictor.read(inputs[missing])
            for i, p, r in zip(missing, probabilities, rejected, strict=True):
                self._known[keys[i]] = (p, bool(r))
        for key in keys:
            self._known.move_to_end(key)
        answers = [self._known[key] for key in keys]
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        if not answers:
            return np.zeros((0, 10)), np.zeros(0, dtype=bool)
        return np.stack([p for p, _ in answers]), np.array([r for _, r in answers])


class NumberReader:
    """The worker's reader for the current predictor (a new predictor starts a new memory)."""

    def __init__(self) -> None:
        self._reader: CachedReader | None = None

    def reader(self, predictor: Any) -> CachedReader:
        if self._reader is None or self._reader.predictor is not predictor:
            self._reader = CachedReader(predictor)
        return self._reader


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
    """

    reader: NumberReader
    strokes: tuple[PenStroke, ...] | None
    picture: Any
    paper_map: PaperMap
    paper_shape: tuple[int, int]
    pinned: int | None = None
    newest: tuple[int, int, int, int] | None = None

    def run(self, predictor: Any) -> NumberResult:
        """Read the number with ``predictor`` (on the worker thread)."""
        started = time.perf_counter()
        reader = self.reader.reader(predictor)
        if self.strokes is not None:
            reading = read_strokes(reader, list(self.strokes))
        else:
            reading = read_number(reader, self.picture)
        boxes = tuple(self.paper_map.rect((y0, x0, y1, x1)) for x0, y0, x1, y1 in (d.box for d in reading.digits))
        selected = prediction = transform = None
        if reading.digits:
            count = len(reading.digits)
            selected = min(self.pinned, count - 1) if self.pinned is not None else follow(reading.digits, self.newest)
            digit = reading.digits[selected]
            prediction = predictor.predict_input(digit.input)
            transform = digit_transform(digit, self.paper_map, self.paper_shape)
        seconds = time.perf_counter() - started
        return NumberResult(reading, boxes, selected, prediction, transform, seconds, self.strokes is not None)


__all__ = ["CachedReader", "NumberReader", "NumberRequest", "NumberResult", "digit_transform", "follow"]
