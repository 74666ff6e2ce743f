import pytest
import torch
from torch import nn

from mnist_desk.layer_info import INPUT_SHAPE, describe_stages, padding_name, shape_text, stage_info, window_text
from mnist_desk.model import ARCHITECTURES, ModelConfig, build_model, count_parameters, first_conv


def _real_shapes(model) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """(input shape, output shape) of every stage, from a forward pass of a real batch."""
    shapes = {}
    x = torch.rand(2, *INPUT_SHAPE)
    model = model.eval()
    with torch.no_grad():
        for name, stage in model.named_children():
            y = stage(x)
            shapes[name] = (tuple(x.shape[1:]), tuple(y.shape[1:]))
            x = y
    return shapes


MODELS = [ModelConfig(arch) for arch in sorted(ARCHITECTURES)] + [
    ModelConfig("twoconv", (16, 32)),
    ModelConfig("default", (8, 12, 16, 24)),
    ModelConfig("deep-dropout", (4, 6, 8, 10)),
]


@pytest.mark.parametrize("config", MODELS, ids=lambda c: f"{c.arch}{list(c.channels) or ''}")
def test_every_stage_matches_a_real_forward_pass(config):
    model = build_model(config)
    infos = describe_stages(model)
    shapes = _real_shapes(model)
    assert [i.name for i in infos] == list(shapes)
    for info in infos:
        assert (info.input_shape, info.output_shape) == shapes[info.name], info.name
        assert info.parameters == count_parameters(getattr(model, info.name))
    assert infos[0].input_shape == (1, 28, 28)
    assert infos[-1].output_shape == (10,)
    assert sum(i.parameters for i in infos) == count_parameters(model)


@pytest.mark.parametrize("config", MODELS, ids=lambda c: f"{c.arch}{list(c.channels) or ''}")
def test_conv_windows_are_read_from_the_modules(config):
    model = build_model(config)
    for info in describe_stages(model):
        if info.kind != "conv":
            continue
        conv = first_conv(model, info.name)
        assert info.kernel == conv.kernel_size
        assert info.padding == conv.padding
        assert info.stride == conv.stride
        assert info.output_shape[0] == conv.out_channels
        # Output size obeys (n + 2p - k) / s + 1 for the shape the pass produced.
        n, k, p, s = info.input_shape[1], info.kernel[0], info.padding[0], info.stride[0]
        assert info.output_shape[1] == (n + 2 * p - k) // s + 1


def test_default_preset():
    infos = {i.name: i for i in describe_stages(build_model("default"))}
    assert [i.kind for i in infos.values()] == [
        "conv", "pool", "conv", "conv", "pool", "conv", "global_pool", "flatten", "fc"
    ]  # fmt: skip
    conv1 = infos["conv1"]
    assert (conv1.kernel, conv1.stride, conv1.padding) == ((5, 5), (1, 1), (2, 2))
    assert conv1.batchnorm and conv1.activation == "relu"
    assert padding_name(conv1) == "same"
    pool1 = infos["pool1"]
    assert (pool1.kernel, pool1.stride, pool1.pool, pool1.output_shape) == ((2, 2), (2, 2), "max", (32, 14, 14))
    assert padding_name(pool1) == "valid"
    pool3 = infos["pool3"]
    assert pool3.kind == "global_pool" and pool3.pool == "max"
    assert pool3.kernel == (7, 7)  # the window it really covers: all of conv4's 7x7 map
    assert pool3.output_shape == (128, 1, 1)
    fc1 = infos["fc1"]
    assert fc1.input_shape == (128,) and fc1.activation is None and fc1.kernel is None
    assert fc1.parameters == 128 * 10 + 10


def test_global_pool_window_follows_the_map_it_covers():
    # lenet5 with a global pool instead of its second max-pool sees a 10x10 map.
    model = build_model("lenet5")
    model.pool2 = nn.AdaptiveAvgPool2d(1)
    model.fc1[0] = nn.Linear(16, 120)
    info = stage_info(model, "pool2")
    assert info.kind == "global_pool" and info.pool == "avg" and info.kernel == (10, 10)


