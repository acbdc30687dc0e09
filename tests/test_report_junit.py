"""JUnit XML output: valid against the Jenkins/GitLab JUnit schema, one test case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from reports.canonical import canonical_report, write_project

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions, junit

XSD = Path(__file__).parent / "reports" / "junit.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture
def canonical(tmp_path: Path) -> Report:
    return canonical_report(write_project(tmp_path / "proj"))


def render(report: Report) -> str:
    return junit.render(report, Redactor(), RenderOptions())


def test_canonical_output_is_valid_junit(canonical: Report, schema: xmlschema.XMLSchema) -> None:
    schema.validate(render(canonical))


def test_the_schema_check_can_fail(schema: xmlschema.XMLSchema) -> None:
    bad = '<testsuites><testsuite name="doctor" tests="1"><testcase name="x"/></testsuite></testsuites>'
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(bad)  # failures and errors are required on a testsuite


def test_one_case_per_check_with_its_outcome(canonical: Report) -> None:
    root = ET.fromstring(render(canonical))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "doctor"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == [r.check for r in canonical.results]
    assert all(c.get("classname") == "doctor" for c in cases.values())
    assert len(cases["compose-config"]) == 0
    failure = cases["service-name-drift"].find("failure")
    assert failure is not None and failure.get("type") == "error" and failure.get("message") == "2 findings"
    assert failure.text is not None and failure.text.splitlines()[0].startswith(
        ".env:1: error: POSTGRES_SERVER="
    )
    skipped = cases["port-collision"].find("skipped")
    assert skipped is not None and "permission denied" in (skipped.get("message") or "")
    error = cases["missing-mount"].find("error")
    assert error is not None and "token=***" in (error.get("message") or "")
    info_only = cases["path-gap"]  # a notice must not fail the CI test tab while doctor exits 0
    assert info_only.find("failure") is None and "'node'" in (info_only.findtext("system-out") or "")


def test_counts_match_the_cases(canonical: Report) -> None:
    root = ET.fromstring(render(canonical))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "9",
        "4",
        "1",
        "1",
    )
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "4", "1")


def test_secrets_and_markup_and_control_characters_are_safe(
    tmp_path: Path, schema: xmlschema.XMLSchema
) -> None:
    message = "DB_PASSWORD=hunter22 in <b>&'\"\x01\x1b value"
    finding = Finding("env-drift", Severity.ERROR, message, Location(tmp_path / ".env", 4), "DB_PASSWORD")
    text = render(Report(tmp_path, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),)))
    schema.validate(text)
    body = ET.fromstring(text).findtext("testsuite/testcase/failure") or ""
    assert body == ".env:4: error: DB_PASSWORD=*** in <b>&'\"\ufffd\ufffd value"
