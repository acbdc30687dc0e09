"""doctor/regex-tables: doctor's static patterns compiled ahead, one table per regular-expression engine.

Each shipped table holds exactly the static patterns of today's modules (else it is stale: run
`python -m doctor.regex_ship` with each interpreter), the table of the interpreter running the
tests holds what this interpreter's `re` makes of each pattern (so one table serves each patch
release this is run on: CI's interpreter, a distribution's and pyenv's builds), a first run takes
them without parsing one, and a table of another engine, a corrupt or oversized one, or none at
all leaves the run compiling as before. DOCTOR_NO_CACHE=1 reads no table, shipped or stored.
"""

from __future__ import annotations

import gc
import marshal
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from test_recache import assert_same, new_state

from doctor import recache
from doctor.regex_ship import static_patterns

SHIPPED = Path(recache.__file__).parent / recache.SHIPPED
STATIC = static_patterns()
SUPPORTED = ((3, 11), (3, 12), (3, 13))  # the interpreters a table is shipped for


def tables() -> dict[str, dict[Any, Any]]:
    """Every shipped table by file name, read plainly (whatever engine it is for)."""
    found = {}
    for path in sorted(SHIPPED.glob(f"*{recache.SHIPPED_SUFFIX}")):
        _, table = marshal.loads(path.read_bytes())
        found[path.name] = {key: marshal.loads(packed) for key, packed in table.items()}
    return found


def test_each_shipped_table_holds_todays_static_patterns() -> None:
    found = tables()
    assert found, f"no table in {SHIPPED}"
    for name, table in found.items():
        assert set(table) == set(STATIC), (
            f"{name} is stale: run `python -m doctor.regex_ship PYTHON ...` with each interpreter "
            "(a table of an interpreter you do not have may be deleted: its users compile as before)")


def test_this_interpreters_table_is_what_its_re_compiles() -> None:
    if sys.version_info[:2] in SUPPORTED:
        assert Path(recache.shipped_path()).is_file()
    shipped = recache.read_shipped(recache.shipped_path())
    if not shipped:
        pytest.skip(f"no table shipped for {sys.implementation.cache_tag}")
    assert set(shipped) == set(STATIC)
    for (pattern, flags), entry in shipped.items():
        assert recache._entry(pattern, flags) == entry, pattern


