"""Temperature scaling: fitting, the error measure, and how checkpoints carry it."""

import numpy as np
import pytest
import torch

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from mnist_desk.inference import Predictor
from mnist_desk.model import ModelConfig, build_model
from training.calibrate import calibration_error, fit_temperature


@pytest.mark.parametrize("true_temperature", [0.25, 1.0, 3.0])
def test_fit_recovers_the_temperature_that_generated_the_labels(true_temperature):
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(20_000, 10, generator=generator) * 4
    labels = torch.multinomial(torch.softmax(logits / true_temperature, 1), 1, generator=generator).squeeze(1)
    assert fit_temperature(logits, labels) == pytest.approx(true_temperature, rel=0.05)


def test_calibration_error_is_zero_when_confidence_matches_accuracy_and_large_when_not():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 100_000)
    # 80 % confident and right 80 % of the time.
    predicted = np.where(rng.random(labels.size) < 0.8, labels, (labels + 1) % 10)
    probabilities = np.full((labels.size, 10), 0.2 / 9)
    probabilities[np.arange(labels.size), predicted] = 0.8
    assert calibration_error(probabilities, labels) < 0.01
    always_right = np.full((labels.size, 10), 0.2 / 9)
    always_right[np.arange(labels.size), labels] = 0.8  # right every time, but only 80 % sure
    assert calibration_error(always_right, labels) == pytest.approx(0.2, abs=1e-6)


def _checkpoint(tmp_path, temperature):
    model = build_model(ModelConfig("twoconv"))
    path = tmp_path / "model.pt"
    save_checkpoint(path, model, {"temperature": temperature})
    return model, path


def test_predictor_divides_logits_by_the_checkpoints_temperature(tmp_path):
    model, path = _checkpoint(tmp_path, 0.5)
    image = np.random.default_rng(1).random((3, 28, 28)).astype(np.float32)
    with torch.no_grad():
        expected = torch.softmax(model(torch.from_numpy(image).unsqueeze(1)) / 0.5, 1).numpy()
    predictor = Predictor(path, device="cpu")
    np.testing.assert_allclose(predictor.probabilities(image), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predictor.predict_input(image[0]).probabilities, expected[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), "2", None, True])
def test_a_checkpoint_with_a_nonsense_temperature_is_refused(tmp_path, bad):
    _, path = _checkpoint(tmp_path, bad)
    with pytest.raises(CheckpointError, match="temperature"):
        load_checkpoint(path)
