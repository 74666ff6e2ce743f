"""After the epochs: refit the last two stages with the pen digits weighed as much as MNIST.

The epochs see all of MNIST's 55,000 training digits and a fresh half of the 20,000 pen
drawings each, so about one image in seven is real pen writing. Seeing the pen digits more
in the whole network read new writers better, but MNIST gave way each time (see the README:
``--additions-per-epoch 1``, ``--pen-weight 2``). Here the network's first stages stay as
trained, and only conv4 and the final linear layer (the stages adapting to a user's examples
refits, :mod:`mnist_desk.examples`) take ``steps`` small Adam steps, BatchNorm frozen, each
on 128 MNIST digits, 128 pen drawings and 64 non-digits (the recipe's own drawings, as the
first stages see them, without augmentation). Each image's log-sum-exp, the "not a digit"
score, is held near its value before (a squared difference), so the threshold chosen after
stays meaningful; non-digits are trained towards "unsure" with the recipe's outlier weight.

Chosen on the validation sets only (MNIST's validation part, the validation writers' pen
digits drawn once on a 280 px canvas, the validation kinds), from the shipped network:
pen digits 97.20 -> 98.50 %, MNIST 99.64 -> 99.66 %, non-digits said "not a digit" at the
0.4 % threshold 85.9 -> 85.8 %. Other settings gave the same within a digit or two: 1,500
steps 98.50 / 99.66 / 85.7 %, pen weight 2 98.50 / 99.66 / 86.2 %, 3,000 steps at 1e-3
98.40 / 99.68 / 85.3 %, no score anchor 98.60 / 99.64 / 86.5 %.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from mnist_desk.examples import tail_of, trunk_features
from mnist_desk.model import DigitNet
from mnist_desk.plain_adam import DecayingAdam
from training.data import NOT_A_DIGIT, Digits
from training.recipe import Recipe

STEPS = 1000  # the default recipe's tail_steps
LEARNING_RATE = 5e-4
BATCH = 128  # MNIST digits, and as many pen drawings, a step
NEGATIVE_BATCH = 64
SCORE_ANCHOR = 0.5


def split_training_set(train: Digits, core: int) -> tuple[Digits, Digits, np.ndarray]:
    """(MNIST, the additions' digits, the additions' non-digits) of a recipe's training set,
    whose first ``core`` images are MNIST (training_set appends the additions after them)."""
    added = train.labels[core:]
    digits = np.flatnonzero(added < NOT_A_DIGIT) + core
    others = np.flatnonzero(added == NOT_A_DIGIT) + core
    mnist = Digits(train.images[:core], train.labels[:core], train.source)
    return mnist, Digits(train.images[digits], train.labels[digits], train.source), train.images[others]


def refit_tail(
    model: DigitNet, train: Digits, core: int, recipe: Recipe, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Refit ``model``'s last two weighted stages in place, ``recipe.tail_steps`` steps with its
    label smoothing, outlier weight and seed; what was done, for the metadata."""
    started = time.perf_counter()
    steps = recipe.tail_steps
    mnist, pen, negatives = split_training_set(train, core)
    if not len(pen):
        raise ValueError("refitting the last stages needs the recipe's pen digits (pen_renders > 0)")
    device = next(model.parameters()).device
    # Contiguous on the CPU, as a loaded checkpoint is: the epochs run channels-last, whose
    # convolutions round differently, and `refit-tail` on the saved network must give the same bits.
    model = model.cpu().to(memory_format=torch.contiguous_format).eval()

    def features(images: np.ndarray) -> torch.Tensor:
        return trunk_features(model, np.asarray(images, dtype=np.float32) / 255.0)

    inputs = [features(mnist.images), features(pen.images)]
    sizes = [BATCH, BATCH]
    if len(negatives):  # a recipe without non-digits (--negatives 0) refits on the digits alone
        inputs.append(features(negatives))
        sizes.append(NEGATIVE_BATCH)
    labels = [torch.as_tensor(d.labels).long() for d in (mnist, pen)]
    tail = tail_of(model)  # in eval mode throughout, as adapting's is: BatchNorm keeps its statistics
    with torch.no_grad():
        before = [torch.logsumexp(tail(x), 1) for x in inputs]
    featured = time.perf_counter() - started
    optimiser = DecayingAdam(tail.parameters(), LEARNING_RATE, steps)
    generator = torch.Generator().manual_seed(recipe.seed)
    with torch.enable_grad():
        for _ in range(steps):
            picks = [torch.randint(len(x), (n,), generator=generator) for x, n in zip(inputs, sizes, strict=True)]
            logits = [tail(x[p]) for x, p in zip(inputs, picks, strict=True)]
            loss = sum(F.cross_entropy(lg, y[p], label_smoothing=recipe.label_smoothing)
                       for lg, y, p in zip(logits[:2], labels, picks[:2], strict=True))  # fmt: skip
            if len(logits) > 2:
                loss = loss + recipe.outlier_weight * -F.log_softmax(logits[2], 1).mean()  # the non-digits: unsure
            loss = loss + SCORE_ANCHOR * sum(F.mse_loss(torch.logsumexp(lg, 1), b[p])
                                             for lg, b, p in zip(logits, before, picks, strict=True))  # fmt: skip
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.load_state_dict({**model.state_dict(), **tail.state_dict()})
    model.to(device)
    seconds = time.perf_counter() - started
    log(f"last stages refitted with the pen digits weighed as MNIST: {steps} steps on {len(mnist):,} MNIST, "
        f"{len(pen):,} pen and {len(negatives):,} non-digit drawings ({featured:.0f} s features, {seconds:.0f} s in all)")  # fmt: skip
    return {"steps": steps, "learning_rate": LEARNING_RATE, "seconds": round(seconds, 1)}
