"""What an unfinished run must carry so that resuming it changes nothing.

A resumable checkpoint holds, beside the averaged weights the app loads:
the live weights, the weight average, optimizer and scheduler state, every
random number generator (torch, CUDA, numpy, Python and the data generator),
the epoch's data order and how many steps of it were done, and the sums of
the epoch's loss and accuracy so far. Resumed from it, a run produces the same
bits as one never stopped (``tests/test_resume.py`` checks every preset).

Everything is stored as tensors and plain types, so the file still loads
with ``weights_only=True``.
"""

from __future__ import annotations

import contextlib
import math
import random
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mnist_desk.checkpoint import CheckpointError

RESUME_VERSION = 3  # 3: epochs record val_acc (accuracy on the validation part), not test_acc


def capture_rng(generator: torch.Generator) -> dict[str, Any]:
    """Every random state a training step can draw from."""
    np_name, np_keys, np_pos, np_has_gauss, np_gauss = np.random.get_state()
    py_version, py_state, py_gauss = random.getstate()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "generator": generator.get_state(),
        "numpy": {
            "name": str(np_name),
            "keys": torch.from_numpy(np.asarray(np_keys, dtype=np.int64)),
            "pos": int(np_pos),
            "has_gauss": int(np_has_gauss),
            "cached_gaussian": float(np_gauss),
        },
        "python": {"version": int(py_version), "state": list(py_state), "gauss": py_gauss},
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = list(torch.cuda.get_rng_state_all())
    return state


def restore_rng(state: dict[str, Any], generator: torch.Generator | None = None) -> None:
    """Put back what :func:`capture_rng` saw (the data generator only when given)."""
    torch.set_rng_state(state["torch"])
    if generator is not None:
        generator.set_state(state["generator"])
    numpy_state = state["numpy"]
    np.random.set_state(
        (
            numpy_state["name"],
            numpy_state["keys"].numpy().astype(np.uint32),
            numpy_state["pos"],
            numpy_state["has_gauss"],
            numpy_state["cached_gaussian"],
        )
    )
    python_state = state["python"]
    random.setstate((python_state["version"], tuple(python_state["state"]), python_state["gauss"]))
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _require(condition: bool, path: Path | str, what: str) -> None:
    if not condition:
        raise CheckpointError(f"{path}: its training state is damaged ({what}); it cannot be resumed")


