"""Which of the user's examples a drawing looks most like, as the adapted network sees them.

After adapting (:mod:`mnist_desk.examples`), the window can say "most like your
example of 9" beside the answer and show that example. "Looks like" is measured
where the final layer reads: the vector it turns into the ten scores (for the
default network, pool3's 128 values), compared by cosine similarity.

Measured on the validation writers (benchmarks/personalise.py's picks: 20 examples
each, 8 picks of 4 writers, 2026-11-25): the adapted network read 99.33 % of the
writers' other digits right, the nearest example's digit alone 99.10 %; in the
66 drawings where the two differed, the example was right 21 times, the network
38, neither 7. So a drawing that looks most like an example of another digit is
worth a look: the network may be wrong, the drawing may sit between two of the
writer's styles, or the example may be filed under the wrong digit.

Qt-free; numbers and paths in, a frozen dataclass out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Below this length a feature vector has no direction worth comparing (an all-zero pool3).
LEAST_NORM = 1e-6


@dataclass(frozen=True)
class ExampleIndex:
    """The examples an adapted network was fitted to, as its final layer reads them."""

    directions: np.ndarray  # (N, D) float32, each row of length 1 (or 0 when it had no direction)
    labels: np.ndarray  # (N,) int64
    inputs: np.ndarray = field(repr=False)  # (N, 28, 28) float32: each example as the network read it
    paths: tuple[Path | None, ...] = ()

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class NearestExample:
    """The example most like a drawing."""

    digit: int
    similarity: float  # cosine similarity in [-1, 1]; ReLU features make it 0 ... 1 in practice
    input: np.ndarray = field(repr=False)  # (28, 28) float32 in [0, 1], as the network read it
    path: Path | None = None
    # The most alike of the examples of the network's answer; None when the user has none of that
    # digit: then the nearest example is of another digit whatever the drawing, and says nothing
    # against the answer (one taught 9 had put "is it a 9?" under every sure 0 to 8: a review).
    answer_similarity: float | None = None

    def disagrees(self, answer: int | None) -> bool:
        """Whether it speaks against ``answer`` (None: no answer, as for "Not a digit")."""
        return answer is not None and self.digit != answer and self.answer_similarity is not None


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1; rows shorter than LEAST_NORM, or not finite, become zeros (no direction).

    In float64: squared, float32 features of 1e20 and more would overflow the length.
    """
    features = np.asarray(features, dtype=np.float64)
    features = features.reshape(features.shape[0], -1) if features.ndim != 2 else features
    with np.errstate(invalid="ignore", over="ignore"):
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        usable = np.isfinite(norms) & (norms > LEAST_NORM)
        rows = np.where(usable, features / np.where(usable, norms, 1.0), 0.0)
    return rows.astype(np.float32)


def index_examples(predictor: Any, examples: Any) -> ExampleIndex:
    """``examples`` (:class:`~mnist_desk.example_store.LoadedExamples`) as ``predictor``'s final
    layer reads them. ``predictor`` is the one adapted to them."""
    inputs = np.asarray(examples.inputs, dtype=np.float32).reshape(-1, 28, 28)
    paths = tuple(examples.paths) if len(examples.paths) == len(inputs) else (None,) * len(inputs)
    return ExampleIndex(unit_rows(predictor.final_features(inputs)), np.asarray(examples.labels), inputs, paths)


def nearest(
    index: ExampleIndex | None, features: np.ndarray | None, answer: int | None = None
) -> NearestExample | None:
    """The example of ``index`` most like a drawing whose final features are ``features``
    (None: no examples, or a drawing with no direction to compare, such as all-zero features);
    ``answer``: the network's, to measure the best example of that digit too."""
    if index is None or not len(index) or features is None:
        return None
    direction = unit_rows(np.asarray(features).reshape(1, -1))[0]
    if not direction.any():
        return None
    similarities = index.directions @ direction
    best = int(np.argmax(similarities))
    path = index.paths[best] if best < len(index.paths) else None
    of_answer = similarities[index.labels == answer] if answer is not None else similarities[:0]
    answer_similarity = float(of_answer.max()) if len(of_answer) else None
    return NearestExample(
        int(index.labels[best]), float(similarities[best]), index.inputs[best], path, answer_similarity
    )


def read_with_nearest(predictor: Any, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[NearestExample | None]]:
    """``predictor.read(inputs)`` and, when it is adapted to examples, each input's nearest example
    from the same pass (:meth:`~mnist_desk.inference.Predictor.read_nearest`); otherwise Nones."""
    if getattr(predictor, "examples_index", None) is None:
        probabilities, rejected = predictor.read(inputs)
        return probabilities, rejected, [None] * len(probabilities)
    return predictor.read_nearest(inputs)


def nearest_examples(predictor: Any, inputs: list[np.ndarray]) -> list[NearestExample | None]:
    """For each preprocessed input, the example of ``predictor``'s examples it is most like
    (all None when it has none, or when the features cannot be had: the answers never depend on it)."""
    if getattr(predictor, "examples_index", None) is None or not inputs:
        return [None] * len(inputs)
    try:
        return read_with_nearest(predictor, np.stack(inputs))[2]
    except Exception:  # noqa: BLE001 - the readings themselves are made and reported elsewhere
        return [None] * len(inputs)


def as_record(found: NearestExample, shown: Callable[[str], str] = str) -> dict[str, Any]:
    """What ``mnist-desk predict --json --examples`` says of it (``shown``: how a file name is written)."""
    path = None if found.path is None else shown(str(found.path))
    return {"digit": found.digit, "similarity": round(found.similarity, 4), "file": path}


__all__ = [
    "ExampleIndex",
    "NearestExample",
    "as_record",
    "index_examples",
    "nearest",
    "nearest_examples",
    "read_with_nearest",
    "unit_rows",
]
