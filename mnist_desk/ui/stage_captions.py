"""Captions for a layer, in the current language, derived from the layer itself.

Every number in a caption (window, stride, padding, shapes) comes from the
:class:`~mnist_desk.layer_info.StageInfo` of the stage shown, never from what
our own architectures happen to use: a global max-pool says so, a 3x3 pool
with stride 1 says so, for any checkpoint.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication

from mnist_desk.layer_info import StageInfo, padding_name


def unbroken_range(text: str) -> str:
    """``text`` with each "lo … hi" range held on one line (no-break spaces): a wrapped caption had
    broken one as "(−0.15 … / +0.15)", which reads as two values."""
    return text.replace(" … ", "\u00a0…\u00a0")


def _pair(values: tuple[int, int]) -> str:
    a, b = values
    return f"{a}×{b}"


def _stride(info: StageInfo) -> str:
    sh, sw = info.stride or (1, 1)
    return str(sh) if sh == sw else f"{sh}×{sw}"


def _map_size(shape: tuple[int, ...]) -> str:
    return _pair((shape[1], shape[2])) if len(shape) == 3 else "×".join(map(str, shape))


# How the views print a stage's nonlinearity (the names of the lecture notes, in every language).
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU", "gelu": "GELU"}


def activation_name(name: str) -> str:
    return ACTIVATION_NAMES.get(name, name)


def window_caption(info: StageInfo, name_pool: bool = True) -> str:
    """A stage's window in a few words: "5×5, stride 1, “same” padding", "2×2 max pool, stride 2, no padding".

    The translated counterpart of :func:`mnist_desk.layer_info.window_text`; "" for stages without a window.
    ``name_pool=False`` leaves out "max pool" where the layer's kind was just named ("max pooling, 2×2, …").
    """
    if info.kernel is None or info.stride is None:
        return ""
    window = _pair(info.kernel)
    if not name_pool:
        pass
    elif info.pool == "max":
        window = QCoreApplication.translate("StageCaptions", "{window} max pool").format(window=window)
    elif info.pool == "avg":
        window = QCoreApplication.translate("StageCaptions", "{window} average pool").format(window=window)
    text = QCoreApplication.translate("StageCaptions", "{window}, stride {stride}, {padding}")
    return text.format(window=window, stride=_stride(info), padding=padding_text(info, short=True))


def stage_kind(info: StageInfo) -> str:
    """What kind of layer a stage is, in words ("convolution", "max pooling" ...)."""
    if info.kind == "pool":
        if info.pool == "max":
            return QCoreApplication.translate("StageCaptions", "max pooling")
        return QCoreApplication.translate("StageCaptions", "average pooling")
    if info.kind == "global_pool":
        if info.pool == "max":
            return QCoreApplication.translate("StageCaptions", "global max pooling")
        return QCoreApplication.translate("StageCaptions", "global average pooling")
    kinds = {
        "conv": QCoreApplication.translate("StageCaptions", "convolution"),
        "flatten": QCoreApplication.translate("StageCaptions", "the maps laid out as one vector"),
        "fc": QCoreApplication.translate("StageCaptions", "fully connected"),
        "dropout": QCoreApplication.translate("StageCaptions", "dropout (passes everything through when predicting)"),
    }
    return kinds.get(info.kind, info.kind)


def padding_text(info: StageInfo, short: bool = False) -> str:
    """The padding in words: "no padding (“valid”)", "“same” padding (the size is kept)", "padding 2";
    ``short`` leaves out the explanations in brackets."""
    name = padding_name(info)
    if name == "valid":
        if short:
            return QCoreApplication.translate("StageCaptions", "no padding")
        return QCoreApplication.translate("StageCaptions", "no padding (“valid”)")
    if name == "same":
        if short:
            return QCoreApplication.translate("StageCaptions", "“same” padding")
        return QCoreApplication.translate("StageCaptions", "“same” padding (the size is kept)")
    if name == "full":
        return QCoreApplication.translate("StageCaptions", "“full” padding")
    top, left = info.padding or (0, 0)
    amount = str(top) if top == left else f"{top}×{left}"
    return QCoreApplication.translate("StageCaptions", "padding {amount}").format(amount=amount)


def pool_placeholder(info: StageInfo) -> str:
    """What the kernel view says for a pool stage, which has no weights."""
    window = _pair(info.kernel or (1, 1))
    if info.kind == "global_pool":
        if info.pool == "max":
            text = QCoreApplication.translate(
                "StageCaptions", "No weights:\nthe largest value of each whole {window} map"
            )
        else:
            text = QCoreApplication.translate("StageCaptions", "No weights:\nthe average of each whole {window} map")
    elif info.pool == "max":
        text = QCoreApplication.translate("StageCaptions", "No weights:\nthe largest value of each {window} window")
    else:
        text = QCoreApplication.translate("StageCaptions", "No weights:\nthe average of each {window} window")
    return text.format(window=window)


def pool_caption(info: StageInfo) -> str:
    """A sentence on what a pool stage does, with its window, stride, padding and shapes."""
    values = {
        "name": info.name,
        "window": _pair(info.kernel or (1, 1)),
        "stride": _stride(info),
        "padding": padding_text(info),
        "size_in": _map_size(info.input_shape),
        "size_out": _map_size(info.output_shape),
    }
    if info.kind == "global_pool":
        if info.pool == "max":
            text = QCoreApplication.translate(
                "StageCaptions",
                "{name} is a global max pool: it keeps the largest value of each whole {size_in} map, "
                "one number per channel ({size_out}).",
            )
        else:
            text = QCoreApplication.translate(
                "StageCaptions",
                "{name} is a global average pool: it keeps the average of each whole {size_in} map, "
                "one number per channel ({size_out}).",
            )
    elif info.pool == "max":
        text = QCoreApplication.translate(
            "StageCaptions",
            "{name} keeps the largest value of each {window} window, stride {stride}, {padding}: "
            "each {size_in} map becomes {size_out}.",
        )
    else:
        text = QCoreApplication.translate(
            "StageCaptions",
            "{name} keeps the average of each {window} window, stride {stride}, {padding}: "
            "each {size_in} map becomes {size_out}.",
        )
    return text.format(**values)


def kernel_caption(info: StageInfo, channel: int, kernel: np.ndarray) -> str:
    """A sentence on the kernel that made one channel of a conv stage."""
    inputs = kernel.shape[0]
    if inputs == 1:
        over = QCoreApplication.translate("StageCaptions", "over the input image")
    else:
        over = QCoreApplication.translate("StageCaptions", "over each of the {count} input channels").format(
            count=inputs
        )
    text = QCoreApplication.translate(
        "StageCaptions",
        "Kernel {channel}: {window} weights {over}, stride {stride}, {padding} "
        "(blue negative, red positive, {lo} … {hi}).",
    )
    return unbroken_range(text).format(
        channel=channel,
        window=_pair(info.kernel or kernel.shape[-2:]),
        over=over,
        stride=_stride(info),
        padding=padding_text(info),
        lo=f"{kernel.min():+.2f}".replace("-", "−"),  # a real minus sign, as the diagrams print
        hi=f"{kernel.max():+.2f}".replace("-", "−"),
    )


def map_caption(layer: str, channel: int, maps: np.ndarray) -> str:
    """One feature map: its layer, channel, size and value range."""
    h, w = maps.shape[1:]
    text = QCoreApplication.translate("StageCaptions", "{layer}, channel {channel}: {size}, values {lo} … {hi}")
    return unbroken_range(text).format(
        layer=layer, channel=channel, size=f"{h}×{w}", lo=f"{maps[channel].min():.2f}", hi=f"{maps[channel].max():.2f}"
    )


__all__ = [
    "ACTIVATION_NAMES",
    "activation_name",
    "kernel_caption",
    "map_caption",
    "padding_text",
    "pool_caption",
    "pool_placeholder",
    "stage_kind",
    "unbroken_range",
    "window_caption",
]
