"""JUnit XML for CI test tabs (GitLab, Jenkins, Azure): each check is a test case.

One `<testsuite name="doctor">` inside `<testsuites>`; a check with error or warning findings
is a `<failure>` listing them as `file:line: severity: message`, one per line; a check with
only info findings passes and lists them in `<system-out>` (a notice must not turn a CI test
tab red while doctor itself exits 0), unless the run's `fail-on` is info: then it is a failure,
as the job is; a skipped check is `<skipped message=reason>`; a crashed
check is an `<error>`. A check that passed on part of its input (the console's `~`: the compose
files did not fully load, the engine did not answer) is `<skipped message="partial: reason">`,
not a bare pass, since it did not look at everything; a failed one says it in its failure
text. Paths are relative to the CI checkout (github.source_root), as in the github and SARIF
formats. The output validates against the JUnit schema Jenkins' xunit plugin uses
(tests/reports/junit.xsd).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from doctor.lazyre import lazy
from doctor.model import Finding, Severity, Status
from doctor.report import partial_reason
from doctor.report.github import relative_path, source_root, with_fix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Report
    from doctor.redact import Redactor
    from doctor.report import RenderOptions

SUITE = "doctor"
# characters XML 1.0 cannot carry at all, even escaped (a message quoting a binary file could hold them)
_NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """The JUnit XML document, indented, with an XML declaration."""
    suite = ET.Element("testsuite", name=SUITE)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in report.results:
        case = ET.SubElement(suite, "testcase", classname=SUITE, name=_safe(result.check))
        counts["tests"] += 1
        if result.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=_safe(redactor.text(result.reason)))
            counts["skipped"] += 1
            continue
        if result.status is Status.ERROR:
            error = ET.SubElement(case, "error", message=_safe(redactor.text(result.reason)), type="crash")
            error.text = _safe(f"{result.check} crashed: {redactor.text(result.reason)}")
            counts["errors"] += 1
            continue
        reason = partial_reason(result, report)
        partial = f"partial: {redactor.text(reason)}" if reason else ""
        body = "\n".join(_line(f, report, redactor) for f in result.findings)
        worst = max((f.severity for f in result.findings), default=Severity.INFO)
        if result.findings and worst >= min(Severity.WARNING, options.fail_on):
            n = len(result.findings)
            failure = ET.SubElement(case, "failure", message=f"{n} finding{'' if n == 1 else 's'}", type=worst.label)
            failure.text = _safe("\n".join(filter(None, (body, partial))))
            counts["failures"] += 1
            continue
        if partial:
            ET.SubElement(case, "skipped", message=_safe(partial))
            counts["skipped"] += 1
        if body:
            ET.SubElement(case, "system-out").text = _safe(body)
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element(
        "testsuites",
        name=SUITE,
        tests=str(counts["tests"]),
        failures=str(counts["failures"]),
        errors=str(counts["errors"]),
    )
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _line(finding: Finding, report: Report, redactor: Redactor) -> str:
    # relative to the checkout, like the github and SARIF formats: the CI's test tab links files from there
    loc = finding.location
    where = ""
    if loc is not None:
        where = relative_path(loc.path, source_root(report.project_dir))
        where = where if loc.line is None else f"{where}:{loc.line}"
    prefix = f"{where}: " if where else ""
    return f"{prefix}{finding.severity.label}: {with_fix(finding, redactor)}"


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
