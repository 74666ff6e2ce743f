"""Which of the user's examples a drawing looks most like (mnist_desk/nearest_example.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mnist_desk.example_store import ExampleStore
from mnist_desk.examples import Adapter
from mnist_desk.inference import Predictor
from mnist_desk.model import build_model
from mnist_desk.nearest_example import ExampleIndex, index_examples, nearest, unit_rows
from mnist_desk.preprocess import preprocess
from test_example_store import a_drawing


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


def an_index(features: np.ndarray, labels: list[int]) -> ExampleIndex:
    return ExampleIndex(unit_rows(features), np.array(labels), np.zeros((len(labels), 28, 28), np.float32))


def test_the_nearest_example_is_the_one_pointing_the_same_way():
    index = an_index(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]]), [3, 7, 9])
    assert nearest(index, np.array([5.0, 0.1, 0.0])).digit == 3  # the length does not matter, the direction does
    assert nearest(index, np.array([0.0, 2.0, 0.0])).similarity == pytest.approx(1.0)
    assert nearest(index, np.array([2.0, 2.1, 0.0])).digit == 9


def test_no_examples_or_no_direction_is_no_answer():
    index = an_index(np.array([[1.0, 0.0]]), [4])
    assert nearest(None, np.array([1.0, 0.0])) is None
    assert nearest(an_index(np.zeros((0, 2)), []), np.array([1.0, 0.0])) is None
    assert nearest(index, np.zeros(2)) is None  # a drawing whose features are all zero
    assert nearest(index, None) is None


@settings(max_examples=200, deadline=None)
@given(
    examples=arrays(
        np.float32,
        st.tuples(st.integers(1, 6), st.just(5)),
        elements=st.floats(width=32, allow_nan=False, allow_infinity=False),
    ),
    drawing=arrays(np.float32, 5, elements=st.floats(allow_nan=True, allow_infinity=True, width=32)),
)
def test_nearest_never_fails_and_similarity_is_a_cosine(examples, drawing):
    # Huge, tiny, zero, infinite or NaN features: an answer with a cosine in [-1, 1], or none.
    with np.errstate(all="ignore"):
        found = nearest(an_index(examples, list(range(len(examples)))), drawing)
    if found is not None:
        assert -1.0001 <= found.similarity <= 1.0001
        assert 0 <= found.digit < len(examples)


def test_final_features_are_what_the_final_layer_reads(predictor):
    inputs = np.stack([preprocess(a_drawing(d)) for d in (2, 5)])
    features = predictor.final_features(inputs)
    assert features.shape == (2, 128)  # pool3's 128 values, flattened, for the default network
    pool3 = predictor.predict_input(inputs[1]).activations["pool3"].ravel()
    assert np.allclose(features[1], pool3, atol=1e-5)
    lenet = build_model("lenet5").eval()
    twin = predictor.adapted(None)
    twin.model = lenet
    assert twin.final_features(inputs).shape == (2, lenet.fc3.in_features)
    assert twin.final_features(inputs[:0]).shape == (0, lenet.fc3.in_features)


def test_an_adapted_predictor_names_the_example_a_drawing_is_most_like(predictor, tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    drawings = {3: a_drawing(3, 1), 8: a_drawing(8, 2), 9: np.ascontiguousarray(a_drawing(9, 3)[:, ::-1])}
    for digit, drawing in drawings.items():
        store.add(drawing, digit)
    assert predictor.predict(drawings[9]).nearest_example is None  # the plain network has no examples
    adapted = Adapter(predictor).adapt(store.load())
    assert len(adapted.examples_index) == 3
    for digit, drawing in drawings.items():
        found = adapted.predict(drawing).nearest_example
        assert found is not None and found.digit == digit and found.similarity > 0.999
        assert found.path is not None and found.path.parent.name == str(digit)
        assert np.array_equal(found.input, preprocess(drawing))  # the example as the network read it
    other = adapted.predict(a_drawing(3, 7)).nearest_example  # another 3, not an example
    assert other.digit == 3 and other.similarity < 0.999
    assert adapted.adapted(None).examples_index is None  # switched off: no examples to be like


def test_an_index_made_without_paths_still_answers(predictor):
    class Loaded:
        inputs = np.stack([preprocess(a_drawing(d)) for d in (1, 4)])
        labels = np.array([1, 4])
        paths: list[Path] = []

    index = index_examples(predictor, Loaded())
    found = nearest(index, predictor.final_features(Loaded.inputs[1:])[0])
    assert found.digit == 4 and found.path is None


def test_only_this_thread_s_forward_passes_are_taken(predictor):
    # The hook sits on the shared network while one drawing is read: a forward pass another
    # thread runs meanwhile must not become this drawing's features.
    import threading

    import torch

    x = torch.from_numpy(preprocess(a_drawing(4))).view(1, 1, 28, 28)
    taken: list = []
    with predictor._final_inputs_into(taken):
        other = threading.Thread(target=lambda: predictor.model(x))
        other.start()
        other.join()
        assert taken == []
        predictor.model(x)
    assert len(taken) == 1


def test_it_speaks_against_the_answer_only_if_the_user_has_examples_of_that_digit():
    # One taught 9 had put "is it a 9?" under every sure 0 to 8: any drawing is nearest a 9 then.
    only_nines = an_index(np.array([[1.0, 0.0], [0.9, 0.1]]), [9, 9])
    found = nearest(only_nines, np.array([0.2, 1.0]), answer=3)
    assert found.digit == 9 and found.answer_similarity is None and not found.disagrees(3)
    both = an_index(np.array([[1.0, 0.0], [0.0, 1.0]]), [9, 3])
    found = nearest(both, np.array([1.0, 0.2]), answer=3)
    assert found.digit == 9 and found.answer_similarity == pytest.approx(0.2 / np.hypot(1.0, 0.2))
    assert found.disagrees(3) and not found.disagrees(9) and not found.disagrees(None)


def test_reading_many_finds_their_nearest_examples_in_the_same_pass(predictor, tmp_path: Path):
    # predict --examples ran the network twice per image: once to read it, once for the features.
    from mnist_desk.model import final_linear

    store = ExampleStore(tmp_path / "examples")
    for digit in (1, 3, 8):
        store.add(a_drawing(digit, 5), digit)
    adapted = Adapter(predictor).adapt(store.load())
    inputs = np.stack([preprocess(a_drawing(d, 9)) for d in (1, 3, 8, 3)])
    passes = []
    counting = final_linear(adapted.model).register_forward_pre_hook(lambda *_: passes.append(1))
    try:
        probabilities, rejected, likes = adapted.read_nearest(inputs)
    finally:
        counting.remove()
    assert len(passes) == 1 and len(likes) == 4
    assert np.array_equal(probabilities, adapted.read(inputs)[0])
    for x, like in zip(inputs, likes, strict=True):
        alone = adapted.predict_input(x).nearest_example
        assert like.digit == alone.digit and like.similarity == pytest.approx(alone.similarity, abs=1e-5)
    assert predictor.read_nearest(inputs)[2] == [None] * 4  # no examples, none to be like
