"""Predictor: a checkpoint loaded once, answering with frozen Predictions.

Qt-free and torch-at-the-edge: callers (the window, the CLI) hand in images
and get numpy arrays and dataclasses back, never tensors.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from mnist_desk.checkpoint import LoadedCheckpoint, check_reject_threshold, load_checkpoint
from mnist_desk.model import final_linear, first_conv, is_feature_stage
from mnist_desk.nearest_example import nearest
from mnist_desk.preprocess import preprocess
from mnist_desk.resources import bundled_model_path

if TYPE_CHECKING:
    from mnist_desk.examples import Adaptation
    from mnist_desk.nearest_example import ExampleIndex, NearestExample


@dataclass(frozen=True)
class Prediction:
    """What the network made of one image.

    ``activations`` maps every conv and pool stage name to its output,
    (channels, height, width) float32, in network order.
    """

    probabilities: np.ndarray
    input: np.ndarray
    activations: dict[str, np.ndarray] = field(repr=False)
    seconds: float = 0.0
    # The network was unsure enough to call this "not a digit" (a letter, a
    # shape, a scribble): ``digit`` is then only the nearest one.
    not_a_digit: bool = False
    # The user's example it looks most like, when the network was adapted to examples.
    nearest_example: NearestExample | None = field(default=None, repr=False)

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities.max())


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return "CPU"


class Predictor:
    def __init__(self, checkpoint: Path | str | None = None, device: str | None = None) -> None:
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.checkpoint: LoadedCheckpoint = load_checkpoint(checkpoint or bundled_model_path(), map_location="cpu")
        self.model = self.checkpoint.model.to(self.device).eval()
        self.feature_stages = [name for name, _ in self.model.named_children() if is_feature_stage(name)]
        self._kernels: dict[str, np.ndarray] = {}
        # Fitted after training (training/calibrate.py) so that "90 % sure" is
        # right about 90 % of the time; 1.0 for checkpoints that predate it.
        self.temperature = float(self.meta.get("temperature", 1.0))
        # Below this log-sum-exp of the logits the drawing is "not a digit"
        # (training/reject.py); checkpoints that predate it never reject.
        # ``reject = False`` turns the check off.
        self.reject_threshold = check_reject_threshold(self.meta.get("reject"), self.path)
        self.reject = True
        self.adaptation: Adaptation | None = None
        self.examples_index: ExampleIndex | None = None  # set on a predictor adapted to examples

    def _answer(self, logits: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities (N, 10) and "not a digit" flags (N,) for a batch of logits."""
        logits = logits.float()
        probabilities = torch.softmax(logits / self.temperature, 1).cpu().numpy().astype(np.float64)
        if not self.reject or self.reject_threshold is None:
            return probabilities, np.zeros(len(logits), dtype=bool)
        return probabilities, (self._margins(logits) < 0).cpu().numpy()

    def _margins(self, logits: torch.Tensor) -> torch.Tensor:
        """The log-sum-exp of each row of logits less the "not a digit" threshold (set)."""
        return torch.logsumexp(logits.float(), 1) - self.reject_threshold

    def adapted(self, adaptation: Adaptation | None) -> Predictor:
        """This predictor with its last stages refitted to the user's examples (None: as trained).

        The original is untouched; the copy shares the checkpoint and device.
        """
        from mnist_desk.examples import with_adaptation

        twin = copy.copy(self)
        base = self if self.adaptation is None else self._base
        twin._base = base
        twin.model = base.model if adaptation is None else with_adaptation(base.model, adaptation)
        twin.adaptation = adaptation
        twin.examples_index = None  # the caller indexes the examples with the twin's own network
        # Its own kernels: the shared cache had kept conv4's weights from before adapting, and
        # the feature-map view showed them beside conv4's adapted maps (an audit).
        twin._kernels = {} if adaptation is not None else base._kernels
        return twin

    @property
    def arch(self) -> str:
        return self.checkpoint.config.arch

    @property
    def meta(self) -> dict[str, Any]:
        return self.checkpoint.meta

    @property
    def device_name(self) -> str:
        return _device_name(self.device)

    @property
    def path(self) -> Path:
        return self.checkpoint.path

    def describe(self) -> str:
        """A one-line label: 'default, 99.62 % on MNIST test'."""
        accuracy = self.meta.get("test_accuracy")
        # Metadata is the checkpoint's word, not ours: show only an accuracy that can be one.
        if isinstance(accuracy, int | float) and not isinstance(accuracy, bool) and 0 <= accuracy <= 1:
            return f"{self.arch}, {accuracy * 100:.2f} % on MNIST test"
        return self.arch

    def kernels(self, stage: str) -> np.ndarray:
        """The weights of a conv stage, (out_channels, in_channels, k, k) float32."""
        if stage not in self._kernels:
            conv = first_conv(self.model, stage)
            self._kernels[stage] = conv.weight.detach().cpu().numpy().astype(np.float32)
        return self._kernels[stage]

    def conv_kernels(self) -> dict[str, np.ndarray]:
        """:meth:`kernels` of every conv stage, by name."""
        convs = [
            name
            for name, stage in self.model.named_children()
            if any(isinstance(m, torch.nn.Conv2d) for m in stage.modules())
        ]
        return {name: self.kernels(name) for name in convs}

    @torch.inference_mode()
    def predict_input(self, image28: np.ndarray) -> Prediction:
        """Classify an already preprocessed (28, 28) input, with activations."""
        started = time.perf_counter()
        x = torch.from_numpy(np.ascontiguousarray(image28, dtype=np.float32)).view(1, 1, 28, 28).to(self.device)
        final: list[torch.Tensor] = []
        with self._final_inputs_into(final) if self.examples_index is not None else contextlib.nullcontext():
            logits, activations = self.model.forward_with_activations(x)
        probabilities, not_a_digit = self._answer(logits)
        maps = {name: a[0].float().cpu().numpy() for name, a in activations.items()}
        answer = int(np.argmax(probabilities[0]))
        like = nearest(self.examples_index, final[0][0].float().cpu().numpy(), answer) if final else None
        return Prediction(probabilities[0], image28, maps, time.perf_counter() - started, bool(not_a_digit[0]), like)

    @contextlib.contextmanager
    def _final_inputs_into(self, into: list[torch.Tensor]):
        """While inside, what the final linear layer receives is appended to ``into`` (in this
        thread only: a forward pass another thread runs meanwhile is not ours)."""
        caller = threading.get_ident()

        def keep(_module: torch.nn.Module, args: tuple[torch.Tensor, ...]) -> None:
            if threading.get_ident() == caller:
                into.append(args[0])

        hook = final_linear(self.model).register_forward_pre_hook(keep)
        try:
            yield into
        finally:
            hook.remove()

    @torch.inference_mode()
    def final_features(self, inputs: np.ndarray, batch: int = 512) -> np.ndarray:
        """What the final linear layer receives for each preprocessed input (N, 28, 28) -> (N, D):
        the features the ten scores are weighed from (pool3's 128 for the default network)."""
        out: list[torch.Tensor] = []
        with self._final_inputs_into(out):
            for start in range(0, len(inputs), batch):
                x = torch.from_numpy(np.ascontiguousarray(inputs[start : start + batch], dtype=np.float32))
                self.model(x.unsqueeze(1).to(self.device))
        if not out:
            return np.zeros((0, final_linear(self.model).in_features), np.float32)
        return torch.cat([o.float().cpu().reshape(len(o), -1) for o in out]).numpy()

    def predict(self, image: Any) -> Prediction:
        """Preprocess any image (PIL or numpy) and classify it.

        Raises ``EmptyImageError`` for an image with no ink.
        """
        started = time.perf_counter()
        prediction = self.predict_input(preprocess(image))
        return dataclasses.replace(prediction, seconds=time.perf_counter() - started)

    def read(self, inputs: np.ndarray, batch: int = 512) -> tuple[np.ndarray, np.ndarray]:
        """Many preprocessed inputs (N, 28, 28) -> probabilities (N, 10) and "not a digit" flags (N,)."""
        probabilities, rejected, _ = self.assess(inputs, batch)
        return probabilities, rejected

    def read_nearest(
        self, inputs: np.ndarray, batch: int = 512
    ) -> tuple[np.ndarray, np.ndarray, list[NearestExample | None]]:
        """:meth:`read`, and for each input the example it is most like (None without examples),
        from one pass through the network: the final layer's inputs are kept on the way."""
        final: list[torch.Tensor] = []
        with self._final_inputs_into(final) if self.examples_index is not None else contextlib.nullcontext():
            probabilities, rejected = self.read(inputs, batch)
        if not final:
            return probabilities, rejected, [None] * len(probabilities)
        features = torch.cat([f.float().cpu().reshape(len(f), -1) for f in final]).numpy()
        answers = probabilities.argmax(1)
        return (
            probabilities,
            rejected,
            [nearest(self.examples_index, f, int(a)) for f, a in zip(features, answers, strict=True)],
        )

    def margins(self, inputs: np.ndarray) -> np.ndarray:
        """How far above the "not a digit" threshold each preprocessed input (N, 28, 28) reads:
        the log-sum-exp of its logits less the threshold (inf for checkpoints without one)."""
        return self.assess(inputs)[2]

    @torch.inference_mode()
    def assess(self, inputs: np.ndarray, batch: int = 512) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`read` and :meth:`margins` of the same inputs, from one pass through the network."""
        probabilities, rejected, margins = [], [], []
        for start in range(0, len(inputs), batch):
            x = torch.from_numpy(np.ascontiguousarray(inputs[start : start + batch], dtype=np.float32))
            logits = self.model(x.unsqueeze(1).to(self.device))
            p, r = self._answer(logits)
            probabilities.append(p)
            rejected.append(r)
            if self.reject_threshold is None:
                margins.append(np.full(len(x), np.inf))
            else:
                margins.append(self._margins(logits).cpu().numpy())
        if not probabilities:
            return np.zeros((0, 10)), np.zeros(0, dtype=bool), np.zeros(0)
        return np.concatenate(probabilities), np.concatenate(rejected), np.concatenate(margins)

    def probabilities(self, inputs: np.ndarray, batch: int = 512) -> np.ndarray:
        """Class probabilities for many preprocessed inputs (N, 28, 28) -> (N, 10)."""
        return self.read(inputs, batch)[0]
