"""Compiled regular expressions kept across runs: a warm run parses none of doctor's own patterns.

CPython's `re` caches a compiled pattern only within a process, so every run paid ~70 parses
and code generations (~18 ms of a small preflight). `re._compiler.compile` is `_parser.parse`,
then `_code`, then one `_sre.compile(...)` call whose arguments are plain data (ints, a dict, a
tuple): this module stores those arguments per (pattern, flags) in one marshal file and, on a
hit, calls `_sre.compile` with them directly. A miss compiles the way `re._compiler.compile`
does, remembers the arguments, and the table is written once at interpreter exit.

ONLY STATIC PATTERNS may come here: literals of doctor's own modules (through `doctor.lazyre`).
Never a pattern built from a project's values (a variable name, a service, a secret value):
whatever passes through `compile` is written to a file. `doctor.redact.Redactor`'s pattern of
secret values, and every pattern spliced from project text, use `re.compile`.

The table is keyed by the exact interpreter (`sys.version`, `sys.implementation.cache_tag`,
`_sre.MAGIC`, FORMAT) in its name and its header; it lives in `doctor.cachedir.cache_dir`
(mode 0600 in a 0700 folder of the current user, read only from such a folder), holds at most
MAX_ENTRIES patterns and MAX_BYTES, and is never written inside a project the run read
(`doctor.cachedir.in_project`: HOME is the repo in some containers and CI jobs). DOCTOR_NO_CACHE=1
reads and writes nothing. Any mismatch, a corrupt or foreign file, or any exception while
loading or while calling `_sre.compile` falls back to `re.compile`: the cache can make a run
faster, never different, never fail.

A first run has no table yet (every run of a fresh CI job is one): a miss first looks in the
table doctor ships for this regular-expression engine (doctor/regex-tables, written by
`python -m doctor.regex_ship`: each static `lazy(...)` pattern as the interpreters doctor supports
compile it), keyed by `engine_key` (cache tag, `_sre.MAGIC`, code unit, limits, Unicode range)
rather than the exact build, since patch releases generate the same code for these patterns
(tests/test_recache_shipped.py checks it against the interpreter running the tests). Each entry
there is marshalled on its own and loaded when a run asks for it: a run takes ~170 of ~600, and
loading the whole table (one zlib stream of ~490 KB of marshal: inflated, then every entry's code
made into ints) cost a first run ~17M instructions, ~6 ms; no zlib either (inflating each entry
taken cost ~40 % more than its load). An entry taken from it goes into the user's table like one compiled
here; `_sre.compile` still validates it, and one it refuses, or that does not unpack, is compiled
here instead.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator, Mapping

FORMAT = 1
MAX_ENTRIES = 1024
MAX_BYTES = 1024 * 1024
PREFIX, SUFFIX = "regex-", ".marshal"
SHIPPED, SHIPPED_SUFFIX = "regex-tables", ".marshal"  # doctor's own tables, one per engine (doctor.regex_ship)
SHIPPED_MAX_BYTES = 4 * 1024 * 1024  # a shipped table (~0.5 MB for ~600 patterns)
_SPECIAL_FLAGS = 128 | 1  # re.DEBUG prints, re.TEMPLATE warns: both stay with `re`

Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Key = tuple[str | bytes, int]


class _State:
    """The table of this process: what was read at the first compile, and what this run added."""

    def __init__(self) -> None:
        self.loaded = False
        self.folder: str | None = None
        self.table: dict[Key, Entry] = {}
        self.added: dict[Key, Entry] = {}
        self.registered = False
        self.journal_from: frozenset[Key] | None = None  # what was added before `journal()`, while listing
        self.shipped: Shipped | None = None  # doctor/regex-tables' table of this engine, once read


_state = _State()


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` for a STATIC pattern, without parsing it when a former run did."""
    flags = int(flags)
    state = _state
    if not state.loaded:
        _load(state, os.environ)
    key = (pattern, flags)
    entry = state.table.get(key)
    shipped = entry is None and state.folder is not None
    if shipped:
        if state.shipped is None:
            state.shipped = read_shipped()
        entry = state.shipped.get(key)
    if entry is not None and not _sound(key, entry):  # a file's entries are checked as they are used
        state.table.pop(key, None)
        entry = None
    if entry is not None:
        try:
            import _sre  # type: ignore[import-not-found]

            compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
        except Exception:  # another shape than this interpreter's: forget it, compile below
            state.table.pop(key, None)
        else:
            if shipped:  # into the user's own table: the next run reads that one alone
                _keep(state, key, entry)
            return compiled
    return _compile_recorded(state, pattern, flags)