def _is_byte_tensor(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.dtype == torch.uint8 and value.dim() == 1


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_rng(rng: dict[str, Any], path: Path | str) -> None:
    """Try the saved generator states for real, then put the current ones back."""
    current = capture_rng(torch.Generator())
    try:
        restore_rng(rng, torch.Generator())
    except (RuntimeError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise CheckpointError(
            f"{path}: its training state is damaged (random generators: {type(exc).__name__}); it cannot be resumed"
        ) from exc
    finally:
        restore_rng(current)


def validate_resume(resume: dict[str, Any], path: Path | str, history_fields: tuple[str, ...]) -> None:
    """Check the structure of a resume state before any of it is used."""
    version = resume.get("version")
    # Compared only as an int: a damaged file may hold anything here, and a
    # tensor's != gives a tensor whose truth is an error, not an answer.
    if not (type(version) is int and version == RESUME_VERSION):
        raise CheckpointError(
            f"{path}: written by an older mnist-desk that did not save the full training state "
            "(live weights, random generators, data order), so it cannot be resumed exactly; "
            "start the run again, or use the file as a finished model"
        )
    for key in ("epoch", "step", "world"):
        value = resume.get(key)
        _require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, path, f"'{key}'")
    _require(isinstance(resume.get("live"), dict), path, "no live weights")
    optimizer = resume.get("optimizer")
    _require(isinstance(optimizer, dict) and {"state", "param_groups"} <= optimizer.keys(), path, "optimizer")
    _require(isinstance(resume.get("scheduler"), dict), path, "scheduler")
    _require(resume.get("ema") is None or isinstance(resume.get("ema"), dict), path, "weight average")
    rng = resume.get("rng")
    _require(isinstance(rng, dict), path, "random generators")
    _require(_is_byte_tensor(rng.get("torch")) and _is_byte_tensor(rng.get("generator")), path, "torch generators")
    numpy_state, python_state = rng.get("numpy"), rng.get("python")
    _require(
        isinstance(numpy_state, dict)
        and isinstance(numpy_state.get("keys"), torch.Tensor)
        and numpy_state["keys"].numel() == 624,
        path,
        "numpy generator",
    )
    _require(
        isinstance(python_state, dict)
        and isinstance(python_state.get("state"), list)
        and all(isinstance(v, int) for v in python_state["state"]),
        path,
        "python generator",
    )
    perm = resume.get("perm")
    _require(
        perm is None or (isinstance(perm, torch.Tensor) and perm.dim() == 1 and perm.dtype == torch.int64),
        path,
        "data order",
    )
    totals = resume.get("totals")
    _require(
        isinstance(totals, dict)
        and all(_is_number(totals.get(k)) and totals[k] >= 0 for k in ("loss", "correct", "seen")),
        path,
        "epoch totals",
    )
    history = resume.get("history")
    _require(
        isinstance(history, list)
        and all(
            isinstance(h, dict)
            and set(h) == set(history_fields)
            # val_acc is NaN for an epoch without a validation pass (Recipe.validate_every)
            and all(_is_number(v) or (k == "val_acc" and isinstance(v, float) and math.isnan(v)) for k, v in h.items())
            for h in history
        ),
        path,
        "history",
    )
    _check_rng(rng, path)
    data = resume.get("data")
    _require(isinstance(data, dict) and isinstance(data.get("sha256"), str), path, "data fingerprint")
    _require(isinstance(resume.get("recipe"), dict), path, "recipe")


def recipe_differences(saved: dict[str, Any], recipe: Any) -> list[str]:
    """'name: saved -> asked' for every recipe field that differs."""
    wanted = asdict(recipe)
    out = []
    for f in fields(recipe):
        now = wanted[f.name]
        if f.name not in saved and now == f.default:
            continue  # a field added since the checkpoint was saved, at its old behaviour
        before = saved.get(f.name)
        if isinstance(now, tuple):
            now, before = list(now), list(before) if isinstance(before, list | tuple) else before
        plain = before is None or isinstance(before, str | int | float | bool | list)
        if not plain or before != now:
            out.append(f"{f.name}: {before!r} in the checkpoint, {now!r} now")
    return out


def check_same_run(
    resume: dict[str, Any],
    path: Path | str,
    meta: dict[str, Any],
    recipe: Any,
    train_sha256: str,
    train_size: int,
    world: int,
    steps_per_epoch: int,
    has_ema: bool,
) -> None:
    """Refuse to continue a run with other options, data or process count (the result would be neither)."""
    differences = recipe_differences(resume["recipe"], recipe)
    if differences:
        command = meta.get("command")
        again = f"; it was started as: {command}" if isinstance(command, str) else ""
        raise ValueError(
            f"{path}: this run's options differ from the interrupted run's ({'; '.join(differences)}); "
            f"resume with the same options{again}"
        )
    if resume["data"]["sha256"] != train_sha256:
        raise ValueError(
            f"{path}: the interrupted run trained on other data ({resume['data'].get('size')} images, "
            f"sha256 {resume['data']['sha256'][:12]}...), this run has {train_size} "
            f"(sha256 {train_sha256[:12]}...): use the same --data-dir, --train-subset and --drawn"
        )
    if resume["world"] != world:
        raise ValueError(f"{path}: started with {resume['world']} process(es), resumed with {world}")
    epoch, step = resume["epoch"], resume["step"]
    if epoch > recipe.epochs or step > steps_per_epoch or (epoch == recipe.epochs and step > 0):
        raise CheckpointError(f"{path}: its training state is damaged (epoch {epoch}, step {step}); cannot resume")
    perm = resume["perm"]
    if step > 0 and (
        perm is None or len(perm) != train_size or not torch.equal(perm.sort().values, torch.arange(train_size))
    ):
        raise CheckpointError(f"{path}: its training state is damaged (data order); cannot resume")
    if has_ema != (resume.get("ema") is not None):
        raise CheckpointError(f"{path}: its training state is damaged (weight average); cannot resume")


def _same_layout(saved: Any, current: Any) -> bool:
    """Whether plain values (numbers, strings, lists, dicts) have the layout and types of ``current``."""
    if isinstance(current, dict):
        return (
            isinstance(saved, dict)
            and saved.keys() == current.keys()
            and all(_same_layout(saved[k], current[k]) for k in current)
        )
    if isinstance(current, list | tuple):
        return (
            isinstance(saved, list | tuple)
            and len(saved) == len(current)
            and all(_same_layout(a, b) for a, b in zip(saved, current, strict=True))
        )
    if isinstance(current, bool) or current is None or isinstance(current, str):
        return type(saved) is type(current)
    if isinstance(current, int | float):
        return _is_number(saved)
    if isinstance(current, torch.Tensor):
        return isinstance(saved, torch.Tensor) and saved.shape == current.shape
    return True


def _check_optimizer(saved: dict[str, Any], optimizer: Any) -> bool:
    """Hyper-parameters of the same kinds, and per-parameter state shaped like its parameter."""
    current = optimizer.state_dict()
    groups = saved["param_groups"]
    if not (
        isinstance(groups, list)
        and all(isinstance(g, dict) and isinstance(g.get("params"), list) for g in groups)
        and _same_layout(
            [{k: v for k, v in g.items() if k != "params"} for g in groups],
            [{k: v for k, v in g.items() if k != "params"} for g in current["param_groups"]],
        )
    ):
        return False
    params = [p for group in optimizer.param_groups for p in group["params"]]
    ids = [i for group in groups for i in group["params"]]
    if len(ids) != len(params) or not all(type(i) is int for i in ids) or not isinstance(saved["state"], dict):
        return False
    shapes = dict(zip(ids, (p.shape for p in params), strict=True))
    for key, state in saved["state"].items():
        if key not in shapes or not isinstance(state, dict):
            return False
        for value in state.values():
            if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape != shapes[key]:
                return False
    return True


def load_training_state(
    resume: dict[str, Any], path: Path | str, model: torch.nn.Module, optimizer: Any, scheduler: Any, ema: Any
) -> None:
    """Load live weights, optimizer, scheduler and average; a misfit is a CheckpointError."""
    misfit = f"{path}: its training state does not fit this run"
    if not _check_optimizer(resume["optimizer"], optimizer):
        raise CheckpointError(f"{misfit} (optimizer state)")
    if not _same_layout(resume["scheduler"], scheduler.state_dict()):
        raise CheckpointError(f"{misfit} (learning-rate schedule)")
    try:
        model.load_state_dict(resume["live"])
        optimizer.load_state_dict(resume["optimizer"])
        scheduler.load_state_dict(resume["scheduler"])
        if ema is not None:
            ema.load_state_dict(resume["ema"])
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{misfit} ({first_line})") from exc


@contextlib.contextmanager
def interrupts_between_steps(defer: Callable[[], bool]) -> Iterator[None]:
    """Route Ctrl-C through ``defer()``: True means "noted, stop after this step", False stops at once.

    So a first Ctrl-C lets the step under way finish and the saved state is
    exactly a step's end; a second one stops at once. Only in the main thread,
    and only when nobody else has claimed SIGINT.
    """
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return

    def on_sigint(signum: int, frame: Any) -> None:
        if not defer():
            raise KeyboardInterrupt
        print("\nCtrl-C: finishing this step, then saving (Ctrl-C again to stop at once)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
