"""Facts derived from a few files' bytes, remembered across runs: a fix's override edit, a
pyproject's tables, the `load_dotenv` calls of a module.

`remember(kind, files, args, compute)` returns what `compute()` returns. Such work is a pure
function of the files it reads and is the same on every run of an unchanged project, yet pays
an import each time (ruamel.yaml ~25 ms, tomllib ~5 ms, ast ~4.5 ms); a hit imports none of them.

An entry is used only while everything it was computed from is unchanged: the kind and the
args, the path and stat stamp (device, inode, size, mtime, ctime, whether it is readable; None
when absent) of each input file, and, for the store as a whole, doctor's version and source files (as the model
cache stamps them) and the Python version. Like the model cache (git's racy-index rule), a
value is not kept while an input file was modified in the last RACY_NS: an edit in the same
clock tick, same size, would look unchanged. A value raised as one of the `keep` exceptions is
kept and raised again; None is kept as None.

One store (`memo.pickle`, every kind) in doctor.cachedir's folder, read at its first use in
a process and written once at exit (atomically) when an entry was added; never inside a
project the process read (doctor.cachedir.in_project: HOME is the repo in some CI jobs), only
from a folder that is the user's own (0700), MAX_STORE bytes of values at most (the oldest
dropped). A truncated, corrupt, foreign or unreadable store is empty; a write that fails is
skipped. DOCTOR_NO_CACHE=1 turns it off. The cache folder and that switch are read from the
process's environment (the one a CLI run hands the project too).

Each value is kept pickled and unpickled on every hit: a caller that changes what it got
cannot change what the next one gets.
"""

from __future__ import annotations

import os
import sys
import time
import zlib

from doctor.cachedir import cache_dir

try:  # the C pickler alone: pickle.py would import `re` on every warm run
    from _pickle import dumps, loads
except ImportError:  # pragma: no cover - other Pythons
    from pickle import dumps, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable
    from typing import Any, TypeVar

    T = TypeVar("T")
    Stamp = tuple[int, int, int, int, int, bool] | None

FORMAT = 1
RACY_NS = 2_000_000_000
MAX_STORE = 2 * 1024 * 1024
MAX_VALUE = MAX_STORE // 8
# beyond the values: the header (doctor's code stamp names every source file: ~4 KB, more from a
# deep install path) and the keys
HEADER_ROOM = 1024 * 1024
NAME = "memo.pickle"


class _Store:
    """The entries, (kind, args, paths) -> (stamps, pickled (raised, value)), oldest first."""

    __slots__ = ("dirty", "entries", "folder", "path", "pending")

    def __init__(self, folder: str, path: str, entries: dict[Any, tuple[tuple[Stamp, ...], bytes]]) -> None:
        self.folder = folder
        self.path = path
        self.entries = entries
        self.dirty = False
        self.pending: dict[Any, Callable[[], object]] = {}  # replace_at_flush's: key -> its value, computed then


_stores: dict[str, _Store] = {}
_header: list[tuple[Any, ...]] = []
_at_exit: list[bool] = []


_UNSURE: list[bool] = []  # one flag per compute running (they nest): it met a file it could not read


def unreadable() -> None:
    """Say that the running compute met a file it could not read (an I/O error, a permission, a
    file vanished): its value is returned but not kept, as a read error leaves the stat stamp
    as it was (an EIO on a network mount, a group the user just joined); the next run reads
    again. Readers call it where they turn an OSError into a fallback value."""
    if _UNSURE:
        _UNSURE[-1] = True


def remember(kind: str, files: Iterable[str | os.PathLike[str]], args: Hashable,
             compute: Callable[[], T], keep: tuple[type[BaseException], ...] = (),
             valid: Callable[[T], bool] | None = None) -> T:
    """`compute()`'s value, from the store when `kind`, `args` and every file in `files` are as
    they were when it was stored. `compute` must read nothing but those files (and doctor's
    code); `args` must be plain data (tuples, strings, numbers). An exception of a `keep`
    type is remembered and raised again; any other passes through and is not remembered.
    Nothing is remembered of a compute that called `unreadable()`, nor of one around it (a `remember`
    inside a compute: runtime-drift's folder versions around a pyproject's). `valid`: whether a stored
    value still answers (what else it depends on, e.g. the environment, is as it was); one that
    does not is computed again and replaces it."""
    store = _store()
    if store is None:
        return compute()
    paths = tuple(os.fspath(f) for f in files)
    stamps = tuple(stamp(p) for p in paths)  # before compute: an edit during it changes the stamp
    key = (kind, args, paths)
    found = store.entries.get(key)
    if found is not None and found[0] == stamps:
        try:
            raised, value = loads(found[1])
        except Exception:  # a class that moved or changed since: as a miss
            store.entries.pop(key, None)
        else:
            if raised:
                raise value
            if valid is None or valid(value):
                return value  # type: ignore[no-any-return]
    _UNSURE.append(False)
    try:
        value = compute()
    except keep as exc:
        if not _UNSURE[-1]:
            _keep(store, key, stamps, True, exc)
        raise
    finally:
        unsure = _UNSURE.pop()
        if unsure and _UNSURE:  # a compute around this one made its value of this one's: not kept either
            _UNSURE[-1] = True
    if not unsure:
        _keep(store, key, stamps, False, value)
    return value


