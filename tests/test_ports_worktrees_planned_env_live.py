"""docker-django-example in two worktrees, live: the other worktree's ports are its own, not our shell's.

Its web publishes `"${DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}:${PORT:-8000}"`; each worktree has its own
untracked `.env` (COMPOSE_PROJECT_NAME of its own). The main worktree's `.env` puts web on P1 and runs it;
track B's shell exports DOCKER_WEB_PORT_FORWARD=127.0.0.1:P2, as doctor's move advises. Doctor read the main
worktree's model with B's shell, so it saw the main worktree publish P2 and warned that B's P2 was published by
worktree 'repo'; moved to 20000, it warned again for 20000: the fix never settled. Now a running container's
ports are the engine's bindings, a service not started is read with that worktree's files alone, and a
stopped stack runs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from ci_images import StandIn, ensure
from test_ports_worktrees_live import free_ports, git

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

pytestmark = pytest.mark.docker

REPLAY = Path(__file__).parent / "replay" / "docker-django-example"
OVERRIDE = "services:\n" + "".join(f"  {name}:\n    image: {{image}}\n{extra}" for name, extra in (
    ("web", "    build: !reset null\n"), ("worker", "    build: !reset null\n"), ("postgres", ""), ("redis", "")))


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> str:
    """A stand-in serving plain HTTP until stopped (ci_images), under its doctor-only name."""
    return ensure(docker_engine, busybox_image, [StandIn("ports-planned", (80,))])["ports-planned"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_") and k != "DOCKER_WEB_PORT_FORWARD"}
    return {**env, "XDG_STATE_HOME": str(tmp_path / "state"), **extra}


def _tracks(tmp_path: Path, image: str, web: int) -> tuple[Path, Path]:
    """The replay copy as a repo, a worktree track-b beside it; each with its `.env` (from `.env.example`,
    a project name of its own) and the git-ignored docker-compose.override.yml putting the stand-in in."""
    run = uuid.uuid4().hex[:8]
    a, b = tmp_path / "repo", tmp_path / "track-b"
    shutil.copytree(REPLAY, a, ignore=shutil.ignore_patterns("SOURCE.md"))
    git(a, "init", "-q", "-b", "main")
    git(a, "add", ".")
    git(a, "commit", "-q", "-m", "copy")
    git(a, "worktree", "add", "-q", "-b", "track-b", str(b))
    for root in (a, b):
        lines = (root / ".env.example").read_text().splitlines()
        values = {"COMPOSE_PROJECT_NAME": f"doctor-test-{run}-{root.name}",
                  "COMPOSE_PROFILES": "postgres,redis,web,worker", "DOCKER_WEB_PORT_FORWARD": f"127.0.0.1:{web}"}
        out = [next((f"export {k}={v}" for k, v in values.items() if line.startswith(f"export {k}=")), line)
               for line in lines]
        (root / ".env").write_text("\n".join(out) + "\n")
        (root / "docker-compose.override.yml").write_text(OVERRIDE.format(image=image))
    assert git(b, "status", "--porcelain") == ""  # both git-ignored, as the project's .gitignore has them
    return a, b


def _compose(docker: str, root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", *args], cwd=root, capture_output=True, text=True, timeout=180, env=env)


def _worktree_warnings(root: Path, env: dict[str, str]) -> list[str]:
    run = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=("port-collision",), env=env),
                    load_registry())
    return [f.message for r in run.report.results for f in r.findings if "published by worktree" in f.message]


def test_a_running_worktrees_ports_are_its_containers_not_our_shell(tmp_path: Path, docker_engine: str,
                                                                     image: str) -> None:
    p1, p2 = free_ports(2)
    a, b = _tracks(tmp_path, image, p1)
    env = _env(tmp_path)
    try:
        up = _compose(docker_engine, a, env, "up", "-d", "web")
        assert up.returncode == 0, up.stderr
        # B's shell moved web to P2, then to 20000: neither is the main worktree's (it publishes P1)
        for ours in (p2, 20000):
            shell = _env(tmp_path, DOCKER_WEB_PORT_FORWARD=f"127.0.0.1:{ours}")
            assert _worktree_warnings(b, shell) == []
    finally:
        _compose(docker_engine, a, env, "down", "-v", "-t", "0")


def test_a_service_not_started_is_read_with_its_worktrees_env_and_a_stopped_stack_runs_nothing(
        tmp_path: Path, docker_engine: str, image: str) -> None:
    p1, p2 = free_ports(2)
    a, b = _tracks(tmp_path, image, p1)
    env = _env(tmp_path)
    try:
        up = _compose(docker_engine, a, env, "up", "-d", "postgres")  # web not started: its .env says P1
        assert up.returncode == 0, up.stderr
        assert _worktree_warnings(b, _env(tmp_path, DOCKER_WEB_PORT_FORWARD=f"127.0.0.1:{p2}")) == []
        on_p1 = _env(tmp_path, DOCKER_WEB_PORT_FORWARD=f"127.0.0.1:{p1}")
        assert _worktree_warnings(b, on_p1) == [
            f"127.0.0.1:{p1}/tcp ('web') is also published by worktree 'repo' (service 'web'), whose stack runs: "
            "both cannot run at once"]
        stop = _compose(docker_engine, a, env, "stop", "-t", "0")
        assert stop.returncode == 0, stop.stderr
        assert _worktree_warnings(b, on_p1) == []  # stopped: nothing of it runs
    finally:
        _compose(docker_engine, a, env, "down", "-v", "-t", "0")
