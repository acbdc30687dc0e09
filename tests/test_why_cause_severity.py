"""`doctor why` in CI formats: the cause of a failed service is an error, whatever its severity in preflight.

First hour on nickjj/docker-django-example, offline: `docker compose up -d 2>&1 | doctor why --format github`
exited 1 with `::notice ...'postgres' image 'postgres:18.4-trixie' is not on the engine ... (explains 'postgres'
in the piped output: postgres Error Get "https://registry-1.docker.io/v2/": ... no such host)` and the summary
`doctor: 0 errors, 0 warnings, 1 notice`; `--format junit` wrote `failures="0"` (the finding as system-out of a
passing test case) and SARIF a `note`: image-availability's finding is a note in preflight, and `why` kept that
severity for the cause of a failed pull. A failed `up` now reads as failed in every format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.why.command import _report
from doctor.why.diagnose import Diagnosis
from doctor.why.explains import explaining
from doctor.why.render import render
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import line_symptom, readings

REGISTRY_DNS = ('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: '
                "no such host")


def _pull_failure(root: Path) -> list[Diagnosis]:
    """'db' failed its pull in the piped output, explained by image-availability's note on its image."""
    note = Finding("image-availability", Severity.INFO,
                   "'db' image 'postgres:16' is not on the engine: compose pulls it on up (needs the registry)",
                   Location(root / "compose.yaml", 3), "db:postgres:16")
    line = f" db Error {REGISTRY_DNS}"
    symptom = line_symptom("db", "", "in the piped output", 0, line, readings(line, BUILTIN))
    (cause,) = explaining(symptom, [note], ("db",))
    assert cause.severity is Severity.INFO  # as preflight reports it
    return [Diagnosis("db", None, (symptom,), (cause,), from_text=True)]


@pytest.mark.parametrize("fmt", ["github", "junit", "sarif", "json"])
def test_a_note_that_explains_a_failed_service_is_reported_as_an_error(tmp_path: Path, fmt: str) -> None:
    diagnoses = _pull_failure(tmp_path)
    assert diagnoses[0].failed
    ran = [CheckResult("image-availability", "images with no build that are absent on the engine", Status.FAILED,
                       (diagnoses[0].explained[0],))]
    report = _report(tmp_path, diagnoses, ran, (tmp_path / "compose.yaml",))
    assert [(f.check, f.severity) for f in report.findings] == [("image-availability", Severity.ERROR)]
    text = render(fmt, report, diagnoses, Redactor(), "p", "0.1.0", tmp_path)
    if fmt == "github":
        assert text.startswith("::error file=compose.yaml,line=3,title=image-availability::'db' image"), text
        assert "doctor: 1 error, 0 warnings, 0 notices" in text, text
    elif fmt == "junit":
        assert 'failures="1"' in text and "<failure " in text, text
    elif fmt == "sarif":
        assert json.loads(text)["runs"][0]["results"][0]["level"] == "error"
    else:
        assert json.loads(text)["findings"][0]["severity"] == "error"


@pytest.mark.docker
def test_a_piped_failed_pull_is_an_error_annotation(tmp_path: Path, docker_engine: str) -> None:
    """The repro through the command line: an image no registry answers for, its failed pull piped in."""
    image = f"doctor-test/why-severity-{uuid.uuid4().hex[:8]}:16"
    (tmp_path / "compose.yaml").write_text(f"services:\n  db:\n    image: {image}\n")
    piped = f" db Pulling\n db Error {REGISTRY_DNS}\nError response from daemon: {REGISTRY_DNS}\n"
    for fmt, said in (("github", "::error file=compose.yaml,line=3"), ("junit", 'failures="1"')):
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", "x", "--format", fmt], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, input=piped, env=dict(os.environ))
        assert done.returncode == 1, done
        assert said in done.stdout and f"'db' image '{image}' is not on the engine" in done.stdout, done.stdout
