"""Short real training runs on MNIST subsets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from mnist_desk.checkpoint import load_checkpoint
from training.__main__ import main as training_main
from training.train import Trainer, recipe_for

ROOT = Path(__file__).resolve().parent.parent


def test_a_short_run_on_a_subset_learns(mnist_train, mnist_test):
    recipe = recipe_for("lenet5", epochs=2, batch_size=64, seed=1)
    trainer = Trainer(
        recipe, mnist_train.subset(12000), mnist_test.subset(2000), torch.device("cpu"), log=lambda *_: None
    )
    result = trainer.run()
    assert result.history[-1].test_acc > 0.95, result.history


def test_train_writes_checkpoint_metrics_and_report_and_can_resume(tmp_path, data_cache, capsys):
    out = tmp_path / "run"
    args = [
        "train",
        "--arch",
        "twoconv",
        "--epochs",
        "1",
        "--train-subset",
        "2000",
        "--data-dir",
        str(data_cache),
        "--out",
        str(out),
    ]
    assert training_main(args) == 0
    assert {p.name for p in out.iterdir()} >= {"model.pt", "metrics.json", "report.png"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["arch"] == "twoconv" and 0 < metrics["accuracy"] <= 1
    assert len(metrics["confusion_matrix"]) == 10 and metrics["data_sha256"]
    ckpt = load_checkpoint(out / "model.pt")
    assert ckpt.resume is None and ckpt.meta["test_accuracy"] == metrics["accuracy"]
    calibration = ckpt.meta["calibration"]
    assert ckpt.meta["temperature"] == metrics["temperature"] == calibration["temperature"] > 0
    assert calibration["after"]["nll"] <= calibration["before"]["nll"]
    assert ckpt.meta["command"].startswith("python -m training train --arch twoconv")
    # A finished checkpoint has nothing to resume.
    assert training_main([*args, "--resume", str(out / "model.pt")]) == 2
    assert "no training state to resume" in capsys.readouterr().err


def test_interrupted_run_resumes_where_it_stopped(tmp_path, mnist_train, mnist_test, monkeypatch):
    recipe = recipe_for("twoconv", epochs=2, batch_size=64, seed=2)
    small_train, small_test = mnist_train.subset(1500), mnist_test.subset(500)
    trainer = Trainer(recipe, small_train, small_test, torch.device("cpu"), log=lambda *_: None)
    calls = {"n": 0}
    original = trainer._epoch

    def interrupt_second_epoch(epoch, generator):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(epoch, generator)

    monkeypatch.setattr(trainer, "_epoch", interrupt_second_epoch)
    path = tmp_path / "model.pt"
    result = trainer.run(path, {})
    assert result.interrupted and len(result.history) == 1
    resumed = Trainer(recipe, small_train, small_test, torch.device("cpu"), log=lambda *_: None)
    resumed.resume_from(path)
    assert resumed.start_epoch == 1
    finished = resumed.run(path, {})
    assert not finished.interrupted and [h.epoch for h in finished.history] == [1, 2]


def test_torchrun_ddp_with_two_gloo_processes(tmp_path, data_cache):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "training", "train",
           "--arch", "lenet5", "--epochs", "1", "--train-subset", "12000", "--device", "cpu",
           "--data-dir", str(data_cache), "--out", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 process(es)" in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    # Each process saw 6,000 images (its half); together they must learn like one.
    assert metrics["processes"] == 2 and metrics["accuracy"] > 0.9


@pytest.mark.parametrize("arch", ["twoconv", "default"])
def test_summary_prints_the_layer_table(arch, capsys):
    assert training_main(["summary", "--arch", arch]) == 0
    out = capsys.readouterr().out
    assert "conv1" in out and "total" in out