def replace(kind: str, args: Hashable, value: object) -> None:
    """Keep `value` as what `remember(kind, (), args, ...)` answers from now on (a value the caller
    grows run by run, such as the set of pairs known to hold no secret)."""
    store = _store()
    if store is not None:
        _keep(store, (kind, args, ()), (), False, value)


def replace_at_flush(kind: str, args: Hashable, compute: Callable[[], object]) -> None:
    """`replace(kind, args, compute())`, `compute` called when the store is written (`flush`, at
    exit; its value None: nothing replaced): for a value the caller grows until the run's last
    output, such as the texts the output border found no secret in. The store is this process's
    now, whatever the environment says at exit."""
    store = _store()
    if store is not None:
        store.pending[(kind, args, ())] = compute
        _dirty(store)


def flush() -> None:
    """Write every store that gained an entry in this process (registered to run at exit)."""
    for store in list(_stores.values()):
        pending, store.pending = store.pending, {}
        for key, compute in pending.items():
            try:
                value = compute()
            except Exception:  # a value that cannot be computed is not replaced
                continue
            if value is not None:
                _keep(store, key, (), False, value)
        if store.dirty:
            store.dirty = False
            _write(store)


def forget() -> None:
    """Drop what this process read or computed (unwritten entries are lost): the next use reads the stores again."""
    _stores.clear()


def _store() -> _Store | None:
    folder = cache_dir(os.environ)
    if folder is None:
        return None
    path = os.path.join(folder, NAME)
    store = _stores.get(path)
    if store is None:
        store = _stores[path] = _Store(folder, path, _read(folder, path))
    return store


def stamp(path: str) -> Stamp:
    """What a file is now, as an entry records its inputs (None when it cannot be stat'ed)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    # readable or not: who may read a file is no part of its stat (a group joined or left)
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, os.access(path, os.R_OK))


def _keep(store: _Store, key: Any, stamps: tuple[Stamp, ...], raised: bool, value: object) -> None:
    now = time.time_ns()
    if any(s is not None and s[3] >= now - RACY_NS for s in stamps):
        return
    try:
        data = dumps((raised, value), 5)
    except Exception:  # not picklable (a traceback's frames, a lock...): computed every time
        return
    if len(data) > MAX_VALUE:
        return
    _put(store, key, (stamps, data))
    if _journal:
        _journal[0].append((store.path, key, (stamps, data)))


def _put(store: _Store, key: Any, entry: tuple[tuple[Stamp, ...], bytes]) -> None:
    """Store an entry as the newest (a replaced one too), to be written at exit."""
    store.entries.pop(key, None)
    store.entries[key] = entry
    _dirty(store)


def _dirty(store: _Store) -> None:
    """The store is written at exit."""
    store.dirty = True
    if not _at_exit:
        import atexit

        atexit.register(flush)
        _at_exit.append(True)


_journal: list[list[tuple[str, Any, tuple[tuple[Stamp, ...], bytes]]]] = []


def journal() -> None:
    """From now on, list each entry this process adds (doctor.forked's helper, which writes no
    store: `journal_take` hands them to the run, which `absorb`s them and writes them at its exit)."""
    _journal[:] = [[]]


def journal_take() -> list[tuple[str, Any, tuple[tuple[Stamp, ...], bytes]]]:
    """The entries added since `journal()`, and no more listing."""
    taken = _journal[0] if _journal else []
    _journal.clear()
    return taken


def absorb(entries: object) -> None:
    """Take another process's `journal_take()` into this one's stores (written at exit); what
    has another shape, or is for a store other than this process's, is left out."""
    store = _store()
    if store is None or not isinstance(entries, list):
        return
    for item in entries:
        if isinstance(item, tuple) and len(item) == 3 and item[0] == store.path:
            _put(store, item[1], item[2])


def _current_header() -> tuple[Any, ...]:
    if not _header:
        from doctor import __version__
        from doctor.project.modelcache import _code_stamp

        _header.append((FORMAT, __version__, sys.version, _code_stamp()))
    return _header[0]


def _read(folder: str, path: str) -> dict[Any, tuple[tuple[Stamp, ...], bytes]]:
    """The stored entries when the store is sound, ours and of this doctor; else none."""
    from doctor.cachedir import read

    data = read(folder, os.path.basename(path), 2 * MAX_STORE + HEADER_ROOM)
    if data is None:
        return {}
    # a store is not trusted input: a truncated or foreign pickle fails in many ways, each a miss
    try:
        header, check, body = loads(data)
        if header != _current_header() or check != zlib.crc32(body):
            return {}
        entries = loads(body)
        return entries if isinstance(entries, dict) else {}
    except Exception:
        return {}


def _write(store: _Store) -> None:
    """Store the newest entries up to MAX_STORE (doctor.cachedir.write: not in a project this
    process read, only in a folder that is safely ours); any failure skips it."""
    entries = store.entries
    total = sum(len(data) for _, data in entries.values())
    for key in list(entries):
        if total <= MAX_STORE:
            break
        total -= len(entries.pop(key)[1])
    try:
        body = dumps(entries, 5)
        data = dumps((_current_header(), zlib.crc32(body), body), 5)
    except Exception:
        return
    from doctor.cachedir import write

    write(store.folder, os.path.basename(store.path), data)  # not fsynced: a store torn by a crash fails its crc
