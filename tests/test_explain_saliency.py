"""saliency: Grad-CAM, input gradients and occlusion, on models whose answer is known."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from mnist_desk.explain import METHODS, saliency
from mnist_desk.explain_saliency import last_conv_stage
from mnist_desk.inference import Predictor
from mnist_desk.model import MNIST_MEAN, MNIST_STD, DigitNet, ModelConfig, build_model


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor()


def linear_model(seed: int = 0) -> DigitNet:
    """Logits = W x + b over the normalised pixels: every answer is known in closed form."""
    torch.manual_seed(seed)
    return DigitNet(ModelConfig("linear"), OrderedDict(flatten=nn.Flatten(), fc1=nn.Linear(784, 10))).eval()


def peaked_model(kernel: int, padding: int) -> DigitNet:
    """One conv with a symmetric peaked kernel, a global average pool, one output per class."""
    conv = nn.Conv2d(1, 1, kernel, padding=padding, bias=False)
    head = nn.Linear(1, 10)
    tent = 1.0 + np.minimum(np.arange(kernel), np.arange(kernel)[::-1])  # 1 2 3 2 1
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.outer(tent, tent))[None, None])
        head.weight.fill_(1.0)
        head.bias.zero_()
    stages = OrderedDict(conv1=conv, pool1=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(), fc1=head)
    return DigitNet(ModelConfig("peaked"), stages).eval()


def test_gradient_of_a_linear_model_is_its_weight_row():
    model = linear_model()
    image = np.random.default_rng(0).random((28, 28))
    w = model.fc1.weight.detach().double().numpy() / MNIST_STD
    expected = np.abs(w[3]).reshape(28, 28)
    np.testing.assert_allclose(saliency(model, image, 3, method="gradient"), expected / expected.max(), atol=1e-5)
    versus = np.abs(w[3] - w[8]).reshape(28, 28)
    np.testing.assert_allclose(saliency(model, image, 3, 8, method="gradient"), versus / versus.max(), atol=1e-5)
    ixg = np.maximum(w[3].reshape(28, 28) * image, 0)
    np.testing.assert_allclose(saliency(model, image, 3, method="input_x_gradient"), ixg / ixg.max(), atol=1e-5)


def test_occlusion_of_a_linear_model_is_the_mean_patch_contribution():
    model = linear_model(1)
    image = np.zeros((28, 28))
    image[8:20, 10:16] = np.random.default_rng(1).random((12, 6))
    w = model.fc1.weight.detach().double().numpy()[4].reshape(28, 28) / MNIST_STD
    # Blanking pixel q lowers the logit by w_q * x_q; a patch by the sum over it.
    contribution = w * image
    starts = sorted(set(range(0, 24, 2)) | {23})
    total, count = np.zeros((28, 28)), np.zeros((28, 28))
    for r in starts:
        for c in starts:
            total[r : r + 5, c : c + 5] += contribution[r : r + 5, c : c + 5].sum()
            count[r : r + 5, c : c + 5] += 1
    expected = np.maximum(total / count, 0)
    np.testing.assert_allclose(saliency(model, image, 4, method="occlusion"), expected / expected.max(), atol=1e-4)


@pytest.mark.parametrize(("kernel", "padding"), [(5, 0), (5, 2), (3, 0)])
def test_gradcam_lines_up_with_the_input(kernel, padding):
    # One bright pixel on a background at the MNIST mean (0 after normalising,
    # like the padding). The conv's response peaks on the unit centred on the
    # pixel; upsampled by receptive-field centres it must peak on that very
    # pixel, however much valid padding shrank the map. (Stretching a 24x24
    # map to 28x28 instead puts the (2, 25) peak on row 0.)
    model = peaked_model(kernel, padding)
    for r, c in [(10, 10), (2, 25), (17, 8), (25, 3)]:
        image = np.full((28, 28), MNIST_MEAN)
        image[r, c] = 1.0
        cam = saliency(model, image, 0)
        assert cam[r, c] == pytest.approx(1.0), (r, c, np.argwhere(cam == cam.max()))
        if min(r, c) >= 3 and max(r, c) <= 24:
            # Away from the border the peak is that pixel alone (nearer, the map
            # has no units past the edge and the nearest one's value holds).
            assert np.all(np.delete(cam.ravel(), r * 28 + c) < 1.0 - 1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_the_bundled_model(bundled, drawn_seven, method):
    prediction = bundled.predict(drawn_seven)
    for target, versus in [(prediction.digit, None), (7, 1), (3, None)]:
        result = saliency(bundled, prediction.input, target, versus, method=method)
        assert result.shape == (28, 28) and result.dtype == np.float64
        assert result.min() >= 0 and result.max() == pytest.approx(1.0)
    assert all(p.grad is None for p in bundled.model.parameters())  # nothing accumulated in the weights
    if method == "gradient":
        return  # |gradient| also lights the empty frame where new ink would change the answer
    # The evidence for the 7 lies on and around its strokes (Grad-CAM: most of
    # it; the others by construction), not in the empty frame.
    result = saliency(bundled, prediction.input, 7, method=method)
    ink = prediction.input > 0.2
    near_ink = np.zeros_like(ink)
    for dy in range(-4, 5):
        for dx in range(-4, 5):
            near_ink |= np.roll(np.roll(ink, dy, 0), dx, 1)
    assert result[near_ink].sum() > 0.8 * result.sum()


def test_same_class_twice_and_bad_arguments(bundled):
    image = np.zeros((28, 28))
    image[5:20, 12:15] = 1.0
    assert not saliency(bundled, image, 4, 4).any()
    with pytest.raises(ValueError, match="method"):
        saliency(bundled, image, 1, method="lime")
    with pytest.raises(ValueError, match="outside"):
        saliency(bundled, image, 10)
    assert last_conv_stage(bundled) == "conv4"
    assert last_conv_stage(build_model("twoconv").eval()) == "conv2"
    with pytest.raises(ValueError, match="no conv"):
        saliency(linear_model(), image, 1)


def test_blank_image_has_no_occlusion_evidence(bundled):
    assert not saliency(bundled, np.zeros((28, 28)), 1, method="occlusion").any()
