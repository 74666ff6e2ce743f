"""Time the explain functions on the bundled model: median and p90 of N calls per method.

    .venv/bin/python docs/explain/measure_explain.py [--calls 50] [--threads 0]

Prints one line per function; the figures in mnist_desk/explain_saliency.py
and the explain report come from here. ``--threads 0`` keeps torch's default.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from mnist_desk.explain import METHODS, saliency, softmax_arithmetic, unit_arithmetic, vector_activations
from mnist_desk.inference import Predictor
from training.drawn import draw_digit


def timed(fn, calls: int) -> tuple[float, float]:
    fn()  # warm-up: first calls allocate and pick kernels
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1000), float(np.percentile(times, 90) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50, help="timed calls per function (default 50)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads, 0 = torch's default (default 0)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    predictor = Predictor()
    image = predictor.predict(draw_digit(7, np.random.default_rng(3), style=0)).input
    print(f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.2f}, {args.calls} calls")
    jobs = {f"saliency {m}": (lambda m=m: saliency(predictor, image, 7, method=m)) for m in METHODS}
    jobs["saliency gradcam 7 vs 1"] = lambda: saliency(predictor, image, 7, 1)
    jobs["predict_input (reference)"] = lambda: predictor.predict_input(image)
    jobs["vector_activations"] = lambda: vector_activations(predictor, image)
    jobs["unit_arithmetic conv1"] = lambda: unit_arithmetic(predictor, image, "conv1", 5, 14, 14)
    jobs["unit_arithmetic fc1"] = lambda: unit_arithmetic(predictor, image, "fc1", 7)
    jobs["softmax_arithmetic"] = lambda: softmax_arithmetic(predictor, image)
    for name, fn in jobs.items():
        median, p90 = timed(fn, args.calls)
        print(f"{name:28s} median {median:7.1f} ms   p90 {p90:7.1f} ms")


if __name__ == "__main__":
    main()
