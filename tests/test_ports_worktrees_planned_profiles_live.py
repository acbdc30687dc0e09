"""Another worktree's stack counts with the profiles its `up` enables, and only when a service of it runs.

The main worktree runs `up -d web` (no profile); track B's `.env` sets COMPOSE_PROFILES=tools, so B's pgadmin
(profile tools) is one of B's services. Doctor read the main worktree's model with every profile on, and
warned in B that pgadmin's port was published by worktree 'repo', which never starts pgadmin. And a
`docker compose run -d --rm web sleep 120` alone in the main worktree (a one-off that publishes nothing)
counted as its stack running: B was warned for web. Now the sibling's profiles are its own `.env`'s
COMPOSE_PROFILES and those of the services it runs, and a stack counts only with a container `up` started.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from ci_images import StandIn, ensure
from test_ports_worktrees_live import free_ports, git

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

pytestmark = pytest.mark.docker

COMPOSE = ('services:\n  web:\n    image: {image}\n    ports: ["{web}:80"]\n'
           '  pgadmin:\n    image: {image}\n    profiles: [tools]\n    ports: ["{tools}:80"]\n')


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> str:
    """A stand-in serving plain HTTP until stopped (ci_images), under its doctor-only name."""
    return ensure(docker_engine, busybox_image, [StandIn("ports-planned", (80,))])["ports-planned"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    return {**env, "XDG_STATE_HOME": str(tmp_path / "state")}


def _tracks(tmp_path: Path, image: str, web: int, tools: int) -> tuple[Path, Path]:
    """A repo whose compose.yaml publishes web and pgadmin (profile tools), a worktree track-b beside it; each
    with an untracked `.env` naming a project of its own, B's enabling the tools profile."""
    run = uuid.uuid4().hex[:8]
    a, b = tmp_path / "repo", tmp_path / "track-b"
    a.mkdir()
    (a / "compose.yaml").write_text(COMPOSE.format(image=image, web=web, tools=tools))
    (a / ".gitignore").write_text(".env\n")
    git(a, "init", "-q", "-b", "main")
    git(a, "add", ".")
    git(a, "commit", "-q", "-m", "copy")
    git(a, "worktree", "add", "-q", "-b", "track-b", str(b))
    (a / ".env").write_text(f"COMPOSE_PROJECT_NAME=doctor-test-{run}-a\n")
    (b / ".env").write_text(f"COMPOSE_PROJECT_NAME=doctor-test-{run}-b\nCOMPOSE_PROFILES=tools\n")
    return a, b


def _compose(docker: str, root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", *args], cwd=root, capture_output=True, text=True, timeout=180, env=env)


def _worktree_warnings(root: Path, env: dict[str, str]) -> list[str]:
    run = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=("port-collision",), env=env),
                    load_registry())
    return [f.message for r in run.report.results for f in r.findings if "published by worktree" in f.message]


def test_a_profile_the_other_worktree_does_not_enable_is_not_a_clash_to_come(tmp_path: Path, docker_engine: str,
                                                                            image: str) -> None:
    web, tools = free_ports(2)
    a, b = _tracks(tmp_path, image, web, tools)
    env = _env(tmp_path)
    try:
        up = _compose(docker_engine, a, env, "up", "-d", "web")
        assert up.returncode == 0, up.stderr
        assert _worktree_warnings(b, env) == []  # the main worktree's `up` never starts pgadmin
        # its own .env enabling tools: its next `up` starts pgadmin on the port B's pgadmin publishes
        (a / ".env").write_text((a / ".env").read_text() + "COMPOSE_PROFILES=tools\n")
        assert _worktree_warnings(b, env) == [
            f"0.0.0.0:{tools}/tcp ('pgadmin') is also published by worktree 'repo' (service 'pgadmin'), whose stack "
            "runs: both cannot run at once"]
    finally:
        _compose(docker_engine, a, env, "--profile", "*", "down", "-v", "-t", "0")  # a profile's service too


def test_a_one_off_run_container_alone_is_no_running_stack(tmp_path: Path, docker_engine: str, image: str) -> None:
    web, tools = free_ports(2)
    a, b = _tracks(tmp_path, image, web, tools)
    env = _env(tmp_path)
    started = ""
    try:
        run = _compose(docker_engine, a, env, "run", "-d", "--rm", "web", "sleep", "120")
        assert run.returncode == 0, run.stderr
        started = run.stdout.strip().splitlines()[-1]
        assert _worktree_warnings(b, env) == []  # nothing of the main worktree's stack is up
        up = _compose(docker_engine, a, env, "up", "-d", "pgadmin")  # now a service of it runs: web is to come
        assert up.returncode == 0, up.stderr
        assert [m for m in _worktree_warnings(b, env) if "('web')" in m] == [
            f"0.0.0.0:{web}/tcp ('web') is also published by worktree 'repo' (service 'web'), whose stack "
            "runs: both cannot run at once"]
    finally:
        if started:
            subprocess.run([docker_engine, "rm", "-f", started], capture_output=True, timeout=60)
        _compose(docker_engine, a, env, "--profile", "*", "down", "-v", "-t", "0")  # a profile's service too


def test_docker_django_example_main_worktree_running_postgres_alone_publishes_no_web(
        tmp_path: Path, docker_engine: str, image: str) -> None:
    """The replay: the main worktree's `.env` enables postgres and redis only and runs postgres; track B's web
    on the committed 127.0.0.1:P1 is not a clash to come (the main worktree's `up` never starts web), nor is
    it while a one-off `run web` of the main worktree is all that runs there."""
    from test_ports_worktrees_planned_env_live import _tracks as django_tracks

    (web,) = free_ports(1)
    a, b = django_tracks(tmp_path, image, web)
    env = {k: v for k, v in _env(tmp_path).items() if k != "DOCKER_WEB_PORT_FORWARD"}
    dotenv = (a / ".env").read_text()
    assert "COMPOSE_PROFILES=postgres,redis,web,worker" in dotenv
    (a / ".env").write_text(dotenv.replace("PROFILES=postgres,redis,web,worker", "PROFILES=postgres,redis"))
    started = ""
    try:
        up = _compose(docker_engine, a, env, "up", "-d", "postgres")
        assert up.returncode == 0, up.stderr
        assert _worktree_warnings(b, env) == []
        _compose(docker_engine, a, env, "--profile", "*", "down", "-v", "-t", "0")
        (a / ".env").write_text(dotenv)  # every profile on again, but only a one-off runs
        run = _compose(docker_engine, a, env, "run", "-d", "--rm", "--no-deps", "web", "sleep", "120")
        assert run.returncode == 0, run.stderr
        started = run.stdout.strip().splitlines()[-1]
        assert _worktree_warnings(b, env) == []
    finally:
        if started:
            subprocess.run([docker_engine, "rm", "-f", started], capture_output=True, timeout=60)
        _compose(docker_engine, a, env, "--profile", "*", "down", "-v", "-t", "0")