def test_twoconv_preset_is_valid_padding_5x5():
    infos = {i.name: i for i in describe_stages(build_model("twoconv"))}
    conv1 = infos["conv1"]
    assert (conv1.kernel, conv1.padding, conv1.output_shape) == ((5, 5), (0, 0), (6, 24, 24))
    assert padding_name(conv1) == "valid" and not conv1.batchnorm
    assert infos["conv2"].output_shape == (12, 8, 8)
    assert infos["pool2"].output_shape == (12, 4, 4)
    assert infos["flatten"].kind == "flatten" and infos["flatten"].output_shape == (192,)


def test_lenet5_bn_tanh_and_deep_dropout():
    lenet = {i.name: i for i in describe_stages(build_model("lenet5"))}
    assert padding_name(lenet["conv1"]) == "same" and padding_name(lenet["conv2"]) == "valid"
    assert lenet["fc1"].activation == "relu" and lenet["fc3"].activation is None
    assert lenet["fc1"].output_shape == (120,)

    bn = {i.name: i for i in describe_stages(build_model("bn-tanh"))}
    assert bn["conv1"].batchnorm and bn["conv1"].activation == "relu"
    assert bn["fc1"].activation == "tanh" and bn["fc1"].input_shape == (32 * 14 * 14,)

    deep = describe_stages(build_model("deep-dropout"))
    dropouts = [i for i in deep if i.kind == "dropout"]
    assert [i.name for i in dropouts] == ["drop1", "drop2", "drop3"]
    assert all(i.input_shape == i.output_shape and i.parameters == 0 for i in dropouts)
    assert {i.name: i.kernel for i in deep if i.kind == "conv"} == {
        "conv1": (5, 5),
        "conv2": (5, 5),
        "conv3": (3, 3),
        "conv4": (3, 3),
    }


def test_describing_leaves_batchnorm_statistics_and_mode_alone():
    model = build_model("default").train()
    before = model.conv1[1].running_mean.clone()
    describe_stages(model)
    assert model.training
    assert torch.equal(model.conv1[1].running_mean, before)


def _info_for(conv: nn.Conv2d):
    model = nn.Sequential()
    model.add_module("conv1", conv)
    model.add_module("flatten", nn.Flatten())
    return describe_stages(model)[0]


def test_padding_names():
    assert padding_name(_info_for(nn.Conv2d(1, 2, 3, padding=0))) == "valid"
    assert padding_name(_info_for(nn.Conv2d(1, 2, 3, padding=1))) == "same"
    assert padding_name(_info_for(nn.Conv2d(1, 2, 3, padding=2))) == "full"
    assert padding_name(_info_for(nn.Conv2d(1, 2, 5, padding=1))) == "p=1"
    # Padding (k-1)/2 with stride 2 halves the map: not "same".
    assert padding_name(_info_for(nn.Conv2d(1, 2, 3, padding=1, stride=2))) == "p=1"
    assert padding_name(_info_for(nn.Conv2d(1, 2, (3, 5), padding=(1, 0)))) == "p=(1, 0)"
    same = _info_for(nn.Conv2d(1, 2, 5, padding="same"))
    assert same.padding == (2, 2) and padding_name(same) == "same"


def test_captions():
    infos = {i.name: i for i in describe_stages(build_model("default"))}
    assert window_text(infos["conv1"]) == "5×5, stride 1, same"
    assert window_text(infos["pool1"]) == "2×2 max, stride 2, valid"
    assert window_text(infos["fc1"]) == ""
    assert shape_text(infos["conv1"].output_shape) == "32×28×28"
    assert shape_text(infos["fc1"].output_shape) == "10"


def test_unknown_stage_is_a_clear_error():
    model = nn.Sequential()
    model.add_module("conv1", nn.Conv2d(1, 2, 3))
    model.add_module("odd", nn.Upsample(scale_factor=2))
    with pytest.raises(ValueError, match="'odd'"):
        describe_stages(model)
    with pytest.raises(KeyError):
        stage_info(build_model("twoconv"), "conv9")