def test_a_first_run_parses_no_static_pattern(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not recache.read_shipped(recache.shipped_path()):
        pytest.skip(f"no table shipped for {sys.implementation.cache_tag}")
    folder = tmp_path / "cache" / "doctor"
    new_state(monkeypatch, folder)
    from re import _parser  # type: ignore[attr-defined]

    def no_parse(*args: object) -> None:
        raise AssertionError("a shipped pattern was parsed")

    with monkeypatch.context() as patched:
        patched.setattr(_parser, "parse", no_parse)
        compiled = [recache.compile(pattern, flags) for pattern, flags in STATIC]
    for cached, (pattern, flags) in zip(compiled, STATIC, strict=True):
        assert_same(cached, pattern, flags)
    recache.save()  # kept in the user's own table: the next run reads that one alone
    state = new_state(monkeypatch, folder)
    assert set(STATIC) <= set(state.table)
    monkeypatch.setattr(recache, "read_shipped", lambda path=None: pytest.fail("the shipped table read again"))
    assert_same(recache.compile(*STATIC[0]), *STATIC[0])


def test_a_first_run_unpacks_only_the_entries_it_asks_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The shipped table is read whole, but each entry is unpacked when asked for: a run takes
    ~40 of ~600, and the whole table's code (hundreds of thousands of ints) cost a first run ~6 ms."""
    if not recache.read_shipped(recache.shipped_path()):
        pytest.skip(f"no table shipped for {sys.implementation.cache_tag}")
    whole = sum(len(entry[1]) for _, entry in recache.read_shipped(recache.shipped_path()).items())  # code words
    new_state(monkeypatch, tmp_path / "cache" / "doctor")
    gc.collect()
    before = sys.getallocatedblocks()
    compiled = recache.compile(*STATIC[0])
    grown = sys.getallocatedblocks() - before
    assert_same(compiled, *STATIC[0])
    assert whole > 50_000 and grown < whole // 20, (grown, whole)


def _packed(entry: object) -> bytes:
    return marshal.dumps(entry)


ENTRY = (0, [1, 2, 3], 0, {}, (None,))  # code the engine refuses
OWN = recache.engine_key()


@pytest.mark.parametrize("data", [
    b"", b"not marshal", marshal.dumps(None), marshal.dumps(("key",)),
    marshal.dumps(("1|cpython-399|20990101|4|4294967295|1073741823|1114111", {(r"(\d+)x", 0): _packed(ENTRY)})),
    marshal.dumps((OWN, [(r"(\d+)x", 0)])),
    marshal.dumps((OWN, {(r"(\d+)x", 0): _packed(ENTRY)})),
    marshal.dumps((OWN, {(r"(\d+)x", 0): b"not marshal"})),
    marshal.dumps((OWN, {(r"(\d+)x", 0): _packed(recache._entry(r"(\d+)x", 0))[:-3]})),  # an entry cut short
    marshal.dumps((OWN, {(r"(\d+)x", 0): ENTRY})),  # not marshalled on its own
    marshal.dumps((OWN, {(r"(\d+)x", 0): _packed(("x",))})),  # no entry's shape
    marshal.dumps((OWN, {(r"(\d+)x", 0): _packed(recache._entry(r"(\d+)x", 0))}))[:-3],  # truncated
    marshal.dumps((OWN, {(r"(\d+)x", 0): _packed(recache._entry(r"(\d+)x", 0)),
                         "x": b"\0" * recache.SHIPPED_MAX_BYTES})),  # over its bound
])
def test_a_foreign_or_broken_shipped_table_leaves_re_to_compile(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "table.marshal"
    path.write_bytes(data)
    monkeypatch.setattr(recache, "shipped_path", lambda: str(path))
    state = new_state(monkeypatch, tmp_path / "cache" / "doctor")
    assert_same(recache.compile(r"(\d+)x"), r"(\d+)x", 0)
    assert_same(recache.compile(r"(?P<k>\w+)=", re.M), r"(?P<k>\w+)=", re.M)
    # what the user's own table gets is what this `re` makes, never the refused entry
    assert state.added[(r"(\d+)x", 0)] == recache._entry(r"(\d+)x", 0)


def test_no_shipped_table_for_this_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(recache, "shipped_path", lambda: str(tmp_path / "none.marshal"))
    state = new_state(monkeypatch, tmp_path / "cache" / "doctor")
    pattern, flags = STATIC[0]
    assert_same(recache.compile(pattern, flags), pattern, flags)
    assert not state.shipped and (pattern, flags) in state.added  # compiled here, stored for the next run


def test_an_engine_doctor_cannot_name_compiles_as_before(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Another implementation's `_sre` (no MAGIC): no table, no exception out of compile."""
    def unnamed() -> str:
        raise AttributeError("module '_sre' has no attribute 'MAGIC'")

    monkeypatch.setattr(recache, "shipped_path", unnamed)
    new_state(monkeypatch, tmp_path / "cache" / "doctor")
    assert_same(recache.compile(*STATIC[0]), *STATIC[0])


def test_no_cache_reads_no_shipped_table(monkeypatch: pytest.MonkeyPatch) -> None:
    new_state(monkeypatch, None)
    monkeypatch.setattr(recache, "read_shipped", lambda path=None: pytest.fail("read with DOCTOR_NO_CACHE=1"))
    assert_same(recache.compile(*STATIC[0]), *STATIC[0])


def test_the_tables_are_package_data() -> None:
    """A wheel carries them: pyproject's package-data names them, and the glob finds each."""
    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["doctor"]
    shipped = {p.relative_to(SHIPPED.parent).as_posix() for p in SHIPPED.iterdir()}
    assert shipped and shipped <= {p.relative_to(SHIPPED.parent).as_posix()
                                   for glob in globs for p in SHIPPED.parent.glob(glob)}
