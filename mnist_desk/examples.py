"""The user's own labelled examples, and a network adapted to them.

A person whose 4s the network keeps misreading says the right digit; the
drawing is kept as ``examples/<digit>/<timestamp>.png`` in the user data
directory, a layout anyone can look at, tidy up or copy in a file manager.

Adapting refits only the network's last layer (the linear map from its
penultimate features to the ten logits), in well under a second:

* the features are the network's own, computed in eval mode, so BatchNorm
  statistics are never disturbed by a tiny batch (naive fine-tuning of the
  whole network on a handful of drawings made things worse in our probes);
* each example is seen in a few small random shifts, turns and slants, so
  one drawing teaches a style, not a pixel pattern;
* a replay set (MNIST digits and pen digits of training writers, bundled as
  ``resources/replay.npz``) is fitted alongside, and the weights are held
  near the original ones, so learning one person's 7 cannot unlearn
  everybody's 1.

Qt-free: the window calls this from a worker thread; the CLI from
``mnist-desk predict --examples DIR``.
"""

from __future__ import annotations

import copy
import datetime as _dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from mnist_desk.preprocess import EmptyImageError, ImageError, load_image, preprocess
from mnist_desk.resources import resource_path

# How many jittered copies of each example the head is fitted on, and how
# strongly the examples count against the replay set and the old weights.
# Chosen on the validation writers (20 examples each, 3 picks): weight 1 / 3
# and anchor 1e-2 / 1e-3 gave 99.06 / 99.49 / 99.31 / 99.42 % from 97.79 %,
# none making any writer worse; a nearest-example vote on top added 0.1 point
# but made one writer 0.4 point worse, so it is not used.
VARIANTS = 16
EXAMPLE_WEIGHT = 3.0
ANCHOR = 1e-2
STEPS = 60


def default_examples_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mnist-desk", appauthor=False)) / "examples"


# --- the store ---------------------------------------------------------------------------


@dataclass
class LoadedExamples:
    """Examples ready for adapting: 28x28 inputs, labels, and what was skipped and why."""

    inputs: np.ndarray  # (N, 28, 28) float32, as preprocess makes them
    labels: np.ndarray  # (N,) int64
    paths: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)


class ExampleStore:
    """``<root>/<digit>/<timestamp>.png``: the user's labelled drawings."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_examples_dir()

    def files(self) -> list[tuple[int, Path]]:
        """(digit, path) of every PNG in the digit folders, oldest first."""
        found = []
        for digit in range(10):
            folder = self.root / str(digit)
            if folder.is_dir():
                found += [(digit, p) for p in sorted(folder.iterdir()) if p.suffix.lower() == ".png" and p.is_file()]
        return found

    def count(self) -> int:
        return len(self.files())

    def add(self, drawing: np.ndarray, digit: int) -> Path:
        """Keep ``drawing`` (greyscale uint8, as the canvas holds it) as an example of ``digit``."""
        if not 0 <= int(digit) <= 9:
            raise ValueError(f"an example must be a digit 0-9, not {digit!r}")
        folder = self.root / str(int(digit))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{stamp}.png"
        tmp = folder / f".{stamp}.png.tmp"
        Image.fromarray(np.asarray(drawing, dtype=np.uint8)).save(tmp, format="PNG")
        os.replace(tmp, path)  # a crash mid-write never leaves half a PNG among the examples
        return path

    def load(self) -> LoadedExamples:
        """Every readable example, preprocessed; a bad or foreign file is skipped with a reason."""
        inputs, labels, paths, skipped = [], [], [], []
        for digit, path in self.files():
            try:
                inputs.append(preprocess(load_image(path)))
            except (ImageError, EmptyImageError) as exc:
                skipped.append(f"{path}: skipped ({exc})")
                continue
            labels.append(digit)
            paths.append(path)
        if self.root.is_dir():
            for stray in sorted(self.root.iterdir()):
                if not (stray.is_dir() and stray.name in {str(d) for d in range(10)}):
                    skipped.append(f"{stray}: skipped (not a digit folder 0-9)")
        stacked = np.stack(inputs).astype(np.float32) if inputs else np.zeros((0, 28, 28), np.float32)
        return LoadedExamples(stacked, np.array(labels, dtype=np.int64), paths, skipped)

    def forget(self) -> Path | None:
        """Move every example aside (returned, for :meth:`restore`); None if there were none."""
        if not self.root.exists():
            return None
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = self.root.with_name(f"{self.root.name}-forgotten-{stamp}")
        os.replace(self.root, aside)
        return aside

    def restore(self, aside: Path) -> None:
        """Undo :meth:`forget`: examples added since are kept too."""
        if not self.root.exists():
            os.replace(aside, self.root)
            return
        for digit, path in ExampleStore(aside).files():
            (self.root / str(digit)).mkdir(parents=True, exist_ok=True)
            os.replace(path, self.root / str(digit) / path.name)
        shutil.rmtree(aside, ignore_errors=True)

    @staticmethod
    def purge(aside: Path) -> None:
        """Delete forgotten examples for good."""
        shutil.rmtree(aside, ignore_errors=True)


# --- adapting the last layer ----------------------------------------------------------------


def last_linear(model: nn.Module) -> nn.Linear:
    """The layer that turns features into the ten logits (the last nn.Linear)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears or linears[-1].out_features != 10:
        raise ValueError("this network has no final linear layer with 10 outputs to adapt")
    return linears[-1]


