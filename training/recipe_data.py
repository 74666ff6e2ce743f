"""The data a recipe trains on, and the held-out data it is tuned on.

Training: MNIST's training part, plus (as the recipe asks) synthetic canvas
drawings, the pen digits of the training writers drawn several times, and
non-digit drawings of the training kinds.

Validation (fits the probability temperature and the "not a digit"
threshold, never trained on): MNIST's validation part, the pen digits of the
validation writers and non-digit drawings of the validation kinds, each
drawn once on a full 280 px canvas, as the app reads a drawing.

Test writers, test kinds and the MNIST test set appear in neither.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.data import NOT_A_DIGIT, Digits, default_cache_dir
from training.negatives import GLYPH_TRAIN_KINDS, TRAIN_KINDS, VALIDATION_KINDS, rendered_negatives
from training.pen_render import CANVAS, rendered_digits
from training.pendigits import TRAIN_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits
from training.splits import mnist_validation_split

# Seeds apart from every benchmark's, so the drawings they measure on are never trained on.
PEN_SEED, NEGATIVE_SEED, PAIR_SEED, VALIDATION_SEED, TURNED_SEED, STRADDLE_SEED, OVERLAY_SEED = (
    101, 202, 404, 303, 505, 606, 707
)  # fmt: skip
VALIDATION_NEGATIVES = 1300  # 100 drawings of each validation kind


def training_set(
    recipe, mnist_train: Digits, cache_dir: Path, log: Callable[[str], None] = print
) -> tuple[Digits, dict[str, float]]:
    """MNIST's training part plus what the recipe adds; and seconds spent making each addition."""
    data, seconds = mnist_train, {}

    @functools.cache
    def training_writers() -> list:  # read the pen data once (0.7 s), for whichever addition needs it first
        return by_writers(read_pendigits(), TRAIN_WRITERS)

    if recipe.drawn:
        from training.drawn import drawn_training_digits

        started = time.perf_counter()
        data = data.concat(drawn_training_digits(recipe.drawn, seed=1000 + recipe.seed, cache_dir=cache_dir))
        seconds["drawn"] = time.perf_counter() - started
    if recipe.pen_renders:
        started = time.perf_counter()
        writers = training_writers()
        pen = rendered_digits(
            writers, recipe.pen_renders, seed=PEN_SEED + recipe.seed, cache_dir=cache_dir, variety=recipe.pen_variety
        )
        data = data.concat(pen)
        seconds["pen_digits"] = time.perf_counter() - started
        log(f"pen digits: {len(writers):,} of {len(TRAIN_WRITERS)} training writers, each drawn {recipe.pen_renders}x "
            f"({seconds['pen_digits']:.1f} s)")  # fmt: skip
    if recipe.negatives:
        started = time.perf_counter()
        kinds = TRAIN_KINDS + (GLYPH_TRAIN_KINDS if recipe.glyph_negatives else ())
        images = rendered_negatives(kinds, recipe.negatives, seed=NEGATIVE_SEED + recipe.seed, cache_dir=cache_dir)
        data = data.concat(not_digits(images, "negatives"))
        seconds["negatives"] = time.perf_counter() - started
        log(f"non-digits: {len(images):,} drawings of {len(set(kinds))} kinds ({seconds['negatives']:.1f} s)")
    if recipe.pairs:
        from training.numbers import rendered_pairs

        started = time.perf_counter()
        writers = training_writers()
        images = rendered_pairs(writers, recipe.pairs, seed=PAIR_SEED + recipe.seed, cache_dir=cache_dir)
        data = data.concat(not_digits(images, "pairs"))
        seconds["pairs"] = time.perf_counter() - started
        log(f"pairs of digits (not one digit): {len(images):,} ({seconds['pairs']:.1f} s)")
    if recipe.straddles:
        from training.numbers import rendered_pairs

        started = time.perf_counter()
        writers = training_writers()
        images = rendered_pairs(
            writers, recipe.straddles, seed=STRADDLE_SEED + recipe.seed, cache_dir=cache_dir, straddles=True
        )
        data = data.concat(not_digits(images, "straddles"))
        seconds["straddles"] = time.perf_counter() - started
        log(f"parts of two digits (not one digit): {len(images):,} ({seconds['straddles']:.1f} s)")
    if recipe.turned:
        from training.turned import turned_digits

        started = time.perf_counter()
        writers = training_writers()
        images = turned_digits(writers, recipe.turned, seed=TURNED_SEED + recipe.seed, cache_dir=cache_dir)
        data = data.concat(not_digits(images, "turned"))
        seconds["turned"] = time.perf_counter() - started
        log(f"digits mirrored or turned (not digits): {len(images):,} ({seconds['turned']:.1f} s)")
    if recipe.overlays:
        from training.overlays import overlaid_digits

        started = time.perf_counter()
        images = overlaid_digits(
            training_writers(), recipe.overlays, seed=OVERLAY_SEED + recipe.seed, cache_dir=cache_dir
        )
        data = data.concat(not_digits(images, "overlays"))
        seconds["overlays"] = time.perf_counter() - started
        log(f"two digits over each other (not digits): {len(images):,} ({seconds['overlays']:.1f} s)")
    return data, seconds


def not_digits(images: np.ndarray, name: str) -> Digits:
    """Drawings trained towards "unsure" (label NOT_A_DIGIT), as a set named ``name:<count>``."""
    return Digits(images, np.full(len(images), NOT_A_DIGIT, np.uint8), f"{name}:{len(images)}")


@dataclass(frozen=True)
class ValidationSets:
    mnist: Digits
    pen: Digits
    negatives: np.ndarray  # (N, 28, 28) uint8 non-digit drawings


def validation_sets(mnist_validation: Digits, cache_dir: Path | None) -> ValidationSets:
    writers = by_writers(read_pendigits(), VALIDATION_WRITERS)
    pen = rendered_digits(writers, 1, seed=VALIDATION_SEED, canvas=CANVAS, cache_dir=cache_dir)
    negatives = rendered_negatives(
        VALIDATION_KINDS, VALIDATION_NEGATIVES, seed=VALIDATION_SEED, canvas=CANVAS, cache_dir=cache_dir
    )
    return ValidationSets(mnist_validation, pen, negatives)


def training_and_validation(mnist_train_full: Digits, dry_run: bool = False) -> tuple[Digits, ValidationSets]:
    """(MNIST's training part, the validation sets): the same split for training, calibrating and refitting."""
    train_part, mnist_validation = mnist_validation_split(mnist_train_full)
    validation = validation_sets(mnist_validation, default_cache_dir())
    if dry_run:  # a set-up check: a glimpse of each set is enough
        validation = ValidationSets(
            validation.mnist.subset(256), validation.pen.subset(256), validation.negatives[:256]
        )
    return train_part, validation
