"""Running a trained network over many images: logits and predictions, in batches."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn


def images_to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images)).unsqueeze(1).float().div_(255)


class NonFiniteOutputs(ValueError):
    """The network gave NaN or infinite logits: no accuracy, temperature or threshold means anything."""


@torch.no_grad()
def logits_all(
    model: nn.Module,
    images: np.ndarray,
    device: torch.device,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> torch.Tensor:
    """The network's logits for every image, in batches, as a float CPU tensor (N, 10).

    ``progress`` is called with the number of images done after every batch.
    """
    model.eval()
    out = []
    for start in range(0, len(images), batch):
        x = images_to_tensor(images[start : start + batch]).to(device)
        out.append(model(x).float().cpu())
        if progress is not None:
            progress(min(start + batch, len(images)))
    logits = torch.cat(out) if out else torch.empty(0, 10)
    broken = int((~torch.isfinite(logits).all(1)).sum())
    if broken:  # argmax would call each of them 0, and the temperature fit would fail in L-BFGS
        raise NonFiniteOutputs(
            f"the network's outputs are not finite for {broken:,} of {len(images):,} images: its weights or "
            "statistics are damaged, or training diverged"
        )
    return logits


def predict_all(
    model: nn.Module,
    images: np.ndarray,
    device: torch.device,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Predicted class for every image, in batches."""
    return logits_all(model, images, device, batch, progress).argmax(1).numpy()
