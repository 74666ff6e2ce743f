"""Paper: the canvas's picture, rendered from its history of strokes.

Every change is an entry in one history: a stroke (ink or eraser), or a fresh
sheet (clearing, or opening an image file). Undo and redo move through that
history, so clearing and opening are undoable like a stroke.

Why strokes are rasterised 4x larger and without anti-aliasing: with
anti-aliased ink and an anti-aliased eraser, a pixel on the edge of both keeps
ink x (1 - eraser) of its ink, so erasing along a stroke leaves faint grey
hairlines on its old edges. Here the ink is a sharp mask at 4x resolution, the
eraser clears that mask (it is drawn a little wider, so it takes the slivers
of ink thinner than a paper pixel that a hand tracing a stroke leaves behind),
and the anti-aliasing comes from averaging 4x4 blocks at the end. What an
eraser covers is gone, exactly.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from mnist_desk.ui.opened_image import OpenedImage

RESOLUTION = 560  # paper pixels; twice the 280 px canvas our figures are measured on
OPENED_IN_HISTORY = 10  # opened images that undo can go back to (each holds its file's pixels)
# Number mode's paper: as high as the square one (a brush size means the same on
# both), 2.5 times as wide, so that five digits written side by side fit.
WIDE = (1400, RESOLUTION)
SUPERSAMPLE = 4
# Extra eraser width in paper pixels (half on each side): takes the sub-pixel
# slivers of ink that a hand tracing a stroke with the same brush leaves behind.
ERASER_MARGIN = 2.0
PAPER = (255, 255, 255, 255)
INK = (0, 0, 0, 255)
# Where R, G, B and A sit in the bytes of a QImage.Format_ARGB32_Premultiplied
# pixel (a 32-bit 0xAARRGGBB word), the format Qt draws fastest.
ARGB32_ORDER = [2, 1, 0, 3] if sys.byteorder == "little" else [1, 2, 3, 0]


@dataclass
class Stroke:
    width: float  # in paper pixels
    eraser: bool
    points: list[QPointF] = field(default_factory=list)
    pressures: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    """A fresh sheet: blank paper (``image`` None, i.e. clearing) or an opened image."""

    image: OpenedImage | None = None


Entry = Stroke | Sheet


def _mask(width: int, height: int) -> QImage:
    mask = QImage(width * SUPERSAMPLE, height * SUPERSAMPLE, QImage.Format.Format_Grayscale8)
    mask.fill(0)
    return mask


def block_sum(array: np.ndarray, factor: int) -> np.ndarray:
    """Sums of ``factor`` x ``factor`` blocks (uint16; factor <= 15 for uint8 input).

    Strided slices added up: several times faster than reshape + sum over two
    axes, which numpy runs as a slow non-contiguous reduction.
    """
    out = array[::factor, ::factor].astype(np.uint16)
    for i in range(factor):
        for j in range(factor):
            if i or j:
                out += array[i::factor, j::factor]
    return out


def _bounds(parts: list[tuple[Stroke, int]], width: int, height: int) -> tuple[int, int, int, int]:
    """The paper rectangle (x0, y0, x1, y1) that the strokes' points from each start index can touch."""
    xs, ys, reach = [], [], 0.0
    for stroke, start in parts:
        xs += [p.x() for p in stroke.points[start:]]
        ys += [p.y() for p in stroke.points[start:]]
        reach = max(reach, stroke.width / 2 + ERASER_MARGIN + 1)
    if not xs:
        return 0, 0, 0, 0
    x0, y0 = int(max(min(xs) - reach, 0)), int(max(min(ys) - reach, 0))
    x1, y1 = int(min(max(xs) + reach + 1, width)), int(min(max(ys) + reach + 1, height))
    return x0, y0, max(x0, x1), max(y0, y1)


def _view(mask: QImage) -> np.ndarray:
    return np.frombuffer(mask.constBits(), np.uint8).reshape(mask.height(), mask.bytesPerLine())[:, : mask.width()]


