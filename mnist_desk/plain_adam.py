"""Adam with a linearly decaying rate, as ``torch.optim.Adam`` computes it on the CPU.

Why not ``torch.optim`` itself: its first use in a process imports
``torch._dynamo`` (every optimiser's ``__init__`` and ``step`` are wrapped to
keep the compiler out), which took 1.0-1.7 s here. ``mnist-desk predict
--examples`` adapts once per process and is allowed 3 s in all, so that import
was a third of the budget. The window warms the fit up in the background, so it
never noticed.

The arithmetic is torch's single-tensor Adam (no weight decay, no amsgrad),
operation for operation, and ``LambdaLR(lambda step: 1 - step / steps)`` for the
rate: ``tests/test_plain_adam.py`` checks that both give the same bits.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


class DecayingAdam:
    """Adam over ``params`` whose rate falls linearly from ``lr`` towards 0 over ``steps`` steps."""

    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float,
        steps: int,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.steps, self.betas, self.eps = lr, steps, betas, eps
        self.taken = 0  # steps, for the rate
        self.counts = [0] * len(self.params)  # each parameter's own steps (one without a gradient skips)
        self.exp_avg = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        beta1, beta2 = self.betas
        # LambdaLR computes the rate as base rate x factor, the factor from the steps taken so far.
        lr = self.lr * (1 - self.taken / self.steps)
        self.taken += 1
        for i, (param, exp_avg, exp_avg_sq) in enumerate(zip(self.params, self.exp_avg, self.exp_avg_sq, strict=True)):
            if param.grad is None:
                continue
            self.counts[i] += 1
            # torch keeps the count in a float32 tensor and reads it back as a Python float.
            count = torch.tensor(float(self.counts[i]), dtype=torch.float32).item()
            bias_correction1 = 1 - beta1**count
            bias_correction2_sqrt = (1 - beta2**count) ** 0.5
            grad = param.grad
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(self.eps)
            param.addcdiv_(exp_avg, denom, value=-(lr / bias_correction1))
