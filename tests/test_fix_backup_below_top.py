"""`doctor fix --dry-run` on a compose folder below its checkout's top says what the run backs up.

jhipster/jhipster-sample-app (tests/replay/jhipster-sample-app) keeps its compose files in src/main/docker.
Committed, with a listener holding postgresql.yml's published port, `doctor fix --ports --dry-run -f
postgresql.yml` run there said "would back up postgresql.yml (edits git does not hold) before writing it",
while `doctor fix --ports --yes` backed up nothing: the dry run plays the run in a scratch copy of the
compose folder, which holds no .git, and asked git about the copy's file. It now asks about the project's.

The four states of the file: committed and staged edits are git's (no backup, no line); an edit not
staged and an untracked file are not (the line names why, and the run makes the copy).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPLAY = Path(__file__).parent / "replay" / "jhipster-sample-app"
PUBLISHED = "      - 127.0.0.1:5432:5432\n"
EDIT = "# my local note\n"


@pytest.fixture
def held_port() -> Iterator[int]:
    """A free port, held by a listener (as another program's postgres would hold 5432)."""
    listener = socket.socket()
    listener.bind(("0.0.0.0", 0))
    listener.listen()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def _git(top: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=top, check=True, capture_output=True, env=env, timeout=60)


def _checkout(tmp_path: Path, port: int, state: str) -> Path:
    """The replay as a git checkout, postgresql.yml publishing `port`; its compose folder."""
    top = tmp_path / "jhipster-sample-app"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    docker = top / "src" / "main" / "docker"
    compose = docker / "postgresql.yml"
    text = compose.read_text()
    assert text.count(PUBLISHED) == 1
    compose.write_text(text.replace(PUBLISHED, f"      - 127.0.0.1:{port}:5432\n"))
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    if state == "untracked":
        _git(top, "rm", "-q", "--cached", "src/main/docker/postgresql.yml")
    _git(top, "commit", "-q", "-m", "x")
    if state in ("edited", "staged"):
        with compose.open("a") as out:
            out.write(EDIT)
    if state == "staged":
        _git(top, "add", "src/main/docker/postgresql.yml")
    return docker


def _doctor(docker: Path, tmp_path: Path, *args: str) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_STATE_HOME": str(tmp_path / "xdg"), "DOCKER_HOST": "unix:///nonexistent/docker.sock",
           "DOCTOR_NO_CACHE": "1", "NO_COLOR": "1", "COLUMNS": "400"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", *args, "-f", "postgresql.yml"],
                          cwd=docker, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def _backups(tmp_path: Path) -> list[Path]:
    return sorted(p for p in (tmp_path / "xdg").rglob("*") if p.is_file())


@pytest.mark.parametrize(("state", "why"), [("committed", ""), ("staged", ""),
                                            ("edited", "edits git does not hold"),
                                            ("untracked", "not tracked by git")])
def test_the_dry_run_backs_up_what_the_run_backs_up(tmp_path: Path, held_port: int, state: str, why: str) -> None:
    docker = _checkout(tmp_path, held_port, state)
    before = (docker / "postgresql.yml").read_bytes()
    dry = _doctor(docker, tmp_path, "--dry-run")
    assert f"move 'postgresql' from host port {held_port}" in dry, dry
    assert "1 fix(es) would apply" in dry, dry
    line = f"would back up postgresql.yml ({why}) before writing it"
    assert (line in dry) is bool(why), dry
    assert ("would back up" in dry) is bool(why), dry
    assert (docker / "postgresql.yml").read_bytes() == before
    assert _backups(tmp_path) == []

    real = _doctor(docker, tmp_path, "--yes")
    assert "1 applied" in real, real
    assert (docker / "postgresql.yml").read_bytes() != before
    copies = _backups(tmp_path)
    if why:
        assert [c.name for c in copies] == ["postgresql.yml"], real
        assert copies[0].read_bytes() == before
        assert f"backed up postgresql.yml ({why})" in real, real
    else:
        assert copies == [], real
        assert "backed up" not in real, real
