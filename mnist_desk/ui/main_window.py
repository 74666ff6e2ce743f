"""MainWindow: wires the canvas, the worker and the views together. No logic of its own
beyond that wiring; each widget, dialog and helper lives in its own module."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from pathlib import Path

from PySide6.QtCore import QBuffer, QEvent, QIODevice, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from mnist_desk.checkpoint import CheckpointError
from mnist_desk.inference import Prediction, Predictor
from mnist_desk.preprocess import load_image
from mnist_desk.resources import resource_path
from mnist_desk.safe_write import replace_whole
from mnist_desk.ui import dialogs, language
from mnist_desk.ui.detail_tabs import DetailTabs
from mnist_desk.ui.drawing_panel import DrawingPanel
from mnist_desk.ui.example_settings import examples_root
from mnist_desk.ui.explain_wiring import ExplainWiring
from mnist_desk.ui.files import not_a_file_reason, os_error_reason, path_from_url, shown, with_png_suffix
from mnist_desk.ui.fitted_label import as_wide_as_widest
from mnist_desk.ui.loaded_model import LoadedModel, describe_model, load_model_file
from mnist_desk.ui.network_overview import NetworkOverview
from mnist_desk.ui.number_mode import NumberMode
from mnist_desk.ui.opened_image import OpenedImage, fit_to_paper
from mnist_desk.ui.prediction_panel import PredictionPanel
from mnist_desk.ui.status_bar import ElidingStatusBar
from mnist_desk.ui.teaching import Teaching
from mnist_desk.ui.window_menus import WindowMenus
from mnist_desk.ui.window_size import DEFAULT_SIZE, least_size, scrolling, start_size
from mnist_desk.ui.worker import InferenceWorker
from mnist_desk.ui.worker_requests import INFERENCE_SIDE, WorkerRequests

IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"


class MainWindow(QMainWindow):
    # Emitted after the views show a new result (tests and the latency benchmark wait on it).
    prediction_shown = Signal(int)
    # Emitted when opening an image or a model file has finished: True if it worked.
    image_load_finished = Signal(bool)
    model_load_finished = Signal(bool)

    def __init__(
        self, predictor: Predictor | None = None, lang: str | None = None, examples: Path | str | None = None
    ) -> None:
        """``examples``: the user's examples folder (default: ``$MNIST_DESK_EXAMPLES``, else the user data folder)."""
        super().__init__()
        # Before any widget exists, so that every text is built in the right language.
        self.language_choice = language.resolve(lang)
        translated = language.install(self.language_choice.language)
        self.setWindowTitle("mnist-desk")
        self.setAcceptDrops(True)
        with contextlib.suppress(FileNotFoundError):  # a missing icon is cosmetic
            self.setWindowIcon(QIcon(str(resource_path("icon.png"))))
        self.setStatusBar(ElidingStatusBar())  # before anything adds to it
        self.model: LoadedModel = describe_model(predictor or Predictor())
        self.worker = InferenceWorker(self.model.predictor)
        self.worker.error_occurred.connect(self.on_worker_error_occurred)
        self._build_widgets()

        def example():  # a correction keeps the drawing on screen (in number mode, the selected digit)
            return None if self.last_prediction is None else self.numbers.example(INFERENCE_SIDE)

        self.teaching = Teaching(self, self.model.predictor, example, examples_root(examples))
        self.teaching.predictor_ready.connect(self.on_teaching_predictor_ready)
        self.probability_bars.digit_clicked.connect(self.teaching.teach)  # "this drawing is a 7"
        self.canvas.digit_key_pressed.connect(self.teaching.teach)
        self.canvas.image_changed.connect(self.teaching.on_canvas_changed)
        slots = {
            "openImage": self.on_open_image_triggered,
            "openModel": self.on_open_model_triggered,
            "saveDrawing": self.on_save_drawing_triggered,
            "quit": self.close,
            "undo": self.canvas.undo,
            "redo": self.canvas.redo,
            "clear": self.canvas.clear,
            "smallerBrush": lambda: self.drawing.step_brush(-4),
            "largerBrush": lambda: self.drawing.step_brush(4),
            "toggleEraser": self.eraser_button.toggle,
            "useExamples": lambda: self.teaching.set_enabled(self.menus.actions["useExamples"].isChecked()),
            "forgetLastExample": self.teaching.forget_last,
            "forgetExamples": self.teaching.forget,
            "undoForget": self.teaching.undo_forget,
            "numberMode": lambda: self.numbers.set_on(self.menus.actions["numberMode"].isChecked()),
            "showOverview": lambda: self.overview.setVisible(self.menus.actions["showOverview"].isChecked()),
            "shortcuts": self.on_shortcuts_triggered,
            "about": self.on_about_triggered,
            "language": self.on_language_chosen,
        }
        self.menus = WindowMenus(self, slots)
        # The menu ticks the language in use when --lang or the environment chose it for this run
        # (it showed "System" under `--lang en`); otherwise the saved choice, which may be System.
        overridden = self.language_choice.source in ("argument", "environment")
        self.menus.check_language(self.language_choice.language if overridden else language.saved_choice())
        self.menus.actions["showOverview"].setChecked(True)
        self.menus.actions["useExamples"].setChecked(self.teaching.enabled)
        self.teaching.set_undo_action(self.menus.actions["undoForget"])
        self.teaching.set_forget_last_action(self.menus.actions["forgetLastExample"])
        self.numbers.switches = (self.menus.actions["numberMode"], self.drawing.number_button)
        self.drawing.number_button.toggled.connect(self.numbers.set_on)
        self.undo_action, self.redo_action = self.menus.actions["undo"], self.menus.actions["redo"]
        self.retranslate()
        self._apply_model()
        self.resize(DEFAULT_SIZE)
        self.on_canvas_history_changed()
        self.teaching.start()
        if not translated:
            self.statusBar().showMessage(f"{language.qm_path(self.language_choice.language)} is missing", 10000)

    def fit_to_screen(self) -> None:
        """Take the start size that fits this window's screen (the app calls it before showing)."""
        self.resize(start_size(self.screen().availableGeometry().size()))

    # --- construction -----------------------------------------------------------

    def _build_widgets(self) -> None:
        self.drawing = DrawingPanel()
        self.canvas = self.drawing.canvas
        self.canvas.history_changed.connect(self.on_canvas_history_changed)
        d = self.drawing
        self.brush_slider, self.eraser_button, self.clear_button = d.brush_slider, d.eraser_button, d.clear_button
        self.undo_button, self.redo_button = d.undo_button, d.redo_button

        self.results = PredictionPanel()
        self.prediction_label, self.confidence_label = self.results.prediction_label, self.results.confidence_label
        self.probability_bars, self.input_view = self.results.probability_bars, self.results.input_view

        self.details = DetailTabs()
        self.feature_maps = self.details.feature_maps
        # The whole network across the top, as wide as the window: at the back of a
        # classroom each stage needs the room.
        self.overview = NetworkOverview()
        self.explain = ExplainWiring(
            self.worker, self.canvas, self.input_view, self.overview, self.details, self.drawing.saliency, self
        )
        self.explain.error_occurred.connect(self.on_worker_error_occurred)

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        splitter.setChildrenCollapsible(False)  # a collapsed column would hide a view entirely
        for widget, stretch in ((self.drawing, 4), (self.results, 3), (self.details, 6)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([430, 280, 570])  # a square canvas at the default size
        central = QWidget(objectName="central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.overview)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(scrolling(central))  # reachable on a screen smaller than the views
        self.numbers = NumberMode(self.drawing, self.results, self.explain, splitter, self)
        # Sends the canvas to the worker and shows the answers still current.
        self.requests = WorkerRequests(self.worker, self.canvas, self.numbers, self.results, self.explain, self)
        self.requests.prediction_shown.connect(self._on_requests_prediction_shown)
        self.numbers.reread_requested.connect(lambda: self.requests.request_inference(fresh_start=False))
        self.numbers.switched.connect(lambda: self.requests.request_inference(fresh_start=True))

        self.model_status = QLabel(objectName="modelStatus")
        self.device_status = QLabel(objectName="deviceStatus")
        self.latency_status = QLabel(objectName="latencyStatus")
        for widget in (self.model_status, self.device_status, self.latency_status):
            self.statusBar().addPermanentWidget(widget)

    def retranslate(self) -> None:
        """Set every text the window owns in the current language (the widgets do their own)."""
        self.menus.retranslate()
        self.teaching.retranslate()
        self.model_status.setText(self.tr("Model: {model}").format(model=self.model_text()))
        self.device_status.setText(self.tr("Device: {device}").format(device=self.model.predictor.device_name))
        self._show_latency()
        # As wide as its widest text from the start: a width that followed the digits of
        # every result would lay the status bar out again (and repaint it) with each one.
        widest = self.tr("Inference: {inference} ms, shown {total} ms after the input").format(
            inference="888.8", total="8888"
        )
        as_wide_as_widest(self.latency_status, (widest, self.tr("Inference: none (nothing to read)")))
        # QStatusBar sizes itself for the texts it had when the labels were added;
        # Chinese glyphs are taller than Latin ones.
        needed = max(label.sizeHint().height() for label in (self.model_status, self.latency_status))
        self.statusBar().setMinimumHeight(needed + 6)
        # The views scroll on a small screen, the status bar cannot: it sets the least width.
        self.setMinimumSize(least_size(self.statusBar()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def model_text(self) -> str:
        """The model in a few words: its architecture and test accuracy from its metadata."""
        arch, accuracy = self.model.predictor.arch, self.model.predictor.meta.get("test_accuracy")
        if arch == "default":  # a word, unlike the other presets' names (lenet5, bn-tanh...): translated
            arch = self.tr("default", "the name of the default network architecture")
        if isinstance(accuracy, int | float) and not isinstance(accuracy, bool) and math.isfinite(accuracy):
            return self.tr("{arch}, {accuracy} on MNIST test").format(arch=arch, accuracy=f"{accuracy * 100:.2f} %")
        return arch

    # --- model ------------------------------------------------------------------

    def _apply_model(self) -> None:
        """Point every view at the current model's architecture."""
        self.explain.set_model(self.model)
        self.retranslate()
        self.requests.request_inference(fresh_start=True)

    def load_model(self, path: Path) -> None:
        """Load a checkpoint on the worker thread; on failure say why and keep the current one."""
        self.statusBar().showMessage(self.tr("Loading {name}…").format(name=shown(path.name)))
        self.requests.run_job(
            lambda: load_model_file(path), self._on_model_loaded, lambda exc: self._on_model_failed(path, exc)
        )

    def _on_model_loaded(self, loaded: LoadedModel) -> None:
        self.model = loaded
        self.worker.set_predictor(loaded.predictor)
        self.teaching.set_plain(loaded.predictor)  # the examples are adapted to the new model
        self._apply_model()
        self.statusBar().showMessage(self.tr("Loaded {name}").format(name=shown(loaded.predictor.path.name)), 5000)
        self.model_load_finished.emit(True)

    def _on_model_failed(self, path: Path, exc: Exception) -> None:
        reason = dialogs.checkpoint_error_reason(str(exc) if isinstance(exc, CheckpointError) else "")
        text = self.tr("Could not open the model {name}.").format(name=shown(path.name))
        self.show_error(self.tr("Could not open the model"), text, reason, f"{type(exc).__name__}: {exc}")
        self.model_load_finished.emit(False)

    # --- image files --------------------------------------------------------------

    def open_image(self, path: Path) -> None:
        """Decode and fit an image file on the worker thread, then put it on the canvas."""
        reason = not_a_file_reason(path)
        if reason is not None:  # checked first: reading a FIFO would block the worker forever
            self._on_image_failed(path, reason, None)
            return
        self.statusBar().showMessage(self.tr("Opening {name}…").format(name=shown(path.name)))
        width, height = self.canvas.paper_size()
        self.requests.run_job(
            lambda: fit_to_paper(load_image(path), width, height),
            lambda opened: self._on_image_loaded(path, opened),
            lambda exc: self._on_image_failed(path, "", exc),
        )

    def _on_image_loaded(self, path: Path, opened: OpenedImage) -> None:
        width, height = self.canvas.paper_size()
        if opened.pixels.shape[:2] != (height, width):  # the mode changed while it loaded
            opened = fit_to_paper(opened.source, width, height)
        self.canvas.load_image(opened)
        self.requests.void_older_answers()  # the previous picture's answers are void
        self.statusBar().showMessage(self.tr("Opened {name}").format(name=shown(path.name)), 5000)
        self.image_load_finished.emit(True)

    def _on_image_failed(self, path: Path, reason: str, exc: Exception | None) -> None:
        detail = "" if exc is None else f"{type(exc).__name__}: {exc}"
        text = self.tr("Could not open the image {name}.").format(name=shown(path.name))
        info = dialogs.image_error_reason(reason, "" if exc is None else str(exc))
        self.show_error(self.tr("Could not open the image"), text, info, detail)
        self.image_load_finished.emit(False)

    def save_drawing(self, path: Path) -> Path | None:
        """Write the canvas as PNG (adding ``.png`` when missing); the path written, or None."""
        path = with_png_suffix(path)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.canvas.image().save(buffer, "PNG")
        try:  # written by Python: any file name the system allows, Qt-decodable or not
            replace_whole(path, bytes(buffer.data()))  # a full disk leaves the old file as it was
        except OSError as exc:
            text = self.tr("Could not save the drawing as {name}.").format(name=shown(path.name))
            reason = os_error_reason(exc)  # a sentence of its own in the dialog
            self.show_error(self.tr("Could not save the drawing"), text, reason[:1].upper() + reason[1:], str(exc))
            return None
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=shown(path)), 5000)
        return path

    def show_error(self, title: str, text: str, info: str = "", detail: str = "") -> None:
        # The first sentence only: the dialog has the rest, and a long line ran on into the
        # model and device fields at the right of the status bar (a review).
        self.statusBar().showMessage(text, 10000)
        dialogs.message_box(self, title, text, info, detail).exec()

    # --- the worker -------------------------------------------------------------------

    @property
    def latest_request(self) -> int:
        """The sequence number of the newest canvas state sent to the worker."""
        return self.requests.latest_request

    @property
    def shown_request(self) -> int:
        """The request whose result the views show now."""
        return self.requests.shown_request

    @property
    def last_prediction(self) -> Prediction | None:
        """The prediction the views show now (in number mode, the selected digit's)."""
        return self.requests.last_prediction

    def on_canvas_history_changed(self) -> None:
        self.undo_action.setEnabled(self.canvas.can_undo())
        self.redo_action.setEnabled(self.canvas.can_redo())

    def _on_requests_prediction_shown(self, sequence: int) -> None:
        self._show_latency()
        self.prediction_shown.emit(sequence)

    def _show_latency(self) -> None:
        if self.requests.latency is None:
            self.latency_status.setText(self.tr("Inference: none (nothing to read)"))
            return
        inference, total = self.requests.latency
        self.latency_status.setText(
            self.tr("Inference: {inference} ms, shown {total} ms after the input").format(
                inference=f"{inference:.1f}", total=f"{total:.0f}"
            )
        )

    # --- teaching and numbers ------------------------------------------------------------

    def on_teaching_predictor_ready(self, predictor: Predictor) -> None:
        """Use the network adapted to the examples (or the plain one) and read the drawing again."""
        # Adapting refits conv4's kernels too: the views show the ones the bars' network uses.
        kernels = {name: predictor.kernels(name) for name in self.model.kernels}
        self.model = dataclasses.replace(self.model, predictor=predictor, kernels=kernels)
        self.worker.set_predictor(predictor)
        self.explain.model = self.model  # the explain views run the network the bars show
        self.feature_maps.set_kernels(kernels)
        self.requests.request_inference(fresh_start=True)

    def on_worker_error_occurred(self, message: str) -> None:
        self.statusBar().showMessage(self.tr("Inference failed: {message}").format(message=shown(message)), 10000)

    # --- menus ------------------------------------------------------------------------

    def on_open_image_triggered(self) -> None:
        filters = [self.tr("Images ({patterns})").format(patterns=IMAGE_PATTERNS), self.tr("All files (*)")]
        path = dialogs.choose_file(self, "images", self.tr("Open an image of a digit"), filters)
        if path is not None:
            self.open_image(path)

    def on_open_model_triggered(self) -> None:
        filters = [self.tr("Model checkpoints (*.pt *.pth)"), self.tr("All files (*)")]
        path = dialogs.choose_file(self, "models", self.tr("Open a model checkpoint"), filters)
        if path is not None:
            self.load_model(path)

    def on_save_drawing_triggered(self) -> None:
        name = self.tr("digit") + ".png"
        path = dialogs.choose_file(
            self, "drawings", self.tr("Save the drawing"), [self.tr("PNG image (*.png)")], save=name
        )
        if path is not None:
            self.save_drawing(path)

    def on_shortcuts_triggered(self) -> None:
        dialogs.shortcuts_box(self).exec()

    def on_about_triggered(self) -> None:
        predictor = self.model.predictor
        dialogs.about_box(self, self.model_text(), predictor.path.name, predictor.meta).exec()

    def on_language_chosen(self, choice: str) -> None:
        """View -> Language: switch now, and remember the choice for the next start."""
        language.save_choice(choice)
        self.menus.check_language(choice)
        language.install(choice if choice in language.LANGUAGES else language.system_language())
        if self.language_choice.source in ("argument", "environment"):
            self.statusBar().showMessage(
                self.tr("Saved. At the next start, --lang or {variable} still decides.").format(
                    variable=language.ENV_VAR
                ),
                10000,
            )

    # --- drag and drop, closing ------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [p for p in map(path_from_url, event.mimeData().urls()) if p is not None]
        if paths:
            if paths[0].suffix.lower() in (".pt", ".pth"):
                self.load_model(paths[0])
            else:
                self.open_image(paths[0])
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Gone from the screen at once: a model being loaded cannot be interrupted, and the
        # window stood frozen until it was (3.7 s for deep-dropout here, a hostile review).
        self.hide()
        self.teaching.close()  # first: adapting stops at its next step instead of finishing
        self.worker.stop()
        super().closeEvent(event)
