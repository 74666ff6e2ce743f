"""Reading an image file safely: any size, any mode, never a hang or a memory blow-up.

Split from preprocess.py: the file side (regular files only, a bound on the
pixels decoded, 16-bit greys, a working size) apart from the digit side.
``mnist_desk.preprocess`` re-exports ``load_image`` and ``ImageError``.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

# Decoded pixels we accept from a file: 40 megapixels of RGBA are 160 MB.
# JPEGs beyond it are decoded reduced (the decoder's own 1/2..1/8 scaling).
MAX_PIXELS = 40_000_000
# Images are reduced (box filter) until their longer side is at most this before
# the ink is looked for: the digit ends up 20 px tall, and every later step is
# a full-size array operation.
WORK_SIDE = 2048
# Where load_image notes the file's own size (Image.info key), and the EXIF orientation tag.
SOURCE_SIZE = "mnist_desk.source_size"
FRAMES = "mnist_desk.frames"  # how many frames or pages the file holds; only the first is read
ORIENTATION = 0x0112
# EXIF orientation -> the transposition that shows the image upright (as ImageOps.exif_transpose).
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


# Icons and cursors hold their images whole (a PNG in each entry) and Pillow decodes the
# largest while it opens the file, before our size check: a 99 KB .ico whose entry is a
# 13000 x 13000 PNG took 0.9 GB (a hostile review). Their first bytes tell them apart.
CONTAINERS_DECODED_ON_OPEN = (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00")  # ICO, CUR
_BOMB_LIMIT = threading.Lock()  # Pillow's limit is one module-wide number


# Bits per sample that 16-bit grey files hold (the rest of the 16 left empty).
SAMPLE_BITS = (8, 10, 12, 14, 16)


class ImageError(ValueError):
    """The file is not a readable image (or is too large to read)."""


def _open_regular_file(path: Path) -> int:
    """Open for reading without blocking; refuse FIFOs, devices and folders.

    Opening a FIFO for reading blocks until a writer appears (forever, for a
    stray ``x.png`` FIFO); O_NONBLOCK returns at once and fstat tells us.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: a folder, not an image file") from None
    except OSError as exc:
        raise ImageError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise ImageError(f"{path}: not a regular file ({kind}); only image files can be read")
    return fd


def _too_large(path: Path, width: int, height: int) -> ImageError:
    return ImageError(
        f"{path}: too large to read: {width} x {height} pixels ({width * height / 1e6:.0f} megapixels, "
        f"the limit is {MAX_PIXELS / 1e6:.0f}); scale it down first"
    )


