"""SARIF 2.1.0 for code scanning (GitHub, GitLab, IDE viewers): one rule per check, one result per finding.

What GitHub's upload requires beyond the schema, and how this module meets it:
- every result has a `ruleId` and at least one location with a non-empty `artifactLocation.uri`
  (else "locationFromSarifResult: expected at least one location" rejects the whole file) —
  a finding without a file (a host fact) is anchored at the project's first compose file;
- URIs are relative to `%SRCROOT%`, the checkout holding the project (GITHUB_WORKSPACE on a
  runner, else the git work tree's top: github.source_root, as annotations use), so alerts land
  on the right file when the project lives in a subfolder;
- `partialFingerprints` come from `Finding.fingerprint` (check id + subject, never a line), so
  an alert survives edits that move it;
- at most 25,000 results per run (the hard limit; only the first 5,000 are shown): beyond
  that the most severe are kept and a tool notification says how many were dropped.

Fixes become SARIF `fixes` (artifactChanges with replacements) when every edit can be placed
exactly — this reads the edited file to turn the edit's old text into a line/column region.
A fix that cannot be placed (a command, an edit whose text is not where it says, or whose new
text would carry a secret) is named in the message and in the result's properties instead.
"""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doctor.json_text import dumps
from doctor.model import Edit, Finding, Fix, Severity, Status
from doctor.regular import read_text
from doctor.report import partial_reason
from doctor.report.github import relative_path, source_root, with_fix

if TYPE_CHECKING:
    from doctor.engine import Report
    from doctor.redact import Redactor
    from doctor.report import RenderOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "doctor/v1"
MAX_RESULTS = 25_000  # GitHub rejects a run with more; see "SARIF results exceed limit"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

Json = dict[str, Any]


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """The SARIF log as indented JSON (one run, tool.driver "doctor")."""
    return dumps(sarif_log(report, redactor, options))


def sarif_log(report: Report, redactor: Redactor, options: RenderOptions) -> Json:
    """The SARIF log as a JSON-ready dict."""
    root = source_root(report.project_dir)
    rule_ids = list(dict.fromkeys(r.check for r in report.results))
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    summaries = {r.check: r.summary for r in report.results}
    rules = [
        _rule(rule_id, summaries[rule_id], report.docs.get(rule_id, ""), redactor) for rule_id in rule_ids
    ]
    anchor = report.compose_files[0] if report.compose_files else None
    findings = list(report.findings)
    # keep the most severe when over the limit; sorted() is stable, so order is otherwise kept
    kept = (
        sorted(findings, key=lambda f: -f.severity)[:MAX_RESULTS] if len(findings) > MAX_RESULTS else findings
    )
    results = [_result(f, index[f.check], root, anchor, redactor) for f in kept]
    # no informationUri (optional): doctor has no published page, and PyPI's devenv-doctor is not doctor's
    driver: Json = {"name": "doctor", "rules": rules}
    if options.version:
        driver["version"] = options.version
        driver["semanticVersion"] = options.version
    run: Json = {
        "tool": {"driver": driver},
        "invocations": [_invocation(report, redactor, len(findings) - len(kept))],
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule_id: str, summary: str, doc: str, redactor: Redactor) -> Json:
    # the check's docstring, as `doctor explain` prints it: doctor's prose, no project value
    doc = redactor.documentation(doc.strip() or summary or rule_id)
    return {
        "id": rule_id,
        "shortDescription": {"text": redactor.documentation(summary or rule_id)},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": redactor.documentation(markdown(doc))},
    }


def markdown(doc: str) -> str:
    """A check docstring as markdown: each unindented heading over an indented body becomes `## heading`.

    Bodies become paragraphs, except under `Example`, which stays verbatim in a code block
    (STYLE fixes these headings for every check; the reporter still knows no check by name).
    """
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
            body.append(lines[j])
            j += 1
        if i == 0 or line.startswith((" ", "\t")) or not line.strip() or not any(b.strip() for b in body):
            out.append(line)
            i += 1
            continue
        text = textwrap.dedent("\n".join(body)).strip("\n")
        out.append(f"## {line.strip().rstrip(':')}")
        out.append("")
        out.append(f"```text\n{text}\n```" if line.strip().lower().startswith("example") else text)
        out.append("")
        i = j
    return "\n".join(out).strip() + "\n"


