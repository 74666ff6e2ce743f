"""Adapting the network to the user's examples (the store itself: test_example_store.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from mnist_desk.example_store import ExampleStore
from mnist_desk.examples import (
    Adapter,
    Replay,
    fit_tail,
    jitter,
    load_replay,
    tail_of,
    tail_start,
    trunk_features,
)
from mnist_desk.inference import Predictor
from mnist_desk.model import build_model
from mnist_desk.preprocess import preprocess
from test_example_store import a_drawing


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


def test_the_trunk_and_the_tail_make_up_the_network(predictor):
    inputs = np.stack([preprocess(a_drawing(d)) for d in range(3)])
    features = trunk_features(predictor.model, inputs)
    with torch.no_grad():
        logits = predictor.model(torch.from_numpy(inputs).unsqueeze(1))
        assert torch.allclose(tail_of(predictor.model)(features), logits, atol=1e-4)
    names = [name for name, _ in predictor.model.named_children()]
    assert names[tail_start(predictor.model)] == "conv4"  # conv4 and fc1 are refitted


@pytest.mark.parametrize(
    ("arch", "first_adapted"),
    [("twoconv", "conv2"), ("lenet5", "fc2"), ("bn-tanh", "fc2"), ("deep-dropout", "fc1")],
)
def test_every_preset_has_stages_to_adapt(arch, first_adapted):
    model = build_model(arch).eval()
    inputs = np.random.default_rng(0).random((2, 28, 28), dtype=np.float32)
    assert [name for name, _ in model.named_children()][tail_start(model)] == first_adapted
    with torch.no_grad():
        assert torch.allclose(tail_of(model)(trunk_features(model, inputs)), model(torch.from_numpy(inputs)[:, None]))
    adaptation = fit_tail(model, inputs, np.array([3, 4]), Replay(inputs * 255, np.array([1, 2]), inputs[:0]))
    assert set(adaptation.state) <= set(model.state_dict())


def test_each_example_is_seen_itself_and_in_varied_copies():
    examples = np.stack([preprocess(a_drawing(digit)) for digit in (3, 7)])
    variants = jitter(examples, 16, torch.Generator().manual_seed(0))
    assert variants.shape == (32, 1, 28, 28)
    assert torch.equal(variants[0, 0], torch.from_numpy(examples[0]))
    assert torch.equal(variants[16, 0], torch.from_numpy(examples[1]))
    assert float(variants.min()) >= 0 and float(variants.max()) <= 1
    copies_of_the_3 = variants[1:16, 0]
    assert all((copy - variants[0, 0]).abs().max() > 0.1 for copy in copies_of_the_3)  # each one moved
    assert len({round(float(copy.sum()), 3) for copy in copies_of_the_3}) == 15  # and no two alike
    # Variations of the example, not of anything else: on average the copies sit on its ink.
    for mine, theirs in ((0, 16), (16, 0)):
        average = variants[mine + 1 : mine + 16, 0].mean(0)
        assert (average - variants[mine, 0]).abs().sum() < (average - variants[theirs, 0]).abs().sum()


def test_adapting_learns_the_examples_and_leaves_the_original_alone(predictor):
    # A writer whose 9s come out mirrored, a shape the network reads as another digit:
    # four examples labelled 9 must teach it the other ones.
    candidates = np.stack([preprocess(a_drawing(9, seed)[:, ::-1]) for seed in range(30)])
    read = predictor.probabilities(candidates).argmax(1)
    mirrored = list(candidates[read != 9][:10])
    assert len(mirrored) == 10  # the network misreads most mirrored 9s
    misread = predictor.probabilities(np.stack(mirrored)).argmax(1)
    before = {name: tensor.clone() for name, tensor in predictor.model.state_dict().items()}
    adapted = predictor.adapted(
        fit_tail(predictor.model, np.stack(mirrored[:4]), np.array([9] * 4), load_replay(), predictor.temperature)
    )
    assert (adapted.probabilities(np.stack(mirrored[4:])).argmax(1) == 9).mean() >= 5 / 6
    assert all(torch.equal(t, before[name]) for name, t in predictor.model.state_dict().items())
    changed = [n for n, t in adapted.model.state_dict().items() if not torch.equal(t, before[n])]
    assert changed and all(n.startswith(("conv4.", "fc1.")) for n in changed)
    assert (predictor.probabilities(np.stack(mirrored)).argmax(1) == misread).all()
    replay = load_replay()
    replay_read = adapted.probabilities(replay.digits.astype(np.float32) / 255).argmax(1)
    assert (replay_read == replay.labels).mean() > 0.98  # everybody else's digits still read


def test_adapting_keeps_saying_not_a_digit(predictor, monkeypatch):
    # Found by a reviewer: one example of a 2, and a star the network called "not a digit"
    # was read "7, 85 %". The bundled non-digits are fitted towards "unsure" beside the digits.
    from training.negatives import VALIDATION_KINDS, rendered_negatives

    shapes = rendered_negatives(VALIDATION_KINDS, 130, seed=5).astype(np.float32) / 255  # never adapted on
    before = predictor.read(shapes)[1].mean()
    twos = np.stack([preprocess(a_drawing(2, seed)) for seed in range(2)])
    replay = load_replay()
    assert len(replay.negatives) >= 500
    adapted = predictor.adapted(fit_tail(predictor.model, twos, np.array([2, 2]), replay, predictor.temperature))
    after = adapted.read(shapes)[1].mean()
    assert before > 0.7 and after > before - 0.1, (before, after)
    # Without them (and without the scores held in place, which guard too), the same fit lets
    # most of these shapes pass as digits: the test can fail.
    import mnist_desk.examples as examples

    monkeypatch.setattr(examples, "SCORE_ANCHOR", 0.0)
    bare = Replay(replay.digits, replay.labels, replay.negatives[:0])
    unguarded = predictor.adapted(fit_tail(predictor.model, twos, np.array([2, 2]), bare, predictor.temperature))
    assert unguarded.read(shapes)[1].mean() < before - 0.2


def test_one_example_leaves_everybody_elses_digits_read_as_surely(predictor, monkeypatch):
    # A user's first correction, one plain digit: refitted to it, the network read every
    # drawing less surely, and 3.2 % of unseen writers' digits became "not a digit" (0.6 %
    # before), whichever digit was taught. The replay set's scores are now held in place.
    import mnist_desk.examples as examples
    from training.pen_render import random_style, render
    from training.pendigits import VALIDATION_WRITERS, by_writers, read_pendigits

    pen = read_pendigits()
    rng = np.random.default_rng(7)
    others = by_writers(pen, list(VALIDATION_WRITERS))[::2]
    inputs = np.stack([preprocess(render(d.strokes, random_style(rng))) for d in others])
    writer = by_writers(pen, [1])  # a training writer's digits as the examples
    taught = [preprocess(render(next(d for d in writer if d.label == c).strokes, random_style(rng))) for c in range(10)]
    replay = examples.replay_features(predictor.model, load_replay())
    before = predictor.read(inputs)[1].mean()

    def rejected_after_one_example() -> float:
        fits = [
            fit_tail(predictor.model, x[None], np.array([c]), replay, predictor.temperature)
            for c, x in enumerate(taught)
        ]
        return float(np.mean([predictor.adapted(fit).read(inputs)[1].mean() for fit in fits]))

    assert rejected_after_one_example() < before + 0.015, before
    # The test can fail. With the network of the time, the fit without the anchor did (+2.6
    # points); the network shipped since 2026-11-25 (its last stages refitted on the pen digits)
    # no longer drifts so without it (0.2 -> 0.24 %, and 0.72 % with it), so the control is a
    # fit that does harm: ten times the rate, no anchor (27 % rejected).
    monkeypatch.setattr(examples, "SCORE_ANCHOR", 0.0)
    monkeypatch.setattr(examples, "LEARNING_RATE", examples.LEARNING_RATE * 10)
    assert rejected_after_one_example() > before + 0.02


def test_correcting_one_misread_digit_leaves_other_writers_digits_read_as_well(predictor, monkeypatch):
    # How a user starts: one digit the network misread, taught as what it is. At full weight
    # that one drawing pulled the last stages so hard that other people's digits were read
    # 2 points worse on average (one 3 taught as 3 cost 11.6 points). Few examples now weigh
    # in proportion to their number (FULL_WEIGHT_EXAMPLES), and the correction still takes.
    import mnist_desk.examples as examples
    from training.pen_render import random_style, render
    from training.pendigits import TRAIN_WRITERS, VALIDATION_WRITERS, by_writers, read_pendigits

    pen = read_pendigits()
    rng = np.random.default_rng(7)
    others = by_writers(pen, list(VALIDATION_WRITERS))[::4]
    inputs = np.stack([preprocess(render(d.strokes, random_style(rng))) for d in others])
    labels = np.array([d.label for d in others])
    misread = []  # training writers' digits the network reads wrong, as a user would correct them
    for d in by_writers(pen, list(TRAIN_WRITERS))[::2]:
        x = preprocess(render(d.strokes, random_style(rng)))
        if predictor.read(x[None])[0].argmax() != d.label:
            misread.append((x, d.label))
        if len(misread) == 6:
            break
    replay = examples.replay_features(predictor.model, load_replay())
    before = (predictor.read(inputs)[0].argmax(1) == labels).mean()

    def accuracy_after_one_correction() -> float:
        scores = []
        for x, label in misread:
            adapted = predictor.adapted(
                fit_tail(predictor.model, x[None], np.array([label]), replay, predictor.temperature)
            )
            assert adapted.read(x[None])[0].argmax() == label  # the correction takes
            scores.append((adapted.read(inputs)[0].argmax(1) == labels).mean())
        return float(np.mean(scores))

    assert len(misread) == 6
    assert accuracy_after_one_correction() > before - 0.005, before
    monkeypatch.setattr(examples, "FULL_WEIGHT_EXAMPLES", 1)  # every example at full weight, as before
    assert accuracy_after_one_correction() < before - 0.01  # the test can fail


def test_correcting_a_misread_digit_leaves_the_writers_other_digits_trusted(predictor, monkeypatch):
    # After one correction, 2.5 % of the writer's other digits were "not a digit" (1.0 %
    # before): refitted to a few examples, the last stages read everything a little less
    # surely, and a writer whose digits get misread has digits near the threshold. With few
    # examples a replay drawing's falling score now costs more (DROP_ANCHOR).
    import mnist_desk.examples as examples
    from training.pen_render import random_style, render
    from training.pendigits import by_writers, read_pendigits

    pen = read_pendigits()
    rng = np.random.default_rng(11)
    replay = examples.replay_features(predictor.model, load_replay())
    cases = []  # (one misread digit, its label, the writer's other digits)
    for writer in (15, 28):  # validation writers with misread digits
        digits = by_writers(pen, [writer])
        inputs = np.stack([preprocess(render(d.strokes, random_style(rng))) for d in digits])
        labels = np.array([d.label for d in digits])
        wrong = np.flatnonzero(predictor.read(inputs)[0].argmax(1) != labels)[:3]
        cases += [(inputs[i], labels[i], np.delete(inputs, i, 0)) for i in wrong]
    assert len(cases) == 6
    before = np.mean([predictor.read(rest)[1].mean() for _, _, rest in cases])

    def rejected_after_one_correction() -> float:
        rejected = []
        for x, label, rest in cases:
            adapted = predictor.adapted(
                fit_tail(predictor.model, x[None], np.array([label]), replay, predictor.temperature)
            )
            assert adapted.read(x[None])[0].argmax() == label  # the correction takes
            rejected.append(adapted.read(rest)[1].mean())
        return float(np.mean(rejected))

    rise = rejected_after_one_correction() - before  # 0.8 points here (1.2 % before)
    monkeypatch.setattr(examples, "DROP_ANCHOR", 0.0)
    rise_without = rejected_after_one_correction() - before  # 2.3 points: the test can fail
    assert rise_without > 0.015, (before, rise_without)
    assert rise < 0.01 and rise < rise_without / 2, (before, rise, rise_without)


def test_an_adapter_keeps_its_replay_features_and_undoes_cleanly(predictor, tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    for seed in range(3):
        store.add(np.ascontiguousarray(a_drawing(9, seed)[:, ::-1]), 9)
    adapter = Adapter(predictor)
    first = adapter.adapt(store.load())
    features = adapter._features
    second = adapter.adapt(store.load())
    assert adapter._features is features  # computed once
    assert first.adaptation is not None and second.adaptation is not None
    plain = second.adapted(None)
    assert plain.model is predictor.model and plain.adaptation is None
    assert adapter.adapt(ExampleStore(tmp_path / "none").load()).model is predictor.model


def test_getting_ready_beforehand_changes_no_adaptation_and_no_weight(predictor, tmp_path: Path):
    # The window prepares the adapter while the user pauses (a thrown-away warm-up fit):
    # the adaptation that follows must be the one an unprepared adapter makes.
    store = ExampleStore(tmp_path / "examples")
    for seed in range(3):
        store.add(np.ascontiguousarray(a_drawing(9, seed)[:, ::-1]), 9)
    before = {name: tensor.clone() for name, tensor in predictor.model.state_dict().items()}
    ready = Adapter(predictor)
    ready.prepare()
    assert ready.prepared and all(torch.equal(t, before[n]) for n, t in predictor.model.state_dict().items())
    unprepared = Adapter(predictor)
    assert not unprepared.prepared
    a, b = ready.adapt(store.load()).adaptation, unprepared.adapt(store.load()).adaptation
    assert a is not None and b is not None and a.state.keys() == b.state.keys()
    assert all(np.array_equal(a.state[name], b.state[name]) for name in a.state)


def test_adapting_stops_at_the_next_step_when_asked(predictor):
    # Closing the window waited for the whole fit (11 s with 1,000 examples: a hostile review).
    from mnist_desk.examples import AdaptingStopped

    asked = []

    def stop_after_three() -> bool:
        asked.append(1)
        return len(asked) > 3

    inputs = np.stack([preprocess(a_drawing(d)) for d in range(4)])
    with pytest.raises(AdaptingStopped):
        fit_tail(predictor.model, inputs, np.arange(4), load_replay(), stop=stop_after_three)
    assert len(asked) == 4  # asked once per step or batch, and stopped at the first True


def test_many_examples_are_fitted_with_fewer_variants_each(predictor, monkeypatch):
    # 10,000 examples with 16 variants each had taken 123 s and 5.8 GB (a review); the fit's
    # steps do not grow with the examples, only the variants' features did.
    import mnist_desk.examples as examples

    assert [examples.variants_per_example(n) for n in (1, 20, 256, 1000, 10_000)] == [16, 16, 16, 4, 1]
    seen = []
    features = examples.trunk_features
    monkeypatch.setattr(
        examples, "trunk_features", lambda model, x, **kw: seen.append(len(x)) or features(model, x, **kw)
    )
    many = np.zeros((5000, 28, 28), np.float32)
    many[:, 8:20, 13:15] = 1.0  # a 1, 5,000 times
    fit_tail(predictor.model, many, np.ones(5000, np.int64), load_replay(), steps=2)
    assert seen[0] == 5000  # the examples alone: at most VARIANT_BUDGET variants, or one of each
    untouched = jitter(many[:3], 1, torch.Generator().manual_seed(0))
    assert torch.equal(untouched, torch.from_numpy(many[:3]).unsqueeze(1))
