"""Paths in messages and fix titles, for a compose project in a subfolder (mealie's `docker/`).

`doctor preflight docker` from the repo root printed the location from the current folder
(`docker/.env.example:2`) but the message and fix title from the compose folder (`from
.env.example`, `../.env`, `create media/ before starting: mkdir -p docker/static/media`). Every
path a console line names now opens from where the user is; the JSON report keeps them relative
to the project, like its `file`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COMPOSE = """\
services:
  backend:
    build:
      context: ../backend
    env_file: ../.env
    volumes:
      - ./static/media:/app/media
    ports:
      - "${WEB_PORT:-8000}:8000"
  redis:
    image: redis:7
"""


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "docker").mkdir()
    (tmp_path / "backend").mkdir()
    (tmp_path / "docker" / "compose.yml").write_text(COMPOSE)
    (tmp_path / "docker" / ".env").write_text("WEB_PORT=8000\n")
    (tmp_path / "docker" / ".env.example").write_text("WEB_PORT=8000\nNEW_KEY=1\n")
    (tmp_path / "backend" / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY . /app\n")
    (tmp_path / ".env").write_text("REDIS_URL=redis://redis:6379/0\n")
    (tmp_path / ".env.example").write_text("REDIS_URL=redis://redis:6379/0\nSECRET_THING=x\n")
    return tmp_path


def _doctor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "300", "DOCTOR_HYPERLINKS": "0"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_console_names_paths_from_the_current_folder(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = _doctor("preflight", "docker", "--select", "env-drift,missing-mount", cwd=repo).stdout
    assert "docker/.env.example:2" in out
    assert "'NEW_KEY' from docker/.env.example is missing from docker/.env" in out
    assert "fix: add NEW_KEY to docker/.env from docker/.env.example" in out
    # the repo's own .env (the service's env_file): no `../` from the repo root
    assert "'SECRET_THING' from .env.example is missing from .env (env_file of 'backend')" in out
    assert "../.env" not in out
    # the title names the whole folder the command creates, as the command is shown
    assert "fix: create docker/static/media/ before starting: mkdir -p docker/static/media" in out


def test_console_in_the_compose_folder_keeps_short_names(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = _doctor("preflight", "--select", "env-drift,missing-mount", cwd=repo / "docker").stdout
    # docker/.env is only interpolated (WEB_PORT); no service loads it, so NEW_KEY reaches no container
    assert "'NEW_KEY' from .env.example is missing from .env (no service loads .env, and compose interpolates no " \
           "${NEW_KEY})\n" in out
    assert "fix: create static/media/ before starting: mkdir -p static/media" in out


def test_json_keeps_paths_relative_to_the_project(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    done = _doctor("preflight", "docker", "--select", "env-drift,missing-mount", "--format", "json", cwd=repo)
    found = {f["message"]: f for f in json.loads(done.stdout)["findings"]}
    theirs = found["'SECRET_THING' from ../.env.example is missing from ../.env (env_file of 'backend')"]
    assert theirs["file"] == "../.env.example"
    assert theirs["subject"] == "../.env:SECRET_THING"
    unused = found["'NEW_KEY' from .env.example is missing from .env (no service loads .env, and compose "
                   "interpolates no ${NEW_KEY})"]
    assert unused["file"] == ".env.example" and unused["severity"] == "info"
    mkdir = next(f for f in found.values() if f["check"] == "missing-mount")
    assert mkdir["fix"]["title"] == "create static/media/ before starting"


def test_fix_writes_the_same_comment_wherever_it_runs(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    done = _doctor("fix", "docker", "--yes", "--env", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "add NEW_KEY to docker/.env from docker/.env.example" in done.stdout
    assert (repo / "docker" / ".env").read_text() == "WEB_PORT=8000\n# added by doctor from .env.example\nNEW_KEY=1\n"
    # the repo's .env lies outside the project: named as the user opens it, and left alone
    assert "add SECRET_THING to .env from .env.example: " in done.stdout
    assert (repo / ".env").read_text() == "REDIS_URL=redis://redis:6379/0\n"


def test_the_repo_around_the_compose_folder_is_shown_as_dot_dot(tmp_path: Path) -> None:
    """From `development/` (nautobot) or `.devcontainer/`, the repo's files are `../x`, location and
    message alike, not an absolute path the user has to shorten in their head."""
    repo = _repo(tmp_path)
    out = _doctor("preflight", "--select", "env-drift", cwd=repo / "docker").stdout
    assert "    warning ../.env.example:2\n" in out
    assert "'SECRET_THING' from ../.env.example is missing from ../.env (env_file of 'backend')" in out
    assert str(tmp_path) not in out
