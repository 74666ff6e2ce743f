"""PredictionPanel: the answer in large type, how sure it is, the ten bars, and
the 28x28 image the network read. Shows a :class:`Prediction` (or None for an
empty canvas) in the current language, and again when the language changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mnist_desk.inference import Prediction
from mnist_desk.ui.caption import Caption
from mnist_desk.ui.image_tiles import PixelView, grey_to_qimage
from mnist_desk.ui.probability_bars import CONFIDENT, ProbabilityBars

# The middle column's captions never get narrower than this.
CAPTION_WIDTH = 200


def percent(value: float) -> str:
    """0.996 -> "99.6 %": the same in every language."""
    return f"{value * 100:.1f} %"


class PredictionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictionPanel")
        self.prediction_label = QLabel(objectName="predictionLabel", alignment=Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.font())
        font.setPointSize(40)
        font.setBold(True)
        self.prediction_label.setFont(font)
        self.prediction_label.setMinimumHeight(72)
        self.confidence_label = Caption("confidenceLabel", CAPTION_WIDTH)
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.probability_bars = ProbabilityBars()
        self.input_caption = Caption("inputCaption", CAPTION_WIDTH)
        self.input_view = PixelView("inputView", grid=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prediction_label)
        layout.addWidget(self.confidence_label)
        layout.addWidget(self.probability_bars, 2)
        layout.addWidget(self.input_caption)
        layout.addWidget(self.input_view, 2)
        self._prediction: Prediction | None = None
        self.retranslate()
        self.show_prediction(None)

    def retranslate(self) -> None:
        self.input_caption.setText(self.tr("What the network sees (28×28):"))
        self.input_view.setToolTip(
            self.tr(
                "The 28×28 image the network reads: your drawing cropped, scaled to 20×20 and "
                "centred by its centre of mass, as MNIST was made"
            )
        )
        self.show_prediction(self._prediction)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def prediction(self) -> Prediction | None:
        return self._prediction

    def show_prediction(self, prediction: Prediction | None) -> None:
        """Show a result, or None: nothing to classify."""
        self._prediction = prediction
        self.probability_bars.set_probabilities(None if prediction is None else prediction.probabilities)
        if prediction is None:
            self.prediction_label.setText("—")
            self.prediction_label.setEnabled(True)
            self.confidence_label.setText(self.tr("Draw a digit on the canvas"))
            self.input_view.set_image(None, self.tr("Nothing drawn yet"))
            return
        digit, confidence = prediction.digit, prediction.confidence
        sure = confidence >= CONFIDENT
        self.prediction_label.setText(str(digit) if sure else f"{digit}?")
        self.prediction_label.setEnabled(sure)  # greyed out: the palette's way to say "tentative"
        if sure:
            self.confidence_label.setText(self.tr("{percent} sure").format(percent=percent(confidence)))
        else:
            self.confidence_label.setText(self.tr("Not sure: {percent}").format(percent=percent(confidence)))
        self.input_view.set_image(grey_to_qimage(prediction.input))


__all__ = ["PredictionPanel", "percent"]
