import pytest
import torch

from mnist_desk.model import ARCHITECTURES, ModelConfig, build_model, count_parameters, first_conv, layer_table

# Parameter counts from the lecture notes (Keras summaries) and our own design.
EXPECTED_PARAMETERS = {
    "twoconv": 3_898,
    "lenet5": 61_706,
    "bn-tanh": 442_446,
    "deep-dropout": 3_304_426,
}


@pytest.mark.parametrize("arch", sorted(EXPECTED_PARAMETERS))
def test_preset_parameter_counts_match_the_notes(arch):
    assert count_parameters(build_model(arch)) == EXPECTED_PARAMETERS[arch]


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_every_preset_maps_a_batch_of_images_to_ten_logits(arch):
    model = build_model(arch).eval()
    x = torch.rand(3, 1, 28, 28)
    logits, activations = model.forward_with_activations(x)
    assert logits.shape == (3, 10)
    assert torch.allclose(logits, model(x))  # the viewer's path computes what forward() does
    assert activations and all(name.startswith(("conv", "pool")) for name in activations)
    assert all(a.ndim == 4 and a.shape[0] == 3 for a in activations.values())


def test_twoconv_kernel_counts_are_configurable():
    model = build_model(ModelConfig("twoconv", (16, 32)))
    rows = {name: shape for name, shape, _ in layer_table(model)}
    assert rows["conv1"] == (16, 24, 24)
    assert rows["pool2"] == (32, 4, 4)
    assert first_conv(model, "conv2").weight.shape == (32, 16, 5, 5)


def test_layer_table_totals_the_parameters():
    model = build_model("lenet5")
    rows = layer_table(model)
    assert [name for name, _, _ in rows][:4] == ["conv1", "pool1", "conv2", "pool2"]
    assert rows[0][1] == (6, 28, 28)  # padding 2 keeps 28x28
    assert sum(p for _, _, p in rows) == count_parameters(model)


def test_unknown_architecture_and_bad_widths_are_clear_errors():
    with pytest.raises(ValueError, match="unknown architecture 'vgg'"):
        build_model("vgg")
    with pytest.raises(ValueError, match="expected 2 kernel counts"):
        build_model(ModelConfig("twoconv", (8,)))
    with pytest.raises(ValueError, match="positive"):
        build_model(ModelConfig("twoconv", (8, 0)))


def test_config_round_trips_through_a_dict():
    config = ModelConfig("twoconv", (12, 16))
    assert ModelConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="invalid model_args"):
        ModelConfig.from_dict({"channels": [1]})