def _compile_recorded(state: _State, pattern: str, flags: int) -> re.Pattern[str]:
    import re

    if not isinstance(pattern, (str, bytes)) or flags & _SPECIAL_FLAGS or state.folder is None:
        return re.compile(pattern, flags)
    try:
        import _sre

        entry = _entry(pattern, flags)
        compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
    except Exception:  # a bad pattern raises re.error from re.compile itself; a changed `re` is no error
        return re.compile(pattern, flags)
    _keep(state, (pattern, flags), entry)
    return compiled


def _entry(pattern: str | bytes, flags: int) -> Entry:
    """What `_sre.compile` takes after `pattern`, as `re._compiler.compile` makes it."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _keep(state: _State, key: Key, entry: Entry) -> None:
    """Add an entry to this run's table and to what is written at exit."""
    state.table[key] = entry
    if len(state.added) < MAX_ENTRIES:  # a full table is replaced by this run's patterns (_write)
        state.added[key] = entry
        _save_at_exit(state)


def _save_at_exit(state: _State) -> None:
    if not state.registered:
        import atexit

        atexit.register(save)
        state.registered = True


def journal() -> None:
    """From now on, list each pattern this process adds (doctor.forked's helper, which writes no
    table: `journal_take` hands them to the run, which `absorb`s them), as doctor.project.memo's does."""
    _state.journal_from = frozenset(_state.added)


def journal_take() -> dict[Key, Entry]:
    """The patterns added since `journal()`, and no more listing."""
    before, _state.journal_from = _state.journal_from, None
    if before is None:
        return {}
    return {key: entry for key, entry in _state.added.items() if key not in before}


def absorb(added: object) -> None:
    """Take another process's `journal_take()` into this one's table (written at exit like its own);
    an item of another shape is left out."""
    state = _state
    if not isinstance(added, dict) or not added:
        return
    if not state.loaded:
        _load(state, os.environ)
    if state.folder is None:
        return
    for key, entry in added.items():
        if key not in state.table and len(state.added) < MAX_ENTRIES and _sound(key, entry):
            state.added[key] = entry
    if state.added:
        _save_at_exit(state)


def interpreter_key() -> str:
    """What a table is valid for: this exact interpreter and its regular-expression engine."""
    import _sre

    return f"{FORMAT}|{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}"


def engine_key() -> str:
    """What a shipped table is valid for: the implementation (its cache tag) and its regular-expression
    engine (the opcodes' MAGIC, the code unit, the limits compiled into the code, the Unicode range)."""
    import _sre

    return (f"{FORMAT}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}"
            f"|{_sre.MAXGROUPS}|{sys.maxunicode}")


def shipped_path() -> str:
    """This engine's table in doctor/regex-tables (there may be none)."""
    import _sre

    return os.path.join(os.path.dirname(os.path.abspath(__file__)), SHIPPED,
                        f"{sys.implementation.cache_tag}-{_sre.MAGIC}{SHIPPED_SUFFIX}")


class Shipped:
    """A shipped table: its entries by key, each loaded (marshal) when asked for; one that does not
    load, or is no entry's shape, is None (`get`) and left out (`items`)."""

    def __init__(self, packed: dict[object, object] | None = None) -> None:
        self._packed = packed or {}

    def __len__(self) -> int:
        return len(self._packed)

    def __iter__(self) -> Iterator[object]:
        return iter(self._packed)

    def get(self, key: Key) -> Entry | None:
        packed = self._packed.get(key)
        if not isinstance(packed, bytes):
            return None
        try:
            import marshal

            entry = marshal.loads(packed)
        except Exception:  # not marshal: compiled as before
            return None
        return entry if _sound(key, entry) else None

    def items(self) -> Iterator[tuple[Key, Entry]]:
        for key in self._packed:
            entry = self.get(key)  # type: ignore[arg-type]  # a key of another shape: None (_sound)
            if entry is not None:
                yield key, entry  # type: ignore[misc]


