"""examples/broken-stack shows every planted fault; examples/clean-stack, its healthy twin, shows none.

The pairs below are the contract of the examples: a planted fault that stops being found, or a
new finding on either stack, fails here. (port-collision's static half is asserted by its own
tests; the stacks publish no duplicate port.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Finding, Severity, Status
from doctor.project import Project, ProjectOptions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STATIC = ("service-name-drift", "leaked-host-port", "missing-mount", "env-drift")

BROKEN = {
    # .env POSTGRES_SERVER=postgresserver reaches backend and prestart through env_file: .env
    ("service-name-drift", "backend,prestart:POSTGRES_SERVER"),
    # .env DATABASE_URL=postgresql://app:<password>@postgres:5432/app: no service is called postgres
    ("service-name-drift", "backend,prestart:DATABASE_URL"),
    # db publishes "${POSTGRES_PORT}:5432" with POSTGRES_PORT=5433, which also reaches the containers
    ("leaked-host-port", "backend,prestart:POSTGRES_PORT"),
    # the override mounts backend/app and backend/tests, the Dockerfile also COPYs scripts/
    ("missing-mount", "backend:backend/scripts"),
    # (frontend's VITE_SENTRY_DSN: ${SENTRY_DSN} is set nowhere, but .env.example leaves it empty
    # too: an optional value compose passes on empty, info - see test_optional_unset_value_is_info)
    # .env.example lists FIRST_SUPERUSER, .env does not
    ("env-drift", "FIRST_SUPERUSER"),
}
PASSWORD = "s3cret-Pa55"  # the example .env's database password: must never reach a message


def findings(name: str) -> list[Finding]:
    path = EXAMPLES / name
    env = {"PATH": "/usr/bin:/bin", "HOME": str(path)}
    options = ProjectOptions(path=path, env=env)
    report = preflight(RunOptions(project=options, select=(*STATIC, "compose-config"), env=env),
                       load_registry()).report
    assert [r.check for r in report.results if r.status is Status.ERROR] == []
    return list(report.findings)


def test_broken_stack_shows_every_planted_fault() -> None:
    found = findings("broken-stack")
    loud = {(f.check, f.subject) for f in found if f.severity >= Severity.WARNING}
    assert loud == BROKEN
    assert all(PASSWORD not in f.message and (f.fix is None or PASSWORD not in f.fix.title) for f in found)


def test_broken_stack_messages_and_fixes() -> None:
    by_subject = {f.subject: f for f in findings("broken-stack")}
    drift = by_subject["backend,prestart:POSTGRES_SERVER"]
    assert drift.message == "POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)"
    assert drift.fix is not None and [(e.old, e.new) for e in drift.fix.edits] == [
        ("POSTGRES_SERVER=postgresserver", "POSTGRES_SERVER=db")]
    mount = by_subject["backend:backend/scripts"]
    assert mount.fix is not None and mount.fix.title == "mount ./backend/scripts at /app/scripts in the dev override"
    leak = by_subject["backend,prestart:POSTGRES_PORT"]
    assert leak.fix is not None and leak.fix.edits[0].path == EXAMPLES / "broken-stack" / "compose.override.yaml"


def test_clean_stack_reports_nothing_above_info() -> None:
    found = findings("clean-stack")
    assert [(f.check, f.subject, f.message) for f in found if f.severity > Severity.INFO] == []


def test_the_twins_have_the_same_services() -> None:
    names = {}
    for stack in ("broken-stack", "clean-stack"):
        options = ProjectOptions(path=EXAMPLES / stack, env={"PATH": "/usr/bin:/bin"})
        names[stack] = sorted(Project(options).compose.services)
    assert names["broken-stack"] == names["clean-stack"] == [
        "backend", "db", "frontend", "mailcatcher", "prestart", "traefik"]


def test_fixing_the_broken_stack_converges(tmp_path: Path) -> None:
    """Every planted fault's fix applies, and the re-run finds none of them (nor anything new)."""
    copy = tmp_path / "broken-stack"
    shutil.copytree(EXAMPLES / "broken-stack", copy)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    registry = load_registry()
    families = frozenset(registry.checks[check].fix_family for check in STATIC) - {""}
    fix(FixOptions(project=ProjectOptions(path=copy, env=env), families=families, yes=True, env=env))
    options = ProjectOptions(path=copy, env=env)
    report = preflight(RunOptions(project=options, select=STATIC, env=env), load_registry()).report
    assert [(f.check, f.subject) for f in report.findings if f.severity >= Severity.WARNING] == []
    assert "POSTGRES_SERVER=db\n" in (copy / ".env").read_text()
    assert "- ./backend/scripts:/app/scripts" in (copy / "compose.override.yaml").read_text()


def test_optional_unset_value_is_info() -> None:
    """SENTRY_DSN is empty in .env.example: unset, compose passes '' on (and warns), nothing breaks."""
    found = [f for f in findings("broken-stack") if (f.check, f.subject) == ("env-drift", "SENTRY_DSN")]
    assert [f.severity for f in found] == [Severity.INFO]
    assert "compose warns too" in found[0].message or "warns too" in found[0].message

