"""volume-shadowing: a `uv sync` venv under a base image whose ENV doctor cannot read.

mitodl/mitxonline (pristine): `FROM mitodl/ol-python-base:3.11`, whose own Dockerfile (not in the
repo) sets `ENV UV_PROJECT_ENVIRONMENT=/opt/venv`, so `uv sync` never writes /src/.venv; doctor
warned `'web' bind .:/src hides /src/.venv (uv sync, Dockerfile:4)` twice. A base that is no
official image and that the engine lacks is a note "unless the base image sets
UV_PROJECT_ENVIRONMENT"; where the engine has it, its ENV decides; an official base stays a warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.filled import known_base

DOCKERFILE = """\
FROM {base}
COPY pyproject.toml uv.lock /src/
WORKDIR /src
RUN uv sync --frozen --no-install-project
COPY . /src
"""
HIDES = "'web' bind .:/src hides /src/.venv (uv sync, Dockerfile:4)"


def _project(root: Path, base: str, env_line: str = "") -> None:
    text = DOCKERFILE.format(base=base)
    if env_line:
        text = text.replace("WORKDIR /src\n", f"WORKDIR /src\n{env_line}\n")
    (root / "Dockerfile").write_text(text)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1"\n')
    (root / "uv.lock").write_text("")
    (root / "compose.yaml").write_text('services: {web: {build: ., volumes: [".:/src"]}}\n')


def _findings(root: Path, docker_host: str = "unix:///nonexistent/docker.sock") -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCKER_HOST": docker_host}
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return list(VolumeShadowing().run(project, Host(env=env, timeout=2.0)))


def test_an_unknown_base_the_engine_lacks_is_a_note(tmp_path: Path) -> None:
    _project(tmp_path, "mitodl/ol-python-base:3.11")
    [found] = _findings(tmp_path)
    assert found.severity is Severity.INFO
    assert found.message == f"{HIDES}, unless the base image sets UV_PROJECT_ENVIRONMENT"


@pytest.mark.parametrize("base", ["python:3.11-slim", "docker.io/library/python:3.11",
                                  "ghcr.io/astral-sh/uv:python3.12"])
def test_an_official_base_stays_a_warning(tmp_path: Path, base: str) -> None:
    _project(tmp_path, base)
    [found] = _findings(tmp_path)
    assert found.severity is Severity.WARNING and found.message == HIDES


def test_the_projects_own_env_decides(tmp_path: Path) -> None:
    _project(tmp_path, "mitodl/ol-python-base:3.11", "ENV UV_PROJECT_ENVIRONMENT=/opt/venv")
    assert _findings(tmp_path) == []
    _project(tmp_path, "mitodl/ol-python-base:3.11", "ENV UV_PROJECT_ENVIRONMENT=.venv")
    [found] = _findings(tmp_path)
    assert found.severity is Severity.WARNING and found.message == HIDES.replace("Dockerfile:4", "Dockerfile:5")


@pytest.mark.parametrize(("image_env", "expected"), [
    (["PATH=/usr/bin", "UV_PROJECT_ENVIRONMENT=/opt/venv"], []),
    (["PATH=/usr/bin"], [(Severity.WARNING, HIDES)]),
])
def test_the_base_image_env_from_the_engine_decides(tmp_path: Path, image_env: list[str],
                                                    expected: list[tuple[Severity, str]]) -> None:
    _project(tmp_path, "mitodl/ol-python-base:3.11")
    engine = FakeEngine(tmp_path / "docker.sock", {
        "/images/mitodl/ol-python-base:3.11/json": {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64",
                                                    "Config": {"Env": image_env}}})
    try:
        found = _findings(tmp_path, engine.url)
    finally:
        engine.close()
    assert [(f.severity, f.message) for f in found] == expected


@pytest.mark.parametrize(("image", "known"), [
    ("python:3.11-slim", True), ("python", True), ("library/python:3", True), ("", True),
    ("ghcr.io/astral-sh/uv:0.5-python3.12-bookworm", True), ("mitodl/ol-python-base:3.11", False),
    ("registry.local:5000/python:3", False), ("${BASE}", False), ("python@sha256:abc", True),
])
def test_known_base(image: str, known: bool) -> None:
    assert known_base(image) is known
