"""The adapter's hand-written Adam gives torch.optim's bits (see mnist_desk/plain_adam.py for why)."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mnist_desk.plain_adam import DecayingAdam


def a_network() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(4, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(), nn.Linear(128, 10))


@pytest.mark.parametrize(("lr", "steps"), [(2e-3, 40), (0.05, 7)])
def test_decaying_adam_matches_torch_adam_with_a_linear_decay(lr, steps):
    ours, theirs = a_network(), a_network()
    theirs.load_state_dict(copy.deepcopy(ours.state_dict()))
    reference = torch.optim.Adam(theirs.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(reference, lambda step: 1 - step / steps)
    optimiser = DecayingAdam(ours.parameters(), lr, steps)
    generator = torch.Generator().manual_seed(1)
    for step in range(steps):
        x, y = torch.randn(16, 4, 6, 6, generator=generator), torch.randint(10, (16,), generator=generator)
        optimiser.zero_grad()
        reference.zero_grad(set_to_none=True)
        F.cross_entropy(ours(x), y).backward()
        F.cross_entropy(theirs(x), y).backward()
        if step == 3:  # a parameter without a gradient in one step is left alone by both
            ours[4].bias.grad = theirs[4].bias.grad = None
        optimiser.step()
        reference.step()
        schedule.step()
    for mine, reference_param in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(mine, reference_param)
    assert not torch.equal(ours[4].weight, a_network()[4].weight)  # it did move


def test_the_rate_falls_to_nothing_by_the_last_step():
    weight = nn.Parameter(torch.ones(3))
    optimiser = DecayingAdam([weight], lr=1.0, steps=2)
    for _ in range(2):
        optimiser.zero_grad()
        (weight * torch.tensor([1.0, -2.0, 0.0])).sum().backward()
        optimiser.step()
    # Step 1 moves by the full rate against the gradient's sign (Adam's first step), step 2 by half.
    assert torch.allclose(weight, torch.tensor([1 - 1.5, 1 + 1.5, 1.0]), atol=1e-6)
