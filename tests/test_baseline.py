"""The baseline file and config suppressions: accepted findings leave the report, with a reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reports.canonical import canonical_report, write_project

from doctor.baseline import (
    BASELINE_FILE,
    Baseline,
    BaselineError,
    apply_baseline,
    apply_suppressions,
    baseline_path,
    dumps_baseline,
    load_baseline,
    read_baseline,
    write_baseline,
)
from doctor.config import ConfigError, Origin, Suppression
from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor


@pytest.fixture
def report(tmp_path: Path) -> Report:
    return canonical_report(write_project(tmp_path / "proj"))


def test_round_trip_is_sorted_stable_and_redacted(report: Report, tmp_path: Path) -> None:
    baseline = Baseline.from_report(report, Redactor())
    path = baseline_path(report.project_dir)
    write_baseline(path, baseline)
    text = path.read_text()
    assert path.name == BASELINE_FILE
    assert read_baseline(path) == baseline
    assert load_baseline(report.project_dir) == baseline
    data = json.loads(text)
    assert data["version"] == 1 and len(data["findings"]) == len(report.findings)
    keys = [(e["check"], e["subject"]) for e in data["findings"]]
    assert keys == sorted(keys)
    assert "hunter2" not in text and "s3cretvalue" not in text and "postgres://app:***@" in text
    # the same findings in another order give the same bytes
    shuffled = Baseline.from_findings(list(reversed(report.findings)), Redactor())
    assert dumps_baseline(shuffled) == text


def test_no_baseline_file_means_none(tmp_path: Path) -> None:
    assert load_baseline(tmp_path) is None


def test_baselined_findings_leave_the_report_even_when_they_move(report: Report) -> None:
    baseline = Baseline.from_findings(
        [f for f in report.findings if f.check == "service-name-drift"], Redactor()
    )
    moved = Report(
        report.project_dir,
        tuple(
            CheckResult(
                r.check,
                r.summary,
                r.status,
                tuple(
                    Finding(
                        f.check,
                        f.severity,
                        f.message + " (reworded)",
                        Location(f.location.path, 99) if f.location else None,
                        f.subject,
                        f.fix,
                    )
                    for f in r.findings
                ),
                r.reason,
            )
            for r in report.results
        ),
    )
    after = apply_baseline(moved, baseline)
    drift = next(r for r in after.results if r.check == "service-name-drift")
    assert drift.findings == () and drift.status is Status.PASSED
    assert len(after.suppressed) == 2 and all("baseline" in s.reason for s in after.suppressed)
    assert len(after.findings) == len(report.findings) - 2
    assert after.exit_code(Severity.ERROR) == 1  # the crashed check still fails the run
    other = next(r for r in after.results if r.check == "env-drift")
    assert other.status is Status.FAILED and len(other.findings) == 2


def test_a_new_finding_is_not_hidden_by_the_baseline(tmp_path: Path) -> None:
    old = Finding("env-drift", Severity.ERROR, "m", None, "A")
    new = Finding("env-drift", Severity.ERROR, "m", None, "B")
    baseline = Baseline.from_findings([old], Redactor())
    report = Report(tmp_path, (CheckResult("env-drift", "s", Status.FAILED, (old, new)),))
    after = apply_baseline(report, baseline)
    assert after.findings == (new,) and after.exit_code(Severity.ERROR) == 1


def test_suppressions_drop_matching_findings_with_their_reason(report: Report) -> None:
    rules = [Suppression("env-drift", "*_URL", "redis is optional in dev", Origin("doctor.yaml", 12))]
    after = apply_suppressions(report, rules)
    env_drift = next(r for r in after.results if r.check == "env-drift")
    assert [f.subject for f in env_drift.findings] == ["API_TOKEN"]
    new = after.suppressed[len(report.suppressed) :]
    assert [(s.finding.subject, s.reason) for s in new] == [
        ("REDIS_URL", "redis is optional in dev (suppressed at doctor.yaml:12)")
    ]
    assert apply_suppressions(report, []) is report


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('{"version": 1, "findings": [\n  {"fingerprint": 1,}\n]}\n', 2, "invalid JSON"),
        ('{"version": 2, "findings": []}\n', None, "not a doctor baseline"),
        ('{"version": 1, "findings": [{"fingerprint": "x"}]}\n', None, "findings[0] needs string fields"),
    ],
)
def test_malformed_baseline_is_a_config_error(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = tmp_path / BASELINE_FILE
    path.write_text(text)
    with pytest.raises(BaselineError) as caught:
        read_baseline(path)
    assert isinstance(caught.value, ConfigError) and caught.value.line == line
    assert words in str(caught.value) and str(caught.value).startswith(str(path))


def test_write_is_atomic(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    path = baseline_path(report.project_dir)
    path.write_text("previous\n")
    os.chmod(path, 0o640)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_baseline(path, Baseline.from_report(report, Redactor()))
    assert path.read_text() == "previous\n"
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".doctor-baseline")) == [
        BASELINE_FILE
    ]
    monkeypatch.undo()
    write_baseline(path, Baseline.from_report(report, Redactor()))
    assert (path.stat().st_mode & 0o777) == 0o640 and path.read_text().startswith("{")


def _doctor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_run_says_how_many_findings_the_baseline_kept_out(tmp_path: Path) -> None:
    """After `doctor baseline`, a clean-looking summary must still say findings were accepted, not hide them."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    environment:\n      - API_TAG=${API_TAG}\n"
    )
    selected = ("--select", "env-drift")
    before = _doctor("preflight", *selected, cwd=tmp_path)
    assert before.returncode == 0 and "1 warning" in before.stdout, before.stdout + before.stderr
    assert _doctor("baseline", cwd=tmp_path).returncode == 0
    after = _doctor("preflight", *selected, cwd=tmp_path)
    assert after.returncode == 0 and "0 warnings" in after.stdout
    assert after.stdout.rstrip().endswith("· 1 suppressed (.doctor-baseline.json)"), after.stdout
    data = json.loads(_doctor("preflight", *selected, "--format", "json", cwd=tmp_path).stdout)
    assert data["findings"] == []
    assert [(s["check"], s["reason"]) for s in data["suppressed"]] == [
        ("env-drift", "in the baseline (.doctor-baseline.json)")
    ]


