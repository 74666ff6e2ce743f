"""Where ``mnist-desk predict`` reads and writes: safe lines on stdout, input files, ``--out``.

A result is written whole or not at all: ``--out`` goes to a temporary file
beside the target, renamed over it at the end. The renamed file keeps what
the user would expect of a plain write: the permissions the umask (or the old
file) gives, and a symlink is written through, not replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mnist_desk.digit_csv import DataError
from mnist_desk.safe_write import plain_write_mode


def without_path(path: object, message: str) -> str:
    """A loader's message without the file's name in front (the window shows such messages
    alone, so they name it): the record names the file already ("corrupt.png: error:
    corrupt.png: not a readable image" said it twice)."""
    for named in (str(path), str(Path(path)) if path else ""):  # as typed, or as the loader wrote it
        if named and message.startswith(f"{named}: "):
            return message[len(named) + 2 :]
    return message


class OutputError(ValueError):
    """The output cannot be written (a file, or stdout itself)."""


def display(text: str) -> str:
    """Text safe to print anywhere: bytes of a non-UTF-8 file name shown as \\xff escapes.

    Python keeps such bytes as lone surrogates ('\\udcff'), which a strict
    UTF-8 stdout refuses to encode and JSON parsers may reject.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


@contextlib.contextmanager
def _writing_stdout() -> Iterator[None]:
    """A full disk becomes an :class:`OutputError`; a reader that went away (``| head``)
    stays a BrokenPipeError, for ``main`` to end quietly on."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output ({exc.strerror or exc})") from exc


def write_line(text: str) -> None:
    """Print one line that the stream's encoding can always carry (even ASCII)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    with _writing_stdout():
        sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")


def flush_stdout() -> None:
    """Push out what stdout still holds."""
    with _writing_stdout():
        sys.stdout.flush()


def read_input_file(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO or device would block or never end."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{path}: not a regular file")
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def output_target(out: Path, source: Path) -> Path:
    """The file ``--out`` really names: through a symlink, and never the input itself.

    A rename over a symlink would replace the link and leave its target
    untouched; writing the submission over the CSV it was read from would
    destroy the user's data (both found by a hostile review).
    """
    target = Path(os.path.realpath(out)) if out.is_symlink() else out
    try:
        same = target.exists() and source.exists() and os.path.samefile(target, source)
    except OSError:
        same = False
    if same:
        raise OutputError(f"--out {out} is the --csv file itself; writing there would replace the digits read")
    return target


def reserve_output(out: Path) -> Path | None:
    """Check before any work that ``out`` can be written; return a temporary beside it.

    The result is written to the temporary and renamed over ``out`` at the
    end, so a failure never leaves half a submission. None means ``out`` is
    an existing special file (``/dev/stdout``, a FIFO), written in place.
    """
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder; give a file name, such as {out / 'submission.csv'}")
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"--out {out}: the folder {parent} does not exist")
    if out.exists():
        if not os.access(out, os.W_OK):
            raise OutputError(f"--out {out}: the file is not writable")
        if not out.is_file():
            return None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {parent} ({exc.strerror or exc})") from exc
    try:
        os.fchmod(fd, plain_write_mode(out))  # a submission in a shared folder stays readable
    finally:
        os.close(fd)
    return Path(name)


__all__ = ["OutputError", "display", "flush_stdout", "output_target", "read_input_file", "reserve_output", "write_line"]
