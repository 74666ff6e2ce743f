import math

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