@torch.no_grad()
def penultimate_features(model: nn.Module, inputs: np.ndarray | torch.Tensor, batch: int = 512) -> torch.Tensor:
    """What the last linear layer receives for each (28, 28) input, in eval mode."""
    head = last_linear(model)
    captured: list[torch.Tensor] = []
    hook = head.register_forward_hook(lambda _m, args, _out: captured.append(args[0].detach().flatten(1)))
    device = head.weight.device
    x = torch.as_tensor(np.asarray(inputs, dtype=np.float32)).reshape(-1, 1, 28, 28)
    try:
        model.eval()
        for start in range(0, len(x), batch):
            model(x[start : start + batch].to(device))
    finally:
        hook.remove()
    return torch.cat(captured).float().cpu() if captured else torch.zeros(0, head.in_features)


def jitter(inputs: np.ndarray, copies: int, generator: torch.Generator) -> torch.Tensor:
    """``copies`` small random shifts, turns, slants and size changes of each (28, 28) input."""
    x = torch.as_tensor(np.asarray(inputs, dtype=np.float32)).reshape(-1, 1, 28, 28).repeat_interleave(copies, 0)
    n = len(x)

    def uniform(scale: float) -> torch.Tensor:
        return (torch.rand(n, generator=generator) * 2 - 1) * scale

    angle, shear, scale = uniform(0.15), uniform(0.25), 1 + uniform(0.1)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = torch.cos(angle) / scale
    theta[:, 0, 1] = (torch.cos(angle) * torch.tan(shear) - torch.sin(angle)) / scale
    theta[:, 1, 0] = torch.sin(angle) / scale
    theta[:, 1, 1] = (torch.sin(angle) * torch.tan(shear) + torch.cos(angle)) / scale
    theta[:, :, 2] = torch.stack([uniform(0.1), uniform(0.1)], 1)
    theta[::copies] = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]])  # the example itself, untouched
    grid = F.affine_grid(theta, [n, 1, 28, 28], align_corners=False)
    return F.grid_sample(x, grid, align_corners=False).clamp_(0, 1)


@dataclass(frozen=True)
class Adaptation:
    """A refitted last layer and how it came about."""

    weight: np.ndarray  # (10, features)
    bias: np.ndarray  # (10,)
    examples: int
    seconds: float


def load_replay() -> tuple[np.ndarray, np.ndarray]:
    """The bundled replay set: (N, 28, 28) uint8 inputs and their labels."""
    with np.load(resource_path("replay.npz")) as saved:
        return saved["images"], saved["labels"].astype(np.int64)


def replay_features(model: nn.Module, replay: tuple[np.ndarray, np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """The replay set as the last layer sees it: (features, labels). Worth keeping per model."""
    return penultimate_features(model, replay[0].astype(np.float32) / 255.0), torch.as_tensor(replay[1]).long()


def fit_head(
    model: nn.Module,
    examples: np.ndarray,
    labels: np.ndarray,
    replay: tuple[np.ndarray, np.ndarray] | tuple[torch.Tensor, torch.Tensor],
    temperature: float = 1.0,
    seed: int = 0,
) -> Adaptation:
    """Refit the last linear layer on ``examples`` (with jittered copies) beside ``replay``.

    ``replay`` is the replay set (images, labels) or, quicker, its :func:`replay_features`.
    """
    started = time.perf_counter()
    head = last_linear(model)
    w0, b0 = head.weight.detach().float().cpu(), head.bias.detach().float().cpu()
    generator = torch.Generator().manual_seed(seed)
    ex_features = penultimate_features(model, jitter(examples, VARIANTS, generator))
    ex_labels = torch.as_tensor(labels, dtype=torch.int64).repeat_interleave(VARIANTS)
    if isinstance(replay[0], torch.Tensor):
        replay_feats, replay_labels = replay
    else:
        replay_feats, replay_labels = replay_features(model, replay)
    weight, bias = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    optimiser = torch.optim.LBFGS([weight, bias], lr=0.5, max_iter=STEPS, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = F.cross_entropy((replay_feats @ weight.T + bias) / temperature, replay_labels)
        if len(ex_labels):
            loss = loss + EXAMPLE_WEIGHT * F.cross_entropy((ex_features @ weight.T + bias) / temperature, ex_labels)
        loss = loss + ANCHOR * ((weight - w0).pow(2).sum() + (bias - b0).pow(2).sum())
        loss.backward()
        return loss

    with torch.enable_grad():
        optimiser.step(closure)
    return Adaptation(
        weight.detach().numpy().copy(), bias.detach().numpy().copy(), len(labels), time.perf_counter() - started
    )


def with_head(model: nn.Module, adaptation: Adaptation) -> nn.Module:
    """A copy of ``model`` whose last layer is the adapted one (the original is untouched)."""
    adapted = copy.deepcopy(model)
    head = last_linear(adapted)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(adaptation.weight))
        head.bias.copy_(torch.from_numpy(adaptation.bias))
    return adapted.eval()


class Adapter:
    """Adapts one predictor to sets of examples, keeping the replay features between calls.

    The first call pays for running the replay set through the network (about
    0.3 s on a laptop CPU); later ones only for the examples and the fit.
    """

    def __init__(self, predictor, replay: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.predictor = predictor
        self._replay = replay
        self._features: tuple[torch.Tensor, torch.Tensor] | None = None

    def prepare(self) -> None:
        """Run the replay set through the network now (at model load, say), not at the first adapt."""
        if self._features is None:
            self._features = replay_features(self.predictor.model, self._replay or load_replay())

    def adapt(self, examples: LoadedExamples):
        """The predictor adapted to ``examples`` (the predictor itself when there are none)."""
        if not len(examples):
            return self.predictor.adapted(None)
        self.prepare()
        adaptation = fit_head(
            self.predictor.model, examples.inputs, examples.labels, self._features, self.predictor.temperature
        )
        return self.predictor.adapted(adaptation)
