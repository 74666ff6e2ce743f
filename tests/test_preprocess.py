import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageDraw, ImageFilter

from mnist_desk.preprocess import (
    EmptyImageError,
    ImageError,
    centre_of_mass,
    ink_map,
    load_image,
    preprocess,
    square_filter,
    stroke_width,
)


def _disc_image(size, centre, radius, ink=0, paper=255, mode="L"):
    img = Image.new(mode, (size, size), paper)
    x, y = centre
    ImageDraw.Draw(img).ellipse((x - radius, y - radius, x + radius, y + radius), fill=ink)
    return img


def test_output_is_28x28_in_unit_range_with_white_ink():
    out = preprocess(_disc_image(280, (60, 200), 30))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == pytest.approx(1.0)
    assert out[0, 0] == 0.0  # background is black, as in MNIST


@pytest.mark.parametrize("centre", [(40, 40), (240, 60), (140, 140), (70, 230)])
def test_ink_anywhere_ends_up_centred_by_mass(centre):
    out = preprocess(_disc_image(280, centre, 25))
    row, col = centre_of_mass(out)
    assert abs(row - 14.0) <= 0.75 and abs(col - 14.0) <= 0.75


def test_bounding_box_is_scaled_to_twenty_pixels_keeping_aspect():
    img = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(img).rectangle((100, 20, 140, 280), fill=0)  # tall bar, 41 x 261
    out = preprocess(img)
    rows, cols = np.nonzero(out > 0.5)
    assert rows.max() - rows.min() + 1 in (19, 20, 21)
    assert cols.max() - cols.min() + 1 <= 6


def test_polarity_dark_on_light_and_light_on_dark_agree():
    dark_on_light = preprocess(_disc_image(200, (90, 100), 30, ink=0, paper=255))
    light_on_dark = preprocess(_disc_image(200, (90, 100), 30, ink=255, paper=0))
    assert np.abs(dark_on_light - light_on_dark).max() < 1e-5


def test_rgb_and_transparent_rgba_are_understood():
    rgb = _disc_image(120, (60, 60), 20, ink=(200, 0, 0), paper=(255, 255, 255), mode="RGB")
    assert preprocess(rgb).max() == pytest.approx(1.0)
    # Black strokes on a fully transparent black layer: only alpha tells them apart.
    rgba = _disc_image(120, (50, 70), 20, ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA")
    out = preprocess(rgba)
    assert abs(centre_of_mass(out)[0] - 14.0) <= 0.75
    assert ink_map(rgba)[70, 50] == 1.0 and ink_map(rgba)[5, 5] == 0.0


def test_numpy_arrays_of_several_layouts():
    grey = np.full((100, 100), 255, np.uint8)
    grey[30:70, 45:55] = 0
    for array in (grey, np.stack([grey] * 3, -1), grey.astype(np.float32) / 255):
        assert preprocess(array).shape == (28, 28)
    with pytest.raises(ImageError, match="shape"):
        preprocess(np.zeros((4, 4, 2), np.uint8))


@pytest.mark.parametrize("value", [0, 128, 255])
def test_empty_images_are_reported_not_classified(value):
    with pytest.raises(EmptyImageError):
        preprocess(np.full((280, 280), value, np.uint8))


def test_faint_noise_is_empty():
    noise = np.random.default_rng(0).integers(250, 256, (200, 200)).astype(np.uint8)
    with pytest.raises(EmptyImageError):
        preprocess(noise)


def test_hairline_strokes_are_thickened_to_mnist_width():
    img = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(img).line((140, 20, 140, 260), fill=0, width=2)  # 2 px over 240 px: a hairline at 28x28
    ImageDraw.Draw(img).line((80, 140, 200, 140), fill=0, width=2)
    out = preprocess(img)
    assert stroke_width(out > 0.5) >= 1.2


def test_unreadable_files_raise_image_error(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(ImageError, match="bad.png"):
        load_image(tmp_path / "bad.png")
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "missing.png")
    good = tmp_path / "good.png"
    _disc_image(50, (25, 25), 10).save(good)
    good.write_bytes(good.read_bytes()[:60])  # truncated
    with pytest.raises(ImageError):
        load_image(good)


def test_mnist_digits_survive_preprocessing(mnist_test):
    # An MNIST image already follows the procedure: redoing it changes little.
    image = mnist_test.images[0].astype(np.float32) / 255
    again = preprocess(mnist_test.images[0])
    assert np.abs(again - image).mean() < 0.05


@settings(max_examples=150, deadline=None)
@given(
    image=arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40))),
    size=st.sampled_from([3, 5, 7, 9, 13]),
    thicken=st.booleans(),
)
def test_square_filter_matches_pillows_rank_filters(image, size, thicken):
    # Our separable filter replaced Pillow's MaxFilter/MinFilter for speed; it
    # must give the very same pixels, borders included.
    pillow_filter = ImageFilter.MaxFilter(size) if thicken else ImageFilter.MinFilter(size)
    expected = np.asarray(Image.fromarray(image, "L").filter(pillow_filter))
    np.testing.assert_array_equal(square_filter(image, size, thicken), expected)
