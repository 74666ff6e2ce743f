"""The CNN architectures, built by name from a :class:`ModelConfig`.

This is the only model definition in the project: training and the app both
import it, and a checkpoint stores the config so the loader rebuilds the exact
network that produced the weights.

Every network is an ``nn.Sequential`` of *named stages* (``conv1``, ``pool1``,
``fc1`` ...). A stage may hold several modules (a conv with its BatchNorm and
ReLU): the stage's output is what the app shows as that layer's feature maps,
and its name is the label.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

# MNIST pixel statistics. Normalising inside the model means every caller feeds
# plain [0, 1] images and a checkpoint can never be paired with the wrong stats.
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081


@dataclass(frozen=True)
class ModelConfig:
    """What is needed to rebuild a network: its architecture and its widths.

    Parameters
    ----------
    arch
        A name from :data:`ARCHITECTURES`.
    channels
        Kernel counts of the conv layers, in order; empty means the preset's own.
    """

    arch: str = "default"
    channels: tuple[int, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"arch": self.arch, "channels": list(self.channels)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        try:
            return cls(arch=str(data["arch"]), channels=tuple(int(c) for c in data.get("channels", ())))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"invalid model_args {data!r}: {exc}") from exc


class DigitNet(nn.Sequential):
    """A sequence of named stages that takes (N, 1, 28, 28) images in [0, 1]."""

    def __init__(self, config: ModelConfig, stages: OrderedDict[str, nn.Module]) -> None:
        super().__init__(stages)
        self.config = config

    @staticmethod
    def normalise(x: torch.Tensor) -> torch.Tensor:
        """What the first stage receives for images in [0, 1]: MNIST's mean and spread taken out."""
        return (x - MNIST_MEAN) / MNIST_STD

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return super().forward(self.normalise(x))

    def forward_with_activations(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return the logits and the output of every conv and pool stage, by name."""
        x = self.normalise(x)
        activations: dict[str, torch.Tensor] = {}
        for name, stage in self.named_children():
            x = stage(x)
            if is_feature_stage(name):
                activations[name] = x
        return x, activations


def is_feature_stage(name: str) -> bool:
    """Conv and pool stages produce feature maps; the rest are vectors."""
    return name.startswith(("conv", "pool"))


def final_linear(model: nn.Module) -> nn.Linear:
    """The layer that turns features into the ten logits (the last nn.Linear)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears or linears[-1].out_features != 10:
        raise ValueError("this network has no final linear layer with 10 outputs")
    return linears[-1]


def first_conv(model: nn.Module, stage: str) -> nn.Conv2d:
    """The ``nn.Conv2d`` inside a conv stage (the kernels that made its maps)."""
    module = getattr(model, stage)
    convs = [m for m in module.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(f"stage {stage!r} has no convolution")
    return convs[0]


def _conv(cin: int, cout: int, k: int, pad: int, bn: bool = False) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, padding=pad, bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def _pick(channels: tuple[int, ...], defaults: tuple[int, ...]) -> tuple[int, ...]:
    if not channels:
        return defaults
    if len(channels) != len(defaults):
        raise ValueError(f"expected {len(defaults)} kernel counts, got {len(channels)}")
    if any(c < 1 for c in channels):
        raise ValueError(f"kernel counts must be positive, got {channels}")
    return channels


def _twoconv(ch: tuple[int, ...]) -> OrderedDict[str, nn.Module]:
    # The lecture notes' first network: two valid 5x5 convs, 28 -> 24 -> 12 -> 8 -> 4.
    c1, c2 = _pick(ch, (6, 12))
    return OrderedDict(
        conv1=_conv(1, c1, 5, 0),
        pool1=nn.MaxPool2d(2),
        conv2=_conv(c1, c2, 5, 0),
        pool2=nn.MaxPool2d(2),
        flatten=nn.Flatten(),
        fc1=nn.Linear(c2 * 4 * 4, 10),
    )


def _lenet5(ch: tuple[int, ...]) -> OrderedDict[str, nn.Module]:
    c1, c2 = _pick(ch, (6, 16))
    return OrderedDict(
        conv1=_conv(1, c1, 5, 2),
        pool1=nn.MaxPool2d(2),
        conv2=_conv(c1, c2, 5, 0),
        pool2=nn.MaxPool2d(2),
        flatten=nn.Flatten(),
        fc1=nn.Sequential(nn.Linear(c2 * 5 * 5, 120), nn.ReLU(inplace=True)),
        fc2=nn.Sequential(nn.Linear(120, 84), nn.ReLU(inplace=True)),
        fc3=nn.Linear(84, 10),
    )


def _bn_tanh(ch: tuple[int, ...]) -> OrderedDict[str, nn.Module]:
    # BatchNorm keeps its conv bias here (the notes' Keras model counts it: 442,446).
    (c1,) = _pick(ch, (32,))
    conv1 = nn.Sequential(nn.Conv2d(1, c1, 5, padding=2), nn.BatchNorm2d(c1), nn.ReLU(inplace=True))
    return OrderedDict(
        conv1=conv1,
        pool1=nn.MaxPool2d(2),
        flatten=nn.Flatten(),
        fc1=nn.Sequential(nn.Linear(c1 * 14 * 14, 70), nn.Tanh()),
        fc2=nn.Sequential(nn.Linear(70, 30), nn.Tanh()),
        fc3=nn.Linear(30, 10),
    )


def _deep_dropout(ch: tuple[int, ...]) -> OrderedDict[str, nn.Module]:
    c1, c2, c3, c4 = _pick(ch, (32, 32, 64, 64))
    return OrderedDict(
        conv1=_conv(1, c1, 5, 2),
        conv2=_conv(c1, c2, 5, 2),
        pool1=nn.MaxPool2d(2),
        drop1=nn.Dropout(0.25),
        conv3=_conv(c2, c3, 3, 1),
        conv4=_conv(c3, c4, 3, 1),
        pool2=nn.MaxPool2d(2),
        drop2=nn.Dropout(0.25),
        flatten=nn.Flatten(),
        fc1=nn.Sequential(nn.Linear(c4 * 7 * 7, 1024), nn.ReLU(inplace=True)),
        drop3=nn.Dropout(0.5),
        fc2=nn.Linear(1024, 10),
    )


def _default(ch: tuple[int, ...]) -> OrderedDict[str, nn.Module]:
    # Our shipped design: BatchNorm convs, pooling early so the expensive 3x3
    # layers run at 14x14 and 7x7, and a global max-pool head that needs few
    # parameters and is indifferent to where in the frame a stroke feature sits.
    c1, c2, c3, c4 = _pick(ch, (32, 48, 64, 128))
    return OrderedDict(
        conv1=_conv(1, c1, 5, 2, bn=True),
        pool1=nn.MaxPool2d(2),
        conv2=_conv(c1, c2, 3, 1, bn=True),
        conv3=_conv(c2, c3, 3, 1, bn=True),
        pool2=nn.MaxPool2d(2),
        conv4=_conv(c3, c4, 3, 1, bn=True),
        pool3=nn.AdaptiveMaxPool2d(1),
        flatten=nn.Flatten(),
        fc1=nn.Linear(c4, 10),
    )


ARCHITECTURES: dict[str, Callable[[tuple[int, ...]], OrderedDict[str, nn.Module]]] = {
    "default": _default,
    "twoconv": _twoconv,
    "lenet5": _lenet5,
    "bn-tanh": _bn_tanh,
    "deep-dropout": _deep_dropout,
}


def build_model(config: ModelConfig | str = "default") -> DigitNet:
    """Build the network a config (or a bare architecture name) describes."""
    if isinstance(config, str):
        config = ModelConfig(arch=config)
    try:
        factory = ARCHITECTURES[config.arch]
    except KeyError:
        known = ", ".join(ARCHITECTURES)
        raise ValueError(f"unknown architecture {config.arch!r} (known: {known})") from None
    return DigitNet(config, factory(config.channels))


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def layer_table(model: DigitNet) -> list[tuple[str, tuple[int, ...], int]]:
    """(stage name, output shape without batch, parameters) for every stage."""
    rows = []
    x = torch.zeros(1, 1, 28, 28)
    model = model.eval()
    with torch.no_grad():
        for name, stage in model.named_children():
            x = stage(x)
            rows.append((name, tuple(x.shape[1:]), count_parameters(stage)))
    return rows


__all__ = [
    "ARCHITECTURES",
    "DigitNet",
    "ModelConfig",
    "build_model",
    "count_parameters",
    "first_conv",
    "is_feature_stage",
    "layer_table",
]
