"""Reading a project's files without hanging or exhausting memory.

A `.env` that is a FIFO blocks `read()` forever, an env_file pointing at /dev/zero never
ends, a 3 GB log named `compose.yaml` fills the memory. Every file doctor reads from a project
goes through `read_regular`: regular files only (symlinks followed), at most `limit` bytes.
A refusal is an OSError whose `strerror` is one clear reason, so callers that already turn
"permission denied" into a finding say this the same way.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from doctor.project.inputs import probed, unsure

__all__ = ["COMPOSE_LIMIT", "ENV_LIMIT", "TEXT_LIMIT", "RefusedFile", "read_regular", "read_regular_text"]

# compose itself reads any size; parsing YAML costs doctor ~0.4 s/MB, so 16 MB is ~7 s.
COMPOSE_LIMIT = 16 * 1024 * 1024
ENV_LIMIT = 16 * 1024 * 1024
TEXT_LIMIT = 8 * 1024 * 1024  # Dockerfiles, manifests, Makefiles

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class RefusedFile(OSError):
    """A file doctor will not read: not a regular file, or larger than its limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EINVAL, reason)


def _refusal(mode: int) -> str | None:
    for test, kind in _KINDS:
        if test(mode):
            return f"{kind}, not a regular file"
    return None if stat.S_ISREG(mode) else "not a regular file"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; RefusedFile (an OSError) otherwise.

    A file that exists but cannot be read (a permission, an I/O error) is no fact of its stat
    (joining the file's group changes none of it): the caches are told (memo.unreadable,
    inputs.unsure), so what the caller makes of the error is not remembered.
    """
    try:
        return _read_regular(path, limit)
    except (RefusedFile, FileNotFoundError, NotADirectoryError):  # facts of its stat (kind, size, absence)
        raise
    except OSError:
        from doctor.project.memo import unreadable

        unreadable()
        unsure()
        raise


def _read_regular(path: Path, limit: int) -> bytes:
    probed(path)
    reason = _refusal(os.stat(path).st_mode)
    if reason is not None:
        raise RefusedFile(reason)
    # O_NONBLOCK: should the path become a FIFO between stat and open, open must not block
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        reason = _refusal(info.st_mode)
        if reason is not None:
            raise RefusedFile(reason)
        if info.st_size > limit:
            raise RefusedFile(f"too large: {_size(info.st_size)}, over doctor's {_size(limit)} limit for this file")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while we read
            raise RefusedFile(f"over doctor's {_size(limit)} limit for this file")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_text(path: Path, limit: int = TEXT_LIMIT) -> str | None:
    """The text of a regular file (undecodable bytes replaced, universal newlines, like
    `Path.read_text`), or None when it cannot be read."""
    try:
        text = read_regular(path, limit).decode("utf-8", "replace")
    except OSError:  # read_regular told the caches when it is no fact of the file's stat
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
