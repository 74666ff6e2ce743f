"""An opened image file, fitted onto the square paper of the canvas. Qt-free.

The window must show a file as ``predict`` reads it. ``preprocess`` takes the
background from the image's own border (or from transparency), so the paper
around a fitted image is filled with that background, never with white: a
wide white-on-black image keeps a black border and stays white-on-black. A
transparent image stays transparent (the canvas shows it over a neutral
backdrop), and strokes drawn on it are opaque, which is what ``preprocess``
counts as ink there.

Built in the worker thread (a large image takes a while to scale), handed to
the canvas as plain numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

# Upscaling by at least this much copies pixels (nearest neighbour): a 28x28
# MNIST image is shown as the 784 squares the network reads, not a blur.
PIXELATED_SCALE = 2.0

Rgba = tuple[int, int, int, int]  # premultiplied, 0-255


@dataclass(frozen=True)
class OpenedImage:
    """An image file ready for the canvas.

    Attributes
    ----------
    source
        The image as :func:`mnist_desk.preprocess.load_image` returned it: what
        the worker classifies until the user draws on it.
    pixels
        (side, side, 4) uint8 premultiplied RGBA: the image scaled to fit the
        paper, centred, the margins filled with ``paper``.
    paper
        The image's background colour (alpha 0 for a transparent image).
    ink
        The colour strokes drawn on it get: dark on a light image, light on a
        dark one, the colour of the opaque pixels on a transparent one.
    transparent
        True when ``preprocess`` reads this image's ink from its alpha channel.
    """

    source: Image.Image = field(repr=False)
    pixels: np.ndarray = field(repr=False)
    paper: Rgba
    ink: Rgba
    transparent: bool


def uses_alpha(image: Image.Image) -> bool:
    """True when the ink is the alpha channel (the rule ``preprocess.ink_map`` applies)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        alpha = np.asarray(image.convert("RGBA"))[..., 3]
        return alpha.size > 0 and int(alpha.min()) < 128
    return False


def _border(rgb: np.ndarray) -> np.ndarray:
    return np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])


def fitted_box(width: int, height: int, side: int, paper_height: int | None = None) -> tuple[int, int, int, int]:
    """Where a ``width`` x ``height`` image lies on the paper: (top, left, height, width).

    The paper is ``side`` x ``side``, or ``side`` wide and ``paper_height`` high.
    """
    paper_height = side if paper_height is None else paper_height
    scale = min(side / width, paper_height / height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    return (paper_height - h) // 2, (side - w) // 2, h, w


def _fit(image: Image.Image, side: int, paper_height: int) -> Image.Image:
    scale = min(side / image.width, paper_height / image.height)
    _, _, h, w = fitted_box(image.width, image.height, side, paper_height)
    size = (w, h)
    resample = Image.Resampling.NEAREST if scale >= PIXELATED_SCALE else Image.Resampling.LANCZOS
    return image.resize(size, resample, reducing_gap=3.0 if scale < 1 else None)


def fit_to_paper(image: Image.Image, side: int, paper_height: int | None = None) -> OpenedImage:
    """Scale ``image`` to fit a ``side`` x ``side`` paper (or ``side`` x ``paper_height``), on its own background.

    Parameters
    ----------
    image
        As returned by :func:`mnist_desk.preprocess.load_image`.
    side
        The paper's width in pixels.
    paper_height
        Its height; None for a square paper.

    Returns
    -------
    OpenedImage
        The fitted pixels with the paper and ink colours that belong to them.
    """
    if image.width == 0 or image.height == 0:
        raise ValueError("the image has no pixels")
    paper_height = side if paper_height is None else paper_height
    transparent = uses_alpha(image)
    if transparent:
        rgba = np.asarray(image.convert("RGBA"))
        opaque = rgba[rgba[..., 3] >= 128][:, :3]
        colour = np.median(opaque, axis=0).astype(int) if len(opaque) else np.array([255, 255, 255])
        paper: Rgba = (0, 0, 0, 0)
        ink: Rgba = (int(colour[0]), int(colour[1]), int(colour[2]), 255)
        # Premultiplied before scaling, so transparent pixels do not bleed their colour.
        fitted = np.asarray(_fit(image.convert("RGBa"), side, paper_height))
    else:
        # preprocess reads the image through convert("L"), which ignores any
        # alpha; the window shows the same opaque pixels.
        rgb = np.asarray(image.convert("RGB"))
        grey = np.asarray(image.convert("L"))
        background = np.median(_border(rgb), axis=0).astype(int)
        paper = (int(background[0]), int(background[1]), int(background[2]), 255)
        dark_ink = float(np.median(_border(grey))) / 255.0 >= 0.5
        ink = (0, 0, 0, 255) if dark_ink else (255, 255, 255, 255)
        fitted = np.asarray(_fit(Image.fromarray(rgb), side, paper_height).convert("RGBA"))
    pixels = np.empty((paper_height, side, 4), np.uint8)
    pixels[:] = paper
    top, left, h, w = fitted_box(image.width, image.height, side, paper_height)
    pixels[top : top + h, left : left + w] = fitted
    return OpenedImage(image, pixels, paper, ink, transparent)


def grey_example(picture: Image.Image | np.ndarray) -> np.ndarray:
    """What the canvas handed to the network, as the greyscale picture an example is kept as.

    A transparent picture's ink is its alpha channel (as ``preprocess`` reads it):
    it becomes dark ink on white.
    """
    if isinstance(picture, Image.Image):
        if uses_alpha(picture):
            return 255 - np.asarray(picture.convert("RGBA"))[..., 3]
        return np.asarray(picture.convert("L"))
    if picture.ndim == 2:
        return picture
    if picture.shape[2] == 4:
        return 255 - picture[..., 3]
    return np.asarray(Image.fromarray(picture).convert("L"))


__all__ = ["OpenedImage", "fit_to_paper", "fitted_box", "uses_alpha", "grey_example"]
