"""Standard modules imported without the parts of them a run never uses.

`pathlib` (before Python 3.13) imports `urllib.parse` for one function, `quote_from_bytes`, that
only `Path.as_uri()` calls; `urllib.parse` imports `ipaddress`. The two cost ~3.5 ms of every
run's start (a fifth of what doctor's own modules cost to load) and a preflight calls `as_uri`
never. `import_pathlib` imports pathlib with a stand-in for `urllib.parse` that holds only that
function: the stand-in imports the real module at the first call, and is in `sys.modules` only
while pathlib imports, so any other `import urllib.parse` gets the real module, as always.
Where pathlib or urllib.parse is already imported, or pathlib imports urllib.parse lazily itself
(3.13+), or anything goes wrong, it is the plain `import pathlib`. The same way pathlib gets a
`Deferred` stand-in for `warnings` (used by its deprecated methods alone: the real module at the
first attribute read), and, off Windows, `nt` as None in `sys.modules` while ntpath imports: its
five `from nt import ...` fail at once instead of each searching the path (~0.9 ms together).

`tomllib` (a first run's pyproject.toml, in each process that reads one) imports `typing` for
annotations, a `NamedTuple` and two aliases, and compiles four patterns (its own three and
`string.Template`'s): ~10 ms of ~11.5. `import_tomllib` seeds `re`'s cache with those patterns
from doctor's regex table (`seed_patterns`, as doctor.project.yamlimport does for PyYAML's) and
imports tomllib with a stand-in `typing` holding only what it takes (its `NamedTuple` makes a
`collections.namedtuple`). The stand-in is in `sys.modules` only while tomllib's own modules
import (what else tomllib imports is imported first, with the real `typing` importable); any other
`import typing` gets the real module. `datetime` stands in as its C half `_datetime` (the same
classes: datetime.py's pure-Python half, ~0.9 ms, is never read), as PyYAML's import has it.
Where typing or tomllib is already imported, or tomllib takes anything else from typing, or
anything goes wrong, it is the plain `import tomllib`.
"""

from __future__ import annotations

import contextlib
import re
import sys
from types import ModuleType

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

STAND_IN = "urllib.parse"


def import_pathlib() -> ModuleType:
    """The `pathlib` module; imported without `urllib.parse`, `warnings` and five failed imports of
    `nt` when it is imported here first."""
    if "pathlib" not in sys.modules:
        placed: dict[str, ModuleType | None] = {}
        if STAND_IN not in sys.modules and sys.version_info < (3, 13):
            stand_in = ModuleType(STAND_IN, "doctor.lean_imports' stand-in: what pathlib takes from urllib.parse")
            stand_in.quote_from_bytes = _quote_from_bytes  # type: ignore[attr-defined]
            placed[STAND_IN] = stand_in
        if "warnings" not in sys.modules:  # pathlib warns only from deprecated methods
            placed["warnings"] = Deferred("warnings")
        if "nt" not in sys.modules and sys.platform != "win32":
            # ntpath's five `from nt import ...` each searched the whole path (~0.1 ms) to fail; None
            # fails them at once (ImportError, as the search's), and ntpath keeps its own versions
            placed["nt"] = None
        with standing_in(placed), contextlib.suppress(ImportError):  # one taking more: the plain import below
            import pathlib
    import pathlib

    return pathlib


class Deferred(ModuleType):
    """A stand-in for a module a module imports (`import warnings`) and uses only at call time:
    the real module is imported at the first attribute read, and answers it."""

    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__"):  # the import system's own probes (__path__, __file__ ...)
            raise AttributeError(attribute)
        name = self.__name__
        if sys.modules.get(name) is self:  # read while still standing in: the real one replaces it
            del sys.modules[name]
        __import__(name)
        return getattr(sys.modules[name], attribute)


def _quote_from_bytes(*args: object, **kwargs: object) -> str:
    """`urllib.parse.quote_from_bytes`, imported at its first call (`Path.as_uri()`)."""
    from urllib.parse import quote_from_bytes

    return quote_from_bytes(*args, **kwargs)  # type: ignore[arg-type]


