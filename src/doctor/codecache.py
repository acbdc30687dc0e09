"""The code of the modules a run imports, kept in one file beside doctor's own compiled files.

A preflight imports ~200 modules (doctor's ~130, the standard library's and PyYAML's the rest).
For each, the import system searches the path, stats the source, opens and reads its `.pyc`:
~0.1 ms a module beyond running its code, ~10 ms of a small project's run (8 % of clean-stack's,
paired runs). `install` (the console script's first step) reads this module's table's index and
puts a finder first on `sys.meta_path` that hands out a module's code from the table: one `stat`
of the source, one `pread` of the bytes its `.pyc` holds, `marshal.loads`. (Reading the whole
~4 MB table instead cost ~3 ms of page faults; a module's code is read when it is imported, from
the file kept open, so a table replaced meanwhile is read as it was, and one cut short falls back
to the `.pyc`.) Everything else is the import system's own: the module, its spec (`__file__`,
`__path__`, `__loader__`, a SourceFileLoader that reads its source and resources), the code's
file name (`_imp._fix_co_filename`, as for a `.pyc`, so tracebacks show the lines).

Where: `doctor/__pycache__/`, with the `.pyc` files Python writes there, by the same rules: it
is the code of the installed modules and trusted as theirs; it is never written where the
interpreter writes no bytecode (`sys.dont_write_bytecode`, PYTHONDONTWRITEBYTECODE), nor by a
user who cannot write there (a system install run by another user: the run imports as before).
DOCTOR_NO_CACHE=1 reads and writes nothing. A library user's `import doctor` never installs it.

When a module's code is taken: its source's size and mtime (ns) are those recorded, and it
would be found where it was: a submodule in its package's `__path__`, its folder's mtime that
recorded (a package or an extension module of its name added beside it shadows it); a top-level
module only with the same `sys.path` (its first entry included: `python -m doctor` puts the
working folder there, and a project's own `shlex.py` must not follow the table to other folders)
whose folders' mtimes are those recorded, so no module was added or removed in any of them.
Anything else, a table of another interpreter (the name holds the cache tag and `-O`, the table
`sys.version` and the bytecode's magic number), bytes that are no code, or a table that cannot
be read, and the import system imports as without it: the table makes a run faster, never
different. At exit (`save`, an atexit handler) a run that imported a module the table did not
give and will give next time (an upgrade, a finding's module seen for the first time) writes the
table again, atomically, from the `.pyc` files the import system used (their headers checked
against the sources), keeping the entries of modules this run did not import while they are
still current. A module whose `.pyc` cannot be stored (none, or hash-based) is listed without
code, so that the table settles; one found outside its package's `__path__` (an editable
install's mapped package) and a top-level one under another `sys.path` are not written: two
working folders do not take turns rewriting it. A run that found no table writes an empty one:
the second run fills it (~8 ms, copied in the kernel), so that a fresh CI job's one run does not
pay for a table no later run reads; such a run reads doctor's and PyYAML's own `.pyc` files
through `_OwnFinder`, a lighter path to the same code (the same files, the same checks).
It is never left writable by others (a umask of 000): such a
table is not read. A forked helper (doctor.forked) `journal`s what it imported; the run
`absorb`s it.

The file: the modules' code, one after another, then the index (marshal of the key, sys.path and
its folders' mtimes, and {name: (origin, cached, is_package, mtime_ns, size, folder_mtime_ns,
offset, length)}), then the index's length (8 bytes, little-endian).
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

FORMAT = 2
MAX_BYTES = 64 * 1024 * 1024  # the table's size (doctor's run: ~4 MB)
NAME = "doctor-modules"

_external = sys.modules["_frozen_importlib_external"]  # importlib's own, loaded before any module
_ModuleSpec = type(sys.__spec__)  # importlib.machinery.ModuleSpec, without importing importlib
_CodeType = type(_ModuleSpec.__init__.__code__)  # types.CodeType, without importing types

# an entry: (origin, cached, is_package, mtime_ns, size, folder_mtime_ns, offset, length) of the
# code in the file; length -1: a module whose .pyc cannot be stored (none, or hash-based), known
# so that it is not written again on every run; folder_mtime_ns: of a plain module's folder (a
# package or extension module of its name added beside it changes it), 0 for a package
Entry = tuple[str, str, bool, int, int, int, int, int]
Found = tuple[str, str, bool]  # a module the import system loaded: origin, cached, is_package


class _Loader(_external.SourceFileLoader):  # type: ignore[misc,name-defined]
    """A SourceFileLoader whose code comes from the table (its source, data and resources as ever)."""

    def __init__(self, fullname: str, path: str, start: int, length: int) -> None:
        super().__init__(fullname, path)
        self.start, self.length = start, length

    def get_code(self, fullname: str) -> object:
        import _imp

        try:
            data = os.pread(_state.fd, self.length, self.start)
            code = marshal.loads(data) if len(data) == self.length else None
        except (OSError, ValueError, EOFError, TypeError):  # the table's file truncated meanwhile
            code = None
        if type(code) is not _CodeType:  # that, or bytes that are no module's code: as without the table
            return super().get_code(fullname)
        _imp._fix_co_filename(code, self.path)  # type: ignore[attr-defined]
        return code


class _State:
    def __init__(self) -> None:
        self.path: str | None = None  # the table's file, when installed
        self.fd = -1  # the table's file, open: a module's code is read when it is imported; -1: none usable
        self.index: dict[str, Entry] = {}
        self.paths: tuple[str, ...] = ()  # sys.path when installed
        self.stamps: tuple[int, ...] = ()  # the mtimes of its folders then
        self.same_path = False  # the table was written with this sys.path
        self.top_level = False  # ... and its folders unchanged: top-level modules may be taken
        self.stale = False  # an entry was refused or its folders changed: write the table again
        self.before: frozenset[str] = frozenset()  # the modules imported before `install`
        self.absorbed: dict[str, Found] = {}  # a helper's imports
        self.journal_from: frozenset[str] | None = None
        self.folders: dict[str, int] = {}  # folder -> mtime_ns, stat once a run


_state = _State()


class _Finder:
    """First on sys.meta_path: a module of the table whose source is unchanged, or None (the path finders')."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        entry = _state.index.get(name)
        if entry is None:
            return None
        origin, cached, package, mtime, size, folder_mtime, start, length = entry
        if not _where(name, origin, package, path) or length < 0:
            return None
        try:
            info = os.stat(origin)
        except OSError:
            _state.stale = True
            return None
        if (info.st_mtime_ns != mtime or info.st_size != size
                or (not package and _folder_stamp(os.path.dirname(origin)) != folder_mtime)):
            _state.stale = True
            return None
        spec: ModuleSpec = _ModuleSpec(name, _Loader(name, origin, start, length), origin=origin, is_package=package)
        spec.has_location = True
        spec.cached = cached
        if package:
            spec.submodule_search_locations = [os.path.dirname(origin)]
        return spec


class _PycLoader(_external.SourceFileLoader):  # type: ignore[misc,name-defined]
    """A SourceFileLoader that reads its module's `.pyc` in one open and read (`_OwnFinder`), and
    takes its code when the import system would (this interpreter's magic number, a timestamp-based
    `.pyc` whose source mtime and size are the source's now); anything else, the import system's
    own `get_code`, which compiles the source and writes the `.pyc` as ever."""

    def __init__(self, fullname: str, path: str, cached: str) -> None:
        super().__init__(fullname, path)
        self.cached = cached

    def get_code(self, fullname: str) -> object:
        import _imp

        code = None
        try:
            info = os.stat(self.path)
            fd = os.open(self.cached, os.O_RDONLY)
            try:
                data = os.read(fd, os.fstat(fd).st_size + 1)
            finally:
                os.close(fd)
            if (data[:4] == _external.MAGIC_NUMBER and data[4:8] == b"\0\0\0\0"
                    and int.from_bytes(data[8:12], "little") == int(info.st_mtime) & 0xFFFFFFFF
                    and int.from_bytes(data[12:16], "little") == info.st_size & 0xFFFFFFFF):
                code = marshal.loads(memoryview(data)[16:])
        except (OSError, ValueError, EOFError, TypeError):  # no .pyc, or a torn one: as the import system reads it
            code = None
        if type(code) is not _CodeType:
            return super().get_code(fullname)
        _imp._fix_co_filename(code, self.path)  # type: ignore[attr-defined]
        return code


class _OwnFinder:
    """Where no table was found (a cold run: ~270 of doctor's modules and PyYAML's 17), a submodule
    of doctor's packages or PyYAML's, found as the path finder finds it in its package's one
    `__path__` folder, each folder listed once a run, and its `.pyc` read by `_PycLoader`
    (~0.1M instructions less a module than the path finder's search, `cache_from_source`,
    `io.open_code` and header checks). Where the path finder could
    answer otherwise (an extension module or a package of the name, a folder without
    `__init__.py`, a package of several folders, a `pycache_prefix`), None: the path finders'."""

    own = ("doctor.", "yaml.")  # doctor's packages and PyYAML's, imported by every cold run
    suffix = ""  # a .pyc's name after the module's (".cpython-311.pyc"), as cache_from_source names it

    @classmethod
    def usable(cls) -> bool:
        """Whether `.pyc` files are where this finder looks (no `pycache_prefix`) on a file system
        whose names the path finder matches exactly (not the case-folding platforms')."""
        if sys.platform.startswith(("win", "cygwin", "darwin")):
            return False
        try:
            cached = _external.cache_from_source("/m/x.py")
        except NotImplementedError:  # no cache tag: no .pyc to read
            return False
        if not cached.startswith("/m/__pycache__/x."):
            return False
        cls.suffix = cached[len("/m/__pycache__/x"):]
        return True

    @classmethod
    def find_spec(cls, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if path is None or not name.startswith(cls.own) or len(path) != 1:
            return None
        folder = path[0]
        if not folder.startswith("/") or folder.endswith("/"):  # as the path finder joins it, only then
            return None
        names = cls._listed(folder)
        if names is None:
            return None
        tail = name.rpartition(".")[2]
        if any(tail + suffix in names for suffix in _external.EXTENSION_SUFFIXES):
            return None  # an extension module of the name comes first
        if tail in names:  # a package, or a namespace portion: its folder decides
            inner = cls._listed(f"{folder}/{tail}")
            if inner is None or "__init__.py" not in inner or any(
                    "__init__" + suffix in inner for suffix in _external.EXTENSION_SUFFIXES):
                return None
            origin = f"{folder}/{tail}/__init__.py"
            cached = f"{folder}/{tail}/__pycache__/__init__{cls.suffix}"
        elif tail + ".py" in names:
            origin = f"{folder}/{tail}.py"
            cached = f"{folder}/__pycache__/{tail}{cls.suffix}"
        else:
            return None
        package = tail in names
        spec: ModuleSpec = _ModuleSpec(name, _PycLoader(name, origin, cached), origin=origin, is_package=package)
        spec.has_location = True
        spec.cached = cached
        if package:
            spec.submodule_search_locations = [f"{folder}/{tail}"]
        return spec

    @staticmethod
    def _listed(folder: str) -> frozenset[str] | None:
        if folder not in _listings:
            try:
                _listings[folder] = frozenset(os.listdir(folder))
            except (OSError, TypeError, ValueError):
                _listings[folder] = None
        return _listings[folder]


_listings: dict[str, frozenset[str] | None] = {}  # folder -> its names, listed once a run (_OwnFinder)


def _where(name: str, origin: str, package: bool, path: Sequence[str] | None) -> bool:
    """Whether the import system would look for `name` where `origin` is: a submodule in its
    package's `path`; a top-level module on the sys.path the table was written with, its folders
    unchanged (a module added to an earlier folder, or another working folder under `python -m`,
    would shadow it)."""
    if path is None:
        return _state.top_level
    folder = os.path.dirname(origin)
    return (os.path.dirname(folder) if package else folder) in path


def _folder_stamp(folder: str) -> int:
    stamp = _state.folders.get(folder)
    if stamp is None:
        try:
            stamp = os.stat(folder).st_mtime_ns
        except OSError:
            stamp = -1
        _state.folders[folder] = stamp
    return stamp


def table_path() -> str | None:
    """This interpreter's table, beside doctor's `.pyc` files; None when it has no cache tag."""
    tag: str | None = sys.implementation.cache_tag  # None: an interpreter that caches no bytecode
    if tag is None:
        return None
    optimized = f".opt-{sys.flags.optimize}" if sys.flags.optimize else ""  # as .pyc files are named
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__", f"{NAME}.{tag}{optimized}.bin")


def _key() -> tuple[object, ...]:
    return (FORMAT, sys.version, _external.MAGIC_NUMBER, sys.flags.optimize)


def install(path: str | None = None, env: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Take modules' code from the table at `path` (this interpreter's by default) from now on,
    and write it again at exit when this run imported what it did not hold."""
    if (_state.path is not None or env.get("DOCTOR_NO_CACHE", "").lower() in ("1", "true", "yes")
            or not hasattr(os, "pread")):  # Windows has no pread: imports as ever
        return
    path = path or table_path()
    if path is None:
        return
    _state.path = path
    _state.before = frozenset(sys.modules)
    _state.paths = tuple(os.path.abspath(folder or os.curdir) for folder in sys.path)  # '' is the working folder
    _state.stamps = tuple(map(_folder_stamp, _state.paths))  # a module added or removed in one changes its mtime
    _read(path)
    sys.meta_path.insert(0, _Finder)
    if _state.fd < 0 and _OwnFinder.usable():  # no table (a cold run): doctor's modules read as `_OwnFinder` reads them
        sys.meta_path.insert(1, _OwnFinder)
    import atexit

    atexit.register(save)


def _read(path: str) -> None:
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o002 or info.st_size > MAX_BYTES:
            raise ValueError("not a table")
        tail = min(info.st_size, 1 << 17)  # the index and its length end the file
        data = os.pread(fd, tail, info.st_size - tail)
        head = int.from_bytes(data[-8:], "little") if len(data) >= 8 else -1
        if not 0 < head <= info.st_size - 8:
            raise ValueError("not a table")
        if head + 8 > len(data):
            data = os.pread(fd, head + 8, info.st_size - head - 8)
        key, paths, stamps, index = marshal.loads(memoryview(data)[-8 - head:-8])
        if key != _key() or not isinstance(index, dict):
            raise ValueError("another interpreter's")
        end = info.st_size - 8 - head
        for entry in index.values():  # every entry's shape, before any is used
            origin, cached, package, mtime, size, folder_mtime, start, length = entry
            if not (isinstance(origin, str) and isinstance(cached, str) and type(package) is bool
                    and type(mtime) is int and type(size) is int and type(folder_mtime) is int
                    and type(start) is int and type(length) is int and start >= 0 and start + length <= end):
                raise ValueError("not a table")
    except Exception:  # torn by a crash, or not a table: imports as without it
        os.close(fd)
        return
    _state.fd, _state.index = fd, index
    _state.same_path = paths == _state.paths
    _state.top_level = _state.same_path and stamps == _state.stamps
    # its sys.path's folders changed: written again. Another sys.path (`python -m doctor` from
    # another folder) takes no top-level module and writes none: two folders do not take turns
    _state.stale = _state.same_path and not _state.top_level


def journal() -> None:
    """From now on, note what this process imports (doctor.forked's helper: `journal_take` hands
    it to the run)."""
    _state.journal_from = frozenset(sys.modules)


def journal_take() -> list[tuple[str, str, str, bool]]:
    """The modules imported since `journal()` that the table did not give and should hold
    (`_wanted`), as (name, origin, cached, is_package)."""
    before, _state.journal_from = _state.journal_from, None
    if before is None or _state.path is None:
        return []
    return [(name, *found) for name, found in _imported(set(sys.modules) - before).items() if _wanted(name, found)]


def absorb(imported: object) -> None:
    """Take a helper's `journal_take()` (what is of another shape is left out)."""
    if not isinstance(imported, list):
        return
    for item in imported:
        if isinstance(item, tuple) and len(item) == 4 and all(isinstance(part, str) for part in item[:3]):
            _state.absorbed[item[0]] = (item[1], item[2], bool(item[3]))


def _imported(names: set[str]) -> dict[str, Found]:
    """Of the modules `names`, those the path finders imported from a source file with a `.pyc`."""
    return dict(_found(names))


def _found(names: set[str]) -> Iterator[tuple[str, Found]]:
    for name in names:
        spec = getattr(sys.modules.get(name), "__spec__", None)
        loader = getattr(spec, "loader", None)
        if (spec is not None and type(loader) in (_external.SourceFileLoader, _PycLoader) and spec.has_location
                and spec.cached):
            yield name, (spec.origin, spec.cached, spec.submodule_search_locations is not None)


def _wanted(name: str, found: Found) -> bool:
    """Whether a module imported without the table belongs in it: found where the finder will look
    (`_where`: not a package mapped elsewhere, as an editable install maps doctor.checks; a
    top-level one only with the sys.path the table is written with), and not already known as it
    is (an entry whose `.pyc` cannot be stored, or one a helper imported and the table holds)."""
    origin, _, package = found
    parent = name.rpartition(".")[0]
    if parent:
        path = getattr(sys.modules.get(parent), "__path__", None)
        if path is None or not _where(name, origin, package, path):
            return False
    elif _state.fd >= 0 and not _state.same_path:
        return False
    return _unknown(name, origin)


def _unknown(name: str, origin: str) -> bool:
    """Whether the table lacks `name` at `origin` as `find_spec` would take it: no entry, another
    origin, a source changed since, or a plain module whose folder's mtime moved (a file added beside
    it: a `git checkout`, an editor's save by rename). Kept with its old folder mtime, such an entry
    was refused on every later run, each of which wrote the table again (~30M instructions, 8 % of a
    warm clean-stack preflight, in a checkout after any such change). An entry without code (length -1: a
    hash-based or missing `.pyc`) is never handed out, so its folder's mtime is not asked: the table would
    otherwise be written again on every run whose folder moved."""
    entry = _state.index.get(name)
    return (entry is None or entry[0] != origin or not _current(entry[0], entry[3], entry[4])
            or (not entry[2] and entry[7] >= 0 and _folder_stamp(os.path.dirname(origin)) != entry[5]))


def save() -> None:
    """Write the table again if this run imported a module it did not give (at exit); any
    failure writes nothing."""
    path = _state.path
    if path is None or sys.dont_write_bytecode:
        return
    try:
        if _state.fd < 0:  # no table to fill from: an empty one, when this run imported any module it would hold
            if (_state.stale or _state.absorbed
                    or any(_wanted(name, found) for name, found in _found(set(sys.modules) - _state.before))):
                _write(path, {})
            return
        new = {name: found for name, found in _imported(set(sys.modules) - _state.before).items()
               if _wanted(name, found)}
        # a helper's, judged there (`journal_take`: the packages it imported are its own)
        new.update((name, found) for name, found in _state.absorbed.items() if _unknown(name, found[0]))
        if not new and not _state.stale:
            return
        _write(path, new)
    except Exception:  # a table that cannot be written is simply not used
        return


def _write(path: str, new: dict[str, Found]) -> None:
    """Write the table: the entries still current and `new`, each module's code copied in the
    kernel from the old table or its `.pyc` (~4 MB), then the index and its length. Where there
    was none usable (a first run after an install, each run of a fresh CI job), an empty one:
    filling it (~8 ms) is the second run's work, a run that will most likely be followed by more."""
    if not os.access(os.path.dirname(path), os.W_OK):
        return
    kept = {name: entry for name, entry in _state.index.items()
            if name not in new and ("." in name or _state.top_level) and _current(entry[0], entry[3], entry[4])}
    fill_from = new if _state.fd >= 0 else {}

    def fill(fd: int) -> None:
        os.fchmod(fd, os.fstat(fd).st_mode & 0o755)  # never writable by others (a umask of 000): not read then
        index: dict[str, Entry] = {}
        offset = 0
        for name, (origin, cached, package, mtime, size, folder_mtime, start, length) in kept.items():
            if length >= 0:
                _copy(_state.fd, fd, start, length)
            index[name] = (origin, cached, package, mtime, size, folder_mtime, offset, length)
            offset += max(length, 0)
        for name, (origin, cached, package) in sorted(fill_from.items()):
            folder_mtime = 0 if package else _folder_stamp(os.path.dirname(origin))
            found = _compiled(origin, cached, fd)
            if found is None:
                try:
                    info = os.stat(origin)
                except OSError:
                    continue
                index[name] = (origin, cached, package, info.st_mtime_ns, info.st_size, folder_mtime, offset, -1)
                continue
            info, length = found
            index[name] = (origin, cached, package, info.st_mtime_ns, info.st_size, folder_mtime, offset, length)
            offset += length
        head = marshal.dumps((_key(), _state.paths, _state.stamps, index))  # type: ignore[arg-type]
        if offset + len(head) + 8 > MAX_BYTES:
            raise ValueError("too large")
        _write_all(fd, head + len(head).to_bytes(8, "little"))

    from pathlib import Path

    from doctor.atomic import write_atomic

    write_atomic(Path(path), fill, durable=False)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy(source: int, target: int, at: int, length: int) -> None:
    """Append `length` bytes of `source` from `at` to `target` (copy_file_range, in the kernel;
    read and written where that is missing or refused: another system, a file system it spans)."""
    end = at + length
    copy = getattr(os, "copy_file_range", None)
    while at < end:
        done = 0
        if copy is not None:
            try:
                done = copy(source, target, end - at, at)
            except OSError:
                copy = None
                continue
        else:
            data = os.pread(source, min(end - at, 1 << 20), at)
            _write_all(target, data)
            done = len(data)
        if done == 0:
            raise ValueError("the file ended early")
        at += done


def _current(origin: str, mtime: int, size: int) -> bool:
    try:
        info = os.stat(origin)
    except OSError:
        return False
    return info.st_mtime_ns == mtime and info.st_size == size


def _compiled(origin: str, cached: str, target: int) -> tuple[os.stat_result, int] | None:
    """Append the code of the `.pyc` at `cached` to `target` when that `.pyc` is of this
    interpreter and was compiled from the source at `origin` as it is (a timestamp-based one:
    size and mtime agree): the source's stat and the code's length; else None, nothing appended."""
    try:
        info = os.stat(origin)
        pyc = os.open(cached, os.O_RDONLY)
    except OSError:
        return None
    try:
        header, length = os.pread(pyc, 16, 0), os.fstat(pyc).st_size - 16
        if (length <= 0 or len(header) != 16 or header[:4] != _external.MAGIC_NUMBER
                or int.from_bytes(header[4:8], "little") != 0
                or int.from_bytes(header[8:12], "little") != int(info.st_mtime) & 0xFFFFFFFF
                or int.from_bytes(header[12:16], "little") != info.st_size & 0xFFFFFFFF):
            return None
        _copy(pyc, target, 16, length)
    finally:
        os.close(pyc)
    return info, length
