"""Live: worktrees whose compose file names the project (`name: 'wild-workouts'`, ThreeDotsLabs/wild-workouts)
beside a `.env` git tracks. Track A up; preflight in track B said compose project 'NAME' already runs from
track A, and its advice gave the wrong reason: `export COMPOSE_PROJECT_NAME=NAME-b (the .env git tracks names
every checkout alike)`, though that .env names no project: the compose file's top-level `name:` does (and
COMPOSE_PROJECT_NAME wins over it). The reason now names it: "`name:` in docker-compose.yml names every
checkout alike; git tracks the .env"; a tracked .env that sets COMPOSE_PROJECT_NAME is still named as before."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_ports_worktrees_live import compose, fixture_repo, free_ports, git, image

pytestmark = pytest.mark.docker
__all__ = ["image"]  # the fixture, used by name


def _preflight(root: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "port-collision", str(root)],
                          capture_output=True, text=True, timeout=120, env={**env, "COLUMNS": "400"})
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("where", ["name", "dotenv"])
def test_the_advice_names_what_gives_every_checkout_one_project_name(tmp_path: Path, docker_engine: str,
                                                                     image: str, where: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    main, second = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    project = f"doctor-test-named-{run}"
    fixture_repo(main, image, web, api, tracked_env=True)
    if where == "name":
        (main / "compose.yaml").write_text(f"name: '{project}'\n" + (main / "compose.yaml").read_text())
    else:
        (main / ".env").write_text((main / ".env").read_text() + f"COMPOSE_PROJECT_NAME={project}\n")
    git(main, "commit", "-qam", "one name")
    git(main, "worktree", "add", "-q", "-b", "track-b", str(second))
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "WEB_PORT"):
        env.pop(name, None)
    try:
        up = subprocess.run(["docker", "compose", "up", "-d"], cwd=main, capture_output=True, text=True, timeout=180,
                            env=env)
        assert up.returncode == 0, up.stderr
        text = _preflight(second, env)
        assert f"compose project '{project}' already runs from {main}" in text, text
        if where == "name":
            # the file as the console shows paths: from where doctor runs (here, outside the project: absolute)
            assert (f"(`name:` in {second / 'compose.yaml'} names every checkout alike; git tracks the .env), or -p "
                    "on each compose command") in text, text
            assert "the .env git tracks names every checkout alike" not in text, text
        else:
            assert "(the .env git tracks names every checkout alike), or -p on each compose command" in text, text
    finally:
        compose(docker_engine, main, "-p", project, "down", "-v", "-t", "0")
