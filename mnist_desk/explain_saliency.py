"""Why this answer: which pixels of the 28x28 input drove a class score.

Four methods, all plain torch autograd or forward passes (no extra library):

``"gradcam"``
    Grad-CAM (Selvaraju et al. 2017) on the last conv stage: each channel
    weighted by the mean gradient of the score over its map, summed, ReLU.
    The coarse map is upsampled to 28x28 by placing each unit at the centre of
    its receptive field and interpolating bilinearly between centres, so a
    valid-padded network (twoconv's 8x8 conv2) lines up with the strokes.
``"gradient"``
    Plain input gradient magnitude ``|d score / d pixel|``: where changing a
    pixel (adding ink too) would move the score most.
``"input_x_gradient"``
    ``max(0, pixel * d score / d pixel)``: the ink that pushes the score up.
``"occlusion"``
    Blank a 5x5 patch (set it to background, 0) at every 2nd position and
    record how much the score falls; each pixel gets the mean fall of the
    patches covering it. Patches over blank background are skipped (their
    fall is exactly 0), so it is one batched forward pass of the patches that
    touch ink: 65-105 of the 169 for a drawn 1, 7, 4 or 8.

The score is the target's logit, or ``logit[target] - logit[versus]`` for
"why target and not versus". Logits, not probabilities: the temperature only
scales them, and a saturated softmax would give vanishing gradients.

Every map is non-negative and divided by its maximum (all zero stays zero).

Measured on the bundled model (default, 117,834 parameters) on this shared
2-core CPU, a drawn 7, median of 50 calls (``docs/explain/measure_explain.py``;
one prediction with activations takes 1.3 ms on the same run):
gradcam 2.4 ms, gradient 3.2 ms, input_x_gradient 3.1 ms, occlusion 56 ms
(2 torch threads; with 1 thread 2.6 / 3.9 / 3.7 / 94 ms). With two threads
the p90 jumps to 13-300 ms whenever the other tenants of the CPU are busy.
So Grad-CAM and gradients fit the live budget after every prediction;
occlusion belongs after the stroke ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mnist_desk.explain_fields import _as_batch, _device, field_geometry, stages_of, unpack
from mnist_desk.model import DigitNet

METHODS = ("gradcam", "gradient", "input_x_gradient", "occlusion")
OCCLUSION_PATCH = 5
OCCLUSION_STRIDE = 2


def _score(logits: torch.Tensor, target: int, versus: int | None) -> torch.Tensor:
    score = logits[:, target]
    return score - logits[:, versus] if versus is not None else score


def last_conv_stage(predictor: Any) -> str:
    """The name of the last conv stage: where Grad-CAM looks."""
    convs = [i.name for i in stages_of(predictor) if i.kind == "conv"]
    if not convs:
        raise ValueError("the model has no conv stage for Grad-CAM")
    return convs[-1]


def _upsample_by_centres(cam: np.ndarray, predictor: Any, stage: str) -> np.ndarray:
    geometry = field_geometry(predictor, stage)
    pixel = np.arange(28) + 0.5  # pixel centres, in the same edge coordinates
    axes = []
    for axis, n in enumerate(cam.shape):
        centres = np.array([geometry.centre(i, axis) for i in range(n)])
        axes.append(np.interp(pixel, centres, np.arange(n)))  # fractional unit index, clamped at the ends
    rows, cols = axes
    r0 = np.clip(np.floor(rows).astype(int), 0, cam.shape[0] - 1)
    c0 = np.clip(np.floor(cols).astype(int), 0, cam.shape[1] - 1)
    r1 = np.minimum(r0 + 1, cam.shape[0] - 1)
    c1 = np.minimum(c0 + 1, cam.shape[1] - 1)
    fr, fc = (rows - r0)[:, None], (cols - c0)[None, :]
    top = cam[np.ix_(r0, c0)] * (1 - fc) + cam[np.ix_(r0, c1)] * fc
    bottom = cam[np.ix_(r1, c0)] * (1 - fc) + cam[np.ix_(r1, c1)] * fc
    return top * (1 - fr) + bottom * fr


def _gradcam(model: torch.nn.Module, predictor: Any, x: torch.Tensor, target: int, versus: int | None) -> np.ndarray:
    stage = last_conv_stage(predictor)
    h = DigitNet.normalise(x)
    maps = None
    for name, module in model.named_children():
        h = module(h)
        if name == stage:
            maps = h
            h = h.clone()  # a later in-place op must not overwrite the maps we differentiate
    (grads,) = torch.autograd.grad(_score(h, target, versus).sum(), maps)
    weights = grads[0].mean(dim=(1, 2))
    cam = torch.relu((weights[:, None, None] * maps[0]).sum(0)).detach().cpu().double().numpy()
    return _upsample_by_centres(cam, predictor, stage)


def _input_gradient(model: torch.nn.Module, x: torch.Tensor, target: int, versus: int | None) -> np.ndarray:
    x = x.clone().requires_grad_(True)
    # autograd.grad (not backward) so no gradient lands in the weights' .grad.
    (grad,) = torch.autograd.grad(_score(model(x), target, versus).sum(), x)
    return grad[0, 0].detach().cpu().double().numpy()


@torch.no_grad()
def _occlusion(model: torch.nn.Module, x: torch.Tensor, target: int, versus: int | None) -> np.ndarray:
    k, step = OCCLUSION_PATCH, OCCLUSION_STRIDE
    starts = sorted(set(range(0, 28 - k + 1, step)) | {28 - k})  # the last start reaches the border
    image = x[0, 0].cpu().numpy()
    # A patch over blank background changes nothing (it greys out zeros), so its
    # drop is exactly 0 and it need not be run: a drawing covers a fraction of the frame.
    positions = [(r, c) for r in starts for c in starts if image[r : r + k, c : c + k].any()]
    batch = x.repeat(len(positions) + 1, 1, 1, 1)
    for i, (r, c) in enumerate(positions, start=1):
        batch[i, 0, r : r + k, c : c + k] = 0.0
    scores = _score(model(batch), target, versus).double().cpu().numpy()
    total = np.zeros((28, 28))
    for drop, (r, c) in zip(scores[0] - scores[1:], positions, strict=True):
        total[r : r + k, c : c + k] += drop
    count = np.zeros((28, 28))
    for r in starts:
        for c in starts:
            count[r : r + k, c : c + k] += 1
    return total / count


def saliency(
    predictor: Any, image28: np.ndarray, target: int, versus: int | None = None, method: str = "gradcam"
) -> np.ndarray:
    """A (28, 28) map of how much each input pixel drove ``target``'s score.

    Parameters
    ----------
    predictor
        A Predictor (or a DigitNet in eval mode).
    image28
        The (28, 28) input in [0, 1] (``Prediction.input``).
    target
        The class to explain, 0-9.
    versus
        Another class: explain "why ``target`` and not ``versus``" with the
        logit difference as the score. None explains ``target`` alone.
    method
        One of :data:`METHODS` (see the module docstring).

    Returns
    -------
    numpy.ndarray
        (28, 28) float64, non-negative, maximum 1 (all zero when nothing
        supports the score).
    """
    if method not in METHODS:
        raise ValueError(f"unknown saliency method {method!r} (known: {', '.join(METHODS)})")
    model, _ = unpack(predictor)
    n_classes = stages_of(model)[-1].output_shape[0]
    for c in (target, versus):
        if c is not None and not 0 <= c < n_classes:
            raise ValueError(f"class {c} is outside 0..{n_classes - 1}")
    if versus == target:
        return np.zeros((28, 28))
    x = _as_batch(image28, _device(model))
    with torch.enable_grad():
        if method == "gradcam":
            result = _gradcam(model, predictor, x, target, versus)
        elif method == "gradient":
            result = np.abs(_input_gradient(model, x, target, versus))
        elif method == "input_x_gradient":
            result = _input_gradient(model, x, target, versus) * np.asarray(image28, dtype=np.float64)
    if method == "occlusion":
        result = _occlusion(model, x, target, versus)
    result = np.maximum(result, 0.0)
    peak = float(result.max())
    return result / peak if peak > 0 else np.zeros((28, 28))


__all__ = ["METHODS", "OCCLUSION_PATCH", "OCCLUSION_STRIDE", "last_conv_stage", "saliency"]