def load_image(path: Path | str) -> Image.Image:
    """Read an image file, bounded in memory.

    The size is checked from the header before anything is decoded: a JPEG
    larger than :data:`MAX_PIXELS` is decoded at 1/2, 1/4 or 1/8 scale, any
    other format that large is refused. The result is in a mode that
    :func:`ink_map` reads directly (16-bit greys become 8-bit, palettes
    RGB(A)) and at most :data:`WORK_SIDE` pixels on its longer side.

    Raises
    ------
    ImageError
        If the path is not a regular file, not an image, damaged, or too large.
    """
    path = Path(path)
    img: Image.Image | None = None
    with os.fdopen(_open_regular_file(path), "rb") as f, warnings.catch_warnings():
        # Pillow warns of what it reads past (corrupt EXIF, a frame not the size its directory
        # says, a deprecated format, over 89 megapixels): words for a developer, printed among a
        # user's results. The image is read or refused either way; our own size limit is below.
        warnings.simplefilter("ignore")
        try:
            img = _open(f)
            with img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    if img.format != "JPEG":
                        raise _too_large(path, width, height)
                    factor = next((k for k in (2, 4, 8) if width * height / k**2 <= MAX_PIXELS), None)
                    if factor is None:
                        raise _too_large(path, width, height)
                    img.draft(None, (math.ceil(width / factor), math.ceil(height / factor)))
                    if img.size[0] * img.size[1] > MAX_PIXELS:
                        raise _too_large(path, width, height)
                frames = _frames(img)  # an animated GIF, a multi-page TIFF
                with _pillow_refuses_beyond(MAX_PIXELS):  # an image inside the file: never larger
                    img.load()
                turned, upright = _upright(img)
                result = readable(upright)
                result = result.copy() if result is img else result
                result.info[SOURCE_SIZE] = (height, width) if turned else (width, height)
                result.info[FRAMES] = frames
                return result
        except Image.DecompressionBombError as exc:
            # Pillow's own guard: above twice its warning size (179 megapixels), or above ours for an
            # image inside the file. Its words ("could be decompression bomb DOS attack") are not
            # shown; the size it found is.
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)) / 1e6:.0f} megapixels" if found else "too many pixels"
            raise ImageError(
                f"{path}: too large to read: {size} (the limit is {MAX_PIXELS / 1e6:.0f}); scale it down first"
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            # ImageError is a ValueError: pass our own messages on unchanged.
            if isinstance(exc, ImageError):
                raise
            # Pillow names the open file object ("<_io.BufferedReader name=3>"), which says nothing to a user.
            why = "no image format recognised" if isinstance(exc, UnidentifiedImageError) else exc
            raise ImageError(f"{path}: not a readable image ({why})") from exc
        except Exception as exc:  # noqa: BLE001 - see below
            # Pillow's format plugins fail on damaged or unusual data with whatever their code
            # meets (TypeError, NotImplementedError, struct.error ...): a damaged file, not a bug of
            # ours. Their text speaks of Python ("expected str, bytes or os.PathLike object, not
            # int" for an EPS file), so it is not shown.
            kind = f"{img.format} " if img is not None and img.format else ""
            raise ImageError(
                f"{path}: not a readable image (its {kind}data is damaged, or of a kind this program cannot decode)"
            ) from exc


def _open(f) -> Image.Image:
    """``Image.open``, refusing an icon or cursor whose largest image is too large before it is decoded."""
    head = f.read(4)
    f.seek(0)
    if head not in CONTAINERS_DECODED_ON_OPEN:
        return Image.open(f)  # nothing decoded yet: load_image checks the size the header gives
    with _pillow_refuses_beyond(MAX_PIXELS):
        return Image.open(f)


@contextlib.contextmanager
def _pillow_refuses_beyond(pixels: int) -> Iterator[None]:
    """Pillow's decompression-bomb guard raising for anything over ``pixels`` (it raises at twice
    its limit, warns above it: the warning is ignored in load_image) while the block runs."""
    with _BOMB_LIMIT:
        before = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = pixels // 2
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = before


def _upright(image: Image.Image) -> tuple[bool, Image.Image]:
    """The image as shown, and whether that took a quarter turn (which swaps its sides).

    A phone stores a photo as the sensor saw it and says in its EXIF how to turn it. The
    turn is applied here rather than by ``ImageOps.exif_transpose``, which also rewrites
    the EXIF block and failed on a file whose other tags were damaged (a text where a
    number belongs) although its pixels and its orientation read fine. An EXIF block that
    cannot be read at all leaves the image as stored.
    """
    try:
        orientation = image.getexif().get(ORIENTATION)
    except Exception:  # noqa: BLE001 - the EXIF reader raises TypeError, ValueError, struct.error ...
        return False, image
    method = TURNS.get(orientation) if isinstance(orientation, int) else None
    return orientation in (5, 6, 7, 8), image.transpose(method) if method is not None else image


def source_size(image: Image.Image) -> tuple[int, int]:
    """The (width, height) of the file ``image`` was loaded from, as shown (EXIF-turned).

    :func:`load_image` reads large images reduced; what it found there is given
    in the file's own pixels (a digit's box, say) through this size.
    """
    size = image.info.get(SOURCE_SIZE)
    return (int(size[0]), int(size[1])) if size is not None else image.size


def _frames(image: Image.Image) -> int:
    """Frames in an opened file; 1 when counting them fails (a damaged later frame does not
    stop the first from being read)."""
    try:
        return max(1, int(getattr(image, "n_frames", 1) or 1))
    except Exception:  # noqa: BLE001 - Pillow's format plugins raise many kinds
        return 1


def frame_count(image: Image.Image) -> int:
    """How many frames (an animation) or pages (a TIFF) the file held: :func:`load_image` reads the first."""
    return int(image.info.get(FRAMES, 1))


def _sixteen_bit_to_l(image: Image.Image) -> Image.Image:
    """I;16, I and F images -> 8-bit L, scaled by the range the values use.

    Pillow's own conversion clips at 255, so a 16-bit white page (65535)
    and light ink (20000) would both become 255: an empty image.
    """
    # float32, in place: a 40-megapixel 16-bit file took 1.4 GB in float64 (8-bit: 0.3 GB).
    values = np.asarray(image, dtype=np.float32).copy()
    np.nan_to_num(values, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    top = float(values.max()) if values.size else 0.0
    if image.mode.startswith("I;16"):
        # Cameras and scanners store 10, 12 or 14 bits in 16: a 12-bit white page
        # is 4095, which scaled by 65535 is black on black. The smallest depth that
        # holds the brightest value is the one the file was written with.
        full = next(float(2**bits - 1) for bits in SAMPLE_BITS if top <= 2**bits - 1)
    elif image.mode == "F" and top <= 1.0:
        full = 1.0
    else:
        full = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
    values *= np.float32(255.0 / full)
    np.clip(values, 0, 255, out=values)
    return Image.fromarray(np.round(values).astype(np.uint8), "L")


def readable(image: Image.Image) -> Image.Image:
    """A mode ink_map reads (L, LA, RGB, RGBA) at most WORK_SIDE on the longer side."""
    if image.mode.startswith("I") or image.mode == "F":
        image = _sixteen_bit_to_l(image)
    elif image.mode in ("P", "PA"):
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("La", "RGBa"):
        # Premultiplied alpha: Pillow converts La only to LA, and RGBa -> RGB would drop the alpha.
        image = image.convert(image.mode.upper())
    elif image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")  # CMYK, YCbCr, LAB, HSV ...
    longest = max(image.size)
    if longest > WORK_SIDE:
        image = image.reduce(math.ceil(longest / WORK_SIDE))
    return image
