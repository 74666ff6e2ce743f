"""Resuming changes nothing: the same bits as a run never stopped, for every preset.

Runs are tiny (24 images, batches of 8, two epochs) and single-threaded: on a
shared two-core machine two threads waiting on each other cost more than they
give, and one thread makes the comparison independent of scheduling.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal

import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import training.train as train_module
from mnist_desk.checkpoint import CheckpointError, load_checkpoint
from mnist_desk.model import ARCHITECTURES
from training.ema import warm_ema
from training.resume import recipe_differences
from training.train import Trainer, predict_all, recipe_for

CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def ctrl_c_reaches_python():
    """Python's own Ctrl-C handler, as in a terminal.

    A job started in the background by a shell without job control (``make
    test &``) inherits SIGINT *ignored*, and then no Ctrl-C can reach training
    at all: these tests are about the terminal case, so they set it up.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def tiny(mnist_train, mnist_test):
    return mnist_train.subset(24), mnist_test.subset(16)


def _trainer(tiny, arch, **overrides):
    recipe = recipe_for(arch, **{"epochs": 2, "batch_size": 8, "seed": 3, **overrides})
    return Trainer(recipe, *tiny, CPU, log=lambda *_: None)


def _assert_same_run(a: Trainer, b: Trainer, result_a, result_b):
    for name, tensor in a.model.state_dict().items():
        assert torch.equal(tensor, b.model.state_dict()[name]), f"live {name} differs"
    if a.ema is not None:
        for name, tensor in a.ema.state_dict().items():
            assert torch.equal(tensor, b.ema.state_dict()[name]), f"average {name} differs"
    assert _table(result_a) == _table(result_b)


def _table(result):
    # repr: an epoch without a validation pass records NaN, which is not equal to itself.
    return [repr((h.epoch, h.loss, h.train_acc, h.val_acc)) for h in result.history]


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_resuming_at_an_epoch_boundary_gives_bit_identical_weights(tmp_path, tiny, arch):
    uninterrupted = _trainer(tiny, arch)

    def keep_the_epoch_one_checkpoint(epoch, step):
        if (epoch, step) == (1, 1):  # model.pt still holds the end of epoch 1
            shutil.copy(tmp_path / "a.pt", tmp_path / "boundary.pt")

    result_a = uninterrupted.run(tmp_path / "a.pt", {}, on_step=keep_the_epoch_one_checkpoint)
    resumed = _trainer(tiny, arch)
    resumed.resume_from(tmp_path / "boundary.pt")
    assert (resumed.start_epoch, resumed.start_step) == (1, 0)
    result_b = resumed.run(tmp_path / "b.pt", {})
    _assert_same_run(uninterrupted, resumed, result_a, result_b)
    finished_a, finished_b = load_checkpoint(tmp_path / "a.pt"), load_checkpoint(tmp_path / "b.pt")
    for name, tensor in finished_a.model.state_dict().items():
        assert torch.equal(tensor, finished_b.model.state_dict()[name])


@pytest.mark.parametrize(
    ("arch", "stop_at"),
    [("default", (0, 2)), ("deep-dropout", (1, 1)), ("bn-tanh", (0, 1)), ("twoconv", (0, 3)), ("lenet5", (1, 2))],
)
def test_a_mid_epoch_interrupt_resumes_that_epoch_at_its_step(tmp_path, tiny, arch, stop_at):
    uninterrupted = _trainer(tiny, arch)
    result_a = uninterrupted.run(tmp_path / "a.pt", {})

    def interrupt(epoch, step):
        if (epoch, step) == stop_at:
            raise KeyboardInterrupt

    stopped = _trainer(tiny, arch)
    partial = stopped.run(tmp_path / "b.pt", {}, on_step=interrupt)
    assert partial.interrupted and len(partial.history) == stop_at[0]
    saved = load_checkpoint(tmp_path / "b.pt").resume
    assert (saved["epoch"], saved["step"]) == stop_at
    resumed = _trainer(tiny, arch)
    resumed.resume_from(tmp_path / "b.pt")
    assert (resumed.start_epoch, resumed.start_step) == stop_at
    result_b = resumed.run(tmp_path / "b.pt", {})
    _assert_same_run(uninterrupted, resumed, result_a, result_b)


