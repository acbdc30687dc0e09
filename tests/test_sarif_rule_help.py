"""SARIF rule help is the check's docstring as `doctor explain` prints it, whatever the project's secrets.

wger-project/docker's dev stack sets a password that is the word `password`: its SARIF rule help
read "none of the *** variables its entrypoint needs", "starts with an empty ***". The output
border (`Redactor.text` over the whole rendered report) masked the known value wherever the
word stood alone, doctor's own prose included, which also told the SARIF's reader the password.
A finding's message holding that password is still masked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_redact_expansions import isolated_doctor

from doctor.engine import Report, load_registry
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions, sarif

DOC = ("variables compose needs with no value or default\n\nWhat it finds\n"
       "    A database service (its image is postgres) whose service gets\n"
       "    none of the password variables its entrypoint needs, so it starts with an empty\n"
       "    password; a URL whose password holds a raw `/`.\n")


def sarif_output(report: Report, redactor: Redactor) -> dict[str, Any]:
    """The SARIF as `doctor preflight --format sarif` writes it: rendered, then the whole text
    passed through the redactor once more (doctor.app)."""
    data: dict[str, Any] = json.loads(redactor.text(sarif.render(report, redactor, RenderOptions())))
    return data


def test_rule_help_keeps_a_word_that_is_the_projects_password(tmp_path: Path) -> None:
    finding = Finding("env-drift", Severity.WARNING, "POSTGRES_PASSWORD is 'password' in .env but 'Kq7Wn2Px9L' "
                      "in compose.yaml", Location(tmp_path / ".env", 1), "POSTGRES_PASSWORD")
    report = Report(tmp_path, (CheckResult("env-drift", DOC.splitlines()[0], Status.FAILED, (finding,)),),
                    docs={"env-drift": DOC})
    redactor = Redactor(["password", "Kq7Wn2Px9L"])
    run = sarif_output(report, redactor)["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    for text in (rule["fullDescription"]["text"], rule["help"]["text"], rule["help"]["markdown"]):
        assert "none of the password variables" in text and "an empty\npassword" in text.replace("    ", "")
        assert "a URL whose password holds" in text and "***" not in text
    # the finding's message quotes the password: masked, in the message and in the subject's place
    (result,) = run["results"]
    assert result["message"]["text"] == "POSTGRES_PASSWORD is '***' in .env but '***' in compose.yaml"


def test_a_docstring_shows_no_secret_a_finding_puts_beside_it(tmp_path: Path) -> None:
    # the same words in a finding's message as in the rule help: the message is masked, the help not
    message = "none of the password variables its entrypoint needs"
    finding = Finding("env-drift", Severity.WARNING, message, Location(tmp_path / ".env", 1), "X")
    report = Report(tmp_path, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),), docs={"env-drift": DOC})
    # (a password of `password` is masked by shape and where quoted only: tests/test_redact_common_words.py)
    run = sarif_output(report, Redactor(["entrypoint"]))["runs"][0]
    assert run["results"][0]["message"]["text"] == "none of the password variables its *** needs"
    assert "its entrypoint needs" in run["tool"]["driver"]["rules"][0]["help"]["text"]


def test_every_checks_help_is_its_explain_text_under_a_password_of_password(tmp_path: Path) -> None:
    """The wger-project/docker dev case end to end: `preflight --format sarif` on a stack whose
    postgres password is `password`; every rule's help reads as `doctor explain` prints it
    (but for a shape every output masks alike: the `u:p@postgres` of an example)."""
    project = tmp_path / "wger"
    project.mkdir()
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    image: doctor-busybox:test\n    env_file: [dev.env]\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: password\n")
    (project / "dev.env").write_text("DJANGO_DB_PASSWORD=password\n")
    done = isolated_doctor(tmp_path, "preflight", "--format", "sarif", str(project))
    assert "Traceback" not in done.stderr, done.stderr
    rules = json.loads(done.stdout)["runs"][0]["tool"]["driver"]["rules"]
    checks = load_registry().checks
    for rule in rules:
        explained = checks[rule["id"]].documentation().strip()
        assert rule["help"]["text"] == explained.replace("u:p@postgres", "u:***@postgres"), rule["id"]
    assert any("none of the password variables" in rule["help"]["text"] for rule in rules)
