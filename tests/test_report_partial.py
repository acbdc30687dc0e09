"""A check that ran on part of its input is "partial" in every machine format, as `~` in the console.

Before, JSON said `passed` with no reason, JUnit a bare pass and SARIF nothing, for checks the
console marked `~ partial (the compose files did not fully load)`: a CI gate reading the JSON
took a run that could not look as a clean one.
"""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from doctor import app
from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions, junit, sarif
from doctor.report import json as json_report
from doctor.report.console import PARTIAL_INPUT
from doctor.report.console import render as console_render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
XSD = Path(__file__).parent / "reports" / "junit.xsd"
NOT_LOADED = "the compose files did not fully load"
HUNG = "could not look further: docker engine did not answer in 5s"


def partial_report(root: Path) -> Report:
    """compose-config reports the load problem (it saw all there was); env-drift passed on what loaded;
    port-collision passed without the engine; leaked-host-port found a warning on what loaded."""
    compose = root / "compose.yaml"
    broken = Finding("compose-config", Severity.ERROR, "binary file: not YAML", Location(compose, 1), "compose.yaml")
    engine_note = Finding("port-collision", Severity.INFO, HUNG, None, "engine")
    leaked = Finding("leaked-host-port", Severity.WARNING, "REDIS_URL=redis://localhost:6379 reaches 'web'",
                     Location(root / ".env", 2), "web:REDIS_URL")
    results = (
        CheckResult("compose-config", "compose files", Status.FAILED, (broken,)),
        CheckResult("env-drift", "variables", Status.PASSED),
        CheckResult("port-collision", "ports", Status.PASSED, (engine_note,)),
        CheckResult("leaked-host-port", "leaks", Status.FAILED, (leaked,)),
        CheckResult("image-availability", "images", Status.SKIPPED, reason="docker engine unavailable"),
    )
    facts: dict[str, object] = {PARTIAL_INPUT: {"reason": NOT_LOADED, "reported_by": ["compose-config"]}}
    return Report(root, results, facts=facts, compose_files=(compose,))


@pytest.fixture
def report(tmp_path: Path) -> Report:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "compose.yaml").write_bytes(b"\x00\x01binary")
    (root / ".env").write_text("A=1\nREDIS_URL=redis://localhost:6379\n")
    return partial_report(root.resolve())


def checks_of(text: str) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in json.loads(text)["checks"]}


def test_json_says_partial_with_the_console_reason(report: Report) -> None:
    checks = checks_of(json_report.render(report, Redactor(), RenderOptions()))
    assert {k: (c["status"], c["reason"]) for k, c in checks.items()} == {
        "compose-config": ("failed", None),  # it reported the problem: it saw everything there was
        "env-drift": ("partial", NOT_LOADED),
        "port-collision": ("partial", HUNG),
        "leaked-host-port": ("failed", NOT_LOADED),  # still failed, and says what it could not see
        "image-availability": ("skipped", "docker engine unavailable"),
    }
    console = console_render(report, Redactor(), RenderOptions())
    assert "~ env-drift" in console and "~ port-collision" in console  # the same checks, the same word


def test_a_complete_run_still_says_passed(tmp_path: Path) -> None:
    report = Report(tmp_path, (CheckResult("env-drift", "variables", Status.PASSED),))
    (check,) = checks_of(json_report.render(report, Redactor(), RenderOptions())).values()
    assert (check["status"], check["reason"]) == ("passed", None)


def test_junit_skips_a_partial_pass_with_its_reason(report: Report) -> None:
    text = junit.render(report, Redactor(), RenderOptions())
    xmlschema.XMLSchema(str(XSD)).validate(text)
    suite = ET.fromstring(text).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    for name, reason in (("env-drift", NOT_LOADED), ("port-collision", HUNG)):
        skipped = cases[name].find("skipped")
        assert skipped is not None and skipped.get("message") == f"partial: {reason}", name
    failure = cases["leaked-host-port"].find("failure")
    assert failure is not None and cases["leaked-host-port"].find("skipped") is None
    assert failure.text is not None and f"partial: {NOT_LOADED}" in failure.text
    assert cases["compose-config"].find("skipped") is None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "2", "3")


