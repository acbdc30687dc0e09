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
from collections.abc import Callable, Iterator
from pathlib import Path


class LockError(Exception):
    """The lock could not be taken for a reason other than another run holding it."""


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float, waited: list[float] | None = None,
                on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an exclusive flock on `folder` (waiting up to `timeout` s); False when another run held
    it all that time; LockError (one line) when the folder cannot be opened. When another run held
    it first, the seconds waited are appended to `waited`, and `on_wait` is called once, as the
    wait begins (a terminal that shows nothing for 30 s looks hung)."""
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
                if not contended and on_wait is not None and timeout > 0:
                    on_wait()
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


def holder(folder: Path) -> str:
    """` (pid N 'name')` of the process holding the flock on `folder`, read from /proc/locks
    (Linux; a pid of another pid namespace reads 0 there); '' when it cannot be told."""
    try:
        st = os.stat(folder)
        inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            # "1: FLOCK  ADVISORY  WRITE 13869 fe:00:2867269 0 EOF"; a waiter's line has "->" second
            pid = next((f[4] for f in map(str.split, locks) if len(f) > 5 and f[1] == "FLOCK" and f[5] == inode), "")
    except (OSError, ValueError):
        return ""
    if not pid.isdigit() or pid == "0":
        return ""
    try:  # the program's name only: its command line may carry a secret
        name = Path(f"/proc/{pid}/comm").read_text(errors="replace").strip()
    except OSError:
        return f" (pid {pid})"
    return f" (pid {pid} {name!r})"
