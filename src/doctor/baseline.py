"""Accepted findings: the `.doctor-baseline.json` file, and the suppressions of the config.

`doctor baseline` records today's findings (by fingerprint: check id + subject, so an
accepted finding stays accepted when its line moves or its wording changes); later runs drop
those, so CI fails only on new faults. Config suppressions drop findings the same way, each
with its reason. Dropped findings are kept in `Report.suppressed`, never silently lost.
The file is meant to be committed, so it holds redacted messages only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from doctor.config import BASELINE_FILE, Suppression
from doctor.configfile import MAX_DEPTH, TOO_DEEP, ConfigError, deep_line
from doctor.engine import Report, Suppressed
from doctor.model import CheckResult, Finding, Status, record, replace
from doctor.redact import Redactor
from doctor.regular import read_text as regular_text

VERSION = 1


class BaselineError(ConfigError):
    """A baseline file that cannot be read or has the wrong shape (exit 2, like a config error)."""


@record
class BaselineEntry:
    """One accepted finding: its fingerprint, plus what it was, for the reviewer of the file."""

    fingerprint: str
    check: str
    subject: str
    message: str


@record
class Baseline:
    """The accepted findings, sorted by check, subject and fingerprint; one entry per fingerprint."""

    entries: tuple[BaselineEntry, ...] = ()

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)

    @classmethod
    def from_findings(cls, findings: Sequence[Finding], redactor: Redactor) -> Baseline:
        """The baseline accepting these findings (messages and subjects redacted)."""
        entries: dict[str, BaselineEntry] = {}
        for f in findings:
            fingerprint = redactor.fingerprint(f)
            entries.setdefault(
                fingerprint,
                BaselineEntry(fingerprint, f.check, redactor.text(f.subject), redactor.text(f.message)),
            )
        ordered = sorted(entries.values(), key=lambda e: (e.check, e.subject, e.fingerprint))
        return cls(tuple(ordered))

    @classmethod
    def from_report(cls, report: Report, redactor: Redactor) -> Baseline:
        """The baseline accepting every finding of the report."""
        return cls.from_findings(report.findings, redactor)


def baseline_path(project_dir: Path) -> Path:
    """Where the baseline of a project lives."""
    return project_dir / BASELINE_FILE


def dumps_baseline(baseline: Baseline) -> str:
    """The file's text: stable (sorted entries, sorted keys, 2-space indent, final newline)."""
    findings = [
        {"fingerprint": e.fingerprint, "check": e.check, "subject": e.subject, "message": e.message}
        for e in baseline.entries
    ]
    return json.dumps({"version": VERSION, "findings": findings}, indent=2, sort_keys=True) + "\n"


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write the baseline atomically: a temp file in the same folder, fsync, then rename over."""
    from doctor.atomic import write_atomic

    write_atomic(path, dumps_baseline(baseline).encode("utf-8"))


def read_baseline(path: Path) -> Baseline:
    """Parse a baseline file; BaselineError (with file:line where JSON knows it) when malformed."""
    try:
        text = regular_text(path, errors="strict", encoding="utf-8-sig")  # a Windows editor's BOM is no mistake
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline: {getattr(exc, 'strerror', None) or exc}", path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    except RecursionError:  # json recurses once an array or object level
        raise BaselineError(f"invalid JSON: {TOO_DEEP}", path, deep_line(text, MAX_DEPTH)) from None
    if (
        not isinstance(data, dict)
        or data.get("version") != VERSION
        or not isinstance(data.get("findings"), list)
    ):
        raise BaselineError(
            f'not a doctor baseline (expected {{"version": {VERSION}, "findings": [...]}})', path
        )
    entries = []
    for index, item in enumerate(data["findings"]):
        fields = ("fingerprint", "check", "subject", "message")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            raise BaselineError(f"findings[{index}] needs string fields {', '.join(fields)}", path)
        entries.append(BaselineEntry(*(item[k] for k in fields)))
    return Baseline(tuple(entries))


def load_baseline(project_dir: Path) -> Baseline | None:
    """The project's baseline, or None when it has none."""
    path = baseline_path(project_dir)
    return read_baseline(path) if path.is_file() else None


def apply_baseline(report: Report, baseline: Baseline, redactor: Redactor | None = None) -> Report:
    """The report without the findings the baseline accepts (they move to `suppressed`), matched
    by the fingerprint the baseline stored (`Redactor.fingerprint`: a secret in a subject masked)."""
    accepted = baseline.fingerprints
    shown = redactor or Redactor()
    return _drop(
        report, lambda f: f"in the baseline ({BASELINE_FILE})" if shown.fingerprint(f) in accepted else None
    )


def apply_suppressions(report: Report, suppressions: Sequence[Suppression]) -> Report:
    """The report without the findings a config suppression accepts, each keeping its reason."""

    def reason(finding: Finding) -> str | None:
        for rule in suppressions:
            if rule.matches(finding):
                return f"{rule.reason} (suppressed at {rule.origin})"
        return None

    return _drop(report, reason)


def _drop(report: Report, reason_of: Callable[[Finding], str | None]) -> Report:
    results: list[CheckResult] = []
    dropped: list[Suppressed] = []
    for result in report.results:
        kept = []
        for finding in result.findings:
            reason = reason_of(finding)
            if reason is None:
                kept.append(finding)
            else:
                dropped.append(Suppressed(finding, reason))
        if len(kept) != len(result.findings):
            status = result.status if kept or result.status is not Status.FAILED else Status.PASSED
            result = replace(result, findings=tuple(kept), status=status)
        results.append(result)
    if not dropped:
        return report
    return replace(report, results=tuple(results), suppressed=report.suppressed + tuple(dropped))
