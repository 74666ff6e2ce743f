"""ExampleLikeness: "most like your example of 9", with that example, under the bars.

Shown once the network is adapted to the user's examples
(:attr:`Prediction.nearest_example`, :mod:`mnist_desk.nearest_example`): which
example the drawing looks most like where the final layer reads, and how alike.
When that example's digit is not the answer (and the user has taught examples of
the answer's digit too, else any drawing is nearest another digit), it says so: on the validation
writers the example was right in 21 of 66 such disagreements, the network in 38
(:mod:`mnist_desk.nearest_example`), so either way the drawing is worth a look,
and a wrongly filed example shows itself here.

The row keeps its place while the canvas is cleared and drawn on again; it goes
when a result comes without examples (switched off, forgotten, another model).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from mnist_desk.inference import Prediction
from mnist_desk.nearest_example import NearestExample
from mnist_desk.ui.caption import Caption
from mnist_desk.ui.files import shown
from mnist_desk.ui.image_tiles import grey_to_qimage

THUMBNAIL = 40  # px: the example's 28x28, enlarged as the 28x28 view is (pixel-sharp)


class ExampleLikeness(QWidget):
    # "Forget this example": the file of the example shown (one filed under the wrong digit).
    forget_requested = Signal(object)

    def __init__(self, min_width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exampleLikeness")
        self.thumbnail = QLabel(objectName="nearestExampleImage")
        self.thumbnail.setFixedSize(QSize(THUMBNAIL, THUMBNAIL))
        self.thumbnail.setFrameShape(QLabel.Shape.Box)
        self.thumbnail.setForegroundRole(QPalette.ColorRole.Mid)
        # Three lines: the example and its similarity (two in a narrow column), and whether it
        # disagrees with the answer; reserved, so that the views below never move while drawing.
        self.caption = Caption("nearestExampleCaption", min_width - THUMBNAIL - 6, lines=3)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.forget_button = QToolButton(objectName="forgetThisExample")
        self.forget_button.clicked.connect(self._forget)
        example = QVBoxLayout()  # the button under the picture: the caption keeps the column's width
        example.setSpacing(2)
        example.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignHCenter)
        example.addWidget(self.forget_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(example)
        layout.addWidget(self.caption, 1)
        self._nearest: NearestExample | None = None
        self._answer: int | None = None
        self._note = ""  # said in the example's place (see set_note)
        self.setVisible(False)

    def set_note(self, note: str) -> None:
        """Say ``note`` in the example's place ("" to show the example again): for a drawing of
        several digits the example it is most like says nothing. The row keeps its size."""
        if note != self._note:
            self._note = note
            self.retranslate()

    def show_prediction(self, prediction: Prediction | None) -> None:
        """The example nearest to ``prediction`` (None: the canvas is blank, the row stays as it is)."""
        if prediction is None:
            self._nearest, self._answer = None, None
        elif prediction.nearest_example is None:
            self._nearest, self._answer = None, None
            self.setVisible(False)  # no examples in use
            return
        else:
            self._nearest = prediction.nearest_example
            self._answer = None if prediction.not_a_digit else prediction.digit
            self.setVisible(True)
        self.retranslate()

    def nearest(self) -> NearestExample | None:
        return self._nearest

    def _forget(self) -> None:
        if self._nearest is not None and self._nearest.path is not None:
            # Once: the row shows this example until the next result, and a second click had
            # said it was "no longer in the examples folder", hiding the Undo hint (a review).
            self.forget_button.setEnabled(False)
            self.forget_requested.emit(self._nearest.path)

    def retranslate(self) -> None:
        nearest = self._nearest
        self.forget_button.setText(self.tr("Forget"))
        self.forget_button.setToolTip(self.tr("Forget this example (Undo brings it back)"))
        # Kept in the layout when there is nothing to forget: the caption's width must not jump.
        self.forget_button.setEnabled(nearest is not None and nearest.path is not None and not self._note)
        if self._note:
            self.thumbnail.clear()
            self.caption.setText(self._note)
            self.setToolTip("")
            return
        if nearest is None:
            self.thumbnail.clear()
            self.caption.setText("" if self.isHidden() else self.tr("Your examples: draw to see the one most like it"))
            self.setToolTip("")
            return
        pixmap = QPixmap.fromImage(grey_to_qimage(nearest.input))
        self.thumbnail.setPixmap(pixmap.scaled(THUMBNAIL - 2, THUMBNAIL - 2, Qt.AspectRatioMode.KeepAspectRatio))
        similarity = f"{nearest.similarity:.2f}"
        text = self.tr("Most like your example of {digit} (similarity {similarity})").format(
            digit=nearest.digit, similarity=similarity
        )
        if nearest.disagrees(self._answer):
            text += "\n" + self.tr("Not the answer: is it {digit}?").format(digit=nearest.digit)
        self.caption.setText(text)
        tip = self.tr(
            "Of the examples you taught, the one this drawing looks most like to the network: their features (what the "
            "final layer weighs into the ten scores) point most nearly the same way. Similarity is the cosine of the "
            "angle between them: 1 is the same direction."
        )
        if nearest.path is not None:
            tip += "\n" + self.tr("File: {path}").format(path=shown(nearest.path))  # a byte not UTF-8 as U+FFFD
        self.setToolTip(tip)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


__all__ = ["ExampleLikeness"]
