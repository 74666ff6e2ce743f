"""PredictionPanel: the answer in large type, how sure it is, the ten bars, and
the 28x28 image the network read. Shows a :class:`Prediction` (or None for an
empty canvas) in the current language, and again when the language changes.

Three looks: a sure answer ("7", "99.6 % sure"); an unsure one, greyed with a
question mark ("7?", "Not sure: 64 %"); and "Not a digit" when the network
rejects the drawing (``Prediction.not_a_digit``): the nearest digit faint
underneath, the bars faded and stamped as not trusted.

In number mode (:meth:`PredictionPanel.set_number_mode`) the large answer is
the whole number ("2026", or "Not a number" when a part is not a digit), and
the full bars and the 28x28 view show the digit selected (each digit's own
small bars are under the canvas, :class:`~mnist_desk.ui.digit_strip.DigitStrip`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from mnist_desk.inference import Prediction
from mnist_desk.side_by_side import NOTHING, SideBySide, suggests_number_mode
from mnist_desk.ui.caption import Caption
from mnist_desk.ui.example_likeness import ExampleLikeness
from mnist_desk.ui.fitted_label import FittedLabel
from mnist_desk.ui.image_tiles import grey_to_qimage
from mnist_desk.ui.marked_view import MarkedPixelView
from mnist_desk.ui.number_reading import NumberResult
from mnist_desk.ui.probability_bars import CONFIDENT, ProbabilityBars, percent

# The middle column's captions never get narrower than this.
CAPTION_WIDTH = 200
ANSWER_POINTS = 40  # the digit, readable across a classroom
REJECT_POINTS = 24  # "Not a digit": a sentence, smaller so it fits the column in any language


class PredictionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictionPanel")
        self.prediction_label = FittedLabel("predictionLabel")
        self.prediction_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._answer_font = QFont(self.font())
        self._answer_font.setPointSize(ANSWER_POINTS)
        self._answer_font.setBold(True)
        self._reject_font = QFont(self._answer_font)
        self._reject_font.setPointSize(REJECT_POINTS)
        self.prediction_label.setFont(self._answer_font)
        self.prediction_label.setMinimumHeight(72)
        self.confidence_label = Caption("confidenceLabel", CAPTION_WIDTH, lines=2)
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.probability_bars = ProbabilityBars()
        # The bars are how the user corrects the network: said where they are, not only in a tooltip.
        self.teach_hint = Caption("teachHint", CAPTION_WIDTH, balanced=True)
        self.teach_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.teach_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a hint, quieter than the answer
        self.likeness = ExampleLikeness(CAPTION_WIDTH)  # "most like your example of 9", once adapted
        self.input_caption = Caption("inputCaption", CAPTION_WIDTH, lines=2)
        self.input_view = MarkedPixelView("inputView", grid=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prediction_label)
        layout.addWidget(self.confidence_label)
        layout.addWidget(self.probability_bars, 2)
        layout.addWidget(self.teach_hint)
        layout.addWidget(self.likeness)
        layout.addWidget(self.input_caption)
        layout.addWidget(self.input_view, 2)
        self._prediction: Prediction | None = None
        self._why = ""  # why nothing is read, when nothing is (kept for a change of language): see show_prediction
        self._number_mode = False
        self._number: NumberResult | None = None
        self._apart = NOTHING  # digit-sized groups of strokes side by side (mnist_desk.side_by_side)
        self.retranslate()
        self.show_prediction(None)

    def retranslate(self) -> None:
        self.input_view.setToolTip(
            self.tr(
                "The 28×28 image the network reads: your drawing cropped, scaled so its longer side is 20 pixels, and "
                "centred by its centre of mass, as MNIST was made"
            )
        )
        if self._number_mode:
            self.show_number(self._number, why=self._why)
        else:
            self.show_prediction(self._prediction, why=self._why)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fade_disabled_text(self) -> None:
        """The nearest digit under "Not a digit" is disabled text: faint, but halfway between
        text and background (the styles' own disabled grey nearly vanishes on a projector)."""
        palette = self.confidence_label.palette()
        text, window = self.palette().windowText().color(), self.palette().window().color()
        halfway = QColor(
            (text.red() + window.red()) // 2, (text.green() + window.green()) // 2, (text.blue() + window.blue()) // 2
        )
        if palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText) != halfway:
            palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, halfway)
            self.confidence_label.setPalette(palette)

    def set_side_by_side(self, apart: SideBySide) -> None:
        """The digit-sized groups the strokes stand apart as (:func:`mnist_desk.side_by_side.side_by_side`):
        with two or more, the hint's row may suggest number mode."""
        if apart != self._apart:
            self._apart = apart
            self._show_hint()

    def suggests_number_mode(self) -> bool:
        """Whether the hint's row says "Several digits side by side?": "42" on the square canvas
        read "2? 64.9 %" with no hint why (:func:`mnist_desk.side_by_side.suggests_number_mode`)."""
        prediction = self._prediction
        if self._number_mode or prediction is None:
            return False
        sure = not prediction.not_a_digit and prediction.confidence >= CONFIDENT
        return suggests_number_mode(self._apart, sure)

    def _show_hint(self) -> None:
        teach = self.tr("Wrong? Click the right digit's bar: the network learns your handwriting")
        suggestion = self.tr("Several digits side by side? Number mode (Ctrl+N) reads numbers")
        several = self.suggests_number_mode()
        self.teach_hint.setText(suggestion if several else teach)
        # Once there are examples, their row takes the hint's place (whoever has taught has found the
        # bars) and says the suggestion in the example's place: the row keeps its size, so the 28x28
        # view below never moves (hiding it for the hint, a review saw the view jump 21-31 px).
        self.likeness.set_note(suggestion if several else "")
        self.teach_hint.setVisible(self.likeness.isHidden())

    def prediction(self) -> Prediction | None:
        return self._prediction

    def set_number_mode(self, on: bool) -> None:
        """Show numbers (the whole number, each digit's bars) or single digits, as today."""
        self._number_mode = on
        self._number, self._why = None, ""
        self.prediction_label.setFont(self._answer_font)
        self.retranslate()

    def number(self) -> NumberResult | None:
        return self._number

    def show_number(self, result: NumberResult | None, why: str = "") -> None:
        """Show a number read from the canvas (None or no digits: nothing written, or ``why``
        nothing could be read, as for a single digit)."""
        self._number = result
        digits = [] if result is None else result.digits
        self.show_prediction(None if result is None else result.prediction, why=why, caption=not digits)
        if not digits:
            self.prediction_label.setText("—")
            self.prediction_label.setEnabled(True)
            self.confidence_label.setEnabled(True)
            if not why:
                self.confidence_label.setText(self.tr("Write a number across the canvas"))
                self.input_view.set_image(None, self.tr("Nothing written yet"))
            return
        # With a part that is not a digit (a point, a star) the parts are counted, not digits.
        if any(d.not_a_digit for d in digits):
            caption = self.tr("Part {index} of {count} as the network sees it (28×28):")
        else:
            caption = self.tr("Digit {index} of {count} as the network sees it (28×28):")
        self.input_caption.setText(caption.format(index=result.selected + 1, count=len(digits)))
        self.confidence_label.setEnabled(True)
        if result.text is None:
            self.prediction_label.setFont(self._reject_font)
            self.prediction_label.setText(self.tr("Not a number"))
            self.prediction_label.setEnabled(True)
            if all(d.mark for d in digits if d.not_a_digit):  # "3.14", "1,000": say why, it is a number
                self.confidence_label.setText(
                    self.tr("Only digits are read: the point or comma framed in red is not one")
                )
            else:
                self.confidence_label.setText(self.tr("The part framed in red is not a digit"))
            return
        # The whole number is right only if every digit is: the product of their confidences.
        confidence = float(np.prod([d.probabilities.max() for d in digits]))
        sure = confidence >= CONFIDENT
        self.prediction_label.setFont(self._answer_font)  # shrunk to fit a long number by the label
        self.prediction_label.setText(result.text if sure else f"{result.text}?")
        self.prediction_label.setEnabled(sure)
        # Said of the whole number: the bars below are the selected digit's alone.
        text = self.tr("The whole number: {percent} sure") if sure else self.tr("The whole number: not sure, {percent}")
        self.confidence_label.setText(text.format(percent=percent(confidence)))

    def show_prediction(self, prediction: Prediction | None, why: str = "", caption: bool = True) -> None:
        """Show a result, or None: nothing to classify, and ``why`` (see :data:`UNREADABLE`; "": the
        canvas is blank). ``caption=False`` leaves the 28x28 view's caption to the caller (a number
        names the digit)."""
        self._prediction = prediction
        self._why = why
        self.likeness.show_prediction(prediction)
        self._show_hint()
        if caption:  # set once per result: a caption that changes twice lays the panel out twice
            self.input_caption.setText(self.tr("What the network sees (28×28):"))
        self.probability_bars.set_probabilities(None if prediction is None else prediction.probabilities)
        rejected = prediction is not None and prediction.not_a_digit
        self._fade_disabled_text()
        self.prediction_label.setFont(self._reject_font if rejected else self._answer_font)
        self.confidence_label.setEnabled(not rejected)  # greyed: the nearest digit is no answer
        self.probability_bars.set_distrust(self.tr("Not trusted: the network sees no digit here") if rejected else "")
        if prediction is None:
            self.prediction_label.setText("—")
            self.prediction_label.setEnabled(True)
            if why == "dot":
                self.confidence_label.setText(self.tr("Too small to read: draw the digit bigger"))
                self.input_view.set_image(None, self.tr("Only a dot so far"))
            elif why == "marks":
                self.confidence_label.setText(self.tr("Too many separate marks to read: noise or a grainy photo?"))
                self.input_view.set_image(None, self.tr("Nothing readable"))
            elif why == "no ink":
                self.confidence_label.setText(self.tr("No ink found: the image is all one shade"))
                self.input_view.set_image(None, self.tr("Nothing readable"))
            else:
                self.confidence_label.setText(self.tr("Draw a digit on the canvas"))
                self.input_view.set_image(None, self.tr("Nothing drawn yet"))
            return
        digit, confidence = prediction.digit, prediction.confidence
        self.input_view.set_image(grey_to_qimage(prediction.input))
        if rejected:
            self.prediction_label.setText(self.tr("Not a digit"))
            self.prediction_label.setEnabled(True)
            self.confidence_label.setText(
                # Not "nearest: 4 (92.7 %)": under "Not a digit" a new user read that as a contradiction.
                # The share is the ten digits' only; the condition says so.
                self.tr("if it were a digit: {digit} ({percent})").format(digit=digit, percent=percent(confidence))
            )
            return
        sure = confidence >= CONFIDENT
        self.prediction_label.setText(str(digit) if sure else f"{digit}?")
        self.prediction_label.setEnabled(sure)  # greyed out: the palette's way to say "tentative"
        if sure:
            self.confidence_label.setText(self.tr("{percent} sure").format(percent=percent(confidence)))
        else:
            self.confidence_label.setText(self.tr("Not sure: {percent}").format(percent=percent(confidence)))


__all__ = ["PredictionPanel", "percent"]
