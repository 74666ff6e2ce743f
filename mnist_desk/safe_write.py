"""Replacing a file whole or not at all.

A write straight into an existing file that fails halfway (a full disk) leaves
neither the old file nor the new one: the bytes go to a temporary beside it,
renamed over it only once all are written. The result looks like a plain
write: the old file's permissions (or the umask's for a new one), and a
symlink written through rather than replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def replace_whole(path: Path, data: bytes, *, through_links: bool = True, durable: bool = True) -> None:
    """Write ``data`` as ``path``; on any error the old file is as it was and no temporary is left.

    ``through_links=False`` replaces a link at ``path`` itself instead of writing its target
    (a cache's file: whatever a link there points to is not ours to overwrite).
    ``durable=False`` skips the fsync, for a file that checks itself when read (a cache's,
    with its digest): a power cut may then leave it cut short, never half old and half new.
    """
    target = Path(os.path.realpath(path)) if through_links and path.is_symlink() else path
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), plain_write_mode(target))
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())  # the rename must not land before the bytes do
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def plain_write_mode(target: Path) -> int:
    """The permissions a plain write would leave: the old file's, or what the umask allows
    (mkstemp's temporaries are private, 0600: renamed into place, a shared file went private)."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    mask = os.umask(0)  # reading the umask means setting it: put back at once
    os.umask(mask)
    return 0o666 & ~mask


__all__ = ["plain_write_mode", "replace_whole"]
