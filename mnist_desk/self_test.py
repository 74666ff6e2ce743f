"""``mnist-desk --self-test`` lives in :mod:`mnist_desk.ui.self_test` (it builds the window).

This Qt-free forwarder keeps ``from mnist_desk.self_test import run_self_test``
in ``cli.py`` working; Qt is imported only when the self-test runs. Once
``cli.py`` imports ``mnist_desk.ui.self_test`` itself, delete this file.
"""

from __future__ import annotations


def run_self_test() -> int:
    from mnist_desk.ui.self_test import run_self_test as run

    return run()
