"""Any image of a digit -> the 28x28 input the network was trained on.

MNIST was made this way: the ink's bounding box scaled to fit 20x20 keeping
the aspect ratio, anti-aliased, then placed in 28x28 so its centre of mass
sits at the centre. We do the same, after two steps MNIST never needed:
finding which pixels are ink (dark-on-light canvas, white-on-black scans,
colour, transparency, 16-bit greys) and bringing the stroke width near
MNIST's, because a thin mouse stroke across a 280 px canvas would otherwise
shrink to a hairline.

Whatever the input, the answer is a 28x28 array or one of three errors:
:class:`ImageError` (not a readable image, or too large), :class:`EmptyImageError`
(no ink) and its subclass :class:`TooSmallError` (a dot, not a digit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

# The file side lives in image_file; load_image and ImageError are part of this module's API too.
from mnist_desk.image_file import WORK_SIDE, ImageError, load_image, readable

__all__ = ["EmptyImageError", "ImageError", "TooSmallError", "Transform", "centre_of_mass", "ink_map", "load_image",
           "preprocess", "preprocess_with_transform", "square_filter", "stroke_width"]  # fmt: skip

SIDE = 28
BOX = 20
# Median stroke width of MNIST digits in 28x28 pixels (2 * area / perimeter of
# the ink, measured on the test set); drawings far outside this band are
# thickened or thinned before scaling.
MNIST_STROKE = 1.85
THIN_LIMIT, THICK_LIMIT = 1.2, 3.2
# MNIST's centre of mass, measured on its test set: (13.99, 14.01) in array
# indices. Not 13.5, the geometric centre: being half a pixel off costs accuracy.
MNIST_CENTRE = 14.0
MIN_CONTRAST = 0.12  # below this the "ink" is sensor noise or a blank page
# Ink smaller than this (its longer side, in pixels) and under a quarter of the
# image is a dot or a speck: scaled up to 20 px it would be a blob of no digit.
MIN_INK_PX = 8
# Ink on the page's unusual side (dark ink on a dark page, light on a light one) is read only
# when that side holds OTHER_SIDE times as many pixels differing by MIN_CONTRAST, and at least
# MIN_INK_PX of them: see _ink_is_darker.
OTHER_SIDE = 4
# Transparency that varies less than this over the image says nothing of where the ink is.
FLAT_ALPHA = 0.05


class EmptyImageError(ValueError):
    """The image has no ink: there is nothing to classify."""


class TooSmallError(EmptyImageError):
    """The ink is a dot or speck, too small to read as a digit."""


class TooManyMarksError(EmptyImageError):
    """Hundreds of separate marks: grain or noise, not a number someone wrote."""


def ink_map(image: Image.Image | np.ndarray) -> np.ndarray:
    """Ink intensity in [0, 1] (1 = full ink) at the image's own resolution.

    Transparency wins when it says something: strokes on a transparent layer
    are ink whatever their colour (a layer equally transparent everywhere says
    nothing, and is read by its colours). Otherwise the background is the
    border's median grey, and the ink is what differs from it, darker or
    lighter: see :func:`_ink_is_darker`. Images larger than :data:`WORK_SIDE`
    are reduced first.
    """
    if isinstance(image, np.ndarray):
        image = _array_to_image(image)
    if image.width == 0 or image.height == 0:
        raise EmptyImageError("the image has no pixels")
    image = readable(image)
    if image.mode in ("RGBA", "LA"):
        alpha = np.asarray(image.getchannel("A"), dtype=np.float32) / 255.0
        if alpha.min() < 0.5 and alpha.max() - alpha.min() > FLAT_ALPHA:
            return alpha
    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    ink = background - grey if _ink_is_darker(grey, background) else grey - background
    return np.clip(ink, 0.0, 1.0)


def _ink_is_darker(grey: np.ndarray, background: float) -> bool:
    """Whether the ink is darker than the page.

    Dark ink on a page lighter than mid-grey, light ink on a darker one, unless the other
    side holds many times more clearly different pixels (and more than a speck's worth).
    The page alone decided it, so black ink on a page of grey 127 or darker (an
    under-exposed photo of paper), or white chalk on a light grey board, was read as "no
    ink found". The margins keep a glare or a few bright specks on a photographed page
    from turning its faint dark digit into the background.
    """
    darker = np.count_nonzero(grey < background - MIN_CONTRAST)
    lighter = np.count_nonzero(grey > background + MIN_CONTRAST)
    if background >= 0.5:
        return not (lighter > OTHER_SIDE * darker and lighter >= MIN_INK_PX)  # a few bright specks: no
    return darker > OTHER_SIDE * lighter and darker >= MIN_INK_PX


def _array_to_image(array: np.ndarray) -> Image.Image:
    if array.size == 0:
        raise EmptyImageError("the image has no pixels")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        raise ImageError(f"expected an (H, W), (H, W, 3) or (H, W, 4) array, got shape {array.shape}")
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif array.dtype.kind in "iu" and array.dtype != np.uint8:
        top = int(array.max())
        full = 255 if top <= 255 else 65535 if top <= 65535 else top
        array = np.round(np.clip(array.astype(np.float64), 0, None) * (255.0 / full)).astype(np.uint8)
    elif array.dtype.kind == "f":
        values = np.nan_to_num(array.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0).clip(0, None)
        top = float(values.max())
        scale = 255.0 if top <= 1.0 else 1.0 if top <= 255 else 255.0 / top
        array = np.clip(values * scale, 0, 255).astype(np.uint8)
    elif array.dtype != np.uint8:
        raise ImageError(f"cannot read an array of {array.dtype} as an image")
    if array.ndim == 2:
        return Image.fromarray(np.ascontiguousarray(array), "L")
    return Image.fromarray(np.ascontiguousarray(array), "RGB" if array.shape[2] == 3 else "RGBA")


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary mask: 2 * area / perimeter (a ribbon's width)."""
    area = int(mask.sum())
    perimeter = int((mask[:, 1:] != mask[:, :-1]).sum() + (mask[1:, :] != mask[:-1, :]).sum())
    return 2.0 * area / max(perimeter, 1)


def _odd(size: float) -> int:
    n = max(3, int(round(size)))
    return n if n % 2 else n + 1


def square_filter(image: np.ndarray, size: int, thicken: bool) -> np.ndarray:
    """Max (thicken) or min (thin) over a size x size window, edges replicated.

    The same result as Pillow's ``MaxFilter``/``MinFilter``, but separable: a
    square window's max is the max over rows of the max over columns, so it
    costs 2 * size array operations instead of size**2 per pixel (a 9 px window
    on a 280 px canvas: 0.5 ms instead of 5 ms, on every mouse move).
    """
    reduce = np.maximum if thicken else np.minimum
    r = size // 2
    padded = np.pad(image, r, mode="edge")
    h, w = image.shape
    rows = padded[:, 0:w].copy()
    for i in range(1, size):
        reduce(rows, padded[:, i : i + w], out=rows)
    out = rows[0:h].copy()
    for i in range(1, size):
        reduce(out, rows[i : i + h], out=out)
    return out


def _normalise_stroke(ink: np.ndarray, scale: float) -> np.ndarray:
    """Thicken hairlines and thin blobs so that, after scaling, strokes are near MNIST's width."""
    mask = ink > 0.5
    width = stroke_width(mask) * scale  # as it would be in the 28x28 result
    if THIN_LIMIT <= width <= THICK_LIMIT or not mask.any():
        return ink
    grey = (ink * 255).astype(np.uint8)
    if width < THIN_LIMIT:
        grey = square_filter(grey, _odd((MNIST_STROKE - width) / scale + 1), thicken=True)
    else:
        # Erode only part of the excess: a heavy stroke must not break apart.
        grey = square_filter(grey, _odd((width - THICK_LIMIT) / scale * 0.75 + 1), thicken=False)
    return grey.astype(np.float32) / 255.0


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the pixels above 0.1, or None if there are none."""
    rows = np.flatnonzero((ink > 0.1).any(1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((ink > 0.1).any(0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@dataclass(frozen=True)
class Transform:
    """Where the 28x28 input's pixels came from in the image given to :func:`preprocess`.

    Coordinates are pixel edges: pixel (r, c) spans [r, r + 1) x [c, c + 1).
    Preprocessing crops the ink's box, scales it (the same factor on both axes
    up to rounding) and shifts it, so the map is one scale and one offset per
    axis: input point (y, x) is source point
    ``(offset[0] + y * scale[0], offset[1] + x * scale[1])``.

    Attributes
    ----------
    scale
        Source pixels per input pixel, (rows, columns).
    offset
        The source point at the input's top-left corner (0, 0); may lie
        outside the image (the input's margins cover no source pixels).
    source_shape
        (height, width) of the image given to :func:`preprocess_with_transform`.
    """

    scale: tuple[float, float]
    offset: tuple[float, float]
    source_shape: tuple[int, int]

    def to_source(self, y: float, x: float) -> tuple[float, float]:
        """The source point (row, column) under input point (y, x)."""
        return (self.offset[0] + y * self.scale[0], self.offset[1] + x * self.scale[1])

    def to_input(self, row: float, column: float) -> tuple[float, float]:
        """The input point (y, x) under source point (row, column)."""
        return ((row - self.offset[0]) / self.scale[0], (column - self.offset[1]) / self.scale[1])

    def rect_to_source(self, top: float, left: float, bottom: float, right: float) -> tuple[float, float, float, float]:
        """An input rectangle (top, left, bottom, right), edges, as the source rectangle it covers."""
        (y0, x0), (y1, x1) = self.to_source(top, left), self.to_source(bottom, right)
        return (y0, x0, y1, x1)


def _source_shape(image: Image.Image | np.ndarray) -> tuple[int, int]:
    if isinstance(image, np.ndarray):
        return (int(image.shape[0]), int(image.shape[1])) if image.ndim >= 2 else (0, 0)
    return (image.height, image.width)


def readable_ink(ink: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """An ink map at full contrast, without the faint haze of scans and JPEG noise, and its
    box (top, bottom, left, right); refused when it holds nothing to read.

    Raises
    ------
    EmptyImageError
        If there is no ink, or too little contrast to be any (a blank or grainy page).
    TooSmallError
        If all the ink is a dot or a speck.
    """
    peak = float(ink.max()) if ink.size else 0.0
    if peak < MIN_CONTRAST:
        raise EmptyImageError("the image is empty: no ink found")
    ink = np.clip((ink / peak - 0.1) / 0.9, 0.0, 1.0)
    box = _ink_box(ink)
    if box is None:
        raise EmptyImageError("the image is empty: no ink found")
    top, bottom, left, right = box
    height, width = bottom - top, right - left
    longest = max(height, width)
    if longest < MIN_INK_PX and longest * 4 < max(ink.shape):
        raise TooSmallError(
            f"too small to read: the ink is {width} x {height} pixels of a {ink.shape[1]} x {ink.shape[0]} "
            "image; draw the digit larger"
        )
    return ink, box


def _preprocess(image: Image.Image | np.ndarray) -> tuple:
    """The input, plus the crop's top-left, its scale and the placement, in ink-map pixels."""
    ink, box = readable_ink(ink_map(image))
    top, bottom, left, right = box
    longest = max(bottom - top, right - left)
    thinned = _normalise_stroke(ink, BOX / longest)
    # Re-measure: thickening grows the box by up to half a kernel on each side.
    new_box = _ink_box(thinned)
    if new_box is None:
        # Thinning may erase a small or faint drawing entirely; the drawing as
        # it is beats no answer.
        thinned, new_box = ink, box
    top, bottom, left, right = new_box
    crop = thinned[top:bottom, left:right]
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_h, new_w = max(1, round(height * scale)), max(1, round(width * scale))
    patch = Image.fromarray(crop.astype(np.float32), "F").resize((new_w, new_h), Image.Resampling.LANCZOS)
    patch_arr = np.clip(np.asarray(patch, dtype=np.float32), 0.0, 1.0)
    image28, placed = _place_by_centre_of_mass(patch_arr)
    # The resize maps pixel edges linearly: input edge e of the patch is crop edge e * height / new_h.
    return image28, (top, left), (height / new_h, width / new_w), placed, ink.shape


def preprocess(image: Image.Image | np.ndarray) -> np.ndarray:
    """Return the network input: float32 (28, 28) in [0, 1], white ink on black.

    Raises
    ------
    EmptyImageError
        If the image has no ink (a blank canvas is reported, never classified).
    TooSmallError
        If the ink is a dot or speck too small to be a digit (an EmptyImageError too).
    ImageError
        If an array has a shape or type that is not an image.
    """
    return _preprocess(image)[0]


def preprocess_with_transform(image: Image.Image | np.ndarray) -> tuple[np.ndarray, Transform]:
    """:func:`preprocess`, and the :class:`Transform` from the input back to ``image``'s pixels.

    The window uses it to draw a region of the 28x28 input (a receptive field,
    a saliency map) on the canvas where those pixels came from.

    Raises
    ------
    EmptyImageError, TooSmallError, ImageError
        As :func:`preprocess`.
    """
    image28, (crop_top, crop_left), (scale_y, scale_x), (top28, left28), ink_shape = _preprocess(image)
    source_shape = _source_shape(image)
    # ink_map reads images larger than WORK_SIDE reduced by a whole factor
    # (PIL's reduce: ink pixel j covers source pixels [j * k, (j + 1) * k)).
    k = 1 if tuple(ink_shape) == source_shape else math.ceil(max(source_shape) / WORK_SIDE)
    scale = (k * scale_y, k * scale_x)
    offset = (k * (crop_top - top28 * scale_y), k * (crop_left - left28 * scale_x))
    return image28, Transform(scale, offset, source_shape)


def _place_by_centre_of_mass(patch: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    h, w = patch.shape
    total = float(patch.sum())
    if total <= 0:
        raise EmptyImageError("the image is empty: no ink left after scaling")
    cy = float((patch.sum(1) * np.arange(h)).sum() / total)
    cx = float((patch.sum(0) * np.arange(w)).sum() / total)
    top = int(np.clip(round(MNIST_CENTRE - cy), 0, SIDE - h))
    left = int(np.clip(round(MNIST_CENTRE - cx), 0, SIDE - w))
    out[top : top + h, left : left + w] = patch
    peak = out.max()
    return (out / peak if peak > 0 else out), (top, left)


def centre_of_mass(image28: np.ndarray) -> tuple[float, float]:
    """(row, column) centre of mass of a 28x28 input, for tests and the UI."""
    total = float(image28.sum())
    rows = (image28.sum(1) * np.arange(image28.shape[0])).sum() / total
    cols = (image28.sum(0) * np.arange(image28.shape[1])).sum() / total
    return float(rows), float(cols)
