"""The human report: a doctor's checklist (✓ / ! / ✗ / -), each finding with file:line and fix.

Plain and stable when piped; colour (through rich, imported only then) on a TTY without NO_COLOR.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions

MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "-", Status.ERROR: "✗"}
STYLES = {"✓": "green", "✗": "red", "!": "yellow", "-": "dim", "i": "cyan"}
SEVERITY_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _mark(result: CheckResult) -> str:
    if result.status in (Status.FAILED, Status.PASSED) and result.findings:
        worst = max(f.severity for f in result.findings)
        return {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}[worst]
    return MARKS[result.status]


def _lines(report: Report, redact: Redactor) -> Iterator[tuple[str, str]]:
    """(style, text) lines; the style is ignored when printing plain."""
    yield "bold", f"doctor preflight {report.project_dir}"
    yield "", ""
    for result in report.results:
        mark = _mark(result)
        tail = f" ({redact.text(result.reason)})" if result.reason else ""
        yield STYLES.get(mark, ""), f"{mark} {result.check:<20} {result.summary}{tail}"
        for finding in result.findings:
            yield from _finding_lines(finding, report, redact)
    yield "", ""
    yield "bold", _summary(report)


def _finding_lines(finding: Finding, report: Report, redact: Redactor) -> Iterator[tuple[str, str]]:
    where = finding.location.display(report.project_dir) if finding.location else "(this machine)"
    yield SEVERITY_STYLES[finding.severity], f"    {finding.severity.label:<7} {where}"
    yield "", f"            {redact.text(finding.message)}"
    if finding.fix is not None:
        command = f": {' '.join(finding.fix.command)}" if finding.fix.command else ""
        yield "dim", f"            fix: {redact.text(finding.fix.title + command)}"
        for alternative in finding.fix.alternatives:
            instead = f": {' '.join(alternative.command)}" if alternative.command else ""
            yield "dim", f"            or:  {redact.text(alternative.title + instead)}"


def _summary(report: Report) -> str:
    severities = Counter(f.severity for f in report.findings)
    statuses = Counter(r.status for r in report.results)
    found = ", ".join(
        f"{severities[s]} {s.label}{'s' if severities[s] != 1 and s is not Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )
    ran = ", ".join(f"{statuses[s]} {s.value}" for s in Status if statuses[s])
    return f"{found} · {len(report.results)} checks ({ran})"


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """The checklist as text; with options.color, as ANSI-coloured text rendered by rich."""
    lines = list(_lines(report, redactor))
    if not options.color:
        return "\n".join(text for _, text in lines) + "\n"
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=200, highlight=False)
    for style, text in lines:
        console.print(Text(text, style=style or ""), overflow="ignore", crop=False)
    return buffer.getvalue()
