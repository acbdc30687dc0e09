"""host-vs-container: a recipe running a project script by its path, or through `uv run`, is judged.

mozilla/kitsune's Makefile: `python manage.py test kitsune.sumo` was reported (it belongs in 'web'),
while `./manage.py test kitsune.sumo` (a word with a `/` was never read as a command) and `uv run
./manage.py test kitsune.sumo` (uv, a program of no known language) were not.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.tasks import read_commands

KITSUNE_MAKEFILE = """\
hostmanage:
\t./manage.py test kitsune.sumo

hostmanage2:
\tpython manage.py test kitsune.sumo

hostmanage3:
\tuv run ./manage.py test kitsune.sumo

wrapper:
\t./bin/run-tests
"""


def kitsune(tmp_path: Path) -> Path:
    project = tmp_path / "kitsune"
    (project / "bin").mkdir(parents=True)
    (project / "Makefile").write_text(KITSUNE_MAKEFILE)
    (project / "manage.py").write_text("#!/usr/bin/env python\nimport django\n")
    (project / "bin" / "run-tests").write_text("#!/bin/sh\nset -e\necho go\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "kitsune"\nversion = "0"\ndependencies = ["doctor-absent-django"]\n')
    (project / "Dockerfile").write_text(
        "FROM python:3.14-bookworm\nWORKDIR /app\nCOPY --from=ghcr.io/astral-sh/uv:0.7.20 /uv /uvx /bin/\n"
        "COPY pyproject.toml ./\nRUN uv sync\nCOPY . .\n")
    (project / "docker-compose.yml").write_text("services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n")
    return project


def findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def test_manage_py_by_its_path_and_through_uv_run_belong_in_the_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = {f.location.line: f for f in findings(kitsune(tmp_path), monkeypatch) if f.location}
    assert sorted(found) == [2, 5, 8]  # ./bin/run-tests, a script of no known language, is not placed
    assert found[2].message.startswith("'./manage.py' (make target 'hostmanage') needs 'doctor-absent-django'")
    for line, words in ((2, ["./manage.py", "test", "kitsune.sumo"]),
                        (8, ["uv", "run", "./manage.py", "test", "kitsune.sumo"])):
        fix = found[line].fix
        assert fix is not None and list(fix.command[fix.command.index("web") + 1:]) == words


def test_a_project_script_is_not_a_tool_looked_up_on_path(tmp_path: Path) -> None:
    """path-gap looks a command's tool up on PATH: a script run by its path is marked the project's."""
    commands = {c.tool: c for c in read_commands(kitsune(tmp_path))}
    assert commands["./manage.py"].local and commands["./bin/run-tests"].local
    assert not commands["python"].local
    assert "./missing.py" not in {c.tool for c in read_commands(tmp_path)}
