"""The exponential moving average of the weights, warmed up so that a short run's average has learned."""

from __future__ import annotations

from collections.abc import Callable

import torch


def warm_ema(decay: float) -> Callable[[list[torch.Tensor], list[torch.Tensor], torch.Tensor], None]:
    """An exponential moving average whose decay warms up as min(decay, (1 + t) / (10 + t)).

    With a fixed 0.999 the average of a short run (141 steps) had barely left
    the random initial weights: 95.9 % train accuracy, 11.8 % test. Warmed up,
    it follows the weights closely at first and averages over ~1,000 steps
    only once there are that many.
    """

    @torch.no_grad()
    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], updates: torch.Tensor) -> None:
        t = int(updates)
        d = min(decay, (1 + t) / (10 + t))
        for avg, cur in zip(averaged, current, strict=True):
            if avg.is_floating_point():
                avg.lerp_(cur, 1 - d)
            else:
                avg.copy_(cur)  # counters such as BatchNorm's num_batches_tracked

    return update
