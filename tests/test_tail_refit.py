"""The default recipe's last stage: conv4 and the final layer refitted with the pen digits
weighed as MNIST (training/tail_refit.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.examples import tail_start
from mnist_desk.model import build_model
from training.__main__ import main as training_main
from training.data import NOT_A_DIGIT, Digits
from training.recipe import recipe_for
from training.tail_refit import refit_tail, split_training_set


def training_set(core: int = 64, pen: int = 32, others: int = 16, seed: int = 0) -> Digits:
    """MNIST-like digits first, then the additions: pen digits and non-digits interleaved."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (core + pen + others, 28, 28), dtype=np.uint8)
    added = np.array([*rng.integers(0, 10, pen), *[NOT_A_DIGIT] * others])
    rng.shuffle(added)
    labels = np.concatenate([rng.integers(0, 10, core), added]).astype(np.uint8)
    return Digits(images, labels, "test")


def test_the_training_set_splits_into_mnist_the_pen_digits_and_the_non_digits():
    train = training_set()
    mnist, pen, negatives = split_training_set(train, 64)
    assert len(mnist) == 64 and np.array_equal(mnist.images, train.images[:64])
    assert len(pen) == 32 and (pen.labels < NOT_A_DIGIT).all() and len(negatives) == 16
    rest = train.images[64:]
    assert {im.tobytes() for im in pen.images} | {im.tobytes() for im in negatives} == {im.tobytes() for im in rest}


def refitted(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(0)
    before = build_model("default").eval()
    after = build_model("default").eval()
    after.load_state_dict(before.state_dict())
    refit_tail(after, training_set(), 64, recipe_for("default", tail_steps=3, seed=seed), log=lambda _: None)
    return before, after


def test_only_the_last_two_stages_change_and_the_same_seed_gives_the_same_bits():
    before, after = refitted()
    tail = {name for i, (name, _) in enumerate(before.named_children()) if i >= tail_start(before)}
    changed = {name.split(".")[0] for name, value in after.state_dict().items()
               if not torch.equal(value, before.state_dict()[name])}  # fmt: skip
    assert changed and changed <= tail  # conv4 and the final layer; BatchNorm statistics frozen
    bn_stats = [n for n in after.state_dict() if "running" in n]
    assert all(torch.equal(after.state_dict()[n], before.state_dict()[n]) for n in bn_stats)
    _, again = refitted()
    assert all(torch.equal(value, again.state_dict()[name]) for name, value in after.state_dict().items())


def test_without_pen_digits_there_is_nothing_to_refit_with():
    only_mnist = training_set(pen=0, others=0)
    with pytest.raises(ValueError, match="pen digits"):
        refit_tail(build_model("default"), only_mnist, len(only_mnist), recipe_for("default"), log=lambda _: None)


def test_the_default_recipe_ends_with_it_and_a_refitted_network_is_not_refitted_twice(tmp_path, capsys):
    assert recipe_for("default").tail_steps > 0 and recipe_for("lenet5").tail_steps == 0
    path = tmp_path / "model.pt"
    save_checkpoint(path, build_model("default"), {"recipe": {}, "tail_refit": {"steps": 1000}})
    assert training_main(["refit-tail", "--checkpoint", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "refitted already" in capsys.readouterr().err


def test_without_non_digits_it_refits_on_the_digits_alone():
    # --negatives 0: the stage had died with "random_ expects 'from' to be less than 'to'" (a review).
    before = build_model("default").eval()
    after = build_model("default").eval()
    after.load_state_dict(before.state_dict())
    refit_tail(after, training_set(others=0), 64, recipe_for("default", tail_steps=3), log=lambda _: None)
    assert any(not torch.equal(v, before.state_dict()[n]) for n, v in after.state_dict().items())


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--pen-renders", "0"], "--tail-steps 0"),  # the default recipe's last stage needs pen digits
        (["--arch", "twoconv", "--channels", "8"], "--channels 8"),
    ],
)
def test_a_run_that_cannot_finish_is_refused_before_any_data_is_loaded(tmp_path, capsys, options, said):
    # Both had trained every epoch first (about 10 minutes), then failed; the first could not be resumed.
    missing = tmp_path / "no-data-here"  # were the data read, the error would be about this folder
    out = tmp_path / "run"
    assert training_main(["train", *options, "--data-dir", str(missing), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert said in error and str(missing) not in error
    assert not (out / "model.pt").exists()


@pytest.mark.parametrize(
    ("recipe", "said"),
    [
        (None, "no training recipe"),
        ("default", "no training recipe"),
        ({"bogus_field": 1}, "does not know: bogus_field"),
        ({"epochs": "eleven"}, "epochs is 'eleven'"),
        ({"channels": [8, "x"]}, "channels"),
        ({"augment": 1}, "augment"),
        ({"pen_renders": 0}, "pen_renders 0"),
    ],
)
def test_refit_tail_refuses_a_recipe_it_cannot_read_before_loading_data(tmp_path, capsys, recipe, said):
    # Each had been a KeyError or TypeError traceback, some after the data was loaded (a review).
    path = tmp_path / "model.pt"
    meta = (
        {} if recipe is None else {"recipe": recipe if not isinstance(recipe, dict) else {"pen_renders": 4, **recipe}}
    )
    save_checkpoint(path, build_model("default"), meta)
    assert training_main(["refit-tail", "--checkpoint", str(path), "--out", str(tmp_path / "out")]) == 2
    assert said in capsys.readouterr().err


def test_refit_tail_never_writes_over_the_network_it_refits(tmp_path, capsys):
    path = tmp_path / "run" / "model.pt"
    save_checkpoint(path, build_model("default"), {"recipe": {"pen_renders": 4}})
    before = path.read_bytes()
    assert training_main(["refit-tail", "--checkpoint", str(path), "--out", str(tmp_path / "run" / ".")]) == 2
    assert "another folder" in capsys.readouterr().err and path.read_bytes() == before
