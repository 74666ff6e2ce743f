"""The progress bar says what its rate counts."""

from __future__ import annotations

import io

import training.progress as progress
from training.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_names_its_unit(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    stream = Terminal()
    bar = ProgressBar(1280, "epoch 1", stream=stream, unit="images")
    clock.now = 2.0
    bar.update(1280, "loss 0.1234")
    assert "640.0 images/s" in stream.getvalue() and "loss 0.1234" in stream.getvalue()


def test_a_resumed_epoch_counts_only_the_work_done_since(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    stream = Terminal()
    bar = ProgressBar(1000, "epoch 3", stream=stream, unit="images", initial=900)
    clock.now = 10.0
    bar.update(1000)
    assert "10.0 images/s" in stream.getvalue() and "100.0%" in stream.getvalue()


def test_downloads_show_megabytes_per_second(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    stream = Terminal()
    bar = ProgressBar(9_912_422, "train-images-idx3-ubyte.gz", stream=stream, unit="MB", scale=1e6)
    clock.now = 4.0
    bar.update(9_912_422)
    assert "2.5 MB/s" in stream.getvalue()


def test_quiet_when_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(10, "epoch 1", stream=stream, unit="images")
    bar.update(10)
    bar.close()
    assert stream.getvalue() == ""
