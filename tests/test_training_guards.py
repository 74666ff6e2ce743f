"""python -m training refuses, before any work, what would cost a run or another file:
the findings of a hostile review of the training command line (2026-11-25)."""

from __future__ import annotations

import json
import os

import pytest

from mnist_desk.checkpoint import load_checkpoint, save_checkpoint
from mnist_desk.model import build_model
from training.__main__ import main as training_main


def test_calibrate_keeps_a_run_s_files_in_step(tmp_path, capsys):
    # Through a link, the checkpoint and metrics.json are both those of the link's target; another
    # checkpoint in the folder (a backup) leaves the metrics.json of model.pt as it is (a review).
    out = tmp_path / "run"
    assert training_main(["train", "--arch", "twoconv", "--dry-run", "--out", str(out)]) == 0
    linked = tmp_path / "linked"
    linked.mkdir()
    for name in ("model.pt", "metrics.json"):
        (linked / name).symlink_to(out / name)
    (out / "metrics.json").write_text(json.dumps({"temperature": 9.0}))
    capsys.readouterr()
    assert training_main(["calibrate", "--checkpoint", str(linked / "model.pt")]) == 0
    tuned = json.loads(capsys.readouterr().out)["temperature"]
    assert (linked / "model.pt").is_symlink() and load_checkpoint(out / "model.pt").meta["temperature"] == tuned
    assert json.loads((out / "metrics.json").read_text())["temperature"] == tuned
    backup = out / "backup.pt"
    backup.write_bytes((out / "model.pt").read_bytes())
    (out / "metrics.json").write_text(json.dumps({"temperature": 9.0}))
    assert training_main(["calibrate", "--checkpoint", str(backup)]) == 0
    assert "it describes the model.pt beside it" in capsys.readouterr().err
    assert json.loads((out / "metrics.json").read_text()) == {"temperature": 9.0}


@pytest.mark.parametrize("name", ["model.pt", "metrics.json", "report.png"])
def test_a_run_s_file_that_is_not_a_file_is_refused_before_any_work(tmp_path, capsys, name):
    # A folder named model.pt cost the first epoch; a FIFO named metrics.json hung the finished run.
    out = tmp_path / "run"
    out.mkdir()
    os.mkfifo(out / name) if name == "metrics.json" else (out / name).mkdir()
    assert training_main(["train", "--arch", "twoconv", "--data-dir", str(tmp_path / "none"), "--out", str(out)]) == 2
    assert f"{name} there is not a file" in capsys.readouterr().err


def test_ctrl_c_outside_the_epochs_says_interrupted_and_how_to_finish(tmp_path, capsys, monkeypatch):
    # It had been a KeyboardInterrupt traceback, with nothing said of the checkpoint saved (a review).
    import training.__main__ as cli

    out = tmp_path / "run"

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_split", interrupted)
    assert training_main(["train", "--arch", "twoconv", "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip() == "interrupted"

    def interrupted_after_the_epochs(*_args, **_kwargs):  # in the last stage or the temperature fit
        save_checkpoint(out / "model.pt", build_model("twoconv"), {}, resume={"epoch": 3})
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_split", interrupted_after_the_epochs)
    assert training_main(["train", "--arch", "twoconv", "--out", str(out)]) == 130
    assert f"finish it with the same options and --resume {out / 'model.pt'}" in capsys.readouterr().err
    assert training_main(["calibrate", "--checkpoint", str(tmp_path / "missing.pt")]) == 2  # other errors as before


def test_a_new_run_never_writes_over_an_unfinished_one_and_a_dry_run_over_no_model(tmp_path, capsys):
    # Both were replaced without a word: hours of epochs that --resume finishes, and a finished
    # model replaced by a dry run's 21 % one (a review). A real run still replaces a finished model.
    out = tmp_path / "run"
    save_checkpoint(out / "model.pt", build_model("twoconv"), {}, resume={"epoch": 12})
    before = (out / "model.pt").read_bytes()
    assert training_main(["train", "--arch", "twoconv", "--dry-run", "--out", str(out)]) == 2
    assert (
        f"unfinished run (saved after epoch 12): finish it with the same options and --resume {out / 'model.pt'}"
        in (capsys.readouterr().err)
    )
    assert (out / "model.pt").read_bytes() == before
    save_checkpoint(out / "model.pt", build_model("twoconv"), {})  # finished
    assert training_main(["train", "--arch", "twoconv", "--dry-run", "--out", str(out)]) == 2
    assert "a --dry-run would replace it" in capsys.readouterr().err


def test_replay_refuses_a_folder_for_its_file_before_any_work(tmp_path, capsys, monkeypatch):
    # It failed after 11 s of work and left "DIR.tmp.npz" behind (a review).
    import training.calibrate_command as cli

    monkeypatch.setattr(cli, "load_split", lambda *_a, **_k: pytest.fail("the data was loaded first"))
    (tmp_path / "replay.npz").mkdir()
    assert training_main(["replay", "--out", str(tmp_path / "replay.npz")]) == 2
    assert "is not a file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["replay.npz"]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--seed", str(2**64)], "--seed: must be from 0"),  # failed after the data was loaded
        (["--drawn", "10000000000"], "--drawn: must be from 0 to 1000000"),  # numpy's MemoryError traceback
        (["--pen-renders", "1000"], "--pen-renders: must be from 0 to 100"),
    ],
)
def test_absurd_amounts_are_refused_by_the_parser(capsys, options, said):
    with pytest.raises(SystemExit) as stopped:
        training_main(["train", *options])
    assert stopped.value.code == 2 and said in capsys.readouterr().err


def test_zero_is_accepted_where_it_is_the_default(tmp_path):
    # --pen-variety 0 and --energy-weight 0 had been "must be a positive number", though 0 is the default.
    out = tmp_path / "run"
    assert training_main(["train", "--dry-run", "--pen-variety", "0", "--energy-weight", "0", "--out", str(out)]) == 0
    recipe = json.loads((out / "metrics.json").read_text())["recipe"]
    assert recipe["pen_variety"] == 0 and recipe["energy_weight"] == 0


def test_a_folder_name_that_is_not_utf8_is_printed_escaped_after_a_finished_run(tmp_path):
    # The run wrote its model, then died printing "wrote bad\xffname/model.pt" to a strict UTF-8
    # stdout and exited 2 (a review).
    import subprocess
    import sys

    out = os.fsencode(tmp_path) + b"/bad\xffname"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    run = subprocess.run(
        [sys.executable, "-m", "training", "train", "--arch", "twoconv", "--dry-run", "--out", out],
        capture_output=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert b"bad\\udcffname" in run.stdout or b"bad\\xffname" in run.stdout


def test_a_dry_run_says_which_options_it_does_not_use(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        training_main(["train", "--arch", "twoconv", "--dry-run", "--epochs", "5", "--drawn", "10", "--out", str(out)])
        == 0
    )
    assert "dry run: 1 epoch on 512 MNIST images, no drawings added, no last stage (--epochs, --drawn not used)" in (
        capsys.readouterr().out
    )
