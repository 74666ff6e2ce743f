"""Downloading the four MNIST IDX files, safely.

Each file streams into ``NAME.part`` beside its target while its checksum is
computed; only a file whose checksum matches is renamed into place (an atomic
``os.replace``), so an interrupted or corrupted download never leaves a file
that a later run would trust. A failing mirror hands over to the next one.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from training.data import SPLIT_FILES, DataError
from training.progress import ProgressBar

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# MD5 of the canonical .gz files, as published with the dataset.
CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
TIMEOUT_S = 30
CHUNK = 1 << 16


def download_file(
    name: str,
    target_dir: Path,
    mirrors: Sequence[str] = MIRRORS,
    checksums: dict[str, str] = CHECKSUMS,
    log=lambda msg: print(msg, file=sys.stderr),
) -> Path:
    """Fetch ``name`` from the first mirror that serves it intact; return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    part = target_dir / (name + ".part")
    expected = checksums[name]
    failures = []
    for mirror in mirrors:
        url = mirror + name
        try:
            digest = _stream(url, part)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            failures.append(f"{url}: {reason}")
            log(f"download failed: {url}: {reason}; trying the next mirror")
            part.unlink(missing_ok=True)
            continue
        if digest != expected:
            failures.append(f"{url}: checksum {digest} != {expected}")
            log(f"checksum mismatch for {url}; trying the next mirror")
            part.unlink(missing_ok=True)
            continue
        os.replace(part, target)
        return target
    raise DataError(f"could not download {name}:\n  " + "\n  ".join(failures))


def _stream(url: str, part: Path) -> str:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - fixed https mirrors
        total = int(response.headers.get("Content-Length") or 0)
        digest = hashlib.md5(usedforsecurity=False)
        bar = ProgressBar(total or 1, part.name.removesuffix(".part"), unit="MB", scale=1e6)
        received = 0
        with part.open("wb") as out:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                bar.update(min(received, total or received))
        bar.close()
        if total and received != total:
            raise OSError(f"connection closed after {received} of {total} bytes")
    return digest.hexdigest()


def download_split(split: str, data_dir: Path, **kwargs) -> list[Path]:
    """Download the split's image and label files (skipping ones already there)."""
    paths = []
    for stem in SPLIT_FILES[split]:
        name = stem + ".gz"
        existing = data_dir / name
        paths.append(existing if existing.is_file() else download_file(name, data_dir, **kwargs))
    return paths
