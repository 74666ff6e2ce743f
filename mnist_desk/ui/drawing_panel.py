"""DrawingPanel: the canvas and its tools (brush size, eraser, undo, redo, clear,
number mode), and under them the "Why this answer?" choices for the overlay on
the canvas. In number mode each digit's small bars are right under the wide
canvas, one cell under each digit (:class:`DigitStrip`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QToolButton, QVBoxLayout, QWidget

from mnist_desk.ui.canvas import MAX_BRUSH, MIN_BRUSH, DrawingCanvas
from mnist_desk.ui.digit_strip import DigitStrip
from mnist_desk.ui.saliency_controls import SaliencyControls

# The slider never shrinks below this: at the window's minimum size it must
# still be a slider one can aim at, not a stub.
MIN_SLIDER_WIDTH = 90


class DrawingPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawingPanel")
        self.canvas = DrawingCanvas()
        self.canvas.history_changed.connect(self.on_canvas_history_changed)

        self.brush_label = QLabel(objectName="brushLabel")
        self.brush_slider = QSlider(Qt.Orientation.Horizontal, objectName="brushSlider")
        self.brush_slider.setRange(MIN_BRUSH, MAX_BRUSH)
        self.brush_slider.setValue(int(self.canvas.brush_size))
        self.brush_slider.setMinimumWidth(MIN_SLIDER_WIDTH)
        self.brush_slider.valueChanged.connect(self.on_brush_slider_value_changed)
        self.brush_label.setBuddy(self.brush_slider)
        self.eraser_button = QToolButton(objectName="eraserButton", checkable=True)
        self.eraser_button.toggled.connect(self.on_eraser_button_toggled)
        self.undo_button = QToolButton(objectName="undoButton")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.redo_button = QToolButton(objectName="redoButton")
        self.redo_button.clicked.connect(self.canvas.redo)
        self.clear_button = QPushButton(objectName="clearButton")
        self.clear_button.clicked.connect(self.canvas.clear)
        # Checked: a wide canvas read as a number (the window wires it to View -> Number mode).
        self.number_button = QToolButton(objectName="numberButton", checkable=True)

        tools = QHBoxLayout()
        tools.addWidget(self.brush_label)
        tools.addWidget(self.brush_slider, 1)
        for button in (self.eraser_button, self.undo_button, self.redo_button, self.clear_button, self.number_button):
            tools.addWidget(button)
        self.saliency = SaliencyControls()
        self.digit_strip = DigitStrip()
        self.digit_strip.setVisible(False)
        self.digit_strip.paper_to_x = self._paper_to_strip_x
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.digit_strip)
        layout.addLayout(tools)
        layout.addWidget(self.saliency)
        # The wide paper (number mode) takes only the height its width gives it: the room left
        # goes to the strip's bars, up to their tallest, and the rest is here.
        layout.addStretch(0)
        self._layout = layout
        self.retranslate()
        self.on_canvas_history_changed()

    def retranslate(self) -> None:
        self.brush_label.setText(self.tr("Brush"))
        self.brush_slider.setToolTip(self.tr("Brush size ([ and ])"))
        self.eraser_button.setText(self.tr("Eraser"))
        self.eraser_button.setToolTip(self.tr("Erase instead of drawing (E)"))
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Undo the last step (Ctrl+Z)"))
        self.redo_button.setText(self.tr("Redo"))
        self.redo_button.setToolTip(self.tr("Redo (Ctrl+Shift+Z)"))
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Clear the canvas (Delete); undo brings it back"))
        self.number_button.setText(self.tr("Number"))
        self.number_button.setToolTip(self.tr("Write a number of several digits on a wide canvas (Ctrl+N)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_wide(self, wide: bool) -> None:
        """The wide paper (number mode) with the tools right under it, or the square one filling the panel."""
        self.canvas.set_wide(wide)
        self.digit_strip.set_digits([], None)
        self.digit_strip.setVisible(wide)
        self._layout.setStretch(0, 0 if wide else 1)  # the canvas
        # The strip's bars take the room first, up to their tallest; the stretch after the tools takes the rest.
        self._layout.setStretch(1, 1 if wide else 0)

    def _paper_to_strip_x(self, x: float) -> float:
        """A paper x (paper pixels) -> the strip's x: under the same point of the canvas."""
        paper = self.canvas.paper_rect()
        widget_x = self.canvas.x() + paper.x() + x * paper.width() / self.canvas.paper_size()[0]
        return widget_x - self.digit_strip.x()

    def step_brush(self, delta: int) -> None:
        self.brush_slider.setValue(self.brush_slider.value() + delta)

    def on_brush_slider_value_changed(self, value: int) -> None:
        self.canvas.set_brush_size(value)

    def on_eraser_button_toggled(self, checked: bool) -> None:
        self.canvas.eraser = checked

    def on_canvas_history_changed(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo())
        self.redo_button.setEnabled(self.canvas.can_redo())


__all__ = ["DrawingPanel"]