def _invocation(report: Report, redactor: Redactor, dropped: int) -> Json:
    """Skipped, crashed and partial checks as tool notifications: facts about the run, not results.

    A partial check (the console's `~`: it ran on part of its input) is a warning: code scanning
    shows no alert for what it could not see, so the run must say that it did not look.
    """
    notes: list[Json] = []
    for result in report.results:
        partial = partial_reason(result, report)
        if result.status is Status.SKIPPED:
            level, text = "note", f"{result.check} skipped: {redactor.text(result.reason)}"
        elif result.status is Status.ERROR:
            level, text = "error", f"{result.check} crashed: {redactor.text(result.reason)}"
        elif partial:
            level, text = "warning", f"{result.check} partial: {redactor.text(partial)}"
        else:
            continue
        notes.append({"level": level, "message": {"text": text}, "descriptor": {"id": result.check}})
    if dropped:
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{dropped} less severe results left out (code scanning accepts {MAX_RESULTS})"
                },
            }
        )
    invocation: Json = {"executionSuccessful": not any(r.status is Status.ERROR for r in report.results)}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _artifact(path: Path, root: Path) -> Json:
    shown = relative_path(path, root)
    if shown.startswith("/"):  # outside the checkout: an absolute URI without a base
        return {"uri": path.as_uri()}
    from urllib.parse import quote  # a URI reference (RFC 3986): `my app/a#1.sh` -> `my%20app/a%231.sh`

    # a name that is not UTF-8 (`e\xfe.sh`) is its own bytes, percent-encoded (`e%FE.sh`), as in a file: URI
    return {"uri": quote(shown.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}


def _result(finding: Finding, rule_index: int, root: Path, anchor: Path | None, redactor: Redactor) -> Json:
    fix = _fix(finding.fix, root, redactor) if finding.fix is not None else None
    message = redactor.text(finding.message) if fix is not None else with_fix(finding, redactor)
    result: Json = {
        "ruleId": finding.check,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
    }
    loc = finding.location
    if loc is not None or anchor is not None:
        region: Json = {"startLine": loc.line if loc is not None and loc.line else 1}
        if loc is not None and loc.line and loc.column:
            region["startColumn"] = loc.column
        path = loc.path if loc is not None else anchor
        assert path is not None
        result["locations"] = [
            {"physicalLocation": {"artifactLocation": _artifact(path, root), "region": region}}
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: redactor.fingerprint(finding)}
    if fix is not None:
        result["fixes"] = [fix]
    properties: Json = {"subject": redactor.text(finding.subject)}
    if finding.location is None:
        properties["hostFinding"] = True  # the location above is only the anchor code scanning needs
    if finding.fix is not None:
        properties["fix"] = {"title": redactor.text(finding.fix.title), "safety": finding.fix.safety.value}
        if finding.fix.command:
            properties["fix"]["command"] = redactor.text(shlex.join(finding.fix.command))
    result["properties"] = properties
    return result


def _fix(fix: Fix, root: Path, redactor: Redactor) -> Json | None:
    """A SARIF fix when every edit maps to an exact replacement; None when any does not."""
    if not fix.edits or fix.command:
        return None
    changes: dict[Path, list[Json]] = {}
    for edit in fix.edits:
        if edit.raw:
            return None  # a byte edit (line endings, a BOM) has no exact text replacement in SARIF
        assert isinstance(edit.new, str)
        if redactor.text(edit.new) != edit.new:
            return None  # inserting a masked value would corrupt the file; a fix must not leak it either
        region = edit_region(edit)
        if region is None:
            return None
        changes.setdefault(edit.path, []).append(
            {"deletedRegion": region, "insertedContent": {"text": edit.new}}
        )
    return {
        "description": {"text": redactor.text(fix.title)},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, root), "replacements": replacements}
            for path, replacements in changes.items()
        ],
    }


def edit_region(edit: Edit) -> Json | None:
    """The SARIF region (1-based, end column exclusive, code points) that `edit.old` occupies.

    An append (`old == ""`, no line) is the empty region at the end of the file (line 1 of a
    file still to be created). None when the old text is not found exactly where the edit says.
    """
    if not isinstance(edit.old, str):
        return None
    try:
        text = read_text(edit.path, errors="strict") if edit.path.exists() else None
    except (OSError, UnicodeDecodeError):
        return None
    if not edit.old:
        if edit.line is not None:
            return None  # an insertion before a line: not a documented Edit form
        if text is None:
            return {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
        end = _position(text, len(text))
        return {"startLine": end[0], "startColumn": end[1], "endLine": end[0], "endColumn": end[1]}
    if text is None:
        return None
    if edit.line is None:
        start = text.find(edit.old)
        if start < 0 or text.find(edit.old, start + 1) >= 0:
            return None  # absent or ambiguous
    else:
        line_start = _line_offset(text, edit.line)
        if line_start is None:
            return None
        start = text.find(edit.old, line_start)
        line_end = text.find("\n", line_start)
        if start < 0 or (line_end >= 0 and start > line_end):
            return None
    first, last = _position(text, start), _position(text, start + len(edit.old))
    return {"startLine": first[0], "startColumn": first[1], "endLine": last[0], "endColumn": last[1]}


def _line_offset(text: str, line: int) -> int | None:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    return offset


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
