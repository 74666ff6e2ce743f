"""argparse types for ``python -m training``: each refuses a bad value with the reason, before any work."""

from __future__ import annotations

import argparse
import math


def whole_number(low: int, high: int | None = None):
    """An argparse type: an integer in [low, high], or an error that says why not."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bound}, not {value}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its messages
    return parse


def share(text: str) -> float:
    """An argparse type: a share of something, more than 0 and at most 1."""
    value = positive_number(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be at most 1, not {text}")
    return value


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def non_negative_number(text: str) -> float:
    """A finite number, 0 or more (0 switches the option off, as its default does)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


# Drawings added to the training set are kept in memory (784 bytes each): beyond this the
# run died with numpy's MemoryError traceback after the data was loaded (a review).
MOST_DRAWINGS = 1_000_000
MOST_PEN_RENDERS = 100  # times the 4,997 pen digits of the training writers
# torch.manual_seed takes a 64-bit seed; a larger one failed after the data was loaded.
SEED = whole_number(0, 2**63 - 1)
