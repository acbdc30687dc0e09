"""A fix that creates a finding: one `doctor fix` settles it, or says so and exits 1.

Trial: `doctor fix --yes .` moved a leaked port and said `3 applied (3 verified fixed)`, exit 0,
while the move had turned service-name-drift's info (the host names no service) into an error
that the next preflight showed. The checks here are two fakes with the same shape (one's fix
changes what the other reports on the same subject), so the fixer is held to it for any check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from test_fixer import COMPOSE, options

import doctor.dry_verdict
from doctor.engine import Registry, RunOptions, preflight
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import fix
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity
from doctor.project import ProjectOptions


def _line(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


class PortCheck(Check):
    """Fake leaked-host-port: port.txt must say 5432"""

    id: ClassVar[str] = "fake-port"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "port.txt"
        if _line(path) == "5433":
            yield self.finding("dials the host port 5433", Location(path, 1), "port",
                               Fix("set 5432", Safety.SAFE, (Edit(path, "5433", "5432", 1),)))


class HostCheck(Check):
    """Fake service-name-drift: host.txt names no service; an info until the port is right, then an error"""

    id: ClassVar[str] = "fake-host"
    fix_safety: ClassVar[Safety | None] = Safety.UNSAFE  # the error's fix (None: it has none)

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "host.txt"
        if _line(path) != "postgres":
            return
        if _line(project.root / "port.txt") != "5432":
            yield self.finding("postgres names no service", Location(path, 1), "host",
                               Fix("point it at a postgres server", Safety.ADVICE), Severity.INFO)
            return
        safety = self.fix_safety
        edit = Edit(path, "postgres", "database", 1)
        cure = Fix("replace 'postgres' by 'database'", safety, (edit,)) if safety else None
        yield self.finding("postgres names no service (did you mean 'database'?)", Location(path, 1), "host", cure)


class HostCheckNoFix(HostCheck):
    fix_safety: ClassVar[Safety | None] = None


class TouchCheck(Check):
    """Fake check whose warning (a new subject) appears once port.txt says 5432"""

    id: ClassVar[str] = "fake-touch"
    severity: Severity = Severity.WARNING

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        if _line(project.root / "port.txt") == "5432":
            yield self.finding("5432 is reserved here", None, "reserved")


def project(root: Path) -> Path:
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "port.txt").write_text("5433\n")
    (root / "host.txt").write_text("postgres\n")
    return root


def still(root: Path, tmp_path: Path, registry: Registry) -> list[Finding]:
    """What the next `doctor preflight` reports above info."""
    opts = options(root, tmp_path / "state")
    run = preflight(RunOptions(project=ProjectOptions(path=root, env=opts.env), select=tuple(registry.checks),
                               env=opts.env), registry)
    return [f for f in run.report.findings if f.severity > Severity.INFO]


def test_an_error_a_fix_created_is_fixed_in_a_further_round_of_the_same_run(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    registry = Registry({"fake-port": PortCheck, "fake-host": HostCheck})
    report = fix(options(root, tmp_path / "state", yes=True), registry)
    text = render_fix_report(report)
    assert report.exit_code == 0, text
    assert [(r.check, r.status, r.fixed) for r in report.results] == [
        ("fake-host", FixStatus.APPLIED, True), ("fake-port", FixStatus.APPLIED, True)], text
    assert "2 applied (2 verified fixed), 0 skipped, 0 failed" in text
    assert _line(root / "host.txt") == "database"
    assert still(root, tmp_path, registry) == []


def test_an_error_a_fix_created_and_left_exits_1_and_the_fix_is_not_verified_fixed(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    registry = Registry({"fake-port": PortCheck, "fake-host": HostCheck})
    report = fix(options(root, tmp_path / "state"), registry)  # no --yes: the error's unsafe fix waits
    text = render_fix_report(report)
    assert report.exit_code == 1, text
    port = next(r for r in report.results if r.check == "fake-port")
    assert port.status is FixStatus.APPLIED and port.fixed is False, text
    assert "it left a new error in its place: fake-host host.txt:1 postgres names no service" in port.reason
    assert "1 applied (0 verified fixed), 1 skipped, 0 failed" in text
    assert "exit 1: 1 error(s) left" in text
    assert [f.check for f in still(root, tmp_path, registry)] == ["fake-host"]


def test_an_error_a_fix_created_with_no_fix_is_told_plainly_and_exits_1(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    registry = Registry({"fake-port": PortCheck, "fake-host": HostCheckNoFix})
    report = fix(options(root, tmp_path / "state", yes=True), registry)
    text = render_fix_report(report)
    assert report.exit_code == 1, text
    assert ("  left: error fake-host host.txt:1 postgres names no service (did you mean 'database'?) "
            "(appeared after this run's fixes)") in text.splitlines(), text
    assert "exit 1: 1 error(s) left" in text and "(0 verified fixed)" in text


def test_a_warning_a_fix_created_is_left_and_exits_1(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "host.txt").write_text("db\n")
    registry = Registry({"fake-port": PortCheck, "fake-touch": TouchCheck})
    report = fix(options(root, tmp_path / "state", yes=True), registry)
    text = render_fix_report(report)
    assert report.exit_code == 1, text
    assert "  left: warning fake-touch 5432 is reserved here (appeared after this run's fixes)" in text.splitlines()
    # it has no place: every fix of the round before it appeared is suspect
    assert "1 applied (0 verified fixed)" in text, text


def test_a_warning_there_before_the_run_keeps_exit_0(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "port.txt").write_text("5432\n")
    (root / "host.txt").write_text("db\n")
    report = fix(options(root, tmp_path / "state", yes=True), Registry({"fake-touch": TouchCheck}))
    assert report.exit_code == 0 and "left:" not in render_fix_report(report)


class OtherPortCheck(PortCheck):
    """A second fix of the same line: it overlaps, and waits for the next round"""

    id: ClassVar[str] = "fake-port-2"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "port.txt"
        if _line(path) == "5433":
            yield self.finding("5433 is odd", Location(path, 1), "odd",
                               Fix("set 5434", Safety.SAFE, (Edit(path, "5433", "5434", 1),)))


def test_a_dry_run_says_which_fixes_wait_for_a_later_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Played in a scratch copy (doctor.dry_rounds), the second fix is settled by the first, as in the run;
    a folder too large to copy plans the first round alone, and says how many wait for a later one."""
    root = project(tmp_path / "p")
    registry = Registry({"fake-port": PortCheck, "fake-port-2": OtherPortCheck})
    report = fix(options(root, tmp_path / "state", dry_run=True), registry)
    text = render_fix_report(report)
    assert len(report.diffs) == 1, text
    assert ("skipped  fake-port-2        set 5434 (would be fixed): the check would no longer report it after this "
            "run's other fixes (re-run on a scratch copy)") in text.splitlines(), text
    monkeypatch.setattr(doctor.dry_verdict, "MAX_FILES", 1)
    report = fix(options(root, tmp_path / "state", dry_run=True), registry)
    text = render_fix_report(report)
    assert ("dry run: 1 fix(es) would apply now, 1 more in a later round once those are applied "
            "(no diff shown for those), no file changed") in text.splitlines(), text
    monkeypatch.undo()
    alone = render_fix_report(fix(options(root, tmp_path / "state", dry_run=True), Registry({"fake-port": PortCheck})))
    assert ("dry run: 1 fix(es) would apply (1 verified fixed in a scratch copy), 0 skipped, 0 failed; "
            "no file changed") in alone.splitlines(), alone
