"""``python -m training refit-tail``: the default recipe's last stage (training/tail_refit.py) on a
network trained without it, then its temperature and threshold, as ``train`` ends."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

import numpy as np
import PIL

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from training.data import default_cache_dir, load_split
from training.finish import tune
from training.output_dir import check_output_dir
from training.progress import say
from training.recipe import Recipe, pick_device
from training.recipe_data import training_and_validation, training_set
from training.report import evaluation_summary, readable_metrics, write_metrics
from training.tail_refit import STEPS, refit_tail


def libraries() -> dict[str, str]:
    """The versions that draw the training drawings: another Pillow or numpy draws other pixels,
    and the same code then trains another network (found 2026-11-25, see the README)."""
    return {"numpy": np.__version__, "pillow": PIL.__version__}


def cmd_refit_tail(args: argparse.Namespace) -> int:
    """Write ``args.out``/model.pt and metrics.json: ``args.checkpoint`` with its last stages refitted."""
    ckpt = load_checkpoint(args.checkpoint)
    if ckpt.resume is not None or "tail_refit" in ckpt.meta:
        raise CheckpointError(f"{args.checkpoint}: unfinished, or refitted already")
    check_output_dir(args.out)
    recipe = Recipe(**{**ckpt.meta["recipe"], "tail_steps": STEPS})
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
