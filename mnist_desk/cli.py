"""mnist-desk [gui] | predict | info | --self-test | --version."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from mnist_desk import __version__
from mnist_desk.checkpoint import CheckpointError
from mnist_desk.digit_csv import DataError, parse_csv
from mnist_desk.image_file import source_size
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
    parser.add_argument(
        "--lang", choices=["zh_CN", "en"],
        help="language of the window (default: $MNIST_DESK_LANG, the View > Language choice, then the system's)",
    )  # fmt: skip
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
    predict.add_argument(
        "--number", action="store_true", help="each image holds a number of several digits: read them all"
    )
    predict.add_argument(
        "--no-reject", action="store_true", help="always name a digit, even for drawings that are not digits"
    )
    predict.add_argument(
        "--examples", type=Path, metavar="DIR",
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
    from mnist_desk.examples import Adapter, ExampleStore

    if not folder.is_dir():
        raise DataError(f"--examples {folder}: not a folder (expected {folder}/0 ... {folder}/9 holding PNGs)")
    examples = ExampleStore(folder).load()
    for message in examples.skipped:
        print(f"warning: {_display(message)}", file=sys.stderr)
    if not len(examples):
        print(f"warning: no usable examples in {_display(str(folder))}: reading without them", file=sys.stderr)
        return predictor
    started = time.perf_counter()
    adapted = Adapter(predictor).adapt(examples)
    count = "1 example" if len(examples) == 1 else f"{len(examples)} examples"
    print(f"adapted to {count} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return adapted


def _display(text: str) -> str:
    """Text safe to print anywhere: bytes of a non-UTF-8 file name shown as \\xff escapes.

    Python keeps such bytes as lone surrogates ('\\udcff'), which a strict
    UTF-8 stdout refuses to encode and JSON parsers may reject.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _write_line(text: str) -> None:
    """Print one line that the stream's encoding can always carry (even ASCII)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")


def _prepare(paths: list[Path]) -> Iterator[tuple[Path, np.ndarray | None, str | None]]:
    for path in paths:
        try:
            yield path, preprocess(load_image(path)), None
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


def _readings(predictor: Any, inputs: list[np.ndarray]) -> list[tuple[np.ndarray, bool] | str]:
    """(probabilities, not a digit) per input, or an error message for each input whose forward pass failed."""
    if not inputs:
        return []
    try:
        probabilities, rejected = predictor.read(np.stack(inputs))
        return list(zip(probabilities, rejected.tolist(), strict=True))
    except Exception:  # noqa: BLE001 - retry one by one, so only the input that fails is lost
        results: list[tuple[np.ndarray, bool] | str] = []
        for x in inputs:
            try:
                probabilities, rejected = predictor.read(x[None])
                results.append((probabilities[0], bool(rejected[0])))
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
                probabilities, not_a_digit = outcome
                # "Not a digit" is an answer, not a failure: the exit code ignores it.
                record: dict[str, Any] = {
                    "file": _display(str(path)),
                    "digit": None if not_a_digit else int(probabilities.argmax()),
                    "not_a_digit": bool(not_a_digit),
                    "probabilities": _rounded(probabilities),
                }
            else:
                failed += 1
                record = {"file": _display(str(path)), "digit": None, "error": _display(_without_path(path, outcome))}
            _print_record(record, args.json)
    return 1 if failed else 0


def _without_path(path: Any, message: str) -> str:
    """A loader's message without the file's name in front (the window shows such messages
    alone, so they name it): the record names the file already ("corrupt.png: error:
    corrupt.png: not a readable image" said it twice)."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _rounded(probabilities: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in probabilities]


def _print_record(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        # allow_nan=False: NaN and Infinity are not JSON; a record never holds them.
        _write_line(json.dumps(record, allow_nan=False))
    elif "error" in record:
        _write_line(f"{record['file']}: error: {record['error']}")
    elif "digits" in record:
        parts = ["?" if d.get("not_a_digit") else str(d["digit"]) for d in record["digits"]]
        said = record["number"] if record["number"] is not None else f"not a number ({''.join(parts) or 'no ink'})"
        _write_line(f"{record['file']}: {said}")
    elif record.get("not_a_digit"):
        p = record["probabilities"]
        _write_line(f"{record['file']}: not a digit (nearest {int(np.argmax(p))}, {max(p) * 100:.1f} %)")
    else:
        _write_line(f"{record['file']}: {record['digit']} ({max(record['probabilities']) * 100:.1f} %)")


def _predict_numbers(predictor: Any, args: argparse.Namespace) -> int:
    """``--number``: every image is a number; each digit gets its box and probabilities."""
    from mnist_desk.reading import read_number

    failed = 0
    for path in args.images:
        try:
            image = load_image(path)
            reading = read_number(predictor, image, source_size(image))  # boxes in the file's pixels, at any size
            if not reading.digits:
                raise EmptyImageError("the image is empty: no ink found")
            digits = [{"digit": d.digit, "box": list(d.box), "not_a_digit": d.not_a_digit,
                       "probabilities": _rounded(d.probabilities)} for d in reading.digits]  # fmt: skip
            if any(not np.isfinite(d["probabilities"]).all() for d in digits):
                raise ValueError("the network gave non-finite probabilities")
            record: dict[str, Any] = {"file": _display(str(path)), "number": reading.text, "digits": digits}
        except Exception as exc:  # noqa: BLE001 - one bad file must never cost the others their results
            failed += 1
            message = str(exc) if isinstance(exc, ImageError | EmptyImageError) else f"{type(exc).__name__}: {exc}"
            record = {
                "file": _display(str(path)), "number": None, "digits": [], "error": _display(_without_path(path, message))
            }  # fmt: skip
        _print_record(record, args.json)
    return 1 if failed else 0


def _read_input_file(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO or device would block or never end."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{path}: not a regular file")
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from exc


class OutputError(ValueError):
    """The output file cannot be written."""


def _reserve_output(out: Path) -> Path | None:
    """Check before any work that ``out`` can be written; return a temporary beside it.

    The result is written to the temporary and renamed over ``out`` at the
    end, so a failure never leaves half a submission. None means ``out`` is
    an existing special file (``/dev/stdout``, a FIFO), written in place.
    """
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder; give a file name, such as {out / 'submission.csv'}")
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"--out {out}: the folder {parent} does not exist")
    if out.exists():
        if not os.access(out, os.W_OK):
            raise OutputError(f"--out {out}: the file is not writable")
        if not out.is_file():
            return None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {parent} ({exc.strerror or exc})") from exc
    os.close(fd)
    return Path(name)


def _predict_csv(args: argparse.Namespace) -> int:
    tmp = _reserve_output(args.out) if args.out is not None else None
    try:
        images, _ = parse_csv(_read_input_file(args.csv), str(args.csv))
        predictor = _load_predictor(args.checkpoint, args)
        # Kaggle's digits are MNIST already (centred 28x28, white on black): no preprocessing.
        labels = predictor.probabilities(images.astype(np.float32) / 255.0).argmax(1)
        target = tmp or args.out
        out = sys.stdout if target is None else target.open("w", newline="")
        try:
            writer = csv.writer(out)
            writer.writerow(["ImageId", "Label"])
            writer.writerows((i + 1, int(label)) for i, label in enumerate(labels))
        finally:
            if out is not sys.stdout:
                out.close()
        if tmp is not None:
            os.replace(tmp, args.out)
            tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if args.out is not None:
        print(f"wrote {len(labels)} predictions to {args.out}", file=sys.stderr)
    return 0


def _json_safe(value: Any) -> Any:
    """Non-finite floats (which JSON cannot hold) become null, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def cmd_info(args: argparse.Namespace) -> int:
    predictor = _load_predictor(args.checkpoint)
    info = {"checkpoint": _display(str(predictor.path)), "arch": predictor.arch, "device": predictor.device_name,
            "feature_stages": predictor.feature_stages, "meta": predictor.meta}  # fmt: skip
    _write_line(json.dumps(_json_safe(info), indent=2, default=str, allow_nan=False))
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
        return commands[args.command](args)
    except (CheckpointError, DataError, OutputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
