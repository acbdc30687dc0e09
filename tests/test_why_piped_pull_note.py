"""The stderr note of `up ... 2>&1 | doctor why` after an `up` that created no container says so.

After a failed pull (`image: postgres:19`, a tag no registry has; with no registry reachable the engine's DNS failure
is the same shape), `docker compose up 2>&1 | doctor why -` said on stderr that the piped text "names no project (its
containers have a `container_name:`, ...)", though the project has no `container_name:`: `up` created no container,
network or volume, so none of their names carries the project's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from why_run import run_why

PREFIX = os.environ.get("DOCTOR_TEST_PROJECT_PREFIX", "doctor-test-")
COMPOSE = "services:\n  db:\n    image: {image}\n  web:\n    image: busybox\n    depends_on: [db]\n"
# `docker compose up -d` of that project as compose v2.40 wrote it, the registry not reachable
LOOKUP = ('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: '
          "no such host")
UP = f" db Pulling \n db Error {LOOKUP}\nError response from daemon: {LOOKUP}\n"
NOTE = ("doctor: the piped output names no project (compose stopped before creating any container, network or volume, "
        "whose names would carry it): read as project '{name}', from the folder's name; an `up -p X` was project X: "
        "give `doctor why -p X`")


def test_a_failed_pull_is_said_to_have_created_nothing(tmp_path: Path) -> None:
    root = tmp_path / "pull"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE.format(image="postgres:19"))
    done = run_why(root, UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert NOTE.format(name="pull") in done.stderr, done.stderr
    assert "container_name" not in done.stderr, done.stderr
    assert "✗ db   failed, in the piped output" in done.stdout, done.stdout


def test_containers_with_a_container_name_keep_their_note(tmp_path: Path) -> None:
    root = tmp_path / "named"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    container_name: backend\n")
    done = run_why(root, " Container backend  Creating\n Container backend  Created\nAttaching to backend\n"
                         "backend  | nc: bad address 'postgresserver'\nbackend exited with code 1\n")
    assert "names no project (its containers have a `container_name:`" in done.stderr, done.stderr


@pytest.mark.docker
def test_the_real_ups_output_piped_in(tmp_path: Path, docker_engine: str) -> None:
    """The same with the output of a real `up`, which pulls a tag no registry here has (none is reachable)."""
    run = uuid.uuid4().hex[:8]
    root = tmp_path / f"pull{run}"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE.format(image=f"doctor-test/absent-{run}:19"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    name = f"{PREFIX}{run}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=root, capture_output=True,
                            text=True, timeout=180, env=env)
        assert up.returncode != 0, up
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-"], cwd=root, input=up.stdout + up.stderr,
                              capture_output=True, text=True, timeout=120, env=env)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=root,
                       capture_output=True, timeout=120, env=env)
    assert NOTE.format(name=f"pull{run}") in done.stderr, (up.stderr, done.stderr)
