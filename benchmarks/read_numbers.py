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
from mnist_desk.reading import crop_scorer, read_segments
from mnist_desk.segment import Segment, group_strokes
from training.numbers import ComposedNumber, random_number
from training.pen_render import SUPERSAMPLE, draw_strokes
from training.pendigits import TEST_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

EVAL_SEED = 55_2026


def stroke_boxes(number: ComposedNumber) -> list[tuple[int, int, int, int]]:
    half = number.pen / 2
    return [(int(s[:, 0].min() - half), int(s[:, 1].min() - half), int(s[:, 0].max() + half) + 1,
             int(s[:, 1].max() + half) + 1) for s in number.strokes]  # fmt: skip


def draw_members(number: ComposedNumber, members: list[int]) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The chosen strokes alone, as the window would render them: (ink crop, its box)."""
    boxes = stroke_boxes(number)
    x0, y0 = min(boxes[i][0] for i in members), min(boxes[i][1] for i in members)
    x1, y1 = max(boxes[i][2] for i in members), max(boxes[i][3] for i in members)
    big = Image.new("L", ((x1 - x0) * SUPERSAMPLE, (y1 - y0) * SUPERSAMPLE), 255)
    draw_strokes(big, [number.strokes[i] - [x0, y0] for i in members], number.pen, False, SUPERSAMPLE)
    picture = np.asarray(big.resize((x1 - x0, y1 - y0), Image.Resampling.BOX))
    return (255 - picture.astype(np.float32)) / 255, (x0, y0, x1, y1)


def read_strokes(predictor: Predictor, number: ComposedNumber) -> tuple[str | None, int]:
    """(the number read, how many digits were found) from the strokes."""
    score = crop_scorer(predictor)

    def crop(members: list[int]) -> np.ndarray:
        ink, _ = draw_members(number, members)
        return (255 - np.pad(ink, 4) * 255).astype(np.uint8)

    groups = group_strokes(stroke_boxes(number), crop, score)
    segments = []
    for g in groups:
        ink, box = draw_members(number, g)
        segments.append(Segment(box, ink, tuple(g)))
    return read_segments(predictor, segments).text, len(segments)


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
            by_strokes, count = read_strokes(predictor, number)
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
