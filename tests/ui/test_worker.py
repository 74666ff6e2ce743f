"""InferenceWorker on its own: latest request wins, failures reach the window."""

import threading

import numpy as np

from mnist_desk.preprocess import preprocess
from mnist_desk.ui.worker import InferenceWorker


def drawn_one() -> np.ndarray:
    canvas = np.full((280, 280), 255, np.uint8)
    canvas[60:220, 130:150] = 0  # a "1"
    return canvas


class BrokenPredictor:
    def predict_input(self, image28):
        raise RuntimeError("the model is broken")

    def predict(self, image):
        raise RuntimeError("the model is broken")


def test_a_failing_model_is_reported_not_fatal(qtbot):
    worker = InferenceWorker(BrokenPredictor())
    errors: list[str] = []
    worker.error_occurred.connect(errors.append)
    try:
        with qtbot.waitSignal(worker.error_occurred, timeout=5000):
            worker.submit(drawn_one())
        assert errors and all("the model is broken" in e for e in errors)
        # The thread survived: it still answers.
        with qtbot.waitSignal(worker.error_occurred, timeout=5000):
            worker.submit(drawn_one())
    finally:
        worker.stop()


def test_a_burst_of_requests_runs_the_newest_and_reports_in_order(qtbot, predictor):
    worker = InferenceWorker(predictor)
    results: list[int] = []
    worker.prediction_ready.connect(lambda sequence, _prediction, _transform: results.append(sequence))
    try:
        sequences = [worker.submit(drawn_one()) for _ in range(200)]
        qtbot.waitUntil(lambda: bool(results) and results[-1] == sequences[-1], timeout=10_000)
        assert results == sorted(results)
        assert len(results) < len(sequences)  # pending requests were replaced, not queued
    finally:
        worker.stop()


def test_a_prediction_comes_with_the_transform_of_its_preprocessing(qtbot, predictor):
    worker = InferenceWorker(predictor)
    try:
        with qtbot.waitSignal(worker.prediction_ready, timeout=10_000) as blocker:
            worker.submit(drawn_one())
        _, prediction, transform = blocker.args
        assert np.array_equal(prediction.input, preprocess(drawn_one()))
        top, left = transform.to_source(*np.argwhere(prediction.input > 0.5).min(axis=0))
        assert 50 <= top <= 70 and 120 <= left <= 140  # the bar's top-left corner on the 280 px canvas
        with qtbot.waitSignal(worker.prediction_ready, timeout=10_000) as blocker:
            worker.submit(None)
        assert blocker.args[1:] == [None, None]
    finally:
        worker.stop()


class RecordingPredictor:
    """The real predictor, noting each prediction in ``order`` on the worker thread itself."""

    def __init__(self, predictor, order: list[str]) -> None:
        self._predictor, self._order = predictor, order

    def predict_input(self, image28):
        if image28.sum() > 30:  # not the warm-up's little stroke (24 pixels of ink; the "1" has 40)
            self._order.append("prediction")
        return self._predictor.predict_input(image28)


def test_latest_jobs_wait_for_predictions_and_only_the_newest_of_a_kind_runs(qtbot, predictor):
    order: list[str] = []
    worker = InferenceWorker(RecordingPredictor(predictor, order))
    finished: dict[int, object] = {}
    worker.job_finished.connect(lambda job_id, result: finished.__setitem__(job_id, result))
    gate = threading.Event()
    try:
        # Hold the worker in a one-off job while the requests pile up behind it.
        worker.run_job(lambda: gate.wait(5))
        first = worker.run_latest("saliency", lambda: order.append("old saliency") or "old")
        newest = worker.run_latest("saliency", lambda: order.append("saliency") or "new")
        vectors = worker.run_latest("vectors", lambda: order.append("vectors") or "vectors")
        worker.submit(drawn_one())
        gate.set()
        qtbot.waitUntil(lambda: newest in finished and vectors in finished, timeout=10_000)
        assert first not in finished and "old saliency" not in order  # replaced: never ran, never reported
        assert finished[newest] == "new"
        assert order == ["prediction", "saliency", "vectors"]  # the waiting prediction first
    finally:
        worker.stop()


class Reading:
    """A request the worker runs instead of classifying (as number mode's NumberRequest)."""

    def __init__(self, name: str, gate: threading.Event | None = None) -> None:
        self.name, self.gate = name, gate
        self.started = threading.Event()

    def run(self, predictor):
        self.started.set()
        if self.gate is not None:
            self.gate.wait(5)
        return (self.name, predictor)


def test_a_request_with_run_is_run_in_order_with_pictures_latest_wins(qtbot, predictor):
    worker = InferenceWorker(predictor)
    results: list[tuple[int, object]] = []
    worker.prediction_ready.connect(lambda seq, result, _transform: results.append((seq, result)))
    gate = threading.Event()
    try:
        holding = Reading("first", gate)
        first = worker.submit(holding)  # holds the worker while more arrive
        assert holding.started.wait(5)
        worker.submit(drawn_one())
        worker.submit(Reading("replaced"))
        last = worker.submit(Reading("last"))
        gate.set()
        qtbot.waitUntil(lambda: any(seq == last for seq, _ in results), timeout=5000)
        assert [seq for seq, _ in results] == [first, last]  # the two in between never ran
        assert results[0][1] == ("first", predictor) and results[1][1] == ("last", predictor)
    finally:
        worker.stop()


def test_a_worker_for_jobs_only_needs_no_warm_up(qtbot):
    worker = InferenceWorker(BrokenPredictor(), name="AdaptingThread", warm_up=False)
    errors: list[str] = []
    worker.error_occurred.connect(errors.append)
    try:
        with qtbot.waitSignal(worker.job_finished, timeout=5000) as done:
            worker.run_latest("adapt", lambda: 42)
        assert done.args[1] == 42 and not errors  # the broken model was never run
    finally:
        worker.stop()
