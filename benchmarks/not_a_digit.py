"""'Not a digit': how often the app says it, for drawings that are not digits and for real digits.

* Non-digits: letters, shapes and scribbles of the TEST kinds (training/negatives.py),
  which were never trained on and never used to choose the threshold, drawn on a
  280 px canvas and read by `mnist-desk predict --json`: the share rejected.
* Pen digits of the test writers (never trained on), read the same way: the share
  wrongly rejected, and the accuracy on the rest.
* The MNIST test set: the share wrongly rejected.

    python benchmarks/not_a_digit.py [--per-kind 60] [--checkpoint P]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from mnist_desk.inference import Predictor
from pen_digits import predict_files  # benchmarks/ is on the path when a script here runs
from training.data import load_split
from training.negatives import TEST_KINDS, TEST_KINDS_BEFORE, negative_strokes
from training.pen_render import random_style, render
from training.pendigits import TEST_WRITERS, by_writers, read_pendigits

EVAL_SEED = 66_2026


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=60, help="drawings of each held-out kind")
    parser.add_argument("--checkpoint", type=Path, help="default: the bundled model")
    args = parser.parse_args()
    extra = ["--checkpoint", str(args.checkpoint)] if args.checkpoint else []
    with tempfile.TemporaryDirectory() as tmp:
        kind_of: dict[str, str] = {}
        # A stream of its own for each kind and for the digits: adding a kind
        # moves no other figure.
        for number, kind in enumerate(TEST_KINDS):
            rng = np.random.default_rng([EVAL_SEED, number])
            for i in range(args.per_kind):
                path = Path(tmp) / f"neg_{kind}_{i:03d}.png"
                Image.fromarray(render(negative_strokes(kind, rng), random_style(rng))).save(path)
                kind_of[str(path)] = kind
        label_of: dict[str, int] = {}
        rng = np.random.default_rng([EVAL_SEED, 10_000])
        for i, digit in enumerate(by_writers(read_pendigits(), TEST_WRITERS)):
            path = Path(tmp) / f"pen_{i:05d}_d{digit.label}.png"
            Image.fromarray(render(digit.strokes, random_style(rng))).save(path)
            label_of[str(path)] = digit.label
        records = predict_files([Path(p) for p in [*kind_of, *label_of]], extra)
    per_kind: dict[str, list[bool]] = defaultdict(list)
    for path, kind in kind_of.items():
        record = records[path]
        # "Too small to read" is also no digit: an error record counts as rejected.
        per_kind[kind].append(bool(record.get("not_a_digit")) or record.get("error") is not None)
    rejected = [r for rs in per_kind.values() for r in rs]
    print(f"non-digits of {len(TEST_KINDS)} held-out kinds: {np.mean(rejected) * 100:.1f} % said 'not a digit' "
          f"({len(rejected)} drawings)")  # fmt: skip
    before = [r for k in TEST_KINDS_BEFORE for r in per_kind[k]]
    print(f"  the {len(TEST_KINDS_BEFORE)} kinds held out before 2026-11-25: {np.mean(before) * 100:.1f} %")
    print("  per kind: " + "  ".join(f"{k}:{np.mean(v) * 100:.0f}" for k, v in sorted(per_kind.items())))
    pen = [records[p] for p in label_of]
    wrongly = np.mean([bool(r.get("not_a_digit")) for r in pen])
    kept = [(r["digit"], label_of[p]) for p, r in zip(label_of, pen, strict=True) if r.get("digit") is not None]
    print(f"pen digits of {len(TEST_WRITERS)} test writers: {wrongly * 100:.2f} % wrongly said 'not a digit'; "
          f"the rest read right {np.mean([d == t for d, t in kept]) * 100:.2f} % ({len(pen)} drawings)")  # fmt: skip
    test = load_split("test")
    _, rejected_mnist = Predictor(args.checkpoint).read(test.images.astype(np.float32) / 255)
    print(f"MNIST test: {rejected_mnist.mean() * 100:.2f} % wrongly said 'not a digit' ({len(test):,} images)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
