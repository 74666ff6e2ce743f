"""CheckpointError, apart from checkpoint.py: that module imports torch (about a second), and the
command line names this error before it knows whether any checkpoint will be read. Imported
there, ``mnist-desk --version`` took 1.4 s and a Ctrl-C in that second printed a traceback
instead of "interrupted" (the import ran before ``main`` could catch it)."""

from __future__ import annotations


class CheckpointError(ValueError):
    """The file is not a usable mnist-desk checkpoint."""


__all__ = ["CheckpointError"]
