"""GitHub Actions workflow commands: one `::error file=F,line=L,title=ID::message` per finding.

GitHub turns these lines into annotations on the pull request's files. Paths are relative to
the repository root (the checkout), not to the compose project, because that is how GitHub
resolves them when the project lives in a subfolder. Escaping follows the runner's rules
(actions/toolkit `command.ts`): `%`, CR and LF in the message; also `:` and `,` in properties.
"""

from __future__ import annotations

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
    """The repository root holding the project (nearest `.git` upwards), else the project dir.

    GitHub (annotations and code scanning alike) resolves relative paths from the checkout.
    """
    for folder in (project_dir, *project_dir.parents):
        if (folder / ".git").exists():
            return folder
    return project_dir


def relative_path(path: Path, root: Path) -> str:
    """`path` relative to root in POSIX form, or the absolute path when it lies outside root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
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
    lines.append(summary(report, redactor))
    return "\n".join(lines) + "\n"


def summary(report: Report, redactor: Redactor) -> str:
    """`doctor: 2 errors, 1 warning, 0 notices from 8 checks; skipped: ...; crashed: ...`."""
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
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} suppressed")
    return "; ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
