"""MainWindow: wires the canvas, the worker and the views together. No logic of its own
beyond that wiring; each widget lives in its own module."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QIcon, QImage, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSlider,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mnist_desk import __version__
from mnist_desk.checkpoint import CheckpointError
from mnist_desk.inference import Prediction, Predictor
from mnist_desk.preprocess import ImageError, load_image
from mnist_desk.resources import resource_path
from mnist_desk.ui.canvas import MAX_BRUSH, MIN_BRUSH, DrawingCanvas
from mnist_desk.ui.feature_maps import FeatureMapViewer
from mnist_desk.ui.image_tiles import PixelView, grey_to_qimage
from mnist_desk.ui.probability_bars import CONFIDENT, ProbabilityBars
from mnist_desk.ui.shortcuts import SHORTCUTS_HTML
from mnist_desk.ui.worker import InferenceWorker

# The canvas is handed to the network at 280x280, the size of canvas our
# drawn-digit figures are measured on (the paper itself is 560 px for smooth strokes).
INFERENCE_SIDE = 280
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


class MainWindow(QMainWindow):
    # Emitted after the views show a new result (tests and the latency benchmark wait on it).
    prediction_shown = Signal(int)

    def __init__(self, predictor: Predictor | None = None) -> None:
        super().__init__()
        self.setWindowTitle("mnist-desk")
        self.setAcceptDrops(True)
        with contextlib.suppress(FileNotFoundError):  # a missing icon is cosmetic
            self.setWindowIcon(QIcon(str(resource_path("icon.png"))))
        self.predictor = predictor or Predictor()
        self.worker = InferenceWorker(self.predictor)
        self.worker.prediction_ready.connect(self.on_worker_prediction_ready)
        self.worker.error_occurred.connect(self.on_worker_error)
        self._latest_request = 0
        self.shown_request = 0  # the request whose result the views show now
        # Results for requests older than this are never shown: set when the canvas
        # is cleared or the model changes, where an old answer would be wrong, not
        # merely a few milliseconds behind.
        self._oldest_showable = 0
        self._submitted_at: dict[int, float] = {}
        self.last_prediction: Prediction | None = None
        self._build_widgets()
        self._build_menus()
        self._apply_model()
        self.resize(QSize(1280, 760))
        self._update_history_actions()

    # --- construction -----------------------------------------------------------

    def _build_widgets(self) -> None:
        self.canvas = DrawingCanvas()
        self.canvas.image_changed.connect(self.on_canvas_image_changed)
        self.canvas.history_changed.connect(self._update_history_actions)

        self.brush_slider = QSlider(Qt.Orientation.Horizontal, objectName="brushSlider")
        self.brush_slider.setRange(MIN_BRUSH, MAX_BRUSH)
        self.brush_slider.setValue(int(self.canvas.brush_size))
        self.brush_slider.valueChanged.connect(lambda v: self.canvas.set_brush_size(v))
        self.brush_slider.setToolTip("Brush size ([ and ])")
        self.eraser_button = QToolButton(objectName="eraserButton", text="Eraser", checkable=True)
        self.eraser_button.toggled.connect(self.on_eraser_toggled)
        self.undo_button = QToolButton(objectName="undoButton", text="Undo")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.redo_button = QToolButton(objectName="redoButton", text="Redo")
        self.redo_button.clicked.connect(self.canvas.redo)
        self.clear_button = QPushButton("Clear", objectName="clearButton")
        self.clear_button.clicked.connect(self.canvas.clear)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("Brush"))
        tools.addWidget(self.brush_slider, 1)
        for button in (self.eraser_button, self.undo_button, self.redo_button, self.clear_button):
            tools.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)

        self.prediction_label = QLabel(objectName="predictionLabel", alignment=Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.font())
        font.setPointSize(40)
        font.setBold(True)
        self.prediction_label.setFont(font)
        self.prediction_label.setMinimumHeight(72)
        self.confidence_label = QLabel(objectName="confidenceLabel", alignment=Qt.AlignmentFlag.AlignCenter)
        self.probability_bars = ProbabilityBars()
        self.input_view = PixelView("inputView", grid=True)
        self.input_view.setToolTip(
            "The 28×28 image the network reads: your drawing cropped, scaled to 20×20 and centred by mass, as MNIST was made"
        )
        middle = QVBoxLayout()
        middle.addWidget(self.prediction_label)
        middle.addWidget(self.confidence_label)
        middle.addWidget(self.probability_bars, 2)
        middle.addWidget(QLabel("What the network sees (28×28):"))
        middle.addWidget(self.input_view, 2)

        self.feature_maps = FeatureMapViewer()
        maps_box = QGroupBox("Inside the network: feature maps and kernels")
        QVBoxLayout(maps_box).addWidget(self.feature_maps)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for layout, stretch in ((left, 4), (middle, 3)):
            holder = QWidget()
            holder.setLayout(layout)
            splitter.addWidget(holder)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.addWidget(maps_box)
        splitter.setStretchFactor(2, 6)
        splitter.setSizes([470, 300, 510])  # a square canvas at the default size
        self.setCentralWidget(splitter)

        self.model_status = QLabel(objectName="modelStatus")
        self.device_status = QLabel(objectName="deviceStatus")
        self.latency_status = QLabel(objectName="latencyStatus")
        for widget in (self.model_status, self.device_status):
            self.statusBar().addPermanentWidget(widget)
        self.statusBar().addPermanentWidget(self.latency_status)

    def _action(self, text: str, slot, shortcuts=(), name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name or text)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even where the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(
            self._action("&Open image…", self.on_open_image_triggered, [QKeySequence.StandardKey.Open], "openImage")
        )
        file_menu.addAction(self._action("Open &model…", self.on_open_model_triggered, ["Ctrl+M"], "openModel"))
        file_menu.addAction(
            self._action(
                "&Save drawing as PNG…", self.on_save_triggered, [QKeySequence.StandardKey.Save], "saveDrawing"
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, [QKeySequence.StandardKey.Quit], "quit"))
        edit = menu.addMenu("&Edit")
        self.undo_action = self._action("&Undo stroke", self.canvas.undo, ["Ctrl+Z"], "undo")
        self.redo_action = self._action("&Redo stroke", self.canvas.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], "redo")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addAction(self._action("&Clear canvas", self.canvas.clear, ["Delete", "Escape"], "clear"))
        edit.addSeparator()
        edit.addAction(self._action("Smaller brush", lambda: self._step_brush(-4), ["["], "smallerBrush"))
        edit.addAction(self._action("Larger brush", lambda: self._step_brush(4), ["]"], "largerBrush"))
        edit.addAction(self._action("Toggle eraser", self.eraser_button.toggle, ["E"], "toggleEraser"))
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(
            self._action(
                "&Keyboard shortcuts", self.on_shortcuts_triggered, [QKeySequence.StandardKey.HelpContents], "shortcuts"
            )
        )
        help_menu.addAction(self._action("&About mnist-desk", self.on_about_triggered, [], "about"))

    # --- model ------------------------------------------------------------------

    def _apply_model(self) -> None:
        """Point every view at the current predictor's architecture."""
        p = self.predictor
        self.feature_maps.set_architecture(p.feature_stages, lambda stage: p.kernels(stage))
        self.model_status.setText(f"Model: {p.describe()}")
        self.device_status.setText(f"Device: {p.device_name}")
        self._request_inference(fresh_start=True)

    def load_model(self, path: Path) -> bool:
        """Switch to another checkpoint; on failure say why and keep the current one."""
        try:
            predictor = Predictor(path)
        except (CheckpointError, OSError) as exc:
            self.show_error("Could not open the model", str(exc))
            return False
        self.predictor = predictor
        self.worker.set_predictor(predictor)
        self._apply_model()
        self.statusBar().showMessage(f"Loaded {path.name}", 5000)
        return True

    def open_image(self, path: Path) -> bool:
        """Put an image file on the canvas (it is classified like a drawing)."""
        try:
            load_image(path)  # validates with Pillow: a clear message for any bad file
        except ImageError as exc:
            self.show_error("Could not open the image", str(exc))
            return False
        image = QImage(str(path))
        if image.isNull():
            self.show_error("Could not open the image", f"{path}: Qt cannot decode this image format")
            return False
        self.canvas.load_image(image)
        self.statusBar().showMessage(f"Opened {path.name}", 5000)
        return True

    def show_error(self, title: str, message: str) -> None:
        self.statusBar().showMessage(f"{title}: {message}", 10000)
        QMessageBox.warning(self, title, message)

    # --- live inference ------------------------------------------------------------

    @property
    def latest_request(self) -> int:
        """The sequence number of the newest canvas state sent to the worker."""
        return self._latest_request

    def on_canvas_image_changed(self) -> None:
        self._request_inference(fresh_start=self.canvas.is_blank())

    def _request_inference(self, fresh_start: bool) -> None:
        # A blank canvas goes through the worker too (as None), in order with the
        # drawings, and makes a fresh start: a result still in flight for the last
        # stroke cannot land after "clear".
        image = None if self.canvas.is_blank() else self.canvas.to_array(INFERENCE_SIDE)
        self._latest_request = self.worker.submit(image)
        self._submitted_at[self._latest_request] = time.perf_counter()
        if fresh_start:
            self._oldest_showable = self._latest_request

    def on_worker_prediction_ready(self, sequence: int, prediction: Prediction | None) -> None:
        submitted = self._submitted_at.pop(sequence, None)
        for stale in [s for s in self._submitted_at if s < sequence]:
            del self._submitted_at[stale]
        if sequence <= self.shown_request or sequence < self._oldest_showable:
            return
        # A result one mouse move behind the newest is still shown: while drawing
        # continuously the worker is always a move behind, and waiting for an exact
        # match would freeze the bars until the hand stops.
        self.shown_request = sequence
        self.last_prediction = prediction
        self.probability_bars.set_probabilities(None if prediction is None else prediction.probabilities)
        self.feature_maps.set_prediction(prediction)
        if prediction is None:
            self.prediction_label.setText("—")
            self.confidence_label.setText("Draw a digit on the canvas")
            self.input_view.set_image(None, "Nothing drawn yet")
            self.latency_status.setText("Inference: none (empty canvas)")
        else:
            digit, confidence = prediction.digit, prediction.confidence
            sure = confidence >= CONFIDENT
            self.prediction_label.setText(str(digit) if sure else f"{digit}?")
            self.prediction_label.setEnabled(sure)  # greyed out: the palette's way to say "tentative"
            self.confidence_label.setText(
                f"{confidence * 100:.1f} % sure" if sure else f"Not sure: {confidence * 100:.1f} %"
            )
            self.input_view.set_image(grey_to_qimage(prediction.input))
            if submitted is not None:
                total_ms = (time.perf_counter() - submitted) * 1000
                self.latency_status.setText(
                    f"Inference: {prediction.seconds * 1000:.1f} ms (shown after {total_ms:.0f} ms)"
                )
        self.prediction_shown.emit(sequence)

    def on_worker_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    # --- slots for menus and tools -------------------------------------------------

    def on_eraser_toggled(self, checked: bool) -> None:
        self.canvas.eraser = checked

    def _step_brush(self, delta: int) -> None:
        self.brush_slider.setValue(self.brush_slider.value() + delta)

    def _update_history_actions(self) -> None:
        for widget in (self.undo_action, self.undo_button):
            widget.setEnabled(self.canvas.can_undo())
        for widget in (self.redo_action, self.redo_button):
            widget.setEnabled(self.canvas.can_redo())

    def on_open_image_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an image of a digit", "", IMAGE_FILTER)
        if path:
            self.open_image(Path(path))

    def on_open_model_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a model checkpoint", "", "Checkpoints (*.pt *.pth);;All files (*)"
        )
        if path:
            self.load_model(Path(path))

    def on_save_triggered(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the drawing", "digit.png", "PNG image (*.png)")
        if path:
            self.save_drawing(Path(path))

    def save_drawing(self, path: Path) -> bool:
        if not self.canvas.image().save(str(path), "PNG"):
            self.show_error("Could not save the drawing", f"{path}: the file could not be written")
            return False
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def on_shortcuts_triggered(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS_HTML)

    def on_about_triggered(self) -> None:
        meta = self.predictor.meta
        QMessageBox.about(
            self,
            "About mnist-desk",
            f"<h3>mnist-desk {__version__}</h3><p>Draw a digit and watch a convolutional network read it.</p>"
            f"<p>Model: {self.predictor.describe()}<br>Checkpoint: {self.predictor.path.name}<br>"
            f"Trained {meta.get('epochs', '?')} epochs on {meta.get('device', '?')} in {meta.get('seconds', '?')} s</p>",
        )

    # --- drag and drop, closing ------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            path = Path(urls[0].toLocalFile())
            if path.suffix.lower() in (".pt", ".pth"):
                self.load_model(path)
            else:
                self.open_image(path)
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.worker.stop()
        super().closeEvent(event)
