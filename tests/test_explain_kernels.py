"""Try a kernel: apply_kernel against torch's conv2d, output sizes, look-alike kernels."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_desk.explain import CLASSIC_KERNELS, apply_kernel, output_size, padding_amount, resembling_kernels


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(4, 28),
    kh=st.integers(1, 6),
    kw=st.integers(1, 6),
    padding=st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 3)),
    stride=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_apply_kernel_matches_torch_conv2d(size, kh, kw, padding, stride, seed):
    rng = np.random.default_rng(seed)
    image = rng.random((size, size + 1))  # not square, to catch a swapped axis
    kernel = rng.normal(size=(kh, kw))
    ph, pw = padding_amount(kh, padding), padding_amount(kw, padding)
    out = apply_kernel(image, kernel, padding, stride)
    assert out.shape == (output_size(size, kh, ph, stride), output_size(size + 1, kw, pw, stride))
    if 0 in out.shape:
        assert size + 2 * ph < kh or size + 1 + 2 * pw < kw
        return
    expected = F.conv2d(
        torch.from_numpy(image)[None, None], torch.from_numpy(kernel)[None, None], stride=stride, padding=(ph, pw)
    )[0, 0].numpy()
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_output_size_formula():
    assert output_size(28, 5, 0, 1) == 24  # twoconv's conv1
    assert output_size(28, 5, 2, 1) == 28  # same
    assert output_size(28, 3, 2, 1) == 30  # full
    assert output_size(28, 2, 0, 2) == 14  # a 2x2 pool
    assert output_size(28, 3, 0, 2) == 13  # (28 - 3) / 2 + 1 = 13.5, rounded down
    assert output_size(2, 5, 0, 1) == 0
    with pytest.raises(ValueError):
        output_size(28, 3, 0, 0)


def test_padding_names():
    assert [padding_amount(5, p) for p in ("valid", "same", "full", 1)] == [0, 2, 4, 1]
    with pytest.raises(ValueError, match="padding"):
        padding_amount(3, "mirror")
    with pytest.raises(ValueError):
        padding_amount(3, -1)


def test_classic_kernels_do_what_the_notes_say():
    image = np.zeros((28, 28))
    image[:, 14:] = 1.0  # ink on the right half: one vertical edge
    identity = apply_kernel(image, CLASSIC_KERNELS["identity"], "same")
    np.testing.assert_array_equal(identity, image)
    sobel_x = apply_kernel(image, CLASSIC_KERNELS["sobel_x"], "valid")
    assert sobel_x.max() == 4 and np.argmax(sobel_x[10]) in (12, 13)  # responds at the edge, dark -> ink
    assert not apply_kernel(image, CLASSIC_KERNELS["sobel_y"], "valid").any()  # no horizontal edge
    for name in ("box_blur", "gaussian_3x3", "gaussian_5x5"):
        assert CLASSIC_KERNELS[name].sum() == pytest.approx(1.0)  # blurs keep brightness
    for name in ("edge", "laplacian", "sobel_x", "sobel_y"):
        assert CLASSIC_KERNELS[name].sum() == 0  # flat regions give 0
    assert CLASSIC_KERNELS["sharpen"].sum() == 1
    with pytest.raises(ValueError):
        CLASSIC_KERNELS["edge"][0, 0] = 5  # shared: read-only


def test_resembling_kernels_finds_the_planted_sobel():
    rng = np.random.default_rng(0)
    weights = rng.normal(scale=0.1, size=(8, 1, 5, 5))
    planted = np.zeros((5, 5))
    planted[1:4, 1:4] = CLASSIC_KERNELS["sobel_x"] * 0.3  # smaller scale, same pattern
    weights[5, 0] = planted
    weights[2, 0] = -planted
    matches = resembling_kernels(CLASSIC_KERNELS["sobel_x"], weights, top=8)
    assert matches[0][0] == 5 and matches[0][1] == pytest.approx(1.0)
    assert matches[-1][0] == 2 and matches[-1][1] == pytest.approx(-1.0)
    assert len(resembling_kernels(CLASSIC_KERNELS["sobel_x"], weights)) == 3
    sims = [s for _, s in matches]
    assert sims == sorted(sims, reverse=True)


def test_resembling_kernels_pads_the_smaller_side_whichever_it_is():
    # A 5x5 kernel against 3x3 learned kernels: the learned ones are centred in 5x5.
    weights = np.stack([CLASSIC_KERNELS["gaussian_3x3"], CLASSIC_KERNELS["sobel_y"]])
    kernel = np.zeros((5, 5))
    kernel[1:4, 1:4] = CLASSIC_KERNELS["sobel_y"]
    assert resembling_kernels(kernel, weights, top=1) == [(1, pytest.approx(1.0))]
    assert resembling_kernels(np.zeros((3, 3)), weights, top=2) == [(0, 0.0), (1, 0.0)]
