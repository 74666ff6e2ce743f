"""What the adapting thread runs for :class:`~mnist_desk.ui.teaching.Teaching`. Qt-free.

The adapter works on its own copy of the network, made on that thread, so that
nothing adapting does with the network (running its stages one by one, in eval
mode) can touch the module the inference worker is running at the same time.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mnist_desk.example_store import ExampleStore
from mnist_desk.examples import Adapter
from mnist_desk.inference import Predictor
from mnist_desk.replay_cache import cached_in, default_cache_dir


@dataclass
class AdaptingBase:
    """The network as loaded, and its adapter (made on the adapting thread, from a copy)."""

    plain: Predictor
    adapter: Adapter | None = None

    def prepared(self) -> bool:
        return self.adapter is not None and self.adapter.prepared


@dataclass(frozen=True)
class Adapted:
    """An adaptation's outcome: the predictor to use (None: the plain one), and what it was made of."""

    predictor: Predictor | None
    count: int
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def new_adapter(plain: Predictor) -> Adapter:
    """An adapter for a copy of ``plain`` that keeps the replay features in the user cache
    (the first adaptation of a session then skips 1.2 s of computing them)."""
    return Adapter(copy.deepcopy(plain), features_of=cached_in(default_cache_dir()))


def prepare_job(base: AdaptingBase) -> None:
    """Make the adapter and get it ready (on the adapting thread)."""
    if base.adapter is None:
        base.adapter = new_adapter(base.plain)
    base.adapter.prepare()


def adapt_job(store: ExampleStore, base: AdaptingBase, stop: Callable[[], bool] | None = None) -> Adapted:
    """Load the examples and adapt to them (on the adapting thread); ``stop`` ends it early
    (:class:`~mnist_desk.examples.AdaptingStopped`) when the window closes."""
    started = time.perf_counter()
    examples = store.load()
    if not len(examples):
        return Adapted(None, 0, examples.skipped, time.perf_counter() - started)
    if base.adapter is None:
        base.adapter = new_adapter(base.plain)
    adapted = base.adapter.adapt(examples, stop)
    adapted.conv_kernels()  # read off the weights here, not in the GUI thread that shows them
    return Adapted(adapted, len(examples), examples.skipped, time.perf_counter() - started)


__all__ = ["Adapted", "AdaptingBase", "adapt_job", "prepare_job"]
