"""A network whose outputs are NaN, or too large to calibrate: a clear error, never a complete-looking
wrong result (a hostile test, 2026-11-25).

One BatchNorm variance set to -1 is finite, so loading accepts it, and every output is NaN: image
mode said so, but ``predict --csv`` wrote a submission labelling every digit 0, and ``evaluate``
printed an accuracy of 0.0, both with exit 0. ``calibrate`` on such a network ended in an L-BFGS
traceback, and training at ``--lr 1e30`` ran every epoch on NaN before it. On a network whose
logits are huge, ``calibrate`` wrote a temperature the app then refused to load.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import torch

from idx_files import write_split
from mnist_desk.checkpoint import TEMPERATURE_RANGE, save_checkpoint
from mnist_desk.cli import main
from mnist_desk.model import build_model
from training.__main__ import main as training_main
from training.calibrate import calibrate
from training.train import Trainer, TrainingDiverged, recipe_for


@pytest.fixture
def nan_network(tmp_path):
    model = build_model("bn-tanh").eval()
    bn = next(module for module in model.modules() if isinstance(module, torch.nn.BatchNorm2d))
    bn.running_var[0] = -1.0  # finite, so the checkpoint loads; sqrt(-1) makes every output NaN
    path = tmp_path / "negative-variance.pt"
    save_checkpoint(path, model, {})
    return path


def test_a_csv_read_by_a_nan_network_is_an_error_and_the_old_submission_stays(tmp_path, capsys, nan_network):
    rows = ["pixel" + ",pixel".join(map(str, range(784)))] + [",".join(["0"] * 784)] * 3
    (tmp_path / "test.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "submission.csv"
    out.write_text("ImageId,Label\n1,7\n")
    code = main(["predict", "--checkpoint", str(nan_network), "--csv", str(tmp_path / "test.csv"), "--out", str(out)])
    assert code == 2
    assert "non-finite probabilities for 3 of 3 digits" in capsys.readouterr().err
    assert out.read_text() == "ImageId,Label\n1,7\n" and [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def test_evaluating_a_nan_network_is_an_error_not_an_accuracy(tmp_path, capsys, nan_network):
    data = tmp_path / "data"
    data.mkdir()
    write_split(data, "test", 20)
    assert training_main(["evaluate", "--checkpoint", str(nan_network), "--data-dir", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not finite for 20 of 20 images" in captured.err


def test_a_temperature_the_app_would_refuse_is_never_written():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    logits = torch.as_tensor(rng.normal(size=(500, 10)) * 1e6, dtype=torch.float32)  # huge, and uninformative
    with pytest.raises(ValueError, match=r"outside 0\.001\.\.1000"):
        calibrate((logits, labels), "test", {})
    fine = calibrate((logits / 1e6, labels), "test", {})["temperature"]  # the same logits at a sane scale
    assert TEMPERATURE_RANGE[0] <= fine <= TEMPERATURE_RANGE[1]


def test_training_that_diverges_stops_after_its_first_nan_epoch(mnist_train, mnist_test):
    recipe = recipe_for("twoconv", epochs=5, batch_size=64, seed=1, lr=1e30)
    lines: list[str] = []
    trainer = Trainer(recipe, mnist_train.subset(256), mnist_test.subset(64), torch.device("cpu"), log=lines.append)
    with pytest.raises(TrainingDiverged, match="diverged in epoch 1"):
        trainer.run()
    assert trainer.history == []


def test_info_shows_metadata_nested_too_deep_for_json_as_an_ellipsis(tmp_path, capsys):
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    path = tmp_path / "deep.pt"
    save_checkpoint(path, build_model("twoconv"), {})  # which refuses such metadata itself: added after
    payload = torch.load(path, weights_only=True)
    payload["meta"]["note"] = deep
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # for torch.save's pickler only
    try:
        torch.save(payload, path)
    finally:
        sys.setrecursionlimit(limit)
    assert main(["info", "--checkpoint", str(path)]) == 0
    meta = json.loads(capsys.readouterr().out)["meta"]
    assert "…" in json.dumps(meta, ensure_ascii=False)
