"""The arithmetic behind one unit, with the numbers of the current drawing.

For a conv unit: the window of the previous stage's output it reads, the
kernel, their element-wise products, the sum plus bias, then BatchNorm and
the nonlinearity, ending at the value the network produced. For a pool unit:
its window and where the maximum sits. For a fully connected unit: the inputs
that contribute most. For the softmax: logits, temperature, exponentials and
the normaliser. Qt-free; every number is computed here in float64 from the
network's own float32 tensors, and ``value`` is the network's own output, so a
view can show both and a test can check they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from mnist_desk.explain_fields import INPUT, SOFTMAX, previous_stage, stage_by_name, stage_outputs, unpack
from mnist_desk.layer_info import StageInfo
from mnist_desk.model import MNIST_MEAN, MNIST_STD


@dataclass(frozen=True)
class BatchNormStep:
    """``result = (x - mean) / sqrt(var + eps) * gamma + beta`` with the running statistics."""

    mean: float
    var: float
    eps: float
    gamma: float
    beta: float
    result: float


@dataclass(frozen=True)
class Contribution:
    """One input of a fully connected unit: ``product = value * weight``."""

    index: int
    value: float
    weight: float
    product: float


@dataclass(frozen=True)
class UnitArithmetic:
    """How unit (channel, y, x) of ``stage`` got its value.

    Attributes
    ----------
    stage, kind, channel, y, x
        The unit (``kind`` from :class:`~mnist_desk.layer_info.StageInfo`; for
        vector stages ``channel`` is the index and y = x = 0).
    source
        The stage whose output is read ("input" for the first stage).
    input_mean, input_std
        Set when the source is the image: the network first normalises every
        pixel as ``(pixel - mean) / std``, and ``inputs`` holds those numbers
        (so zero padding stands for a pixel of value ``mean``, not black).
    window
        (top, left, bottom, right) of the window in the source map's
        coordinates, unclipped: it may hang over the edge into the padding.
    inputs
        Conv: (C_in, kh, kw), zero where the window is padding. Pool: (1, kh,
        kw) of the unit's own channel (-inf padding for max, as torch pads).
        FC: the whole input vector. Flatten/dropout: the one value copied.
    kernel
        Conv: (C_in, kh, kw) weights; FC: the unit's weight row; else None.
    products
        ``inputs * kernel`` (conv, fc); None otherwise.
    bias
        The conv or linear bias, 0 when the layer has none.
    weighted_sum
        Conv/FC: ``products.sum() + bias``. Max pool: the maximum. Avg pool:
        the mean. Flatten/dropout (eval): the input value.
    batchnorm
        The BatchNorm step when the stage has one, else None.
    activation
        The stage's nonlinearity ("relu", "tanh" ...), None if it has none.
    activated
        This arithmetic's own end: ``weighted_sum`` through BatchNorm and the
        activation, computed here.
    value
        The unit as the network itself produced it (``Prediction.activations``).
    max_position
        Max pool: (dy, dx) of the maximum inside the window; else None.
    top_contributions
        FC: the inputs with the largest ``|product|``, largest first.
    source_shape
        The shape of what the stage reads: (C, H, W) for a map, (N,) for a vector.
    source_unit
        Flatten of a map: the (channel, y, x) its element was copied from (with
        ``source_shape``, the order of flattening can be shown).
    padded
        Conv and pool: (kh, kw) True where the window hangs over the source
        map's edge (the padding); None for other stages.
    """

    stage: str
    kind: str
    channel: int
    y: int
    x: int
    source: str
    window: tuple[int, int, int, int] | None
    inputs: np.ndarray
    kernel: np.ndarray | None
    products: np.ndarray | None
    bias: float
    weighted_sum: float
    batchnorm: BatchNormStep | None
    activation: str | None
    activated: float
    value: float
    pool: str | None = None
    max_position: tuple[int, int] | None = None
    top_contributions: tuple[Contribution, ...] = ()
    input_mean: float | None = None
    input_std: float | None = None
    # False for a conv or linear layer built without a bias (before BatchNorm, whose beta
    # does its job): "+ bias 0.000" would suggest a bias was learned and came out 0.
    has_bias: bool = True
    source_shape: tuple[int, ...] = ()
    source_unit: tuple[int, int, int] | None = None
    padded: np.ndarray | None = None

    @property
    def reads_padding(self) -> bool:
        """True when a conv's window hangs over the source map's edge into the zero padding."""
        return self.kind == "conv" and self.padded is not None and bool(self.padded.any())


@dataclass(frozen=True)
class SoftmaxArithmetic:
    """``p_i = exp(z_i / T - m) / sum_j exp(z_j / T - m)`` with ``m = max_j z_j / T``.

    Subtracting ``m`` changes no probability (it cancels in the fraction) and
    keeps ``exp`` from overflowing for a small temperature.
    """

    logits: np.ndarray
    temperature: float
    scaled: np.ndarray  # z / T
    shift: float  # m
    exponentials: np.ndarray
    normaliser: float
    probabilities: np.ndarray


def _layers(stage: nn.Module) -> tuple[nn.Module | None, nn.Module | None, nn.Module | None]:
    """(conv or linear, batchnorm, activation) of a stage, checked to run in that order."""
    order = [m for m in stage.modules() if not isinstance(m, nn.Sequential)]
    linear = next((m for m in order if isinstance(m, nn.Conv2d | nn.Linear)), None)
    norm = next((m for m in order if isinstance(m, nn.modules.batchnorm._BatchNorm)), None)
    rest = [m for m in order if m is not linear and m is not norm]
    if len(rest) > 1 or (norm is not None and order.index(norm) < order.index(linear)):
        raise ValueError("a stage must be conv/linear, then BatchNorm, then one activation")
    return linear, norm, rest[0] if rest else None


def _batchnorm_step(norm: nn.Module, channel: int, x: float) -> BatchNormStep:
    mean = float(norm.running_mean[channel])
    var = float(norm.running_var[channel])
    gamma = float(norm.weight[channel].detach()) if norm.weight is not None else 1.0
    beta = float(norm.bias[channel].detach()) if norm.bias is not None else 0.0
    result = (x - mean) / np.sqrt(var + norm.eps) * gamma + beta
    return BatchNormStep(mean, var, float(norm.eps), gamma, beta, float(result))


def _activate(module: nn.Module | None, x: float) -> float:
    if module is None:
        return x
    # The module itself, on one float64 number: exact for any nonlinearity.
    with torch.no_grad():
        return float(module(torch.tensor([x], dtype=torch.float64)))


def _window(
    source: np.ndarray, info: StageInfo, y: int, x: int, fill: float
) -> tuple[np.ndarray, tuple[int, int, int, int], np.ndarray]:
    """The (C, kh, kw) window unit (y, x) reads, ``fill`` where it hangs over the edge; its
    bounds; and (kh, kw) True where it hangs over (the padding)."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = info.kernel, info.stride, info.padding, info.dilation
    top, left = y * sh - ph, x * sw - pw
    rows = top + dh * np.arange(kh)
    cols = left + dw * np.arange(kw)
    _, h, w = source.shape
    inside = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
    window = source[:, np.clip(rows, 0, h - 1)][:, :, np.clip(cols, 0, w - 1)].astype(np.float64)
    window[:, ~inside] = fill
    return window, (top, left, int(rows[-1]) + 1, int(cols[-1]) + 1), ~inside


