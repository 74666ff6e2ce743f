"""The replay set as the adapted stages see it, kept between runs, one file per network.

``mnist-desk predict --examples`` adapts once per process, and running the
bundled replay set (2,000 digits, 1,000 non-digits) through the network's first
stages took 1.2 s of its 3 s: the same numbers every time for the same network.
They are kept in the user cache folder (38 MB for the shipped network), named
by a digest of everything they are computed from, so a retrained network, a new
replay file or another torch never finds a stale file. A file is used only when
it is whole (its digest) and a few of its rows are what the network computes
now; anything else (missing, cut short, damaged, foreign, a link or a FIFO) is
computed again and replaced. A cache that cannot be written costs the next run
its speed, never this run its answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from mnist_desk.examples import Replay, replay_features, tail_of, tail_start, trunk_features
from mnist_desk.safe_write import replace_whole

# Raise when what is stored, or how it is computed, changes: old files are then never read.
FORMAT = 1
# Networks whose features are kept (the newest); each file is about 38 MB.
KEEP = 3
SUFFIX = ".replay.pt"


def default_cache_dir() -> Path:
    """``replay-features`` in the user cache folder (where the MNIST cache lives too)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mnist-desk")) / "replay-features"


def cache_key(model: torch.nn.Module, replay: Replay) -> str:
    """A digest of the network's weights and buffers, the replay images, torch and the format."""
    digest = hashlib.sha256(f"{FORMAT} {torch.__version__} {tail_start(model)}".encode())
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    device = next(model.parameters()).device.type
    digest.update(device.encode())
    for array in (replay.digits, replay.labels, replay.negatives):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:32]


def cached_replay_features(model: torch.nn.Module, replay: Replay, cache_dir: Path) -> Replay:
    """:func:`~mnist_desk.examples.replay_features`, read from ``cache_dir`` when computed before."""
    if replay.as_features:
        return replay
    path = cache_dir / f"{cache_key(model, replay)}{SUFFIX}"
    stored = _read(path, replay, model)
    if stored is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # the newest are kept
        return stored
    features = replay_features(model, replay)
    _write(path, features)
    return features


def cached_in(cache_dir: Path) -> Callable[[torch.nn.Module, Replay], Replay]:
    """``features_of`` for an :class:`~mnist_desk.examples.Adapter` that keeps them in ``cache_dir``."""
    return functools.partial(cached_replay_features, cache_dir=cache_dir)


# --- reading: anything but our own whole file is computed again ---------------------------------

NAMES = ("digits", "negatives", "digit_scores", "negative_scores")
SAMPLES = 8  # rows of each kind computed again and compared when a file is read


def _read(path: Path, replay: Replay, model: torch.nn.Module) -> Replay | None:
    """The features stored at ``path`` if they are whole and are what ``model`` computes for
    ``replay``; None otherwise (missing, cut short, damaged, foreign: they are computed again)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # a FIFO would block the read; a link is not a file we wrote
        saved = torch.load(path, map_location="cpu", weights_only=True)
        return _checked(saved, replay, model)
    except Exception:  # a file that is not ours in any of a hundred ways: compute them again
        return None


def _checked(saved: object, replay: Replay, model: torch.nn.Module) -> Replay | None:
    if not isinstance(saved, dict) or not all(isinstance(saved.get(name), torch.Tensor) for name in NAMES):
        return None
    digits, negatives, digit_scores, negative_scores = (saved[name] for name in NAMES)
    for tensor in (digits, negatives, digit_scores, negative_scores):
        # Dense, in order, float32: an expanded tensor can claim terabytes while storing one number.
        if tensor.layout != torch.strided or tensor.dtype != torch.float32 or not tensor.is_contiguous():
            return None
    if saved.get("sha256") != _digest(digits, negatives, digit_scores, negative_scores):
        return None  # damaged since it was written
    # What the network computes now, for a few rows of each: the same shapes and values.
    for stored, scores, images in (
        (digits, digit_scores, replay.digits),
        (negatives, negative_scores, replay.negatives),
    ):
        if len(stored) != len(images) or scores.shape != (len(images),):
            return None
        if not len(images):
            continue
        rows = np.unique(np.linspace(0, len(images) - 1, SAMPLES).astype(int))
        fresh = trunk_features(model, np.asarray(images)[rows].astype(np.float32) / 255.0)
        if stored.shape[1:] != fresh.shape[1:] or not torch.allclose(stored[rows], fresh, rtol=1e-4, atol=1e-4):
            return None
        with torch.no_grad():
            fresh_scores = torch.logsumexp(tail_of(model)(stored[rows]), 1)
        if not torch.allclose(scores[rows], fresh_scores, rtol=1e-4, atol=1e-4):
            return None
    labels = torch.as_tensor(np.asarray(replay.labels)).long()
    return Replay(digits, labels, negatives, (digit_scores, negative_scores))


def _digest(*tensors: torch.Tensor) -> str:
    digest = hashlib.sha256()
    for tensor in tensors:
        digest.update(str(tuple(tensor.shape)).encode())
        digest.update(memoryview(tensor.numpy()).cast("B"))
    return digest.hexdigest()


# --- writing ---------------------------------------------------------------------------------


def _write(path: Path, features: Replay) -> None:
    assert features.scores is not None
    tensors = (features.digits, features.negatives, *features.scores)
    tensors = tuple(t.contiguous() for t in tensors)
    buffer = io.BytesIO()
    torch.save({**dict(zip(NAMES, tensors, strict=True)), "sha256": _digest(*tensors)}, buffer)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A link there is replaced, never written through; no fsync: a file cut short fails its digest.
        replace_whole(path, buffer.getvalue(), through_links=False, durable=False)
        _prune(path.parent, keep=path)
    except OSError:
        pass  # an unwritable cache costs the next run its speed, not this one


TEMPORARY = ".tmp"  # replace_whole's temporaries: .<name>.<random>.tmp
STALE_SECONDS = 3600  # a temporary this old was left by a killed run, not one writing now


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP most recently used files (``keep`` always stays), and the
    temporaries of runs killed while writing (38 MB each, never read)."""
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: (p == keep, _used(p)), reverse=True)
    stale = [p for p in folder.glob(f".*{SUFFIX}.*{TEMPORARY}") if time.time() - _used(p) > STALE_SECONDS]
    for old in files[KEEP:] + stale:
        with contextlib.suppress(OSError):
            old.unlink()


def _used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


__all__ = ["KEEP", "cache_key", "cached_in", "cached_replay_features", "default_cache_dir"]
