"""The user's labelled drawings: ``examples/<digit>/<timestamp>.png``.

The window keeps each correction there (in the user data directory) and
``mnist-desk predict --examples DIR`` reads a folder laid out the same way:
a layout a person can look at, tidy up or copy in a file manager. Anything
else found there (a foreign file, a damaged PNG, an unreadable folder) is
skipped with a reason, never an exception: :mod:`mnist_desk.examples` adapts
the network to what could be read.

Qt-free, like the rest of the core.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from mnist_desk.preprocess import EmptyImageError, ImageError, load_image, preprocess


def default_examples_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mnist-desk", appauthor=False)) / "examples"


# --- the store ---------------------------------------------------------------------------


@dataclass
class LoadedExamples:
    """Examples ready for adapting: 28x28 inputs, labels, and what was skipped and why."""

    inputs: np.ndarray  # (N, 28, 28) float32, as preprocess makes them
    labels: np.ndarray  # (N,) int64
    paths: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)


class ExampleStore:
    """``<root>/<digit>/<timestamp>.png``: the user's labelled drawings."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_examples_dir()

    def files(self) -> list[tuple[int, Path]]:
        """(digit, path) of every PNG in the digit folders, oldest first."""
        return self._scan()[0]

    def _scan(self) -> tuple[list[tuple[int, Path]], list[str]]:
        """The examples' files, and what else lies in the digit folders (why it is not read).

        Names starting with a dot are passed over in silence: a write in progress
        (``.<stamp>.png.tmp``) or a file manager's own files.
        """
        found, skipped = [], []
        for digit in range(10):
            folder = self.root / str(digit)
            try:
                if not folder.is_dir():
                    continue
                entries = sorted(folder.iterdir())
            except OSError as exc:
                skipped.append(f"{folder}: skipped (cannot be read: {exc.strerror or exc})")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                why = _not_an_example(entry)
                if why:
                    skipped.append(f"{entry}: skipped ({why})")
                else:
                    found.append((digit, entry))
        return found, skipped

    def count(self) -> int:
        return len(self.files())

    def add(self, drawing: np.ndarray, digit: int) -> Path:
        """Keep ``drawing`` (greyscale uint8, as the canvas holds it) as an example of ``digit``."""
        if not 0 <= int(digit) <= 9:
            raise ValueError(f"an example must be a digit 0-9, not {digit!r}")
        folder = self.root / str(int(digit))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{stamp}.png"
        tmp = folder / f".{stamp}.png.tmp"
        try:
            Image.fromarray(np.asarray(drawing, dtype=np.uint8)).save(tmp, format="PNG")
            os.replace(tmp, path)  # a crash mid-write never leaves half a PNG among the examples
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk left one hidden temporary per key pressed
            raise
        return path

    def load(self) -> LoadedExamples:
        """Every readable example, preprocessed; a bad or foreign file is skipped with a reason."""
        inputs, labels, paths = [], [], []
        files, skipped = self._scan()
        for digit, path in files:
            try:
                inputs.append(preprocess(load_image(path)))
            except (ImageError, EmptyImageError) as exc:
                message = str(exc).removeprefix(f"{path}: ")  # the line names the file already
                skipped.append(f"{path}: skipped ({message})")
                continue
            labels.append(digit)
            paths.append(path)
        skipped += self._strays()
        stacked = np.stack(inputs).astype(np.float32) if inputs else np.zeros((0, 28, 28), np.float32)
        return LoadedExamples(stacked, np.array(labels, dtype=np.int64), paths, skipped)

    def _strays(self) -> list[str]:
        """What lies beside the digit folders, each with why it is not read."""
        try:
            if not self.root.is_dir():
                return []
            entries = sorted(self.root.iterdir())
        except OSError as exc:
            return [f"{self.root}: cannot be read ({exc.strerror or exc})"]
        digits = {str(d) for d in range(10)}
        strays = []
        for entry in entries:
            if entry.name.startswith(".") or (entry.name in digits and entry.is_dir()):
                continue
            why = "a file, not a digit folder" if entry.name in digits else "not a digit folder 0-9"
            strays.append(f"{entry}: skipped ({why})")
        return strays

    def forget(self, leave: Collection[Path] = ()) -> Path | None:
        """Move every example aside (returned, for :meth:`restore`); None if there were none.
        The files in ``leave`` stay where they are: those :meth:`load` skipped, which the window
        had called "not examples" and then forgotten with the rest, and deleted on close (a
        hostile review).

        Only the examples move, file by file, into a hidden folder inside the examples
        folder: the folder may be shared with other files (``MNIST_DESK_EXAMPLES`` pointed
        at ~/Documents), and moving the folder itself aside, then deleting it on close,
        deleted everything in it (a hostile review).
        """
        files = self.files_to_forget(leave)
        if not files:
            return None
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = self.root / f"{FORGOTTEN_PREFIX}{stamp}"
        moved: list[tuple[Path, Path]] = []
        try:
            for digit, path in files:
                (aside / str(digit)).mkdir(parents=True, exist_ok=True)
                os.replace(path, aside / str(digit) / path.name)
                moved.append((path, aside / str(digit) / path.name))
        except OSError:
            # All or nothing: a folder that refuses halfway leaves every example where it was
            # (half of them had stayed hidden, with no Undo; a hostile review).
            for back, there in reversed(moved):
                with contextlib.suppress(OSError):
                    os.replace(there, back)
            self.purge(aside)
            raise
        for _, path in files:
            _remove_if_empty(path.parent)
        return aside

    def files_to_forget(self, leave: Collection[Path] = ()) -> list[tuple[int, Path]]:
        """:meth:`files` less those in ``leave``."""
        kept = set(leave)
        return [(digit, path) for digit, path in self.files() if path not in kept]

    def restore(self, aside: Path) -> None:
        """Undo :meth:`forget`: examples added since are kept too."""
        for digit, path in ExampleStore(aside).files():
            (self.root / str(digit)).mkdir(parents=True, exist_ok=True)
            os.replace(path, self.root / str(digit) / path.name)
        self.purge(aside)

    def purge_stale(self, now: float | None = None) -> int:
        """Delete examples forgotten over a day ago whose window was killed before it could
        (a normal close deletes them); another window's recent ones are left. How many folders."""
        now = time.time() if now is None else now
        purged = 0
        try:
            asides = [p for p in self.root.glob(f"{FORGOTTEN_PREFIX}*") if p.is_dir()]
            for aside in asides:
                if now - aside.stat().st_mtime > STALE_FORGOTTEN_S:
                    self.purge(aside)
                    purged += 1
        except OSError:
            pass  # an unreadable folder: nothing to tidy that we could tidy
        return purged

    @staticmethod
    def purge(aside: Path) -> None:
        """Delete forgotten examples for good: the files :meth:`forget` moved, and its folders.

        Nothing else: whatever else lies there (it never should) stays.
        """
        for _, path in ExampleStore(aside).files():
            path.unlink(missing_ok=True)
        for digit in range(10):
            _remove_if_empty(aside / str(digit))
        _remove_if_empty(aside)


