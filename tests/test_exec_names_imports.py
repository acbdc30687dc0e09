"""`doctor exec` names the packages a command needs as preflight's host-vs-container finding does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_execute import fake_docker, load
from test_host_vs_container_advice import fastapi_tdd

from doctor.execute import execute


@pytest.mark.parametrize("argv", [["python", "-m", "pytest", "tests"], ["pytest", "tests"]])
def test_exec_names_what_the_tests_import_not_a_dev_files_first_line(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """testdrivenio/fastapi-tdd-docker: `doctor exec -- python -m pytest tests` in project/ said
    "running 'python' in service 'web' (run; the host lacks black, flake8)", requirements-dev.txt's
    first two lines, which pytest does not need; preflight's finding for the same command (a Makefile's)
    names the fastapi and tortoise-orm the tests import. The host here has pytest, not the app's packages."""
    import doctor.host.containers

    project_dir = fastapi_tdd(tmp_path)
    env, record = fake_docker(tmp_path)
    env = {**env, "PATH": f"{env['PATH']}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    monkeypatch.chdir(project_dir / "project")
    project, host = load(project_dir, env)
    assert execute(argv, project, host) == 0
    said = capfd.readouterr().err
    assert f"running {argv[0]!r} in service 'web' (run; the host lacks doctor-absent-api, tortoisefake-orm)" in said
    ran = record.read_text().splitlines()
    assert ran[ran.index("web") + 1:] == argv  # run as typed, in project/'s place in the container
