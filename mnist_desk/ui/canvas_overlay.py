"""What the views lay over a picture: a receptive field, a saliency map, a number's digits.

:func:`paint_field` is shared by the canvas and the 28x28 view, so a field
looks the same on both: the picture outside it is veiled, the field itself
outlined twice (dark under light) so it reads on white paper, on black MNIST
pixels, in a dark palette and on a washed-out projector. The veil is a fixed
mid grey, not a palette colour: the pictures under it (white paper, black
MNIST input) are the same in either palette, and mid grey dims both.

:class:`CanvasOverlay` keeps the canvas's overlays in paper pixels (the
paper's own coordinates, whatever size the widget has) and repaints only the
part of the canvas they cover, before and after a change. In number mode it
also frames each digit of the number read, with a tag above it naming the
digit; the tags are buttons (the canvas asks :meth:`CanvasOverlay.tag_at`), and so is
a click inside a box (:meth:`CanvasOverlay.box_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QWidget

from mnist_desk.ui.paper import RESOLUTION
from mnist_desk.ui.placement import Rect
from mnist_desk.ui.saliency_overlay import paint_saliency

VEIL = QColor(128, 128, 128, 110)  # how the picture outside a field is dimmed
# A part of a number that is not a digit: red-ish, the colour of a correction in
# any palette (light or dark), never the palette's highlight that frames the digits.
NOT_A_DIGIT = QColor(214, 48, 49)
TAG_POINTS = 11  # the digit's tag above its box


@dataclass(frozen=True)
class DigitBox:
    """One digit of a number on the canvas: its box in paper pixels and what it was read as."""

    rect: Rect  # (top, left, bottom, right), paper pixels
    label: str  # the digit, or "?" for a part that is not a digit
    not_a_digit: bool = False
    selected: bool = False


def paint_field(painter: QPainter, picture: QRectF, field: QRectF, palette: QPalette) -> None:
    """Veil ``picture`` outside ``field`` and outline ``field`` (both in widget coordinates)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outside = QPainterPath()
    outside.addRect(picture)
    inside = QPainterPath()
    inside.addRect(field)
    painter.fillPath(outside.subtracted(inside), VEIL)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(0, 0, 0, 170), 5))
    painter.drawRect(field)
    painter.setPen(QPen(palette.highlight().color(), 2.5))
    painter.drawRect(field)
    painter.restore()


def paper_to_widget(paper: QRectF, rect: Rect, paper_width: int = RESOLUTION) -> QRectF:
    """A paper rectangle (top, left, bottom, right) in paper pixels -> widget coordinates.

    ``paper`` is where the paper lies on the widget, ``paper_width`` its width in paper pixels.
    """
    top, left, bottom, right = rect
    scale = paper.width() / paper_width
    return QRectF(paper.x() + left * scale, paper.y() + top * scale, (right - left) * scale, (bottom - top) * scale)


