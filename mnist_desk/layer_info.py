"""What every stage of a :class:`~mnist_desk.model.DigitNet` is, read from its modules.

Captions, shapes and receptive fields in the explain views come from here, so
any architecture (a preset, other kernel counts, a user's checkpoint) explains
itself correctly: nothing about a layer is hard-coded in a view. Qt-free.

Shapes come from one real forward pass of a dummy image (so they are what the
network produces, ``ceil_mode`` and all); windows, strides and paddings come
from the modules' own attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from mnist_desk.model import count_parameters

INPUT_SHAPE = (1, 28, 28)

# Nonlinearities a stage may end with, by the name the views print.
_ACTIVATIONS: dict[type[nn.Module], str] = {
    nn.ReLU: "relu",
    nn.Tanh: "tanh",
    nn.Sigmoid: "sigmoid",
    nn.LeakyReLU: "leaky_relu",
    nn.ELU: "elu",
    nn.GELU: "gelu",
}
_MAX_POOLS = (nn.MaxPool2d, nn.AdaptiveMaxPool2d)
_AVG_POOLS = (nn.AvgPool2d, nn.AdaptiveAvgPool2d)


@dataclass(frozen=True)
class StageInfo:
    """One named stage of a network, as the explain views describe it.

    Attributes
    ----------
    name
        The stage's name in the ``nn.Sequential`` ("conv1", "pool3", "fc1" ...).
    kind
        "conv", "pool", "global_pool", "flatten", "fc" or "dropout".
    input_shape, output_shape
        Without the batch dimension: (channels, height, width) or (features,).
    kernel, stride, padding
        The conv or pool window, its step and the zeros added on each side
        (top/bottom, left/right); None for stages without a window. A global
        pool's kernel is the whole input map it covers.
    pool
        "max" or "avg" for pool stages, else None.
    batchnorm
        Whether the stage normalises with BatchNorm after its conv or linear map.
    activation
        The stage's final nonlinearity ("relu", "tanh" ...), None if it has none.
    parameters
        Trainable and untrainable parameters of the stage (weights, biases, BN affine).
    dilation
        The conv's spacing between kernel taps; (1, 1) for every preset.
    """

    name: str
    kind: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    kernel: tuple[int, int] | None
    stride: tuple[int, int] | None
    padding: tuple[int, int] | None
    pool: str | None
    batchnorm: bool
    activation: str | None
    parameters: int
    dilation: tuple[int, int] = (1, 1)

    @property
    def is_map(self) -> bool:
        """True when the output is a stack of feature maps (C, H, W), not a vector."""
        return len(self.output_shape) == 3

    @property
    def in_channels(self) -> int:
        return self.input_shape[0]

    @property
    def out_channels(self) -> int:
        return self.output_shape[0]


def _pair(value: int | tuple[int, ...]) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    if len(value) == 1:
        return (int(value[0]), int(value[0]))
    return (int(value[0]), int(value[1]))


def _conv_padding(conv: nn.Conv2d) -> tuple[int, int]:
    # Conv2d also accepts padding="same"/"valid"; torch then pads d*(k-1) in
    # total, the smaller half before (top/left), which is what we report.
    if isinstance(conv.padding, str):
        if conv.padding == "valid":
            return (0, 0)
        kh, kw = _pair(conv.kernel_size)
        dh, dw = _pair(conv.dilation)
        return (dh * (kh - 1) // 2, dw * (kw - 1) // 2)
    return _pair(conv.padding)


def _activation(stage: nn.Module) -> str | None:
    last = None
    for module in stage.modules():
        for cls, name in _ACTIVATIONS.items():
            if isinstance(module, cls):
                last = name
    return last


def _describe(name: str, stage: nn.Module, shape_in: tuple[int, ...], shape_out: tuple[int, ...]) -> StageInfo:
    modules = list(stage.modules())
    convs = [m for m in modules if isinstance(m, nn.Conv2d)]
    linears = [m for m in modules if isinstance(m, nn.Linear)]
    pools = [m for m in modules if isinstance(m, _MAX_POOLS + _AVG_POOLS)]
    batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in modules)
    common = dict(
        name=name,
        input_shape=shape_in,
        output_shape=shape_out,
        batchnorm=batchnorm,
        activation=_activation(stage),
        parameters=count_parameters(stage),
    )
    if convs:
        conv = convs[0]
        if len(convs) > 1 or pools or linears:
            raise ValueError(f"stage {name!r} mixes several layers; the explain views need one per stage")
        return StageInfo(
            kind="conv",
            kernel=_pair(conv.kernel_size),
            stride=_pair(conv.stride),
            padding=_conv_padding(conv),
            pool=None,
            dilation=_pair(conv.dilation),
            **common,
        )
    if pools:
        pool = pools[0]
        kind_of_pool = "max" if isinstance(pool, _MAX_POOLS) else "avg"
        if isinstance(pool, nn.AdaptiveMaxPool2d | nn.AdaptiveAvgPool2d):
            return _adaptive(pool, kind_of_pool, common)
        if _pair(getattr(pool, "dilation", 1)) != (1, 1):
            raise ValueError(f"stage {name!r}: dilated pooling is not supported")
        kernel = _pair(pool.kernel_size)
        return StageInfo(
            kind="pool",
            kernel=kernel,
            stride=_pair(pool.stride) if pool.stride else kernel,
            padding=_pair(pool.padding),
            pool=kind_of_pool,
            **common,
        )
    if linears:
        return StageInfo(kind="fc", kernel=None, stride=None, padding=None, pool=None, **common)
    if isinstance(stage, nn.Flatten):
        return StageInfo(kind="flatten", kernel=None, stride=None, padding=None, pool=None, **common)
    if isinstance(stage, nn.Dropout | nn.Dropout2d):
        return StageInfo(kind="dropout", kernel=None, stride=None, padding=None, pool=None, **common)
    raise ValueError(f"stage {name!r} ({type(stage).__name__}) is not a conv, pool, flatten, linear or dropout stage")


def _adaptive(pool: nn.Module, kind_of_pool: str, common: dict) -> StageInfo:
    _, h_in, w_in = common["input_shape"]
    _, h_out, w_out = common["output_shape"]
    if (h_out, w_out) == (1, 1):
        # One window over the whole map: say so, and give the window it covers.
        return StageInfo(
            kind="global_pool", kernel=(h_in, w_in), stride=(h_in, w_in), padding=(0, 0), pool=kind_of_pool, **common
        )
    if h_in % h_out or w_in % w_out:
        # Uneven adaptive windows overlap by different amounts; no single
        # kernel/stride describes them, and no preset needs them.
        raise ValueError(f"adaptive pooling {h_in}x{w_in} -> {h_out}x{w_out} has uneven windows; not supported")
    window = (h_in // h_out, w_in // w_out)
    return StageInfo(kind="pool", kernel=window, stride=window, padding=(0, 0), pool=kind_of_pool, **common)


def describe_stages(model: nn.Sequential) -> list[StageInfo]:
    """Describe every stage of ``model`` from its modules, in network order.

    Parameters
    ----------
    model
        A :class:`~mnist_desk.model.DigitNet` (any ``nn.Sequential`` of named
        stages that takes (N, 1, 28, 28) images works).

    Returns
    -------
    list[StageInfo]
        One entry per stage; shapes are those of a real forward pass.

    Raises
    ------
    ValueError
        For a stage the explain views cannot describe (several convs in one
        stage, uneven adaptive pooling, an unknown layer type).
    """
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    was_training = model.training
    # eval() so the dummy pass cannot move BatchNorm's running statistics.
    model.eval()
    try:
        infos = []
        x = torch.zeros((1, *INPUT_SHAPE), device=device)
        with torch.no_grad():
            for name, stage in model.named_children():
                y = stage(x)
                infos.append(_describe(name, stage, tuple(x.shape[1:]), tuple(y.shape[1:])))
                x = y
        return infos
    finally:
        model.train(was_training)


def stage_info(model: nn.Sequential, name: str) -> StageInfo:
    """The :class:`StageInfo` of one stage, by name."""
    for info in describe_stages(model):
        if info.name == name:
            return info
    raise KeyError(f"no stage named {name!r}")


def padding_name(info: StageInfo) -> str:
    """How a stage pads, in the words of the lecture notes.

    Returns
    -------
    str
        "valid" (no padding), "same" (stride 1 and padding that keeps the size),
        "full" (padding k - 1: every partial overlap counts), "p=2" or
        "p=(1, 2)" for anything else, and "" for stages without a window.
        A global pool is "valid".
    """
    if info.padding is None or info.kernel is None:
        return ""
    padding, kernel = info.padding, info.kernel
    dilation = info.dilation
    reach = tuple(d * (k - 1) for d, k in zip(dilation, kernel, strict=True))
    if padding == (0, 0):
        return "valid"
    if info.stride == (1, 1) and all(r % 2 == 0 and p == r // 2 for p, r in zip(padding, reach, strict=True)):
        return "same"
    if padding == reach:
        return "full"
    return f"p={padding[0]}" if padding[0] == padding[1] else f"p={padding}"


def window_text(info: StageInfo) -> str:
    """A short caption of a stage's window: "5×5, stride 1, same", "2×2 max, stride 2"."""
    if info.kernel is None or info.stride is None:
        return ""
    kh, kw = info.kernel
    text = f"{kh}×{kw}"
    if info.pool:
        text += f" {info.pool}"
    sh, sw = info.stride
    text += f", stride {sh}" if sh == sw else f", stride {sh}×{sw}"
    return f"{text}, {padding_name(info)}"


def shape_text(shape: tuple[int, ...]) -> str:
    """(32, 28, 28) -> "32×28×28"; (10,) -> "10"."""
    return "×".join(str(n) for n in shape)


__all__ = ["INPUT_SHAPE", "StageInfo", "describe_stages", "padding_name", "shape_text", "stage_info", "window_text"]
