"""Reading a project's files without hanging or exhausting memory.

A `.env` that is a FIFO blocks `read()` forever, an env_file pointing at /dev/zero never
ends, a 3 GB log named `compose.yaml` fills the memory. Every file doctor reads from a project
goes through `read_regular`: regular files only (symlinks followed), at most `limit` bytes.
A refusal is an OSError whose `strerror` is one clear reason, so callers that already turn
"permission denied" into a finding say this the same way. The reading itself is doctor.regular's;
this layer tells the model cache (doctor.project.inputs, memo) what each read depended on.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.inputs import probed, unsure
from doctor.regular import TEXT_LIMIT, RefusedFile, decoded, read_bytes, read_text

__all__ = ["COMPOSE_LIMIT", "ENV_LIMIT", "TEXT_LIMIT", "RefusedFile", "read_bytes", "read_regular", "read_regular_text",
           "read_text"]

# compose itself reads any size; parsing YAML costs doctor ~0.4 s/MB, so 16 MB is ~7 s.
COMPOSE_LIMIT = 16 * 1024 * 1024
ENV_LIMIT = 16 * 1024 * 1024


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
    return read_bytes(path, limit)


def read_regular_text(path: Path, limit: int = TEXT_LIMIT) -> str | None:
    """The text of a regular file (undecodable bytes replaced, universal newlines, like
    `Path.read_text`), or None when it cannot be read."""
    try:
        return decoded(read_regular(path, limit))
    except OSError:  # read_regular told the caches when it is no fact of the file's stat
        return None
