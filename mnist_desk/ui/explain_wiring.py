"""ExplainWiring: connects the explain views to the result on screen and to each other.

- The network overview follows the model and every result; its vector
  columns (flatten, fully connected) are computed on the worker.
- Clicking an overview stage opens it: conv and pool layers in the feature-map
  tab, the others (and the softmax) in the arithmetic tab, the input in the
  kernel playground.
- Pointing at a pixel of a feature map (a tile or the enlarged map) outlines
  that unit's receptive field on the 28x28 view and on the canvas; clicking it
  opens its arithmetic. While the arithmetic tab shows, its unit's field stays
  outlined and follows the kernel as it slides.
- "Why this answer?" lays a saliency map over the same two pictures.

Everything that runs the network (vectors, a unit's arithmetic, saliency) is
a latest-wins worker job (:meth:`InferenceWorker.run_latest`), dropped when a
newer result has replaced the one it was computed for. The overview's vectors
are asked for at the overview's own pace (:data:`VECTORS_MS`), not on every
mouse move: each job is Python work on the worker, and Python threads share
one interpreter lock with the GUI thread. Receptive fields are plain
arithmetic on geometry computed when the model was loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from mnist_desk.explain_arithmetic import unit_arithmetic
from mnist_desk.explain_fields import INPUT, SOFTMAX, copied_from, vector_activations
from mnist_desk.explain_saliency import saliency
from mnist_desk.inference import Prediction
from mnist_desk.ui.canvas import DrawingCanvas
from mnist_desk.ui.detail_tabs import ARITHMETIC, MAPS, PLAYGROUND, DetailTabs
from mnist_desk.ui.loaded_model import LoadedModel
from mnist_desk.ui.marked_view import MarkedPixelView, Region
from mnist_desk.ui.network_overview import NetworkOverview
from mnist_desk.ui.placement import Placement
from mnist_desk.ui.saliency_controls import SaliencyControls
from mnist_desk.ui.saliency_overlay import saliency_qimage
from mnist_desk.ui.throttle import Throttle
from mnist_desk.ui.worker import InferenceWorker

Unit = tuple[str, int, int, int]  # (stage, channel, row, column)
# While the pen is down the feature maps follow at most this often (30 a second, a film's pace):
# repainting a layer's tiles took about a third of the GUI thread's time per result,
# and with a result every mouse move the bars waited behind them.
MAPS_MS = 33
VECTORS_MS = 100  # the overview redraws at most this often (network_overview.REFRESH_MS)
# While the user draws, the arithmetic tab (a grid of numbers, recomputed on the
# worker) follows at most this often; a click or a step answers at once.
ARITHMETIC_MS = 100
# The slow saliency method (occlusion, 56-130 ms here) runs once the pen has stayed
# up this long: started at the very end of a stroke, it would hold up the first
# results of the next one.
PEN_UP_MS = 250
# The live saliency methods (2-9 ms each on the worker here) follow the drawing at
# most this often: every map delays the next result by its own time, and while the
# hand moves a few maps a second tell as much as sixty.
SALIENCY_MS = 200


def timed(job: Callable[[], Any]) -> Callable[[], tuple[Any, float]]:
    """``job`` returning (its result, the seconds it took)."""

    def run() -> tuple[Any, float]:
        started = time.perf_counter()
        result = job()
        return result, time.perf_counter() - started

    return run


class ExplainWiring(QObject):
    # A worker job of the explain views failed: the message for the status bar.
    error_occurred = Signal(str)
    # A saliency map was laid over the pictures (tests and the benchmark wait on it).
    saliency_shown = Signal()

    def __init__(
        self,
        worker: InferenceWorker,
        canvas: DrawingCanvas,
        input_view: MarkedPixelView,
        overview: NetworkOverview,
        details: DetailTabs,
        controls: SaliencyControls,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker, self.canvas, self.input_view = worker, canvas, input_view
        self.overview, self.details, self.controls = overview, details, controls
        self.feature_maps, self.arithmetic, self.playground = (
            details.feature_maps,
            details.arithmetic,
            details.playground,
        )
        self.model: LoadedModel | None = None
        self.prediction: Prediction | None = None
        self.placement: Placement | None = None
        self._vectors: dict[str, np.ndarray] | None = None
        self._hovered: Unit | None = None
        self._jobs: dict[str, tuple[int, Callable[[Any], None], Prediction | None, int]] = {}
        # Bumped when the canvas empties or the model changes: what was computed before
        # belongs to a picture that is gone, however recent.
        self._generation = 0
        # Seconds each saliency map took on the worker, by method (the benchmark reads them).
        self.saliency_seconds: dict[str, list[float]] = {}
        self._maps_throttle = Throttle(MAPS_MS, self._feed_maps, self)
        self._vectors_throttle = Throttle(VECTORS_MS, self._request_vectors, self)
        self._arithmetic_throttle = Throttle(ARITHMETIC_MS, self._feed_arithmetic, self)
        self._saliency_throttle = Throttle(SALIENCY_MS, self._run_saliency, self)
        self._pen_up = QTimer(self, singleShot=True, interval=PEN_UP_MS)
        self._pen_up.timeout.connect(self._on_pen_up_timeout)

        worker.job_finished.connect(self.on_worker_job_finished)
        worker.job_failed.connect(self.on_worker_job_failed)
        overview.stage_clicked.connect(self.on_overview_stage_clicked)
        self.feature_maps.unit_hovered.connect(self.on_unit_hovered)
        self.feature_maps.hover_ended.connect(self.on_hover_ended)
        self.feature_maps.unit_clicked.connect(self.on_unit_clicked)
        self.feature_maps.layer_changed.connect(self.on_tab_changed)
        self.arithmetic.unit_requested.connect(self.on_arithmetic_unit_requested)
        details.currentChanged.connect(self.on_tab_changed)
        controls.changed.connect(self.request_saliency)
        canvas.stroke_finished.connect(self.on_canvas_stroke_finished)

    # --- the model and the result on screen -------------------------------------------

    def set_model(self, model: LoadedModel) -> None:
        """A new model: every view follows its architecture; nothing of the old one stays."""
        self.model = model
        stages = list(model.stages)
        self.feature_maps.set_architecture(model.map_stages, model.kernels)
        self.overview.set_architecture(stages)
        self.arithmetic.set_architecture(stages)
        self.playground.set_conv1_weights(model.first_kernels)
        self._hovered, self._vectors = None, None
        self._generation += 1
        self.feature_maps.mark_unit(None)
        self.show_prediction(None, None)

    def show_prediction(self, prediction: Prediction | None, placement: Placement | None) -> None:
        """A new result on screen (None: an empty canvas), and where its input lies on the canvas."""
        self.prediction, self.placement = prediction, placement
        if prediction is None:
            self._vectors = None
            self._generation += 1
        # The previous vectors stay until this result's arrive (a few ms): the
        # overview's vector columns would otherwise blink on every mouse move.
        self.overview.set_prediction(prediction, self._vectors)
        # Only the tab that shows is fed (the others catch up when they show).
        if self.details.showing(MAPS):
            if prediction is not None and self.canvas.is_drawing():
                self._maps_throttle.request()
            else:  # a click, an opened image, the pen lifted: shown at once
                self._maps_throttle.cancel()
                self._feed_maps()
        elif self.details.showing(PLAYGROUND):
            self.playground.set_input(None if prediction is None else prediction.input)
        elif prediction is None:
            self._arithmetic_throttle.cancel()
            self._feed_arithmetic()
        else:
            self._arithmetic_throttle.request()
        self._refresh_field()
        self.controls.set_answer(None if prediction is None else prediction.digit)
        self.request_saliency()
        if prediction is None:
            self._vectors_throttle.cancel()
        else:
            self._vectors_throttle.request()

    def maps_waiting(self) -> bool:
        """Whether the feature maps are still to follow the result on screen (at most MAPS_MS)."""
        return self._maps_throttle.waiting()

    def _feed_maps(self) -> None:
        if self.details.showing(MAPS):
            self.feature_maps.set_prediction(self.prediction)

    def _feed_arithmetic(self) -> None:
        self.arithmetic.set_prediction(self.prediction)  # it asks again for the unit it shows

    def _request_vectors(self) -> None:
        if self.prediction is not None and self.model is not None:
            predictor, image = self.model.predictor, self.prediction.input
            self._run("vectors", lambda: vector_activations(predictor, image), self._on_vectors)

    def _on_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors
        self.overview.set_prediction(self.prediction, vectors)

    # --- worker jobs -----------------------------------------------------------------

    def _run(self, kind: str, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run ``job`` for the result on screen; ``on_done`` only if it still matters then.

        The arithmetic must match the result shown, number for number. A saliency
        map or the overview's vectors may be one result behind (while the hand
        moves, the next result is always a few ms away), as long as the canvas
        was not emptied and the model not changed meanwhile.
        """
        self._jobs[kind] = (self.worker.run_latest(kind, job), on_done, self.prediction, self._generation)

    def _take(self, job_id: int) -> tuple[Callable[[Any], None], bool] | None:
        for kind, (known, on_done, prediction, generation) in list(self._jobs.items()):
            if known == job_id:
                del self._jobs[kind]
                if kind in ("saliency", "vectors"):
                    return on_done, generation == self._generation and self.prediction is not None
                return on_done, prediction is self.prediction
        return None

    def on_worker_job_finished(self, job_id: int, result: object) -> None:
        taken = self._take(job_id)
        if taken is not None and taken[1]:
            taken[0](result)

    def on_worker_job_failed(self, job_id: int, exc: Exception) -> None:
        if self._take(job_id) is not None:
            self.error_occurred.emit(f"{type(exc).__name__}: {exc}")

    # --- the overview ------------------------------------------------------------------

    def on_overview_stage_clicked(self, name: str) -> None:
        """Open a stage: maps in the feature-map tab, the input in the playground, the rest as arithmetic."""
        if name in self.feature_maps.layers():
            self.feature_maps.set_current_layer(name)
            self.details.show_maps()
        elif name == INPUT:
            self.details.show_playground()
        elif self.model is not None:
            last = self.model.stages[-1].name
            digit = self.prediction.digit if self.prediction is not None else 0
            self.arithmetic.select_unit(name, digit if name in (last, SOFTMAX) else 0)
            self.details.show_arithmetic()

    def on_tab_changed(self, *_args: object) -> None:
        """Feed the tab now showing, and let the overview and the outlines follow it."""
        if self.details.showing(PLAYGROUND):
            self.playground.set_input(None if self.prediction is None else self.prediction.input)
            self.overview.set_selected_stage(INPUT)
        elif self.details.showing(MAPS):
            if self.feature_maps.prediction() is not self.prediction:
                self.feature_maps.set_prediction(self.prediction)
            self.overview.set_selected_stage(self.feature_maps.current_layer())
        else:
            if self.arithmetic.prediction() is not self.prediction:
                self.arithmetic.set_prediction(self.prediction)
            if self.arithmetic.unit() is not None:
                self.overview.set_selected_stage(self.arithmetic.unit()[0])
                self.on_arithmetic_unit_requested(*self.arithmetic.unit())
        self._refresh_field()

    # --- where a value comes from ------------------------------------------------------

    def on_unit_hovered(self, stage: str, channel: int, y: int, x: int) -> None:
        self._hovered = (stage, channel, y, x)
        self._refresh_field()

    def on_hover_ended(self) -> None:
        self._hovered = None
        self._refresh_field()

    def on_unit_clicked(self, stage: str, channel: int, y: int, x: int) -> None:
        """Open the unit's arithmetic (its field stays outlined while that tab shows)."""
        self.arithmetic.pause()
        self.arithmetic.select_unit(stage, channel, y, x)
        self.details.show_arithmetic()

    def on_arithmetic_unit_requested(self, stage: str, channel: int, y: int, x: int) -> None:
        unit = (stage, channel, y, x)
        self.feature_maps.mark_unit(unit)
        self._refresh_field()
        # Computed only while its tab shows: during drawing, one job less per result.
        if self.prediction is None or self.model is None or not self.details.showing(ARITHMETIC):
            return
        predictor, image = self.model.predictor, self.prediction.input
        self.overview.set_selected_stage(stage)
        self._run(
            "arithmetic",
            lambda: unit_arithmetic(predictor, image, stage, channel, y, x),
            self.arithmetic.set_arithmetic,
        )

    def shown_unit(self) -> Unit | None:
        """The unit whose field is outlined: the one pointed at, else the arithmetic's while its tab shows."""
        if self._hovered is not None:
            return self._hovered
        if self.details.showing(ARITHMETIC):
            return self.arithmetic.unit()
        return None

    def field(self) -> Region | None:
        """The outlined receptive field in 28x28 input pixels (top, left, bottom, right), or None."""
        unit = self.shown_unit()
        if unit is None or self.prediction is None or self.model is None:
            return None
        stage, channel, y, x = unit
        source = copied_from(self.model.stages, stage, channel)  # a flattened element: its map unit's field
        if source is not None:
            stage, channel, y, x = source
        geometry = self.model.geometry.get(stage)
        if geometry is None or geometry.whole:
            return None  # a fully connected unit or the softmax sees the whole image: nothing to point at
        return geometry.clipped(y, x)

    def _refresh_field(self) -> None:
        region = self.field()
        self.input_view.set_region(region)
        on_paper = None if region is None or self.placement is None else self.placement.on_paper(region)
        self.canvas.overlay.set_field(on_paper)

    # --- why this answer ----------------------------------------------------------------

    def on_canvas_stroke_finished(self) -> None:
        if self.controls.is_on() and self.controls.after_stroke():
            self._pen_up.start()

    def _on_pen_up_timeout(self) -> None:
        if not self.canvas.is_drawing():  # else the end of this stroke starts the wait again
            self._run_saliency()

    def request_saliency(self) -> None:
        """Compute the map for the result on screen; the slow method waits for the pen to stay up."""
        prediction = self.prediction
        if not self.controls.is_on() or prediction is None or self.model is None:
            self._pen_up.stop()
            self._saliency_throttle.cancel()
            self._jobs.pop("saliency", None)
            self._show_saliency(None)
            return
        if self.controls.after_stroke():
            self._pen_up.start()  # the last map stays meanwhile
            return
        self._saliency_throttle.request()

    def _run_saliency(self) -> None:
        prediction = self.prediction
        if prediction is None or self.model is None:
            return
        predictor, image, method = self.model.predictor, prediction.input, self.controls.method()
        target, versus, placement = prediction.digit, self.controls.versus(), self.placement
        self._run(
            "saliency",
            timed(lambda: saliency(predictor, image, target, versus, method)),
            lambda result: self._on_saliency(method, *result, placement),
        )

    def _on_saliency(self, method: str, values: np.ndarray, seconds: float, placement: Placement | None) -> None:
        self.saliency_seconds.setdefault(method, []).append(seconds)
        if self.controls.is_on():
            self._show_saliency(values, placement)

    def _show_saliency(self, values: np.ndarray | None, placement: Placement | None = None) -> None:
        """The map on the 28x28 view, and on the canvas where the input it was computed for lay."""
        image = None if values is None else saliency_qimage(values)
        self.input_view.set_overlay(image)
        rect = None if image is None or placement is None else placement.input_on_paper()
        self.canvas.overlay.set_saliency(image, rect)
        if image is not None:
            self.saliency_shown.emit()


__all__ = ["ExplainWiring", "timed"]
