"""A checkpoint loaded for the window: the predictor plus what the views show
about it, computed once, off the GUI thread. Qt-free.

The views receive plain data (layer descriptions, kernel weights as numpy
arrays), so nothing in the GUI thread touches torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_desk.explain_fields import FieldGeometry, field_geometry
from mnist_desk.inference import Predictor
from mnist_desk.layer_info import StageInfo, describe_stages


@dataclass(frozen=True)
class LoadedModel:
    """A predictor and the facts about its network that the window shows.

    Attributes
    ----------
    predictor
        Runs the network (on the worker thread).
    stages
        Every stage, from :func:`mnist_desk.layer_info.describe_stages`.
    kernels
        Conv stage name -> its weights, (out_channels, in_channels, k, k) float32.
    geometry
        Stage name -> the receptive-field geometry of its units: plain
        arithmetic afterwards, so the GUI thread can answer every hover.
    """

    predictor: Predictor
    stages: tuple[StageInfo, ...]
    kernels: dict[str, np.ndarray] = field(repr=False)
    geometry: dict[str, FieldGeometry] = field(default_factory=dict, repr=False)

    @property
    def first_kernels(self) -> np.ndarray | None:
        """The first stage's kernels when it is a conv over the one-channel image (the ones
        a classic kernel can be compared with), else None."""
        first = self.stages[0] if self.stages else None
        if first is None or first.kind != "conv" or first.in_channels != 1:
            return None
        return self.kernels[first.name]

    @property
    def map_stages(self) -> list[StageInfo]:
        """The stages whose feature maps the window shows (conv and pool), in order."""
        shown = set(self.predictor.feature_stages)
        return [stage for stage in self.stages if stage.name in shown]


def describe_model(predictor: Predictor) -> LoadedModel:
    """Describe an already loaded predictor's network."""
    stages = tuple(describe_stages(predictor.model))
    kernels = {stage.name: predictor.kernels(stage.name) for stage in stages if stage.kind == "conv"}
    geometry = {stage.name: field_geometry(predictor.model, stage.name) for stage in stages}
    return LoadedModel(predictor, stages, kernels, geometry)


def load_model_file(path: Path | None) -> LoadedModel:
    """Load a checkpoint (the bundled model for None) and describe it.

    Raises
    ------
    CheckpointError
        When the file is not a usable checkpoint (the message says why).
    """
    return describe_model(Predictor(path))


__all__ = ["LoadedModel", "describe_model", "load_model_file"]
