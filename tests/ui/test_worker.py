"""InferenceWorker on its own: latest request wins, failures reach the window."""

import numpy as np

from mnist_desk.ui.worker import InferenceWorker


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
            worker.submit(np.full((280, 280), 0, np.uint8))
        assert errors and all("the model is broken" in e for e in errors)
        # The thread survived: it still answers.
        with qtbot.waitSignal(worker.error_occurred, timeout=5000):
            worker.submit(np.full((280, 280), 0, np.uint8))
    finally:
        worker.stop()


def test_a_burst_of_requests_runs_the_newest_and_reports_in_order(qtbot, predictor):
    worker = InferenceWorker(predictor)
    results: list[int] = []
    worker.prediction_ready.connect(lambda sequence, _prediction: results.append(sequence))
    try:
        canvas = np.full((280, 280), 255, np.uint8)
        canvas[60:220, 130:150] = 0  # a "1"
        sequences = [worker.submit(canvas) for _ in range(200)]
        qtbot.waitUntil(lambda: bool(results) and results[-1] == sequences[-1], timeout=10_000)
        assert results == sorted(results)
        assert len(results) < len(sequences)  # pending requests were replaced, not queued
    finally:
        worker.stop()
