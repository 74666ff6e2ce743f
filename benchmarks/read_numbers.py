"""Reading numbers: 2-5 pen digits of one held-out writer written side by side.

Numbers are composed from the real pen digits of writers never trained on
(training/numbers.py: one writer, one pen and slant per number, uneven gaps,
about one neighbouring pair in seven touching or overlapping a little, a
drifting line, sizes varying by +-15 %). Each is read two ways:

* pixels: saved as PNG and read by `mnist-desk predict --json --number` (the
  figure the README reports);
* strokes: as the window reads its canvas, grouping the strokes themselves.

Prints, per length and overall: the whole number right, the digit count right.

Then numbers with a non-digit inside: two digits of one held-out writer and,
between them, a drawing of a non-digit kind never trained on (training/negatives.py:
TEST_KINDS, or VALIDATION_KINDS with --writers validation), composed the same
way. Each should read "number": null; prints how often it does, both ways.

    python benchmarks/read_numbers.py [--per-length 100] [--non-digits 10] [--writers test|validation]
                                      [--checkpoint P]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from mnist_desk.inference import Predictor
from mnist_desk.reading import read_strokes
from mnist_desk.strokes import PenStroke
from training.negatives import TEST_KINDS, VALIDATION_KINDS, negative_strokes
from training.numbers import ComposedNumber, compose_number, random_number
from training.pendigits import TEST_WRITERS, VALIDATION_WRITERS, PenDigit, by_writers, read_pendigits

EVAL_SEED = 55_2026


def read_by_strokes(predictor: Predictor, number: ComposedNumber) -> tuple[str | None, int]:
    """(the number read, how many digits were found) from the strokes, as the window reads them."""
    reading = read_strokes(predictor, [PenStroke(s, number.pen) for s in number.strokes])
    return reading.text, len(reading.digits)


def predict_numbers(paths: list[Path], checkpoint: Path | None) -> dict[str, dict]:
    """`mnist-desk predict --json --number` on ``paths``: its records by file name."""
    cmd = [sys.executable, "-m", "mnist_desk", "predict", "--json", "--number"]
    cmd += ["--checkpoint", str(checkpoint)] if checkpoint else []
    out = subprocess.run([*cmd, *map(str, paths)], capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise SystemExit(f"predict failed ({out.returncode}):\n{out.stderr}")
    return {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}


def numbers_with_a_non_digit(
    pools: dict[int, list[PenDigit]], kinds: tuple[str, ...], per_kind: int, rng: np.random.Generator
) -> list[ComposedNumber]:
    """Digit, non-digit, digit: one writer's digits around a drawing of each kind."""
    numbers = []
    writers = sorted(pools)
    for kind in kinds:
        for i in range(per_kind):
            pool = pools[writers[i % len(writers)]]
            first, last = (pool[int(k)] for k in rng.choice(len(pool), 2, replace=False))
            shape = PenDigit(-1, first.writer, tuple(negative_strokes(kind, rng)))
            numbers.append(compose_number([first, shape, last], rng))
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-length", type=int, default=100, help="numbers of each length 2, 3, 4, 5")
    parser.add_argument("--non-digits", type=int, default=10, help="numbers with a non-digit inside, per kind")
    parser.add_argument("--writers", choices=["test", "validation"], default="test")
    parser.add_argument("--checkpoint", type=Path, help="default: the bundled model")
    parser.add_argument("--save-errors", type=Path, help="copy misread numbers here")
    args = parser.parse_args()
    writers = TEST_WRITERS if args.writers == "test" else VALIDATION_WRITERS
    pen = read_pendigits()
    pools = {w: by_writers(pen, [w]) for w in writers}
    rng = np.random.default_rng(EVAL_SEED)
    predictor = Predictor(args.checkpoint)
    numbers: list[ComposedNumber] = []
    for length in (2, 3, 4, 5):
        for i in range(args.per_length):
            numbers.append(random_number(pools[writers[i % len(writers)]], length, rng))
    results: dict[str, dict[int, list[tuple[bool, bool]]]] = {"pixels": defaultdict(list), "strokes": defaultdict(list)}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, number in enumerate(numbers):
            files.append(Path(tmp) / f"{n:04d}_{number.text}.png")
            Image.fromarray(number.image).save(files[-1])
        records = predict_numbers(files, args.checkpoint)
        for number, path in zip(numbers, files, strict=True):
            record = records[str(path)]
            read = record["number"]
            results["pixels"][len(number.text)].append((read == number.text, len(record["digits"]) == len(number.text)))
            if read != number.text and args.save_errors:
                args.save_errors.mkdir(parents=True, exist_ok=True)
                Image.fromarray(number.image).save(args.save_errors / f"{path.stem}_as{read}.png")
            by_strokes, count = read_by_strokes(predictor, number)
            results["strokes"][len(number.text)].append((by_strokes == number.text, count == len(number.text)))
    for way, per_length in results.items():
        every = [r for rs in per_length.values() for r in rs]
        print(f"{way}: whole number right {np.mean([r[0] for r in every]) * 100:.1f} %, "
              f"digit count right {np.mean([r[1] for r in every]) * 100:.1f} % of {len(every)} "
              f"({len(writers)} {args.writers} writers never trained on)")  # fmt: skip
        for length, rs in sorted(per_length.items()):
            print(f"  {length} digits: number {np.mean([r[0] for r in rs]) * 100:5.1f} %, "
                  f"count {np.mean([r[1] for r in rs]) * 100:5.1f} %")  # fmt: skip
    if args.non_digits > 0:
        kinds = TEST_KINDS if args.writers == "test" else VALIDATION_KINDS
        report_non_digits(predictor, numbers_with_a_non_digit(pools, kinds, args.non_digits, rng), kinds, args)
    return 0


def report_non_digits(predictor: Predictor, numbers: list[ComposedNumber], kinds: tuple[str, ...], args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp) / f"{n:04d}.png" for n in range(len(numbers))]
        for number, path in zip(numbers, files, strict=True):
            Image.fromarray(number.image).save(path)
        records = predict_numbers(files, args.checkpoint)
    by_pixels = np.array([records[str(path)]["number"] is None for path in files])
    by_strokes = np.array([read_by_strokes(predictor, number)[0] is None for number in numbers])
    print(f"numbers with a non-digit inside ({len(kinds)} {args.writers} kinds never trained on, "
          f"{args.non_digits} each) read null: pixels {by_pixels.mean() * 100:.1f} %, "
          f"strokes {by_strokes.mean() * 100:.1f} % of {len(numbers)}")  # fmt: skip
    per_kind = by_pixels.reshape(len(kinds), -1).mean(1), by_strokes.reshape(len(kinds), -1).mean(1)
    print("  per kind (pixels/strokes): " + "  ".join(
        f"{k} {p * 100:.0f}/{s * 100:.0f}" for k, p, s in zip(kinds, *per_kind, strict=True)))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
