"""How ``--help`` shows an option's default: once, and only when it says something."""

from __future__ import annotations

import argparse


class DefaultsWhereUseful(argparse.ArgumentDefaultsHelpFormatter):
    """argparse's "(default: X)", except where the help names its default already or X is
    None or False: "(default: the bundled model) (default: None)" said it twice."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return super()._get_help_string(action) or text


__all__ = ["DefaultsWhereUseful"]
