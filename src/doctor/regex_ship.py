"""doctor's static patterns compiled ahead for each interpreter: the tables in doctor/regex-tables.

A first run on a machine has no table of its own (doctor.recache) and parses every pattern it
uses: ~30 ms of a first otel-demo run, a first run being every run of a fresh CI job. Each file
of doctor/regex-tables holds the `_sre.compile` arguments of every module-level `lazy(...)`
pattern of doctor and doctor.checks, as one interpreter's `re` makes them; doctor.recache takes
an entry from the file of the running engine (`recache.engine_key`: cache tag, `_sre.MAGIC`, code
unit, limits) where its own table has none, and keeps it in its own table.

    python -m doctor.regex_ship [PYTHON ...]   # from a checkout; default: this interpreter

Each PYTHON (3.11 or later, as doctor) compiles the patterns with its own `re` and writes its own
file, named by its cache tag and `_sre.MAGIC`: one file serves every patch release of a minor
version, whose `re` generates the same code for these patterns (tests/test_recache_shipped.py
checks that of the interpreter running the tests). Run it again after adding or changing a
`lazy(...)`: that test fails until then. Only the standard library is imported here, at module
level, so that another interpreter can run `write_table` without doctor's dependencies.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from doctor.lazyre import _LazyPattern

Key = tuple["str | bytes", int]
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from doctor.regex_ship import write_table; write_table()"


def static_patterns() -> list[Key]:
    """Every (pattern, flags) of a `lazy(...)` at module level in doctor and doctor.checks (in a
    tuple, list, set or dict there too), in the order the modules are found."""
    import importlib
    import pkgutil

    import doctor

    found: dict[Key, None] = {}
    for package in (doctor, importlib.import_module("doctor.checks")):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for value in list(vars(module).values()):
                for stand_in in _lazy_in(value):
                    found[(stand_in.pattern, int(stand_in._flags))] = None
    return list(found)


def _lazy_in(value: object, depth: int = 0) -> Iterator[_LazyPattern]:
    from doctor.lazyre import _LazyPattern

    if isinstance(value, _LazyPattern):
        yield value
    elif depth < 2 and isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _lazy_in(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _lazy_in(item, depth + 1)


def write_table() -> None:
    """In the interpreter whose table it is: read the marshalled patterns from stdin, compile each
    with this `re` and write this engine's file: the marshal of (engine_key(), table), each entry of
    the table marshalled on its own, so that a run loads only those it uses (doctor.recache.Shipped)."""
    import marshal

    from doctor import recache

    patterns = marshal.loads(sys.stdin.buffer.read())
    table = {(pattern, flags): marshal.dumps(recache._entry(pattern, flags)) for pattern, flags in patterns}
    data = marshal.dumps((recache.engine_key(), table))
    if len(data) > recache.SHIPPED_MAX_BYTES:
        raise SystemExit(f"{len(data)} bytes: over recache.SHIPPED_MAX_BYTES")
    path = recache.shipped_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as handle:
        handle.write(data)
    os.replace(path + ".tmp", path)
    print(f"{path}: {len(table)} patterns, {len(data):,} bytes ({sys.version.split()[0]})")


def main(argv: list[str]) -> int:
    import marshal
    import subprocess

    import doctor

    source = os.path.dirname(os.path.dirname(os.path.abspath(doctor.__file__)))
    data = marshal.dumps(static_patterns(), 4)  # format 4: what every supported interpreter reads
    for python in argv or [sys.executable]:
        done = subprocess.run([python, "-I", "-c", _CHILD, source], input=data, check=False)
        if done.returncode != 0:
            print(f"{python}: no table written (exit {done.returncode})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