def test_baseline_takes_the_compose_options_preflight_takes(tmp_path: Path) -> None:
    """A CI job runs `doctor preflight -f ci.yaml --profile debug`; its baseline must be taken the same way."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    (tmp_path / "ci.yaml").write_text(
        "services:\n  tool:\n    image: busybox\n    profiles: [debug]\n    ports: ['${TOOL_PORT}:80']\n"
    )
    args = ("-f", "ci.yaml", "--profile", "debug", "-p", "citest")
    before = _doctor("preflight", "--select", "env-drift", *args, cwd=tmp_path)
    assert before.returncode == 1 and "TOOL_PORT" in before.stdout, before.stdout + before.stderr
    done = _doctor("baseline", *args, cwd=tmp_path)
    assert done.returncode == 0 and "accepted)" in done.stdout, done.stdout + done.stderr
    after = _doctor("preflight", "--select", "env-drift", *args, cwd=tmp_path)
    assert after.returncode == 0 and "1 suppressed (.doctor-baseline.json)" in after.stdout, after.stdout


def test_a_baseline_saved_by_a_windows_editor_still_reads(report: Report) -> None:
    """A committed .doctor-baseline.json opened and saved on Windows (BOM, CRLF) stopped every run: exit 2
    'invalid JSON: Unexpected UTF-8 BOM'."""
    baseline = Baseline.from_report(report, Redactor())
    path = baseline_path(report.project_dir)
    path.write_bytes(b"\xef\xbb\xbf" + dumps_baseline(baseline).replace("\n", "\r\n").encode())
    assert read_baseline(path) == baseline


def test_a_fingerprint_never_hashes_a_secret_the_subject_holds(tmp_path: Path) -> None:
    """compose-config's subject quotes an invalid port, here a secret variable's default: the
    fingerprint printed (JSON, SARIF) and committed (the baseline) is of the masked subject, so a
    weak password cannot be tested offline against it; the baseline still accepts the finding."""
    import hashlib

    secret = "Sup3rPortPw9"
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    ports:\n      - \"${API_TOKEN:-" + secret + "}:81\"\n")
    selected = ("--select", "compose-config")
    found = _doctor("preflight", *selected, "--format", "json", cwd=tmp_path)
    (finding,) = json.loads(found.stdout)["findings"]
    assert secret not in found.stdout and "***" in finding["subject"]
    raw_subject = finding["subject"].replace("***", secret)
    leaked = hashlib.sha256(f"compose-config\0{raw_subject}".encode()).hexdigest()[:16]
    masked = hashlib.sha256(f"compose-config\0{finding['subject']}".encode()).hexdigest()[:16]
    assert finding["fingerprint"] == f"compose-config/{masked}" != f"compose-config/{leaked}"
    sarif = _doctor("preflight", *selected, "--format", "sarif", cwd=tmp_path).stdout
    assert leaked not in sarif and masked in sarif
    assert _doctor("baseline", cwd=tmp_path).returncode == 0
    assert leaked not in (tmp_path / BASELINE_FILE).read_text()
    after = _doctor("preflight", *selected, cwd=tmp_path)
    assert "1 suppressed (.doctor-baseline.json)" in after.stdout, after.stdout
    # a subject with no secret keeps Finding.fingerprint: older baselines still match
    plain = Finding("env-drift", Severity.WARNING, "m", None, "API_TAG")
    assert Redactor().fingerprint(plain) == plain.fingerprint
