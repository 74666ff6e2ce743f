"""A checkpoint loaded for the window: the predictor plus what the views show
about it, computed once, off the GUI thread. Qt-free.

The views receive plain data (layer descriptions, kernel weights as numpy
arrays), so nothing in the GUI thread touches torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_desk.checkpoint_error import CheckpointError
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
    predictor = Predictor(path)
    check_outputs_finite(predictor)
    return describe_model(predictor)


def probe_inputs() -> np.ndarray:
    """Three (28, 28) inputs a network must answer with numbers: blank paper, a stroke down the
    middle (a 1), and a ring (a 0)."""
    blank = np.zeros((28, 28), np.float32)
    one = blank.copy()
    one[4:24, 13:15] = 1.0
    rows, columns = np.mgrid[:28, :28]
    ring = (np.abs(np.hypot(rows - 13.5, columns - 13.5) - 8) < 1.5).astype(np.float32)
    return np.stack([blank, one, ring])


def check_outputs_finite(predictor: Predictor) -> None:
    """Refuse a network that answers ordinary drawings with NaN or infinity.

    Finite weights can do that (a BatchNorm variance of -1, a bias of 3e38); the checkpoint
    checks pass them, and the window showed "0?  Not sure: nan %" with every bar "nan %"
    (a hostile review). The command line refuses such a network when it reads with it.
    """
    probabilities = predictor.read(probe_inputs())[0]
    if not np.isfinite(probabilities).all():
        raise CheckpointError(
            f"{predictor.path}: the network's outputs are not finite (NaN or infinite) for plain drawings: "
            "its weights or BatchNorm statistics are damaged"
        )


__all__ = ["LoadedModel", "check_outputs_finite", "describe_model", "load_model_file"]
