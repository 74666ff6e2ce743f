"""The user's example store (layout, bad files, forget and undo) and adapting to it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from mnist_desk.examples import (
    Adapter,
    ExampleStore,
    fit_head,
    last_linear,
    load_replay,
    penultimate_features,
)
from mnist_desk.inference import Predictor
from mnist_desk.model import build_model
from mnist_desk.preprocess import preprocess


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


def a_drawing(digit: int, seed: int = 0) -> np.ndarray:
    from training.drawn import draw_digit

    return np.asarray(draw_digit(digit, np.random.default_rng(seed)))


def test_examples_are_kept_as_digit_folders_of_pngs(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    first = store.add(a_drawing(4), 4)
    second = store.add(a_drawing(7), 7)
    assert first.parent == tmp_path / "examples" / "4" and first.suffix == ".png"
    assert second.parent.name == "7"
    assert store.count() == 2
    loaded = store.load()
    assert loaded.labels.tolist() == [4, 7] and loaded.inputs.shape == (2, 28, 28)
    assert not loaded.skipped
    assert not list((tmp_path / "examples").rglob("*.tmp"))


def test_a_bad_or_foreign_file_is_skipped_with_a_reason(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    store.add(a_drawing(3), 3)
    (tmp_path / "examples" / "3" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    blank = np.full((280, 280), 255, np.uint8)
    store.add(blank, 5)
    (tmp_path / "examples" / "notes").mkdir()
    (tmp_path / "examples" / "3" / "readme.txt").write_text("mine")
    loaded = store.load()
    assert loaded.labels.tolist() == [3]
    reasons = "\n".join(loaded.skipped)
    assert "broken.png: skipped" in reasons and "notes: skipped" in reasons and "empty" in reasons


def test_an_example_must_be_a_digit(tmp_path: Path):
    with pytest.raises(ValueError, match="digit 0-9"):
        ExampleStore(tmp_path).add(a_drawing(1), 10)


def test_forgetting_moves_everything_aside_and_undo_brings_it_back(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    store.add(a_drawing(2), 2)
    store.add(a_drawing(9), 9)
    aside = store.forget()
    assert aside is not None and store.count() == 0
    store.add(a_drawing(1), 1)  # added after forgetting: undo must keep it too
    store.restore(aside)
    assert sorted(d for d, _ in store.files()) == [1, 2, 9]
    assert not aside.exists()
    assert ExampleStore(tmp_path / "nothing").forget() is None


def test_features_are_what_the_last_layer_receives(predictor):
    inputs = np.stack([preprocess(a_drawing(d)) for d in range(3)])
    features = penultimate_features(predictor.model, inputs)
    head = last_linear(predictor.model)
    with torch.no_grad():
        logits = predictor.model(torch.from_numpy(inputs).unsqueeze(1))
    assert torch.allclose(features @ head.weight.T + head.bias, logits, atol=1e-4)


@pytest.mark.parametrize("arch", ["twoconv", "lenet5", "bn-tanh"])
def test_every_preset_has_a_head_to_adapt(arch):
    model = build_model(arch).eval()
    features = penultimate_features(model, np.zeros((2, 28, 28), np.float32))
    assert features.shape == (2, last_linear(model).in_features)


def test_adapting_learns_the_examples_and_leaves_the_original_alone(predictor):
    # A writer whose 9s come out mirrored, a shape the network reads as another digit:
    # four examples labelled 9 must teach it the other ones.
    candidates = np.stack([preprocess(a_drawing(9, seed)[:, ::-1]) for seed in range(30)])
    read = predictor.probabilities(candidates).argmax(1)
    mirrored = list(candidates[read != 9][:10])
    assert len(mirrored) == 10  # the network misreads most mirrored 9s
    misread = predictor.probabilities(np.stack(mirrored)).argmax(1)
    before = last_linear(predictor.model).weight.detach().clone()
    adapted = predictor.adapted(
        fit_head(predictor.model, np.stack(mirrored[:4]), np.array([9] * 4), load_replay(), predictor.temperature)
    )
    assert (adapted.probabilities(np.stack(mirrored[4:])).argmax(1) == 9).mean() >= 5 / 6
    assert torch.equal(last_linear(predictor.model).weight, before)
    assert (predictor.probabilities(np.stack(mirrored)).argmax(1) == misread).all()
    replay_images, replay_labels = load_replay()
    replay_read = adapted.probabilities(replay_images.astype(np.float32) / 255).argmax(1)
    assert (replay_read == replay_labels).mean() > 0.98  # everybody else's digits still read


def test_an_adapter_keeps_its_replay_features_and_undoes_cleanly(predictor, tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    for seed in range(3):
        store.add(np.ascontiguousarray(a_drawing(9, seed)[:, ::-1]), 9)
    adapter = Adapter(predictor)
    first = adapter.adapt(store.load())
    features = adapter._features
    second = adapter.adapt(store.load())
    assert adapter._features is features  # computed once
    assert first.adaptation is not None and second.adaptation is not None
    plain = second.adapted(None)
    assert plain.model is predictor.model and plain.adaptation is None
    assert adapter.adapt(ExampleStore(tmp_path / "none").load()).model is predictor.model
