import math

import numpy as np
import pytest

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.inference import Predictor
from mnist_desk.model import build_model


@pytest.mark.parametrize("accuracy", [math.nan, math.inf, -0.5, 7.0, "99 %", True])
def test_a_nonsensical_accuracy_in_metadata_is_not_shown(tmp_path, accuracy):
    save_checkpoint(tmp_path / "m.pt", build_model("twoconv"), {"test_accuracy": accuracy})
    assert Predictor(tmp_path / "m.pt", device="cpu").describe() == "twoconv"


def test_a_real_accuracy_is_shown(tmp_path):
    save_checkpoint(tmp_path / "m.pt", build_model("twoconv"), {"test_accuracy": 0.9912})
    assert Predictor(tmp_path / "m.pt", device="cpu").describe() == "twoconv, 99.12 % on MNIST test"


def test_margins_say_what_read_rejects():
    # "Not a digit" is a margin below zero: the two must never disagree.
    predictor = Predictor()
    rng = np.random.default_rng(0)
    inputs = np.concatenate([rng.random((6, 28, 28)), np.zeros((2, 28, 28))]).astype(np.float32)
    inputs[:3] *= rng.random((3, 28, 28)) > 0.9  # sparse specks: read as something, or not
    _, rejected = predictor.read(inputs)
    margins = predictor.margins(inputs)
    assert margins.shape == (8,)
    assert ((margins < 0) == rejected).all()
    assert predictor.margins(np.zeros((0, 28, 28))).shape == (0,)
    # assess gives both from one pass, batch by batch; its answers are read's and margins'.
    probabilities, flags, assessed = predictor.assess(inputs, batch=3)
    np.testing.assert_allclose(probabilities, predictor.read(inputs)[0], atol=1e-6)
    assert flags.tolist() == rejected.tolist()
    np.testing.assert_allclose(assessed, margins, atol=1e-5)
    assert [a.shape for a in predictor.assess(np.zeros((0, 28, 28)))] == [(0, 10), (0,), (0,)]