def _map_unit(info: StageInfo, module: nn.Module, source: np.ndarray, channel: int, y: int, x: int) -> dict:
    if info.kind == "conv":
        conv, norm, act = _layers(module)
        if conv.groups != 1:
            raise ValueError(f"{info.name}: grouped convolutions are not supported")
        inputs, window, padded = _window(source, info, y, x, 0.0)
        kernel = conv.weight[channel].detach().cpu().double().numpy()
        bias = float(conv.bias[channel].detach()) if conv.bias is not None else 0.0
        products = inputs * kernel
        weighted = float(products.sum()) + bias
        step = _batchnorm_step(norm, channel, weighted) if norm is not None else None
        activated = _activate(act, step.result if step else weighted)
        return dict(
            window=window, inputs=inputs, kernel=kernel, products=products, bias=bias, weighted_sum=weighted,
            batchnorm=step, activated=activated, has_bias=conv.bias is not None, padded=padded,
        )  # fmt: skip
    # Pools work channel by channel: the window of the unit's own channel.
    fill = -np.inf if info.pool == "max" else 0.0
    inputs, window, padded = _window(source[channel : channel + 1], info, y, x, fill)
    if info.pool == "max":
        dy, dx = np.unravel_index(int(np.argmax(inputs[0])), inputs.shape[1:])
        weighted, position = float(inputs[0, dy, dx]), (int(dy), int(dx))
    else:
        weighted, position = float(inputs.mean()), None
    return dict(
        window=window, inputs=inputs, kernel=None, products=None, bias=0.0, weighted_sum=weighted,
        batchnorm=None, activated=weighted, max_position=position, padded=padded,
    )  # fmt: skip


