"""KernelPlayground: a kernel on the drawing, the output size formula, learned look-alikes."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from mnist_desk.explain import CLASSIC_KERNELS, apply_kernel, resembling_kernels
from mnist_desk.explain_kernels import cell_texts, parse_number
from mnist_desk.inference import Predictor
from mnist_desk.ui.kernel_playground import CUSTOM, KernelPlayground, signed_or_grey


@pytest.fixture
def image() -> np.ndarray:
    img = np.zeros((28, 28))
    img[5:23, 12:16] = 1.0  # a 1
    img[5:8, 8:16] = 0.6
    return img


@pytest.fixture
def playground(qtbot: QtBot, image: np.ndarray) -> KernelPlayground:
    widget = KernelPlayground()
    qtbot.addWidget(widget)
    widget.resize(1000, 460)
    widget.set_input(image)
    return widget


def test_output_is_the_kernel_applied_to_the_input(playground: KernelPlayground, image: np.ndarray):
    playground.select_kernel("sobel_x")
    playground.set_padding("same")
    np.testing.assert_array_equal(playground.output(), apply_kernel(image, CLASSIC_KERNELS["sobel_x"], "same"))
    assert playground.formula.text() == "Output size: (28 + 2·1 − 3) / 1 + 1 = 28, so 28×28"
    playground.select_kernel("gaussian_5x5")
    playground.set_padding("valid")
    playground.set_stride(2)
    assert playground.output().shape == (12, 12)
    assert playground.formula.text() == "Output size: ⌊(28 + 2·0 − 5) / 2⌋ + 1 = 12, so 12×12 (rounded down)"
    np.testing.assert_allclose(playground.output(), apply_kernel(image, CLASSIC_KERNELS["gaussian_5x5"], 0, 2))
    playground.set_padding("full")
    playground.set_stride(1)
    assert playground.output().shape == (32, 32)
    assert "Output 32×32" in playground.output_caption.text()


def test_typing_numbers_makes_a_custom_kernel(qtbot: QtBot, playground: KernelPlayground, image: np.ndarray):
    playground.select_kernel("identity")
    with qtbot.waitSignal(playground.output_changed):
        playground.grid.item(0, 0).setText("−1/2")
    assert playground.kernel()[0, 0] == -0.5 and playground.kernel()[1, 1] == 1
    assert playground.kernel_choice.currentData() == CUSTOM
    np.testing.assert_allclose(playground.output(), apply_kernel(image, playground.kernel(), "valid"))
    playground.grid.item(2, 2).setText("lots")
    assert playground.kernel()[2, 2] == 0 and playground.grid.item(2, 2).toolTip() != ""
    playground.grid.item(2, 2).setText("0.25")
    assert playground.kernel()[2, 2] == 0.25 and playground.grid.item(2, 2).toolTip() == ""
    # 1e308 overflowed the convolution and its picture took over the panel: refused like text.
    playground.grid.item(2, 2).setText("1e308")
    assert playground.kernel()[2, 2] == 0 and "1000" in playground.grid.item(2, 2).toolTip()
    assert np.isfinite(playground.output()).all()


def test_a_kernel_equal_to_a_classic_one_is_named(playground: KernelPlayground):
    playground.set_kernel(np.array(CLASSIC_KERNELS["sharpen"]))
    assert playground.kernel_choice.currentData() == "sharpen"
    playground.set_kernel(np.eye(3))
    assert playground.kernel_choice.currentData() == CUSTOM
    assert [playground.grid.item(0, j).text() for j in range(3)] == ["1", "0", "0"]
    with pytest.raises(ValueError, match="square"):
        playground.set_kernel(np.ones((2, 3)))


def test_resizing_keeps_the_numbers_centred(playground: KernelPlayground):
    playground.select_kernel("sobel_y")
    playground.size_choice.setCurrentIndex(playground.size_choice.findData(5))
    kernel = playground.kernel()
    assert kernel.shape == (5, 5) and playground.grid.rowCount() == 5
    np.testing.assert_array_equal(kernel[1:4, 1:4], CLASSIC_KERNELS["sobel_y"])
    assert not kernel[0].any() and not kernel[:, 4].any()
    playground.size_choice.setCurrentIndex(playground.size_choice.findData(1))
    np.testing.assert_array_equal(playground.kernel(), [[0.0]])  # sobel_y's centre
    assert playground.formula.text().startswith("Output size: (28 + 2·0 − 1) / 1 + 1 = 28")


def test_learned_kernels_follow_the_model(playground: KernelPlayground, predictor: Predictor):
    assert playground.matches() == []
    weights = predictor.kernels("conv1")
    playground.set_conv1_weights(weights)
    playground.select_kernel("sobel_y")
    expected = resembling_kernels(CLASSIC_KERNELS["sobel_y"], weights, top=3)
    assert playground.matches() == expected
    assert playground.match_labels[0].text() == f"channel {expected[0][0]}: {expected[0][1]:+.2f}"
    # Changing the model updates the view.
    other = np.random.default_rng(0).normal(size=(6, 1, 5, 5))
    playground.set_conv1_weights(other)
    assert playground.matches() == resembling_kernels(CLASSIC_KERNELS["sobel_y"], other, top=3)
    playground.set_conv1_weights(None)
    assert playground.matches() == [] and playground.match_views[0].image() is None


def test_no_drawing_no_output(playground: KernelPlayground):
    playground.set_input(None)
    assert playground.output() is None and playground.output_view.image() is None
    assert playground.formula.text().endswith("= 26, so 26×26")  # the size does not need a drawing


def test_every_kernel_has_a_name(playground: KernelPlayground):
    names = playground.kernel_names()
    assert set(names) == {*CLASSIC_KERNELS, CUSTOM}
    texts = [playground.kernel_choice.itemText(i) for i in range(playground.kernel_choice.count())]
    assert texts == [names[playground.kernel_choice.itemData(i)] for i in range(playground.kernel_choice.count())]


def test_helpers():
    assert parse_number("−1") == -1 and parse_number("1/9") == pytest.approx(1 / 9) and parse_number("0,5") == 0.5
    assert parse_number("") == 0 and parse_number("x") is None and parse_number("1/0") is None
    assert parse_number("inf") is None
    assert parse_number("1000") == 1000 and parse_number("−1000") == -1000
    assert parse_number("1e308") is None and parse_number("1001") is None and parse_number("-4000/2") is None
    assert cell_texts(np.array(CLASSIC_KERNELS["box_blur"]))[0][0] == "1/9"
    assert cell_texts(np.array(CLASSIC_KERNELS["gaussian_3x3"]))[1] == ["1/8", "1/4", "1/8"]
    assert cell_texts(np.array(CLASSIC_KERNELS["gaussian_5x5"]))[0][0] == "0.004"
    assert cell_texts(np.array(CLASSIC_KERNELS["sobel_x"]))[0] == ["−1", "0", "1"]
    rgb, signed = signed_or_grey(np.array([[0.0, 2.0]]))
    assert not signed and rgb[0, 1].tolist() == [255, 255, 255] and rgb[0, 0].tolist() == [0, 0, 0]
    rgb, signed = signed_or_grey(np.array([[-1.0, 1.0]]))
    assert signed and rgb[0, 0, 2] > rgb[0, 0, 0]  # negative is blue
