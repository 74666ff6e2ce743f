"""Where a unit looks: receptive fields, and every stage's output for one image.

Qt-free, numbers in, numbers out. The geometry is computed from the layer
stack (:mod:`mnist_desk.layer_info`), so it holds for any architecture.

A unit's receptive field follows from three numbers per axis, carried forward
from the input through every windowed stage (kernel ``k``, stride ``s``,
padding ``p``, dilation ``d``)::

    size'  = size + d (k - 1) * jump      how many input pixels one unit spans
    start' = start - p * jump             where unit 0's field begins (may be < 0)
    jump'  = jump * s                     how far apart neighbouring units' fields are

so unit ``i`` covers input pixels ``[start + i * jump, start + i * jump + size)``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from mnist_desk.layer_info import INPUT_SHAPE, StageInfo, describe_stages
from mnist_desk.model import DigitNet

INPUT = "input"  # the pseudo-stage before the first: the 28x28 image itself
SOFTMAX = "softmax"  # the pseudo-stage after the last: the ten probabilities

_STAGE_CACHE: weakref.WeakKeyDictionary[nn.Module, list[StageInfo]] = weakref.WeakKeyDictionary()


def unpack(predictor: Any) -> tuple[nn.Module, float]:
    """(model, softmax temperature) from a Predictor, or a bare model with T = 1.

    Raises
    ------
    ValueError
        If the model is in training mode: dropout would be random and
        BatchNorm would use (and move) batch statistics.
    """
    model = predictor.model if hasattr(predictor, "model") else predictor
    temperature = float(getattr(predictor, "temperature", 1.0))
    if model.training:
        raise ValueError("explain needs the model in eval mode (model.eval())")
    return model, temperature


def stages_of(model: Any) -> list[StageInfo]:
    """:func:`describe_stages`, remembered per model (architectures never change in place)."""
    model = model.model if hasattr(model, "model") else model
    if model not in _STAGE_CACHE:
        _STAGE_CACHE[model] = describe_stages(model)
    return _STAGE_CACHE[model]


def stage_by_name(model: Any, stage: str) -> StageInfo:
    for info in stages_of(model):
        if info.name == stage:
            return info
    known = ", ".join(i.name for i in stages_of(model))
    raise KeyError(f"no stage named {stage!r} (stages: {known})")


def previous_stage(model: Any, stage: str) -> str:
    """The stage whose output feeds ``stage``; :data:`INPUT` for the first."""
    names = [i.name for i in stages_of(model)]
    index = names.index(stage_by_name(model, stage).name)
    return names[index - 1] if index else INPUT


@dataclass(frozen=True)
class FieldGeometry:
    """Per axis (rows, columns): unit i covers input [start + i*jump, start + i*jump + size).

    ``whole`` is True where a global pool or a vector stage has mixed every
    position together: then every unit sees the whole image.
    """

    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[int, int]
    whole: bool = False

    def span(self, y: int, x: int) -> tuple[int, int, int, int]:
        """Unclipped (top, left, bottom, right) of unit (y, x); may hang over the image."""
        if self.whole:
            return (0, 0, INPUT_SHAPE[1], INPUT_SHAPE[2])
        top = self.start[0] + y * self.jump[0]
        left = self.start[1] + x * self.jump[1]
        return (top, left, top + self.size[0], left + self.size[1])

    def clipped(self, y: int, x: int) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) of unit (y, x), clipped to the 28x28 input: plain
        arithmetic, so a view can hold the geometry of every stage and ask on each hover."""
        top, left, bottom, right = self.span(y, x)
        h, w = INPUT_SHAPE[1:]
        return (max(top, 0), max(left, 0), min(bottom, h), min(right, w))

    def centre(self, index: float, axis: int) -> float:
        """The input coordinate (pixel edges: pixel r spans [r, r + 1)) at the centre of unit ``index``."""
        return self.start[axis] + index * self.jump[axis] + self.size[axis] / 2


