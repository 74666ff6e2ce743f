"""ArithmeticView: how one unit got its value, and the kernel sliding across its input.

Top: the unit in words. Middle: the *slide*, the source map (the 28x28 input
for conv1) with the kernel's window on it, padding drawn as a hatched ring,
and the output map filling in as the window moves (CNN Explainer's
animation). Play moves the window one position per tick at an adjustable
pace; Step moves it once; clicking an output cell jumps there. Bottom: the
numbers of the current position (:class:`ArithmeticDiagram`).

The view never computes: every position it moves to is announced with
:attr:`ArithmeticView.unit_requested` (stage, channel, y, x); the window runs
:func:`mnist_desk.explain.unit_arithmetic` on its worker and hands the result
back to :meth:`ArithmeticView.set_arithmetic`. The maps come from the
``Prediction`` already on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from mnist_desk.explain_arithmetic import SoftmaxArithmetic, UnitArithmetic
from mnist_desk.explain_fields import INPUT, SOFTMAX
from mnist_desk.inference import Prediction
from mnist_desk.layer_info import StageInfo
from mnist_desk.ui.arithmetic_diagram import ArithmeticDiagram
from mnist_desk.ui.arithmetic_slide import SlideView, source_map
from mnist_desk.ui.stage_captions import window_caption

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)  # window positions per second on the slider
DEFAULT_SPEED = 2  # index into SPEEDS: 2 per second, slow enough to follow aloud
TITLE_WIDTH = 160  # the title never wraps to a narrower column than this


class WrappingTitle(QLabel):
    """A word-wrapped heading that asks for the height its words need at the width it has.

    Not height-for-width (a label's would make the window's scroll area size the view by
    its preferred height, not its minimum: see Caption), and not a Caption: a Caption keeps
    the height of its narrowest width, three lines where one would do at the default size.
    """

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        width = max(self.width(), TITLE_WIDTH)
        return QSize(TITLE_WIDTH, self.heightForWidth(width) if self.text() else 0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return False

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        if text != self.text():
            super().setText(text)
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # narrower, more lines: more height (wider, fewer)


class ArithmeticView(QWidget):
    """The unit's arithmetic with a play control that slides the kernel across the input."""

    unit_requested = Signal(str, int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arithmeticView")
        self._stages: list[StageInfo] = []
        self._prediction: Prediction | None = None
        self._unit: tuple[str, int, int, int] | None = None
        self._revealed = 0

        self.title = WrappingTitle("arithmeticTitle")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(max(title_font.pointSizeF() * 1.1, 11.0))  # one line in a wide panel
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.slide = SlideView()
        self.slide.cell_clicked.connect(self.on_slide_cell_clicked)
        self.diagram = ArithmeticDiagram()
        self.play_button = QPushButton(objectName="playButton", checkable=True)
        self.play_button.toggled.connect(self.on_play_button_toggled)
        self.step_button = QPushButton(objectName="stepButton")
        self.step_button.clicked.connect(self.step)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal, objectName="speedSlider")
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(DEFAULT_SPEED)
        self.speed_slider.valueChanged.connect(self.on_speed_slider_changed)
        self.speed_label = QLabel(objectName="speedLabel")
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.step)

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.step_button)
        controls.addWidget(self.speed_slider, 1)
        controls.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        # The numbers get the larger share: the slide reads at a smaller size than they do.
        layout.addWidget(self.slide, 3)
        layout.addLayout(controls)
        layout.addWidget(self.diagram, 8)
        self.on_speed_slider_changed(DEFAULT_SPEED)
        self.retranslate()

    # --- model ----------------------------------------------------------------

    def set_architecture(self, stages: list[StageInfo]) -> None:
        """A new model: its stages; the unit shown and the numbers are dropped."""
        self.pause()
        self._stages = list(stages)
        self._unit = None
        self.diagram.set_result(None)
        self._refresh_slide()
        self.retranslate()

    def set_prediction(self, prediction: Prediction | None) -> None:
        """A new drawing: the maps under the slide, and the same unit asked for again."""
        self._prediction = prediction
        self._refresh_slide()
        self._refresh_title()
        if prediction is None:
            self.pause()
            self.diagram.set_result(None)
        elif self._unit is not None and not self.timer.isActive():
            self.unit_requested.emit(*self._unit)

    def select_unit(self, stage: str, channel: int = 0, y: int = 0, x: int = 0) -> None:
        """Show this unit: its whole output map revealed, and its numbers requested."""
        self._unit = (stage, channel, y, x)
        self._revealed = self._unit_count()
        self._refresh_slide()
        self.retranslate()
        self.unit_requested.emit(stage, channel, y, x)

    def set_arithmetic(self, result: UnitArithmetic | SoftmaxArithmetic | None) -> None:
        """The numbers for the unit shown (from ``unit_arithmetic`` on the worker)."""
        if isinstance(result, UnitArithmetic) and self._unit is not None:
            stage, channel, y, x = self._unit
            if (result.stage, result.channel, result.y, result.x) != (stage, channel, y, x):
                return  # an answer for a position the slide has already left
        self.diagram.set_result(result)
        self.retranslate()

    def unit(self) -> tuple[str, int, int, int] | None:
        return self._unit

    def prediction(self) -> Prediction | None:
        """The result whose numbers are shown."""
        return self._prediction

    def revealed(self) -> int:
        return self._revealed

    # --- play -------------------------------------------------------------------

    def speed(self) -> float:
        """Window positions per second."""
        return SPEEDS[self.speed_slider.value()]

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def play(self) -> None:
        """Slide the window from where it is, or from the top-left over an empty map
        when the map is complete (after a click, or at the end)."""
        if not self._can_slide():
            self.pause()
            return
        if self._revealed >= self._unit_count():
            stage, channel, _, _ = self._unit
            self._unit, self._revealed = (stage, channel, 0, 0), 0
            self.step()
        self.timer.start()
        self.play_button.setChecked(True)
        self.retranslate()

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setChecked(False)
        self.play_button.setText(self.tr("Play"))

    def step(self) -> None:
        """Move the window one position on, row by row.

        While filling (after Play) the output map shows the units up to the
        window; after a click it stays complete and only the window moves.
        """
        if not self._can_slide():
            self.pause()
            return
        stage, channel, y, x = self._unit
        count = self._unit_count()
        w = self._info().output_shape[2]
        index = y * w + x
        if self._revealed == 0:
            index = 0
        elif index + 1 >= count:
            self.pause()
            return
        else:
            index += 1
        filling = self._revealed < count
        self._unit = (stage, channel, *divmod(index, w))
        self._revealed = index + 1 if filling else count
        if index + 1 >= count:
            self.pause()
        self._refresh_slide()
        self.retranslate()
        self.unit_requested.emit(*self._unit)

    def on_play_button_toggled(self, checked: bool) -> None:
        if checked and not self.timer.isActive():
            self.play()
        elif not checked:
            self.timer.stop()

    def on_speed_slider_changed(self, index: int) -> None:
        self.timer.setInterval(round(1000 / SPEEDS[index]))
        self.speed_label.setText(self.tr("{speed} steps/s").format(speed=f"{SPEEDS[index]:g}"))

    def on_slide_cell_clicked(self, y: int, x: int) -> None:
        if self._unit is not None:
            self.pause()
            self.select_unit(self._unit[0], self._unit[1], y, x)

    # --- helpers --------------------------------------------------------------------

    def _info(self) -> StageInfo | None:
        if self._unit is None:
            return None
        return next((s for s in self._stages if s.name == self._unit[0]), None)

    def _unit_count(self) -> int:
        info = self._info()
        return info.output_shape[1] * info.output_shape[2] if info is not None and info.is_map else 1

    def _can_slide(self) -> bool:
        info = self._info()
        return info is not None and info.is_map and info.kernel is not None and self._prediction is not None

    def _refresh_slide(self) -> None:
        info = self._info()
        slides = self._can_slide() and self._unit[0] in self._prediction.activations
        for widget in (self.slide, self.play_button, self.step_button, self.speed_slider, self.speed_label):
            widget.setVisible(bool(slides))
        if not slides:
            self.slide.set_maps(None, None, None, False)
            return
        stage, channel, y, x = self._unit
        source = source_map(self._prediction, self._stages, stage, channel)
        maps = self._prediction.activations[stage]
        self.slide.set_maps(
            info if source is not None else None, source, maps[channel], info.input_shape[0] == 1,
            self.slide_captions(), (float(maps.min()), float(maps.max())),
        )  # fmt: skip
        self.slide.set_position(y, x, self._revealed)

    def retranslate(self) -> None:
        self.play_button.setText(self.tr("Pause") if self.timer.isActive() else self.tr("Play"))
        self.play_button.setToolTip(self.tr("Slide the kernel across the input, one position per step"))
        self.step_button.setText(self.tr("Step"))
        self.speed_slider.setToolTip(self.tr("How fast the kernel moves"))
        self.on_speed_slider_changed(self.speed_slider.value())
        if not self.slide.isHidden():  # hidden: new captions come with the next maps
            self.slide.set_captions(self.slide_captions())
        self._refresh_title()

    def _refresh_title(self) -> None:
        """The unit in words, while there is a unit and a drawing to show it for: with neither,
        the diagram's placeholder says what to do, and a heading left from before was stale."""
        self.title.setText(self.title_text())
        self.title.setHidden(self._unit is None or self._prediction is None)

    def slide_captions(self) -> tuple[str, str]:
        """What the slide's two maps are, from the stage description."""
        info = self._info()
        if info is None or self._unit is None:
            return ("", "")
        stage, channel, _, _ = self._unit
        source = self._source_name()
        size_in = "×".join(map(str, info.input_shape[1:]))
        size_out = "×".join(map(str, info.output_shape[1:]))
        if source == INPUT:
            left = self.tr("the input image, {size}").format(size=size_in)
        elif info.kind in ("pool", "global_pool"):
            left = self.tr("{source}, channel {channel}, {size}").format(source=source, channel=channel, size=size_in)
        else:
            left = self.tr("{source}: mean of its {count} channels, {size}").format(
                source=source, count=info.input_shape[0], size=size_in
            )
        right = self.tr("{stage}, channel {channel}, {size}").format(stage=stage, channel=channel, size=size_out)
        return (left, right)

    def _source_name(self) -> str:
        """The nearest stage before the unit's whose maps the prediction holds (dropout passes through)."""
        names = [s.name for s in self._stages]
        index = names.index(self._unit[0])
        for earlier in reversed(self._stages[:index]):
            if self._prediction is not None and earlier.name in self._prediction.activations:
                return earlier.name
        return INPUT

    def title_text(self) -> str:
        if self._unit is None:
            return self.tr("How a value is computed")
        stage, channel, y, x = self._unit
        if stage == SOFTMAX:
            return self.tr(
                "softmax: from the last layer's outputs, divided by the temperature T, to the ten probabilities"
            )
        info = self._info()
        if info is None:
            return stage
        if info.is_map:
            text = self.tr("{stage}, channel {channel}, row {y}, column {x}").format(
                stage=stage, channel=channel, y=y, x=x
            )
        elif info.kind == "fc":  # a fully connected layer's units are its neurons (神经元)
            text = self.tr("{stage}, neuron {channel}").format(stage=stage, channel=channel)
        else:  # flatten, dropout: one value of a vector
            text = self.tr("{stage}, element {channel}").format(stage=stage, channel=channel)
        window = window_caption(info)
        return f"{text} · {window}" if window else text

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def painted_texts(self) -> list[str]:
        """Words painted by the diagram (tests check they are translated)."""
        return self.diagram.painted_texts()


__all__ = ["SPEEDS", "ArithmeticView", "SlideView", "source_map"]
