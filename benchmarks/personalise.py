"""Learning from one person's corrections: 20 examples, then that person's other digits.

For each held-out writer (never trained on), 2 digits of each class are drawn
on a 280 px canvas and kept as examples (the layout the window writes:
``examples/<digit>/<n>.png``); the writer's other digits are drawn the same
way and read twice: by the network as shipped, and adapted to the examples
(mnist_desk/examples.py). Repeated with other example picks. Prints, per
writer, accuracy before -> after (every digit counted by its most likely class,
as pen_digits.py --no-reject), how many of the digits were said "not a digit"
before -> after, how many drawings of the held-out non-digit kinds were
(adapting must not switch "not a digit" off), the means, the largest drop,
and how long adapting took.

    python benchmarks/personalise.py [--writers test|validation] [--picks 3] [--cli]
    python benchmarks/personalise.py --corrections K [--writers validation]

``--corrections K`` measures how a user really starts: K of the digits the
network misreads for that writer are taught (3 picks), and the writer's other
digits are read before and after (in-process; writers with fewer than K
misread digits are left out).

``--cli`` reads the files through `mnist-desk predict --examples DIR` (the
figure the README reports); without it the same code runs in-process, which
is quicker for choosing the adaptation settings on the validation writers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mnist_desk.example_store import ExampleStore
from mnist_desk.examples import Adapter, fit_tail
from mnist_desk.inference import Predictor
from mnist_desk.nearest_example import index_examples, nearest
from mnist_desk.preprocess import EmptyImageError, preprocess
from training.negatives import TEST_KINDS, VALIDATION_KINDS, negative_strokes
from training.pen_render import random_style, render
from training.pendigits import TEST_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

EVAL_SEED = 31_2026


def read_with_cli(
    files: list[Path], examples: Path | None, checkpoint: Path | None, cache: Path
) -> tuple[np.ndarray, np.ndarray, float]:
    """Each file's most likely digit, whether it was said "not a digit", and how long adapting
    took as the command says it (nan without examples). ``cache`` is the user cache folder the
    command sees (XDG_CACHE_HOME): one of the benchmark's own, empty at its start, so that the
    first adaptation computes the replay features as on a new machine and the later ones read them."""
    cmd = [sys.executable, "-m", "mnist_desk", "predict", "--json"]
    cmd += ["--checkpoint", str(checkpoint)] if checkpoint else []
    cmd += ["--examples", str(examples)] if examples else []
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([*cmd, *map(str, files)], capture_output=True, text=True, check=False, env=env)
    if out.returncode not in (0, 1):
        raise SystemExit(f"predict failed ({out.returncode}):\n{out.stderr}")
    records = [{r["file"]: r for r in map(json.loads, out.stdout.splitlines())}[str(f)] for f in files]
    said = re.search(r"adapted to \d+ examples? in ([0-9.]+) s", out.stderr)
    return (
        np.array([int(np.argmax(r["probabilities"])) for r in records]),
        np.array([r["not_a_digit"] for r in records]),
        float(said.group(1)) if said else float("nan"),
    )


def non_digit_drawings(kinds: tuple[str, ...], per_kind: int) -> list[np.ndarray]:
    """Drawings of non-digit kinds never trained on, on the same canvas as the digits (each readable)."""
    rng = np.random.default_rng([EVAL_SEED, 404])
    drawings = []
    for kind in kinds:
        kept = 0
        while kept < per_kind:
            drawing = render(negative_strokes(kind, rng), random_style(rng))
            try:
                preprocess(drawing)
            except EmptyImageError:
                continue  # too small to read: the app says so without classifying
            drawings.append(drawing)
            kept += 1
    return drawings


def one_writer(writer, digits, pick, predictor, replay, args, tmp: Path, shapes: list[np.ndarray]) -> Result:
    rng = np.random.default_rng([EVAL_SEED, writer, pick])
    chosen = {
        int(i)
        for d in range(10)
        for i in rng.choice([i for i, x in enumerate(digits) if x.label == d], 2, replace=False)
    }
    store = ExampleStore(tmp / f"examples-{writer}-{pick}")
    for i in sorted(chosen):
        store.add(render(digits[i].strokes, random_style(rng)), digits[i].label)
    rest = [x for i, x in enumerate(digits) if i not in chosen]
    drawings = [render(x.strokes, random_style(rng)) for x in rest]
    labels = np.array([x.label for x in rest])
    every = drawings + shapes  # the writer's digits, then the non-digits
    if args.cli:
        files = []
        for n, drawing in enumerate(every):
            files.append(tmp / f"w{writer}-{pick}-{n}.png")
            Image.fromarray(drawing).save(files[-1])
        base, base_rejected, _ = read_with_cli(files, None, args.checkpoint, tmp / "cache")
        adapted, adapted_rejected, seconds = read_with_cli(files, store.root, args.checkpoint, tmp / "cache")
    else:
        inputs = np.stack([preprocess(d) for d in every])
        probabilities, base_rejected = predictor.read(inputs)
        base = probabilities.argmax(1)
        examples = store.load()
        adaptation = fit_tail(predictor.model, examples.inputs, examples.labels, replay, predictor.temperature)
        adapted_predictor = predictor.adapted(adaptation)
        probabilities, adapted_rejected = adapted_predictor.read(inputs)
        adapted = probabilities.argmax(1)
        seconds = adaptation.seconds
        # The example each digit is most like, as the window shows it beside the answer.
        index = index_examples(adapted_predictor, examples)
        liked = np.array([nearest(index, f).digit for f in adapted_predictor.final_features(inputs[: len(drawings)])])
    n = len(drawings)
    likeness = (
        LikenessCounts(
            int((liked == labels).sum()), int((liked != adapted[:n]).sum()),
            int(((liked != adapted[:n]) & (liked == labels)).sum()),
            int(((liked != adapted[:n]) & (adapted[:n] == labels)).sum()), n,
        )
        if not args.cli else None
    )  # fmt: skip
    return Result(
        float((base[:n] == labels).mean()), float((adapted[:n] == labels).mean()),
        float(base_rejected[:n].mean()), float(adapted_rejected[:n].mean()),
        float(base_rejected[n:].mean()) if shapes else float("nan"),
        float(adapted_rejected[n:].mean()) if shapes else float("nan"), seconds, likeness,
    )  # fmt: skip


def corrections(writer, digits, k: int, predictor, replay, picks: int, shapes: np.ndarray) -> list[dict[str, float]]:
    """Per pick of ``k`` of the writer's digits the network misreads, taught as what they are:
    the writer's other digits read right (top class), said "not a digit", and read right and
    trusted (what the user sees), before and after, and the held-out non-digits ``shapes``
    (preprocessed) said "not a digit" after."""
    rng = np.random.default_rng([EVAL_SEED, writer, k])
    inputs = np.stack([preprocess(render(d.strokes, random_style(rng))) for d in digits])
    labels = np.array([d.label for d in digits])
    probabilities, rejected = predictor.read(inputs)
    wrong = np.flatnonzero(probabilities.argmax(1) != labels)
    rows = []
    for pick in range(picks if len(wrong) >= k else 0):
        chosen = rng.choice(wrong, k, replace=False)
        rest = np.setdiff1d(np.arange(len(digits)), chosen)
        adapted = predictor.adapted(
            fit_tail(predictor.model, inputs[chosen], labels[chosen], replay, predictor.temperature, seed=pick)
        )
        after, rejected_after = adapted.read(inputs[rest])
        right_before, right_after = probabilities[rest].argmax(1) == labels[rest], after.argmax(1) == labels[rest]
        rows.append({
            "before": right_before.mean(), "after": right_after.mean(),
            "rejected_before": rejected[rest].mean(), "rejected_after": rejected_after.mean(),
            "trusted_before": (right_before & ~rejected[rest]).mean(), "trusted_after": (right_after & ~rejected_after).mean(),
            "shapes_after": adapted.read(shapes)[1].mean(),
        })  # fmt: skip
    return rows


def report_corrections(writers, k: int, predictor, replay, picks: int, shapes: list[np.ndarray]) -> None:
    pen = read_pendigits()
    shapes_in = np.stack([preprocess(s) for s in shapes])
    shapes_before = predictor.read(shapes_in)[1].mean()
    rows = []
    for writer in writers:
        for row in corrections(writer, by_writers(pen, [writer]), k, predictor, replay, picks, shapes_in):
            rows.append(row)
            print(f"writer {writer:2d}: {row['before'] * 100:5.1f} % -> {row['after'] * 100:5.1f} %, "
                  f"said not a digit {row['rejected_before'] * 100:.1f} % -> {row['rejected_after'] * 100:.1f} %, "
                  f"right and trusted {row['trusted_before'] * 100:.1f} % -> {row['trusted_after'] * 100:.1f} %")  # fmt: skip
    if not rows:
        print(f"no writer has {k} misread digits")
        return
    mean = {name: np.mean([r[name] for r in rows]) * 100 for name in rows[0]}
    drop = min(0.0, min(r["after"] - r["before"] for r in rows)) * 100
    print(f"{k} misread digit(s) corrected, {len(rows)} picks, the writer's other digits:")
    print(f"  read right (top class) {mean['before']:.2f} % -> {mean['after']:.2f} % (largest drop {drop:.2f} points)")
    print(f"  said 'not a digit' {mean['rejected_before']:.2f} % -> {mean['rejected_after']:.2f} %")
    print(
        f"  read right and trusted (as the window shows it) {mean['trusted_before']:.2f} % -> {mean['trusted_after']:.2f} %"
    )
    print(f"  held-out non-digit kinds ({len(shapes)} drawings) said 'not a digit' "
          f"{shapes_before * 100:.1f} % -> {mean['shapes_after']:.1f} % (lowest pick {min(r['shapes_after'] for r in rows) * 100:.1f} %)")  # fmt: skip


@dataclass(frozen=True)
class LikenessCounts:
    """The example each digit is most like (mnist_desk/nearest_example.py) against the answer."""

    example_right: int  # the example's digit is the digit's own
    differ: int  # the example's digit is not the adapted network's answer
    differ_example_right: int
    differ_network_right: int
    digits: int


@dataclass(frozen=True)
class Result:
    """One writer and pick: accuracy (every digit counted by its most likely class, as
    pen_digits.py --no-reject), and how many were said "not a digit", before and after adapting."""

    before: float
    after: float
    rejected_before: float
    rejected_after: float
    shapes_rejected_before: float  # held-out non-digit kinds said "not a digit"
    shapes_rejected_after: float
    seconds: float
    likeness: LikenessCounts | None = None  # in-process only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", choices=["test", "validation"], default="test")
    parser.add_argument("--picks", type=int, default=3, help="different sets of 20 examples per writer")
    parser.add_argument("--checkpoint", type=Path, help="default: the bundled model")
    parser.add_argument("--cli", action="store_true", help="read through `mnist-desk predict --examples`")
    parser.add_argument("--non-digits", type=int, default=10, help="drawings of each held-out non-digit kind")
    parser.add_argument("--corrections", type=int, default=0, help="teach K misread digits instead (in-process)")
    args = parser.parse_args()
    writers = TEST_WRITERS if args.writers == "test" else VALIDATION_WRITERS
    shapes = non_digit_drawings(TEST_KINDS if args.writers == "test" else VALIDATION_KINDS, args.non_digits)
    if args.corrections:
        predictor = Predictor(args.checkpoint)
        adapter = Adapter(predictor)
        report_corrections(writers, args.corrections, predictor, adapter.features, args.picks, shapes)
        return 0
    pen = read_pendigits()
    predictor = Predictor(args.checkpoint)
    # As the window's Adapter keeps them, made ready (features, warmed-up fit) while the user pauses.
    adapter = Adapter(predictor)
    adapter.prepare()
    replay = adapter.features
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for writer in writers:
            digits = by_writers(pen, [writer])
            for pick in range(args.picks):
                r = one_writer(writer, digits, pick, predictor, replay, args, Path(tmp), shapes)
                rows.append((writer, r))
                print(
                    f"writer {writer:2d} pick {pick}: {r.before * 100:5.1f} % -> {r.after * 100:5.1f} %, "
                    f"said not a digit {r.rejected_before * 100:.1f} % -> {r.rejected_after * 100:.1f} %, "
                    f"non-digits {r.shapes_rejected_before * 100:.1f} % -> {r.shapes_rejected_after * 100:.1f} % "
                    f"({r.seconds:.2f} s)"
                )
    results = [r for _, r in rows]
    names = ("before", "after", "rejected_before", "rejected_after", "shapes_rejected_before", "shapes_rejected_after")
    mean = {name: np.mean([getattr(r, name) for r in results]) for name in names}
    per_writer = {w: np.mean([r.after - r.before for x, r in rows if x == w]) for w in writers}
    seconds = np.array([r.seconds for r in results])
    print(
        f"{args.writers} writers, 20 examples each ({'mnist-desk predict --examples' if args.cli else 'in-process'}):"
    )
    print(f"  mean accuracy {mean['before'] * 100:.2f} % -> {mean['after'] * 100:.2f} % (every digit by its top class)")
    print(
        f"  their digits said 'not a digit': {mean['rejected_before'] * 100:.2f} % -> {mean['rejected_after'] * 100:.2f} %"
    )
    lowest = min(r.shapes_rejected_after for r in results)
    print(
        f"  held-out non-digit kinds ({len(shapes)} drawings) said 'not a digit': "
        f"{mean['shapes_rejected_before'] * 100:.1f} % -> {mean['shapes_rejected_after'] * 100:.1f} % "
        f"(lowest example set {lowest * 100:.1f} %)"
    )
    print(f"  largest drop for one writer (mean over picks): {min(0.0, min(per_writer.values())) * 100:.2f} points")
    counts = [r.likeness for r in results if r.likeness is not None]
    if counts:
        total = {name: sum(getattr(c, name) for c in counts) for name in LikenessCounts.__dataclass_fields__}
        print(
            f"  the example each digit is most like names its digit {total['example_right'] / total['digits'] * 100:.2f} %; "
            f"it differs from the adapted answer for {total['differ']} of {total['digits']} digits, "
            f"where the example is right {total['differ_example_right']} times, the network {total['differ_network_right']}"
        )
    if args.cli:  # the first run found the replay features' cache empty
        print(
            f"  adapting took {seconds[0]:.2f} s in the first run (replay features computed and kept), "
            f"then median {np.median(seconds[1:]):.2f} s, max {seconds[1:].max():.2f} s (as the command says it)"
        )
    else:
        print(f"  adapting took median {np.median(seconds):.2f} s, max {seconds.max():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