def _vector_unit(info: StageInfo, module: nn.Module, source: np.ndarray, index: int, top: int) -> dict:
    flat = source.reshape(-1).astype(np.float64)
    if info.kind in ("flatten", "dropout"):
        # Flatten copies C*H*W values into one row (channel by channel, each row by row);
        # dropout is the identity in eval.
        value = float(flat[index])
        unit = tuple(int(i) for i in np.unravel_index(index, source.shape)) if source.ndim == 3 else None
        return dict(window=None, inputs=flat[index : index + 1], kernel=None, products=None, bias=0.0,
                    weighted_sum=value, batchnorm=None, activated=value, source_unit=unit)  # fmt: skip
    linear, norm, act = _layers(module)
    weights = linear.weight[index].detach().cpu().double().numpy()
    bias = float(linear.bias[index].detach()) if linear.bias is not None else 0.0
    products = flat * weights
    weighted = float(products.sum()) + bias
    order = np.argsort(-np.abs(products), kind="stable")[:top]
    contributions = tuple(Contribution(int(i), float(flat[i]), float(weights[i]), float(products[i])) for i in order)
    step = _batchnorm_step(norm, index, weighted) if norm is not None else None
    return dict(
        window=None, inputs=flat, kernel=weights, products=products, bias=bias, weighted_sum=weighted,
        batchnorm=step, activated=_activate(act, step.result if step else weighted),
        top_contributions=contributions, has_bias=linear.bias is not None,
    )  # fmt: skip


def unit_arithmetic(
    predictor: Any, image28: np.ndarray, stage: str, channel: int, y: int = 0, x: int = 0, top: int = 10
) -> UnitArithmetic | SoftmaxArithmetic:
    """Explain how one unit of ``stage`` got its value on ``image28``.

    Parameters
    ----------
    predictor
        A Predictor (or a DigitNet in eval mode).
    image28
        The (28, 28) input in [0, 1], as ``Prediction.input`` holds it.
    stage
        A stage name, or ``"softmax"`` for the output probabilities (then the
        whole :class:`SoftmaxArithmetic` is returned; channel, y, x are ignored).
    channel, y, x
        The unit. For vector stages ``channel`` is the element index.
    top
        How many of a fully connected unit's inputs to list.

    Returns
    -------
    UnitArithmetic or SoftmaxArithmetic
    """
    if stage == SOFTMAX:
        return softmax_arithmetic(predictor, image28)
    model, _ = unpack(predictor)
    info = stage_by_name(model, stage)
    shape = info.output_shape
    unit = (channel, y, x) if info.is_map else (channel,)
    if len(unit) != len(shape) or not all(0 <= u < n for u, n in zip(unit, shape, strict=True)):
        raise IndexError(f"unit {unit} is outside {stage}'s output {shape}")
    outputs = stage_outputs(model, image28, until=stage)
    source_name = previous_stage(model, stage)
    source = outputs[source_name]
    module = getattr(model, stage)
    if info.is_map and info.kind in ("conv", "pool", "global_pool"):
        parts = _map_unit(info, module, source, channel, y, x)
    elif info.is_map:  # dropout on maps: the identity in eval, unit for unit
        value = float(source[channel, y, x])
        parts = dict(window=(y, x, y + 1, x + 1), inputs=np.array([[[value]]]), kernel=None, products=None,
                     bias=0.0, weighted_sum=value, batchnorm=None, activated=value)  # fmt: skip
    else:
        parts = _vector_unit(info, module, source, channel, top)
    from_image = source_name == INPUT
    return UnitArithmetic(
        stage=stage,
        kind=info.kind,
        channel=channel,
        y=y if info.is_map else 0,
        x=x if info.is_map else 0,
        source=source_name,
        activation=info.activation,
        value=float(outputs[stage][unit]),
        pool=info.pool,
        input_mean=MNIST_MEAN if from_image else None,
        input_std=MNIST_STD if from_image else None,
        source_shape=tuple(int(n) for n in source.shape),
        **parts,
    )


def softmax_arithmetic(predictor: Any, image28: np.ndarray) -> SoftmaxArithmetic:
    """The softmax with temperature, step by step, for one input."""
    model, temperature = unpack(predictor)
    outputs = stage_outputs(model, image28)
    logits = np.asarray(list(outputs.values())[-1], dtype=np.float64).reshape(-1)
    scaled = logits / temperature
    shift = float(scaled.max())
    exponentials = np.exp(scaled - shift)
    normaliser = float(exponentials.sum())
    return SoftmaxArithmetic(logits, temperature, scaled, shift, exponentials, normaliser, exponentials / normaliser)


__all__ = [
    "BatchNormStep",
    "Contribution",
    "SoftmaxArithmetic",
    "UnitArithmetic",
    "softmax_arithmetic",
    "unit_arithmetic",
]
