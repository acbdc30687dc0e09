"""`doctor why` on a real engine: the secrets a failed stack's containers log are masked when the project
defines them outside compose's `environment`, `env_file` and `secrets:` of its active services.

One stack, brought up with `--profile worker` and asked about without it; each service logs a secret
and exits 1: the worker's env_file (a profile not turned on), a Dockerfile's `ENV`, the app's `.env.local`,
a file bound at /run/secrets (DB_PASSWORD_FILE), and a password as `printf %s` and `echo` pipe it to
`base64`. Before, `doctor why` printed every one of them in the clear.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

SECRETS = {"worker": "wk9Lq2Xp7Zm4", "built": "DockEnvPw7q", "dotenv": "Lcl8Pw2qX", "bound": "SfPw9xLq2",
           "b64": "Dbp4ssW0rdX"}
ENCODED = [base64.b64encode(b"Dbp4ssW0rdX").decode(), base64.b64encode(b"Dbp4ssW0rdX\n").decode()]


def _compose_yaml(image: str) -> str:
    return f"""\
services:
  worker:
    image: {image}
    profiles: [worker]
    env_file: .env.worker
    command: ["sh", "-c", "echo upstream rejected key $$WORKER_API_KEY; exit 1"]
  built:
    build: ./app
  dotenv:
    image: {image}
    volumes:
      - .:/app
    working_dir: /app
    command: ["sh", "-c", "echo login failed with $$(cat .env.local); exit 1"]
  bound:
    image: {image}
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_pass
    volumes:
      - ./db_pass.txt:/run/secrets/db_pass:ro
    command: ["sh", "-c", "echo auth failed using $$(cat $$DB_PASSWORD_FILE); exit 1"]
  b64:
    image: {image}
    env_file: .env
    command: ["sh", "-c", "echo sent $$(printf %s $$DB_PASSWORD | base64) and $$(echo $$DB_PASSWORD | base64); exit 1"]
"""


@pytest.fixture
def stack(tmp_path: Path, docker_engine: str, busybox_image: str) -> Iterator[tuple[Path, str]]:
    prefix = os.environ.get("DOCTOR_TEST_PROJECT_PREFIX", "doctor-test-")
    name, image = f"{prefix}known-{uuid.uuid4().hex[:8]}", f"doctor-test/known-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, image], check=True, capture_output=True)
    root = tmp_path / "stack"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(_compose_yaml(image))
    (root / "app" / "Dockerfile").write_text(
        f"FROM {image}\nENV APP_DB_PASSWORD=DockEnvPw7q\n"
        'CMD ["sh", "-c", "echo starting with db password $APP_DB_PASSWORD; exit 1"]\n')
    (root / ".env.worker").write_text("WORKER_API_KEY=wk9Lq2Xp7Zm4\n")
    (root / ".env.local").write_text("APP_DB_PASSWORD=Lcl8Pw2qX\n")  # what index.js's dotenv loads
    (root / "index.js").write_text("require('dotenv').config({ path: '.env.local' })\n")
    (root / "db_pass.txt").write_text("SfPw9xLq2\n")
    (root / ".env").write_text("DB_PASSWORD=Dbp4ssW0rdX\n")
    built = f"{name}-built"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "--profile", "worker", "up", "-d", "--build"],
                            cwd=root, capture_output=True, text=True, timeout=300)
        assert up.returncode == 0, up.stderr
        _wait_exited(docker_engine, name)
        yield root, name
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "--profile", "worker", "down", "-v", "-t", "0",
                        "--rmi", "local"], cwd=root, capture_output=True, timeout=120)
        subprocess.run([docker_engine, "rmi", image, f"{built}:latest"], capture_output=True)


def _wait_exited(docker: str, name: str) -> None:
    for _ in range(60):
        states = subprocess.run([docker, "ps", "-a", "--filter", f"label=com.docker.compose.project={name}",
                                 "--format", "{{.State}}"], capture_output=True, text=True).stdout.split()
        if len(states) == 5 and all(s == "exited" for s in states):
            return
        time.sleep(0.5)


def test_why_masks_the_secrets_the_project_defines_beyond_compose(stack: tuple[Path, str]) -> None:
    root, name = stack
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "."], cwd=root, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    for said in ("upstream rejected key ***", "starting with db password ***",
                 "login failed with APP_DB_PASSWORD=***", "auth failed using ***", "sent *** and ***"):
        assert said in out, (said, out)
    for secret in [*SECRETS.values(), *ENCODED]:
        assert secret not in out, (secret, out)
