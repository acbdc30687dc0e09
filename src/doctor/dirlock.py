"""An exclusive flock on a folder's own inode: the project's lock, and the repository's.

Locking the folder itself, not a file in someone's state dir, makes two runs exclude each other
whoever runs them (a user and sudo, two HOMEs), and taking it writes nothing, so a full disk or a
read-only state dir cannot stop it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class LockError(Exception):
    """The lock could not be taken for a reason other than another run holding it."""


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float, waited: list[float] | None = None) -> Iterator[bool]:
    """Hold an exclusive flock on `folder` (waiting up to `timeout` s); False when another run held
    it all that time; LockError (one line) when the folder cannot be opened. When another run held
    it first, the seconds waited are appended to `waited`."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise LockError(f"cannot lock {folder}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + timeout
        contended = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise LockError(f"cannot lock {folder}: {exc.strerror or exc}") from None
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
                contended = True
        if contended and waited is not None:
            waited.append(timeout - (deadline - time.monotonic()))
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
