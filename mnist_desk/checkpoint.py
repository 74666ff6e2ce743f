"""Saving and loading weights with the metadata that explains them.

A checkpoint is ``{"format", "model": state_dict, "model_args": ModelConfig,
"meta": {...}}`` (nanoGPT's layout), plus ``"resume"`` while training is
unfinished. Loading uses ``weights_only=True`` so a checkpoint cannot run
code, and every way a file can be wrong becomes a :class:`CheckpointError`
that says what is wrong in words a user can act on.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from mnist_desk.model import DigitNet, ModelConfig, build_model

FORMAT = "mnist-desk/1"


class CheckpointError(ValueError):
    """The file is not a usable mnist-desk checkpoint."""


@dataclass
class LoadedCheckpoint:
    model: DigitNet
    config: ModelConfig
    meta: dict[str, Any]
    path: Path
    resume: dict[str, Any] | None = field(default=None, repr=False)


def save_checkpoint(
    path: Path | str,
    model: DigitNet,
    meta: dict[str, Any],
    resume: dict[str, Any] | None = None,
) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path | str, map_location: str | torch.device = "cpu") -> LoadedCheckpoint:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise CheckpointError(f"{path}: truncated or corrupt checkpoint ({exc})") from exc
    except pickle.UnpicklingError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if "Unsupported global" in line] or [
            str(exc).splitlines()[0]
        ]
        raise CheckpointError(f"{path}: refused: it holds objects other than weights ({lines[0]})") from exc
    except Exception as exc:  # noqa: BLE001 - arbitrary bytes fail in arbitrary ways (struct.error, UnicodeDecodeError...)
        raise CheckpointError(f"{path}: not a PyTorch checkpoint, or damaged ({type(exc).__name__}: {exc})") from exc
    return _validate(payload, path)


def _validate(payload: Any, path: Path) -> LoadedCheckpoint:
    if not isinstance(payload, dict) or "model" not in payload or "model_args" not in payload:
        raise CheckpointError(
            f"{path}: not an mnist-desk checkpoint (expected 'model' and 'model_args'; "
            "a bare state_dict does not say which architecture it belongs to)"
        )
    if payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: unsupported checkpoint format {payload.get('format')!r}")
    try:
        config = ModelConfig.from_dict(payload["model_args"])
        model = build_model(config)
    except ValueError as exc:
        raise CheckpointError(f"{path}: {exc}") from exc
    try:
        model.load_state_dict(payload["model"])
    except (RuntimeError, TypeError, AttributeError) as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"{path}: weights do not match the {config.arch!r} architecture ({first_line})") from exc
    model.eval()
    meta = payload.get("meta") if isinstance(payload.get("meta"), dict) else {}
    temperature = meta.get("temperature", 1.0)
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 < temperature < math.inf:
        raise CheckpointError(f"{path}: meta 'temperature' must be a positive number, not {temperature!r}")
    return LoadedCheckpoint(model, config, meta, path, payload.get("resume"))
