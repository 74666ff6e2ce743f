"""Digits as CSV rows: ``label,pixel0..pixel783`` (MNIST CSV, Kaggle ``train.csv``)
or ``pixel0..pixel783`` (Kaggle ``test.csv``), a header row optional.

It lives in the app package because ``mnist-desk predict --csv`` reads it too;
training imports it from here.
"""

from __future__ import annotations

import codecs
import io

import numpy as np

IMAGE_SIDE = 28
PIXELS = IMAGE_SIDE * IMAGE_SIDE


class DataError(ValueError):
    """A dataset file is missing, truncated or not what it claims to be."""


def check_labels(labels: np.ndarray, name: str) -> None:
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        bad = int(np.argmax((labels > 9) | (labels < 0)))
        raise DataError(f"{name}: label {labels[bad]} at index {bad} is outside 0-9")


def _decode(data: bytes) -> str:
    """Text of a CSV file; a byte-order mark is dropped, never read as a cell.

    Excel and Windows Notepad start UTF-8 files with a BOM. Read as text it
    made the first row look like a header, which was then dropped, shifting
    every ImageId of a submission by one.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("ascii", errors="replace")


def _is_header(line: str) -> bool:
    """A header names its columns ("label", "pixel0", "ImageId"): its first cell starts with a letter.

    Anything else is data, and a damaged data row fails loudly in the parser
    rather than being skipped as a header.
    """
    first = line.split(",", 1)[0].strip().strip('"').strip("'").strip()
    return first[:1].isalpha()


def parse_csv(data: bytes, name: str = "<csv>", labelled: bool | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Parse ``label,pixel0..pixel783`` rows (a header row is optional).

    With ``labelled=None`` the layout is inferred from the column count: 785
    columns are labelled (MNIST CSV, Kaggle ``train.csv``), 784 are not
    (Kaggle ``test.csv``). Returns (images (N, 28, 28) uint8, labels or None).
    """
    text = _decode(data)
    numbered = list(enumerate(text.splitlines(), start=1))  # the file's own line numbers, for messages
    if numbered and _is_header(numbered[0][1]):
        numbered = numbered[1:]  # a header row such as "label,1x1,..." or "label,pixel0,..."
    numbered = [(number, line) for number, line in numbered if line.strip()]
    lines = [line for _, line in numbered]
    if not lines:
        raise DataError(f"{name}: no data rows")
    columns = lines[0].count(",") + 1
    if labelled is None:
        labelled = columns == PIXELS + 1
    want = PIXELS + (1 if labelled else 0)
    try:
        table = np.loadtxt(io.StringIO("\n".join(lines)), delimiter=",", dtype=np.int64, ndmin=2, comments=None)
    except ValueError as exc:
        raise DataError(f"{name}: {_first_bad_line(numbered, columns) or f'not a table of integers ({exc})'}") from exc
    if table.shape[1] != want:
        raise DataError(f"{name}: expected {want} columns per row, found {table.shape[1]}")
    pixels = table[:, 1:] if labelled else table
    if pixels.min() < 0 or pixels.max() > 255:
        raise DataError(f"{name}: pixel values must be 0-255")
    images = pixels.astype(np.uint8).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    labels = None
    if labelled:
        check_labels(table[:, 0], name)
        labels = table[:, 0].astype(np.uint8)
    return images, labels


def _first_bad_line(numbered: list[tuple[int, str]], columns: int) -> str:
    """What is wrong with the first row numpy could not read, by the file's line number
    (numpy counts data rows from 0 or 1, skipping the header and blank lines, and
    suggests its own API's options); "" if no row looks wrong."""
    for number, line in numbered:
        cells = line.split(",")
        if len(cells) != columns:
            return f"line {number}: {len(cells)} values, but the first row has {columns}"
        for column, cell in enumerate(cells, start=1):
            try:
                int(cell)
            except ValueError:
                return f"line {number}, value {column}: {cell.strip()[:20]!r} is not a whole number"
    return ""
