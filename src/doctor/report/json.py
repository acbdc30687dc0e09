"""The JSON contract of DESIGN.md: {"version": 1, "findings": [...], "checks": [...]}.

A check's `status` is its Status, except that one that passed on part of its input (the console's
`~`) is "partial"; `reason` says why for it, and for a failed check that also saw only part.

Paths are relative to the project directory when inside it, or `../x` when inside its parent (the
repo around a compose project in `.devcontainer/` or `docker/`). Every string passes the Redactor.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from doctor.engine import Report
from doctor.json_text import dumps
from doctor.model import CheckResult, Finding, Status, relative_to
from doctor.redact import Redactor
from doctor.report import RenderOptions, partial_reason

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

VERSION = 1


def _shown_file(path: Path, root: Path) -> str:
    outer = root.parent
    if not path.is_relative_to(root) and outer != outer.parent and path.is_relative_to(outer):
        return os.path.relpath(path, root)
    return relative_to(path, root)


def finding_dict(finding: Finding, report: Report, redact: Redactor) -> dict[str, Any]:
    """One finding as the JSON contract describes it (plus its stable fingerprint and column)."""
    loc = finding.location
    fix = None
    if finding.fix is not None:
        fix = finding.fix.as_dict()
        fix["title"] = redact.text(finding.fix.title)
        fix["command"] = redact.argv(finding.fix.command) or None
        fix["alternatives"] = [
            {"title": redact.text(a.title), "safety": a.safety.value, "command": redact.argv(a.command)}
            for a in finding.fix.alternatives
        ]
        fix["edits"] = [
            {
                "file": _shown_file(e.path, report.project_dir),
                "line": e.line,
                "old": redact.text(str(shown["old"])),
                "new": redact.text(str(shown["new"])),
            }
            for e, shown in ((e, e.as_dict()) for e in finding.fix.edits)
        ]
    return {
        "check": finding.check,
        "severity": finding.severity.label,
        "message": redact.text(finding.message),
        "file": _shown_file(loc.path, report.project_dir) if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "subject": redact.text(finding.subject),
        "fingerprint": redact.fingerprint(finding),
        "fix": fix,
    }


def check_dict(result: CheckResult, report: Report, redact: Redactor) -> dict[str, Any]:
    """One check's outcome; a pass on part of the input is "partial", never "passed"."""
    partial = partial_reason(result, report)
    status = "partial" if partial and result.status is Status.PASSED else result.status.value
    return {
        "id": result.check,
        "status": status,
        "summary": result.summary,
        "reason": redact.text(result.reason or partial) or None,
        "findings": len(result.findings),
    }


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """The report as one JSON object, keys in a stable order."""
    document = {
        "version": VERSION,
        "tool": {"name": "doctor", "version": options.version},
        "project": str(report.project_dir),
        "findings": [finding_dict(f, report, redactor) for f in report.findings],
        "checks": [check_dict(r, report, redactor) for r in report.results],
        "facts": {key: value for key, value in report.facts.items() if _is_json(value)},
        # what the baseline or a config suppression left out (the findings themselves are not repeated)
        "suppressed": [
            {"check": s.finding.check, "subject": redactor.text(s.finding.subject),
             "fingerprint": redactor.fingerprint(s.finding), "reason": redactor.text(s.reason)}
            for s in report.suppressed
        ],
    }
    return dumps(document)


def _is_json(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
