"""Reading numbers: 2-5 pen digits of one held-out writer written side by side.

Numbers are composed from the real pen digits of writers never trained on
(training/numbers.py: one writer, one pen and slant per number, uneven gaps,
about one neighbouring pair in seven touching or overlapping a little, a
drifting line, sizes varying by +-15 %). Each is read two ways:

* pixels: saved as PNG and read by `mnist-desk predict --json --number` (the
  figure the README reports);
* strokes: as the window reads its canvas, grouping the strokes themselves.

Prints, per length and overall: the whole number right, the digit count right.

    python benchmarks/read_numbers.py [--per-length 100] [--writers test|validation] [--checkpoint P]
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
from training.numbers import ComposedNumber, random_number
from training.pendigits import TEST_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

EVAL_SEED = 55_2026


def read_by_strokes(predictor: Predictor, number: ComposedNumber) -> tuple[str | None, int]:
    """(the number read, how many digits were found) from the strokes, as the window reads them."""
    reading = read_strokes(predictor, [PenStroke(s, number.pen) for s in number.strokes])
    return reading.text, len(reading.digits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-length", type=int, default=100, help="numbers of each length 2, 3, 4, 5")
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
        cmd = [sys.executable, "-m", "mnist_desk", "predict", "--json", "--number"]
        cmd += ["--checkpoint", str(args.checkpoint)] if args.checkpoint else []
        out = subprocess.run([*cmd, *map(str, files)], capture_output=True, text=True, check=False)
        if out.returncode not in (0, 1):
            raise SystemExit(f"predict failed ({out.returncode}):\n{out.stderr}")
        records = {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
