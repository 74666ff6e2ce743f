"""Saving and loading weights with the metadata that explains them.

A checkpoint is ``{"format", "model": state_dict, "model_args": ModelConfig,
"meta": {...}}`` (nanoGPT's layout), plus ``"resume"`` while training is
unfinished. Loading uses ``weights_only=True`` so a checkpoint cannot run
code, and every way a file can be wrong becomes a :class:`CheckpointError`
that says what is wrong in words a user can act on.

Nothing in the file is trusted before it is checked: ``model_args`` are
bounded and compared with the tensors' shapes on the meta device (no memory
is allocated for a network the weights do not fit), weights and temperature
must be finite, and torch's own error text is never passed on, because for
an unreadable file it advises the unsafe ``weights_only=False``.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import re
import stat
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from mnist_desk.checkpoint_error import CheckpointError
from mnist_desk.model import ARCHITECTURES, DigitNet, ModelConfig, build_model
from mnist_desk.safe_write import plain_write_mode

FORMAT = "mnist-desk/1"
WHAT_IT_IS = (
    "an mnist-desk checkpoint is the model.pt that `python -m training train` writes: "
    "a PyTorch zip file holding the weights, the architecture (model_args) and metadata"
)
# The largest preset (deep-dropout) is 13 MB; a few thousand kernels per layer is
# already far beyond anything trained here, and bounds what a file can make us allocate.
MAX_CHANNELS = 4096
MAX_FILE_BYTES = 2 << 30
# Probabilities are softmax(logits / T): outside this range T is a damaged value,
# not a calibration (the shipped model's is 0.237).
TEMPERATURE_RANGE = (1e-3, 1e3)
# What a weight may be stored as: the floats torch computes with on any device, and the
# integers of BatchNorm's step counter. Not 8-bit floats (torch cannot even check them).
LOADABLE_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.uint8, torch.int8,
                             torch.int16, torch.int32, torch.int64})  # fmt: skip
# A temporary older than this whose writer cannot be checked is left by a crash.
STALE_TMP_SECONDS = 3600


@dataclass
class LoadedCheckpoint:
    model: DigitNet
    config: ModelConfig
    meta: dict[str, Any]
    path: Path
    resume: dict[str, Any] | None = field(default=None, repr=False)


# --- saving -------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return False  # the caller falls back to the file's age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path | str) -> list[Path]:
    """Delete ``NAME.tmp`` / ``NAME.<pid>.tmp`` left beside ``path`` by a killed save.

    A temporary whose writing process is still alive is kept (it is mid-save).
    Returns the paths removed.
    """
    path = Path(path)
    pattern = re.compile(re.escape(path.name) + r"(?:\.(\d+))?\.tmp")
    removed = []
    if not path.parent.is_dir():
        return removed
    for candidate in path.parent.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match is None:
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if pid == os.getpid():
            continue
        if pid is not None and os.name == "posix" and _pid_alive(pid):
            continue
        if pid is not None and os.name != "posix":
            try:
                if time.time() - candidate.stat().st_mtime < STALE_TMP_SECONDS:
                    continue
            except OSError:
                continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass  # not ours to fight over: the save itself still works
    return removed


def save_checkpoint(
    path: Path | str,
    model: DigitNet,
    meta: dict[str, Any],
    resume: dict[str, Any] | None = None,
) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact.

    The data goes to ``NAME.<pid>.tmp`` first and is renamed into place;
    temporaries a killed earlier save left behind are removed here.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # As a plain write would: through a link (calibrate had replaced the link and left its target
    # as it was), and keeping the old file's permissions (a private checkpoint had become 0644).
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    remove_stale_temporaries(target)
    payload: dict[str, Any] = {
        "format": FORMAT,
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "model_args": model.config.to_dict(),
        # Plain JSON types only: weights_only loading refuses anything else
        # (even torch.__version__, a str subclass).
        "meta": json.loads(json.dumps(meta, default=str)),
    }
    if resume is not None:
        payload["resume"] = resume
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        torch.save(payload, tmp)
        os.chmod(tmp, plain_write_mode(target))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- loading ------------------------------------------------------------------


def _check_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such checkpoint file") from None
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(f"{path}: not a regular file; {WHAT_IT_IS}")
    if info.st_size == 0:
        raise CheckpointError(f"{path}: the file is empty; {WHAT_IT_IS}")
    if info.st_size > MAX_FILE_BYTES:
        raise CheckpointError(f"{path}: {info.st_size / 2**30:.1f} GiB is far larger than any mnist-desk model")
    try:
        with path.open("rb") as f:
            head = f.read(4)
        is_zip = zipfile.is_zipfile(path)
        if is_zip:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(item.file_size for item in archive.infolist())
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise CheckpointError(f"{path}: truncated or damaged checkpoint ({exc})") from exc
    if not is_zip:
        if head == b"PK\x03\x04":
            raise CheckpointError(f"{path}: truncated or damaged checkpoint (the zip file's directory is missing)")
        raise CheckpointError(f"{path}: not an mnist-desk checkpoint; {WHAT_IT_IS}")
    if unpacked > MAX_FILE_BYTES:
        raise CheckpointError(f"{path}: would unpack to {unpacked / 2**30:.1f} GiB, far more than any mnist-desk model")


def load_checkpoint(path: Path | str, map_location: str | torch.device = "cpu") -> LoadedCheckpoint:
    """Load and validate a checkpoint; raise :class:`CheckpointError` saying what is wrong."""
    path = Path(path)
    _check_file(path)
    try:
        with warnings.catch_warnings():
            # torch warns about odd pickle protocols and the like: the file's
            # problems are reported below, as errors, in our own words.
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        # torch names the refused global as "Unsupported global: GLOBAL os.system" or, for a
        # module it blocks outright (os, subprocess...), "unsupported GLOBAL posix.system whose
        # module posix is blocked".
        found = re.search(r"unsupported (?:global: )?GLOBAL ([\w.]+)", str(exc), re.IGNORECASE)
        if found:
            raise CheckpointError(
                f"{path}: refused: it holds Python objects other than weights ({found.group(1)}), "
                "which could run code when loaded; it is not loaded"
            ) from exc
        raise CheckpointError(
            f"{path}: not an mnist-desk checkpoint (its contents are not weights); {WHAT_IT_IS}"
        ) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise CheckpointError(f"{path}: truncated or damaged checkpoint ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - arbitrary bytes fail in arbitrary ways (struct.error, UnicodeDecodeError...)
        raise CheckpointError(
            f"{path}: damaged, or not an mnist-desk checkpoint ({type(exc).__name__}); {WHAT_IT_IS}"
        ) from exc
    return _validate(payload, path)


def _config(model_args: Any, path: Path) -> ModelConfig:
    if not isinstance(model_args, dict):
        raise CheckpointError(f"{path}: 'model_args' must be a mapping, not {type(model_args).__name__}")
    arch = model_args.get("arch")
    if not isinstance(arch, str) or arch not in ARCHITECTURES:
        known = ", ".join(ARCHITECTURES)
        raise CheckpointError(f"{path}: unknown architecture {arch!r} (known: {known})")
    channels = model_args.get("channels", [])
    if not isinstance(channels, list | tuple):
        raise CheckpointError(f"{path}: 'channels' must be a list of kernel counts, not {channels!r:.60}")
    for count in channels:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CHANNELS:
            raise CheckpointError(f"{path}: kernel count {count!r:.40} is not a whole number from 1 to {MAX_CHANNELS}")
    return ModelConfig(arch, tuple(channels))


def _check_weights(state: Any, config: ModelConfig, path: Path) -> None:
    """Compare the tensors with the architecture built on the meta device: no memory is allocated."""
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise CheckpointError(f"{path}: 'model' must map layer names to tensors")
    try:
        with torch.device("meta"):
            skeleton = build_model(config).state_dict()
    except ValueError as exc:
        raise CheckpointError(f"{path}: {exc}") from exc
    mismatch = f"{path}: weights do not match the {config.arch!r} architecture"
    missing = [k for k in skeleton if k not in state]
    unexpected = [k for k in state if k not in skeleton]
    if missing or unexpected:
        detail = f"missing {missing[:3]}" if missing else f"unexpected {unexpected[:3]}"
        raise CheckpointError(f"{mismatch} ({detail})")
    for name, wanted in skeleton.items():
        tensor = state[name]
        if not isinstance(tensor, torch.Tensor):
            raise CheckpointError(f"{mismatch} ({name} is a {type(tensor).__name__}, not a tensor)")
        if tensor.layout != torch.strided or tensor.device.type != "cpu" or tensor.dtype not in LOADABLE_DTYPES:
            # Sparse, meta-device or 8-bit float weights: torch cannot check or use them as the
            # network's weights (a hostile review's crafted files crashed with its own tracebacks).
            kind = f"{tensor.layout}, {tensor.dtype}, on {tensor.device.type}".replace("torch.", "")
            raise CheckpointError(f"{mismatch} ({name} is not a plain tensor of numbers: {kind})")
        if tensor.shape != wanted.shape:
            raise CheckpointError(
                f"{mismatch} ({name}: the file has {list(tensor.shape)}, the architecture needs {list(wanted.shape)})"
            )
        if tensor.dtype.is_floating_point != wanted.dtype.is_floating_point:
            raise CheckpointError(f"{mismatch} ({name} holds {tensor.dtype}, expected {wanted.dtype})")
        if tensor.dtype.is_floating_point and not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(
                f"{path}: weight {name} holds NaN or infinite values (training diverged, or the file is damaged)"
            )


def _finite(value: int | float) -> bool:
    """Whether a number is finite as a float (an int too large for a float is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _short(value: Any) -> str:
    """A value for a message, at most 40 characters (a 300-digit number is not worth printing)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_temperature(temperature: Any, path: Path | str) -> float:
    """The meta temperature as a float, or :class:`CheckpointError` if it is not a sane one."""
    low, high = TEMPERATURE_RANGE
    if isinstance(temperature, bool) or not isinstance(temperature, int | float):
        raise CheckpointError(f"{path}: meta 'temperature' must be a number, not {_short(temperature)}")
    if not (_finite(temperature) and low <= temperature <= high):
        raise CheckpointError(f"{path}: meta 'temperature' {_short(temperature)} is outside {low:g}..{high:g}")
    return float(temperature)


def check_reject_threshold(reject: Any, path: Path | str) -> float | None:
    """The "not a digit" threshold of the meta (on the logits' log-sum-exp), None when absent."""
    if reject is None:
        return None
    threshold = reject.get("threshold") if isinstance(reject, dict) else reject
    score = reject.get("score", "logsumexp") if isinstance(reject, dict) else "logsumexp"
    if score != "logsumexp":
        raise CheckpointError(f"{path}: meta 'reject' uses a score this version does not know ({score!r:.40})")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not _finite(threshold):
        raise CheckpointError(f"{path}: meta 'reject' threshold must be a finite number, not {_short(threshold)}")
    return float(threshold)


def _validate(payload: Any, path: Path) -> LoadedCheckpoint:
    if not isinstance(payload, dict) or "model" not in payload or "model_args" not in payload:
        raise CheckpointError(
            f"{path}: not an mnist-desk checkpoint (expected 'model' and 'model_args'; "
            "a bare state_dict does not say which architecture it belongs to)"
        )
    if payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: unsupported checkpoint format {payload.get('format')!r:.60}")
    config = _config(payload["model_args"], path)
    _check_weights(payload["model"], config, path)
    meta = payload.get("meta") if isinstance(payload.get("meta"), dict) else {}
    check_temperature(meta.get("temperature", 1.0), path)
    check_reject_threshold(meta.get("reject"), path)
    resume = payload.get("resume")
    if resume is not None and not isinstance(resume, dict):
        raise CheckpointError(f"{path}: its training state is damaged ('resume' is a {type(resume).__name__})")
    model = build_model(config)
    try:
        model.load_state_dict(payload["model"])
    except (RuntimeError, TypeError, AttributeError) as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"{path}: weights do not match the {config.arch!r} architecture ({first_line})") from exc
    model.eval()
    return LoadedCheckpoint(model, config, meta, path, resume)
