"""Where doctor keeps its caches (login PATH, compose model, compose version): one folder for all.

$XDG_CACHE_HOME/doctor (an absolute path: the XDG spec ignores a relative one), else ~/.cache/doctor;
DOCTOR_NO_CACHE=1 turns every cache off. Imports
nothing but os: the login shell's cache is asked before the shell starts, first thing in a run.
No cache is written inside the project a run reads (`keep_out`, `in_project`): HOME is the repo
in some containers and CI jobs, and ~/.cache/doctor would then show in `git status`.
Every cache reads and writes its files through `read` and `write`: a folder and a file that are
the user's own and writable by no one else (entries hold `.env` values), the folder made 0700.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def cache_dir(env: Mapping[str, str]) -> str | None:
    """The cache folder for this environment; None when caching is off or there is no HOME (unset, or a
    folder that does not exist: `HOME=/nonexistent` in a CI container run as root, which a cache must not
    make)."""
    if env.get("DOCTOR_NO_CACHE", "").lower() in ("1", "true", "yes"):
        return None
    home = env.get("HOME", "")
    base = env.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid and ignored (it named the cwd's)
        base = os.path.join(home, ".cache") if home and os.path.isdir(home) else ""
    return os.path.join(base, "doctor") if base else None


_PROJECTS: list[str] = []  # the real paths of the project folders this process read


def keep_out(project_dir: str | os.PathLike[str]) -> None:
    """Note a project folder of this run, and the git work tree it lies in: no cache file is
    written inside either (HOME is the repository and the compose file in `.devcontainer/`)."""
    here = os.path.realpath(project_dir)
    if here not in _PROJECTS:
        _PROJECTS.append(here)
    while not os.path.lexists(os.path.join(here, ".git")):
        parent = os.path.dirname(here)
        if parent == here:
            return  # in no git work tree: the folder alone
        here = parent
    if here not in _PROJECTS:
        _PROJECTS.append(here)


def in_project(path: str | os.PathLike[str]) -> bool:
    """Whether `path` (a cache file or folder) lies in a project folder of this run."""
    here = os.path.realpath(path)
    return any(here == root or here.startswith(root.rstrip(os.sep) + os.sep) for root in _PROJECTS)


def trusted(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else: a cache folder or file doctor may use."""
    return info.st_uid == os.geteuid() and not info.st_mode & 0o022


def read(folder: str | os.PathLike[str], name: str, limit: int) -> bytes | None:
    """A cache file's bytes; None unless it is a regular file of at most `limit` bytes, and it and
    its folder are trusted (a symlink is refused, a FIFO never blocks)."""
    import stat

    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not trusted(os.fstat(dir_fd)):
            return None
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or not trusted(info) or info.st_size > limit:
                return None
            return os.read(fd, info.st_size + 1)
        finally:
            os.close(fd)
    except OSError:
        return None
    finally:
        os.close(dir_fd)


def write(folder: str | os.PathLike[str], name: str, data: bytes) -> bool:
    """Store a cache file (mode 0600); whether it was written. Not inside a project this run read,
    only in a trusted folder (made 0700: created so, or tightened when an older doctor made it
    wider), atomically and without fsync (a file torn by a crash fails to load: a miss); any
    failure leaves it unwritten."""
    from pathlib import Path

    from doctor.atomic import write_atomic

    path = os.path.join(folder, name)
    if in_project(path) or not made(folder):
        return False
    try:
        write_atomic(Path(path), data, durable=False)
        os.chmod(path, 0o600)  # the user's alone, as its folder
    except OSError:
        return False
    return True


def made(folder: str | os.PathLike[str]) -> bool:
    """Whether the cache folder is there and trusted, made 0700 if it was not (tightened when an
    older doctor made it wider); False when it cannot be, or is someone else's."""
    import contextlib
    import stat

    try:
        os.makedirs(os.path.dirname(os.fspath(folder)), exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or not trusted(info):
            return False
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError:
        return False
    return True


JSON_LIMIT = 1024 * 1024  # the small JSON caches (login PATH, compose version, stopped ports)


def read_json(path: str) -> object:
    """A small JSON cache file's value (`read`'s rules); None when absent, untrusted or not JSON."""
    data = read(os.path.dirname(path), os.path.basename(path), JSON_LIMIT)
    if data is None:
        return None
    import json

    try:
        return json.loads(data)
    except ValueError:  # torn by a crash (they are written without fsync), or not ours
        return None


def write_json(path: str, value: object, indent: int | None = None) -> bool:
    """Store a small JSON cache file (`write`'s rules); whether it was written."""
    import json

    try:
        data = json.dumps(value, indent=indent).encode("utf-8")
    except (TypeError, ValueError):
        return False
    return write(os.path.dirname(path), os.path.basename(path), data)