def test_a_ctrl_c_inside_a_step_lets_the_step_finish_then_saves_exactly(
    tmp_path, tiny, monkeypatch, ctrl_c_reaches_python
):
    uninterrupted = _trainer(tiny, "default")
    result_a = uninterrupted.run(tmp_path / "a.pt", {})
    stopped = _trainer(tiny, "default")
    calls = {"n": 0}
    original_augment = train_module.augment_batch

    def augment_with_a_ctrl_c(*args):
        calls["n"] += 1
        if calls["n"] == 2:  # inside the second step, before its forward pass
            os.kill(os.getpid(), signal.SIGINT)
        return original_augment(*args)

    monkeypatch.setattr(train_module, "augment_batch", augment_with_a_ctrl_c)
    assert stopped.run(tmp_path / "b.pt", {}).interrupted
    saved = load_checkpoint(tmp_path / "b.pt").resume
    assert (saved["epoch"], saved["step"]) == (0, 2)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    monkeypatch.undo()
    resumed = _trainer(tiny, "default")
    resumed.resume_from(tmp_path / "b.pt")
    _assert_same_run(uninterrupted, resumed, result_a, resumed.run(tmp_path / "b.pt", {}))


def test_a_second_ctrl_c_stops_at_once_and_keeps_the_last_exact_checkpoint(
    tmp_path, tiny, capsys, monkeypatch, ctrl_c_reaches_python
):
    stopped = _trainer(tiny, "default")
    calls = {"n": 0}
    original_augment = train_module.augment_batch

    def augment_with_two_ctrl_cs(*args):
        calls["n"] += 1
        if calls["n"] == 5:  # epoch 2, step 2
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        return original_augment(*args)

    monkeypatch.setattr(train_module, "augment_batch", augment_with_two_ctrl_cs)
    assert stopped.run(tmp_path / "b.pt", {}).interrupted
    saved = load_checkpoint(tmp_path / "b.pt").resume
    assert (saved["epoch"], saved["step"]) == (1, 0)  # the end of epoch 1, not half of a step
    assert "keeps the last exact state" in capsys.readouterr().err


# --- refusing what cannot be resumed exactly -------------------------------------------------------


@pytest.fixture(scope="module")
def interrupted_checkpoint(tmp_path_factory, tiny):
    path = tmp_path_factory.mktemp("resume") / "model.pt"

    def interrupt(epoch, step):
        if (epoch, step) == (0, 2):
            raise KeyboardInterrupt

    with_one_thread = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _trainer(tiny, "twoconv").run(path, {"command": "python -m training train --arch twoconv"}, on_step=interrupt)
    finally:
        torch.set_num_threads(with_one_thread)
    return path


def test_other_options_or_data_are_refused_with_the_reason(interrupted_checkpoint, tiny):
    with pytest.raises(ValueError, match=r"epochs: 2 in the checkpoint, 3 now.*started as: python -m training"):
        _trainer(tiny, "twoconv", epochs=3).resume_from(interrupted_checkpoint)
    other_data = (tiny[0].subset(16), tiny[1])
    with pytest.raises(ValueError, match="trained on other data"):
        _trainer(other_data, "twoconv").resume_from(interrupted_checkpoint)
    with pytest.raises(ValueError, match="asks for"):
        _trainer(tiny, "lenet5").resume_from(interrupted_checkpoint)


def test_a_checkpoint_from_before_exact_resume_is_refused(tmp_path, interrupted_checkpoint, tiny):
    payload = torch.load(interrupted_checkpoint, weights_only=True)
    payload["resume"] = {"epoch": 1, "optimizer": payload["resume"]["optimizer"], "scheduler_steps": 3}
    torch.save(payload, tmp_path / "old.pt")
    with pytest.raises(CheckpointError, match="older mnist-desk"):
        _trainer(tiny, "twoconv").resume_from(tmp_path / "old.pt")


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(torch.zeros, st.integers(0, 4)),
)
KEYS = ["epoch", "step", "world", "live", "ema", "optimizer", "scheduler", "rng", "perm", "totals", "history",
        "data", "recipe", "version"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(KEYS), junk=JUNK, inner=st.integers(0, 50), nested=st.booleans())
