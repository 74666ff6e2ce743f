"""unit_arithmetic and receptive_field against the network's own forward pass."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from mnist_desk.explain import (
    INPUT,
    SOFTMAX,
    UnitArithmetic,
    field_geometry,
    previous_stage,
    receptive_field,
    softmax_arithmetic,
    stage_outputs,
    unit_arithmetic,
    vector_activations,
)
from mnist_desk.explain_fields import copied_from, stages_of
from mnist_desk.inference import Predictor
from mnist_desk.layer_info import describe_stages
from mnist_desk.model import ARCHITECTURES, MNIST_MEAN, MNIST_STD, ModelConfig, build_model


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor()


CONFIGS = [ModelConfig(arch) for arch in sorted(ARCHITECTURES)] + [ModelConfig("twoconv", (3, 5))]


def _ids(config: ModelConfig) -> str:
    return config.arch + ("-" + "-".join(map(str, config.channels)) if config.channels else "")


def untrained(config: ModelConfig, seed: int = 0) -> nn.Module:
    """An eval-mode model whose BatchNorm layers have non-trivial statistics and affine terms."""
    torch.manual_seed(seed)
    model = build_model(config).eval()
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.uniform_(-0.5, 0.5, generator=generator)
            module.running_var.uniform_(0.3, 2.0, generator=generator)
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.3, 0.3, generator=generator)
            assert module.running_mean.shape == (n,)
    return model


def _reference(model: nn.Module, image: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The network's own numbers: every stage's output and its conv/linear output before BN and activation."""
    pre: dict[str, np.ndarray] = {}
    handles = []
    for name, stage in model.named_children():
        layer = next((m for m in stage.modules() if isinstance(m, nn.Conv2d | nn.Linear)), None)
        if layer is not None:
            # clone: an in-place ReLU right after a bias-only conv overwrites its output
            handles.append(layer.register_forward_hook(lambda _m, _i, out, n=name: pre.__setitem__(n, out[0].clone())))
    outputs: dict[str, np.ndarray] = {}
    x = torch.from_numpy(image.astype(np.float32)).view(1, 1, 28, 28)
    with torch.no_grad():
        logits, activations = model.forward_with_activations(x)
        h = (x - MNIST_MEAN) / MNIST_STD
        for name, stage in model.named_children():
            h = stage(h)
            outputs[name] = h[0].clone().numpy()
    for handle in handles:
        handle.remove()
    for name, maps in activations.items():  # the app's own path agrees with the stage-by-stage pass
        np.testing.assert_allclose(outputs[name], maps[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(outputs[list(outputs)[-1]], logits[0].numpy(), atol=1e-6)
    return outputs, {k: v.numpy() for k, v in pre.items()}


def _units(shape: tuple[int, ...], rng: np.random.Generator, count: int = 4) -> list[tuple[int, ...]]:
    """Random units, plus the first and last (their windows hang over the padding)."""
    units = {tuple(0 for _ in shape), tuple(n - 1 for n in shape)}
    while len(units) < count + 2 and len(units) < int(np.prod(shape)):
        units.add(tuple(int(rng.integers(n)) for n in shape))
    return sorted(units)


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_weighted_sum_and_value_match_the_forward_pass_for_every_stage(config):
    model = untrained(config)
    rng = np.random.default_rng(1)
    image = rng.random((28, 28)).astype(np.float32)
    outputs, pre = _reference(model, image)
    checked = set()
    for info in describe_stages(model):
        for unit in _units(info.output_shape, rng):
            channel, y, x = (*unit, 0, 0)[:3] if not info.is_map else unit
            a = unit_arithmetic(model, image, info.name, channel, y, x)
            assert isinstance(a, UnitArithmetic) and a.kind == info.kind
            expected = float(outputs[info.name][unit])
            assert a.value == pytest.approx(expected, abs=1e-6)
            # The arithmetic's own chain ends at the network's value.
            assert a.activated == pytest.approx(expected, rel=1e-4, abs=1e-4), (info.name, unit)
            if info.kind in ("conv", "fc"):
                assert a.weighted_sum == pytest.approx(float(pre[info.name][unit]), rel=1e-4, abs=1e-4)
                assert a.weighted_sum == pytest.approx(float(a.products.sum()) + a.bias, abs=1e-9)
                assert (a.batchnorm is not None) == info.batchnorm
            if info.kind == "conv":
                assert a.inputs.shape == a.kernel.shape == (info.in_channels, *info.kernel)
            if info.kind in ("pool", "global_pool") and info.pool == "max":
                dy, dx = a.max_position
                assert a.inputs[0, dy, dx] == a.weighted_sum == pytest.approx(expected, abs=1e-6)
                assert a.kernel is None
            checked.add(info.kind)
    assert {"conv", "pool", "fc"} <= checked


def test_conv1_reads_the_normalised_image_with_zero_padding():
    model = untrained(ModelConfig("default"))
    image = np.zeros((28, 28), np.float32)
    image[0, 0] = 1.0
    a = unit_arithmetic(model, image, "conv1", 3, 0, 0)
    assert a.source == INPUT and a.input_mean == MNIST_MEAN and a.input_std == MNIST_STD
    assert a.window == (-2, -2, 3, 3)  # 5x5 centred on (0, 0), two rows and columns of padding
    assert np.all(a.inputs[0, :2, :] == 0) and np.all(a.inputs[0, :, :2] == 0)
    assert a.inputs[0, 2, 2] == pytest.approx((1.0 - MNIST_MEAN) / MNIST_STD)
    assert a.inputs[0, 3, 3] == pytest.approx(-MNIST_MEAN / MNIST_STD)  # blank pixels are not zero after normalising
    later = unit_arithmetic(model, image, "conv2", 0, 0, 0)
    assert later.source == "pool1" and later.input_mean is None


def test_only_windows_over_the_edge_read_padding():
    model = untrained(ModelConfig("default"))
    image = np.zeros((28, 28), np.float32)
    assert unit_arithmetic(model, image, "conv1", 0, 0, 14).reads_padding  # top row: 2 rows above
    assert unit_arithmetic(model, image, "conv1", 0, 27, 27).reads_padding
    assert not unit_arithmetic(model, image, "conv1", 0, 2, 25).reads_padding  # 5x5 just inside
    assert unit_arithmetic(model, image, "conv2", 0, 0, 5).reads_padding  # 3x3 "same" on pool1's 14x14
    assert not unit_arithmetic(model, image, "conv2", 0, 1, 12).reads_padding
    assert not unit_arithmetic(model, image, "pool1", 0, 0, 0).reads_padding  # pools are not convs


@pytest.mark.parametrize("arch", ["lenet5", "twoconv", "default"])
def test_a_flattened_element_names_the_map_unit_it_was_copied_from(arch):
    model = untrained(ModelConfig(arch))
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    outputs = stage_outputs(model, image)
    source = outputs[previous_stage(model, "flatten")]
    assert source.ndim == 3
    for index in (0, 1, source.shape[2], source.size // 2 + 3, source.size - 1):
        a = unit_arithmetic(model, image, "flatten", index)
        assert a.source_shape == source.shape
        c, y, x = a.source_unit
        assert index == (c * source.shape[1] + y) * source.shape[2] + x
        assert a.value == pytest.approx(float(source[c, y, x]))


def test_fc_top_contributions_are_the_largest_products():
    model = untrained(ModelConfig("lenet5"))
    image = np.random.default_rng(2).random((28, 28)).astype(np.float32)
    a = unit_arithmetic(model, image, "fc2", 17, top=5)
    assert len(a.top_contributions) == 5
    sizes = [abs(c.product) for c in a.top_contributions]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == pytest.approx(np.abs(a.products).max())
    for c in a.top_contributions:
        assert c.product == pytest.approx(c.value * c.weight)
        assert c.value == a.inputs[c.index] and c.weight == a.kernel[c.index]


def test_unit_outside_the_map_is_an_error():
    model = untrained(ModelConfig("twoconv"))
    with pytest.raises(IndexError):
        unit_arithmetic(model, np.zeros((28, 28)), "conv1", 0, 24, 0)
    with pytest.raises(KeyError, match="conv9"):
        unit_arithmetic(model, np.zeros((28, 28)), "conv9", 0)
    with pytest.raises(ValueError, match="eval"):
        unit_arithmetic(build_model("twoconv").train(), np.zeros((28, 28)), "conv1", 0)


def test_softmax_arithmetic_matches_the_predictor(bundled, drawn_seven):
    prediction = bundled.predict(drawn_seven)
    s = unit_arithmetic(bundled, prediction.input, SOFTMAX, 0)
    np.testing.assert_array_equal(s.probabilities, softmax_arithmetic(bundled, prediction.input).probabilities)
    assert s.temperature == bundled.temperature
    np.testing.assert_allclose(s.scaled, s.logits / s.temperature)
    np.testing.assert_allclose(s.exponentials / s.normaliser, s.probabilities)
    np.testing.assert_allclose(s.probabilities, prediction.probabilities, atol=1e-6)
    assert int(np.argmax(s.logits)) == prediction.digit == 7


def test_values_are_the_predictions_activations(bundled, drawn_seven):
    prediction = bundled.predict(drawn_seven)
    rng = np.random.default_rng(5)
    for stage, maps in prediction.activations.items():
        for unit in _units(maps.shape, rng, 2):
            a = unit_arithmetic(bundled, prediction.input, stage, *unit)
            assert a.value == pytest.approx(float(maps[unit]), abs=1e-6)
            assert a.activated == pytest.approx(float(maps[unit]), rel=1e-4, abs=1e-4)
    vectors = vector_activations(bundled, prediction.input)
    assert list(vectors) == ["flatten", "fc1"]
    logits = vectors["fc1"]
    probabilities = np.exp(logits / bundled.temperature) / np.exp(logits / bundled.temperature).sum()
    np.testing.assert_allclose(probabilities, prediction.probabilities, atol=1e-6)


# --- receptive fields, brute force -------------------------------------------------


def linearised(model: nn.Module) -> nn.Module:
    """A copy with the same geometry and no unit that can ignore an input:
    activations become the identity and max pools average pools."""
    model = copy.deepcopy(model).double()
    for parent in model.modules():
        for name, child in parent.named_children():
            if isinstance(child, nn.ReLU | nn.Tanh):
                setattr(parent, name, nn.Identity())
            elif isinstance(child, nn.MaxPool2d):
                setattr(parent, name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding))
            elif isinstance(child, nn.AdaptiveMaxPool2d):
                setattr(parent, name, nn.AdaptiveAvgPool2d(child.output_size))
    return model


def changed_by_each_pixel(model: nn.Module, image: np.ndarray) -> dict[str, np.ndarray]:
    """Per map stage: (784, H, W) booleans, pixel p changes unit (y, x) in some channel."""
    base = torch.from_numpy(image).double().view(1, 1, 28, 28)
    batch = base.repeat(785, 1, 1, 1)
    for p in range(784):
        batch[p + 1, 0, p // 28, p % 28] += 1.0
    changed = {}
    with torch.no_grad():
        h = (batch - MNIST_MEAN) / MNIST_STD
        for name, stage in copy.deepcopy(model).double().named_children():
            h = stage(h)
            if h.ndim == 4:
                changed[name] = ((h[1:] - h[:1]).abs() > 1e-9).any(dim=1).numpy()
    return changed


@pytest.mark.parametrize("config", CONFIGS, ids=_ids)
def test_receptive_fields_match_a_brute_force_perturbation(config):
    # The wide presets narrowed to stay quick: the geometry does not depend on the channel count.
    narrow = {"default": (3, 3, 3, 3), "deep-dropout": (3, 3, 3, 3)}
    model = untrained(ModelConfig(config.arch, narrow[config.arch]) if config.arch in narrow else config)
    image = np.random.default_rng(3).random((28, 28))
    exact = changed_by_each_pixel(linearised(model), image)
    real = changed_by_each_pixel(model, image)
    for stage, units in exact.items():
        h, w = units.shape[1:]
        for y in range(h):
            for x in range(w):
                top, left, bottom, right = receptive_field(model, stage, y, x)
                field = np.zeros((28, 28), bool)
                field[top:bottom, left:right] = True
                # Linear copy: exactly the pixels of the field change the unit.
                assert np.array_equal(units[:, y, x].reshape(28, 28), field), (stage, y, x)
                # Real network (ReLU, max): nothing outside the field ever changes it.
                assert not (real[stage][:, y, x].reshape(28, 28) & ~field).any(), (stage, y, x)


def test_receptive_field_geometry_of_the_default_preset():
    model = build_model("default")
    assert receptive_field(model, INPUT, 5, 7) == (5, 7, 6, 8)
    assert receptive_field(model, "conv1", 10, 10) == (8, 8, 13, 13)
    assert receptive_field(model, "conv1", 0, 0) == (0, 0, 3, 3)  # clipped: 2 rows of padding
    assert receptive_field(model, "pool1", 3, 3) == (4, 4, 10, 10)
    conv4 = field_geometry(model, "conv4")
    assert (conv4.size, conv4.jump, conv4.whole) == ((24, 24), (4, 4), False)
    assert conv4.span(0, 0) == (-10, -10, 14, 14) and conv4.clipped(0, 0) == (0, 0, 14, 14)
    assert conv4.clipped(6, 6) == receptive_field(model, "conv4", 6, 6) == (14, 14, 28, 28)
    for stage in ("pool3", "flatten", "fc1"):
        assert receptive_field(model, stage, 0, 0) == (0, 0, 28, 28)
    with pytest.raises(KeyError):
        receptive_field(model, "conv7", 0, 0)


def test_stage_outputs_do_not_change_the_model():
    model = untrained(ModelConfig("default"))
    state = {k: v.clone() for k, v in model.state_dict().items()}
    stage_outputs(model, np.random.default_rng(0).random((28, 28)))
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="28, 28"):
        stage_outputs(model, np.zeros((20, 20)))


@pytest.mark.parametrize(
    ("arch", "index", "source"), [("lenet5", 77, ("pool2", 3, 0, 2)), ("deep-dropout", 3, ("drop2", 0, 0, 3))]
)
def test_a_flattened_element_is_a_copy_of_one_map_unit_and_sees_what_it_sees(arch, index, source):
    # The field of a flatten element had been "the whole image" (a lecturer's review).
    model = build_model(arch).eval()
    stages = stages_of(model)
    flatten = next(s.name for s in stages if s.kind == "flatten")
    assert copied_from(stages, flatten, index) == source
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    outputs = stage_outputs(model, image)
    assert outputs[flatten][index] == outputs[source[0]][source[1:]]
    # The pixels that can move it are inside the field given for it (a gradient says which can).
    x = torch.from_numpy(image).reshape(1, 1, 28, 28).requires_grad_(True)
    h = model.normalise(x)
    for name, stage in model.named_children():
        h = stage(h)
        if name == flatten:
            break
    (grad,) = torch.autograd.grad(h[0, index], x)
    top, left, bottom, right = field_geometry(model, source[0]).clipped(*source[2:])
    moved = np.argwhere(grad[0, 0].numpy() != 0)
    assert len(moved) and (moved[:, 0] >= top).all() and (moved[:, 0] < bottom).all()
    assert (moved[:, 1] >= left).all() and (moved[:, 1] < right).all()
    fc = next(s.name for s in stages if s.kind == "fc")
    assert copied_from(stages, fc, 0) is None and copied_from(stages, "nowhere", 0) is None
