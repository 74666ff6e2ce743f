"""mnist-desk [gui] | predict | info | --self-test | --version."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from mnist_desk import __version__
from mnist_desk.checkpoint_error import CheckpointError  # not checkpoint: it imports torch
from mnist_desk.cli_help import DefaultsWhereUseful
from mnist_desk.cli_output import (
    OutputError,
    display,
    flush_stdout,
    output_target,
    read_input_file,
    reserve_output,
    without_path,
    write_line,
)
from mnist_desk.digit_csv import DataError, parse_csv
from mnist_desk.image_file import frame_count, source_size
from mnist_desk.nearest_example import as_record, nearest_examples, read_with_nearest
from mnist_desk.preprocess import EmptyImageError, ImageError, load_image, preprocess
from mnist_desk.side_by_side import SURE_ANSWER, side_by_side_in_pixels

# Preprocess this many files, then run them through the network in one batch:
# a batch of 256 costs about as much as a handful of single forwards.
CHUNK = 256
CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t"}
# Exit codes besides 0 (all read), 1 (some file could not be read) and 2 (an error): what
# a shell reports for a program ended by SIGPIPE or Ctrl-C, so scripts can tell them apart.
SIGPIPE_EXIT = 141
INTERRUPTED_EXIT = 130
# A bug: not 1, which says some file could not be read, so that a script can tell them apart.
INTERNAL_ERROR_EXIT = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mnist-desk", description="Draw a digit and watch a CNN read it.")
    parser.add_argument("--version", action="version", version=f"mnist-desk {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check the model and the window without a screen, then exit"
    )
    parser.add_argument(
        "--lang", choices=["zh_CN", "en"],
        help="language of the window (default: $MNIST_DESK_LANG, the View > Language choice, then the system's)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command")
    fmt = DefaultsWhereUseful

    gui = sub.add_parser("gui", help="open the window (the default)", formatter_class=fmt)
    gui.add_argument("--checkpoint", type=Path, help="weights to load (default: the bundled model)")

    predict = sub.add_parser("predict", help="classify image files", formatter_class=fmt)
    # Kept as typed (not Path, which makes "./a.png" "a.png"): records name files as the user did.
    predict.add_argument("images", nargs="*", help="image files (PNG, JPEG, BMP, ...)")
    predict.add_argument("--json", action="store_true", help="one JSON object per line")
    predict.add_argument("--checkpoint", type=Path, help="weights to load (default: the bundled model)")
    predict.add_argument("--csv", type=Path, help="a Kaggle-style CSV of 28x28 digits to classify")
    predict.add_argument("--out", type=Path, help="with --csv: write an ImageId,Label submission here")
    predict.add_argument(
        "--number", action="store_true", help="each image holds a number of several digits: read them all"
    )
    predict.add_argument(
        "--no-reject", action="store_true", help="always name a digit, even for drawings that are not digits"
    )
    predict.add_argument(
        "--examples", type=_examples_folder, metavar="DIR",
        help="adapt to labelled examples first: DIR/0 ... DIR/9 holding PNG drawings of that digit",
    )  # fmt: skip

    info = sub.add_parser("info", help="print the model, its metadata and the device", formatter_class=fmt)
    info.add_argument("--checkpoint", type=Path, help="weights to describe (default: the bundled model)")
    return parser


def _load_predictor(checkpoint: Path | None, args: argparse.Namespace | None = None):
    from mnist_desk.inference import Predictor  # torch import is slow: only when needed

    predictor = Predictor(checkpoint)
    if args is not None and getattr(args, "no_reject", False):
        predictor.reject = False
    if args is not None and getattr(args, "examples", None) is not None:
        predictor = _adapt(predictor, args.examples)
    return predictor


def _adapt(predictor: Any, folder: Path) -> Any:
    """The predictor adapted to the examples in ``folder``; what was skipped is said on stderr."""
    from mnist_desk.example_store import ExampleStore
    from mnist_desk.examples import Adapter
    from mnist_desk.replay_cache import cached_in, default_cache_dir

    if not folder.is_dir():
        raise DataError(f"--examples {folder}: not a folder (expected {folder}/0 ... {folder}/9 holding PNGs)")
    examples = ExampleStore(folder).load()
    for message in examples.skipped:
        _warn(message)
    if not len(examples):
        _warn(f"no usable examples in {folder}: reading without them")
        return predictor
    started = time.perf_counter()
    adapted = Adapter(predictor, features_of=cached_in(default_cache_dir())).adapt(examples)
    count = "1 example" if len(examples) == 1 else f"{len(examples)} examples"
    print(f"adapted to {count} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return adapted


def _examples_folder(name: str) -> Path:
    if not name:  # Path("") is the current folder: an unset variable must not adapt to it
        raise argparse.ArgumentTypeError("an empty name, not a folder")
    return Path(name)


def _warn(text: str) -> None:
    """A warning on stderr, one line whatever the file names in it hold."""
    print(f"warning: {display(text).translate(CONTROL_ESCAPES)}", file=sys.stderr)


def _image_path(name: str) -> Path:
    if not name:
        raise ImageError("an empty name, not a file")  # Path("") would be the current folder
    return Path(name)


def _loaded(name: str):
    """The image, with a word on stderr when the file held more than the frame that is read."""
    image = load_image(_image_path(name))
    if frame_count(image) > 1:
        _warn(f"{name}: {frame_count(image)} frames or pages; only the first is read")
    return image


def _prepare(names: list[str]) -> Iterator[tuple[str, np.ndarray | None, str | None]]:
    for path in names:
        try:
            yield path, preprocess(_loaded(path)), None
        except (ImageError, EmptyImageError) as exc:
            yield path, None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one bad file must never cost the others their results
            yield path, None, f"could not be read ({type(exc).__name__}: {exc})"


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Reading = tuple[np.ndarray, bool, Any]  # probabilities, not a digit, the nearest example (or None)


def _read(predictor: Any, batch: np.ndarray) -> list[Reading]:
    """One pass through the network; with --examples it also finds each input's nearest example."""
    probabilities, rejected, likes = read_with_nearest(predictor, batch)
    return list(zip(probabilities, rejected.tolist(), likes, strict=True))


