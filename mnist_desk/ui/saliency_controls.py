"""SaliencyControls: "Why this answer?" on or off, which method, and "and not B".

The choices only; the window computes the map on its worker and lays it over
the canvas and the 28x28 view (:mod:`mnist_desk.ui.saliency_overlay`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from mnist_desk.ui.saliency_overlay import legend_colour

# The methods offered, in the order shown (names as mnist_desk.explain.saliency knows them).
METHODS = ("gradcam", "gradient", "input_x_gradient", "occlusion")
# Too slow to run on every mouse move (about 56 ms here, against 2-3 ms for the
# others): computed when the pen is lifted.
AFTER_STROKE = frozenset({"occlusion"})


class SaliencyLegend(QWidget):
    """The overlay's colours from weak to strong evidence, over the window's own colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saliencyLegend")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(64, 16)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        steps = 32
        width = self.width() / steps
        for i in range(steps):
            painter.fillRect(QRectF(i * width, 2, width + 0.5, self.height() - 4), legend_colour((i + 0.5) / steps))
        painter.setPen(self.palette().mid().color())
        painter.drawRect(QRectF(0, 2, self.width() - 1, self.height() - 5))
        painter.end()


class SaliencyControls(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saliencyControls")
        self.toggle = QCheckBox(objectName="saliencyToggle")
        self.method_choice = QComboBox(objectName="saliencyMethod")
        for method in METHODS:
            self.method_choice.addItem("", method)
        self.versus_label = QLabel(objectName="saliencyVersusLabel")
        self.versus_choice = QComboBox(objectName="saliencyVersus")
        self.versus_choice.addItem("—", None)
        for digit in range(10):
            self.versus_choice.addItem(str(digit), digit)
        self.versus_label.setBuddy(self.versus_choice)
        self._answer: int | None = None
        self.legend = SaliencyLegend()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.method_choice)
        layout.addWidget(self.versus_label)
        layout.addWidget(self.versus_choice)
        layout.addWidget(self.legend)
        layout.addStretch(1)
        self.toggle.toggled.connect(self.on_toggle_toggled)
        self.method_choice.currentIndexChanged.connect(self.changed)
        self.method_choice.currentIndexChanged.connect(self._label_legend)
        self.versus_choice.currentIndexChanged.connect(self.changed)
        self.on_toggle_toggled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.toggle.setText(self.tr("Why this answer?"))
        self.toggle.setToolTip(
            self.tr(
                "Colour what the answer rests on, on the canvas and on the 28×28 view (yellow to crimson; "
                "each method measures it its own way)"
            )
        )
        names = {
            "gradcam": self.tr("Grad-CAM"),
            "gradient": self.tr("gradient"),
            "input_x_gradient": self.tr("ink × gradient"),
            "occlusion": self.tr("occlusion"),
        }
        for i, method in enumerate(METHODS):
            self.method_choice.setItemText(i, names[method])
        self.method_choice.setToolTip(
            self.tr(
                "Grad-CAM: where the last conv layer's evidence for the answer lies. Gradient: how strongly "
                "the score reacts to each pixel, ink or paper, up or down (its size, not its sign). "
                "Ink × gradient: the drawn pixels whose ink pushes the score up. Occlusion: how much the "
                "score falls when a 5×5 patch is blanked (slower: computed when the pen is lifted)"
            )
        )
        self.versus_label.setText(self.tr("and not"))
        self._label_answer()
        self.versus_choice.setToolTip(self.tr("Pick a second digit B to see why the network said its answer and not B"))
        self._label_legend()

    def _label_legend(self) -> None:
        # The gradient's map is a sensitivity, of either sign and mostly on blank paper, not
        # evidence: called evidence, it taught the wrong thing (a lecturer's review).
        if self.method() == "gradient":
            self.legend.setToolTip(
                self.tr("The score reacts little (yellow) to much (crimson) to the pixel, up or down")
            )
        else:
            self.legend.setToolTip(self.tr("Weak evidence (yellow) to strong evidence (crimson)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def on_toggle_toggled(self, checked: bool) -> None:
        for widget in (self.method_choice, self.versus_label, self.versus_choice, self.legend):
            widget.setEnabled(checked)
        self.changed.emit()

    # --- the choices -----------------------------------------------------------------

    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def method(self) -> str:
        return self.method_choice.currentData()

    def versus(self) -> int | None:
        """The digit B of "why the answer and not B" (None: none, or B is the answer itself)."""
        digit = self.versus_choice.currentData()
        return None if digit == self._answer else digit

    def after_stroke(self) -> bool:
        """Whether the chosen method waits for the pen to lift (too slow for every mouse move)."""
        return self.method() in AFTER_STROKE

    def set_method(self, method: str) -> None:
        self.method_choice.setCurrentIndex(METHODS.index(method))

    def set_answer(self, digit: int | None) -> None:
        """Mark the answer's entry under "and not": "why 7 and not 7" has nothing to show.

        It cannot be picked; if it was picked before the answer became that digit,
        :meth:`versus` is None (the map explains the answer alone) and the entry says why.
        """
        if digit != self._answer:
            self._answer = digit
            self._label_answer()

    def _label_answer(self) -> None:
        items = self.versus_choice.model()
        for digit in range(10):
            is_answer = digit == self._answer
            text = self.tr("%1 (the answer)").replace("%1", str(digit)) if is_answer else str(digit)
            self.versus_choice.setItemText(digit + 1, text)
            items.item(digit + 1).setEnabled(not is_answer)

    def set_versus(self, digit: int | None) -> None:
        self.versus_choice.setCurrentIndex(0 if digit is None else digit + 1)


__all__ = ["AFTER_STROKE", "METHODS", "SaliencyControls", "SaliencyLegend"]
