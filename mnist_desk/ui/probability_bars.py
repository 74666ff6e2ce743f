"""ProbabilityBars: ten labelled bars with percentages, the top one highlighted.

Colours come from the palette, so the widget follows light and dark themes.
A low-confidence answer paints its top bar in the palette's mid tone rather
than the highlight: the widget itself says "not sure". Probabilities that are
not to be trusted at all (the network sees no digit) are all drawn in that
grey, faded, with a caption across them.

The bars are also how the user corrects the network: clicking a digit's bar
says "this drawing is that digit" (:attr:`ProbabilityBars.digit_clicked`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mnist_desk.side_by_side import SURE_ANSWER
from mnist_desk.ui.fitted_label import BalancedWidth

# Below this the top class is shown as a guess, not an answer (side_by_side.SURE_ANSWER, 0.8,
# which `predict` and the number-mode suggestion use too). The bundled model's probabilities
# are calibrated (training/calibrate.py): at 80 % it is wrong about one time in five, which
# deserves a question mark.
CONFIDENT = SURE_ANSWER


# The widest text percent() gives, for the column beside the bars.
WIDEST_PERCENT = "> 99.9 %"


def percent(value: float) -> str:
    """0.996 -> "99.6 %", the same in every language. A probability that would round to
    "100.0 %" shows as "> 99.9 %": the network is never certain, and a student read 100.0 %
    as certain (a new user's review)."""
    return WIDEST_PERCENT if value >= 0.9995 else f"{value * 100:.1f} %"


def percent_texts(probabilities: np.ndarray) -> list[str]:
    return [percent(float(p)) for p in probabilities]


class ProbabilityBars(QWidget):
    # A digit's bar (its row) was clicked while a result is shown: "it is this digit".
    digit_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityBars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(220, 10 * 18)  # rows of 18 px: a 720-line projector shows the window whole
        self._probabilities: np.ndarray | None = None
        self._distrust = ""  # the caption painted across untrusted bars ("" when trusted)
        self._stamp_width = BalancedWidth()  # the caption's width in even lines
        self._hovered: int | None = None  # the row under the pointer, lit to say it can be clicked
        self.setMouseTracking(True)

    def set_distrust(self, caption: str) -> None:
        """Mark the bars as not trusted, with ``caption`` across them; "" trusts them again."""
        if caption != self._distrust:
            self._distrust = caption
            self.update()

    def trusted(self) -> bool:
        return not self._distrust

    def painted_texts(self) -> list[str]:
        """Words this widget paints itself (tests check they are translated)."""
        return [self._distrust] if self._distrust and self._probabilities is not None else []

    def probabilities(self) -> np.ndarray | None:
        return None if self._probabilities is None else self._probabilities.copy()

    def set_probabilities(self, probabilities: np.ndarray | None) -> None:
        """Show ten probabilities, or None for "nothing to classify" (all bars empty)."""
        self._probabilities = None if probabilities is None else np.asarray(probabilities, dtype=np.float64)
        if probabilities is None:
            self._hovered = None
        # A pointing hand says the rows can be clicked (only while there is something to correct).
        self.setCursor(Qt.CursorShape.ArrowCursor if probabilities is None else Qt.CursorShape.PointingHandCursor)
        self._set_tooltip()
        self.update()

    def _set_tooltip(self) -> None:
        if self._probabilities is None:
            self.setToolTip("")
            return
        rows = "\n".join(f"{d}: {t}" for d, t in enumerate(self.texts()))
        self.setToolTip(rows + "\n\n" + self.tr("Wrong? Click the right digit to teach the network your handwriting"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self._set_tooltip()
        super().changeEvent(event)

    def digit_at(self, y: float) -> int | None:
        """The digit whose row is at height ``y`` (widget coordinates), or None outside the rows."""
        row = int(y // (self.height() / 10)) if self.height() > 0 else -1
        return row if 0 <= row <= 9 else None

    def row_rect(self, digit: int) -> QRectF:
        """Where ``digit``'s row lies (for clicking it in tests and screenshots)."""
        row_h = self.height() / 10
        return QRectF(0, digit * row_h, self.width(), row_h)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._on_stamp(event.position()):
            # People click the stamp to learn what it means, not to say the scribble is the
            # digit whose bar lies under it (a review: a click there kept a scribble as a 4).
            # Its explanation comes on the release: a tooltip shown earlier closes on it.
            event.accept()
            return
        digit = self.digit_at(event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and digit is not None and self._probabilities is not None:
            self.digit_clicked.emit(digit)
            event.accept()
            return
        super().mousePressEvent(event)

    def hovered(self) -> int | None:
        """The digit whose row is lit under the pointer (None: none is, or nothing to click)."""
        return self._hovered

    def _hover(self, digit: int | None) -> None:
        if digit != self._hovered:
            self._hovered = digit
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        # A row lights up under the pointer: the bars are buttons ("it is this digit"), and a new
        # user did not see that they could be clicked (a review of the teaching screenshots).
        on_row = self._probabilities is not None and not self._on_stamp(event.position())
        self._hover(self.digit_at(event.position().y()) if on_row else None)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._hover(None)
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._on_stamp(event.position()):
            QToolTip.showText(event.globalPosition().toPoint(), self.stamp_tooltip(), self)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def texts(self) -> list[str]:
        """The percentage shown beside each bar ("" when empty)."""
        if self._probabilities is None:
            return [""] * 10
        return percent_texts(self._probabilities)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(300, 10 * 26)

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, min(self.height() / 10 * 0.45, 14.0)))
        return font

    def _columns(self, font: QFont) -> tuple[float, float, float]:
        """(digit label, bar, percentage) widths: room for the widest text there can be, in bold."""
        bold = QFont(font)
        bold.setBold(True)
        label_w = QFontMetricsF(bold).horizontalAdvance("0") + 12
        text_w = QFontMetricsF(bold).horizontalAdvance(WIDEST_PERCENT) + 8
        return label_w, max(self.width() - label_w - text_w - 12, 10), text_w

    def bar_column(self) -> QRectF:
        """Where the bars' tracks are, between the digits and their percentages."""
        label_w, bar_w, _ = self._columns(self._font())
        return QRectF(label_w, 0, bar_w, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        row_h = self.height() / 10
        font = self._font()
        label_w, bar_w, text_w = self._columns(font)
        painter.setFont(font)
        probs = self._probabilities
        top = int(np.argmax(probs)) if probs is not None else -1
        confident = probs is not None and probs[top] >= CONFIDENT and not self._distrust
        texts = self.texts()
        for digit in range(10):
            y = digit * row_h
            track = QRectF(label_w, y + row_h * 0.18, bar_w, row_h * 0.64)
            if digit == self._hovered and probs is not None:
                lit = palette.highlight().color()
                lit.setAlpha(45)
                painter.setPen(QPen(palette.highlight().color(), 1))
                painter.setBrush(lit)
                painter.drawRoundedRect(QRectF(0.5, y + 0.5, self.width() - 1, row_h - 1), 4, 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.alternateBase())
            painter.drawRoundedRect(track, 3, 3)
            if probs is not None:
                fill = QRectF(track.x(), track.y(), max(bar_w * float(probs[digit]), 0.0), track.height())
                if digit == top:
                    colour = palette.highlight().color() if confident else palette.mid().color()
                else:
                    colour = palette.dark().color()
                if self._distrust:
                    colour = palette.mid().color()
                    colour.setAlpha(140)
                painter.setBrush(colour)
                painter.drawRoundedRect(fill, 3, 3)
            emphasise = digit == top
            font.setBold(emphasise)
            painter.setFont(font)
            painter.setPen(palette.placeholderText().color() if self._distrust else palette.windowText().color())
            painter.drawText(
                QRectF(0, y, label_w - 4, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(digit),
            )
            painter.drawText(
                QRectF(label_w + bar_w + 6, y, text_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                texts[digit],
            )
        if self._distrust and probs is not None:
            self._paint_distrust(painter)
        painter.end()

    def stamp_rect(self) -> QRectF | None:
        """The "not trusted" stamp's box, None when the bars are trusted.

        It covers the bars' tracks only: every digit and every percentage stays
        readable beside it (across the whole width it hid two rows; a new user's review).
        """
        if not self._distrust:
            return None
        bars = self.bar_column()
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        needed = QFontMetricsF(self._stamp_font()).boundingRect(
            QRectF(0, 0, bars.width() - 12, self.height()), flags, self._distrust
        )
        return QRectF(bars.left(), (self.height() - needed.height()) / 2 - 6, bars.width(), needed.height() + 12)

    def stamp_tooltip(self) -> str:
        """What the stamp means, shown when it is clicked or hovered."""
        return (
            self._distrust
            + "\n"
            + self.tr("If it is a digit after all, click that digit's number or percentage to teach the network")
        )

    def event(self, event: QEvent) -> bool:
        # The type is asked first: every event passes here, paints too.
        if event.type() == QEvent.Type.ToolTip and self._on_stamp(QPointF(event.pos())):
            QToolTip.showText(event.globalPos(), self.stamp_tooltip(), self)
            return True
        return super().event(event)

    def _on_stamp(self, point: QPointF) -> bool:
        """Whether ``point`` (widget coordinates) is on the "not trusted" stamp."""
        stamp = self.stamp_rect()
        return stamp is not None and stamp.contains(point)

    def _stamp_font(self) -> QFont:
        caption = self._font()
        caption.setBold(True)
        caption.setPointSizeF(max(caption.pointSizeF() * 0.9, 9.0))
        return caption

    def _paint_distrust(self, painter: QPainter) -> None:
        """The caption in a framed box across the middle of the bars: a stamp, not a footnote."""
        box = self.stamp_rect()
        if box is None:
            return
        palette = self.palette()
        painter.setFont(self._stamp_font())
        painter.setPen(QPen(palette.windowText().color(), 1.5))
        painter.setBrush(palette.window())
        painter.drawRoundedRect(box, 6, 6)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        room = box.adjusted(6, 6, -6, -6)
        width = self._stamp_width(self._stamp_font(), self._distrust, room.width())
        painter.drawText(QRectF(room.center().x() - width / 2, room.top(), width, room.height()), flags, self._distrust)
