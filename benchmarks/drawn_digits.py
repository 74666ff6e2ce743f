"""How well the app reads digits drawn on a canvas, measured through `mnist-desk predict`.

Writes N synthetic drawings (training/drawn.py: scripted strokes in several
writing styles, varied in size, position, pen width, slant and wobble) as
280x280 PNGs, runs `mnist-desk predict --json` on them in one call, and prints
accuracy overall, per digit and per style. Seeds differ from any used in
training, so these exact drawings were never seen.

    python benchmarks/drawn_digits.py [--count 2000] [--checkpoint PATH]
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

from training.drawn import STYLES, draw_digit

EVAL_SEED = 20261122


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="drawings to classify")
    parser.add_argument("--checkpoint", type=Path, help="default: the bundled model")
    parser.add_argument("--save-errors", type=Path, help="copy misread drawings here")
    args = parser.parse_args()
    rng = np.random.default_rng(EVAL_SEED)
    with tempfile.TemporaryDirectory() as tmp:
        truth = {}
        for i in range(args.count):
            digit = i % 10
            style = int(rng.integers(len(STYLES[digit])))
            path = Path(tmp) / f"{i:05d}_d{digit}_s{style}.png"
            draw_digit(digit, rng, style).save(path)
            truth[str(path)] = (digit, style)
        cmd = [sys.executable, "-m", "mnist_desk", "predict", "--json", *truth]
        if args.checkpoint:
            cmd[4:4] = ["--checkpoint", str(args.checkpoint)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode not in (0, 1):
            print(out.stderr, file=sys.stderr)
            return out.returncode
        records = [json.loads(line) for line in out.stdout.splitlines()]
        per_digit, per_style = defaultdict(list), defaultdict(list)
        for record in records:
            digit, style = truth[record["file"]]
            ok = record["digit"] == digit
            per_digit[digit].append(ok)
            per_style[(digit, style)].append(ok)
            if not ok and args.save_errors:
                args.save_errors.mkdir(parents=True, exist_ok=True)
                Path(record["file"]).replace(args.save_errors / f"{Path(record['file']).stem}_as{record['digit']}.png")
    total = [ok for oks in per_digit.values() for ok in oks]
    print(f"drawn digits recognised: {np.mean(total) * 100:.2f} % of {len(total)}")
    print("per digit: " + "  ".join(f"{d}:{np.mean(per_digit[d]) * 100:.1f}" for d in range(10)))
    weak = sorted(per_style.items(), key=lambda kv: np.mean(kv[1]))[:6]
    print("weakest styles: " + "  ".join(f"{d}/{s}:{np.mean(oks) * 100:.0f}%" for (d, s), oks in weak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
