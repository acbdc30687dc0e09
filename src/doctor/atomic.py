"""Write a file all at once or not at all: every file doctor writes goes through here."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` by `data` or nothing: temp file beside it, fsync, rename, fsync the folder.

    An existing file keeps its mode and owner; a new one gets the umask mode and its folder's
    owner. Every file doctor writes (fixes, reports, the baseline) goes through here.
    """
    info = os.stat(path) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".doctor-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            _copy_owner(handle.fileno(), info, path.parent)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _copy_owner(fd: int, info: os.stat_result | None, parent: Path) -> None:
    """Give the temp file the original's mode and owner (a new file: umask mode, the folder's owner)."""
    if info is not None:
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
        uid, gid = info.st_uid, info.st_gid
    else:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        folder = os.stat(parent)
        uid, gid = folder.st_uid, folder.st_gid  # doctor run as root must not leave root-owned files
    if (uid, gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(fd, uid, gid)
