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


def replace_whole(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path``; on any error the old file is as it was and no temporary is left."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~umask())
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # the rename must not land before the bytes do
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def umask() -> int:
    """The process's umask (reading it means setting it: put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["replace_whole", "umask"]