def _readings(predictor: Any, inputs: list[np.ndarray]) -> list[Reading | str]:
    """A reading per input, or an error message for each input whose forward pass failed."""
    if not inputs:
        return []
    try:
        return list(_read(predictor, np.stack(inputs)))
    except Exception:  # noqa: BLE001 - retry one by one, so only the input that fails is lost
        results: list[Reading | str] = []
        for x in inputs:
            try:
                results += _read(predictor, x[None])
            except Exception as exc:  # noqa: BLE001
                results.append(f"the network failed on this image ({type(exc).__name__}: {exc})")
        return results


def cmd_predict(args: argparse.Namespace) -> int:
    if args.csv is not None:
        return _predict_csv(args)
    if args.out is not None:
        print("error: --out goes with --csv (image results are printed)", file=sys.stderr)
        return 2
    if not args.images:
        print("error: give image files, or --csv FILE", file=sys.stderr)
        return 2
    predictor = _load_predictor(args.checkpoint, args)
    if args.number:
        return _predict_numbers(predictor, args)
    failed = 0
    for chunk in _chunks(_prepare(args.images), CHUNK):
        results = iter(_readings(predictor, [inp for _, inp, _ in chunk if inp is not None]))
        for path, inp, error in chunk:
            outcome = next(results) if inp is not None else error
            if isinstance(outcome, tuple) and not np.isfinite(outcome[0]).all():
                outcome = "the network gave non-finite probabilities"
            if isinstance(outcome, tuple):
                probabilities, not_a_digit, like = outcome  # like: with --examples, the example it is most like
                # "Not a digit" is an answer, not a failure: the exit code ignores it.
                record: dict[str, Any] = {
                    "file": display(str(path)),
                    "digit": None if not_a_digit else int(probabilities.argmax()),
                    "not_a_digit": bool(not_a_digit),
                    "probabilities": _rounded(probabilities),
                }
                if like is not None:
                    record["nearest_example"] = as_record(like, display)
                if not_a_digit or probabilities.max() < SURE_ANSWER:
                    _note_several_digits(path)
            else:
                failed += 1
                record = {"file": display(str(path)), "digit": None, "error": display(without_path(path, outcome))}
            _print_record(record, args.json)
    return 1 if failed else 0


def _note_several_digits(name: str) -> None:
    """ "42.png" is one odd digit to the network: say on stderr that --number reads numbers."""
    try:  # loaded again: only for the few unsure files, where keeping every chunk's images would hold 256
        apart = side_by_side_in_pixels(load_image(_image_path(name)))
    except Exception:  # noqa: BLE001 - only a note: the file's record is printed either way
        return
    if apart.digits >= 2:
        text = f"{name}: looks like {apart.digits} digits side by side; --number reads numbers"
        print(f"note: {display(text).translate(CONTROL_ESCAPES)}", file=sys.stderr)


def _rounded(probabilities: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in probabilities]


