"""After the last epoch: fit the temperature and the "not a digit" threshold on
validation data, and read the test set once for the report.

Used by ``train`` at the end of a run and by ``calibrate`` on any finished
checkpoint, so both write the same metadata.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from training.calibrate import calibrate
from training.data import Digits
from training.evaluate import logits_all
from training.pendigits import VALIDATION_WRITERS
from training.recipe_data import ValidationSets
from training.reject import choose_threshold, digit_score


def tune(model: nn.Module, device: torch.device, validation: ValidationSets, test: Digits) -> tuple[dict, torch.Tensor]:
    """(metadata: temperature, calibration, reject; the test set's logits)."""
    logits = {
        "mnist_validation": logits_all(model, validation.mnist.images, device),
        "pen_validation": logits_all(model, validation.pen.images, device),
        "non_digits": logits_all(model, validation.negatives, device),
        "mnist_test": logits_all(model, test.images, device),
    }
    fit = (
        torch.cat([logits["mnist_validation"], logits["pen_validation"]]),
        np.concatenate([validation.mnist.labels, validation.pen.labels]),
    )
    fitted_on = (f"MNIST validation part ({len(validation.mnist):,} images) and pen digits of validation writers "
                 f"{', '.join(map(str, VALIDATION_WRITERS))} ({len(validation.pen):,}, drawn on a 280 px canvas)")  # fmt: skip
    calibration = calibrate(fit, fitted_on, {"mnist_test": (logits["mnist_test"], test.labels)})
    temperature = calibration["temperature"]
    scores = {name: digit_score(value) for name, value in logits.items()}
    reject: dict[str, Any] = choose_threshold(
        {"mnist_validation": scores["mnist_validation"], "pen_validation": scores["pen_validation"]},
        scores["non_digits"],
    )
    # Measured, not chosen on: how often a real MNIST test digit would be called "not a digit".
    reject["mnist_test_rejected"] = round(float((scores["mnist_test"] < reject["threshold"]).mean()), 4)
    meta = {"temperature": temperature, "calibration": calibration, "reject": reject}
    return meta, logits["mnist_test"]
