"""Reading a file that should be a regular one, without blocking or exhausting memory.

A FIFO blocks `open()` and `read()` until a writer comes, which for a stray named pipe in a
project is forever; a character device such as /dev/zero never ends; a 3 GB log under an
expected name fills the memory. `read_bytes` takes regular files only (symlinks followed) of at
most `limit` bytes, and opens with O_NONBLOCK so that a path which becomes a FIFO between the
stat and the open cannot block either. A refusal is a RefusedFile, an OSError whose `strerror`
is one clear reason, so callers that already say "permission denied" say this the same way.

Standard library only: doctor.host.early reads a pyproject.toml through it before anything
else is imported. The project layer's reader (doctor.project.reading) adds what the model
cache must know of each read.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["TEXT_LIMIT", "RefusedFile", "decoded", "read_bytes", "read_text"]

TEXT_LIMIT = 8 * 1024 * 1024  # Dockerfiles, manifests, Makefiles, sources

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


def read_bytes(path: os.PathLike[str] | str, limit: int = TEXT_LIMIT, *, head: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; RefusedFile (an OSError) otherwise.
    With `head`, the file's first `limit` bytes, whatever its size (a shebang, a magic number)."""
    reason = _refusal(os.stat(path).st_mode)
    if reason is not None:
        raise RefusedFile(reason)
    # O_NONBLOCK: should the path become a FIFO between stat and open, open must not block
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        reason = _refusal(info.st_mode)
        if reason is not None:
            raise RefusedFile(reason)
        if head:
            return os.read(fd, limit)
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


def read_text(path: os.PathLike[str] | str, limit: int = TEXT_LIMIT, *, errors: str = "replace",
              encoding: str = "utf-8") -> str:
    """A regular file's text with universal newlines, like `Path.read_text` (UnicodeDecodeError
    only with errors="strict"); RefusedFile or the OSError of the read otherwise."""
    return decoded(read_bytes(path, limit), encoding, errors)


def decoded(data: bytes, encoding: str = "utf-8", errors: str = "replace") -> str:
    """Bytes read as `Path.read_text` reads them: decoded, with universal newlines."""
    return data.decode(encoding, errors).replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str) -> list[str]:
    """`text`'s lines as doctor numbers them (a finding's line, the line a fix edits, doctor.file_edits): at
    "\\n", CRLF as one (a lone CR too in a text read with universal newlines, `decoded`), each without its
    break. str.splitlines also ends a line at a form feed, a vertical tab, a file, group or record separator,
    NEL, U+2028 or U+2029, which editors, compose's .env reader and the Dockerfile, shell and make parsers do
    not: each line below one was numbered too low, and a fix there refused as stale."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # the break ending the last line starts no line
    return lines