class Paper:
    """The picture as premultiplied RGBA pixels, and the history that made it.

    Square (``RESOLUTION`` pixels a side) for one digit; number mode's paper is
    wider (:data:`WIDE`).
    """

    def __init__(self, width: int = RESOLUTION, height: int = RESOLUTION) -> None:
        self.width, self.height = width, height
        self._history: list[Entry] = []
        self._redo: list[Entry] = []
        self._ink = _mask(width, height)  # 255 where ink covers the (supersampled) paper
        self._erased: QImage | None = None  # 255 where an eraser uncovered an opened image's paper
        self.pixels = np.empty((height, width, 4), np.uint8)  # premultiplied RGBA
        # The same picture in Qt's native format: drawing an RGBA8888 image costs a
        # conversion on every repaint (5 ms at 560 px), this one none.
        self._display = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        self.render()

    # --- state ------------------------------------------------------------------

    def sheet(self) -> OpenedImage | None:
        """The opened image under the current strokes, if any."""
        for entry in reversed(self._history):
            if isinstance(entry, Sheet):
                return entry.image
        return None

    def strokes(self) -> list[Stroke]:
        """The strokes on the current sheet, oldest first."""
        strokes: list[Stroke] = []
        for entry in reversed(self._history):
            if isinstance(entry, Sheet):
                break
            strokes.append(entry)
        return strokes[::-1]

    def is_blank(self) -> bool:
        return self.sheet() is None and not self.strokes()

    def has_eraser_strokes(self) -> bool:
        return any(stroke.eraser for stroke in self.strokes())

    def can_undo(self) -> bool:
        return bool(self._history)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def transparent(self) -> bool:
        sheet = self.sheet()
        return sheet is not None and sheet.transparent

    # --- history ------------------------------------------------------------------

    def push(self, entry: Entry) -> None:
        """Add a stroke or a sheet; a new step discards what could be redone."""
        self._history.append(entry)
        self._redo.clear()
        if isinstance(entry, Sheet):
            self._forget_old_images()
            self.render()

    def _forget_old_images(self) -> None:
        """Keep at most OPENED_IN_HISTORY opened images undoable.

        Each keeps its file's pixels (up to 2048 px a side): 60 photos opened one after
        another held 1.3 GB (a hostile review). The oldest steps go, up to the sheet that
        follows the oldest image, so that what can still be undone renders as it was.
        """
        sheets = [i for i, entry in enumerate(self._history) if isinstance(entry, Sheet)]
        images = [i for i in sheets if self._history[i].image is not None]
        while len(images) > OPENED_IN_HISTORY:
            cut = next(i for i in sheets if i > images[0])  # the sheet after the oldest image
            del self._history[:cut]
            sheets = [i - cut for i in sheets if i >= cut]
            images = [i - cut for i in images if i >= cut]

    def undo(self) -> bool:
        if not self._history:
            return False
        self._redo.append(self._history.pop())
        self.render()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._history.append(self._redo.pop())
        self.render()
        return True

    # --- rendering ------------------------------------------------------------------

    def render(self) -> None:
        """Render the current sheet and its strokes from scratch (undo, redo, clear, open)."""
        self._ink.fill(0)
        sheet = self.sheet()
        self._erased = _mask(self.width, self.height) if sheet is not None else None
        # The bare sheet first, by copying; then only the strokes' bounding box is
        # composited (a full composite costs ~20 ms: a stall on every undo).
        self.pixels[:] = PAPER if sheet is None else sheet.pixels
        display = self._display_pixels()
        display[:] = self.pixels[..., ARGB32_ORDER]
        strokes = self.strokes()
        if strokes:
            painter = self._begin(self._ink)
            for stroke in strokes:
                self._paint_segments(painter, stroke, 0, self._erased)
            painter.end()
            self._composite(*_bounds([(stroke, 0) for stroke in strokes], self.width, self.height))

    def paint_from(self, stroke: Stroke, start: int) -> tuple[int, int, int, int]:
        """Add the segments of ``stroke`` from point ``start`` on to the picture (while drawing).

        Returns
        -------
        tuple
            The paper rectangle (x0, y0, x1, y1) that changed.
        """
        painter = self._begin(self._ink)
        self._paint_segments(painter, stroke, start, self._erased)
        painter.end()
        rect = _bounds([(stroke, max(start - 1, 0))], self.width, self.height)
        self._composite(*rect)
        return rect

    @staticmethod
    def _begin(mask: QImage) -> QPainter:
        painter = QPainter(mask)
        painter.scale(SUPERSAMPLE, SUPERSAMPLE)  # coordinates and widths in paper pixels
        return painter

    @staticmethod
    def _paint_segments(painter: QPainter, stroke: Stroke, start: int, erased: QImage | None) -> None:
        """Paint segments from point ``start`` on (0 = the whole stroke, with its first dot)."""
        value = QColor(0, 0, 0) if stroke.eraser else QColor(255, 255, 255)
        extra = ERASER_MARGIN if stroke.eraser else 0.0
        pts, pressures = stroke.points, stroke.pressures
        segments: list[tuple[QPointF, QPointF, float]] = []
        if start == 0 and pts:
            segments.append((pts[0], pts[0], stroke.width * pressures[0] + extra))
        for i in range(max(start, 1), len(pts)):
            segments.append((pts[i - 1], pts[i], stroke.width * (pressures[i - 1] + pressures[i]) / 2 + extra))
        targets = [(painter, value)]
        other = None
        if stroke.eraser and erased is not None:
            other = Paper._begin(erased)
            targets.append((other, QColor(255, 255, 255)))
        for target, colour in targets:
            for a, b, width in segments:
                target.setPen(
                    QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
                )
                if a == b:
                    target.drawPoint(a)
                else:
                    target.drawLine(a, b)
        if other is not None:
            other.end()

    def _coverage(self, mask: QImage, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        s = SUPERSAMPLE
        block = _view(mask)[y0 * s : y1 * s, x0 * s : x1 * s]
        return block_sum(block, s).astype(np.float32) / (255.0 * s * s)

    def _composite(self, x0: int, y0: int, x1: int, y1: int) -> None:
        sheet = self.sheet()
        region = (slice(y0, y1), slice(x0, x1))
        if sheet is None:
            # Black ink on white paper, in integers: this runs on every mouse move,
            # and for a whole clear or undo (2 ms instead of 30 in floats).
            s = SUPERSAMPLE
            covered = block_sum(_view(self._ink)[y0 * s : y1 * s, x0 * s : x1 * s], s)
            grey = (255 - (covered.astype(np.uint32) + s * s // 2) // (s * s)).astype(np.uint8)
            self.pixels[region + (slice(0, 3),)] = grey[..., None]
            self.pixels[region + (3,)] = 255
        else:
            ink = self._coverage(self._ink, x0, y0, x1, y1)[..., None]
            erased = self._coverage(self._erased, x0, y0, x1, y1)[..., None]
            base = sheet.pixels[region].astype(np.float32)
            under = erased * np.array(sheet.paper, np.float32) + (1 - erased) * base
            out = ink * np.array(sheet.ink, np.float32) + (1 - ink) * under
            self.pixels[region] = np.rint(out).astype(np.uint8)
        self._display_pixels()[region] = self.pixels[region][..., ARGB32_ORDER]

    def _display_pixels(self) -> np.ndarray:
        lines = np.frombuffer(self._display.bits(), np.uint8).reshape(self.height, self._display.bytesPerLine())
        return lines[:, : self.width * 4].reshape(self.height, self.width, 4)

    # --- output ------------------------------------------------------------------------

    def qimage(self) -> QImage:
        """The picture as a QImage (shared: draw it, or copy it to keep it)."""
        return self._display

    def rgba(self, factor: int = 1) -> np.ndarray:
        """(height, width, 4) / ``factor`` premultiplied RGBA, averaged down from the paper."""
        return self._reduced(self.pixels, factor)

    def grey(self, factor: int = 1) -> np.ndarray:
        """(height, width) / ``factor`` uint8 luminance of the picture (over black where transparent)."""
        if self.sheet() is None:
            grey = self.pixels[..., 0]  # black on white: every channel holds the grey
        else:
            rgb = self.pixels[..., :3].astype(np.uint32)
            grey = ((rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16).astype(np.uint8)
        return self._reduced(grey, factor)

    def _reduced(self, array: np.ndarray, factor: int) -> np.ndarray:
        if factor < 1 or self.width % factor or self.height % factor:
            raise ValueError(f"the reduction must divide {self.width}x{self.height}, got {factor}")
        f = factor
        if f == 1:
            return array.copy()
        return ((block_sum(array, f) + f * f // 2) // (f * f)).astype(np.uint8)


def unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA -> straight RGBA (what Pillow and ``preprocess`` read)."""
    alpha = rgba[..., 3:4].astype(np.float32)
    rgb = np.where(alpha > 0, rgba[..., :3].astype(np.float32) * 255.0 / np.maximum(alpha, 1), 0)
    return np.concatenate([np.clip(np.rint(rgb), 0, 255).astype(np.uint8), rgba[..., 3:4]], axis=2)
