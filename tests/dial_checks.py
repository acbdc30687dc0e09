"""leaked-host-port and service-name-drift run on a copy of a real project, as the tests of an app's own
config readers (Rails, Spring Boot, Go) run them: a planted edit, the findings of warning and above, shown
as (check, file, line, message), and the `doctor fix --env --yes` that must settle them in one run."""

from __future__ import annotations

from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Finding, Severity
from doctor.project import ProjectOptions

CHECKS = ("leaked-host-port", "service-name-drift")


def edit(path: Path, old: str, new: str) -> None:
    """`old` replaced by `new` in `path`, where it is written exactly once (else the upstream copy changed)."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} found {text.count(old)} times (upstream changed?)"
    path.write_text(text.replace(old, new))


def found(root: Path, env: dict[str, str]) -> list[Finding]:
    """The two checks' findings of warning and above on the project in `root`."""
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and f.severity >= Severity.WARNING]


def shown(root: Path, findings: list[Finding]) -> list[tuple[str, str, int | None, str]]:
    """Each finding as (check, its file relative to `root`, its line, its message)."""
    return [(f.check, f.location.path.relative_to(root).as_posix() if f.location else "",
             f.location.line if f.location else None, f.message) for f in findings]


def fix_env(root: Path, env: dict[str, str]) -> None:
    """`doctor fix --env --yes` on the project in `root`."""
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    fix(options, load_registry())