def read_shipped(path: str | None = None) -> Shipped:
    """A shipped table (the marshal of (engine_key(), {key: the marshal of its entry})), this
    engine's by default; empty when there is none, it is another engine's, or it is no table."""
    try:
        with open(shipped_path() if path is None else path, "rb") as handle:
            data = handle.read(SHIPPED_MAX_BYTES + 1)
        if len(data) > SHIPPED_MAX_BYTES:
            return Shipped()
        import marshal

        key, table = marshal.loads(data)
        if key != engine_key() or not isinstance(table, dict):
            return Shipped()
        return Shipped(table)
    except Exception:  # none shipped for this engine, or not a table: compile as before
        return Shipped()


def table_path(folder: str) -> str:
    """The table of this interpreter in `folder`."""
    import zlib

    digest = zlib.crc32(interpreter_key().encode())
    return os.path.join(folder, f"{PREFIX}{sys.implementation.cache_tag}-{digest:08x}{SUFFIX}")


def _load(state: _State, env: Mapping[str, str]) -> None:
    from doctor.cachedir import cache_dir

    state.loaded = True
    state.folder = cache_dir(env)
    if state.folder is not None:
        state.table = _read(state.folder)


def _read(folder: str) -> dict[Key, Entry]:
    """The stored table, or {} when there is none, it is another interpreter's, or it is unsound."""
    from doctor.cachedir import read

    data = read(folder, os.path.basename(table_path(folder)), MAX_BYTES)
    if data is None:
        return {}
    try:
        return _unpacked(data, interpreter_key())
    except Exception:  # a cache file is not trusted input: every failure is a miss
        return {}


def _unpacked(data: bytes, valid_for: str) -> dict[Key, Entry]:
    """The entries of a marshalled (key, table), or {} when its key is not `valid_for`; raises on
    what is not such a pair (the readers make that a miss). Each entry is checked (`_sound`) when
    it is used or written, not here: a run uses ~30 of ~180 (checking all cost ~1 ms a process)."""
    import marshal

    key, table = marshal.loads(data)
    if key != valid_for or not isinstance(table, dict):
        return {}
    return table


def _sound(key: object, entry: object) -> bool:
    """Whether a stored item has the shape `_sre.compile` takes, its group count, names and index
    agreeing (`_sre` validates the code itself, not these)."""
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], (str, bytes)) and type(key[1]) is int):
        return False
    if not (isinstance(entry, tuple) and len(entry) == 5):
        return False
    flags, code, groups, groupindex, indexgroup = entry
    return (
        type(flags) is int and isinstance(code, list) and type(groups) is int and isinstance(groupindex, dict)
        and isinstance(indexgroup, tuple) and len(indexgroup) == groups + 1
        and all(type(i) is int and 0 < i <= groups and indexgroup[i] == name for name, i in groupindex.items())
        and sum(name is not None for name in indexgroup) == len(groupindex)
    )


def save() -> None:
    """Write this run's new patterns into the table (at interpreter exit); any failure writes nothing."""
    state = _state
    if not state.added or state.folder is None:
        return
    try:
        _write(state.folder, state.added)
        state.table.update(state.added)
        state.added = {}
    except Exception:  # a cache that cannot be written is simply not used
        return


def _write(folder: str, added: dict[Key, Entry]) -> None:
    import marshal

    from doctor.cachedir import in_project, write

    if in_project(folder):
        return
    table = {k: v for k, v in _read(folder).items() if _sound(k, v)}  # another run may have added some meanwhile
    table.update(added)
    if len(table) > MAX_ENTRIES:
        table = dict(added)
    data = marshal.dumps((interpreter_key(), table))
    if len(data) > MAX_BYTES:
        data = marshal.dumps((interpreter_key(), added))
        if len(data) > MAX_BYTES:
            return
    write(folder, os.path.basename(table_path(folder)), data)
