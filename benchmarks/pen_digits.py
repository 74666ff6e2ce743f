"""The drawn-digit accuracy: real pen digits of writers the model never trained on,
drawn on a 280x280 canvas and read through `mnist-desk predict`.

Each digit of the held-out writers (training/pendigits.py: TEST_WRITERS, never
trained on, never used to fit anything) is drawn as dark strokes on a light
280 px canvas at a random size, position, slant and pen width
(training/pen_render.py), saved as PNG, and all files are classified in one
`mnist-desk predict --json` call. Prints accuracy overall, per digit and per
writer, the commonest confusions, and the calibration error of the shown
probabilities.

    python benchmarks/pen_digits.py [--renders 2] [--writers test|validation] [--checkpoint P]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from training.calibrate import calibration_error
from training.pen_render import random_style, render
from training.pendigits import TEST_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

# Not a seed used anywhere in training.
EVAL_SEED = 8_2026


def predict_files(paths: list[Path], extra: list[str]) -> dict[str, dict]:
    """Run `mnist-desk predict --json` on ``paths``; records by file name."""
    cmd = [sys.executable, "-m", "mnist_desk", "predict", "--json", *extra, *map(str, paths)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise SystemExit(f"predict failed ({out.returncode}):\n{out.stderr}")
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {r["file"]: r for r in records}


def writer_interval(ok: np.ndarray, writers: np.ndarray, draws: int = 2000) -> tuple[float, float]:
    """A 95 % interval for the accuracy on *other* writers: whole writers drawn again with
    replacement (a bootstrap over writers, not drawings). With a handful of writers it is wide,
    and that is the point: a writer's style moves the figure more than the number of drawings."""
    rng = np.random.default_rng(0)
    names = np.unique(writers)
    right = np.array([ok[writers == w].sum() for w in names])
    count = np.array([(writers == w).sum() for w in names])
    picks = rng.integers(len(names), size=(draws, len(names)))
    accuracy = right[picks].sum(1) / count[picks].sum(1)
    low, high = np.percentile(accuracy, [2.5, 97.5])
    return float(low), float(high)


def report(labels: np.ndarray, predicted: np.ndarray, probs: np.ndarray, writers: np.ndarray, title: str) -> None:
    ok = predicted == labels
    print(f"{title}: {ok.mean() * 100:.2f} % of {len(ok)}")
    low, high = writer_interval(ok, writers)
    spread = 1.96 * np.sqrt(ok.mean() * (1 - ok.mean()) / len(ok))
    print(f"  95 % interval: {low * 100:.2f} - {high * 100:.2f} % with the writers drawn again "
          f"(± {spread * 100:.2f} points from the number of drawings alone)")  # fmt: skip
    print("  per digit:  " + "  ".join(f"{d}:{ok[labels == d].mean() * 100:.1f}" for d in range(10)))
    print("  per writer: " + "  ".join(f"w{w}:{ok[writers == w].mean() * 100:.1f}" for w in np.unique(writers)))
    pairs = Counter((int(t), int(p)) for t, p in zip(labels[~ok], predicted[~ok], strict=True))
    print("  confusions (true->read: count): " + "  ".join(f"{t}->{p}:{n}" for (t, p), n in pairs.most_common(8)))
    if len(probs):
        print(f"  calibration error (ECE, 15 bins): {calibration_error(probs, labels):.4f}")
        print(f"  mean confidence {probs.max(1).mean() * 100:.1f} %, accuracy {ok.mean() * 100:.1f} %")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=2, help="drawings per pen digit (other sizes, pens, slants)")
    parser.add_argument("--writers", choices=["test", "validation"], default="test", help="which held-out writers")
    parser.add_argument("--checkpoint", type=Path, help="default: the bundled model")
    parser.add_argument("--save-errors", type=Path, help="copy misread drawings here")
    parser.add_argument("--no-reject", action="store_true", help="always name a digit (no 'not a digit')")
    args = parser.parse_args()
    writers = TEST_WRITERS if args.writers == "test" else VALIDATION_WRITERS
    digits = by_writers(read_pendigits(), writers)
    rng = np.random.default_rng(EVAL_SEED)
    extra = ["--checkpoint", str(args.checkpoint)] if args.checkpoint else []
    extra += ["--no-reject"] if args.no_reject else []
    with tempfile.TemporaryDirectory() as tmp:
        truth: dict[str, tuple[int, int]] = {}
        for i, digit in enumerate(digits):
            for r in range(args.renders):
                path = Path(tmp) / f"w{digit.writer:02d}_{i:05d}_{r}_d{digit.label}.png"
                Image.fromarray(render(digit.strokes, random_style(rng))).save(path)
                truth[str(path)] = (digit.label, digit.writer)
        records = predict_files([Path(p) for p in truth], extra)
        labels, predicted, writer_of, probs = [], [], [], []
        for path, (label, writer) in truth.items():
            record = records[path]
            labels.append(label)
            writer_of.append(writer)
            # -1: no digit named ("not a digit", or an error): counted as not read right.
            predicted.append(-1 if record.get("digit") is None else record["digit"])
            if record.get("probabilities") is not None:
                probs.append(record["probabilities"])
            if predicted[-1] != label and args.save_errors:
                args.save_errors.mkdir(parents=True, exist_ok=True)
                Path(path).replace(args.save_errors / f"{Path(path).stem}_as{predicted[-1]}.png")
    report(
        np.array(labels),
        np.array(predicted),
        np.array(probs) if len(probs) == len(labels) else np.zeros((0, 10)),
        np.array(writer_of),
        f"pen digits of {len(writers)} {args.writers} writers never trained on, read by `mnist-desk predict`",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