class CanvasOverlay:
    """The canvas's receptive field and saliency map, in paper pixels."""

    def __init__(self, canvas: QWidget) -> None:
        self._canvas = canvas
        self._field: Rect | None = None
        self._saliency: tuple[QImage, Rect] | None = None
        self._digits: list[DigitBox] = []

    def field(self) -> Rect | None:
        """The highlighted receptive field, (top, left, bottom, right) in paper pixels, or None."""
        return self._field

    def saliency(self) -> tuple[QImage, Rect] | None:
        """The saliency image and the paper rectangle it is stretched over, or None."""
        return self._saliency

    def digit_boxes(self) -> list[DigitBox]:
        """The number's digits framed on the canvas, left to right."""
        return list(self._digits)

    def set_digit_boxes(self, boxes: list[DigitBox]) -> None:
        if boxes != self._digits:
            self._digits = list(boxes)
            self._canvas.update()  # tags reach out of the paper's strokes: repaint it all

    def clear(self) -> None:
        """Nothing over the paper (another paper is shown)."""
        self._field, self._saliency, self._digits = None, None, []
        self._canvas.update()

    def _to_widget(self, paper: QRectF, rect: Rect) -> QRectF:
        return paper_to_widget(paper, rect, self._canvas.paper_size()[0])

    def _tag_font(self) -> QFont:
        font = QFont(self._canvas.font())
        font.setPointSize(TAG_POINTS)
        font.setBold(True)
        return font

    def tag_rects(self, paper: QRectF) -> list[QRectF]:
        """Each digit's tag: above its box's top-left corner, or just inside when there is no room above."""
        metrics = QFontMetricsF(self._tag_font())
        rects = []
        for box in self._digits:
            frame = self._to_widget(paper, box.rect)
            width, height = max(metrics.horizontalAdvance(box.label) + 12, metrics.height() + 4), metrics.height() + 4
            top = frame.top() - height if frame.top() - height >= paper.top() else frame.top()
            rects.append(QRectF(frame.left(), top, width, height))
        return rects

    def tag_at(self, point: QPointF, paper: QRectF) -> int | None:
        """The index of the digit whose tag is at ``point`` (widget coordinates), or None."""
        for index, rect in enumerate(self.tag_rects(paper)):
            if rect.contains(point):
                return index
        return None

    def box_at(self, point: QPointF, paper: QRectF) -> int | None:
        """The index of the digit whose box holds ``point`` (widget coordinates; the smallest,
        where boxes overlap), or None."""
        # The frame is drawn on the box's edge, as wide as 3 px: a click on it is inside too.
        frames = [(i, self._to_widget(paper, box.rect).adjusted(-3, -3, 3, 3)) for i, box in enumerate(self._digits)]
        holders = [(frame.width() * frame.height(), index) for index, frame in frames if frame.contains(point)]
        return min(holders)[1] if holders else None

    def set_field(self, field: Rect | None) -> None:
        if field != self._field:
            before, self._field = self._field, field
            self._repaint(before, field, whole=True)

    def set_saliency(self, image: QImage | None, rect: Rect | None) -> None:
        new = None if image is None or rect is None else (image, rect)
        before, self._saliency = self._saliency, new
        self._repaint(before[1] if before else None, rect if new else None, whole=False)

    def _repaint(self, before: Rect | None, after: Rect | None, whole: bool) -> None:
        # A field veils the whole paper: any change repaints it all. A saliency map
        # changes on every result while drawing: only where the old and new maps lie.
        paper = self._canvas.paper_rect()
        if whole:
            self._canvas.update(paper.toAlignedRect())
            return
        for rect in (before, after):
            if rect is not None:
                self._canvas.update(
                    self._to_widget(paper, rect).intersected(paper).toAlignedRect().adjusted(-2, -2, 2, 2)
                )

    def paint(self, painter: QPainter, paper: QRectF) -> None:
        """Paint the overlays over the paper's square ``paper`` (widget coordinates)."""
        painter.save()
        painter.setClipRect(paper)
        if self._saliency is not None:
            image, rect = self._saliency
            frame = self._to_widget(paper, rect)
            paint_saliency(painter, frame, image, smooth=True)
            # The 28x28 frame the network reads, dashed: the map stops at its edges.
            pen = QPen(self._canvas.palette().mid().color(), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
        if self._field is not None:
            paint_field(painter, paper, self._to_widget(paper, self._field), self._canvas.palette())
        if self._digits:
            self._paint_digits(painter, paper)
        painter.restore()

    def _paint_digits(self, painter: QPainter, paper: QRectF) -> None:
        """Each digit framed in the highlight colour (a part that is not a digit in red), its tag above it."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._tag_font())
        highlight = self._canvas.palette().highlight().color()
        for box, tag in zip(self._digits, self.tag_rects(paper), strict=True):
            colour = NOT_A_DIGIT if box.not_a_digit else highlight
            frame = self._to_widget(paper, box.rect).adjusted(-3, -3, 3, 3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            style = Qt.PenStyle.SolidLine if box.selected else Qt.PenStyle.DashLine
            painter.setPen(QPen(colour, 3.0 if box.selected else 1.5, style))
            painter.drawRect(frame)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(tag, 4, 4)
            text = QColor(255, 255, 255) if box.not_a_digit else self._canvas.palette().highlightedText().color()
            painter.setPen(text)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, box.label)


__all__ = ["NOT_A_DIGIT", "VEIL", "CanvasOverlay", "DigitBox", "paint_field", "paper_to_widget"]
