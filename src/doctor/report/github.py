"""GitHub Actions workflow commands: one `::error file=F,line=L,title=ID::message` per finding.

GitHub turns these lines into annotations on the pull request's files. Paths are relative to
the checkout (GITHUB_WORKSPACE, else the git work tree's top: `source_root`), not to the
compose project, because that is how GitHub resolves them when the project lives in a
subfolder. Escaping follows the runner's rules (actions/toolkit `command.ts`): `%`, CR and LF
in the message; also `:` and `,` in properties.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from doctor.model import Finding, Severity, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Report
    from doctor.redact import Redactor
    from doctor.report import Format, RenderOptions

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def auto_format(env: Mapping[str, str], stdout_isatty: bool) -> Format | None:
    """`Format.GITHUB` inside a GitHub Actions job writing to a log (not a TTY), else None.

    The CLI uses it only when no `--format` was given.
    """
    from doctor.report import Format

    if env.get("GITHUB_ACTIONS") == "true" and not stdout_isatty:
        return Format.GITHUB
    return None


def source_root(project_dir: Path) -> Path:
    """The folder GitHub resolves a relative path from: the runner's workspace (GITHUB_WORKSPACE,
    the checkout) when the project lies in it, else the top of the git work tree holding the
    project, else the project dir. Annotations and code scanning alike need paths from there.

    The workspace comes first because the runner makes an annotation's absolute path relative to
    it (actions/runner, IssueCommandExtension), and because a checkout may have no `.git` at all
    (actions/checkout downloads a tarball where git is missing) or hold the project in a nested
    repository (a submodule), whose own top is not the repository GitHub shows. It is read from
    the process environment, where the runner sets it for every step.
    """
    from doctor.project.gitrepo import find_repo

    real = project_dir.resolve()
    workspace = Path(os.environ["GITHUB_WORKSPACE"]).resolve() if os.environ.get("GITHUB_WORKSPACE") else None
    if workspace is not None and real.is_relative_to(workspace):
        return workspace
    repo = find_repo(real)
    return repo.top if repo is not None else project_dir


def relative_path(path: Path, root: Path) -> str:
    """`path` relative to root in POSIX form, or the absolute path when it lies outside root.

    A path spelled through a symlinked folder (macOS's /tmp is /private/tmp) is compared by its
    folder's real path, as `source_root` gives; the file itself may be a link and keeps its name.
    """
    for candidate in (path, path.parent.resolve() / path.name):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return path.as_posix()


def with_fix(finding: Finding, redactor: Redactor) -> str:
    """The finding's message, redacted, with the fix's title appended when it has one."""
    message = redactor.text(finding.message)
    if finding.fix is not None:
        message += f" (fix: {redactor.text(finding.fix.title)})"
    return message


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line; properties whose value is None are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """Workflow commands for every finding and crashed check, then one plain summary line."""
    root = source_root(report.project_dir)
    lines: list[str] = []
    for result in report.results:
        for finding in result.findings:
            loc = finding.location
            lines.append(
                command(
                    COMMANDS[finding.severity],
                    with_fix(finding, redactor),
                    file=relative_path(loc.path, root) if loc else None,
                    line=loc.line if loc else None,
                    col=loc.column if loc and loc.line else None,
                    title=result.check,
                )
            )
        if result.status is Status.ERROR:
            lines.append(
                command("error", f"check crashed: {redactor.text(result.reason)}", title=result.check)
            )
    lines.append(summary(report, redactor, options.fail_on))
    return "\n".join(lines) + "\n"


def summary(report: Report, redactor: Redactor, fail_on: Severity = Severity.ERROR) -> str:
    """`doctor: 2 errors, 1 warning, 0 notices from 8 checks; skipped: ...; crashed: ...; partial (why): ...`."""
    findings = report.findings
    counts = [sum(1 for f in findings if f.severity is severity) for severity in COMMANDS]
    parts = [
        f"doctor: {_plural(counts[0], 'error')}, {_plural(counts[1], 'warning')}, "
        f"{_plural(counts[2], 'notice')} from {_plural(len(report.results), 'check')}"
    ]
    skipped = [f"{r.check} ({redactor.text(r.reason)})" for r in report.results if r.status is Status.SKIPPED]
    if skipped:
        parts.append(f"skipped: {', '.join(skipped)}")
    crashed = [r.check for r in report.results if r.status is Status.ERROR]
    if crashed:
        parts.append(f"crashed: {', '.join(crashed)}")
    from doctor.report import partial_reason

    partial: dict[str, list[str]] = {}
    for result in report.results:  # a check that looked at part of its input: no clean pass (console `~`)
        if reason := partial_reason(result, report):
            partial.setdefault(redactor.text(reason), []).append(result.check)
    for reason, checks in partial.items():
        parts.append(f"partial ({reason}): {', '.join(checks)}")
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} suppressed")
    from doctor.report import fail_note

    if note := fail_note(report, fail_on):
        parts.append(note)
    return "; ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
