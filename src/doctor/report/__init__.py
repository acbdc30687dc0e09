"""Reporters: one module per output format, each a pure function of the Report.

Every reporter renders through `Redactor`, so no format can print a secret. Reporters know
no check by name.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path

from doctor.model import Severity, Status, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Report
    from doctor.model import CheckResult
    from doctor.redact import Redactor

#: a note whose subject is one of these says the check could not ask the engine (unavailable,
#: remote, hung): the check ran on its static half only (`engine`, without a file; compose-config's
#: `external:unknown` at the declaration of the external volume or network it could not look for),
#: or could not look at part of the files (`unlisted`: folders this user cannot list)
ENGINE_NOTE_SUBJECTS = frozenset({"engine", "external:unknown", "unlisted"})
#: report.facts key: {"reason": why the project was read only in part, "reported_by": [the check
#: ids whose findings are those problems]}; every other check that ran is marked partial
PARTIAL_INPUT = "partial_input"


class Format(enum.Enum):
    """The output formats; each names the module in doctor.report that renders it."""

    CONSOLE = "console"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"


@record
class RenderOptions:
    """What a reporter may vary on: colour (console on a TTY), verbosity, tool version.

    The console also reads: `width` (a terminal's columns: wrap there; None when piped),
    `links` (OSC 8 hyperlinks), `cwd` (paths are shown as they open from there; None: the
    process's current directory), `header` (False when it was printed before the run) and
    `given` (what the command line named beside the path: `-f` files, profiles, a project name;
    the header shows it, so the run can be told from a plain `doctor preflight .`) and
    `given_file` (PATH when it is a compose file, absolute: the header names it in place of the
    project's folder, whose default compose files were not what ran). `fail_on` is the run's
    threshold for exit 1: JUnit fails a check whose findings reach it, and a summary says why a
    run failed whose checklist shows no failure (`fail_note`).
    """

    color: bool = False
    verbose: bool = False
    version: str = ""
    width: int | None = None
    links: bool = False
    cwd: Path | None = None
    header: bool = True
    given: str = ""
    given_file: Path | None = None
    fail_on: Severity = Severity.ERROR


Renderer = Callable[["Report", "Redactor", RenderOptions], str]


def renderer(fmt: Format) -> Renderer:
    """The `render(report, redactor, options) -> str` function of a format's module."""
    from doctor.check_index import import_module

    module = import_module(f"doctor.report.{fmt.value}")
    render: Renderer = module.render
    return render


def suppressed_by(report: Report) -> str:
    """Where the findings left out on purpose were accepted: `.doctor-baseline.json, doctor.yaml`.

    Read from each `Suppressed.reason` ("in the baseline (FILE)", "... (suppressed at FILE:LINE)"),
    so a summary can say what kept them out ("" when nothing was).
    """
    sources: dict[str, None] = {}
    for item in report.suppressed:
        reason = item.reason
        if reason.startswith("in the baseline (") and reason.endswith(")"):
            sources[reason[len("in the baseline ("):-1]] = None
        elif "(suppressed at " in reason:
            sources[reason.rsplit("(suppressed at ", 1)[1].rstrip(")").rsplit(":", 1)[0]] = None
        else:
            sources["suppressions"] = None
    return ", ".join(sources)


def partial_reason(result: CheckResult, report: Report) -> str:
    """Why a check that ran saw only part of its input ("" when it saw all of it).

    Every format says it (console `~`, JSON `partial`, a JUnit skip, a SARIF notification): a
    check that could not fully look must not read as a clean pass.
    """
    if result.status not in (Status.PASSED, Status.FAILED):
        return ""
    for finding in result.findings:
        if finding.severity is Severity.INFO and finding.subject in ENGINE_NOTE_SUBJECTS:
            return finding.message
    partial_input = report.facts.get(PARTIAL_INPUT)
    if isinstance(partial_input, dict) and result.check not in partial_input.get("reported_by", ()):
        return str(partial_input.get("reason", ""))
    return ""


def fail_note(report: Report, fail_on: Severity) -> str:
    """Why the run exits 1 where no check failed or crashed ("" otherwise): `fail-on: info` (or
    `--fail-on info`) fails it on notes, which every report shows as passed checks; a CI job then
    failed beside a checklist, a JUnit report and a summary all saying it passed."""
    if report.exit_code(fail_on) == 0 or any(r.status in (Status.FAILED, Status.ERROR) for r in report.results):
        return ""
    return f"exit 1: {fail_on.label} findings fail the run (fail-on {fail_on.label})"
