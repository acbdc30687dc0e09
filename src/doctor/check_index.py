"""`doctor list` and `doctor explain ID` without importing a check (nor importlib.metadata).

Importing every check costs more than the whole budget of these commands, so the built-in
checks' ids, summaries and documentation are also kept in check_index.json, generated from
the checks themselves (`python -m doctor.check_index`; a test fails while it is stale). An
entry point is answered from the index only while the file defining its class still has the
CRC recorded there; a plugin, or a check edited since, makes `answer` return None and the
caller loads the registry as preflight does (the registry stays the one source of truth).
A preflight takes which entries are current from the file-fact memo (`current_entry(...,
remembered=True)`) while the index and each class file read are unchanged.

Entry points are read from the `entry_points.txt` of each distribution on sys.path, first
one of a name wins, as importlib.metadata does; anything unusual (a zip on sys.path) is None.
"""

from __future__ import annotations

import json
import os
import sys
import types

TYPE_CHECKING = False  # importing typing costs a third of `doctor list`
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any, TextIO

GROUP = "doctor.checks"
INDEX = os.path.join(os.path.dirname(__file__), "check_index.json")
_TO_DASH = str.maketrans("_.", "--")



def import_module(name: str) -> types.ModuleType:
    """importlib.import_module(name) for an absolute name, without importing the importlib package
    (and the warnings module it imports: ~0.6 ms of every run's start)."""
    __import__(name)
    return sys.modules[name]

