"""`doctor list` / `explain` answer from check_index.json, which must match the checks themselves."""

from __future__ import annotations

import importlib.metadata
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from doctor import check_index, commands


def test_the_index_is_current() -> None:
    written = Path(check_index.INDEX).read_text(encoding="utf-8")
    assert written == check_index.render(check_index.generate()), (
        "check_index.json is stale: run `python -m doctor.check_index`")


def test_entry_points_are_those_importlib_metadata_finds() -> None:
    found = check_index.entry_points()
    expected = sorted((ep.name, ep.value) for ep in importlib.metadata.entry_points(group=check_index.GROUP))
    assert found is not None and sorted(found) == expected


def test_list_and_explain_print_what_the_registry_prints() -> None:
    fast, slow = io.StringIO(), io.StringIO()
    assert check_index.answer(["list"], fast) == 0
    commands.list_checks(slow)
    assert fast.getvalue() == slow.getvalue()
    for check_id in json.loads(Path(check_index.INDEX).read_text()).values():
        fast, slow = io.StringIO(), io.StringIO()
        assert check_index.answer(["explain", check_id["id"]], fast) == 0
        commands.explain(check_id["id"], slow)
        assert fast.getvalue() == slow.getvalue()


def test_an_unknown_id_or_an_edited_check_falls_back_to_the_registry(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_index.answer(["explain", "no-such-check"], io.StringIO()) is None
    index = json.loads(Path(check_index.INDEX).read_text())
    first = next(iter(index))
    index[first]["crc"] += 1  # as if the check's file changed after the index was written
    stale = tmp_path / "check_index.json"
    stale.write_text(json.dumps(index))
    monkeypatch.setattr(check_index, "INDEX", str(stale))
    assert check_index.answer(["list"], io.StringIO()) is None


def test_list_imports_no_check() -> None:
    code = ("import io, sys\nfrom doctor import check_index\nassert check_index.answer(['list'], io.StringIO()) == 0\n"
            "print(sorted(m for m in sys.modules if m.startswith('doctor.') and m != 'doctor.check_index'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]" or done.stdout.strip() == "['doctor.checks']"


def test_a_preflight_registry_imports_no_check_and_stands_in_what_the_index_says() -> None:
    code = (
        "import sys\n"
        "from doctor.engine import DeferredCheck, load_registry\n"
        "registry = load_registry(defer=True)\n"
        "assert all(issubclass(c, DeferredCheck) for c in registry.checks.values()), registry.checks\n"
        "print(sorted(m for m in sys.modules if m.startswith('doctor.checks.')))\n"
        "c = registry.checks['leaked-host-port']\n"
        "real = c.real()\n"
        "assert (c.summary(), c.documentation()) == (real.summary(), real.documentation())\n"
        "assert (c.fix_family, c.prefetch, c.project_only, c.severity) == "
        "(real.fix_family, real.prefetch, real.project_only, real.severity)\n"
        "assert registry.checks['path-gap'].prefetch == ('shell',) and not registry.checks['path-gap'].project_only\n"
        "for name, c in registry.checks.items():\n"
        "    assert c.fork_safe == c.real().fork_safe, name\n"
        "assert registry.checks['host-gateway'].fork_safe and not registry.checks['path-gap'].fork_safe\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_stale_entry_is_imported_and_a_deferred_check_runs_the_real_one_at_its_configured_severity(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.engine import DeferredCheck, load_registry
    from doctor.model import Severity

    index = json.loads(Path(check_index.INDEX).read_text())
    stale = {value: ({**entry, "crc": entry["crc"] + 1} if entry["id"] == "env-drift" else entry)
             for value, entry in index.items()}
    monkeypatch.setattr(check_index, "_LOADED", {check_index.INDEX: stale})
    # which entries are current, as an earlier preflight of this process remembered them (755d19f9), is not this
    # index's: a test run before this one (test_memo.py's in-process preflights) had filled it
    monkeypatch.setattr(check_index, "_REMEMBERED", {})
    registry = load_registry(defer=True)
    assert not issubclass(registry.checks["env-drift"], DeferredCheck)  # edited since indexed: imported
    deferred = registry.checks["compose-config"]
    assert issubclass(deferred, DeferredCheck)
    seen: list[Severity | None] = []
    real = deferred.real()

    def run(self: object, project: object, host: object) -> list[object]:
        seen.append(self.severity)  # type: ignore[attr-defined]
        return []

    monkeypatch.setattr(real, "run", run)
    assert list(deferred(Severity.INFO).run(None, None)) == []  # type: ignore[arg-type]
    assert list(deferred().run(None, None)) == []  # type: ignore[arg-type]
    assert seen == [Severity.INFO, real.severity]


def test_a_remembered_scan_sees_a_distribution_added_and_an_entry_points_file_edited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from doctor.project import memo

    def dist(name: str, points: str) -> Path:
        info = tmp_path / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "entry_points.txt").write_text(f"[{check_index.GROUP}]\n{points}\n")
        return info

    def age(*paths: Path) -> None:  # older than the memo's racy window
        when = time.time() - 60
        for path in paths:
            os.utime(path, (when, when))

    scans: list[str] = []
    real = check_index._scan

    def counted(group: str, read: list[str] | None = None) -> list[tuple[str, str, str]] | None:
        scans.append(group)
        return real(group, read)

    def names() -> list[str]:
        memo.flush()
        memo.forget()  # as a new process
        found = check_index.registered(remembered=True)
        assert found is not None
        return sorted(point.name for point in found)

    monkeypatch.setattr(check_index, "_scan", counted)
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    first = dist("plugin_a", "alpha = plugin_a:Alpha")
    age(first / "entry_points.txt", first, tmp_path)
    assert names() == ["alpha"] and len(scans) == 1
    assert names() == ["alpha"] and len(scans) == 1  # from the memo: nothing listed or read
    (first / "entry_points.txt").write_text(f"[{check_index.GROUP}]\nalpha = plugin_a:Alpha\nbeta = plugin_a:Beta\n")
    age(first / "entry_points.txt")
    assert names() == ["alpha", "beta"] and len(scans) == 2  # an edited entry_points.txt
    second = dist("plugin_b", "gamma = plugin_b:Gamma")
    age(second / "entry_points.txt", second, tmp_path)
    assert names() == ["alpha", "beta", "gamma"] and len(scans) == 3  # a distribution added


def test_a_distribution_name_is_normalized_as_pep_503_says() -> None:
    """check_index's normalization without a pattern: each run of `-`, `_`, `.` one `-`, lower case."""
    import random
    import re

    from doctor.check_index import _normalized

    rng = random.Random(3)
    names = ["".join(rng.choice("aB-_.9") for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    for name in [*names, "Foo__Bar", "a.-_b", "zope.interface", "-x-"]:
        assert _normalized(name) == re.sub(r"[-_.]+", "-", name).lower(), name


def test_a_preflight_takes_the_current_entries_from_the_memo_until_the_index_or_a_check_file_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm preflight does not read each check's file for its CRC: `current_entry(...,
    remembered=True)` takes which entries are current from the file-fact memo while the index and
    every class file read are as they were."""
    import os
    import time
    import zlib

    from doctor.project import memo

    def age(path: Path, seconds: int = 60) -> None:  # older than the memo's racy window
        when = time.time() - seconds
        os.utime(path, (when, when))

    source = tmp_path / "alpha.py"
    source.write_text("class Alpha: ...\n")
    index = tmp_path / "check_index.json"
    entry = {"id": "alpha", "source": "alpha.py", "crc": zlib.crc32(source.read_bytes()), "summary": "s",
             "documentation": "d", "fix_family": None, "prefetch": [], "project_only": True, "severity": 2}
    index.write_text(json.dumps({"plugin_a:Alpha": entry}))
    age(source)
    age(index)
    reads: list[str] = []

    def source_file(module: str, name: str) -> tuple[str, int] | None:
        reads.append(module)
        path = tmp_path / name
        return str(path), zlib.crc32(path.read_bytes())

    monkeypatch.setattr(check_index, "INDEX", str(index))
    monkeypatch.setattr(check_index, "_source_file", source_file)
    monkeypatch.setattr(check_index, "_LOADED", {})
    monkeypatch.setattr(check_index, "_REMEMBERED", {})

    def current() -> dict[str, object] | None:
        memo.flush()
        memo.forget()  # as a new process
        check_index._LOADED.clear()
        check_index._REMEMBERED.clear()
        return check_index.current_entry("alpha", "plugin_a:Alpha", remembered=True)

    fields = {key: value for key, value in entry.items() if key != "documentation"}
    assert current() == fields and reads == ["plugin_a"]
    assert current() == fields and reads == ["plugin_a"]  # from the memo: no check file read
    # nor the index parsed (its documentation, ~185 KB, is read when asked: SARIF's rule help)
    assert check_index.INDEX not in check_index._LOADED
    assert check_index.documentation("plugin_a:Alpha") == "d" and check_index.documentation("plugin_b:B") == ""
    source.write_text("class Alpha: 'edited'\n")
    age(source, 30)
    assert current() is None and len(reads) == 2  # edited since indexed: the check is imported
    assert current() is None and len(reads) == 2
    source.write_text("class Alpha: ...\n")  # as indexed again, but just now: not trusted to its stamp
    assert current() == fields and len(reads) == 3
    assert current() == fields and len(reads) == 4
    age(index, 10)  # the index touched: read again
    age(source, 20)
    assert current() == fields and len(reads) == 5
    assert current() == fields and len(reads) == 5


_WARM_RUN = r"""
import contextlib, io, json, sys
from doctor import check_index
from doctor.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(["preflight", "--format", sys.argv[2], sys.argv[1]])
    except SystemExit:
        pass
print(json.dumps({"parsed": check_index.INDEX in check_index._LOADED, "out": out.getvalue()}))
"""


@pytest.mark.parametrize(("form", "parsed"), [("json", False), ("sarif", True)])
def test_a_warm_preflight_parses_the_index_only_for_sarifs_rule_help(form: str, parsed: bool, tmp_path: Path) -> None:
    """A warm preflight took its checks' entries from the memo and still parsed check_index.json whole
    (~2.6M instructions) for the documentation only SARIF shows; SARIF's rules still carry it."""
    repo = Path(__file__).resolve().parent.parent
    env = {"HOME": str(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "LANG": "C.UTF-8", "DOCTOR_JOBS": "1"}
    for _ in range(2):  # the first run fills the memo
        done = subprocess.run([sys.executable, "-c", _WARM_RUN, str(repo / "examples" / "broken-stack"), form],
                              env=env, capture_output=True, text=True, timeout=120, cwd=repo)
        assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["parsed"] is parsed
    if form == "sarif":
        rules = json.loads(found["out"])["runs"][0]["tool"]["driver"]["rules"]
        assert len(rules) >= 10 and all("What it finds" in r["fullDescription"]["text"] for r in rules), rules