@example(key="version", junk=torch.zeros(0), inner=0, nested=False)  # found in CI: a tensor's != has no truth
@example(key="version", junk=torch.zeros(2), inner=0, nested=False)
@example(key="version", junk=True, inner=0, nested=False)
@example(key="optimizer", junk=[0], inner=0, nested=True)  # parameter groups that are not dicts
@example(key="optimizer", junk=[{"params": 3}], inner=0, nested=True)
def test_a_damaged_training_state_is_a_clear_error(tmp_path, interrupted_checkpoint, tiny, key, junk, inner, nested):
    payload = torch.load(interrupted_checkpoint, weights_only=True)
    resume = payload["resume"]
    target = resume[key] if nested and isinstance(resume.get(key), dict) and resume[key] else None
    if target is not None:
        names = sorted(target, key=str)
        target[names[inner % len(names)]] = junk
    else:
        resume[key] = junk
    torch.save(payload, tmp_path / "damaged.pt")
    trainer = _trainer(tiny, "twoconv")
    try:
        trainer.resume_from(tmp_path / "damaged.pt")
    except (CheckpointError, ValueError) as exc:
        assert "damaged.pt" in str(exc)
        return
    trainer.run(None)  # what was accepted must also work


def test_a_finished_checkpoint_is_not_resumable(tmp_path, tiny):
    trainer = _trainer(tiny, "twoconv", epochs=1)
    result = trainer.run()
    from mnist_desk.checkpoint import save_checkpoint

    save_checkpoint(tmp_path / "done.pt", result.model, {})
    with pytest.raises(CheckpointError, match="no training state to resume"):
        _trainer(tiny, "twoconv").resume_from(tmp_path / "done.pt")


# --- the weight average ---------------------------------------------------------------------------


def test_the_weight_average_warms_up():
    average, current = [torch.zeros(3)], [torch.ones(3)]
    update = warm_ema(0.999)
    for t in (1, 10, 100, 10_000):
        average[0].zero_()
        update(average, current, torch.tensor(t))
        expected = 1 - min(0.999, (1 + t) / (10 + t))
        assert torch.allclose(average[0], torch.full((3,), expected))
    counter = [torch.tensor(5)]
    update(counter, [torch.tensor(9)], torch.tensor(3))
    assert counter[0].item() == 9  # integer buffers follow the live model


def test_a_short_default_run_saves_an_average_that_has_learned(mnist_train, mnist_test, tmp_path):
    # 47 steps: with a fixed 0.999 decay the average kept ~95 % of the random
    # start and read 9 % of these digits while the live weights read 93 %.
    recipe = recipe_for("default", epochs=1, batch_size=64, lr=0.02, seed=0, augment=False)
    test = mnist_test.subset(500)
    trainer = Trainer(recipe, mnist_train.subset(3000), test, CPU, log=lambda *_: None)
    result = trainer.run(tmp_path / "model.pt", {})
    live = float((predict_all(trainer.model, test.images, CPU) == test.labels).mean())
    assert result.weights == "ema" and live > 0.8
    assert result.history[-1].val_acc > live - 0.05, (result.history, live)
    meta = load_checkpoint(tmp_path / "model.pt").meta
    assert meta["weights"] == "ema" and meta["ema"]["updates"] == trainer.steps_per_epoch


def test_a_checkpoint_from_before_a_recipe_field_existed_resumes_when_the_field_keeps_its_old_behaviour():
    recipe = recipe_for("twoconv")
    saved = {k: v for k, v in dataclasses.asdict(recipe).items() if k not in ("turned", "glyph_negatives")}
    assert recipe_differences(saved, recipe) == []
    changed = recipe_for("twoconv", turned=10)
    assert recipe_differences(saved, changed) == ["turned: None in the checkpoint, 10 now"]
