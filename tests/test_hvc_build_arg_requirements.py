"""host-vs-container reads the requirements file a compose build arg makes the image install (trial D6).

django/djangoproject.com: `RUN pip install -r ${REQ_FILE}` with compose's `REQ_FILE=requirements/tests.txt`
was not read as installing that file: doctor named pyproject.toml's 'babel' and 20 more, and without a
pyproject.toml it said nothing at all.
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

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"


def findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def test_the_requirements_file_a_build_arg_names_is_the_images(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "tests.txt").write_text("doctor-absent-coverage\n")
    (tmp_path / "requirements" / "prod.txt").write_text("doctor-absent-django\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12\nARG REQ_FILE=requirements/prod.txt\nWORKDIR /code\nCOPY ./requirements ./requirements\n"
        "RUN pip install -r ${REQ_FILE}\nCOPY . .\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    build:\n      context: ./\n      args:\n        - REQ_FILE=requirements/tests.txt\n"
        '    volumes: [".:/code"]\n')
    (tmp_path / "Makefile").write_text("ci:\n\tpython -m doctor_absent_coverage report\n")
    found = findings(tmp_path, monkeypatch)
    assert [f.message for f in found] == [
        "'python' (make target 'ci') needs 'doctor-absent-coverage', which the host lacks: run it in 'web'"]
    # the ARG's default where compose passes none
    (tmp_path / "docker-compose.yml").write_text('services:\n  web:\n    build: .\n    volumes: [".:/code"]\n')
    assert "needs 'doctor-absent-django'" in findings(tmp_path, monkeypatch)[0].message
    # beside a pyproject.toml the image never installs, the file it does install is the one named
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\ndependencies = ["doctor-absent-babel"]\n')
    assert "needs 'doctor-absent-django'" in findings(tmp_path, monkeypatch)[0].message
