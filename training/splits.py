"""Which data may be used for what: training, choosing, measuring.

MNIST's training set is split once into a training part and a validation
part (a fixed random 5,000 images); the validation part, with the pen
digits of the validation writers, fits the probability temperature and the
"not a digit" threshold. The MNIST test set and the test writers are only
ever measured, never fitted on.
"""

from __future__ import annotations

import numpy as np

from training.data import Digits

MNIST_VALIDATION = 5000
SPLIT_SEED = 20261123  # fixed: changing it would move images between training and validation


def mnist_validation_split(train: Digits, count: int = MNIST_VALIDATION) -> tuple[Digits, Digits]:
    """(training part, validation part) of MNIST's 60,000 training images, always the same ones."""
    if len(train) <= count:
        raise ValueError(f"need more than {count} training images to hold {count} out, have {len(train)}")
    order = np.random.default_rng(SPLIT_SEED).permutation(len(train))
    held, kept = np.sort(order[:count]), np.sort(order[count:])
    return (
        Digits(train.images[kept], train.labels[kept], f"{train.source}[train part]"),
        Digits(train.images[held], train.labels[held], f"{train.source}[validation part]"),
    )
