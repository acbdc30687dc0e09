"""Every fixture case: tests/cases/<check-id>/<case>/ is a project plus its expected.json.

expected.json: {"env": {...}, "profiles": [...], "findings": [{severity, file, line, subject, message}]}
Only the findings of the folder's check are compared. A case that needs engine facts gives
`"engine": {"/info": {...}, "/images/NAME/json": {...}}`: a fake engine serves those paths
(DOCKER_HOST points at it), so the case reads the same on every machine; so does `"listening":
{"PORT": [addresses]}`, the host's TCP listeners (none unless given). A case with a `bin/`
folder puts it first on PATH (a stand-in `docker` that prints an old compose version).
`pytest --update-expected` rewrites the files; read the diff before committing it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host import Host
from doctor.host.ports import BindFailure, ContainerPort, HostSocket, PortProber, ProcessHolder
from doctor.model import Finding, relative_to
from doctor.project import ProjectOptions

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(p for p in CASES.glob("*/*") if (p / "expected.json").is_file())


def _as_dict(finding: Finding, root: Path) -> dict[str, object]:
    loc = finding.location
    return {
        "severity": finding.severity.label,
        "file": relative_to(loc.path, root) if loc else None,
        "line": loc.line if loc else None,
        "subject": finding.subject,
        "message": finding.message,
        "fix": finding.fix.title if finding.fix else None,
    }


def run_case(case: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    expected = json.loads((case / "expected.json").read_text())
    # HOME is the case folder (its shell profile is part of the case); never leave a cache in it
    env = {"PATH": "/usr/bin:/bin", "HOME": str(case), "DOCTOR_NO_CACHE": "1", **expected.get("env", {})}
    if (case / "bin").is_dir():
        env["PATH"] = f"{case / 'bin'}:{env['PATH']}"
    options = ProjectOptions(path=case, profiles=tuple(expected.get("profiles", ())), env=env)
    check_id = case.parent.name
    with _fake_engine(expected.get("engine"), env):
        report = preflight(RunOptions(project=options, select=(check_id,), env=env), load_registry(),
                           host=_CaseHost(env, expected.get("listening", {}),
                                             expected.get("engine") is not None)).report
    found = [_as_dict(f, case.resolve()) for f in report.findings if f.check == check_id]
    # path-gap's note that the login shell had not answered within its 50 ms is the machine's load,
    # not the case's (a busy core delays bash's start past it): no case expects it
    found = [d for d in found if not (d["subject"] == "login-shell" and "had not answered" in str(d["message"]))]
    found.sort(key=lambda d: (str(d["file"]), d["line"] or 0, str(d["subject"])))
    return expected, found


class _CaseHost(Host):
    """This machine, but for the TCP listeners: the case's `"listening": {"5432": ["127.0.0.1"]}`
    (none by default), so a developer's own postgres on 127.0.0.1:5432 changes no case; for the
    ports other programs hold here (_CasePorts); and for the program that started doctor, which here
    is the test runner's."""

    def __init__(self, env: dict[str, str], listening: dict[str, list[str]], engine_given: bool = False) -> None:
        super().__init__(env=env)
        self.listening = listening
        self.engine_given = engine_given
        self.parent_program = ""  # whatever runs the tests: the case's env alone says how doctor was started

    def listen_addresses(self, port: int) -> tuple[str, ...]:
        return tuple(self.listening.get(str(port), ()))

    @cached_property
    def ports(self) -> PortProber:
        return _CasePorts(self, self.engine_given)


class _CasePorts(PortProber):
    """This machine's bind probes, less what other programs hold on it now: a case's host ports
    (catalogue-of-alternatives' 21525) are free in its world, whatever another test run's container
    or a developer's stack publishes here (a held port once gave that case a finding it does not
    expect); an address the machine lacks still fails as it would. The engine's containers count
    only where the case gives an engine of its own (`"engine"`); an engine the case's env makes
    unreachable (DOCKER_HOST at /nonexistent) still is."""

    def __init__(self, host: Host, engine_given: bool) -> None:
        super().__init__(host)
        self.engine_given = engine_given

    def probe(self, target: HostSocket) -> tuple[BindFailure, ...]:
        return tuple(f for f in super().probe(target) if not f.in_use)

    def busy_ports(self, protocol: str) -> frozenset[int] | None:
        return frozenset()

    def process_holders(self, target: HostSocket) -> tuple[ProcessHolder, ...]:
        return ()

    def container_ports(self, exclude_project: str = "") -> tuple[ContainerPort, ...]:
        found = super().container_ports(exclude_project)  # raises Unavailable as the case's engine does
        return found if self.engine_given else ()


@contextlib.contextmanager
def _fake_engine(routes: dict[str, object] | None, env: dict[str, str]) -> Iterator[None]:
    if routes is None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="doctor-engine-") as folder:  # short: unix socket paths max ~100
        engine = FakeEngine(Path(folder) / "docker.sock", routes)
        env["DOCKER_HOST"] = engine.url
        try:
            yield
        finally:
            engine.close()


