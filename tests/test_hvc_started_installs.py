"""host-vs-container: what a service's entrypoint script installs each time it starts is its image's
(allegro/ralph's docker-local-dev-entrypoint.sh: `pip3 install -r .../requirements/dev.txt`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

ENTRYPOINT = '#!/bin/sh\nset -e\ncd /app\npip install -r requirements.txt\nexec "$@"\n'


def ralph_like(tmp_path: Path, dockerfile: str = "", entrypoint: str = ENTRYPOINT) -> Path:
    project = tmp_path / "proj"
    (project / "tests").mkdir(parents=True)
    (project / "requirements.txt").write_text("doctor-absent-django==4.2\npytest\n")
    (project / "requirements-dev.txt").write_text("pytest\n")
    (project / "Makefile").write_text("test:\n\tpytest tests\n")
    (project / "tests" / "test_x.py").write_text("def test_x(): pass\n")
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n")
    (project / "entrypoint.sh").write_text(entrypoint)
    (project / "Dockerfile").write_text(
        f"FROM python:3.11\n{dockerfile}COPY entrypoint.sh /entrypoint.sh\nWORKDIR /srv\n"
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["python", "-m", "http.server"]\n')
    return project


def findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": "/nonexistent/doctor-test", "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def test_requirements_the_entrypoint_installs_are_the_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = findings(ralph_like(tmp_path), monkeypatch)
    assert [(f.location.line if f.location else None, f.subject) for f in found] == [(2, "web:pytest tests")]
    assert "needs 'pytest' and 1 more the host lacks: run it in 'web'" in found[0].message


def test_a_start_script_read_through_the_container_folder_it_runs_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No `cd`: the script's `-r requirements.txt` is the service's working folder's (/srv: not mounted)."""
    found = findings(ralph_like(tmp_path, entrypoint='#!/bin/sh\npip install -r requirements.txt\nexec "$@"\n'),
                     monkeypatch)
    assert found == []
    project = ralph_like(tmp_path / "b", entrypoint='#!/bin/sh\npip install -r requirements.txt\nexec "$@"\n')
    compose = (project / "compose.yaml").read_text() + "    working_dir: /app\n"
    (project / "compose.yaml").write_text(compose)
    assert [f.subject for f in findings(project, monkeypatch)] == ["web:pytest tests"]


def test_a_dev_file_the_entrypoint_installs_is_not_one_the_image_lacks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build installs requirements.txt (no pytest), the entrypoint requirements-dev.txt: the image has pytest."""
    project = ralph_like(tmp_path, dockerfile="COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n",
                         entrypoint='#!/bin/sh\npip install -r /app/requirements-dev.txt\nexec "$@"\n')
    (project / "requirements.txt").write_text("doctor-absent-django==4.2\n")
    found = findings(project, monkeypatch)
    assert [f.subject for f in found] == ["web:pytest tests"]
    assert "does not install" not in found[0].message
    assert found[0].fix is not None and "add 'pytest'" not in found[0].fix.title


def test_the_dev_file_the_entrypoint_installs_is_the_homes_manifest(tmp_path: Path) -> None:
    """A requirements-dev.txt beside the requirements.txt the build installs is the image's too when
    the entrypoint installs it: not one "the image does not install"."""
    from doctor.project.service_home import service_homes

    project = ralph_like(tmp_path, dockerfile="COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n",
                         entrypoint='#!/bin/sh\npip install -r /app/requirements-dev.txt\nexec "$@"\n')
    (project / "requirements.txt").write_text("# nothing at run time\n")
    env = {"PATH": "/nonexistent/doctor-test", "HOME": str(tmp_path)}
    homes = service_homes(Project(ProjectOptions(path=project, env=env)), Host(env=env).packages)
    assert [(h.service, h.manifest.name, h.missing) for h in homes] == [("web", "requirements-dev.txt", ("pytest",))]
