"""SARIF output: valid against the OASIS 2.1.0 schema, and acceptable to GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reports.canonical import canonical_report, write_project

from doctor.engine import Report
from doctor.model import CheckResult, Edit, Finding, Fix, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions, sarif
from doctor.report.sarif import edit_region


def render(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(report, Redactor(), RenderOptions(version="1.2.3")))
    return data


@pytest.fixture
def canonical(tmp_path: Path) -> Report:
    return canonical_report(write_project(tmp_path / "proj"))


def test_canonical_output_is_valid_sarif(canonical: Report, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(render(canonical)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_schema_check_can_fail(shared_dir: Path, canonical: Report) -> None:
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    log = render(canonical)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(log))


def test_github_code_scanning_constraints(canonical: Report) -> None:
    log = render(canonical)
    assert log["version"] == "2.1.0" and len(log["runs"]) <= 20
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "doctor" and driver["version"] == "1.2.3"
    # it named https://pypi.org/project/devenv-doctor/, a page that does not exist (doctor is not on PyPI), shown
    # by code scanning as the tool's page and free for anyone to publish under: no link rather than a wrong one
    assert "informationUri" not in driver and "pypi.org" not in json.dumps(log)
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) <= 25_000
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule.get("properties", {}).get("tags", [])) <= 20
    assert 0 < len(run["results"]) <= 25_000
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 1000
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert (
            artifact["uri"] and not artifact["uri"].startswith("/") and artifact["uriBaseId"] == "%SRCROOT%"
        )
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["doctor/v1"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_one_rule_per_check_and_one_result_per_finding(canonical: Report) -> None:
    run = render(canonical)["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.check for r in canonical.results]
    assert [r["ruleId"] for r in run["results"]] == [f.check for f in canonical.findings]
    levels = {r["ruleId"] + r["message"]["text"][:12]: r["level"] for r in run["results"]}
    assert "note" in levels.values() and "error" in levels.values() and "warning" in levels.values()


def test_rule_help_is_the_check_documentation(canonical: Report) -> None:
    rules = {r["id"]: r for r in render(canonical)["runs"][0]["tool"]["driver"]["rules"]}
    drift = rules["service-name-drift"]
    assert drift["fullDescription"]["text"].startswith("hosts in env values and URLs")
    assert "## What it finds" in drift["help"]["markdown"]
    assert "```text\nPOSTGRES_PASSWORD=***" in drift["help"]["markdown"]
    assert (
        rules["path-gap"]["fullDescription"]["text"]
        == "tools the login shell finds but a subprocess does not"
    )


def test_fingerprints_ignore_lines_and_messages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    a = Finding("env-drift", Severity.WARNING, "message one", Location(root / ".env", 3), "KEY")
    b = Finding("env-drift", Severity.WARNING, "message two", Location(root / ".env", 9), "KEY")
    c = Finding("env-drift", Severity.WARNING, "message one", Location(root / ".env", 3), "OTHER")
    report = Report(root, (CheckResult("env-drift", "s", Status.FAILED, (a, b, c)),))
    prints = [r["partialFingerprints"]["doctor/v1"] for r in render(report)["runs"][0]["results"]]
    assert prints[0] == prints[1] != prints[2]


def test_skipped_and_crashed_checks_are_tool_notifications(canonical: Report) -> None:
    invocation = render(canonical)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert (
        notes["port-collision"]["level"] == "note"
        and "permission denied" in notes["port-collision"]["message"]["text"]
    )
    assert notes["missing-mount"]["level"] == "error"
    assert "abcd1234efgh" not in json.dumps(invocation)


def test_fix_edits_become_replacements_at_the_right_place(canonical: Report) -> None:
    results = render(canonical)["runs"][0]["results"]
    by_subject = {r["properties"]["subject"]: r for r in results}
    url = by_subject["DATABASE_URL"]["fixes"][0]["artifactChanges"][0]
    assert url["artifactLocation"] == {"uri": ".env", "uriBaseId": "%SRCROOT%"}
    replacement = url["replacements"][0]
    # line 3: DATABASE_URL=postgres://app:hunter2@postgresserver:5432/app; '@postgresserver:' is col 36-51
    assert replacement["deletedRegion"] == {"startLine": 3, "startColumn": 36, "endLine": 3, "endColumn": 52}
    assert replacement["insertedContent"] == {"text": "@db:"}
    append = by_subject["REDIS_URL"]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert append["deletedRegion"] == {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1}


def test_fixes_that_cannot_be_placed_go_into_the_message(canonical: Report) -> None:
    by_subject = {r["properties"]["subject"]: r for r in render(canonical)["runs"][0]["results"]}
    token = by_subject["API_TOKEN"]  # its new text holds a secret: masked text would corrupt the file
    assert "fixes" not in token and "(fix: add API_TOKEN from .env.example)" in token["message"]["text"]
    owners = by_subject["data"]  # a command is no text edit
    assert "fixes" not in owners and "(fix: chown 'data' back to uid 1000)" in owners["message"]["text"]
    assert owners["properties"]["fix"]["command"] == "sudo chown -R 1000:1000 data"


def test_host_findings_are_anchored_at_the_compose_file(canonical: Report) -> None:
    by_subject = {r["properties"]["subject"]: r for r in render(canonical)["runs"][0]["results"]}
    node = by_subject["node"]
    assert node["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "compose.yaml"
    assert node["properties"]["hostFinding"] is True


def test_uris_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    root = write_project(tmp_path / "services" / "api")
    outside = tmp_path.parent / "elsewhere.env"
    findings = (
        Finding("env-drift", Severity.ERROR, "m", Location(root / ".env", 2), "A"),
        Finding("env-drift", Severity.ERROR, "m", Location(outside, 1), "B"),
    )
    run = render(Report(root, (CheckResult("env-drift", "s", Status.FAILED, findings),)))["runs"][0]
    inside, away = (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"])
    assert inside == {"uri": "services/api/.env", "uriBaseId": "%SRCROOT%"}
    assert away == {"uri": outside.as_uri()}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_results_over_the_upload_limit_keep_the_most_severe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    root = write_project(tmp_path / "p")
    findings = tuple(
        Finding("env-drift", sev, f"m{i}", Location(root / ".env", 1), f"S{i}")
        for i, sev in enumerate((Severity.INFO, Severity.ERROR, Severity.WARNING, Severity.ERROR))
    )
    run = render(Report(root, (CheckResult("env-drift", "s", Status.FAILED, findings),)))["runs"][0]
    assert [r["message"]["text"] for r in run["results"]] == ["m1", "m3"]
    assert (
        "2 less severe results left out"
        in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    )


@pytest.mark.parametrize(
    ("content", "edit", "expected"),
    [
        (
            "A=1\nB=2\n",
            Edit(Path("f"), "B=2", "B=3", 2),
            {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4},
        ),
        (
            "A=1\nB=2\n",
            Edit(Path("f"), "2", "3", 2),
            {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 4},
        ),
        (
            "A=1\nB=2\n",
            Edit(Path("f"), "1\nB", "1\nC", 1),
            {"startLine": 1, "startColumn": 3, "endLine": 2, "endColumn": 2},
        ),
        (
            "A=1\nB=2",
            Edit(Path("f"), "", "C=3\n"),
            {"startLine": 2, "startColumn": 4, "endLine": 2, "endColumn": 4},
        ),
        (
            "é=1\n",
            Edit(Path("f"), "1", "2", 1),
            {"startLine": 1, "startColumn": 3, "endLine": 1, "endColumn": 4},
        ),
        ("A=1\nB=2\n", Edit(Path("f"), "B=2", "B=3", 1), None),  # not on the line it names
        ("A=1\nB=2\n", Edit(Path("f"), "B=2", "B=3", 7), None),  # no such line
        ("A=1\nA=1\n", Edit(Path("f"), "A=1", "A=2"), None),  # ambiguous without a line
        ("A=1\n", Edit(Path("f"), "", "X", 1), None),  # insertion before a line: not an Edit form
    ],
)
def test_edit_region(tmp_path: Path, content: str, edit: Edit, expected: dict[str, int] | None) -> None:
    target = tmp_path / "f"
    target.write_text(content, encoding="utf-8")
    assert edit_region(Edit(target, edit.old, edit.new, edit.line)) == expected


def test_append_to_a_file_that_does_not_exist_yet(tmp_path: Path) -> None:
    region = edit_region(Edit(tmp_path / "new.env", "", "A=1\n"))
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_fix_with_a_missing_old_text_is_not_exported(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    fix = Fix("rewrite it", edits=(Edit(root / ".env", "NOT_THERE=1", "X=1", 1),))
    finding = Finding("env-drift", Severity.ERROR, "m", Location(root / ".env", 1), "A", fix)
    result = render(Report(root, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),)))["runs"][0][
        "results"
    ][0]
    assert "fixes" not in result and result["message"]["text"] == "m (fix: rewrite it)"


def test_uris_are_percent_encoded(tmp_path: Path) -> None:
    """SARIF's `uri` is an RFC 3986 reference: `my app/pre start#1.sh` as written is a path up to a
    fragment, so code scanning would place the alert on `my app/pre start`; it must read `my%20app/...%231.sh`."""
    from doctor.report.sarif import _artifact

    root = tmp_path / "repo"
    assert _artifact(root / "my app" / "pre start#1.sh", root) == {
        "uri": "my%20app/pre%20start%231.sh", "uriBaseId": "%SRCROOT%"}
    assert _artifact(root / "ok" / "compose.yaml", root)["uri"] == "ok/compose.yaml"
    assert _artifact(tmp_path / "out side.yaml", root) == {"uri": (tmp_path / "out side.yaml").as_uri()}
