"""Batch augmentation that makes MNIST look like digits drawn on a canvas.

People draw with a mouse at any slant and stroke width, and they wobble. So
each batch gets a random affine jitter (rotation, scale, shear, shift), a
smooth elastic wobble, and a random thickening or thinning of the strokes.
Everything runs on whole batches with ``grid_sample``, so it costs a small
fraction of a training step even on a laptop CPU.

It lives in the app, not in ``training``, because adapting to the user's
examples (mnist_desk/examples.py) draws their variants with it too: the same
variety the network learned from, which read the validation writers better
than shifts, turns and slants alone (see examples.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    rotate_deg: float = 12.0
    scale: float = 0.12  # +-12 % size
    aspect: float = 0.10  # +-10 % width relative to height
    shear_deg: float = 15.0  # slant: the biggest style difference between writers
    shift_px: float = 2.0
    elastic_px: float = 1.2  # amplitude of the smooth wobble
    thicken_p: float = 0.2
    thin_p: float = 0.15


def augment_batch(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator | None = None) -> torch.Tensor:
    """Augment (N, 1, 28, 28) images in [0, 1]; returns a new tensor."""
    n, _, h, w = x.shape
    dev = x.device

    def uniform(scale: float, *shape: int) -> torch.Tensor:
        return (torch.rand(*shape, generator=generator) * 2 - 1).mul(scale).to(dev)

    angle = uniform(math.radians(cfg.rotate_deg), n)
    shear = uniform(math.radians(cfg.shear_deg), n)
    scale = 1 + uniform(cfg.scale, n)
    aspect = 1 + uniform(cfg.aspect, n)
    sx, sy = scale * aspect, scale / aspect
    cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear)
    # Output->input sampling matrix of rotate(shear(scale(x))) in normalised coordinates.
    theta = torch.zeros(n, 2, 3, device=dev)
    theta[:, 0, 0] = cos / sx
    theta[:, 0, 1] = (cos * tan - sin) / sy
    theta[:, 1, 0] = sin / sx
    theta[:, 1, 1] = (sin * tan + cos) / sy
    theta[:, :, 2] = uniform(2 * cfg.shift_px / w, n, 2)
    grid = F.affine_grid(theta, [n, 1, h, w], align_corners=False)

    if cfg.elastic_px > 0:
        # A 4x4 field of random displacements, smoothly upsampled: a hand's wobble.
        coarse = uniform(2 * cfg.elastic_px / w, n, 2, 4, 4)
        field = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)
        grid = grid + field.permute(0, 2, 3, 1)

    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    choice = torch.rand(n, generator=generator).to(dev)
    thicken = (choice < cfg.thicken_p).view(n, 1, 1, 1)
    thin = ((choice >= cfg.thicken_p) & (choice < cfg.thicken_p + cfg.thin_p)).view(n, 1, 1, 1)
    if thicken.any():
        dilated = F.max_pool2d(out, 3, stride=1, padding=1)
        # Half-strength dilation: a full 3x3 max turns MNIST's 2-3 px strokes into blobs.
        out = torch.where(thicken, 0.5 * (out + dilated), out)
    if thin.any():
        eroded = -F.max_pool2d(-out, 3, stride=1, padding=1)
        out = torch.where(thin, 0.5 * (out + eroded), out)
    return out.clamp_(0, 1)
