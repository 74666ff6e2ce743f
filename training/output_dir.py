"""Checking, before any work, that a command can write where it was told to."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, remove_stale_temporaries


class OutputError(ValueError):
    """--out cannot receive the run's files."""


RUN_FILES = ("model.pt", "metrics.json", "report.png")


def check_output_dir(out: Path, files: tuple[str, ...] = RUN_FILES) -> None:
    """Make sure ``out`` is a folder we can write, before any data is loaded or step taken.

    A read-only filesystem, a path under /sys or an existing file used to fail
    with a traceback after a whole epoch, leaving nothing saved. So did a folder
    where a run's file goes, and a FIFO named metrics.json hung the run at its end.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file; give a folder (model.pt, metrics.json and report.png go in it)")
    for name in files:
        if (out / name).exists() and not (out / name).is_file():
            raise OutputError(f"--out {out}: {name} there is not a file; remove it or give another folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-") as probe:
            probe.write(b"mnist-desk")
            probe.flush()
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write there ({exc.strerror or exc})") from exc
    remove_stale_temporaries(out / "model.pt")


def check_not_losing_a_run(out: Path, dry_run: bool) -> None:
    """Refuse a new ``train`` that would write over an unfinished run in ``out`` (hours of epochs
    that ``--resume`` finishes), or a ``--dry-run`` ("to check the set-up") over a finished model:
    both were replaced without a word (a review). A finished model is replaced by a real run, as
    documented; a damaged file there is replaced too."""
    saved = out / "model.pt"
    if not saved.is_file():
        return
    try:
        ckpt = load_checkpoint(saved)
    except (CheckpointError, OSError):
        return
    if ckpt.resume is not None:
        epoch = ckpt.resume.get("epoch")
        raise OutputError(
            f"--out {out} holds an unfinished run (saved after epoch {epoch}): finish it with the same options and "
            f"--resume {saved}, or give another --out"
        )
    if dry_run:
        raise OutputError(f"--out {out} holds a trained model: a --dry-run would replace it; give another --out")


__all__ = ["RUN_FILES", "OutputError", "check_not_losing_a_run", "check_output_dir"]