def test_sarif_notes_each_partial_check_and_stays_valid(report: Report, shared_dir: Path) -> None:
    log = json.loads(sarif.render(report, Redactor(), RenderOptions(version="1.2.3")))
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(log))
    assert not errors, [e.message for e in errors[:5]]
    (invocation,) = log["runs"][0]["invocations"]
    notes = [(n["descriptor"]["id"], n["level"], n["message"]["text"])
             for n in invocation["toolExecutionNotifications"]]
    assert notes == [
        ("env-drift", "warning", f"env-drift partial: {NOT_LOADED}"),
        ("port-collision", "warning", f"port-collision partial: {HUNG}"),
        ("leaked-host-port", "warning", f"leaked-host-port partial: {NOT_LOADED}"),
        ("image-availability", "note", "image-availability skipped: docker engine unavailable"),
    ]
    assert invocation["executionSuccessful"] is True


def test_unloadable_compose_file_end_to_end(tmp_path: Path) -> None:
    project = tmp_path / "p8"
    shutil.copytree(EXAMPLES / "broken-stack", project)
    (project / "compose.yaml").write_bytes(bytes(range(256)) * 12)  # not YAML: "binary file"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    out = io.StringIO()
    code = app.preflight(app.PreflightOptions(path=project, format="json", env=env), out)
    assert code == 1
    checks = checks_of(out.getvalue())
    assert checks["compose-config"]["status"] == "failed"
    assert checks["env-drift"] == {**checks["env-drift"], "status": "partial", "reason": NOT_LOADED}
    assert "passed" not in {c["status"] for c in checks.values()}, checks


def test_the_reason_says_what_did_not_load_when_no_check_of_the_run_does(tmp_path: Path) -> None:
    """A doctor.yaml's `compose-files:` naming a file not there, compose-config not selected: each check
    was `~ (partial: the compose files did not fully load)`, exit 0, and nothing said which file."""
    project = tmp_path / "p9"
    shutil.copytree(EXAMPLES / "clean-stack", project)
    (project / "doctor.yaml").write_text("compose-files: [compose.yaml, compose.dev.yaml]\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    out = io.StringIO()
    app.preflight(app.PreflightOptions(path=project, format="json", env=env, select=("env-drift",)), out)
    said = f"{NOT_LOADED}: compose file 'compose.dev.yaml' not found"
    assert checks_of(out.getvalue())["env-drift"]["reason"] == said
    out = io.StringIO()  # where compose-config runs, its finding says it: the reason stays short
    app.preflight(app.PreflightOptions(path=project, format="json", env=env,
                                       select=("env-drift", "compose-config")), out)
    checks = checks_of(out.getvalue())
    assert checks["env-drift"]["reason"] == NOT_LOADED
    assert checks["compose-config"]["status"] == "failed"


def test_github_summary_names_the_partial_checks(report: Report) -> None:
    """The github format's one summary line named skipped and crashed checks, not partial ones."""
    from doctor.report.github import summary

    line = summary(report, Redactor())
    assert f"partial ({NOT_LOADED}): env-drift, leaked-host-port" in line, line
    assert f"partial ({HUNG}): port-collision" in line, line
    assert "skipped: image-availability (docker engine unavailable)" in line, line


def test_the_console_summary_counts_the_findings_it_shows(report: Report) -> None:
    """The engine note a partial check's own line says (`partial: could not look further: ...`) is
    not shown again as a finding: the summary counted it as `1 info` with no info line to see. JSON
    keeps it as a finding, as before."""
    console = console_render(report, Redactor(), RenderOptions())
    assert "1 error, 1 warning, 0 info" in console.splitlines()[-1], console.splitlines()[-1]
    assert console.count(HUNG) == 1  # once, on port-collision's line
    findings = json.loads(json_report.render(report, Redactor(), RenderOptions()))["findings"]
    assert [f["message"] for f in findings if f["severity"] == "info"] == [HUNG]
