"""python -m training {train, evaluate, calibrate, replay, summary}  (also the ``mnist-desk-train`` script)."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

import torch
import torch.distributed as dist

from mnist_desk.checkpoint import (
    MAX_CHANNELS,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from mnist_desk.cli_help import DefaultsWhereUseful
from mnist_desk.model import ARCHITECTURES, ModelConfig, build_model, layer_table
from mnist_desk.resources import bundled_model_path
from training.arg_types import (
    MOST_DRAWINGS,
    MOST_PEN_RENDERS,
    SEED,
    non_negative_number,
    positive_number,
    share,
    whole_number,
)
from training.calibrate_command import cmd_calibrate, cmd_replay
from training.data import (
    DataError,
    default_cache_dir,
    describe_source,
    find_idx_pair,
    load_split,
    read_idx_pair,
)
from training.finish import tune
from training.output_dir import check_not_losing_a_run, check_output_dir
from training.progress import ProgressBar, say
from training.recipe_data import training_and_validation, training_set
from training.recipe_options import recipe_from_args
from training.refit_command import cmd_refit_tail, libraries
from training.report import confusion_matrix, evaluation_summary, write_metrics, write_report_png
from training.resume import validate_resume
from training.tail_refit import refit_tail
from training.train import EpochResult, Trainer, pick_device, predict_all


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    fmt = DefaultsWhereUseful

    train = sub.add_parser("train", help="train a network on MNIST", formatter_class=fmt)
    train.add_argument("--arch", default="default", choices=list(ARCHITECTURES), help="architecture preset")
    channels = whole_number(1, MAX_CHANNELS)
    train.add_argument("--channels", type=channels, nargs="+", help="conv kernel counts (default: the preset's)")
    train.add_argument("--epochs", type=whole_number(1), help="epochs (default: the preset's recipe)")
    train.add_argument(
        "--batch-size", type=whole_number(1), help="batch size per process (default: the preset's recipe)"
    )
    train.add_argument("--lr", type=positive_number, help="peak learning rate (default: the preset's recipe)")
    train.add_argument("--seed", type=SEED, default=0, help="seed for weights, shuffling and augmentation")
    train.add_argument("--out", type=Path, default=Path("runs/latest"), help="output directory")
    train.add_argument("--resume", type=Path, help="continue an interrupted run from its checkpoint")
    train.add_argument("--device", choices=["cpu", "cuda"], help="default: cuda when available, else cpu")
    train.add_argument("--data-dir", type=Path, help="IDX files or download target (default: user cache dir)")
    train.add_argument("--train-subset", type=whole_number(1), help="use only the first N training images")
    train.add_argument(
        "--drawn",
        type=whole_number(0, MOST_DRAWINGS),
        help="synthetic canvas drawings to add (default: the preset's recipe)",
    )
    train.add_argument(
        "--pen-renders",
        type=whole_number(0, MOST_PEN_RENDERS),
        help="drawings of each training writer's pen digit (default: the preset's)",
    )
    train.add_argument(
        "--pen-variety", type=non_negative_number,
        help="change each pen digit's strokes first, as another writer might (1 = the designed amount; default: 0)",
    )  # fmt: skip
    train.add_argument(
        "--additions-per-epoch", type=share,
        help="share of the pen digits, non-digits and pairs each epoch draws afresh, at most 1 (default: the preset's)",
    )  # fmt: skip
    train.add_argument(
        "--pen-weight", type=positive_number,
        help="weight of the pen digits' cross-entropy against MNIST's (default: 1)",
    )  # fmt: skip
    train.add_argument(
        "--negatives",
        type=whole_number(0, MOST_DRAWINGS),
        help="non-digit drawings trained towards 'unsure' (default: the preset's)",
    )
    train.add_argument(
        "--pairs",
        type=whole_number(0, MOST_DRAWINGS),
        help="two-digit drawings trained towards 'unsure' (default: the preset's)",
    )
    train.add_argument(
        "--turned",
        type=whole_number(0, MOST_DRAWINGS),
        help="pen digits mirrored or turned, trained towards 'unsure' (default: 0)",
    )
    train.add_argument(
        "--straddles", type=whole_number(0, MOST_DRAWINGS),
        help="strips from inside one pen digit to inside the next, trained towards 'unsure' (default: the preset's)",
    )  # fmt: skip
    train.add_argument(
        "--overlays", type=whole_number(0, MOST_DRAWINGS),
        help="two pen digits written over each other, trained towards 'unsure' (default: 0)",
    )  # fmt: skip
    train.add_argument(
        "--outlier-weight", type=positive_number,
        help="weight of the 'unsure' target for non-digits and pairs (default: the preset's)",
    )  # fmt: skip
    train.add_argument(
        "--energy-weight", type=non_negative_number,
        help="weight of a squared hinge on the log-sum-exp: digits above, non-digits below (default: 0, off)",
    )  # fmt: skip
    train.add_argument(
        "--glyph-negatives", action="store_true", default=None,
        help="add the Hershey fonts' symbols, Greek letters and kana to the non-digits",
    )  # fmt: skip
    train.add_argument(
        "--tail-steps", type=whole_number(0),
        help="after the epochs, steps refitting conv4 and the final layer with the pen digits (default: the preset's; 0: none)",
    )  # fmt: skip
    train.add_argument("--dry-run", action="store_true", help="one epoch on 512 images, to check the set-up")

    evaluate = sub.add_parser("evaluate", help="accuracy on the 10,000 MNIST test images, as JSON", formatter_class=fmt)
    evaluate.add_argument("--checkpoint", type=Path, help="default: the bundled weights")
    evaluate.add_argument("--data-dir", type=Path, help="a folder with the IDX test files (default: offline package)")

    calibrate = sub.add_parser(
        "calibrate",
        help="refit the probability temperature and the 'not a digit' threshold of a checkpoint (rewrites it)",
        formatter_class=fmt,
    )
    calibrate.add_argument("--checkpoint", type=Path, required=True, help="the checkpoint to calibrate in place")

    refit = sub.add_parser(
        "refit-tail",
        help="refit conv4 and the final layer of a trained network with the pen digits weighed as MNIST "
        "(the default recipe's last stage), then its temperature and threshold",
        formatter_class=fmt,
    )
    refit.add_argument("--checkpoint", type=Path, required=True, help="a finished checkpoint of the default recipe")
    refit.add_argument("--out", type=Path, required=True, help="folder for the new model.pt and metrics.json")

    replay = sub.add_parser(
        "replay", help="build the replay set the app adapts beside (resources/replay.npz)", formatter_class=fmt
    )
    replay.add_argument("--out", type=Path, default=Path("resources/replay.npz"), help="where to write it")

    summary = sub.add_parser("summary", help="print a layer table", formatter_class=fmt)
    summary.add_argument("--arch", default="default", choices=list(ARCHITECTURES), help="architecture preset")
    summary.add_argument("--channels", type=channels, nargs="+", help="conv kernel counts (default: the preset's)")
    return parser


def cmd_summary(args: argparse.Namespace) -> int:
    model = build_model(ModelConfig(args.arch, tuple(args.channels or ())))
    rows = layer_table(model)
    print(f"{'layer':<10} {'output shape':<16} {'parameters':>12}")
    print("-" * 40)
    for name, shape, params in rows:
        print(f"{name:<10} {str(list(shape)):<16} {params:>12,}")
    print("-" * 40)
    print(f"{'total':<27} {sum(p for _, _, p in rows):>12,}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    path = args.checkpoint or bundled_model_path()
    ckpt = load_checkpoint(path)
    say(f"evaluating {path} ({ckpt.config.arch})")
    started = time.perf_counter()
    if args.data_dir is not None:
        pair = find_idx_pair(args.data_dir, "test")
        if pair is None:
            raise DataError(f"{args.data_dir}: no t10k-images-idx3-ubyte / t10k-labels-idx1-ubyte (.gz) files")
        say(f"reading {pair[0]} ...")
        test = read_idx_pair(*pair)
    else:
        say("reading the MNIST test images (the offline package is converted the first time: ~10 s) ...")
        test = load_split("test")
    say(f"{describe_source('test', test, args.data_dir)} ({time.perf_counter() - started:.1f} s)")
    device = pick_device(None)
    started = time.perf_counter()
    bar = ProgressBar(len(test), "classifying", unit="images")
    predicted = predict_all(ckpt.model.to(device), test.images, device, progress=bar.update)
    bar.close()
    seconds = time.perf_counter() - started
    say(
        f"classified {len(test):,} images on {device} in {seconds:.1f} s ({len(test) / max(seconds, 1e-9):,.0f} images/s)"
    )
    result = {"checkpoint": str(path), "data": test.source, **evaluation_summary(test.labels, predicted)}
    print(json.dumps(result, allow_nan=False))
    return 0


def _init_distributed(device: torch.device) -> bool:
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend)
    return True


def _check_resume_file(path: Path) -> None:
    """Fail in a second, not after loading the data, when --resume cannot be continued."""
    ckpt = load_checkpoint(path)
    if ckpt.resume is None:
        raise CheckpointError(f"{path}: a finished checkpoint has no training state to resume")
    validate_resume(ckpt.resume, path, tuple(f.name for f in fields(EpochResult)))


# What --dry-run sets itself, whatever the options say (they were overridden without a word).
DRY_RUN_SETS = (
    "epochs",
    "train_subset",
    "drawn",
    "pen_renders",
    "negatives",
    "pairs",
    "turned",
    "straddles",
    "overlays",
)


def cmd_train(args: argparse.Namespace) -> int:
    recipe = recipe_from_args(args)
    check_output_dir(args.out)
    if args.resume:
        _check_resume_file(args.resume)
    else:
        check_not_losing_a_run(args.out, args.dry_run)
    device = pick_device(args.device)
    distributed = _init_distributed(device)
    rank = dist.get_rank() if distributed else 0
    log = functools.partial(print, flush=True) if rank == 0 else (lambda *_: None)
    try:
        started = time.perf_counter()
        train, test = load_split("train", args.data_dir), load_split("test", args.data_dir)
        for split, digits in (("train", train), ("test", test)):
            log(describe_source(split, digits, args.data_dir))
        train, validation = training_and_validation(train, args.dry_run)
        log(f"validation (fits the temperature and the 'not a digit' threshold): {len(validation.mnist):,} MNIST, "
            f"{len(validation.pen):,} pen digits, {len(validation.negatives):,} non-digits")  # fmt: skip
        if args.dry_run:
            train, test = train.subset(512), test.subset(512)
            ignored = [f"--{name.replace('_', '-')}" for name in DRY_RUN_SETS if getattr(args, name) is not None]
            log("dry run: 1 epoch on 512 MNIST images, no drawings added, no last stage"
                + (f" ({', '.join(ignored)} not used)" if ignored else ""))  # fmt: skip
        elif args.train_subset:
            train = train.subset(args.train_subset)
        core = len(train)  # MNIST: every epoch sees all of it; of the additions, a share
        train, data_seconds = training_set(recipe, train, default_cache_dir(), log)
        data_seconds["loading"] = time.perf_counter() - started - sum(data_seconds.values())
        log(
            f"training {recipe.arch} on {len(train):,} images ({train.source}) on {device}, {dist.get_world_size() if distributed else 1} process(es)"
        )
        # After every epoch the table shows MNIST's validation part; the test set is read once, at the end.
        trainer = Trainer(recipe, train, validation.mnist, device, log=log, core=core)
        if args.resume:
            trainer.resume_from(args.resume)
        out: Path = args.out
        ckpt_path = out / "model.pt"
        meta = {
            "arch": recipe.arch,
            "recipe": asdict(recipe),
            "data_source": train.source,
            "data_sha256": trainer.train_sha256,
            "test_sha256": test.sha256(),
            # The canonical spelling (mnist-desk-train and torchrun run the same code).
            "command": " ".join(["python -m training", *args.argv]),
            "device": str(device) if device.type == "cpu" else torch.cuda.get_device_name(device),
            "processes": dist.get_world_size() if distributed else 1,
            "torch": torch.__version__,
            "libraries": libraries(),
        }
        result = trainer.run(ckpt_path, meta)
        if rank != 0 or result.interrupted:
            return 130 if result.interrupted else 0
        if recipe.tail_steps and not args.dry_run:
            meta["tail_refit"] = refit_tail(result.model, train, core, recipe, log)
            data_seconds["tail_refit"] = meta["tail_refit"]["seconds"]
        tuning_started = time.perf_counter()
        tuned, logits = tune(result.model, device, validation, test)
        predicted = logits.argmax(1).numpy()
        evaluation = evaluation_summary(test.labels, predicted)
        meta.update(
            **trainer.weights_meta(),
            **tuned,
            cost_seconds={
                "data": round(data_seconds["loading"], 1),
                **{k: round(v, 1) for k, v in data_seconds.items() if k != "loading"},
                "epochs": round(sum(h.seconds for h in result.history), 1),
                "calibration_and_threshold": round(time.perf_counter() - tuning_started, 1),
            },  # fmt: skip
            epochs=len(result.history),
            test_accuracy=evaluation["accuracy"],
            seconds=round(sum(h.seconds for h in result.history), 1),
            wall_seconds=round(time.perf_counter() - started, 1),
            train_images=len(train),
        )
        save_checkpoint(ckpt_path, result.model, meta)  # finished: no resume state
        write_metrics(out / "metrics.json", {**meta, "history": [asdict(h) for h in result.history], **evaluation})
        matrix = confusion_matrix(test.labels, predicted)
        write_report_png(
            out / "report.png",
            result.history,
            matrix,
            f"{recipe.arch}: {evaluation['accuracy'] * 100:.2f} % on {len(test):,} test images",
        )
        print(f"test accuracy {evaluation['accuracy'] * 100:.2f} % - wrote {ckpt_path}, metrics.json, report.png")
        return 0
    finally:
        if distributed:
            dist.destroy_process_group()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped: the run had
        if hasattr(stream, "reconfigure"):  # written its model, then died on "wrote ..." and exited 2 (a review)
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    args.argv = argv
    commands = {
        "train": cmd_train, "evaluate": cmd_evaluate, "calibrate": cmd_calibrate, "refit-tail": cmd_refit_tail,
        "replay": cmd_replay, "summary": cmd_summary,
    }  # fmt: skip
    try:
        return commands[args.command](args)
    except (DataError, CheckpointError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a folder removed mid-run: say it, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C outside the epochs (which save a checkpoint and say so themselves)
        print(f"interrupted{_resume_hint(args)}", file=sys.stderr)
        return 130


def _resume_hint(args: argparse.Namespace) -> str:
    """After a train interrupted once its epochs are saved: how to finish it (the last stage and
    the temperature fit are redone from the checkpoint); else nothing to add."""
    saved = getattr(args, "out", None) and Path(args.out) / "model.pt"
    if args.command != "train" or not saved or not saved.is_file():
        return ""
    try:
        if load_checkpoint(saved).resume is None:
            return ""
    except (CheckpointError, OSError):
        return ""
    return f": {saved} is saved; finish it with the same options and --resume {saved}"


if __name__ == "__main__":
    sys.exit(main())
