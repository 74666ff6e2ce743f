"""How often the window suggests number mode for a drawing on the square canvas.

The suggestion (mnist_desk/side_by_side.py) comes when the strokes stand apart
as several digits do and the network's answer is not a sure digit (unsure, or
"not a digit"), or a sure one but with clear paper between them ("10" read as a
sure 0). Measured, from the strokes as the window has them:

* single pen digits, each drawn as on the square canvas (training/pen_render.py's
  random styles: any size, position, pen and slant): a suggestion there is a
  false alarm;
* composed numbers of 2-5 pen digits of one writer (training/numbers.py, as
  benchmarks/read_numbers.py composes them): there it should come.

With ``--pixels``, from the pictures instead (side_by_side_in_pixels: what the
window looks at for an opened image, or strokes partly erased).

    python benchmarks/side_by_side.py [--writers test|validation|training] [--per-length 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import numpy as np

from mnist_desk.inference import Predictor
from mnist_desk.side_by_side import SURE_ANSWER, side_by_side, side_by_side_in_pixels, suggests_number_mode
from mnist_desk.strokes import PenStroke
from training.numbers import random_number
from training.pen_render import random_style, render, shape_strokes
from training.pendigits import TEST_WRITERS, TRAIN_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

SEED = 42_2026
WRITERS = {"test": TEST_WRITERS, "validation": VALIDATION_WRITERS, "training": TRAIN_WRITERS}


def sure(predictor: Predictor, image: np.ndarray) -> bool:
    prediction = predictor.predict(image)
    return not prediction.not_a_digit and prediction.confidence >= SURE_ANSWER


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", choices=sorted(WRITERS), default="test")
    parser.add_argument("--per-length", type=int, default=100, help="composed numbers of each length 2-5")
    parser.add_argument("--pixels", action="store_true", help="from the pictures, not the strokes")
    args = parser.parse_args()
    writers = WRITERS[args.writers]
    predictor = Predictor(None)
    pen = read_pendigits()
    digits = by_writers(pen, writers)
    rng = np.random.default_rng(SEED)
    apart_as_two: Counter[int] = Counter()
    suggested: Counter[int] = Counter()
    for digit in digits:
        style = random_style(rng)
        picture = render(digit.strokes, style)
        if args.pixels:
            apart = side_by_side_in_pixels(picture)
        else:
            apart = side_by_side([PenStroke(s, style.pen) for s in shape_strokes(digit.strokes, style)])
        if apart.digits >= 2:
            apart_as_two[digit.label] += 1
            suggested[digit.label] += suggests_number_mode(apart, sure(predictor, picture))
    n = len(digits)
    print(f"single digits of the {len(writers)} {args.writers} writers ({n}): apart as several digits "
          f"{sum(apart_as_two.values())} ({sum(apart_as_two.values()) / n * 100:.2f} %), number mode suggested "
          f"{sum(suggested.values())} ({sum(suggested.values()) / n * 100:.2f} %)"
          + (f"; apart by digit: {dict(sorted(apart_as_two.items()))}" if apart_as_two else ""))  # fmt: skip
    pools = {w: by_writers(pen, [w]) for w in writers}
    for length in (2, 3, 4, 5):
        found, told = [], []
        for i in range(args.per_length):
            number = random_number(pools[writers[i % len(writers)]], length, rng)
            if args.pixels:
                apart = side_by_side_in_pixels(number.image)
            else:
                apart = side_by_side([PenStroke(s, number.pen) for s in number.strokes])
            found.append(apart.digits)
            told.append(apart.digits >= 2 and suggests_number_mode(apart, sure(predictor, number.image)))
        found = np.array(found)
        print(f"numbers of {length} digits: apart {np.mean(found >= 2) * 100:5.1f} %, number mode suggested "
              f"{np.mean(told) * 100:5.1f} %, as many groups as digits {np.mean(found == length) * 100:5.1f} % "
              f"of {args.per_length}")  # fmt: skip
    # Looked at on the GUI thread whenever a stroke ends: its cost on a crowded canvas.
    for count in (50, 300):
        scattered = [PenStroke(rng.uniform(0, 280, 2) + rng.normal(0, 4, (12, 2)), 6.0) for _ in range(count)]
        started = time.perf_counter()
        side_by_side(scattered)
        print(f"{count} scattered strokes: {(time.perf_counter() - started) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
