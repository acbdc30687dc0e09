"""compose-version's skip says why no docker compose answered, and what to install.

Before: every case was "docker compose not found on PATH (or it did not answer)", also where the
docker CLI was on PATH and only its compose plugin was missing (a newcomer's Debian `docker.io`
without `docker-compose-plugin`): the line named neither the cause nor the package.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from doctor import app
from doctor.host import compose_cache
from doctor.model import Status

DEVELOP = "services:\n  web:\n    image: busybox\n    develop:\n      watch: []\n"


def _skip_reason(folder: Path, path: str, home: Path) -> str:
    env = {"PATH": path, "HOME": str(home), "DOCTOR_NO_CACHE": "1", "SHELL": "/bin/false"}
    run, _ = app.run_preflight(app.PreflightOptions(path=folder, select=("compose-version",), env=env))
    (result,) = run.report.results
    assert result.status == Status.SKIPPED, result
    return result.reason or ""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(DEVELOP)
    (tmp_path / "home").mkdir()
    return project


def test_no_docker_at_all_is_said(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    reason = _skip_reason(folder, str(tmp_path / "empty"), tmp_path / "home")
    assert reason.startswith("neither docker nor docker-compose is on PATH: install Docker"), reason


def test_the_docker_cli_without_its_compose_plugin_names_the_package(folder: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which("docker")
    if real is None or not compose_cache._is_docker_cli(real):
        pytest.skip("needs the docker CLI itself on PATH")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # the real CLI, its plugin folders (this machine's hold compose) read as empty, its compose refused
    fake = bin_dir / "docker"
    os.symlink(real, fake)
    monkeypatch.setattr(compose_cache, "has_plugin", lambda env: False)
    monkeypatch.setattr("doctor.host.facts._ask_compose", lambda env, timeout, programs: (None, False))
    reason = _skip_reason(folder, str(bin_dir), tmp_path / "home")
    assert "has no compose plugin" in reason and "docker-compose-plugin" in reason, reason


def test_a_compose_that_does_not_answer_is_said_so(folder: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "docker-compose"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(0o755)
    reason = _skip_reason(folder, str(bin_dir), tmp_path / "home")
    assert reason.startswith("docker compose did not answer"), reason
