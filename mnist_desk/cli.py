"""mnist-desk [gui] | predict | info | --self-test | --version."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from mnist_desk import __version__
from mnist_desk.checkpoint import CheckpointError
from mnist_desk.digit_csv import DataError, parse_csv
from mnist_desk.preprocess import EmptyImageError, ImageError, load_image, preprocess

# Preprocess this many files, then run them through the network in one batch:
# a batch of 256 costs about as much as a handful of single forwards.
CHUNK = 256


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mnist-desk", description="Draw a digit and watch a CNN read it.")
    parser.add_argument("--version", action="version", version=f"mnist-desk {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check the model and the window without a screen, then exit"
    )
    sub = parser.add_subparsers(dest="command")
    fmt = argparse.ArgumentDefaultsHelpFormatter

    gui = sub.add_parser("gui", help="open the window (the default)", formatter_class=fmt)
    gui.add_argument("--checkpoint", type=Path, help="weights to load (default: the bundled model)")

    predict = sub.add_parser("predict", help="classify image files", formatter_class=fmt)
    predict.add_argument("images", nargs="*", type=Path, help="image files (PNG, JPEG, BMP, ...)")
    predict.add_argument("--json", action="store_true", help="one JSON object per line")
    predict.add_argument("--checkpoint", type=Path, help="weights to load (default: the bundled model)")
    predict.add_argument("--csv", type=Path, help="a Kaggle-style CSV of 28x28 digits to classify")
    predict.add_argument("--out", type=Path, help="with --csv: write an ImageId,Label submission here")

    info = sub.add_parser("info", help="print the model, its metadata and the device", formatter_class=fmt)
    info.add_argument("--checkpoint", type=Path, help="weights to describe (default: the bundled model)")
    return parser


def _load_predictor(checkpoint: Path | None):
    from mnist_desk.inference import Predictor  # torch import is slow: only when needed

    return Predictor(checkpoint)


def _prepare(paths: list[Path]) -> Iterator[tuple[Path, np.ndarray | None, str | None]]:
    for path in paths:
        try:
            yield path, preprocess(load_image(path)), None
        except (ImageError, EmptyImageError) as exc:
            yield path, None, str(exc)


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cmd_predict(args: argparse.Namespace) -> int:
    if args.csv is not None:
        return _predict_csv(args)
    if not args.images:
        print("error: give image files, or --csv FILE", file=sys.stderr)
        return 2
    predictor = _load_predictor(args.checkpoint)
    failed = 0
    for chunk in _chunks(_prepare(args.images), CHUNK):
        good = [inp for _, inp, _ in chunk if inp is not None]
        probs = iter(predictor.probabilities(np.stack(good)) if good else [])
        for path, inp, error in chunk:
            if inp is None:
                failed += 1
                record: dict[str, Any] = {"file": str(path), "digit": None, "error": error}
            else:
                p = next(probs)
                record = {"file": str(path), "digit": int(p.argmax()), "probabilities": [round(float(v), 6) for v in p]}
            _print_record(record, args.json)
    return 1 if failed else 0


def _print_record(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(record), flush=False)
    elif record["digit"] is None:
        print(f"{record['file']}: error: {record['error']}")
    else:
        print(f"{record['file']}: {record['digit']} ({max(record['probabilities']) * 100:.1f} %)")


def _predict_csv(args: argparse.Namespace) -> int:
    try:
        images, _ = parse_csv(args.csv.read_bytes(), str(args.csv))
    except OSError as exc:
        raise DataError(f"{args.csv}: cannot read ({exc.strerror})") from exc
    predictor = _load_predictor(args.checkpoint)
    # Kaggle's digits are MNIST already (centred 28x28, white on black): no preprocessing.
    labels = predictor.probabilities(images.astype(np.float32) / 255.0).argmax(1)
    out = sys.stdout if args.out is None else args.out.open("w", newline="")
    try:
        writer = csv.writer(out)
        writer.writerow(["ImageId", "Label"])
        writer.writerows((i + 1, int(label)) for i, label in enumerate(labels))
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out is not None:
        print(f"wrote {len(labels)} predictions to {args.out}", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    predictor = _load_predictor(args.checkpoint)
    print(json.dumps({"checkpoint": str(predictor.path), "arch": predictor.arch, "device": predictor.device_name,
                      "feature_stages": predictor.feature_stages, "meta": predictor.meta}, indent=2, default=str))  # fmt: skip
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from mnist_desk.ui.app import run_app

    return run_app(getattr(args, "checkpoint", None))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from mnist_desk.self_test import run_self_test

        return run_self_test()
    commands = {"predict": cmd_predict, "info": cmd_info, "gui": cmd_gui, None: cmd_gui}
    try:
        return commands[args.command](args)
    except (CheckpointError, DataError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
