"""doctor.recache: a pattern compiled from the stored table is the pattern `re.compile` makes.

Every static pattern doctor has (each `lazy(...)` stand-in at module level, found by importing
every module of doctor and doctor.checks) is compiled once to fill a table, then again from the
table in a fresh state with the parser disabled: the result must equal `re.compile`'s (pattern,
flags, groups, groupindex, code) and answer match/search/findall/sub/split alike on sample
strings. A table of another interpreter, a corrupt or untrusted file, or entries of the wrong
shape are ignored; DOCTOR_NO_CACHE=1 writes nothing; nothing is written inside a project.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from doctor import recache
from doctor.lazyre import _LazyPattern
from doctor.regex_ship import static_patterns

SAMPLES = (
    "", "abc", "\n", "  - item\n", "FOO_HOST=db", "POSTGRES_PORT=5432", "DB_PASSWORD: 'hunter22'",
    "postgres://user:s3cret@db:5432/app", "http://localhost:8000/api", "KEY: value  # comment",
    "#!/bin/sh\r\n", "# escape=`", "RUN npm install && pip install -r requirements.txt", "yarn\n",
    "docker compose exec web pytest", "${VAR:-x} $$ $OTHER ${A?err}", "host.docker.internal:8080",
    "ghp_" + "a" * 36, "--password hunter22 --user=x", "mysql -psecret -u root", "redis-cli -a pw",
    "1.2.3", "v3.11.4", "python3.11", "libfoo.cpython-311-x86_64-linux-gnu.so", "export X=1",
    "a_b-c.d", "Bearer abcdefghijk", "-----BEGIN RSA PRIVATE KEY-----abc=", "sha256:0123abcd",
    "FROM --platform=linux/amd64 python:3.12-slim AS base", "services:\n  web:\n    image: x\n",
    "1h30m", "2001-12-14t21:59:43.10-05:00", "-1.5e10", "true", "trading-web-1", "\\  \n",
    '"quoted \\" value"', "it's", "build:\n\tgo build ./...", "eyJhbGciOi.eyJzdWIiOi.sig",
)


PATTERNS = static_patterns()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A recache state of its own, its table in tmp_path/cache/doctor; no exit hook."""
    folder = tmp_path / "cache" / "doctor"
    new_state(monkeypatch, folder)
    return folder


