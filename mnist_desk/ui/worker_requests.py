"""WorkerRequests: what the main window sends the worker, and which answers reach the views.

Every change of the canvas (or of the number being read) is submitted with a sequence
number; an answer is shown only while it is newer than the one on screen and no fresh
start (a cleared canvas, an opened image, another model) has made it void. Jobs (opening
an image or a model file) run on the same worker and come back to the callbacks that
asked for them. The texts the window shows (latency, errors) stay in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from mnist_desk.inference import Prediction
from mnist_desk.preprocess import EmptyImageError, TooManyMarksError, TooSmallError, Transform
from mnist_desk.side_by_side import NOTHING, side_by_side, side_by_side_in_pixels
from mnist_desk.ui.canvas import DrawingCanvas
from mnist_desk.ui.event_clock import now_ms
from mnist_desk.ui.explain_wiring import ExplainWiring
from mnist_desk.ui.number_mode import NumberMode
from mnist_desk.ui.number_reading import NumberResult
from mnist_desk.ui.placement import PaperMap, Placement
from mnist_desk.ui.prediction_panel import PredictionPanel
from mnist_desk.ui.worker import InferenceWorker

# The canvas is handed to the network at 280x280, the size of canvas our
# drawn-digit figures are measured on (the paper itself is 560 px for smooth strokes).
INFERENCE_SIDE = 280


def unreadable(outcome: Any, canvas_blank: bool) -> str | None:
    """Why nothing was read, as the prediction panel says it: "dot", "marks" (hundreds of them:
    noise), "no ink" (an opened image all one shade), "" (a blank canvas); None when something was.
    An opened image of noise or of one shade had said "Draw a digit on the canvas" (a review)."""
    if not isinstance(outcome, EmptyImageError):
        return None
    if isinstance(outcome, TooSmallError):
        return "dot"
    if isinstance(outcome, TooManyMarksError):
        return "marks"
    return "" if canvas_blank else "no ink"


class WorkerRequests(QObject):
    # Emitted after the views show a new result, with its request's sequence number.
    prediction_shown = Signal(int)

    def __init__(
        self,
        worker: InferenceWorker,
        canvas: DrawingCanvas,
        numbers: NumberMode,
        results: PredictionPanel,
        explain: ExplainWiring,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker, self.canvas, self.numbers, self.results, self.explain = worker, canvas, numbers, results, explain
        self._jobs: dict[int, tuple] = {}
        self.latest_request = 0  # the newest canvas state sent to the worker
        self.shown_request = 0  # the request whose result the views show now
        # Results for requests older than this are never shown: set when the canvas
        # is cleared, an image opened or the model changed, where an old answer would
        # be wrong, not merely a few milliseconds behind.
        self._oldest_showable = 0
        self._input_times: dict[int, float] = {}  # request -> when its input event happened (now_ms)
        self._paper_maps: dict[int, PaperMap] = {}  # request -> where its image lies on the paper
        self.latency: tuple[float, float] | None = None  # (inference, input to shown) in ms
        self.last_prediction: Prediction | None = None
        worker.prediction_ready.connect(self.on_worker_prediction_ready)
        worker.job_finished.connect(self.on_worker_job_finished)
        worker.job_failed.connect(self.on_worker_job_failed)
        canvas.image_changed.connect(self.on_canvas_image_changed)
        # A stroke ended, or one was undone, redone or cleared, or the other mode's paper is shown:
        # do the strokes stand apart as several digits?
        canvas.history_changed.connect(self.count_digits_apart)

    def run_job(self, job: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[Any], None]) -> None:
        """Run ``job`` on the worker; ``on_done(result)`` or ``on_failed(exc)`` follows on this thread."""
        self._jobs[self.worker.run_job(job)] = (on_done, on_failed)

    def on_worker_job_finished(self, job_id: int, result: object) -> None:
        if job_id in self._jobs:  # the explain views' jobs are theirs to handle
            on_done, _ = self._jobs.pop(job_id)
            on_done(result)

    def on_worker_job_failed(self, job_id: int, exc: Exception) -> None:
        if job_id in self._jobs:
            _, on_failed = self._jobs.pop(job_id)
            on_failed(exc)

    def void_older_answers(self) -> None:
        """Never show an answer to a request sent before now (the picture it read is gone)."""
        self._oldest_showable = self.latest_request

    def count_digits_apart(self) -> None:
        """Tell the results which digits the square canvas's drawing stands apart as (number mode
        reads them itself). Looked at when the strokes change, not while one is drawn: from the
        strokes, or from the picture where they no longer say what is on the paper (an opened
        image, the eraser), read at the size the network's input is taken from."""
        if self.numbers.on or self.canvas.is_blank():
            apart = NOTHING
        else:
            strokes = self.numbers.pen_strokes()
            apart = (
                side_by_side(strokes)
                if strokes is not None
                else side_by_side_in_pixels(self.canvas.to_array(INFERENCE_SIDE))
            )
        self.results.set_side_by_side(apart)

    def on_canvas_image_changed(self) -> None:
        self.request_inference(fresh_start=self.canvas.is_blank(), input_time=self.canvas.changed_at)

    def request_inference(self, fresh_start: bool, input_time: float | None = None) -> None:
        # A blank canvas goes through the worker too (as None), in order with the
        # drawings, and makes a fresh start: a result still in flight for the last
        # stroke cannot land after "clear".
        if self.numbers.on:
            image = self.numbers.request()
        else:
            image = None if self.canvas.is_blank() else self.canvas.inference_input(INFERENCE_SIDE)
        self.latest_request = self.worker.submit(image)
        self._input_times[self.latest_request] = now_ms() if input_time is None else input_time
        if image is not None and not self.numbers.on:
            self._paper_maps[self.latest_request] = self.canvas.inference_paper_map(INFERENCE_SIDE)
        if fresh_start:
            self._oldest_showable = self.latest_request

    def on_worker_prediction_ready(
        self, sequence: int, prediction: Prediction | NumberResult | None, transform: Transform | None = None
    ) -> None:
        input_time, paper_map = self._input_times.get(sequence), self._paper_maps.get(sequence)
        for done in [s for s in self._input_times if s <= sequence]:
            del self._input_times[done]
        for done in [s for s in self._paper_maps if s <= sequence]:
            del self._paper_maps[done]
        if sequence <= self.shown_request or sequence < self._oldest_showable:
            return
        why = unreadable(prediction, self.canvas.is_blank())  # from either mode
        if why is None and prediction is not None and isinstance(prediction, NumberResult) != self.numbers.on:
            return  # read before the mode changed
        # A result one mouse move behind the newest is still shown: while drawing
        # continuously the worker is always a move behind, and waiting for an exact
        # match would freeze the bars until the hand stops.
        self.shown_request = sequence
        if why is not None:
            prediction = None
        seconds = None if prediction is None else prediction.seconds
        if self.numbers.on:
            self.numbers.show(prediction, why=why or "")
            prediction = None if prediction is None else prediction.prediction
        else:
            self.results.show_prediction(prediction, why=why or "")
            placement = None if transform is None or paper_map is None else Placement(transform, paper_map)
            self.explain.show_prediction(prediction, placement)
        self.last_prediction = prediction
        if seconds is None:
            self.latency = None
        elif input_time is not None:
            self.latency = (seconds * 1000, now_ms() - input_time)
        self.prediction_shown.emit(sequence)
