"""Reading a project's files without hanging or exhausting memory.

A `.env` that is a FIFO blocks `read()` forever, an env_file pointing at /dev/zero never
ends, a 3 GB log named `compose.yaml` fills the memory. Every file doctor reads from a project
goes through `read_regular`: regular files only (symlinks followed), at most `limit` bytes.
A refusal is an OSError whose `strerror` is one clear reason, so callers that already turn
"permission denied" into a finding say this the same way. The reading itself is doctor.regular's;
this layer tells the model cache (doctor.project.inputs, memo) what each read depended on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from doctor.project.inputs import probed, unsure
from doctor.regular import TEXT_LIMIT, RefusedFile, decoded, read_bytes, read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator
    from typing import Any

__all__ = ["COMPOSE_LIMIT", "ENV_LIMIT", "TEXT_LIMIT", "RefusedFile", "exists", "file_or_unreachable", "folders_below",
           "glob", "is_dir", "is_file", "names_nothing", "parse_json", "read_bytes", "read_regular",
           "read_regular_text", "read_text", "stat_of"]

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


# a name no file can have (a component over NAME_MAX, a path over PATH_MAX) or symlinks that loop
# name nothing: a COPY source `<300 characters>` is a missing one, as docker sees it. Path.is_dir
# and Path.exists raise on ENAMETOOLONG in 3.11 (3.13's os.path-based ones return False).
_NAMES_NOTHING = frozenset({errno.ENAMETOOLONG, errno.ELOOP})
_ABSENT = _NAMES_NOTHING | {errno.ENOENT, errno.ENOTDIR, errno.EBADF}


def stat_of(path: Path | str) -> os.stat_result | None:
    """`os.stat` (symlinks followed), None when the path names no file: missing, a file on the
    way, a name too long to exist or a symlink loop. Any other error (a permission) is raised."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno in _ABSENT:
            return None
        raise
    except ValueError:  # an embedded NUL byte: no file has that name
        return None


def names_nothing(path: Path | str) -> bool:
    """Whether no file can be at this path: a name too long to exist, or a symlink loop on the way."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno in _NAMES_NOTHING
    except ValueError:
        return True
    return False


def exists(path: Path | str) -> bool:
    """Path.exists, False for a name too long to exist or a symlink loop; True for a path this user
    cannot reach (a folder on the way it may not search): something may well be there, and "missing"
    (a bind source docker would create) would be a claim doctor cannot make."""
    try:
        return stat_of(path) is not None
    except PermissionError:
        return True


def is_dir(path: Path | str) -> bool:
    """Path.is_dir, False for a name too long to exist or a symlink loop, and for a path this user
    cannot reach (a folder on the way it may not search): nothing there can be read either, and the
    project's own look at its inputs (Project.unreadable_inputs) says so once, for every check."""
    return _is(path, stat.S_ISDIR)


def empty_folder(path: Path | str) -> bool:
    """Whether `path` is a folder with nothing in it (as docker leaves a mount point it made); False
    for anything else, and where it cannot be listed."""
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def is_file(path: Path | str) -> bool:
    """Path.is_file, False as is_dir is (a name too long, a loop, a path this user cannot reach)."""
    return _is(path, stat.S_ISREG)


def file_or_unreachable(path: Path | str) -> bool:
    """Path.is_file, True too for a path this user cannot reach (a folder on the way it may not
    enter): for a file compose itself opens (an `include:`, an `extends` file), whose read then says
    'permission denied' as compose's does, where "not found" would be a claim doctor cannot make."""
    try:
        info = stat_of(path)
    except PermissionError:
        return True
    return info is not None and stat.S_ISREG(info.st_mode)


def _is(path: Path | str, kind: Callable[[int], bool]) -> bool:
    try:
        info = stat_of(path)
    except PermissionError:
        return False
    return info is not None and kind(info.st_mode)


def folders_below(folder: Path, skip: Collection[str], depth: int = 2, budget: int = 400,
                  enter: Collection[str] = ()) -> Iterator[Path]:
    """The folders up to `depth` levels below `folder`, breadth first and by name, at most `budget` of
    them: a bounded look, never a walk of the checkout. Hidden folders (but those named in `enter`)
    and those named in `skip` (dependency and build folders) are neither entered nor counted; a folder
    this user cannot list is passed over."""
    level = [folder]
    for _ in range(depth):
        below: list[Path] = []
        for parent in level:
            try:
                entries = sorted(os.scandir(parent), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if (name.startswith(".") and name not in enter) or name in skip:
                    continue
                try:
                    if not entry.is_dir(follow_symlinks=False):
                        continue
                except OSError:
                    continue
                budget -= 1
                if budget < 0:
                    return
                path = Path(entry.path)
                below.append(path)
                yield path
        level = below


def glob(folder: Path, pattern: str) -> list[Path]:
    """Path.glob's matches of a relative pattern, sorted. The folders before its first wildcard are
    looked up first: no match when they name nothing (`<300 characters>/*.sh`: Path.glob raises
    ENAMETOOLONG in 3.11), and pathlib, which nests a selector per component, gets only the rest."""
    parts = pattern.split("/")
    fixed = next((i for i, part in enumerate(parts) if any(c in part for c in "*?[")), len(parts))
    base, rest = folder.joinpath(*parts[:fixed]), "/".join(parts[fixed:])
    try:
        if not rest:
            return [base] if exists(base) else []
        return sorted(base.glob(rest)) if is_dir(base) else []
    except PermissionError:  # a folder on the way this user cannot enter: Path.glob matches nothing
        return []
    except OSError as exc:
        if exc.errno in _NAMES_NOTHING:
            return []
        raise
    except RecursionError:  # hundreds of wildcard folders (`*/*/...`): no build context is that deep
        return []


def parse_json(text: str | bytes) -> Any:
    """json.loads; ValueError, as for invalid JSON, for a text nested deeper than the stack allows
    (a package.json of `{"a":{"a":...}}` 3,000 levels deep raises RecursionError in json.loads)."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
