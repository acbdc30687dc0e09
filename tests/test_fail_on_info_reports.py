"""With `--fail-on info` (or `fail-on: info` in doctor.yaml) the reports say why the run failed.

On fastapi/full-stack-fastapi-template, whose dev override binds three folders a fresh clone
lacks (notes: docker creates them root-owned), `doctor preflight --fail-on info` exited 1 while
every report said it passed: the console `0 errors, 0 warnings, 3 info · 1 check (1 passed)`,
JUnit `failures="0"` (a GitLab job red with a test report all green), the github summary line
no failure at all. A check whose findings fail the run is a failed test case, and the summary
says which threshold failed it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPLAY = Path(__file__).resolve().parent / "replay"
NOTE = "exit 1: info findings fail the run (fail-on info)"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    root = tmp_path / "fastapi-template"
    shutil.copytree(REPLAY / "fastapi-template", root, ignore=shutil.ignore_patterns("SOURCE.txt"))
    return root


def _doctor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "GITHUB_", "DOCTOR_"))}
    env.update(DOCTOR_NO_CACHE="1", HOME=str(root.parent / "home"))
    return subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "missing-mount", *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def _case(xml: str) -> tuple[str, ET.Element]:
    suites = ET.fromstring(xml)
    (case,) = suites.iter("testcase")
    return str(suites.get("failures")), case


def test_junit_fails_the_check_whose_notes_fail_the_run(template: Path) -> None:
    done = _doctor(template, "--fail-on", "info", "--format", "junit")
    assert done.returncode == 1, done.stderr
    failures, case = _case(done.stdout)
    assert failures == "1", done.stdout
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "info", done.stdout
    assert "bind source ./backend/htmlcov does not exist" in (failure.text or "")


def test_junit_keeps_notes_as_output_when_they_do_not_fail_the_run(template: Path) -> None:
    done = _doctor(template, "--format", "junit")
    assert done.returncode == 0, done.stderr
    failures, case = _case(done.stdout)
    assert failures == "0" and case.find("failure") is None, done.stdout
    assert "bind source ./backend/htmlcov" in (case.findtext("system-out") or "")


def test_fail_on_from_doctor_yaml_fails_the_junit_case_too(template: Path) -> None:
    (template / "doctor.yaml").write_text("fail-on: info\n")
    done = _doctor(template, "--format", "junit")
    assert done.returncode == 1, done.stderr
    assert _case(done.stdout)[0] == "1", done.stdout


@pytest.mark.parametrize("fmt", ["console", "github"])
def test_the_summary_line_says_why_the_run_failed(template: Path, fmt: str) -> None:
    done = _doctor(template, "--fail-on", "info", "--format", fmt)
    assert done.returncode == 1, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].endswith(NOTE), done.stdout
    plain = _doctor(template, "--format", fmt)
    assert plain.returncode == 0 and NOTE not in plain.stdout, plain.stdout


def test_the_summary_beside_an_output_file_says_it(template: Path) -> None:
    done = _doctor(template, "--fail-on", "info", "--format", "junit", "--output", str(template / "doctor.xml"))
    assert done.returncode == 1, done.stderr
    assert f"{NOTE} · report in " in done.stdout, done.stdout
