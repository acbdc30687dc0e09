"""The engine: plugins found through entry points, a broken plugin or check never kills the run."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from doctor.engine import Report, load_registry, run_checks, select_checks
from doctor.model import Check, Finding, Location, Severity, Status, Unavailable

BUILTIN = {
    "env-drift", "host-vs-container", "leaked-host-port", "missing-mount", "path-gap", "port-collision",
    "root-owned-files", "service-name-drift",
}


def _fake_distribution(root: Path, name: str, entry_points: str, modules: dict[str, str]) -> None:
    info = root / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[doctor.checks]\n{entry_points}\n")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(source)


@pytest.fixture
def plugin_path(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m.startswith("fake_")]:
        del sys.modules[module]


def test_builtin_checks_register_through_entry_points() -> None:
    registry = load_registry()
    assert set(registry.checks) >= BUILTIN
    for check_id, cls in registry.checks.items():
        assert cls.id == check_id
        assert cls.summary(), f"{check_id} has no summary line"


def test_builtin_checks_document_every_heading() -> None:
    for check_id, cls in load_registry().checks.items():
        doc = cls.documentation()
        for heading in ("What it finds", "Why it matters", "Example", "Fix"):
            assert heading in doc, f"{check_id}: docstring lacks the heading {heading!r}"


def test_broken_plugin_is_an_error_naming_its_distribution(plugin_path: Path) -> None:
    broken = {"fake_broken": "raise RuntimeError('boom')\n"}
    _fake_distribution(plugin_path, "fake-broken-plugin", "broken-check = fake_broken:Broken", broken)
    registry = load_registry()
    errors = {e.name: e for e in registry.errors}
    assert "broken-check" in errors
    assert errors["broken-check"].distribution == "fake-broken-plugin"
    assert "boom" in errors["broken-check"].message
    assert set(registry.checks) >= BUILTIN, "the other checks must still load"


def test_plugin_with_mismatched_id_is_rejected(plugin_path: Path) -> None:
    source = "from doctor.model import Check\nclass C(Check):\n    '''summary'''\n    id = 'other'\n"
    _fake_distribution(plugin_path, "fake-mismatch", "declared = fake_mismatch:C", {"fake_mismatch": source})
    errors = {e.name: e.message for e in load_registry().errors}
    assert "registered as 'declared'" in errors["declared"]


class _Crashes(Check):
    """crashes"""

    id = "crashes"

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        raise KeyError("bug")


class _NeedsEngine(Check):
    """needs the engine"""

    id = "needs-engine"

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        raise Unavailable("docker engine unavailable: permission denied")


class _Finds(Check):
    """finds one"""

    id = "finds"
    severity = Severity.WARNING

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        yield self.finding("something is off", Location(Path("/p/x"), 3), "x")


def test_a_crashing_check_is_an_error_result_and_the_others_still_run() -> None:
    report = run_checks([_Crashes(), _NeedsEngine(), _Finds()], None, None, Path("/p"))
    statuses = {r.check: r.status for r in report.results}
    assert statuses == {"crashes": Status.ERROR, "needs-engine": Status.SKIPPED, "finds": Status.FAILED}
    assert "KeyError" in report.results[0].reason
    assert report.results[1].reason == "docker engine unavailable: permission denied"
    assert report.exit_code(Severity.ERROR) == 1  # a crashed check fails the run


class _FindsThenNeedsEngine(_Finds):
    """finds one without the engine, then needs it"""

    id = "finds-then-needs-engine"

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        yield from super().run(project, host)
        raise Unavailable("docker engine unavailable: permission denied")


def test_findings_before_the_engine_was_needed_stand_and_mark_the_check_partial() -> None:
    from doctor.report.console import partial_reason

    report = run_checks([_FindsThenNeedsEngine()], None, None, Path("/p"))
    (result,) = report.results
    assert result.status is Status.FAILED
    assert [(f.severity, f.message) for f in result.findings] == [
        (Severity.WARNING, "something is off"),
        (Severity.INFO, "could not look further: docker engine unavailable: permission denied")]
    assert partial_reason(result, report) == "could not look further: docker engine unavailable: permission denied"


class _NotesThenNeedsEngine(Check):
    """notes where it looks, then needs the engine"""

    id = "notes-then-needs-engine"

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        yield self.finding("probes skipped here", None, "engine", severity=Severity.INFO)
        raise Unavailable("docker engine unavailable: permission denied")


def test_notes_alone_before_the_engine_was_needed_leave_the_check_skipped() -> None:
    (result,) = run_checks([_NotesThenNeedsEngine()], None, None, Path("/p")).results
    assert (result.status, result.reason) == (Status.SKIPPED, "docker engine unavailable: permission denied")


def test_exit_code_follows_fail_on() -> None:
    report = run_checks([_Finds()], None, None, Path("/p"))
    assert report.exit_code(Severity.ERROR) == 0
    assert report.exit_code(Severity.WARNING) == 1
    assert report.exit_code(Severity.INFO) == 1
    assert Report(Path("/p"), ()).exit_code(Severity.INFO) == 0


def test_select_and_ignore_validate_ids() -> None:
    registry = load_registry()
    chosen = select_checks(registry, ("env-drift", "path-gap"), ("path-gap",))
    assert [c.id for c in chosen] == ["env-drift"]
    with pytest.raises(ValueError, match="unknown check id"):
        select_checks(registry, ("no-such-check",), ())
    # a run of no check would pass having looked at nothing
    with pytest.raises(ValueError, match=r"^nothing to run: ignore removes every check select chose$"):
        select_checks(registry, ("env-drift", "path-gap"), ("path-gap", "env-drift"))
    with pytest.raises(ValueError, match=r"^nothing to run: ignore removes every check$"):
        select_checks(registry, (), tuple(registry.ids))


def test_checks_waiting_on_a_probe_run_last_the_slowest_probe_last(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """What follows a long wait is short: the login shell's check runs after the engine-list ones
    (a cold run waited for the shell, then still ran port-collision); results keep id order."""
    from doctor import engine
    from doctor.engine import Registry, RunOptions
    from doctor.host import Host
    from doctor.project import Project, ProjectOptions

    ran: list[str] = []

    def check(name: str, probes: tuple[str, ...]) -> type[Check]:
        def run(self: Check, project: object, host: object) -> Iterator[Finding]:
            ran.append(self.id)
            return iter(())

        return type(name, (Check,), {"id": name, "summary": lambda self: name, "prefetch": probes, "run": run})

    checks = {c.id: c for c in (check("a-shell", ("shell",)), check("b-containers", ("containers",)),
                                 check("c-none", ()), check("d-version", ("compose_version",)),
                                 check("e-plugin", ("a-plugin-probe",)), check("f-images", ("images",)))}
    monkeypatch.setattr(Host, "prefetch", lambda self, probe: None)  # no shell, no engine: the order only
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    options = RunOptions(project=ProjectOptions(path=tmp_path, env={}), env={})
    done = engine.preflight(options, Registry(checks), Project(options.project))
    assert ran == ["c-none", "b-containers", "e-plugin", "f-images", "d-version", "a-shell"]
    assert [r.check for r in done.report.results] == sorted(checks)


class _SharesSubjects(Check):
    """finds three faults under one subject"""

    id = "shares-subjects"
    severity = Severity.WARNING

    def run(self, project: object, host: object) -> Iterable[Finding]:  # type: ignore[override]
        yield self.finding("in manage.py", Location(Path("/p/manage.py"), 8), "app:REDIS_URL")
        yield self.finding("in wsgi.py", Location(Path("/p/wsgi.py"), 10), "app:REDIS_URL")
        yield self.finding("nowhere", None, "app:REDIS_URL")
        yield self.finding("its own", None, "other")


def test_findings_of_one_check_never_share_a_subject() -> None:
    """The fixer plans one fix per subject and a baseline suppresses by its fingerprint: two findings
    under one subject (dotenv-override's two load_dotenv calls) were one fix and one suppression."""
    from types import SimpleNamespace

    report = run_checks([_SharesSubjects()], SimpleNamespace(root=Path("/p")), None, Path("/p"))  # type: ignore[arg-type]
    (result,) = report.results
    assert [f.subject for f in result.findings] == ["app:REDIS_URL", "app:REDIS_URL@wsgi.py:10", "app:REDIS_URL#3",
                                                    "other"]
    assert len({f.fingerprint for f in result.findings}) == 4


def test_the_helpers_queue_ends_with_the_checks_it_runs_quickest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run waits at the join for the check the helper took last: the queue of a real preflight
    (every built-in check, examples/clean-stack) puts missing-mount, which the helper met taking as long
    as script-line-endings, ahead of the ones it ran in a few ms (it was next-to-last: the run waited
    for it, a median 11-13 ms on fastapi-template)."""
    from doctor import engine, forked
    from doctor.engine import RunOptions
    from doctor.model import CheckResult
    from doctor.project import ProjectOptions

    queued: list[str] = []

    def record(checks: list[Check], run_one: object, *args: object, weight: object = None,
               **kwargs: object) -> list[CheckResult]:
        shared = [c for c in checks if (c.project_only or c.fork_safe) and not c.prefetch]
        queued.extend(c.id for c in sorted(shared, key=lambda c: -weight(c)))  # type: ignore[operator]
        return [CheckResult(c.id, c.id, Status.SKIPPED, reason="not run") for c in checks]

    monkeypatch.setattr(forked, "run", record)
    root = Path(__file__).resolve().parent.parent / "examples" / "clean-stack"
    engine.preflight(RunOptions(project=ProjectOptions(path=root, env={}), env={}))
    assert "missing-mount" in queued and "volume-shadowing" in queued
    tail = queued[-4:]
    assert "missing-mount" not in tail, queued
    assert set(tail) <= {"dotenv-override", "env-drift", "host-gateway", "compose-config", "volume-shadowing"}, queued
