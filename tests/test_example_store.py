"""The user's example store: its layout, bad and foreign files, forget and undo, purging."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_desk.example_store import ExampleStore, skipped_entry


def a_drawing(digit: int, seed: int = 0) -> np.ndarray:
    from training.drawn import draw_digit

    return np.asarray(draw_digit(digit, np.random.default_rng(seed)))


def test_examples_are_kept_as_digit_folders_of_pngs(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    first = store.add(a_drawing(4), 4)
    second = store.add(a_drawing(7), 7)
    assert first.parent == tmp_path / "examples" / "4" and first.suffix == ".png"
    assert second.parent.name == "7"
    assert store.count() == 2
    loaded = store.load()
    assert loaded.labels.tolist() == [4, 7] and loaded.inputs.shape == (2, 28, 28)
    assert not loaded.skipped
    assert not list((tmp_path / "examples").rglob("*.tmp"))


def test_a_bad_or_foreign_file_is_skipped_with_a_reason(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    store.add(a_drawing(3), 3)
    (tmp_path / "examples" / "3" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    blank = np.full((280, 280), 255, np.uint8)
    store.add(blank, 5)
    (tmp_path / "examples" / "notes").mkdir()
    (tmp_path / "examples" / "3" / "readme.txt").write_text("mine")
    loaded = store.load()
    assert loaded.labels.tolist() == [3]
    reasons = "\n".join(loaded.skipped)
    assert "broken.png: skipped" in reasons and "notes: skipped" in reasons and "empty" in reasons


def test_whatever_else_lies_in_the_folders_is_named_with_why_it_is_not_read(tmp_path: Path):
    # A hostile review: these were skipped in silence, or (an unreadable folder) a traceback.
    root = tmp_path / "examples"
    store = ExampleStore(root)
    store.add(a_drawing(3), 3)
    Image.fromarray(a_drawing(3)).save(root / "3" / "photo.jpg")
    (root / "3" / "nested").mkdir()
    (root / "3" / "loop.png").symlink_to(root / "3" / "loop.png")
    (root / "3" / "gone.png").symlink_to(root / "3" / "moved-away.png")
    (root / "3" / ".20260101-000000-000000.png.tmp").write_bytes(b"half")  # a write in progress: silent
    (root / "5").write_text("a file named like a digit folder")
    os.mkfifo(root / "3" / "pipe.png")
    loaded = store.load()
    assert loaded.labels.tolist() == [3]
    reasons = {Path(line.split(": skipped (")[0]).name: line.split(": skipped (")[1] for line in loaded.skipped}
    assert reasons["photo.jpg"].startswith("not a PNG")
    assert reasons["nested"].startswith("a folder inside a digit folder")
    # Both links were "not a regular file", as a pipe is (a hostile review).
    assert reasons["loop.png"].startswith("a symbolic link to nothing")
    assert reasons["gone.png"].startswith("a symbolic link to nothing")
    assert reasons["pipe.png"].startswith("not a regular file")
    assert reasons["5"].startswith("a file, not a digit folder")
    assert len(loaded.skipped) == 6  # the temporary file is not mentioned


def test_a_damaged_examples_message_names_the_file_once(tmp_path: Path):
    store = ExampleStore(tmp_path)
    (tmp_path / "4").mkdir()
    (tmp_path / "4" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (line,) = store.load().skipped
    assert line.count("broken.png") == 1 and line.startswith(str(tmp_path / "4" / "broken.png") + ": skipped (")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_digit_folder_is_skipped_with_a_reason(tmp_path: Path):
    store = ExampleStore(tmp_path)
    store.add(a_drawing(2), 2)
    store.add(a_drawing(3), 3)
    (tmp_path / "3").chmod(0)
    try:
        loaded = store.load()
    finally:
        (tmp_path / "3").chmod(0o755)
    assert loaded.labels.tolist() == [2]
    assert any(line.startswith(f"{tmp_path / '3'}: skipped (cannot be read") for line in loaded.skipped)


def test_an_unreadable_folder_is_skipped_even_as_root(tmp_path: Path, monkeypatch):
    # The same path as above, for machines (CI) that run the tests as root.
    store = ExampleStore(tmp_path)
    store.add(a_drawing(2), 2)
    store.add(a_drawing(3), 3)
    real = Path.iterdir

    def refusing(self):
        if self == tmp_path / "3":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", refusing)
    loaded = store.load()
    assert loaded.labels.tolist() == [2]
    assert f"{tmp_path / '3'}: skipped (cannot be read: Permission denied)" in loaded.skipped


def test_an_example_must_be_a_digit(tmp_path: Path):
    with pytest.raises(ValueError, match="digit 0-9"):
        ExampleStore(tmp_path).add(a_drawing(1), 10)


def test_forgetting_moves_everything_aside_and_undo_brings_it_back(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    store.add(a_drawing(2), 2)
    store.add(a_drawing(9), 9)
    aside = store.forget()
    assert aside is not None and store.count() == 0
    store.add(a_drawing(1), 1)  # added after forgetting: undo must keep it too
    store.restore(aside)
    assert sorted(d for d, _ in store.files()) == [1, 2, 9]
    assert not aside.exists()
    assert ExampleStore(tmp_path / "nothing").forget() is None


def test_forgetting_leaves_what_loading_skipped(tmp_path: Path):
    store = ExampleStore(tmp_path / "examples")
    good = store.add(a_drawing(2), 2)
    blank = store.add(np.full((280, 280), 255, np.uint8), 3)
    (tmp_path / "examples" / "3" / "broken.png").write_bytes(b"\x89PNG broken")
    leave = [skipped_entry(line)[0] for line in store.load().skipped]
    assert sorted(leave) == sorted([blank, tmp_path / "examples" / "3" / "broken.png"])
    aside = store.forget(leave)
    assert aside is not None and not good.exists() and blank.exists()
    ExampleStore.purge(aside)
    assert blank.exists() and (tmp_path / "examples" / "3" / "broken.png").exists()
    assert store.forget(leave) is None  # nothing else to forget


def test_forgetting_in_a_shared_folder_moves_and_deletes_only_the_examples(tmp_path: Path):
    # MNIST_DESK_EXAMPLES pointed at ~/Documents: forgetting moved the whole folder aside and
    # closing the window deleted it, a thesis and tax papers with it (a hostile review).
    docs = tmp_path / "Documents"
    (docs / "thesis").mkdir(parents=True)
    (docs / "thesis" / "chapter1.tex").write_text("a year of work")
    (docs / "3").mkdir()
    (docs / "3" / "notes.txt").write_text("mine, in a digit folder")
    store = ExampleStore(docs)
    kept = [store.add(a_drawing(4), 4), store.add(a_drawing(3), 3)]
    mine = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p not in kept)
    aside = store.forget()
    assert aside is not None and aside.parent == docs and store.count() == 0
    assert not any(".forgotten" in line for line in store.load().skipped)  # hidden: never read, never named
    store.purge(aside)
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == mine
    assert not (docs / "4").exists()  # the digit folder the examples had made is gone with them
    assert (docs / "3" / "notes.txt").read_text() == "mine, in a digit folder"


def test_a_forget_that_fails_halfway_leaves_every_example_where_it_was(tmp_path: Path, monkeypatch):
    # A digit folder that refused the move had left the examples before it hidden, with no Undo.
    import mnist_desk.example_store as example_store

    store = ExampleStore(tmp_path)
    paths = [store.add(a_drawing(d), d) for d in (1, 2, 5, 8)]
    real = os.replace

    def refusing(src, dst):
        if Path(src).parent.name == "5":
            raise PermissionError(1, "Operation not permitted")
        return real(src, dst)

    monkeypatch.setattr(example_store.os, "replace", refusing)
    with pytest.raises(PermissionError):
        store.forget()
    monkeypatch.undo()
    assert all(p.exists() for p in paths) and store.count() == 4
    assert not list(tmp_path.glob(".forgotten-*"))


def test_a_failed_write_of_an_example_leaves_no_temporary(tmp_path: Path, monkeypatch):
    def full_disk(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"half a png")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
    with pytest.raises(OSError):
        ExampleStore(tmp_path).add(a_drawing(7), 7)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_examples_forgotten_by_a_window_killed_a_day_ago_are_purged_recent_ones_kept(tmp_path: Path):
    store = ExampleStore(tmp_path)
    store.add(a_drawing(3), 3)
    old_aside = store.forget()
    store.add(a_drawing(5), 5)
    recent = store.forget()
    hour, day = 3600, 24 * 3600
    now = old_aside.stat().st_mtime
    os.utime(old_aside, (now - day - hour, now - day - hour))
    assert store.purge_stale(now) == 1
    assert not old_aside.exists() and recent.exists() and ExampleStore(recent).count() == 1
