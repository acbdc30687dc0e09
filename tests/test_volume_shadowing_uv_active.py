"""volume-shadowing and `uv sync --active`: code4romania/redirectioneaza (tests/replay/redirectioneaza).

Its dev image (docker/dockerfiles/Dockerfile.dev, FROM node:24.18.0-trixie-slim) sets
`ENV VIRTUAL_ENV=/opt/venv`, runs `uv venv ${VIRTUAL_ENV}`, then, in WORKDIR /var/www/redirect/backend,
`uv sync --active --locked --compile-bytecode`: `--active` makes uv sync the active virtualenv,
VIRTUAL_ENV, instead of the project's `.venv`, so the packages are in /opt/venv, which the dev bind
`./backend:/var/www/redirect/backend` does not touch. doctor warned "'webapp_psql' bind
./backend:/var/www/redirect/backend hides /var/www/redirect/backend/.venv (uv sync, ...:65)" and
advised an anonymous volume over a folder that never exists. A `uv sync --active` under a VIRTUAL_ENV the
image sets now fills that folder; without `--active` uv still fills WORKDIR/.venv, and the bind over it
is still a warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "redirectioneaza"
DOCKERFILE = "docker/dockerfiles/Dockerfile.dev"


def _redirect(tmp_path: Path) -> Path:
    """The replay as its README sets it up: `.env` copied from `.env.example`."""
    root = tmp_path / "redirectioneaza"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    return root


def _hidden(root: Path) -> list[tuple[str, str]]:
    """(severity, message) of each volume-shadowing finding about a folder a bind hides."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    project = Project(ProjectOptions(path=root, env=env, cwd=root))
    return [(f.severity.name.lower(), f.message) for f in VolumeShadowing().run(project, Host(env=env, timeout=2.0))
            if f.severity >= Severity.INFO and " hides " in f.message]


def test_uv_sync_active_fills_the_virtual_env_no_bind_hides(tmp_path: Path) -> None:
    root = _redirect(tmp_path)
    assert "RUN uv sync --active --locked --compile-bytecode\n" in (root / DOCKERFILE).read_text()
    assert _hidden(root) == []


def test_without_active_uv_sync_fills_the_projects_venv_and_the_bind_hides_it(tmp_path: Path) -> None:
    root = _redirect(tmp_path)
    dockerfile = root / DOCKERFILE
    dockerfile.write_text(dockerfile.read_text().replace("uv sync --active --locked", "uv sync --locked"))
    assert _hidden(root) == [
        ("warning", "'webapp_psql' bind ./backend:/var/www/redirect/backend hides /var/www/redirect/backend/.venv "
                    f"(uv sync, {DOCKERFILE}:65)")]
