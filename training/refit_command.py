"""``python -m training refit-tail``: the default recipe's last stage (training/tail_refit.py) on a
network trained without it, then its temperature and threshold, as ``train`` ends."""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import PIL

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from training.data import default_cache_dir, load_split
from training.finish import tune
from training.output_dir import OutputError, check_output_dir
from training.progress import say
from training.recipe import Recipe, pick_device
from training.recipe_data import training_and_validation, training_set
from training.report import evaluation_summary, readable_metrics, write_metrics
from training.tail_refit import STEPS, refit_tail


def libraries() -> dict[str, str]:
    """The versions that draw the training drawings: another Pillow or numpy draws other pixels,
    and the same code then trains another network (found 2026-11-25, see the README)."""
    return {"numpy": np.__version__, "pillow": PIL.__version__}


def recipe_from_meta(meta: dict[str, Any], path: Path) -> Recipe:
    """The recipe a checkpoint was trained with, as this version reads recipes; a missing,
    foreign or damaged one is a :class:`CheckpointError` before any data is loaded (it had been
    a KeyError or TypeError traceback, some after the data)."""
    saved = meta.get("recipe")
    if not isinstance(saved, dict):
        raise CheckpointError(f"{path}: its metadata holds no training recipe to refit with")
    unknown = sorted(set(saved) - {f.name for f in dataclasses.fields(Recipe)})
    if unknown:
        raise CheckpointError(f"{path}: its recipe has fields this version does not know: {', '.join(unknown)}")
    defaults = Recipe()
    for name, value in saved.items():
        default = getattr(defaults, name)
        expected = (int, float) if isinstance(default, float) else type(default)
        if isinstance(default, tuple):
            expected = (list, tuple)
        wrong = not isinstance(value, expected) or (isinstance(value, bool) and not isinstance(default, bool))
        if wrong or (isinstance(value, list | tuple) and not all(type(v) is int for v in value)):
            kind = {int: "whole number", float: "number", str: "text", bool: "true or false"}.get(
                type(default), "list of whole numbers"
            )
            raise CheckpointError(f"{path}: its recipe's {name} is {value!r}, not a {kind}")
    values = {**saved, "channels": tuple(saved.get("channels", ()))}
    return Recipe(**values)


def cmd_refit_tail(args: argparse.Namespace) -> int:
    """Write ``args.out``/model.pt and metrics.json: ``args.checkpoint`` with its last stages refitted."""
    ckpt = load_checkpoint(args.checkpoint)
    if ckpt.resume is not None or "tail_refit" in ckpt.meta:
        raise CheckpointError(f"{args.checkpoint}: unfinished, or refitted already")
    if args.out.resolve() == args.checkpoint.resolve().parent:
        # It replaced the network it refits, and left the old report.png beside the new one.
        raise OutputError(
            f"--out {args.out} holds {args.checkpoint.name}: write the refitted network to another folder"
        )
    recipe = dataclasses.replace(recipe_from_meta(ckpt.meta, args.checkpoint), tail_steps=STEPS)
    if not recipe.pen_renders:
        raise CheckpointError(
            f"{args.checkpoint}: its recipe drew no pen digits (pen_renders 0), which the stage refits with"
        )
    check_output_dir(args.out)
    train, validation = training_and_validation(load_split("train"))
    core = len(train)
    train, _ = training_set(recipe, train, default_cache_dir(), say)
    device = pick_device(None)
    refitted = refit_tail(ckpt.model, train, core, recipe, say)
    test = load_split("test")
    tuned, logits = tune(ckpt.model.to(device), device, validation, test)
    evaluation = evaluation_summary(test.labels, logits.argmax(1).numpy())
    refitted["command"] = " ".join(["python -m training", *args.argv])
    refitted["libraries"] = libraries()
    meta = {**ckpt.meta, **tuned, "recipe": asdict(recipe), "tail_refit": refitted,
            "test_accuracy": evaluation["accuracy"]}  # fmt: skip
    save_checkpoint(args.out / "model.pt", ckpt.model, meta)
    trained, _ = readable_metrics(args.checkpoint.with_name("metrics.json"))  # its epochs' history, if beside it
    write_metrics(args.out / "metrics.json", {**(trained or {}), **meta, **evaluation})
    print(json.dumps({"tail_refit": refitted, **tuned, "test_accuracy": evaluation["accuracy"]}, allow_nan=False))
    return 0