def new_state(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> recache._State:
    state = recache._State()
    state.registered = True  # the test saves by hand
    monkeypatch.setattr(recache, "_state", state)
    env = {"XDG_CACHE_HOME": str(folder.parent)} if folder is not None else {"DOCTOR_NO_CACHE": "1"}
    recache._load(state, env)
    return state


def outcomes(pattern: re.Pattern[Any], text: Any) -> tuple[object, ...]:
    def shown(match: re.Match[Any] | None) -> object:
        return None if match is None else (match.span(), match.groups(), match.groupdict())

    replacement = b"<>" if isinstance(text, bytes) else "<>"
    return (shown(pattern.match(text)), shown(pattern.search(text)), shown(pattern.fullmatch(text)),
            pattern.findall(text), pattern.sub(replacement, text), pattern.split(text))


def assert_same(cached: re.Pattern[Any], pattern: str | bytes, flags: int) -> None:
    expected = re.compile(pattern, flags)
    assert cached == expected  # same pattern, flags and compiled code
    assert (cached.pattern, cached.flags, cached.groups, dict(cached.groupindex)) == (
        expected.pattern, expected.flags, expected.groups, dict(expected.groupindex))
    for sample in SAMPLES:
        text = sample.encode() if isinstance(pattern, bytes) else sample
        assert outcomes(cached, text) == outcomes(expected, text), (pattern, text)


def test_doctor_has_static_patterns_to_check() -> None:
    assert len(PATTERNS) >= 60, len(PATTERNS)  # the walk finds them (redact alone has 20)
    assert any(isinstance(p, bytes) for p, _ in PATTERNS)  # script-line-endings reads bytes


def test_every_static_pattern_from_the_table_is_re_compiles(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for pattern, flags in PATTERNS:
        assert_same(recache.compile(pattern, flags), pattern, flags)
    recache.save()
    path = Path(recache.table_path(str(fresh)))
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700

    state = new_state(monkeypatch, fresh)
    assert set(PATTERNS) <= set(state.table)
    from re import _parser  # type: ignore[attr-defined]

    def no_parse(*args: object) -> None:
        raise AssertionError("a pattern of the table was parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(_parser, "parse", no_parse)
        compiled = [recache.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert not state.added
    for cached, (pattern, flags) in zip(compiled, PATTERNS, strict=True):
        assert_same(cached, pattern, flags)


def test_a_lazy_pattern_is_compiled_once(fresh: Path) -> None:
    stand_in = _LazyPattern(r"(?P<k>\w+)=(?P<v>\S*)", re.MULTILINE)
    assert stand_in.compiled is stand_in.compiled
    assert stand_in.match("A=b").group("v") == "b"
    assert list(recache._state.added) == [(stand_in.pattern, int(re.MULTILINE))]


def test_regexflag_and_int_flags_are_one_entry(fresh: Path) -> None:
    recache.compile(r"a+", re.IGNORECASE | re.MULTILINE)
    recache.compile(r"a+", int(re.IGNORECASE | re.MULTILINE))
    assert len(recache._state.added) == 1


def write_table(folder: Path, key: str, table: dict[Any, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = Path(recache.table_path(str(folder)))
    path.write_bytes(marshal.dumps((key, table)))
    path.chmod(0o600)
    return path


def stored_entry(pattern: str, flags: int, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    state = new_state(monkeypatch, folder)
    recache.compile(pattern, flags)
    return state.added[(pattern, flags)]


def test_a_table_of_another_interpreter_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"(\d+)-(\d+)"
    entry = stored_entry(pattern, 0, fresh, monkeypatch)
    path = write_table(fresh, recache.interpreter_key(), {(pattern, 0): entry})
    assert (pattern, 0) in new_state(monkeypatch, fresh).table
    path.write_bytes(marshal.dumps(("1|3.99.0 (other build)|cpython-399|20990101", {(pattern, 0): entry})))
    assert new_state(monkeypatch, fresh).table == {}
    # another interpreter also looks for another file
    with monkeypatch.context() as patched:
        patched.setattr(recache, "interpreter_key", lambda: "1|3.99.0|cpython-399|20990101")
        assert recache.table_path(str(fresh)) != str(path)
    assert_same(recache.compile(pattern), pattern, 0)


@pytest.mark.parametrize("data", [
    b"", b"\x00\x01garbage", marshal.dumps(None), marshal.dumps(("x",)), marshal.dumps([1, 2]),
    marshal.dumps((recache.interpreter_key(), [("a", 0)])),
])
def test_a_corrupt_table_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    path = write_table(fresh, "", {})
    path.write_bytes(data)
    assert new_state(monkeypatch, fresh).table == {}
    assert_same(recache.compile(r"x(y)?z", re.I), r"x(y)?z", re.I)


def test_a_truncated_table_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"(?P<a>[a-z]+)\d"
    entry = stored_entry(pattern, 0, fresh, monkeypatch)
    path = write_table(fresh, recache.interpreter_key(), {(pattern, 0): entry})
    path.write_bytes(path.read_bytes()[:-7])
    assert new_state(monkeypatch, fresh).table == {}


@pytest.mark.parametrize("broken", [
    lambda e: (e[0], [1, 2, 3], e[2], e[3], e[4]),                 # code the engine refuses
    lambda e: (e[0], e[1], e[2] + 5, e[3], e[4]),                   # group count of another pattern
    lambda e: (e[0], e[1], e[2], e[3], e[4][:1]),                   # index of another pattern
    lambda e: (e[0], "code", e[2], e[3], e[4]),                     # wrong types
    lambda e: (e[0], e[1]),                                          # wrong length
])
def test_entries_of_the_wrong_shape_fall_back_to_re(fresh: Path, monkeypatch: pytest.MonkeyPatch,
                                                    broken: Any) -> None:
    pattern = r"(?P<a>[a-z]+)-(\d+)"
    entry = stored_entry(pattern, 0, fresh, monkeypatch)
    write_table(fresh, recache.interpreter_key(), {(pattern, 0): broken(entry)})
    new_state(monkeypatch, fresh)
    # _sre takes a wrong group count or index without a word (the result even compares equal):
    # the shape test must refuse those, and an exception must become a plain compile
    assert_same(recache.compile(pattern), pattern, 0)


def test_a_table_others_may_write_is_not_read(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"[a-f0-9]{6,}"
    entry = stored_entry(pattern, 0, fresh, monkeypatch)
    path = write_table(fresh, recache.interpreter_key(), {(pattern, 0): entry})
    path.chmod(0o666)
    assert new_state(monkeypatch, fresh).table == {}
    path.chmod(0o600)
    fresh.chmod(0o777)
    assert new_state(monkeypatch, fresh).table == {}
    fresh.chmod(0o700)
    link = fresh.parent / "elsewhere"
    link.mkdir()
    path.rename(link / path.name)
    path.symlink_to(link / path.name)
    assert new_state(monkeypatch, fresh).table == {}


def test_the_table_is_bounded(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recache, "MAX_ENTRIES", 3)
    for n in range(6):
        assert recache.compile(rf"a{{{n}}}").fullmatch("a" * n)
    assert len(recache._state.added) == 3
    recache.save()
    assert len(new_state(monkeypatch, fresh).table) == 3
    # a full table (patterns of older doctors) gives way to the patterns this run uses
    for n in range(10, 12):
        recache.compile(rf"b{{{n}}}")
    recache.save()
    assert sorted(key[0] for key in new_state(monkeypatch, fresh).table) == ["b{10}", "b{11}"]


def test_patterns_another_run_stored_meanwhile_are_kept(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = new_state(monkeypatch, fresh)
    recache.compile(r"first(\d)")
    new_state(monkeypatch, fresh)
    recache.compile(r"second(\d)")
    recache.save()
    monkeypatch.setattr(recache, "_state", one)
    recache.save()
    assert {key[0] for key in new_state(monkeypatch, fresh).table} == {r"first(\d)", r"second(\d)"}


def test_no_cache_compiles_plainly_and_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    state = new_state(monkeypatch, None)
    assert_same(recache.compile(r"(a)(b)?"), r"(a)(b)?", 0)
    assert state.folder is None and not state.added


def test_bad_patterns_raise_what_re_raises(fresh: Path) -> None:
    with pytest.raises(re.error):
        recache.compile(r"(unclosed")
    assert not recache._state.added


def run_doctor_code(code: str, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "DOCTOR_NO_CACHE", "HOME")}
    return subprocess.run([sys.executable, "-c", code, *args], env={**base, **env}, cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


COMPILE_SOME = "from doctor.redact import scrub; print(scrub('DB_PASSWORD=hunter22 postgres://u:pw@db/x'))"


def test_the_table_is_written_at_exit_and_not_under_no_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    off = run_doctor_code(COMPILE_SOME, {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(cache), "DOCTOR_NO_CACHE": "1"},
                          tmp_path)
    assert off.returncode == 0, off.stderr
    assert "hunter22" not in off.stdout and not cache.exists()
    on = run_doctor_code(COMPILE_SOME, {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(cache)}, tmp_path)
    assert on.returncode == 0, on.stderr
    assert on.stdout == off.stdout
    tables = list((cache / "doctor").glob(f"{recache.PREFIX}*{recache.SUFFIX}"))
    assert len(tables) == 1 and stat.S_IMODE(tables[0].stat().st_mode) == 0o600
    assert b"hunter22" not in tables[0].read_bytes()  # only doctor's patterns, never the text they read
    assert not list((cache / "doctor").glob("*.doctor-tmp"))


def test_nothing_is_written_inside_the_project(tmp_path: Path) -> None:
    """HOME is the repository in some containers and CI jobs: ~/.cache would land in the repo."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    environment:\n      DB_HOST: web\n")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    code = "import sys; from doctor.cli import main; sys.argv = ['doctor', 'preflight', sys.argv[1]]; main()"
    inside = run_doctor_code(code, {"HOME": str(root)}, root, str(root))
    assert inside.returncode in (0, 1), inside.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    home = tmp_path / "home"  # the same run with a HOME outside the project does keep its table
    home.mkdir()
    outside = run_doctor_code(code, {"HOME": str(home)}, root, str(root))
    assert outside.returncode == inside.returncode, outside.stderr
    assert list((home / ".cache" / "doctor").glob(f"{recache.PREFIX}*"))
