"""Where the network's 28x28 input lies on the canvas's paper. Qt-free.

Two maps, composed: preprocessing's :class:`~mnist_desk.preprocess.Transform`
(28x28 input -> the image the worker was handed) and the canvas's
:class:`PaperMap` (that image -> paper pixels: a factor of 2 for the 280 px
drawing, or where an opened file was fitted). Both are one scale and one
offset per axis, so a rectangle stays a rectangle.
"""

from __future__ import annotations

from dataclasses import dataclass

from mnist_desk.preprocess import Transform

Rect = tuple[float, float, float, float]  # (top, left, bottom, right), pixel edges


@dataclass(frozen=True)
class PaperMap:
    """The image handed to the network -> paper: ``paper = offset + point * scale``, per axis (rows, columns)."""

    scale: tuple[float, float]
    offset: tuple[float, float] = (0.0, 0.0)

    def rect(self, rect: Rect) -> Rect:
        top, left, bottom, right = rect
        (sy, sx), (oy, ox) = self.scale, self.offset
        return (oy + top * sy, ox + left * sx, oy + bottom * sy, ox + right * sx)


@dataclass(frozen=True)
class Placement:
    """The 28x28 input on the paper, for the prediction on screen."""

    transform: Transform
    paper: PaperMap

    def on_paper(self, rect: Rect) -> Rect:
        """An input rectangle (top, left, bottom, right) in 28x28 pixels -> the paper rectangle it came from."""
        return self.paper.rect(self.transform.rect_to_source(*rect))

    def input_on_paper(self) -> Rect:
        """The whole 28x28 frame on the paper (where a 28x28 overlay is stretched to)."""
        return self.on_paper((0, 0, 28, 28))


__all__ = ["PaperMap", "Placement", "Rect"]
