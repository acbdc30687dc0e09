"""`doctor why` after `docker compose down`: the containers, their state and their logs are gone, and so is the name.

Run with compose v2.40.3: `docker compose -p whymore-s1-4076 up -d` of a db and an app whose entrypoint exits 1,
then `docker compose -p whymore-s1-4076 down`. `doctor why` in the folder said "project 'silent' has no container on
the engine (run 'docker compose up' first)", as if `up` had never run, with no word that 'silent' is only the folder's
name; with `up -d`'s output piped in ("shows no service that failed"), it advised `ps -a`, which shows nothing after
`down`. It now says `up` has not run, or `down` (or `rm`) removed the containers and their logs, where the name it
looked for comes from and that an `up -p X` wants `-p X`, and to run `up` again and ask while the containers are there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_why_live import compose

COMPOSE = """\
services:
  db:
    image: {image}
    command: ["sleep", "300"]
  app:
    image: {image}
    depends_on: [db]
    entrypoint: ["sh", "-c", "exit 1"]
"""


def _why(root: Path, *args: str, text: str = "") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args], cwd=root, capture_output=True, text=True,
                          timeout=120, input=text, env=environ)


@pytest.mark.docker
def test_why_after_down_says_the_containers_are_gone(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    root = tmp_path / "silent"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        compose(docker_engine, root, name, "down")
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans")
    done = _why(root)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert ("doctor: project 'silent' (the folder's name; an `up -p X` here was project X: give `doctor why -p X`) "
            "has no container on the engine: 'docker compose up' has not run for it, it stopped before creating one "
            "(its error says why: pipe that output in, `docker compose up -d 2>&1 | doctor why` or `doctor why < "
            "up.log`), or `docker compose down` (or `rm`) removed its containers and their logs") in done.stderr, (
        done.stderr)
    done = _why(root, "-p", name)
    assert "the folder's name" not in done.stderr and (
        f"run 'docker compose -p {name} up' first, then ask `doctor why -p {name}` while they are there") in (
        done.stderr), done.stderr
    done = _why(root, text=up.stderr)  # `up -d 2>&1 | tee up.log`: every container started, none failed in it
    assert done.returncode == 2, done.stderr
    assert ("its containers, which would say, are gone (`docker compose down` and `rm` remove them and their logs): "
            f"run `docker compose -p {name} up` again and ask `doctor why -p {name}` while they are there") in (
        done.stderr), done.stderr
