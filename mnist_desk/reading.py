"""Reading a number: segment the ink into digits, read each, say "not a digit" where due.

Qt-free; the CLI reads image files with it (``predict --number``) and the
window reads its canvas with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from mnist_desk.preprocess import EmptyImageError, ink_map, preprocess, readable_ink
from mnist_desk.segment import (
    SHORTEST_DIGIT,
    Box,
    Segment,
    as_drawing,
    group_strokes,
    segment_ink,
    splits_in_two,
    writing_height,
)
from mnist_desk.specks import only_dots, pen_stroke_dots
from mnist_desk.strokes import PenStroke, StrokeImages, render_strokes

# A crop the preprocessing cannot read at all (a speck) scores as an impossible digit.
UNREADABLE = -10.0
# A candidate digit that reads only just above the "not a digit" threshold is more likely a
# fragment, or two digits, than one that reads clearly: the grouping scores it lower by its
# shortfall below this margin (log-sum-exp units). On composed numbers of the validation and
# training writers (2,400, seam reach 0.25) it took whole numbers right from pixels 2,087 -> 2,092
# (digit counts 2,318 -> 2,317), from strokes 2,214 -> 2,218 (counts 2,388 -> 2,392); validation-kind
# non-digits inside numbers read null as often (70.0 %). A margin of 2 gave 2,099 / 2,312, of 3
# 2,084 / 2,291.
CLEAR_MARGIN = 1.0
# Both halves of a cut must be read at least this sure for the cut to replace "not a digit".
SPLIT_CONFIDENCE = 0.8
# ... and each half this far above the "not a digit" threshold (Predictor.margins): cut in two,
# a star read as two 8s, 80 % and 99 % sure, but only just above it. A part at least WIDE_PART
# of the writing's height wide is more likely two digits, and needs less (SPLIT_MARGIN_WIDE).
# Chosen on numbers of the validation writers, and with a validation-kind non-digit between two
# validation writers' digits (260): such numbers read null 58.5 -> 70.0 %; digit-only numbers of
# the validation and training writers (2,400) read right 2,075 -> 2,064, counts 2,309 -> 2,298.
SPLIT_MARGIN = 0.5
SPLIT_MARGIN_WIDE = 0.1
WIDE_PART = 0.9


@dataclass(frozen=True)
class DigitReading:
    """One digit of a number: where it is, what the network made of it."""

    box: Box  # (x0, y0, x1, y1) in the image's pixels
    probabilities: np.ndarray
    not_a_digit: bool
    input: np.ndarray  # the 28x28 the network read
    mark: bool = False  # punctuation: dots or a comma standing apart (specks.only_dots), never a digit

    @property
    def digit(self) -> int | None:
        return None if self.not_a_digit else int(np.argmax(self.probabilities))

    @property
    def nearest(self) -> int:
        return int(np.argmax(self.probabilities))


@dataclass(frozen=True)
class NumberReading:
    digits: list[DigitReading]

    @property
    def text(self) -> str | None:
        """The number as digits ("2026"); None if nothing was read or any part is not a digit."""
        if not self.digits or any(d.not_a_digit for d in self.digits):
            return None
        return "".join(str(d.digit) for d in self.digits)


def _inputs(drawings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """28x28 inputs for the drawings, and which of them could be read at all."""
    inputs, readable = [], []
    for drawing in drawings:
        try:
            inputs.append(preprocess(drawing))
            readable.append(True)
        except EmptyImageError:
            inputs.append(np.zeros((28, 28), np.float32))
            readable.append(False)
    return np.stack(inputs), np.array(readable)


def crop_scorer(predictor: Any):
    """How much each crop looks like one readable digit: the log of its top
    probability, less how far it falls short of reading CLEAR_MARGIN above the
    "not a digit" threshold; and whether the network calls it not a digit (a
    fragment of a digit, or two digits in one crop): the grouping charges for that."""

    def score(drawings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        inputs, readable = _inputs(drawings)
        probabilities, rejected, margins = predictor.assess(inputs)
        fit = np.log(np.maximum(probabilities.max(1), 1e-9)) - np.maximum(0.0, CLEAR_MARGIN - margins)
        return np.where(readable, fit, UNREADABLE), rejected & readable

    return score


def read_segments(predictor: Any, segments: list[Segment]) -> NumberReading:
    if not segments:
        return NumberReading([])
    inputs, readable = _inputs([as_drawing(s) for s in segments])
    probabilities, rejected = predictor.read(inputs)
    digits = [
        DigitReading(s.box, p.astype(np.float64), (not ok) or bool(r) or s.dots, x, s.dots)
        for s, p, r, ok, x in zip(segments, probabilities, rejected, readable, inputs, strict=True)
    ]
    return NumberReading(digits)


def _best_split(predictor: Any, segment: Segment, height: float) -> tuple[list[Segment], list[DigitReading]] | None:
    """The cut of ``segment`` into two digits that both read surely, if there is one."""
    best, best_score = None, SPLIT_CONFIDENCE
    margin = SPLIT_MARGIN_WIDE if segment.box[2] - segment.box[0] >= WIDE_PART * height else SPLIT_MARGIN
    for left, right in splits_in_two(segment, height):
        if min(left.box[3] - left.box[1], right.box[3] - right.box[1]) < SHORTEST_DIGIT * height:
            continue  # a fragment (the tail of a 9 reads as a 7), not a digit
        halves = read_segments(predictor, [left, right]).digits
        score = min(float(h.probabilities.max()) for h in halves)
        if any(h.not_a_digit for h in halves) or score <= best_score:
            continue
        if predictor.margins(np.stack([h.input for h in halves])).min() >= margin:
            best, best_score = ([left, right], halves), score
    return best


def _split_what_is_not_a_digit(predictor: Any, segments: list[Segment], reading: NumberReading) -> NumberReading:
    """Cut in two each part the network calls "not a digit", when both halves read as digits."""
    height = writing_height([s.box for s in segments])
    digits: list[DigitReading] = []
    for segment, digit in zip(segments, reading.digits, strict=True):
        split = _best_split(predictor, segment, height) if digit.not_a_digit else None
        digits += split[1] if split is not None else [digit]
    return NumberReading(digits)


def _recut_touching_neighbours(
    predictor: Any, segments: list[Segment], reading: NumberReading
) -> tuple[list[Segment], NumberReading]:
    """Cut again, elsewhere, two touching neighbours that are both "not a digit".

    Two digits that touch are one blob; cut in the wrong place (the 3 taking
    the left of the 0 beside it), neither part reads. Joined again and cut
    along each seam in turn, the right cut gives two sure digits. (When only
    one of the two reads, recutting them was tried on the validation writers
    and cost as many numbers as it won.)
    """
    height = writing_height([s.box for s in segments])
    out_segments, out_digits = list(segments), list(reading.digits)
    k = 0
    while k < len(out_segments) - 1:
        a, b = out_segments[k], out_segments[k + 1]
        touching = a.box[2] >= b.box[0] - 1
        if touching and out_digits[k].not_a_digit and out_digits[k + 1].not_a_digit:
            split = _best_split(predictor, _joined(a, b), height)
            if split is not None:
                out_segments[k : k + 2], out_digits[k : k + 2] = split
                k += 2
                continue
        k += 1
    return out_segments, NumberReading(out_digits)


def _joined(a: Segment, b: Segment) -> Segment:
    box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
    ink = np.zeros((box[3] - box[1], box[2] - box[0]), np.float32)
    for part in (a, b):
        x, y = part.box[0] - box[0], part.box[1] - box[1]
        window = ink[y : y + part.ink.shape[0], x : x + part.ink.shape[1]]
        np.maximum(window, part.ink, out=window)
    return Segment(box, ink, tuple(sorted(a.pieces + b.pieces)))


def read_number(predictor: Any, image: Any, size: tuple[int, int] | None = None) -> NumberReading:
    """Every digit of a number written across ``image`` (PIL or numpy), left to right.

    Boxes are in the image's pixels, or in those of an image ``size`` (width, height)
    that ``image`` is a reduced copy of (:func:`mnist_desk.image_file.source_size`).
    """
    ink = ink_map(image)
    readable_ink(ink)  # a blank or grainy page, or one dot, is refused as for a single digit
    segments = segment_ink(ink, crop_scorer(predictor))
    segments, reading = _recut_touching_neighbours(predictor, segments, read_segments(predictor, segments))
    reading = _split_what_is_not_a_digit(predictor, segments, reading)
    width, height = size or ((image.shape[1], image.shape[0]) if isinstance(image, np.ndarray) else image.size)
    if (width, height) == (ink.shape[1], ink.shape[0]):
        return reading
    # A large image was read reduced: boxes go back to the image's own pixels.
    sx, sy = width / ink.shape[1], height / ink.shape[0]
    return NumberReading([
        dataclasses.replace(d, box=(int(d.box[0] * sx), int(d.box[1] * sy), int(np.ceil(d.box[2] * sx)),
                                    int(np.ceil(d.box[3] * sy))))
        for d in reading.digits
    ])  # fmt: skip


def read_strokes(predictor: Any, strokes: list[PenStroke], images: StrokeImages | None = None) -> NumberReading:
    """Every digit of a number written as ``strokes`` (the window's canvas), left to right.

    Which strokes make one digit is decided from their boxes, and where that
    is unclear, by reading the candidates (:func:`mnist_desk.segment.group_strokes`);
    each digit is then drawn alone, without its neighbours' ink. Boxes are in
    the strokes' pixels. ``images`` remembers each stroke's drawing (between readings too).
    """
    if not strokes:
        return NumberReading([])
    images = images if images is not None else StrokeImages()

    def crop(members: list[int]) -> np.ndarray:
        return render_strokes([strokes[i] for i in members], images=images)[0]

    boxes = [s.box() for s in strokes]
    dots = pen_stroke_dots(strokes)
    groups = group_strokes(boxes, crop, crop_scorer(predictor), dots)
    height = writing_height(boxes)
    segments = []
    for group in groups:
        drawing, box = render_strokes([strokes[i] for i in group], margin=0, images=images)
        apart = only_dots(group, boxes, height, dots)
        segments.append(Segment(box, (255 - drawing.astype(np.float32)) / 255, tuple(group), apart))
    return read_segments(predictor, segments)
