"""Core figures on this machine: training throughput of the default recipe,
single-image predict latency, and `mnist-desk predict --json` throughput.

    python benchmarks/bench_core.py [--files 10000] [--train-steps 200]

Training throughput times real steps of the default recipe (augmentation,
channels_last, EMA) and extrapolates seconds per epoch over its 70,000
images; the full recipe's wall time is in the bundled checkpoint's metadata.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from mnist_desk.inference import Predictor
from mnist_desk.preprocess import preprocess
from training.data import load_split
from training.drawn import draw_digit
from training.train import Trainer, recipe_for


def bench_training(steps: int) -> None:
    train, test = load_split("train"), load_split("test")
    recipe = recipe_for("default")
    trainer = Trainer(recipe, train, test.subset(100), torch.device("cpu"), log=lambda *_: None)
    generator = torch.Generator().manual_seed(0)
    trainer.steps_per_epoch = 20
    trainer._epoch(0, generator)  # warm-up: oneDNN picks its kernels, the allocator fills its caches
    trainer.steps_per_epoch = steps
    started = time.perf_counter()
    trainer._epoch(1, generator)  # the real loop body: augmentation, step, EMA, bookkeeping
    per_image = (time.perf_counter() - started) / (steps * recipe.batch_size)
    images = len(train) + recipe.drawn
    print(f"training ({recipe.arch}, batch {recipe.batch_size}): {1 / per_image:,.0f} images/s, "
          f"{per_image * images:.1f} s per epoch of {images:,} images")  # fmt: skip


def bench_latency(predictor: Predictor, repeats: int = 300) -> None:
    rng = np.random.default_rng(0)
    drawings = [np.asarray(draw_digit(d % 10, rng)) for d in range(20)]
    for d in drawings[:5]:
        predictor.predict(d)  # warm-up
    times, forward = [], []
    for i in range(repeats):
        t = time.perf_counter()
        p = predictor.predict(drawings[i % len(drawings)])
        times.append((time.perf_counter() - t) * 1000)
        forward.append(p.seconds * 1000)
    times_arr = np.array(times)
    x = preprocess(drawings[0])
    t = time.perf_counter()
    for _ in range(repeats):
        predictor.predict_input(x)
    net = (time.perf_counter() - t) / repeats * 1000
    print(f"single image (280x280 drawing -> preprocess + forward + activations): median {np.median(times_arr):.2f} ms, "
          f"p99 {np.percentile(times_arr, 99):.2f} ms; network + activations alone {net:.2f} ms")  # fmt: skip


def bench_adapted_latency(predictor: Predictor, repeats: int = 300) -> None:
    """The network alone, plain and adapted to 20 examples (which also finds the example each
    drawing is most like, mnist_desk/nearest_example.py), interleaved so that both see the same
    minute of a shared machine."""
    from mnist_desk.example_store import ExampleStore
    from mnist_desk.examples import Adapter

    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as tmp:
        store = ExampleStore(Path(tmp))
        for i in range(20):
            store.add(np.asarray(draw_digit(i % 10, rng)), i % 10)
        adapted = Adapter(predictor).adapt(store.load())
    x = preprocess(np.asarray(draw_digit(3, rng)))
    for each in (predictor, adapted):
        each.predict_input(x)  # warm-up
    times: dict[str, list[float]] = {"plain": [], "adapted": []}
    for _ in range(repeats):
        for name, each in (("plain", predictor), ("adapted", adapted)):
            t = time.perf_counter()
            each.predict_input(x)
            times[name].append((time.perf_counter() - t) * 1000)
    plain, with_examples = np.median(times["plain"]), np.median(times["adapted"])
    print(f"network + activations, plain {plain:.2f} ms, adapted to 20 examples with the nearest example "
          f"{with_examples:.2f} ms (median of {repeats} each, interleaved; ratio {with_examples / plain:.2f})")  # fmt: skip


def bench_predict_files(count: int) -> None:
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(count):
            path = Path(tmp) / f"{i:05d}.png"
            draw_digit(i % 10, rng, canvas=140).save(path)
            paths.append(str(path))
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "mnist_desk", "predict", "--json", *paths], capture_output=True, text=True
        )
        seconds = time.perf_counter() - t
    lines = out.stdout.splitlines()
    ok = sum(json.loads(line)["digit"] is not None for line in lines)
    print(f"predict --json over {count:,} PNG files (140x140): {seconds:.1f} s, {count / seconds:,.0f} files/s "
          f"({ok} classified, exit {out.returncode})")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="files for the predict --json figure")
    parser.add_argument("--train-steps", type=int, default=200, help="timed training steps")
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    bench_training(args.train_steps)
    bench_latency(Predictor())
    bench_adapted_latency(Predictor())
    bench_predict_files(args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
