"""The replay set as the adapted stages see it, kept between runs, one file per network.

``mnist-desk predict --examples`` adapts once per process, and running the
bundled replay set (2,000 digits, 1,000 non-digits) through the network's first
stages took 1.2 s of its 3 s: the same numbers every time for the same network.
They are kept in the user cache folder (38 MB for the shipped network), named
by a digest of everything they are computed from, so a retrained network, a new
replay file or another torch never finds a stale file. A missing, unreadable or
foreign file is computed again and replaced; a cache that cannot be written
costs the next run its speed, never this run its answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from mnist_desk.examples import Replay, replay_features, tail_start
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
    stored = _read(path, replay)
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


def _read(path: Path, replay: Replay) -> Replay | None:
    """The features stored at ``path`` if they are whole and fit ``replay``; None otherwise."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        digits, negatives = saved["digits"], saved["negatives"]
        scores = (saved["digit_scores"], saved["negative_scores"])
    except Exception:  # missing, truncated, not ours: compute them again
        return None
    tensors = (digits, negatives, *scores)
    if not all(isinstance(t, torch.Tensor) and t.dtype == torch.float32 for t in tensors):
        return None
    counts = (len(replay.digits), len(replay.negatives), len(replay.digits), len(replay.negatives))
    if tuple(len(t) for t in tensors) != counts or digits.shape[1:] != negatives.shape[1:]:
        return None
    if not all(bool(torch.isfinite(t).all()) for t in tensors):
        return None
    labels = torch.as_tensor(np.asarray(replay.labels)).long()
    return Replay(digits, labels, negatives, scores)


def _write(path: Path, features: Replay) -> None:
    assert features.scores is not None
    buffer = io.BytesIO()
    torch.save(
        {
            "digits": features.digits,
            "negatives": features.negatives,
            "digit_scores": features.scores[0],
            "negative_scores": features.scores[1],
        },
        buffer,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_whole(path, buffer.getvalue())
        _prune(path.parent, keep=path)
    except OSError:
        pass  # an unwritable cache costs the next run its speed, not this one


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP most recently used files (``keep`` always stays)."""
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: (p == keep, _used(p)), reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


__all__ = ["KEEP", "cache_key", "cached_in", "cached_replay_features", "default_cache_dir"]
