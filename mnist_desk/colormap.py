"""Colour maps for activations and kernels, as numpy (Qt-free, testable).

Feature maps use viridis: perceptually uniform, readable in greyscale and by
colour-blind viewers. Kernels are signed, so they use a diverging blue-white-
red map centred on zero: an edge detector shows as a blue/red pair.
"""

from __future__ import annotations

import numpy as np

# A degree-6 polynomial fit of matplotlib's viridis per channel (max error
# under 1 %), so we need no matplotlib for one colour map.
_VIRIDIS = np.array(
    [
        [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
        [0.1050930431085774, 1.404613529898575, 1.384590162594685],
        [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
        [-4.634230498983486, -5.799100973351585, -19.33244095627987],
        [6.228269936347081, 14.17993336680509, 56.69055260068105],
        [4.776384997670288, -13.74514537774601, -65.35303263337234],
        [-5.435455855934631, 4.645852612178535, 26.3124352495832],
    ]
)
VIRIDIS_LUT = np.clip(sum(np.linspace(0, 1, 256)[:, None] ** i * _VIRIDIS[i] for i in range(7)) * 255, 0, 255).astype(
    np.uint8
)


def viridis(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map values in [lo, hi] to (..., 3) uint8 RGB."""
    span = hi - lo if hi > lo else 1.0
    index = np.clip((values - lo) / span * 255, 0, 255).astype(np.uint8)
    return VIRIDIS_LUT[index]


def diverging(values: np.ndarray, limit: float) -> np.ndarray:
    """Map signed values in [-limit, limit] to blue (negative) - white - red (positive)."""
    t = np.clip(values / (limit if limit > 0 else 1.0), -1, 1)[..., None]
    blue, white, red = np.array([33, 102, 172]), np.array([247, 247, 247]), np.array([178, 24, 43])
    rgb = np.where(t < 0, white + (blue - white) * -t, white + (red - white) * t)
    return rgb.astype(np.uint8)
