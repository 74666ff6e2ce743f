"""The training loop: seeded, exactly resumable, one device or many (DDP).

Data lives in memory as one uint8 tensor (47 MB for MNIST), so batches are
index slices: no DataLoader workers to fight the two cores for.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from mnist_desk.augment import AugmentConfig, augment_batch
from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from mnist_desk.model import DigitNet, ModelConfig, build_model
from training.data import NOT_A_DIGIT, Digits
from training.ema import warm_ema
from training.evaluate import images_to_tensor, logits_all, predict_all
from training.progress import ProgressBar
from training.recipe import PRESET_RECIPES, Recipe, check_recipe, digit_loss, pick_device, recipe_for
from training.resume import (
    RESUME_VERSION,
    capture_rng,
    check_same_run,
    interrupts_between_steps,
    load_training_state,
    restore_rng,
    validate_resume,
)


class TrainingDiverged(ValueError):
    """An epoch ended with a NaN or infinite loss."""


@dataclass
class EpochResult:
    epoch: int
    loss: float
    train_acc: float
    val_acc: float
    seconds: float


@dataclass
class TrainResult:
    model: DigitNet
    history: list[EpochResult] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    weights: str = "live"  # which weights ``model`` holds: "ema" (the average) or "live"


def _distributed() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class Trainer:
    def __init__(
        self, recipe: Recipe, train: Digits, held_out: Digits, device: torch.device, log=print, core: int | None = None
    ) -> None:
        """``held_out``: read after every epoch for the table and the report (a validation
        set: the test set is read once, at the end, by the caller).

        ``core``: how many leading images of ``train`` every epoch sees (all by
        default); of the rest, each epoch draws ``recipe.additions_per_epoch``.
        """
        check_recipe(recipe, train, held_out)
        self.core = len(train) if core is None else min(max(core, 0), len(train))
        extra = len(train) - self.core
        self.epoch_size = self.core + int(round(extra * min(max(recipe.additions_per_epoch, 0.0), 1.0)))
        self.recipe, self.train_set, self.held_out, self.device, self.log = recipe, train, held_out, device, log
        self.rank, self.world = _distributed()
        torch.manual_seed(recipe.seed)
        # channels_last: oneDNN's convolutions run ~30 % faster on CPU in this layout (measured).
        model = build_model(ModelConfig(recipe.arch, tuple(recipe.channels)))
        self.model = model.to(device, memory_format=torch.channels_last)
        self.net: nn.Module = self.model
        if self.world > 1:
            ids = [device.index] if device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.steps_per_epoch = math.ceil(self.epoch_size / self.world / recipe.batch_size)
        self.optimizer = self._make_optimizer()
        self.scheduler = self._make_scheduler()
        self.ema = None
        if recipe.ema_decay > 0:
            from torch.optim.swa_utils import AveragedModel

            self.ema = AveragedModel(self.model, multi_avg_fn=warm_ema(recipe.ema_decay), use_buffers=True)
        self.start_epoch = 0
        self.start_step = 0
        self.history: list[EpochResult] = []
        self.train_x = images_to_tensor(train.images)
        self.train_y = torch.from_numpy(train.labels.astype(np.int64))
        self._resume: dict[str, Any] | None = None
        self._train_sha256: str | None = None
        # (epoch, steps done, data order, totals) after the last whole step: what an interrupt saves.
        self._position: tuple[int, int, torch.Tensor | None, dict[str, float] | None] | None = None
        self._in_step = False
        self._stop_requested = False

    def _make_optimizer(self) -> torch.optim.Optimizer:
        r = self.recipe
        if r.optimizer == "adam":
            return torch.optim.Adam(self.model.parameters(), lr=r.lr, weight_decay=r.weight_decay)
        if r.optimizer == "sgd":
            return torch.optim.SGD(
                self.model.parameters(), lr=r.lr, momentum=0.9, nesterov=True, weight_decay=r.weight_decay
            )
        raise ValueError(f"unknown optimizer {r.optimizer!r} (sgd or adam)")

    def _make_scheduler(self) -> torch.optim.lr_scheduler.LRScheduler:
        r = self.recipe
        if r.optimizer == "adam":
            return torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda _: 1.0)
        # One-cycle: a short warm-up lets the high rate settle BatchNorm; the long
        # cosine tail to ~0 is where the last tenths of a percent come from.
        return torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer, max_lr=r.lr, total_steps=r.epochs * self.steps_per_epoch, pct_start=0.15
        )

    @property
    def train_sha256(self) -> str:
        if self._train_sha256 is None:
            self._train_sha256 = self.train_set.sha256()
        return self._train_sha256

    # --- resuming -----------------------------------------------------------------

    def resume_from(self, path: Path | str) -> None:
        """Continue an interrupted run exactly where its checkpoint stopped.

        Raises :class:`CheckpointError` for a damaged or finished checkpoint and
        ``ValueError`` when this run's options or data differ from the original's.
        """
        ckpt = load_checkpoint(path, map_location=self.device)
        if ckpt.resume is None:
            raise CheckpointError(f"{path}: a finished checkpoint has no training state to resume")
        resume = ckpt.resume
        validate_resume(resume, path, tuple(f.name for f in fields(EpochResult)))
        if ckpt.config != self.model.config:
            raise ValueError(f"{path}: trained {ckpt.config}, this run asks for {self.model.config}")
        check_same_run(
            resume, path, ckpt.meta, self.recipe, self.train_sha256, len(self.train_set), self.world,
            self.steps_per_epoch, has_ema=self.ema is not None,
        )  # fmt: skip
        load_training_state(resume, path, self.model, self.optimizer, self.scheduler, self.ema)
        epoch, step = resume["epoch"], resume["step"]
        self.start_epoch, self.start_step = epoch, step
        self.history = [EpochResult(**h) for h in resume["history"]]
        self._resume = resume
        where = f"epoch {epoch + 1}, step {step} of {self.steps_per_epoch}" if step else f"after epoch {epoch}"
        self.log(f"resumed from {path} at {where}")

    def resume_state(
        self,
        epoch: int,
        step: int = 0,
        perm: torch.Tensor | None = None,
        totals: dict[str, float] | None = None,
        generator: torch.Generator | None = None,
    ) -> dict[str, Any]:
        """Everything needed to continue at ``step`` of ``epoch`` (0-based) as if never stopped."""
        return {
            "version": RESUME_VERSION,
            "epoch": epoch,
            "step": step,
            "world": self.world,
            "live": {k: v.detach().cpu() for k, v in self.model.state_dict().items()},
            "ema": self.ema.state_dict() if self.ema is not None else None,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng": capture_rng(generator or torch.Generator()),
            "perm": perm if step > 0 else None,
            "totals": dict(totals or {"loss": 0.0, "correct": 0, "seen": 0}),
            "history": [asdict(h) for h in self.history],
            "data": {"size": len(self.train_set), "sha256": self.train_sha256},
            "recipe": json.loads(json.dumps(asdict(self.recipe))),
        }

    def final_model(self) -> DigitNet:
        return self.ema.module if self.ema is not None else self.model

    @property
    def weights(self) -> str:
        """Which weights :meth:`final_model` holds, for the checkpoint's metadata."""
        return "ema" if self.ema is not None else "live"

    def weights_meta(self) -> dict[str, Any]:
        """What the checkpoint's metadata says about the saved weights (which, and how averaged)."""
        extra: dict[str, Any] = {"weights": self.weights}
        if self.ema is not None:
            extra["ema"] = {"decay": self.recipe.ema_decay, "warm_up": "min(decay, (1 + t) / (10 + t))",
                            "updates": int(self.ema.n_averaged)}  # fmt: skip
        return extra

    def _meta(self, meta: dict[str, Any] | None) -> dict[str, Any]:
        return {**(meta or {}), **self.weights_meta()}

    # --- the loop -------------------------------------------------------------------

    def _stop_now(self) -> bool:
        """Whether a Ctrl-C asked to stop; with several processes, all stop at the same step."""
        stop = self._stop_requested
        if self.world > 1:
            flag = torch.tensor([1 if stop else 0], device=self.device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            stop = bool(flag.item())
        return stop

    def _on_first_sigint(self) -> bool:
        """Defer a Ctrl-C that lands inside a step (return True), or let it stop at once."""
        if self._stop_requested or not self._in_step:
            return False
        self._stop_requested = True
        return True

    def _validates(self, epoch: int) -> bool:
        done = epoch + 1
        return done == self.recipe.epochs or done % self.recipe.validate_every == 0

    def _validation_accuracy(self) -> float:
        predicted = predict_all(self.final_model(), self.held_out.images, self.device)
        return float((predicted == self.held_out.labels).mean())

    def _epoch_order(self, generator: torch.Generator) -> torch.Tensor:
        """This epoch's images in a random order: the whole core and a fresh draw of the additions."""
        chosen = torch.arange(len(self.train_y))
        if self.epoch_size < len(self.train_y):
            extra = self.core + torch.randperm(len(self.train_y) - self.core, generator=generator)
            chosen = torch.cat([chosen[: self.core], extra[: self.epoch_size - self.core]])
        return chosen[torch.randperm(len(chosen), generator=generator)]

    def _epoch(
        self,
        epoch: int,
        generator: torch.Generator,
        perm: torch.Tensor | None = None,
        start_step: int = 0,
        totals: dict[str, float] | None = None,
        on_step: Callable[[int, int], None] | None = None,
    ) -> tuple[float, float]:
        """Train one epoch (from ``start_step`` when resuming); return its mean loss and accuracy."""
        r = self.recipe
        self.net.train()
        if perm is None:
            perm = self._epoch_order(generator)
        # Every rank draws the same permutation (same seed and epoch) and takes its own stride.
        mine = perm[self.rank :: self.world]
        totals = dict(totals or {"loss": 0.0, "correct": 0, "seen": 0})
        bar = ProgressBar(
            len(mine), f"epoch {epoch + 1}", enabled=self.rank == 0, unit="images",
            initial=min(start_step * r.batch_size, len(mine)),
        )  # fmt: skip
        for step in range(start_step, self.steps_per_epoch):
            self._in_step = True
            idx = mine[step * r.batch_size : (step + 1) * r.batch_size]
            x, y = self.train_x[idx], self.train_y[idx]
            if r.augment:
                x = augment_batch(x, AugmentConfig(), generator)
            x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            logits = self.net(x)
            weights = None
            if r.pen_weight != 1:  # the digits among the additions: the pen digits (and --drawn ones)
                weights = torch.where(idx >= self.core, r.pen_weight, 1.0).to(self.device)
            loss = digit_loss(logits, y, r.label_smoothing, r.outlier_weight, r.energy_weight, weights)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.scheduler.step()
            if self.ema is not None:
                self.ema.update_parameters(self.model)
            digits = y < NOT_A_DIGIT
            totals["loss"] += loss.item() * len(y)
            totals["correct"] += int((logits.argmax(1) == y)[digits].sum().item())
            totals["seen"] += int(digits.sum().item())
            self._position = (epoch, step + 1, perm, dict(totals))
            self._in_step = False
            bar.update(min((step + 1) * r.batch_size, len(mine)), f"loss {totals['loss'] / totals['seen']:.4f}")
            if on_step is not None:
                on_step(epoch, step + 1)
            if self._stop_now():
                raise KeyboardInterrupt
        bar.close()
        seen = max(totals["seen"], 1)
        return totals["loss"] / seen, totals["correct"] / seen

    def run(
        self,
        checkpoint_path: Path | None = None,
        meta: dict[str, Any] | None = None,
        *,
        on_step: Callable[[int, int], None] | None = None,
    ) -> TrainResult:
        """Train to the recipe's last epoch, saving a resumable checkpoint after each.

        ``on_step(epoch, steps_done)`` is called after every step (tests use it
        to interrupt at a chosen step). Ctrl-C saves the state at the end of
        the last whole step and returns with ``interrupted=True``.
        """
        r = self.recipe
        started = time.perf_counter()
        header = f"{'epoch':>5} {'loss':>8} {'train acc':>9} {'val acc':>8} {'seconds':>8}"
        if self.rank == 0:
            self.log(header)
            for h in self.history:
                self.log(self._row(h))
        generator = torch.Generator()
        resume, self._resume = self._resume, None
        if resume is not None:
            restore_rng(resume["rng"])
        self._position = None
        with interrupts_between_steps(self._on_first_sigint):
            try:
                for epoch in range(self.start_epoch, r.epochs):
                    t0 = time.perf_counter()
                    generator.manual_seed(r.seed * 1000 + epoch)
                    perm, start_step, totals = None, 0, None
                    if resume is not None and epoch == self.start_epoch and self.start_step > 0:
                        perm, start_step, totals = resume["perm"], self.start_step, resume["totals"]
                        generator.set_state(resume["rng"]["generator"])
                    else:
                        perm = self._epoch_order(generator)
                    self._position = (epoch, start_step, perm, totals)
                    loss, train_acc = self._epoch(epoch, generator, perm, start_step, totals, on_step)
                    if not math.isfinite(loss):  # every later epoch would be NaN too: stop now, not in 10 minutes
                        raise TrainingDiverged(
                            f"training diverged in epoch {epoch + 1} (its loss is {loss}); a smaller --lr may help. "
                            "The checkpoint of the last finished epoch, if any, is left as it was"
                        )
                    val_acc = self._validation_accuracy() if self._validates(epoch) else math.nan
                    result = EpochResult(epoch + 1, loss, train_acc, val_acc, time.perf_counter() - t0)
                    self.history.append(result)
                    self._position = (epoch + 1, 0, None, None)
                    if self.rank == 0:
                        self.log(self._row(result))
                        if checkpoint_path is not None:
                            save_checkpoint(
                                checkpoint_path, self.final_model(), self._meta(meta), self.resume_state(epoch + 1)
                            )
            except KeyboardInterrupt:
                self._save_interrupted(checkpoint_path, meta, generator)
                return TrainResult(self.final_model(), self.history, True, time.perf_counter() - started, self.weights)
            finally:
                self._stop_requested = False
        return TrainResult(self.final_model(), self.history, False, time.perf_counter() - started, self.weights)

    def _save_interrupted(
        self, checkpoint_path: Path | None, meta: dict[str, Any] | None, generator: torch.Generator
    ) -> None:
        if self.rank != 0 or checkpoint_path is None:
            return
        if self._in_step or self._position is None:
            # Stopped inside a step: the weights may hold half of it. The last
            # checkpoint (the end of the previous epoch) is the exact one.
            self._in_step = False
            print(f"\nstopped in the middle of a step: {checkpoint_path} keeps the last exact state", file=sys.stderr)
            return
        epoch, step, perm, totals = self._position
        state = self.resume_state(epoch, step, perm, totals, generator)
        save_checkpoint(checkpoint_path, self.final_model(), self._meta(meta), state)
        where = f"epoch {epoch + 1}, step {step} of {self.steps_per_epoch}" if step else f"the end of epoch {epoch}"
        print(
            f"\ninterrupted at {where}: resumable checkpoint at {checkpoint_path} (--resume {checkpoint_path})",
            file=sys.stderr,
        )

    @staticmethod
    def _row(h: EpochResult) -> str:
        val = f"{h.val_acc * 100:>7.2f}%" if math.isfinite(h.val_acc) else f"{'-':>8}"
        return f"{h.epoch:>5} {h.loss:>8.4f} {h.train_acc * 100:>8.2f}% {val} {h.seconds:>8.1f}"


# Defined in training.recipe, training.evaluate and training.ema; callers import them from here too.
__all__ = ["PRESET_RECIPES", "EpochResult", "Recipe", "TrainResult", "Trainer", "digit_loss", "images_to_tensor", "logits_all",
           "pick_device", "predict_all", "recipe_for", "warm_ema"]  # fmt: skip