def _print_record(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        # allow_nan=False: NaN and Infinity are not JSON; a record never holds them.
        write_line(json.dumps(record, allow_nan=False))
        return
    # One line per file in text too: a newline or tab in a file's name is written escaped.
    record = {**record, "file": record["file"].translate(CONTROL_ESCAPES)}
    if "error" in record:
        write_line(f"{record['file']}: error: {record['error']}")
    elif "digits" in record:
        parts = ["?" if d.get("not_a_digit") else str(d["digit"]) for d in record["digits"]]
        said = record["number"] if record["number"] is not None else f"not a number ({''.join(parts) or 'no ink'})"
        write_line(f"{record['file']}: {said}")
    elif record.get("not_a_digit"):
        p = record["probabilities"]
        write_line(f"{record['file']}: not a digit (if it were one: {int(np.argmax(p))}, {max(p) * 100:.1f} %)")
    else:
        write_line(f"{record['file']}: {record['digit']} ({max(record['probabilities']) * 100:.1f} %)")


def _predict_numbers(predictor: Any, args: argparse.Namespace) -> int:
    """``--number``: every image is a number; each digit gets its box and probabilities."""
    from mnist_desk.reading import read_number

    failed = 0
    for path in args.images:
        try:
            image = _loaded(path)
            reading = read_number(predictor, image, source_size(image))  # boxes in the file's pixels, at any size
            if not reading.digits:
                raise EmptyImageError("the image is empty: no ink found")
            digits = [{"digit": d.digit, "box": list(d.box), "not_a_digit": d.not_a_digit,
                       "probabilities": _rounded(d.probabilities)} for d in reading.digits]  # fmt: skip
            for digit, like in zip(digits, nearest_examples(predictor, [d.input for d in reading.digits]), strict=True):
                if like is not None:  # with --examples, as the window shows it for the selected digit
                    digit["nearest_example"] = as_record(like, display)
            if any(not np.isfinite(d["probabilities"]).all() for d in digits):
                raise ValueError("the network gave non-finite probabilities")
            record: dict[str, Any] = {"file": display(str(path)), "number": reading.text, "digits": digits}
        except Exception as exc:  # noqa: BLE001 - one bad file must never cost the others their results
            failed += 1
            message = str(exc) if isinstance(exc, ImageError | EmptyImageError) else f"{type(exc).__name__}: {exc}"
            record = {
                "file": display(str(path)), "number": None, "digits": [], "error": display(without_path(path, message))
            }  # fmt: skip
        _print_record(record, args.json)
    return 1 if failed else 0


def _predict_csv(args: argparse.Namespace) -> int:
    ignored = [name for name, given in (("image files", args.images), ("--json", args.json), ("--number", args.number))
               if given]  # fmt: skip
    if ignored:
        print(f"error: --csv reads the digits of a CSV file and writes ImageId,Label rows; {', '.join(ignored)} "
              "cannot go with it (run predict again for image files)", file=sys.stderr)  # fmt: skip
        return 2
    target = output_target(args.out, args.csv) if args.out is not None else None
    tmp = reserve_output(target) if target is not None else None
    try:
        images, _ = parse_csv(read_input_file(args.csv), str(args.csv))
        predictor = _load_predictor(args.checkpoint, args)
        # Kaggle's digits are MNIST already (centred 28x28, white on black): no preprocessing.
        probabilities = predictor.probabilities(images.astype(np.float32) / 255.0)
        broken = int((~np.isfinite(probabilities).all(1)).sum())
        if broken:  # argmax would call each of them 0: a complete-looking, wrong submission
            raise CheckpointError(
                f"{predictor.path}: the network gave non-finite probabilities for {broken:,} of {len(images):,} "
                "digits (its weights or statistics are damaged); nothing was written"
            )
        labels = probabilities.argmax(1)
        written = tmp or target
        try:
            out = sys.stdout if written is None else written.open("w", newline="")
            try:
                writer = csv.writer(out)
                writer.writerow(["ImageId", "Label"])
                writer.writerows((i + 1, int(label)) for i, label in enumerate(labels))
            finally:
                if out is not sys.stdout:
                    out.close()
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk: the old file stays as it was
            raise OutputError(f"cannot write {args.out or 'the output'} ({exc.strerror or exc})") from exc
        if tmp is not None:
            os.replace(tmp, target)
            tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if args.out is not None:
        print(f"wrote {len(labels)} predictions to {args.out}", file=sys.stderr)
    return 0


# Metadata nested deeper than this is shown as "…": a checkpoint's metadata is not ours, and
# a list nested 20,000 deep stopped `info` with a RecursionError.
MAX_JSON_DEPTH = 32


def _json_safe(value: Any, depth: int = 0) -> Any:
    """Non-finite floats (which JSON cannot hold) become null, recursively, to MAX_JSON_DEPTH."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict | list | tuple) and depth >= MAX_JSON_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {str(k): _json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v, depth + 1) for v in value]
    return value


def cmd_info(args: argparse.Namespace) -> int:
    predictor = _load_predictor(args.checkpoint)
    info = {"checkpoint": display(str(predictor.path)), "arch": predictor.arch, "device": predictor.device_name,
            "feature_stages": predictor.feature_stages, "meta": predictor.meta}  # fmt: skip
    write_line(json.dumps(_json_safe(info), indent=2, default=str, allow_nan=False))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from mnist_desk.ui.app import run_app

    return run_app(getattr(args, "checkpoint", None), getattr(args, "lang", None))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from mnist_desk.ui.self_test import run_self_test

        return run_self_test()
    commands = {"predict": cmd_predict, "info": cmd_info, "gui": cmd_gui, None: cmd_gui}
    try:
        code = commands[args.command](args)
        flush_stdout()  # here, where a full disk or a closed pipe can still be said properly
        return code
    except (CheckpointError, DataError, OutputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head -1`): stop quietly, as cat does. Python would
        # complain again flushing stdout at exit, so what is left goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except Exception:
        traceback.print_exc()
        print("error: an internal error in mnist-desk (the traceback above says where)", file=sys.stderr)
        return INTERNAL_ERROR_EXIT
