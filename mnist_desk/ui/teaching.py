"""Teaching: the user's corrections become examples, and the network adapts to them.

When the answer is wrong the user says the right digit (a click on its bar,
or its key on the canvas). The drawing is kept with
:class:`~mnist_desk.example_store.ExampleStore` and the network is refitted to all
the examples with :class:`~mnist_desk.examples.Adapter`, then the window
swaps to the adapted predictor (:attr:`Teaching.predictor_ready`) and reads
the drawing again.

Adapting takes seconds, so it runs on a thread of its own, not the inference
worker's: the bars keep following the pen meanwhile. It works on its own copy
of the network, made on that thread, so that nothing adapting does with the
network (running its stages one by one, in eval mode) can touch the module the
inference worker is running at the same time. Each adaptation carries a
generation number; one that finishes after the examples changed again
(another correction, forgetting, switching them off, another model) is
dropped.

The status bar shows how many examples are in use (a permanent label whose
tooltip lists skipped files) and, after Edit -> Forget my examples, an Undo
button until the window closes; the examples moved aside are deleted then.
Edit -> Forget the last example takes back one correction (a digit key pressed
by mistake) without forgetting the others.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QPushButton

from mnist_desk.example_store import ExampleStore, skipped_entry
from mnist_desk.inference import Predictor
from mnist_desk.ui.adapting_jobs import Adapted, AdaptingBase, adapt_job, prepare_job
from mnist_desk.ui.example_settings import examples_in_use, save_examples_in_use
from mnist_desk.ui.files import os_error_reason, shown
from mnist_desk.ui.fitted_label import as_wide_as_widest
from mnist_desk.ui.worker import InferenceWorker

MESSAGE_MS = 8000
# The canvas still this long, the user reads the answer and may correct it next: the adapting
# thread gets ready then (Adapter.prepare, once per model, ~3 s of both cores here), so the first
# correction is as quick as the later ones. Drawing meanwhile shares the CPU, never waits.
PREPARE_WHEN_STILL_MS = 1500


class Teaching(QObject):
    # The predictor the window should use now: adapted to the examples, or the plain one.
    predictor_ready = Signal(object)
    # An adaptation finished and its predictor was handed over (tests wait on it): the seconds it took.
    adapted = Signal(float)

    def __init__(
        self,
        window: QMainWindow,
        plain: Predictor,
        drawing: Callable[[], np.ndarray | None],
        root: Path | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("teaching")
        self._window, self._drawing = window, drawing
        self.store = ExampleStore(root)
        self.store.purge_stale()  # what a killed window forgot and could not delete
        self._base = AdaptingBase(plain)
        self._worker = InferenceWorker(plain, name="AdaptingThread", warm_up=False)
        self._closing = threading.Event()  # set on close: a running fit stops at its next step
        self._worker.job_finished.connect(self.on_worker_job_finished)
        self._worker.job_failed.connect(self.on_worker_job_failed)
        self._job: tuple[int, int, bool] | None = None  # (job id, generation, announce) of the newest adaptation
        self._generation = 0
        self._asides: list[Path] = []  # examples forgotten this session, newest last (undo restores it)
        self._kept: list[tuple[Path, int]] = []  # examples kept this session and their digits, newest last
        self.forget_last_action: Any = None  # Edit -> Forget the last example (set by the window's menus)
        self._still = QTimer(self, singleShot=True, interval=PREPARE_WHEN_STILL_MS)
        self._still.timeout.connect(self._prepare)
        self.enabled = examples_in_use()
        self.in_use = 0  # examples the predictor in use was adapted to
        self.adapting = False
        self.skipped: list[str] = []
        self.seconds: list[float] = []  # how long each adaptation took (wall time on its thread)
        self.count_label = QLabel(objectName="examplesStatus")
        self.undo_button = QPushButton(objectName="undoForgetButton", visible=False)
        self.undo_button.clicked.connect(self.undo_forget)
        window.statusBar().addPermanentWidget(self.undo_button)
        window.statusBar().addPermanentWidget(self.count_label)
        window.results.likeness.forget_requested.connect(self.forget_example)  # "Forget this example"
        self.undo_action: Any = None  # Edit -> Undo forget (set by the window's menus)
        self.retranslate()

    # --- texts --------------------------------------------------------------------------

    def retranslate(self) -> None:
        if not self.enabled:
            text = self.tr("My examples: off")
        elif self.adapting:
            text = self.tr("My examples: adapting…")
        elif self.in_use:
            text = self.tr("My examples: {count} in use").format(count=self.in_use)
        else:
            text = self.tr("My examples: none")
        self.count_label.setText(text)
        # The window's least width (window_size) has room for the widest.
        texts = (self.tr("My examples: off"), self.tr("My examples: adapting…"), self.tr("My examples: none"))
        as_wide_as_widest(self.count_label, (*texts, self.tr("My examples: {count} in use").format(count="8,888")))
        tip = self.tr(
            "Examples of your handwriting, in {folder}. When an answer is wrong, click the right digit's bar "
            "(or press its key on the canvas): the drawing is kept there and the network adapts to it."
        ).format(folder=shown(self.store.root))
        if self.skipped:
            tip += "\n\n" + self.tr("Skipped:") + "\n" + "\n".join(self._skipped_line(line) for line in self.skipped)
        self.count_label.setToolTip(tip)
        self.undo_button.setText(self.tr("Undo forget"))
        self.undo_button.setToolTip(self.tr("Bring back the examples you just forgot"))

    def _skipped_line(self, line: str) -> str:
        """``ExampleStore.load``'s "<path>: skipped (<reason>)" as the path and the reason in words."""
        path, reason = skipped_entry(line)
        if path is None:
            return shown(line)
        if "not a digit folder" in reason:
            words = self.tr("not a folder of one digit (0-9)")
        elif "too small" in reason:
            words = self.tr("too small to read")
        elif "empty" in reason or "no ink" in reason:
            words = self.tr("no ink in it")
        else:
            words = self.tr("not an image this app can read")
        return f"{shown(path)}: {words}"

    def _say(self, text: str, timeout: int = MESSAGE_MS) -> None:
        self._window.statusBar().showMessage(text, timeout)

    # --- adapting ---------------------------------------------------------------------------

    def start(self) -> None:
        """At start-up: adapt to the examples already kept, in the background."""
        if self.enabled and self.store.count():
            self._adapt(announce=False)
        else:
            self.retranslate()

    def set_plain(self, plain: Predictor) -> None:
        """Another model was loaded: the examples are adapted to it (the old adaptation is void)."""
        self._base = AdaptingBase(plain)
        self._generation += 1
        self.in_use = 0
        self.adapting = False
        if self.enabled and self.store.count():
            self._adapt(announce=True)
        self.retranslate()

    def on_canvas_changed(self) -> None:
        """The drawing changed: once it stays still a moment, get the adapter ready."""
        if self.enabled and not self._base.prepared():
            self._still.start()

    def _prepare(self) -> None:
        base = self._base
        if self.enabled and self._job is None and not base.prepared():
            self._worker.run_latest("prepare", lambda: prepare_job(base))  # its result is not needed

    def _adapt(self, announce: bool) -> None:
        self._generation += 1
        store, base = self.store, self._base
        job_id = self._worker.run_latest("adapt", lambda: adapt_job(store, base, self._closing.is_set))
        self._job = (job_id, self._generation, announce)
        self.adapting = True
        self.retranslate()

    def on_worker_job_finished(self, job_id: int, result: Adapted) -> None:
        if self._job is None or self._job[0] != job_id:
            return  # replaced by a newer adaptation
        _, generation, announce = self._job
        self._job = None
        if generation != self._generation or not self.enabled:
            return  # the examples changed since it started
        self.adapting = False
        # Said when it changes only: after every correction or undo it had replaced the message
        # that said what was done ("Forgot the example of 3 kept last") within a second (a review).
        # The tooltip keeps the list.
        news = list(result.skipped) != self.skipped
        self.skipped = list(result.skipped)
        self.in_use = result.count
        self.seconds.append(result.seconds)
        self.retranslate()
        self.predictor_ready.emit(result.predictor or self._base.plain)
        if self.skipped and news:
            count = len(self.skipped)
            self._say(
                self.tr("Skipped 1 file in the examples folder that is not an example")
                if count == 1
                else self.tr("Skipped {count} files in the examples folder that are not examples").format(count=count),
                2 * MESSAGE_MS,
            )
        elif announce and result.count:
            # The permanent label beside it already says how many are in use.
            self._say(self.tr("Adapted to my examples in {seconds} s").format(seconds=f"{result.seconds:.1f}"))
        self.adapted.emit(result.seconds)

    def on_worker_job_failed(self, job_id: int, exc: Exception) -> None:
        if self._job is None or self._job[0] != job_id or self._closing.is_set():
            return  # not the job on screen, or stopped because the window closes
        self._job = None
        self.adapting = False
        self.retranslate()
        self._say(self.tr("Could not adapt to my examples: {reason}").format(reason=shown(f"{exc}")), 2 * MESSAGE_MS)

    # --- the user's actions ------------------------------------------------------------------

    def teach(self, digit: int) -> Path | None:
        """Keep what is on the canvas as an example of ``digit`` and adapt; the file written, or None."""
        drawing = self._drawing()
        if drawing is None:
            self._say(self.tr("Draw a digit first, then say which digit it is"))
            return None
        try:
            path = self.store.add(drawing, digit)
        except OSError as exc:
            self._say(self.tr("Could not keep the example: {reason}").format(reason=os_error_reason(exc)))
            return None
        self._kept.append((path, int(digit)))
        self._show_undo()
        if not self.enabled:
            self._say(self.tr("Kept as an example of {digit} (my examples are switched off)").format(digit=digit))
            return path
        self._say(self.tr("Kept as an example of {digit} — adapting…").format(digit=digit), 0)
        self._adapt(announce=True)
        return path

    def set_enabled(self, on: bool) -> None:
        """Edit -> Use my examples: the adapted network, or the network as trained."""
        if on == self.enabled:
            return
        self.enabled = on
        save_examples_in_use(on)
        self._generation += 1
        self.in_use, self.adapting = 0, False
        if on and self.store.count():
            self._adapt(announce=True)
        else:
            self.predictor_ready.emit(self._base.plain)
            if not on:  # switching on says "Using N of my examples"; off was silent
                self._say(self.tr("My examples are off: the network reads as it was trained"))
        self.retranslate()

    def forget(self) -> bool:
        """Edit -> Forget my examples…: after asking, move them aside (undo brings them back). True if forgotten."""
        # What the last reading skipped is not an example, and is neither counted nor moved.
        leave = self._skipped_paths()
        count = len(self.store.files_to_forget(leave))
        if not count:
            self._say(self.tr("There are no examples to forget"))
            return False
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Forget my examples"),
            self.tr("Forget the one example of your handwriting?")
            if count == 1
            else self.tr("Forget all {count} examples of your handwriting?").format(count=count),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setObjectName("forgetBox")
        box.setInformativeText(
            self.tr("The network goes back to how it was trained. Until you close the window, Undo brings it back.")
            if count == 1
            else self.tr(
                "The network goes back to how it was trained. Until you close the window, Undo brings them back."
            )
        )
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Forget"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        if box.exec() != QMessageBox.StandardButton.Ok:
            return False
        try:
            aside = self.store.forget(leave)
        except OSError as exc:
            self._say(self.tr("Could not forget the examples: {reason}").format(reason=os_error_reason(exc)))
            return False
        if aside is not None:
            self._asides.append(aside)
        self._generation += 1
        self.in_use, self.adapting = 0, False  # what was skipped is still there, and still skipped
        self.predictor_ready.emit(self._base.plain)
        self._show_undo()
        self.retranslate()
        self._say(self.tr("Forgot 1 example") if count == 1 else self.tr("Forgot {count} examples").format(count=count))
        return True

    def forget_example(self, path: Path) -> bool:
        """ "Forget this example", beside the example a drawing is most like (where one filed under
        the wrong digit shows itself): moved aside as Forget my examples does, so Undo brings it
        back, and the network adapts to the others. True if forgotten."""
        leave = [other for _, other in self.store.files() if other != path] + self._skipped_paths()
        try:
            aside = self.store.forget(leave) if path.is_file() else None
        except OSError as exc:
            self._say(self.tr("Could not forget the example: {reason}").format(reason=os_error_reason(exc)))
            return False
        if aside is None:  # removed meanwhile (a file manager): the network follows the folder
            self._say(self.tr("That example is no longer in the examples folder: adapting to the others"))
            self._adapt_to_what_is_left()
            self.retranslate()
            return False
        self._asides.append(aside)
        self._say(self.tr("Forgot that example of {digit} (Undo brings it back)").format(digit=path.parent.name))
        self._adapt_to_what_is_left()
        self._show_undo()
        self.retranslate()
        return True

    def _skipped_paths(self) -> list[Path]:
        """The files the last reading skipped: not examples, so never counted or moved by a forget."""
        return [path for path, _ in map(skipped_entry, self.skipped) if path is not None]

    def _adapt_to_what_is_left(self) -> None:
        """After examples went: adapt to the rest, or go back to the plain network if none are left."""
        self._generation += 1
        self.in_use, self.adapting = 0, False
        if self.enabled and self.store.count():
            self._adapt(announce=False)
        else:
            self.predictor_ready.emit(self._base.plain)

    def undo_forget(self) -> None:
        """Bring back the examples forgotten last (and keep any added since)."""
        if not self._asides:
            return
        one = len(ExampleStore(self._asides[-1]).files()) == 1
        try:
            self.store.restore(self._asides[-1])
        except OSError as exc:
            self._say(self.tr("Could not bring the examples back: {reason}").format(reason=os_error_reason(exc)))
            return
        self._asides.pop()
        self._show_undo()
        self._say(self.tr("The example is back — adapting…") if one else self.tr("My examples are back — adapting…"), 0)
        if self.enabled:
            self._adapt(announce=True)
        self.retranslate()

    def forget_last(self) -> bool:
        """Edit -> Forget the last example: delete the example kept last this session and adapt
        without it. A digit key pressed by mistake keeps a wrong example, and the network then
        learns it; this takes it back without forgetting all the others. True if one was deleted."""
        left = [(path, digit) for path, digit in self._kept if path.exists()]  # not forgotten since
        if not left:
            self._say(self.tr("No example kept since the window opened is left to forget"))
            self._show_undo()
            return False
        path, digit = left[-1]
        try:
            path.unlink()
        except OSError as exc:
            self._say(self.tr("Could not forget the example: {reason}").format(reason=os_error_reason(exc)))
            return False
        self._kept.remove((path, digit))
        with contextlib.suppress(OSError):  # best effort: the example is gone, the network must follow
            path.parent.rmdir()  # no empty digit folder left behind (refused while it holds anything)
        self._show_undo()
        self._say(self.tr("Forgot the example of {digit} kept last").format(digit=digit))
        self._adapt_to_what_is_left()
        self.retranslate()
        return True

    def set_forget_last_action(self, action: Any) -> None:
        """Edit -> Forget the last example: enabled while an example kept this session is left."""
        self.forget_last_action = action
        self._show_undo()

    def set_undo_action(self, action: Any) -> None:
        """Edit -> Undo forget: enabled while there is something to bring back."""
        self.undo_action = action
        self._show_undo()

    def _show_undo(self) -> None:
        self.undo_button.setVisible(bool(self._asides))
        if self.undo_action is not None:
            self.undo_action.setEnabled(bool(self._asides))
        if self.forget_last_action is not None:  # examples forgotten all at once are not "left"; undone, they are
            self.forget_last_action.setEnabled(any(path.exists() for path, _ in self._kept))

    def close(self) -> None:
        """The window closes: stop adapting, and delete what was forgotten and not brought back."""
        self._closing.set()
        self._still.stop()
        self._worker.stop()
        for aside in self._asides:
            ExampleStore.purge(aside)
        self._asides.clear()


__all__ = ["Teaching"]