def field_geometry(model: Any, stage: str) -> FieldGeometry:
    """The receptive-field geometry of ``stage``'s units, from the layer stack."""
    size, jump, start = [1, 1], [1, 1], [0, 0]
    if stage == INPUT:
        return FieldGeometry((1, 1), (1, 1), (0, 0))
    stage_by_name(model, stage)  # a clear KeyError for an unknown name
    for info in stages_of(model):
        if info.kind == "global_pool" or not info.is_map:
            return FieldGeometry(tuple(size), tuple(jump), tuple(start), whole=True)
        if info.kernel is not None and info.stride is not None and info.padding is not None:
            for axis in (0, 1):
                size[axis] += info.dilation[axis] * (info.kernel[axis] - 1) * jump[axis]
                start[axis] -= info.padding[axis] * jump[axis]
                jump[axis] *= info.stride[axis]
        if info.name == stage:
            break
    return FieldGeometry(tuple(size), tuple(jump), tuple(start))


def copied_from(stages: Sequence[StageInfo], stage: str, index: int) -> tuple[str, int, int, int] | None:
    """A flattened element's origin: the map stage and unit (name, channel, y, x) whose value it is a
    copy of (through dropout too, the identity when predicting); None for any other stage.

    Flatten only copies: element 77 of LeNet-5's flatten is unit (3, 0, 2) of its last pool and sees
    what that unit sees, not the whole image (a lecturer's review).
    """
    names = [info.name for info in stages]
    if stage not in names:
        return None
    start = at = names.index(stage)
    while at >= 0 and stages[at].kind in ("flatten", "dropout") and not stages[at].is_map:
        at -= 1
    if at == start or at < 0 or not stages[at].is_map:
        return None
    shape = stages[at].output_shape
    if not 0 <= index < int(np.prod(shape)):
        return None
    channel, y, x = (int(i) for i in np.unravel_index(index, shape))
    return stages[at].name, channel, y, x


def receptive_field(model: Any, stage: str, y: int, x: int) -> tuple[int, int, int, int]:
    """The input pixels that can influence unit (y, x) of ``stage``.

    Parameters
    ----------
    model
        A DigitNet (or a Predictor: its model is used).
    stage
        A stage name, or ``"input"`` (then the field is the pixel itself).
    y, x
        The unit's row and column in the stage's output map; ignored for
        vector stages, given as the whole image (a fully connected unit sees all of it; a
        flattened element sees what the map unit it copies sees: :func:`copied_from`).

    Returns
    -------
    tuple[int, int, int, int]
        (top, left, bottom, right) in 28x28 input coordinates, bottom and right
        exclusive, clipped to the image. Padding makes fields near the border
        smaller than ``size`` after clipping.
    """
    return field_geometry(model, stage).clipped(y, x)


def _as_batch(image28: np.ndarray, device: torch.device) -> torch.Tensor:
    image = np.ascontiguousarray(image28, dtype=np.float32)
    if image.shape != INPUT_SHAPE[1:]:
        raise ValueError(f"expected a (28, 28) input, got {image.shape}")
    return torch.from_numpy(image).view(1, *INPUT_SHAPE).to(device)


def _device(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


@torch.inference_mode()
def stage_outputs(predictor: Any, image28: np.ndarray, until: str | None = None) -> dict[str, np.ndarray]:
    """Every stage's output for one (28, 28) input in [0, 1], without the batch axis.

    ``until`` stops after that stage (the stages after it are not run).

    Returns
    -------
    dict[str, numpy.ndarray]
        ``"input"`` (the image as the first stage reads it: normalised with
        DigitNet.normalise), then each stage by name, in network order,
        float32. Each array is copied as soon as its stage has run, because a
        later in-place ReLU may overwrite the tensor it came from.
    """
    model, _ = unpack(predictor)
    x = DigitNet.normalise(_as_batch(image28, _device(model)))
    outputs = {INPUT: x[0].float().cpu().numpy().copy()}
    for name, stage in model.named_children():
        x = stage(x)
        outputs[name] = x[0].float().cpu().numpy().copy()
        if name == until:
            break
    return outputs


def vector_activations(predictor: Any, image28: np.ndarray) -> dict[str, np.ndarray]:
    """The outputs of the vector stages (flatten, fc, dropout after flatten), by name.

    ``Prediction.activations`` holds only the conv and pool maps; the network
    overview draws these too. The last entry is the logits (before the
    temperature and the softmax).
    """
    outputs = stage_outputs(predictor, image28)
    return {info.name: outputs[info.name] for info in stages_of(predictor) if not info.is_map}


__all__ = [
    "INPUT",
    "SOFTMAX",
    "FieldGeometry",
    "copied_from",
    "field_geometry",
    "previous_stage",
    "receptive_field",
    "stage_by_name",
    "stage_outputs",
    "stages_of",
    "unpack",
    "vector_activations",
]
