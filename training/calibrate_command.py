"""``python -m training calibrate`` and ``replay``: a finished network's temperature and
threshold fitted again, and the replay set the app adapts beside."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from training.data import load_split
from training.finish import tune
from training.output_dir import OutputError, check_output_dir
from training.progress import say
from training.recipe import pick_device
from training.recipe_data import training_and_validation
from training.report import readable_metrics, write_metrics
from training.splits import mnist_validation_split


def cmd_calibrate(args: argparse.Namespace) -> int:
    ckpt = load_checkpoint(args.checkpoint)
    if ckpt.resume is not None:
        raise CheckpointError(f"{args.checkpoint}: training is unfinished; finish or resume it before calibrating")
    # Both checked before the half minute of work: the checkpoint is rewritten in place (through
    # a link, in its target's folder), and metrics.json beside it kept in step (a damaged or
    # read-only one stopped the command after the rewrite, saying it had failed).
    check_output_dir(Path(os.path.realpath(args.checkpoint)).parent, files=())
    metrics_path = args.checkpoint.with_name("metrics.json")
    metrics, why = readable_metrics(metrics_path)
    if metrics is not None and args.checkpoint.name != "model.pt":
        metrics, why = None, "it describes the model.pt beside it"  # train and refit-tail write them in pairs
    if metrics is None and metrics_path.exists():
        say(f"warning: {metrics_path} is left as it is: {why}")
    if metrics is not None:
        try:
            with open(metrics_path, "r+b"):
                pass
        except OSError as exc:
            raise OutputError(
                f"{metrics_path} cannot be rewritten ({exc.strerror or exc}); nothing was changed"
            ) from exc
    device = pick_device(None)
    _, validation = training_and_validation(load_split("train"))
    tuned, _ = tune(ckpt.model.to(device), device, validation, load_split("test"))
    save_checkpoint(args.checkpoint, ckpt.model, {**ckpt.meta, **tuned})
    if metrics is not None:
        write_metrics(metrics_path, {**metrics, **tuned})
    print(json.dumps(tuned, allow_nan=False))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from training.pendigits import TRAIN_WRITERS, by_writers, read_pendigits
    from training.replay import build_replay

    if args.out.is_dir() or (args.out.exists() and not args.out.is_file()):  # found after 11 s of work (a review)
        raise OutputError(f"--out {args.out} is not a file: give the .npz file to write")
    check_output_dir(Path(os.path.realpath(args.out)).parent, files=())
    train_part, _ = mnist_validation_split(load_split("train"))  # never the validation or test part
    build_replay(train_part, by_writers(read_pendigits(), TRAIN_WRITERS), args.out)
    say(f"wrote {args.out}")
    return 0


__all__ = ["cmd_calibrate", "cmd_replay"]
