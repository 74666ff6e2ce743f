"""Choosing when the app says "not a digit".

The score is the shown (calibrated) probability of the top digit. A network
trained with outlier exposure is unsure on letters, shapes and scribbles, so
their top probability is low; real digits' is high. The threshold is the
score below which only ``false_reject`` of the validation digits (MNIST's
validation part and the validation writers' pen digits) fall. The rejection
rate of the validation non-digits is recorded beside it; the test kinds and
test writers are never looked at here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

FALSE_REJECT = 0.004  # of validation digits: a margin under the 1 % the product allows on unseen writers


def top_probability(logits: torch.Tensor, temperature: float) -> np.ndarray:
    return torch.softmax(logits.float() / temperature, 1).max(1).values.numpy()


def choose_threshold(
    digit_scores: dict[str, np.ndarray], negative_scores: np.ndarray, false_reject: float = FALSE_REJECT
) -> dict[str, Any]:
    """The "not a digit" rule: threshold, and what it does on the data it was chosen on."""
    pooled = np.concatenate(list(digit_scores.values()))
    threshold = float(np.quantile(pooled, false_reject)) if len(pooled) else 0.0
    return {
        "score": "top probability",
        "threshold": threshold,
        "chosen_on": f"{false_reject * 100:.1f} % of {len(pooled):,} validation digits below it",
        "validation": {
            **{f"{name}_rejected": round(float((s < threshold).mean()), 4) for name, s in digit_scores.items()},
            "non_digits_rejected": round(float((negative_scores < threshold).mean()), 4),
            "non_digits": int(len(negative_scores)),
        },
    }
