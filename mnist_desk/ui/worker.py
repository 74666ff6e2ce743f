"""InferenceWorker: one long-lived thread that runs the network, latest request wins.

The GUI thread calls :meth:`InferenceWorker.submit` on every mouse move. The
request replaces any pending one (Qt's mandelbrot example), so a burst of
moves never builds a backlog: the worker finishes what it is doing, then
runs only the newest image. Results come back as signals, carrying the
request's sequence number so the window can tell stale from fresh. A request
may also be an object with a ``run(predictor)`` method (number mode's
:class:`~mnist_desk.ui.number_reading.NumberRequest`): its return value comes
back in the same signal, in order with the pictures.

The same thread runs the slow one-off jobs the window must not wait for:
loading a checkpoint, decoding and scaling an image file. They run in order,
each exactly once, ahead of the next inference request.

Last come the *latest-wins* jobs (:meth:`InferenceWorker.run_latest`): the
explain views' work for the result on screen (saliency, the overview's
vectors, one unit's arithmetic). Each kind keeps only its newest request, and
they run only when no inference request is waiting, so explaining never
delays the bars while the user draws.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from mnist_desk.inference import Prediction, Predictor
from mnist_desk.preprocess import EmptyImageError, Transform, preprocess_with_transform

WARM_UP_PASSES = 3


class InferenceWorker(QObject):
    # (sequence number, Prediction, or None for nothing submitted, or the EmptyImageError that
    # says why nothing could be read (a blank canvas, a dot, noise); the preprocessing's Transform
    # from the 28x28 input back to the submitted image, or None)
    prediction_ready = Signal(int, object, object)
    error_occurred = Signal(str)
    # (job id, its return value) and (job id, the exception it raised)
    job_finished = Signal(int, object)
    job_failed = Signal(int, object)
    _wake = Signal()
    _warm = Signal()

    def __init__(self, predictor: Predictor, name: str = "InferenceThread", warm_up: bool = True) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._predictor = predictor
        self._pending: tuple[int, Any] | None = None
        self._sequence = 0
        self._jobs: deque[tuple[int, Callable[[], Any]]] = deque()
        self._latest: dict[str, tuple[int, Callable[[], Any]]] = {}  # kind -> its newest job
        self._job_ids = 0
        self._thread = QThread()
        self._thread.setObjectName(name)
        self.moveToThread(self._thread)
        self._wake.connect(self._drain)
        self._warm.connect(self._warm_up)
        self._thread.start()
        if warm_up:
            self._warm.emit()

    @property
    def predictor(self) -> Predictor:
        with self._lock:
            return self._predictor

    def set_predictor(self, predictor: Predictor) -> None:
        """Swap models; a prediction already running finishes with the old one."""
        with self._lock:
            self._predictor = predictor
        self._warm.emit()

    def submit(self, image: Any) -> int:
        """Queue ``image`` (replacing any queued one); returns its sequence number.

        ``None`` means "nothing to classify" and comes back as a None prediction,
        in order with the rest, so a result still in flight cannot overwrite it.
        An object with a ``run(predictor)`` method is run instead of classified.
        """
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
            already_waiting = self._pending is not None
            self._pending = (sequence, image)
        if not already_waiting:
            self._wake.emit()
        return sequence

    def run_job(self, job: Callable[[], Any]) -> int:
        """Run ``job()`` on the worker thread; its result or exception comes back as a signal.

        Returns
        -------
        int
            The job's id, carried by :attr:`job_finished` or :attr:`job_failed`.
        """
        with self._lock:
            self._job_ids += 1
            job_id = self._job_ids
            self._jobs.append((job_id, job))
        self._wake.emit()
        return job_id

    def run_latest(self, kind: str, job: Callable[[], Any]) -> int:
        """Run ``job()`` when no inference request is waiting; replaces a waiting job of the same ``kind``.

        Returns
        -------
        int
            The job's id, carried by :attr:`job_finished` or :attr:`job_failed`. A
            replaced job never runs and never reports.
        """
        with self._lock:
            self._job_ids += 1
            job_id = self._job_ids
            self._latest[kind] = (job_id, job)
        self._wake.emit()
        return job_id

    @Slot()
    def _warm_up(self) -> None:
        # The first forward pass through a fresh model is slow (110 ms against
        # 0.8 ms after it, measured on the bundled model: oneDNN picks its
        # kernels, caches fill). Pay it here, before the user draws.
        predictor = self.predictor
        stroke = np.zeros((28, 28), dtype=np.float32)
        stroke[8:20, 13:15] = 1.0
        try:
            for _ in range(WARM_UP_PASSES):
                predictor.predict_input(stroke)
        except Exception as exc:  # noqa: BLE001 - the same path as a failed prediction: tell the window
            self.error_occurred.emit(str(exc))

    @Slot()
    def _drain(self) -> None:
        while True:
            with self._lock:
                job = self._jobs.popleft() if self._jobs else None
            if job is not None:
                self._run(*job)
                continue
            with self._lock:
                if self._pending is None:
                    if not self._latest:
                        return
                    kind = next(iter(self._latest))
                    latest = self._latest.pop(kind)
                else:
                    latest = None
                    (sequence, image), self._pending = self._pending, None
                    predictor = self._predictor
            if latest is not None:
                self._run(*latest)
                continue
            try:
                prediction, transform = self._predict(predictor, image)
            except EmptyImageError as unreadable:  # blank, or a dot, noise, an inkless image: the window says which
                prediction, transform = unreadable, None
            except Exception as exc:  # noqa: BLE001 - any failure must reach the window, not kill the thread
                self.error_occurred.emit(str(exc))
                continue
            self.prediction_ready.emit(sequence, prediction, transform)

    @staticmethod
    def _predict(predictor: Predictor, image: Any) -> tuple[Prediction | Any, Transform | None]:
        """``Predictor.predict``, keeping the preprocessing's transform (the window maps
        receptive fields and saliency back onto the canvas with it)."""
        if image is None:
            return None, None
        if hasattr(image, "run"):
            return image.run(predictor), None
        started = time.perf_counter()
        image28, transform = preprocess_with_transform(image)
        prediction = predictor.predict_input(image28)
        return dataclasses.replace(prediction, seconds=time.perf_counter() - started), transform

    def _run(self, job_id: int, job: Callable[[], Any]) -> None:
        try:
            result = job()
        except Exception as exc:  # noqa: BLE001 - the window decides what a failure means
            self.job_failed.emit(job_id, exc)
            return
        self.job_finished.emit(job_id, result)

    def stop(self) -> None:
        """Finish the running prediction or job, drop the pending ones, and join the thread."""
        with self._lock:
            self._pending = None
            self._jobs.clear()
            self._latest.clear()
        self._thread.quit()
        self._thread.wait()