def skipped_entry(line: str) -> tuple[Path | None, str]:
    """The file a line of :attr:`LoadedExamples.skipped` ("<path>: skipped (<why>)") names, and why
    (None and the whole line for a line of another form)."""
    path, _, why = line.rpartition(": skipped (")
    return (Path(path), why.removesuffix(")")) if path else (None, line)


FORGOTTEN_PREFIX = ".forgotten-"  # hidden, so never read as examples nor named as strays
STALE_FORGOTTEN_S = 24 * 3600  # forgotten this long ago by a window that never closed: purged


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # refuses a folder that still holds anything


def _not_an_example(entry: Path) -> str:
    """Why ``entry`` in a digit folder is not read as an example ("" when it is one)."""
    try:
        if entry.is_dir():
            return "a folder inside a digit folder; examples lie directly in it"
        if entry.suffix.lower() != ".png":
            return "not a PNG; examples are PNG drawings"
        if entry.is_symlink() and not entry.exists():  # exists() follows the link, as reading would
            return "a symbolic link to nothing (its target is gone, or it leads back to itself)"
        if not entry.is_file():
            return "not a regular file (a pipe, a device or a socket)"
    except OSError as exc:  # a symlink loop, a name the system refuses
        return f"cannot be read: {exc.strerror or exc}"
    return ""


__all__ = ["ExampleStore", "LoadedExamples", "default_examples_dir", "skipped_entry"]
