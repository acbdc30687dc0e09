"""`docker compose -p B up 2>&1 | doctor why` where every service has a `container_name:` and another project ran in
this folder too.

temporalio/docker-compose (tests/replay/temporal-docker-compose): each service a `container_name:`, the network its
own `name:`, anonymous volumes only, so no name in `up`'s output carries the project. Run here as `-p A up -d
postgresql`, then `-p B up -d`, which made temporal-elasticsearch and stopped at `The container name
"/temporal-postgresql" is already in use` (A's). Piped to `doctor why` without -p, it said "`up` ran in this folder
as A, B: give the one that failed with -p" (exit 2), where the containers the output shows `up` making are B's, as
their labels say: it now reads B, and names A's container as the cause.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from test_why_live import compose, free_port
from test_why_live import image as image  # the stand-in image fixture, tagged per test
from why_run import run_why

pytestmark = pytest.mark.docker

REPLAY = Path(__file__).parent / "replay" / "temporal-docker-compose"


def _copy(tmp_path: Path, image: str, run: str) -> Path:
    """The replay with its images the stand-in, its container and network names this run's own, free host ports."""
    import re

    root = tmp_path / "temporal"
    shutil.copytree(REPLAY, root)
    text = (root / "docker-compose.yml").read_text()
    serve = """command: ["sh", "-c", 'trap "exit 0" TERM; sleep 300 & wait']"""
    text = re.sub(r"image: \S+", f"image: {image}\n    {serve}", text)
    text = re.sub(r"container_name: (\S+)", rf"container_name: {run}-\1", text)
    text = text.replace("name: temporal-network", f"name: {run}-temporal-network")
    text = text.replace("- 7233:7233", f"- {free_port()}:7233").replace("- 8080:8080", f"- {free_port()}:8080")
    # B's `up` makes elasticsearch before it meets A's postgresql, whatever the machine's load: created side by side,
    # a busy engine could refuse postgresql's name before elasticsearch existed, leaving B no container at all (a
    # fresh clone's run beside a CI run met it); A starts postgresql alone (--no-deps)
    text = text.replace("  postgresql:\n", "  postgresql:\n    depends_on: [elasticsearch]\n", 1)
    (root / "docker-compose.yml").write_text(text)
    return root


def test_the_containers_up_made_name_the_project(tmp_path: Path, docker_engine: str, image: str) -> None:
    run = f"doctor-test-{uuid.uuid4().hex[:8]}"
    first, second = f"{run}-a", f"{run}-b"
    root = _copy(tmp_path, image, run)
    try:
        assert compose(docker_engine, root, first, "up", "-d", "--no-deps", "postgresql").returncode == 0
        up = compose(docker_engine, root, second, "up", "-d")
        assert up.returncode != 0 and f'The container name "/{run}-temporal-postgresql" is already in use' in up.stderr
        engine = {"DOCKER_HOST": os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")}
        done = run_why(root, up.stdout + up.stderr, env=engine)
        assert "Traceback" not in done.stderr and "give the one that failed with -p" not in done.stderr, done.stderr
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.startswith(f"doctor why . (compose project '{second}')"), done.stdout
        assert f"are of '{second}': reading that project's containers" in done.stderr, done.stderr
        assert f"is taken by a running container of project '{first}'" in done.stdout, done.stdout
    finally:
        for name in (second, first):
            compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