@pytest.mark.parametrize("case", CASE_DIRS, ids=[f"{p.parent.name}/{p.name}" for p in CASE_DIRS])
def test_case(case: Path, request: pytest.FixtureRequest) -> None:
    expected, found = run_case(case)
    if request.config.getoption("--update-expected"):
        expected["findings"] = found
        (case / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
        return
    assert found == expected["findings"]


def test_a_port_held_on_this_machine_changes_no_case() -> None:
    """Another program holding a case's host port (another test run's container on 21525, as two
    helpers' runs met) changes nothing: the case reads the same on every machine."""
    case = CASES / "port-collision" / "catalogue-of-alternatives"
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with contextlib.suppress(OSError):  # held already by someone else: the same condition
            held.bind(("0.0.0.0", 21525))
            held.listen()
        expected, found = run_case(case)
    assert found == expected["findings"]


# git keeps no file owners, so a case that finds root-owned files cannot be a committed folder:
# tests/test_owners.py builds those trees (chown) at test time instead.
FINDS_ONLY_IN_TESTS = {"root-owned-files": "tests/test_owners.py"}


def test_every_check_has_cases_that_find_and_cases_that_pass() -> None:
    registry = load_registry()
    for check_id in registry.checks:
        cases = [c for c in CASE_DIRS if c.parent.name == check_id]
        finding = [c for c in cases if json.loads((c / "expected.json").read_text())["findings"]]
        clean = [c for c in cases if not json.loads((c / "expected.json").read_text())["findings"]]
        assert finding or check_id in FINDS_ONLY_IN_TESTS, f"{check_id}: no case where it finds something"
        assert clean, f"{check_id}: no case where it must stay quiet (precision)"


def _fixable(case: Path) -> bool:
    findings = json.loads((case / "expected.json").read_text())["findings"]
    return any(f.get("fix") for f in findings)


# fixes that run a docker command (volume rm, up -V): never run against the engine of whoever runs
# the tests; the fake engine of a case would not change either. Their argv is tested in the file named.
COMMAND_FIXES = {"volume-shadowing": "tests/test_new_checks.py"}
_FAMILIES = {check_id: check.fix_family for check_id, check in load_registry().checks.items()}
# a check without a fix family gives advice only: nothing to apply, so no diff to snapshot
FIX_CASES = [c for c in CASE_DIRS if _fixable(c) and _FAMILIES.get(c.parent.name)
             and c.parent.name not in COMMAND_FIXES]
# where the fix depends on this machine (the free port chosen), the diff is not snapshotted
LIVE_FIXES = {"port-collision"}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", FIX_CASES, ids=[f"{p.parent.name}/{p.name}" for p in FIX_CASES])
def test_case_fix_diff_and_one_run_settles(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Every case's fix: its diff (fix.diff beside expected.json), then a second run changes no byte."""
    from doctor.fix_report import FixStatus
    from doctor.fixer import FixOptions, fix

    expected = json.loads((case / "expected.json").read_text())
    copy = tmp_path / case.name
    shutil.copytree(case, copy, ignore=shutil.ignore_patterns("expected.json", "fix.diff"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(copy), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), **expected.get("env", {})}
    if (copy / "bin").is_dir():
        env["PATH"] = f"{copy / 'bin'}:{env['PATH']}"
    registry = load_registry()
    family = registry.checks[case.parent.name].fix_family
    options = FixOptions(project=ProjectOptions(path=copy, profiles=tuple(expected.get("profiles", ())), env=env),
                         families=frozenset({family}), yes=True, env=env)
    with _fake_engine(expected.get("engine"), env):
        report = fix(options, registry)
    assert all(r.fixed is not False for r in report.results), [(r.title, r.reason) for r in report.results]
    diff = "".join(d.diff.replace(str(copy), "<case>") for d in report.diffs)
    snapshot = case / "fix.diff"
    if case.parent.name not in LIVE_FIXES:
        if request.config.getoption("--update-expected"):
            if diff:
                snapshot.write_text(diff)
            elif snapshot.exists():
                snapshot.unlink()
        else:
            assert diff == (snapshot.read_text() if snapshot.exists() else "")
    settled = _tree(copy)
    with _fake_engine(expected.get("engine"), env):
        again = fix(options, registry)
    assert [r for r in again.results if r.status is FixStatus.APPLIED] == []
    assert _tree(copy) == settled, "a second doctor fix changed files"


def test_the_build_advice_names_the_compose_files_the_run_read(tmp_path: Path) -> None:
    """getlago/lago, `doctor preflight -f docker-compose.dev.yml`: `docker compose build migrate` run
    as written reads docker-compose.yml, where 'migrate' has no build, and built nothing."""
    case = CASES / "image-availability" / "built-by-another-service"
    for name in ("compose.yaml", "Dockerfile"):
        (tmp_path / name).write_text((case / name).read_text())
    (tmp_path / "compose.dev.yaml").write_text((tmp_path / "compose.yaml").read_text())
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    expected = json.loads((case / "expected.json").read_text())
    options = ProjectOptions(path=tmp_path, files=(str(tmp_path / "compose.dev.yaml"),), env=env)
    with _fake_engine(expected["engine"], env):
        report = preflight(RunOptions(project=options, select=("image-availability",), env=env),
                           load_registry()).report
    [fix] = [f.fix for f in report.findings if f.fix is not None]
    assert fix.command[-4:] == ("-f", str(tmp_path / "compose.dev.yaml"), "build", "builder")


def test_the_build_advice_quotes_a_path_with_a_space(tmp_path: Path) -> None:
    """ghostfolio's layout in a folder `my stack`, run from the folder above: the title's command named
    `-f my stack/docker-compose.build.yml`, two words to a shell; its argv was right."""
    case = CASES / "image-availability" / "a-local-tag-only-a-sibling-compose-file-builds"
    root = tmp_path / "my stack"
    shutil.copytree(case, root)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    expected = json.loads((case / "expected.json").read_text())
    options = ProjectOptions(path=root, cwd=tmp_path, env=env)
    with _fake_engine(expected["engine"], env):
        report = preflight(RunOptions(project=options, select=("image-availability",), env=env),
                           load_registry()).report
    [fix] = [f.fix for f in report.findings if f.fix is not None]
    assert fix.title == "build it first: docker compose -f 'my stack/docker-compose.build.yml' build ghostfolio"
