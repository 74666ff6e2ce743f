"""Damaged and unusual image files: always a clear ImageError, never Pillow's own exceptions.

A hostile test (2026-11-25) found files that Pillow's format plugins fail on with
TypeError (an EPS file), NotImplementedError (a DDS texture with pixel-format flags
0) and TypeError inside the EXIF rewriting (a drawing whose EXIF held a tag of the
wrong type): each escaped ``load_image``, and one such file in the examples folder
stopped ``predict --examples`` with a traceback and no results. The property test
below mutates small files of many formats, as the fuzzer that found them did.
"""

from __future__ import annotations

import contextlib
import io
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, PngImagePlugin

import mnist_desk.image_file as image_file
from mnist_desk.example_store import ExampleStore
from mnist_desk.preprocess import EmptyImageError, ImageError, load_image, preprocess

ORIENTATION, MAKE, Y_POSITION = 0x0112, 0x010F, 0x011F


def seven(side: int = 200) -> Image.Image:
    image = Image.new("L", (side, side), 255)
    ImageDraw.Draw(image).line([(side // 5, side // 5), (4 * side // 5, side // 5), (side // 2.5, 0.85 * side)],
                               fill=0, width=max(2, side // 12))  # fmt: skip
    return image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def mistyped_exif() -> bytes:
    """EXIF turning the image a quarter (6) whose YPosition tag is text where a number belongs."""
    exif = Image.Exif()
    exif[ORIENTATION], exif[MAKE] = 6, "maker"
    blob = exif.tobytes()
    make_as_text = struct.pack(">HH", MAKE, 2)  # the tag and its type, ASCII (Pillow writes big-endian)
    assert blob.count(make_as_text) == 1
    return blob.replace(make_as_text, struct.pack(">HH", Y_POSITION, 2))


def foreign_files() -> dict[str, bytes]:
    dds = bytearray(encoded(seven().convert("RGBA"), "DDS"))
    struct.pack_into("<I", dds, 80, 0)  # DDS_PIXELFORMAT.dwFlags = 0: Pillow raises NotImplementedError
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 20 80 moveto 80 80 lineto stroke showpage\n"
    return {"eps": eps, "dds": bytes(dds)}


@pytest.mark.parametrize("kind", ["eps", "dds"])
def test_a_file_pillow_fails_on_in_its_own_way_is_an_image_error(tmp_path: Path, kind: str):
    path = tmp_path / "foreign.png"
    path.write_bytes(foreign_files()[kind])
    with pytest.raises(ImageError, match="not a readable image") as caught:
        load_image(path)
    assert "object" not in str(caught.value) and "flags" not in str(caught.value)  # no Python internals


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_drawing_with_a_mistyped_exif_tag_is_read_and_turned_upright(tmp_path: Path, fmt: str):
    path = tmp_path / f"sideways.{fmt.lower()}"
    sideways = seven().rotate(90, expand=True)  # stored as the sensor saw it; orientation 6 turns it back
    path.write_bytes(encoded(sideways, fmt, exif=mistyped_exif()))
    shown = np.asarray(load_image(path).convert("L"))
    assert np.abs(shown.astype(int) - np.asarray(seven()).astype(int)).mean() < 8  # upright again


def test_one_foreign_file_among_the_examples_is_skipped_and_the_rest_are_read(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    store.add(np.asarray(seven(280)), 7)
    for index, data in enumerate(foreign_files().values()):
        (store.root / "1").mkdir(exist_ok=True)
        (store.root / "1" / f"foreign{index}.png").write_bytes(data)
    loaded = store.load()
    assert loaded.labels.tolist() == [7]
    assert len(loaded.skipped) == 2 and all("skipped (not a readable image" in line for line in loaded.skipped)


def _seed_files() -> dict[str, bytes]:
    image = seven(40)
    files = {}
    for fmt, mode in [("PNG", "L"), ("PNG", "RGBA"), ("PNG", "P"), ("GIF", "L"), ("TIFF", "L"), ("JPEG", "L"),
                      ("BMP", "RGB"), ("WEBP", "RGB"), ("ICO", "RGBA"), ("TGA", "L"), ("PPM", "L"),
                      ("PCX", "L"), ("SGI", "L"), ("DDS", "RGBA"), ("QOI", "RGBA")] :  # fmt: skip
        files[f"{fmt} {mode}"] = encoded(image.convert(mode), fmt)
    files["JPEG turned"] = encoded(image, "JPEG", exif=mistyped_exif())
    return files


SEEDS = _seed_files()
HEADER = 160  # bytes: most mutations land here, where the format plugins parse what they then trust
mutation = st.tuples(
    st.floats(0, 1, exclude_max=True),
    st.booleans(),
    st.sampled_from(["set", "cut", "insert"]),
    st.binary(min_size=1, max_size=8),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(SEEDS)), st.lists(mutation, min_size=1, max_size=6))
def test_a_damaged_file_of_any_format_is_an_image_error_or_is_read(tmp_path: Path, seed: str, mutations):
    data = bytearray(SEEDS[seed])
    for where, in_header, op, chunk in mutations:
        at = int(where * (min(HEADER, len(data)) if in_header else len(data)))
        if op == "set":
            data[at : at + len(chunk)] = chunk
        elif op == "cut":
            del data[at : at + 1 + chunk[0] % 50]
        else:
            data[at:at] = chunk
    path = tmp_path / "damaged.img"
    path.write_bytes(bytes(data))
    with contextlib.suppress(ImageError, EmptyImageError):  # a message for the user; anything else fails
        preprocess(load_image(path))


def _icon_holding(png: bytes) -> bytes:
    """An .ico whose one directory entry says 256 x 256 (a 0 byte) and holds ``png``."""
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 0, 0, 0, 0, 1, 32, len(png), 22) + png


def test_an_icon_holding_a_huge_png_is_refused_before_the_png_is_decoded(tmp_path, monkeypatch):
    # Pillow decodes an icon's largest image while it opens the file: a 99 KB .ico holding a
    # 13000 x 13000 PNG took 0.9 GB before our size check refused it (a hostile review). Here
    # the limit is lowered, so that a small PNG plays the huge one.
    monkeypatch.setattr(image_file, "MAX_PIXELS", 100_000)
    decoded = []  # the sizes of the PNGs decoded
    real_load = PngImagePlugin.PngImageFile.load
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", lambda self: decoded.append(self.size) or real_load(self))
    (tmp_path / "huge.ico").write_bytes(_icon_holding(encoded(Image.new("L", (1000, 1000), 255), "PNG")))
    with pytest.raises(ImageError, match=r"huge.ico: too large to read: 1 megapixels \(the limit is 0\)"):
        load_image(tmp_path / "huge.ico")
    assert (1000, 1000) not in decoded
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's own limit is back for everyone else
    # An icon of a readable size still reads, whole.
    (tmp_path / "seven.ico").write_bytes(_icon_holding(encoded(seven(200), "PNG")))
    assert load_image(tmp_path / "seven.ico").size == (200, 200)
    assert decoded == [(200, 200)]
