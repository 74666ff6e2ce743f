"""The weights we ship, on the real MNIST test set and on drawn digits."""

import json

import numpy as np
import pytest

from mnist_desk.inference import Predictor
from mnist_desk.resources import bundled_model_path
from training.__main__ import main as training_main
from training.drawn import STYLES, draw_digit


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


def test_bundled_weights_score_at_least_99_6_percent_on_mnist_test(predictor, mnist_test):
    inputs = mnist_test.images.astype(np.float32) / 255
    accuracy = float((predictor.probabilities(inputs).argmax(1) == mnist_test.labels).mean())
    assert len(mnist_test) == 10_000
    assert accuracy >= 0.996, accuracy


def test_bundled_metadata_tells_how_it_was_made(predictor):
    meta = predictor.meta
    assert predictor.arch == "default"
    assert meta["test_accuracy"] >= 0.9965 and meta["command"].startswith("python -m training train --arch default")
    for key in ("data_sha256", "device", "torch", "seconds", "epochs", "recipe", "cost_seconds"):
        assert key in meta, key
    assert meta["recipe"]["pen_renders"] > 0 and meta["recipe"]["negatives"] > 0
    assert "validation" in meta["calibration"]["fitted_on"] and meta["reject"]["score"] == "logsumexp"


def test_bundled_probabilities_are_calibrated(predictor, mnist_test):
    # The temperature was fitted on validation data: on the whole test set, which
    # it never saw, the shown confidence matches how often the model is right.
    from training.calibrate import calibration_error

    probabilities, rejected = predictor.read(mnist_test.images.astype(np.float32) / 255)
    assert predictor.temperature == predictor.meta["temperature"] < 1
    assert calibration_error(probabilities, mnist_test.labels) < 0.01
    assert np.median(probabilities.max(1)) > 0.99
    assert rejected.mean() <= 0.005  # real digits are "not a digit" at most 1 time in 200


def test_drawn_digits_are_read_through_the_apps_path(predictor):
    # Unseen drawings (a seed never used in training), every style of every digit.
    rng = np.random.default_rng(424242)
    correct = total = 0
    for i in range(400):
        digit = i % 10
        image = np.asarray(draw_digit(digit, rng, style=int(rng.integers(len(STYLES[digit])))))
        correct += predictor.predict(image).digit == digit
        total += 1
    assert correct / total >= 0.97, correct / total


def test_evaluate_prints_one_json_object(capsys):
    assert training_main(["evaluate"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["accuracy"] >= 0.996 and result["count"] == 10_000
    assert len(result["confusion_matrix"]) == 10 and set(result["per_class_accuracy"]) == {str(d) for d in range(10)}
    assert result["checkpoint"] == str(bundled_model_path())


def test_evaluate_reads_idx_files_from_a_data_dir(capsys, tmp_path, mnist_test):
    import gzip

    from idx_files import idx_bytes

    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(mnist_test.images[:300])))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(mnist_test.labels[:300])))
    assert training_main(["evaluate", "--data-dir", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["count"] == 300 and result["data"].startswith("idx:")
    assert training_main(["evaluate", "--data-dir", str(tmp_path / "empty")]) == 2
