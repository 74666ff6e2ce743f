"""Real handwriting, drawn the way our users draw: MNIST test digits put on a
280x280 light canvas as dark ink, at a random size (60-260 px) and position,
with thicker or thinner strokes, then read through the app's preprocessing.

The synthetic drawings of drawn_digits.py come from the generator that also
made part of the training data; these are people's digits the network never
trained on, so they check that preprocessing keeps MNIST accuracy at any size,
place and pen width.

    python benchmarks/mnist_on_canvas.py [--count 2000] [--seed 7]
"""

from __future__ import annotations

import argparse

import numpy as np
from PIL import Image, ImageFilter

from mnist_desk.inference import Predictor
from mnist_desk.preprocess import preprocess
from training.data import load_split

CANVAS = 280


def on_canvas(image28: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One MNIST digit as a dark-on-light canvas drawing."""
    digit = Image.fromarray(image28).crop((2, 2, 26, 26))  # most of MNIST's empty margin
    side = int(rng.integers(60, CANVAS - 20))
    ink = digit.resize((side, side), Image.Resampling.BILINEAR)
    pen = int(rng.choice([1, 3, 5, 7]))
    if pen > 1:  # a broader pen mostly; now and then a finer one
        ink = ink.filter(ImageFilter.MaxFilter(pen) if rng.random() < 0.7 else ImageFilter.MinFilter(3))
    paper = Image.new("L", (CANVAS, CANVAS), 0)
    x, y = rng.integers(0, CANVAS - side + 1, 2)
    paper.paste(ink, (int(x), int(y)))
    return 255 - np.asarray(paper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    test, predictor = load_split("test"), Predictor()
    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(test), args.count, replace=False)
    inputs = np.stack([preprocess(on_canvas(test.images[i], rng)) for i in chosen])
    predicted = predictor.probabilities(inputs).argmax(1)
    labels = test.labels[chosen]
    print(f"MNIST test digits drawn on a {CANVAS}px canvas: {(predicted == labels).mean() * 100:.2f} % of {args.count}")
    print("per digit: " + "  ".join(f"{d}:{(predicted[labels == d] == d).mean() * 100:.1f}" for d in range(10)))


if __name__ == "__main__":
    main()