class EntryPoint:
    """The part of importlib.metadata.EntryPoint the registry uses: name, value, dist.name, load()."""

    __slots__ = ("info", "name", "value")

    def __init__(self, name: str, value: str, info: str) -> None:
        self.name, self.value, self.info = name, value, info  # info: the .dist-info/.egg-info folder

    @property
    def dist(self) -> types.SimpleNamespace:
        """The distribution, by the Name in its metadata (read only when asked: on a plugin error)."""
        for metadata in ("METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(self.info, metadata), encoding="utf-8", errors="replace") as handle:
                    for line in handle:
                        if line.lower().startswith("name:"):
                            return types.SimpleNamespace(name=line.partition(":")[2].strip())
                        if not line.strip():
                            break
            except OSError:
                continue
        return types.SimpleNamespace(name=os.path.basename(self.info).rsplit(".", 1)[0].split("-")[0])

    def load(self) -> Any:
        module, _, attrs = self.value.partition("[")[0].partition(":")
        loaded: Any = import_module(module.strip())
        for attr in filter(None, attrs.strip().split(".")):
            loaded = getattr(loaded, attr)
        return loaded


def registered(group: str = GROUP, remembered: bool = False) -> list[EntryPoint] | None:
    """The entry points of `group` (for doctor.engine.load_registry), or None as `entry_points`.
    `remembered`: from the file-fact memo while what the scan read is unchanged (_remembered_scan)."""
    found = _remembered_scan(group) if remembered else _scan(group)
    return None if found is None else [EntryPoint(*point) for point in found]


def entry_points(group: str = GROUP) -> list[tuple[str, str]] | None:
    """(name, "module:attr") of every entry point in `group`, or None when sys.path is not plain folders."""
    found = _scan(group)
    return None if found is None else [(name, value) for name, value, _ in found]


def _scan(group: str, read: list[str] | None = None) -> list[tuple[str, str, str]] | None:
    """Every entry point of `group` in the distributions on sys.path; `read` gets each distribution
    folder and entry_points.txt looked at."""
    seen: set[str] = set()
    found: list[tuple[str, str, str]] = []
    for folder in sys.path:
        folder = folder or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return None  # a zip or an egg: leave it to importlib.metadata
            continue
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        for name in names:
            dist = _normalized(name.rsplit(".", 1)[0].split("-")[0])
            if dist in seen:
                continue
            seen.add(dist)
            info = os.path.join(folder, name)
            found += [(n, v, info) for n, v in _group(os.path.join(info, "entry_points.txt"), group)]
            if read is not None:
                read += [info, os.path.join(info, "entry_points.txt")]
    return found


def _remembered_scan(group: str) -> list[tuple[str, str, str]] | None:
    """_scan's answer, from the file-fact memo (doctor.project.memo) while every sys.path folder (a
    distribution installed or removed changes its mtime, as for the import system's own path
    cache), each distribution folder and each entry_points.txt the scan read are as they were:
    listing the standard library's folder and reading every entry_points.txt cost ~1.5 ms of a
    preflight's start."""
    from doctor.project.memo import remember, stamp

    def scanned() -> tuple[list[tuple[str, str, str]] | None, tuple[tuple[str, object], ...]]:
        read: list[str] = []
        found = _scan(group, read)
        return found, tuple((path, stamp(path)) for path in read)

    found, _inputs = remember("entry-points", [folder or "." for folder in sys.path], group, scanned,
                              valid=lambda value: all(stamp(path) == was for path, was in value[1]))
    return found


def _group(path: str, group: str) -> Iterator[tuple[str, str]]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return
    section = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def _source_crc(module: str, source: str) -> int | None:
    """The CRC of `source` (a path relative to the folder of `module`), found without importing `module`.

    Its parent package is imported (doctor.checks: a docstring) for its __path__, which an
    editable install points at the source tree.
    """
    found = _source_file(module, source)
    return None if found is None else found[1]


def _source_file(module: str, source: str) -> tuple[str, int] | None:
    """`_source_crc`'s file and CRC (None: no such file can be read)."""
    parent, _, child = module.rpartition(".")
    try:
        folders = list(getattr(import_module(parent), "__path__", ())) if parent else sys.path
    except ImportError:
        return None
    for folder in folders:
        base = os.path.join(folder or ".", child)
        path = os.path.join(base if os.path.isdir(base) else folder or ".", source)
        try:
            with open(path, "rb") as handle:
                import zlib  # `list` and `explain` need it, a preflight does not

                return path, zlib.crc32(handle.read())
        except OSError:
            continue
    return None


def indexed_checks() -> dict[str, dict[str, Any]] | None:
    """id -> its index entry ("summary", "documentation", ...) for every registered check, or None
    when one must be imported."""
    points = entry_points()
    if points is None:
        return None
    checks: dict[str, dict[str, Any]] = {}
    for name, value in sorted(points):
        entry = current_entry(name, value)
        if entry is None:
            return None
        checks.setdefault(name, entry)
    return checks


_LOADED: dict[str, dict[str, dict[str, Any]]] = {}  # INDEX's path -> its entries, read once per process
_REMEMBERED: dict[str, dict[str, dict[str, Any]]] = {}  # INDEX's path -> its current entries (`_current`)


def current_entry(name: str, value: str, remembered: bool = False) -> dict[str, Any] | None:
    """The index entry of the entry point `name = value` while it is current (a built-in check whose
    class file has the CRC recorded), else None: the caller imports the check. `remembered` (a
    preflight): the current entries from the file-fact memo (`_current`), without their "documentation"
    (`documentation` reads it)."""
    if remembered:
        entry = _current().get(value)
        return entry if isinstance(entry, dict) and entry.get("id") == name else None
    entry = _index().get(value)
    if not isinstance(entry, dict) or entry.get("id") != name:
        return None  # a plugin (or a renamed check): the registry loads and validates it
    if _source_crc(value.partition(":")[0], entry["source"]) != entry["crc"]:
        return None  # edited since the index was written
    return entry


def _index() -> dict[str, dict[str, Any]]:
    if INDEX not in _LOADED:
        try:
            with open(INDEX, encoding="utf-8") as handle:
                _LOADED[INDEX] = json.load(handle)
        except (OSError, ValueError):
            _LOADED[INDEX] = {}
    return _LOADED[INDEX]


def _current() -> dict[str, dict[str, Any]]:
    """value -> entry of every index entry whose class file has the CRC recorded, as `current_entry`
    judges each: which ones are, from the file-fact memo (doctor.project.memo) while check_index.json
    and every class file read are as they were (reading the 16 check files for their CRC cost
    ~2.5M instructions of a warm preflight's ~350M). The memo keeps each entry but its documentation
    (~3 KB in all), which `documentation` reads from the index when a SARIF report asks for it:
    parsing the whole index (~185 KB) cost ~2.6M of every warm preflight."""
    if INDEX not in _REMEMBERED:
        from doctor.project.memo import remember, stamp

        entries, _read = remember("check-index-fields", [INDEX], (), _checked,
                                  valid=lambda value: all(stamp(path) == was for path, was in value[1]))
        _REMEMBERED[INDEX] = dict(entries)
    return _REMEMBERED[INDEX]


def documentation(value: str) -> str:
    """The documentation the index holds for the entry point `value` ("" for none)."""
    entry = _index().get(value)
    found = entry.get("documentation") if isinstance(entry, dict) else None
    return found if isinstance(found, str) else ""


def _checked() -> tuple[tuple[tuple[str, dict[str, Any]], ...], tuple[tuple[str, object], ...]]:
    """`_current`'s current entries (each entry point's value with its entry but the documentation), and the
    stamp of each class file read. A file changed in the memo's racy window (an edit while it was
    read among them) is not trusted to its stamp: nothing is remembered then."""
    import time

    from doctor.project.memo import RACY_NS, stamp, unreadable

    current: list[tuple[str, dict[str, Any]]] = []
    read: list[tuple[str, object]] = []
    for value, entry in _index().items():
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            continue
        found = _source_file(value.partition(":")[0], entry["source"])
        if found is None:
            continue
        path, crc = found
        was = stamp(path)
        read.append((path, was))
        if was is None or was[3] >= time.time_ns() - RACY_NS:
            unreadable()  # remembered by its stamp only when it cannot have changed unseen
        if crc == entry.get("crc"):
            current.append((value, {key: field for key, field in entry.items() if key != "documentation"}))
    return tuple(current), tuple(read)


def answer(args: Sequence[str], out: TextIO | None = None) -> int | None:
    """Print `list` or `explain ID` from the index and return the exit status; None = cannot answer."""
    out = out or sys.stdout
    checks = indexed_checks()
    if checks is None:
        return None
    if list(args) == ["list"]:
        width = max((len(i) for i in checks), default=0)
        out.write("".join(f"{i:<{width}}  {c['summary']}\n" for i, c in sorted(checks.items())))
        return 0
    if len(args) == 2 and args[0] == "explain" and args[1] in checks:
        out.write(f"{args[1]}\n\n{checks[args[1]]['documentation']}\n")
        return 0
    return None


def generate() -> dict[str, dict[str, object]]:
    """The index of the checks registered now (imports them all: run at build time, not at run time)."""
    import inspect
    import zlib
    from pathlib import Path

    from doctor.engine import load_registry

    registry = load_registry()
    if registry.errors:
        raise SystemExit(f"cannot index: {registry.errors}")
    index: dict[str, dict[str, object]] = {}
    for name, value in sorted(entry_points() or ()):
        cls = registry.checks.get(name)
        module = import_module(value.partition(":")[0])
        if cls is None or not module.__file__ or not value.startswith("doctor."):
            continue  # only doctor's own checks: a plugin is always imported
        defined = Path(inspect.getsourcefile(cls) or "")
        source = os.path.relpath(defined, Path(module.__file__).parent)
        index[value] = {"id": name, "summary": cls.summary(), "documentation": cls.documentation(),
                        "source": source, "crc": zlib.crc32(defined.read_bytes()),
                        # what a preflight needs to know of a check before it imports it (doctor.engine)
                        "fix_family": cls.fix_family, "prefetch": list(cls.prefetch),
                        "project_only": cls.project_only, "fork_safe": cls.fork_safe,
                        "severity": int(cls.severity)}
    return index


def _normalized(name: str) -> str:
    """A distribution's name as `re.sub(r"[-_.]+", "-", name).lower()` makes it (PEP 503), without
    compiling a pattern (`doctor list` imports no pattern): each run of separators one `-`."""
    dashed = name.translate(_TO_DASH)
    while "--" in dashed:
        dashed = dashed.replace("--", "-")
    return dashed.lower()


def render(index: dict[str, dict[str, object]]) -> str:
    return json.dumps(index, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    text = render(generate())  # before the file is opened: a failure leaves the index as it was
    with open(INDEX, "w", encoding="utf-8") as output:
        output.write(text)
    print(f"wrote {INDEX}")
