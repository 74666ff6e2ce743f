"""Real pen trajectories: the UCI pendigits training part, by writer.

7,494 digits written on a tablet by 30 people (vendored, with its attribution,
in ``training/pendigits_data/``). They are the closest thing we have to what
our users do: draw a digit with a pen or a mouse, stroke by stroke. The
product is measured on 14 *other* writers, so everything here is organised by
writer: a writer's digits are all on one side of any split, never both.

UNIPEN text, as the dataset's ``.names`` describes it::

    .SEGMENT DIGIT    0 ? "8"
    .COMMENT 8 12  224          label, writer (1-30), running number
    .PEN_DOWN
     267  333                   x y, tablet units, y grows upwards
    .PEN_UP
    .DT 100
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_desk.digit_csv import DataError

VENDORED = Path(__file__).resolve().parent / "pendigits_data" / "pendigits-orig.tra.gz"
# The dataset's own description says the file holds 7,494 digits; a file much
# shorter than that is truncated, not a smaller dataset.
EXPECTED_DIGITS = 7494
ALL_WRITERS = tuple(range(1, 31))

# The writer split, fixed once (numpy default_rng(8).permutation of 1..30: the first six test, the next four validation) and
# written out so that it can be read and never drifts with code changes.
# TEST writers are only ever measured; VALIDATION writers fit the probability
# temperature and the "not a digit" threshold; the model trains on the rest.
TEST_WRITERS = (9, 14, 16, 17, 20, 29)
VALIDATION_WRITERS = (11, 12, 15, 28)
TRAIN_WRITERS = tuple(w for w in ALL_WRITERS if w not in TEST_WRITERS + VALIDATION_WRITERS)


@dataclass(frozen=True)
class PenDigit:
    """One written digit: its label, its writer and its strokes.

    Each stroke is an (n, 2) float32 array of (x, y) points with y growing
    *downwards*, as on a screen (the tablet's y axis is flipped on reading).
    """

    label: int
    writer: int
    strokes: tuple[np.ndarray, ...]

    def points(self) -> np.ndarray:
        return np.concatenate(self.strokes)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{path}: corrupt or truncated gzip data ({exc})") from exc
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UNIPEN text (byte {exc.start} is not ASCII)") from exc


def parse_unipen(text: str, name: str = "<unipen>") -> list[PenDigit]:
    """Parse the UNIPEN digits of ``text``; any inconsistency is a DataError naming the line."""
    digits: list[PenDigit] = []
    label: int | None = None
    writer: int | None = None
    strokes: list[np.ndarray] = []
    points: list[tuple[float, float]] | None = None  # not None while the pen is down

    def fail(line_no: int, why: str) -> DataError:
        return DataError(f"{name}, line {line_no}: {why}")

    def finish(line_no: int) -> None:
        if label is None:
            return
        if points is not None:
            raise fail(line_no, "a .PEN_DOWN without its .PEN_UP")
        if writer is None:
            raise fail(line_no, "a digit without its .COMMENT line (label, writer)")
        if not strokes:
            raise fail(line_no, f"a digit {label} of writer {writer} without strokes")
        digits.append(PenDigit(label, writer, tuple(strokes)))

    for line_no, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        keyword = fields[0]
        if keyword == ".SEGMENT":
            finish(line_no)
            quoted = line.rsplit('"', 2)
            if len(quoted) != 3 or quoted[1] not in "0123456789" or len(quoted[1]) != 1:
                raise fail(line_no, f"expected a digit label in quotes, got {line.strip()!r}")
            label, writer, strokes, points = int(quoted[1]), None, [], None
        elif keyword == ".COMMENT" and label is not None:
            try:
                said_label, writer = int(fields[1]), int(fields[2])
            except (IndexError, ValueError):
                raise fail(line_no, f"expected '.COMMENT label writer n', got {line.strip()!r}") from None
            if said_label != label:
                raise fail(line_no, f"the comment says {said_label} but the segment says {label}")
            if writer not in ALL_WRITERS:
                raise fail(line_no, f"writer {writer} is outside 1-30")
        elif keyword == ".PEN_DOWN":
            if label is None or points is not None:
                raise fail(line_no, ".PEN_DOWN outside a digit, or twice")
            points = []
        elif keyword == ".PEN_UP":
            if points is None:
                raise fail(line_no, ".PEN_UP without .PEN_DOWN")
            if not points:
                raise fail(line_no, "a stroke without points")
            stroke = np.array(points, dtype=np.float32)
            stroke[:, 1] *= -1  # tablet y grows upwards; screens grow downwards
            strokes.append(stroke)
            points = None
        elif keyword.startswith("."):
            continue  # .DT, .INCLUDE, .LEXICON, .HIERARCHY: nothing we need
        elif points is not None:
            try:
                x, y = (float(v) for v in fields)
            except ValueError:
                raise fail(line_no, f"expected 'x y', got {line.strip()!r}") from None
            points.append((x, y))
        else:
            raise fail(line_no, f"a point outside .PEN_DOWN/.PEN_UP: {line.strip()!r}")
    finish(len(text.splitlines()))
    return digits


def read_pendigits(path: Path | str | None = None, expected: int | None = None) -> list[PenDigit]:
    """All digits of a UNIPEN file (by default the vendored training part, checked complete)."""
    path = Path(path) if path is not None else VENDORED
    if not path.is_file():
        raise DataError(f"{path}: no such pen-digit file")
    digits = parse_unipen(_read_text(path), str(path))
    if expected is None and path == VENDORED:
        expected = EXPECTED_DIGITS
    if expected is not None and len(digits) != expected:
        raise DataError(f"{path}: expected {expected} digits, found {len(digits)} (truncated?)")
    return digits


def by_writers(digits: Iterable[PenDigit], writers: Sequence[int]) -> list[PenDigit]:
    wanted = set(writers)
    return [d for d in digits if d.writer in wanted]


def writer_split(digits: Sequence[PenDigit]) -> tuple[list[PenDigit], list[PenDigit], list[PenDigit]]:
    """(train, validation, test) digits by the fixed writer split; no writer on two sides."""
    return by_writers(digits, TRAIN_WRITERS), by_writers(digits, VALIDATION_WRITERS), by_writers(digits, TEST_WRITERS)
