"""GitHub Actions workflow commands: annotations per finding, escaped, plus one summary line."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports.canonical import canonical_report, write_project

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import Format, RenderOptions, github


def render(report: Report) -> list[str]:
    return github.render(report, Redactor(), RenderOptions()).splitlines()


def test_one_command_per_finding_then_a_summary(tmp_path: Path) -> None:
    report = canonical_report(write_project(tmp_path / "proj"))
    lines = render(report)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(report.findings) + 1  # + the crashed check
    assert (
        "::error file=.env,line=1,col=17,title=service-name-drift::POSTGRES_SERVER=postgresserver"
        in lines[-3]
    )
    assert any(line.startswith("::notice title=path-gap::'node'") for line in lines)
    assert any(
        line.startswith("::warning file=.env,line=2,title=leaked-host-port::POSTGRES_PASSWORD=***")
        for line in lines
    )
    assert "::error title=missing-mount::check crashed: RuntimeError" in "\n".join(lines)
    assert lines[-1].startswith(
        "doctor: 2 errors, 4 warnings, 1 notice from 9 checks; skipped: port-collision ("
    )
    assert lines[-1].endswith("crashed: missing-mount; 1 suppressed")


def test_escaping_per_workflow_command_rules(tmp_path: Path) -> None:
    path = tmp_path / "dir,with:odd" / "a%b.env"
    message = "100% broken\r\nline two: a, b"
    finding = Finding("env-drift", Severity.WARNING, message, Location(path, 3, 2), "X")
    (line, _summary) = render(Report(tmp_path, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),)))
    props, data = line.split("::")[1:]
    assert props == "warning file=dir%2Cwith%3Aodd/a%25b.env,line=3,col=2,title=env-drift"
    assert data == "100%25 broken%0D%0Aline two: a, b"


def test_a_message_cannot_inject_a_second_command(tmp_path: Path) -> None:
    finding = Finding("env-drift", Severity.INFO, "x\n::add-mask::y", None, "X")
    lines = render(Report(tmp_path, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),)))
    assert lines[0] == "::notice title=env-drift::x%0A::add-mask::y" and len(lines) == 2


def test_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    project = tmp_path / "services" / "api"
    finding = Finding("env-drift", Severity.ERROR, "m", Location(project / ".env", 1), "X")
    (line, _) = render(Report(project, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),)))
    assert line.startswith("::error file=services/api/.env,line=1,")


def test_passing_report_prints_only_the_summary(tmp_path: Path) -> None:
    lines = render(Report(tmp_path, (CheckResult("env-drift", "s", Status.PASSED),)))
    assert lines == ["doctor: 0 errors, 0 warnings, 0 notices from 1 check"]


@pytest.mark.parametrize(
    ("env", "isatty", "expected"),
    [
        ({"GITHUB_ACTIONS": "true"}, False, Format.GITHUB),
        ({"GITHUB_ACTIONS": "true"}, True, None),
        ({"GITHUB_ACTIONS": "false"}, False, None),
        ({}, False, None),
    ],
)
def test_auto_format(env: dict[str, str], isatty: bool, expected: Format | None) -> None:
    assert github.auto_format(env, isatty) is expected


def test_an_output_file_on_actions_is_the_plain_report_not_workflow_commands(tmp_path: Path) -> None:
    """On Actions, `--output doctor.txt` (no --format) wrote `::error ...` lines into the file, where the
    runner never reads them, while the log got only the summary: the file is the console report."""
    import os
    import subprocess
    import sys

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    ports: ['${PORT}:80']\n")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "DOCKER_HOST": "unix:///nonexistent/docker.sock",
           "HOME": str(tmp_path)}
    report = tmp_path / "doctor.txt"
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "env-drift", "--output",
                           str(report), str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    text = report.read_text()
    assert text.startswith("doctor preflight ") and "::error" not in text, text
    assert "PORT" in text
