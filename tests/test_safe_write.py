"""replace_whole: a file is replaced whole or left as it was (a full disk had truncated the
drawing being saved over: a hostile review of the window)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from mnist_desk import safe_write
from mnist_desk.safe_write import replace_whole


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    old = tmp_path / "my_best_seven.png"
    old.write_bytes(b"the old picture")

    def full_disk(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        replace_whole(old, b"the new picture, longer than the space left")
    assert old.read_bytes() == b"the old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["my_best_seven.png"]


def test_it_writes_like_a_plain_write(tmp_path):
    old = tmp_path / "shared.png"
    old.write_bytes(b"old")
    old.chmod(0o664)
    replace_whole(old, b"new")
    assert old.read_bytes() == b"new" and stat.S_IMODE(old.stat().st_mode) == 0o664  # the mode kept
    link, target = tmp_path / "link.png", tmp_path / "target.png"
    target.write_bytes(b"")
    link.symlink_to(target)
    replace_whole(link, b"through")
    assert link.is_symlink() and target.read_bytes() == b"through"
    mask = os.umask(0o027)
    try:
        replace_whole(tmp_path / "fresh.png", b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "fresh.png").stat().st_mode) == 0o640  # not mkstemp's 0600


def test_a_cache_replaces_a_link_itself_and_leaves_its_target_alone(tmp_path):
    link, target = tmp_path / "cache.pt", tmp_path / "precious.txt"
    target.write_bytes(b"the user's own words")
    link.symlink_to(target)
    replace_whole(link, b"cached", through_links=False, durable=False)
    assert not link.is_symlink() and link.read_bytes() == b"cached"
    assert target.read_bytes() == b"the user's own words"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.pt", "precious.txt"]  # no temporary left