def seed_patterns(patterns: Iterable[tuple[str | bytes, re.Pattern[str] | re.Pattern[bytes]]]) -> None:
    """Place each (text, pattern) in `re`'s cache (CPython 3.11-3.13: {(type, text, flags): Pattern})
    as what `re.compile(text, flags)` returns: a module that compiles `text` at import takes the
    pattern compiled from doctor's regex table (doctor.lazyre, doctor.recache), not a parse of its
    own. A text written differently misses (the module compiles its own); a failure seeds nothing."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return
    for text, stand_in in patterns:
        try:
            compiled: re.Pattern[str] | re.Pattern[bytes] = getattr(stand_in, "compiled", stand_in)
            cache.setdefault((type(text), text, compiled.flags & ~re.U), compiled)
        except Exception:  # a seed that fails is a miss: the module compiles its own
            continue


# tomllib/_re.py's three patterns and string.Template's, text and flags as Python 3.11-3.13 write them
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]{1,6})[0-9]*)?"
TOMLLIB_PATTERNS = (
    lazy("\n0\n(?:\n    x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*   # hex\n    |\n    b[01](?:_?[01])*                 # bin\n"
         "    |\n    o[0-7](?:_?[0-7])*               # oct\n)\n|\n[+-]?(?:0|[1-9](?:_?[0-9])*)         # dec, "
         "integer part\n(?P<floatpart>\n    (?:\\.[0-9](?:_?[0-9])*)?         # optional fractional part\n"
         "    (?:[eE][+-]?[0-9](?:_?[0-9])*)?  # optional exponent part\n)\n", re.VERBOSE),
    lazy(_TIME),
    lazy("\n([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])  # date, e.g. 1988-10-27\n(?:\n    [Tt ]\n    "
         + _TIME + "\n    (?:([Zz])|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?  # optional time offset\n)?\n",
         re.VERBOSE),
)
STRING_TEMPLATE_PATTERN = lazy(
    "\n            \\$(?:\n              (?P<escaped>\\$)  |   # Escape sequence of two delimiters\n"
    "              (?P<named>(?a:[_a-z][_a-z0-9]*))       |   # delimiter and a Python identifier\n"
    "              {(?P<braced>(?a:[_a-z][_a-z0-9]*))} |   # delimiter and a braced identifier\n"
    "              (?P<invalid>)             # Other ill-formed delimiter exprs\n            )\n            ",
    re.IGNORECASE | re.VERBOSE)
# json's five str patterns (its scanner's, decoder's and encoder's), text and flags as Python 3.11-3.13 write them
_JSON_FLAGS = re.VERBOSE | re.MULTILINE | re.DOTALL
JSON_PATTERNS = (
    lazy(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?", _JSON_FLAGS),
    lazy('(.*?)(["\\\\\\x00-\\x1f])', _JSON_FLAGS),
    lazy(r"[ \t\n\r]*", _JSON_FLAGS),
    lazy('[\\x00-\\x1f\\\\"\\b\\f\\n\\r\\t]'),
    lazy(r'([\\"]|[^\ -~])'),
    lazy(b"[\x80-\xff]"),  # json.encoder's HAS_UTF8
)
# by module, what it compiles at its import, as Python 3.11-3.13 write it: json's, shlex's (its
# quote's `_find_unsafe`), difflib's (IS_LINE_JUNK's default); a warm run imports all three (the
# login shell's cached PATH, a Dockerfile's words, a name's suggestions)
STDLIB_PATTERNS = {
    "json": JSON_PATTERNS,
    "shlex": (lazy(r"[^\w@%+=:,./-]", re.ASCII),),
    "difflib": (lazy(r"\s*(?:#\s*)?$"),),
}


def glob_patterns(*globs: str) -> tuple[re.Pattern[str], ...]:
    """`lazy()` patterns of what fnmatch compiles for each glob (`fnmatchcase(name, glob)`), and
    pathlib's `Path.glob` for a wildcard part through Python 3.12: `re.compile(fnmatch.translate(glob))`,
    placed in `re`'s cache now (`seed_patterns`). A module keeps them at its level (where
    doctor.regex_ship finds them) for the globs it matches in every run (`requirements*.txt`, a
    workflow folder's `*.yml`): they take the compiled pattern from doctor's regex table instead of
    ~0.1 ms of parsing each; where a Python writes the text otherwise (3.13's pathlib), it compiles
    its own, as before."""
    from fnmatch import translate

    patterns = tuple(lazy(translate(glob)) for glob in globs)
    seed_patterns((pattern.pattern, pattern) for pattern in patterns)
    return patterns


def match_glob(name: str, glob: str) -> bool:
    """fnmatch.fnmatchcase(name, glob), for a glob of a project's own text (a .gitignore line, a
    COPY source): fnmatch compiles a pattern for each glob (~0.1 ms apiece, never kept across
    runs), while most are a name (`.venv`), `*` and a name (`*.pyc`) or a name and `*`
    (`gradlew*`), compared here as strings (fnmatch's `*` matches `/` too)."""
    if not any(c in glob for c in "*?["):
        return name == glob
    rest = glob[1:] if glob[0] == "*" else glob[:-1] if glob[-1] == "*" else None
    if rest is not None and not any(c in rest for c in "*?["):
        return name.endswith(rest) if glob[0] == "*" else name.startswith(rest)
    from fnmatch import fnmatchcase

    return fnmatchcase(name, glob)


def seed_stdlib_patterns() -> None:
    """json's patterns in `re`'s cache before json imports (a warm run's first import of it, for
    the login shell's cached PATH): ~0.4 ms of compiling at its import; shlex's and difflib's,
    ~0.2 ms more (each where its module is not imported yet)."""
    seed_patterns([(p.pattern, p) for name, patterns in STDLIB_PATTERNS.items() if name not in sys.modules
                   for p in patterns])


_TOMLLIB_MODULES = frozenset({"tomllib", "tomllib._parser", "tomllib._re", "tomllib._types"})


def import_tomllib() -> None:
    """Import `tomllib` (without `typing` when it is imported here first); `import tomllib` then
    gets it."""
    if "tomllib" in sys.modules or "typing" in sys.modules:
        return
    seeds = [(p.pattern, p) for p in TOMLLIB_PATTERNS]
    if "string" not in sys.modules:
        seeds.append((STRING_TEMPLATE_PATTERN.pattern, STRING_TEMPLATE_PATTERN))
    seed_patterns(seeds)
    # what tomllib imports besides typing, imported while the real typing is importable
    import collections.abc  # noqa: F401
    import functools  # noqa: F401
    import string  # noqa: F401

    placed: dict[str, ModuleType | None] = {"typing": _typing_stand_in()}
    if "datetime" not in sys.modules:
        try:  # its classes, from the C module datetime.py takes them from (as doctor.project.yamlimport)
            import _datetime  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # another Python: datetime.py whole
            import datetime  # noqa: F401
        else:
            placed["datetime"] = _datetime
    before = set(sys.modules)
    with standing_in(placed), contextlib.suppress(Exception):
        import tomllib  # noqa: F401  # one taking more from typing: the plain import, once the stand-in is gone
    imported = set(sys.modules) - before
    if not imported <= _TOMLLIB_MODULES or "tomllib" not in imported:
        for name in imported:  # whatever holds the stand-in is imported again, plainly
            del sys.modules[name]


@contextlib.contextmanager
def standing_in(placed: dict[str, ModuleType | None]) -> Iterator[None]:
    """`placed` in `sys.modules` for the block (None: the import system's "no such module"), each
    taken out after it unless the block replaced it."""
    sys.modules.update(placed)  # type: ignore[arg-type]
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if name in sys.modules and sys.modules[name] is stand_in:
                del sys.modules[name]


class _Annotation:
    """`Any`, `BinaryIO`, `Callable[...]`, `Tuple[...]` as tomllib uses them: in annotations only."""

    def __getitem__(self, _item: object) -> _Annotation:
        return self


class _NamedTupleMeta(type):
    """`class Output(NamedTuple): data: ...; flags: ...` as typing makes it: a namedtuple of the
    annotated fields (a body with more than fields is refused: the plain import then)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if not bases:  # the stand-in's own NamedTuple
            return super().__new__(mcs, name, bases, namespace)
        if set(namespace) - {"__module__", "__qualname__", "__annotations__", "__doc__"}:
            raise ImportError(f"{name}: a NamedTuple with more than fields")
        from collections import namedtuple

        fields = namespace.get("__annotations__", {})
        return namedtuple(name, tuple(fields) if isinstance(fields, dict) else (),
                          module=str(namespace.get("__module__")))


def _typing_stand_in() -> ModuleType:
    stand_in = ModuleType("typing", "doctor.lean_imports' stand-in: what tomllib takes from typing")
    annotation = _Annotation()
    for name in ("Any", "BinaryIO", "Callable", "Tuple"):
        setattr(stand_in, name, annotation)
    stand_in.NamedTuple = _NamedTupleMeta("NamedTuple", (), {})  # type: ignore[attr-defined]
    return stand_in
