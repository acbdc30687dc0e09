"""`doctor why --format json` that cannot look at the containers still prints a report on stdout.

Before: with no engine access and nothing piped, every format printed only the stderr line and exited 2, so a
CI step `doctor why --format json > why.json` that then parsed why.json read an empty file. The report formats
carry "could not look" as preflight's do for a check without the engine: the `why` result is `skipped` with the
reason (JSON `checks[].status`/`reason`, a SARIF tool notification, a JUnit `<skipped>`). The exit status (2)
and the one stderr line are unchanged; the console prints nothing on stdout, as before.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from why_run import COMPOSE, run_why

CANNOT_LOOK = "cannot look at the containers: docker engine unavailable"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _one_stderr_line(stderr: str) -> None:
    assert stderr.startswith(f"doctor: {CANNOT_LOOK}") and stderr.count("\n") == 1, stderr


def test_json_says_why_was_skipped_and_why(tmp_path: Path) -> None:
    done = run_why(_project(tmp_path), "", "--format", "json")
    assert done.returncode == 2
    _one_stderr_line(done.stderr)
    report = json.loads(done.stdout)
    assert report["findings"] == [] and report["facts"]["services"] == []
    [checked] = report["checks"]
    assert (checked["id"], checked["status"]) == ("why", "skipped")
    assert checked["reason"].startswith(CANNOT_LOOK)
    assert checked["reason"] == done.stderr.removeprefix("doctor: ").rstrip("\n")


def test_sarif_notes_it_and_stays_valid(tmp_path: Path, shared_dir: Path) -> None:
    done = run_why(_project(tmp_path), "", "--format", "sarif")
    assert done.returncode == 2
    _one_stderr_line(done.stderr)
    log = json.loads(done.stdout)
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(log))
    [run] = log["runs"]
    assert run["results"] == []
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith(f"why skipped: {CANNOT_LOOK}")


def test_junit_and_output_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    done = run_why(root, "", "--format", "junit", "--output", "why.xml")
    assert done.returncode == 2 and done.stdout == ""
    _one_stderr_line(done.stderr)
    [skipped] = ET.parse(root / "why.xml").getroot().iter("skipped")
    assert skipped.get("message", "").startswith(CANNOT_LOOK)


def test_the_console_still_prints_nothing_but_the_line(tmp_path: Path) -> None:
    done = run_why(_project(tmp_path), "")
    assert done.returncode == 2 and done.stdout == ""
    _one_stderr_line(done.stderr)
