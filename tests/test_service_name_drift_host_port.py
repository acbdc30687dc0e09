"""A drifted host in a URL with the HOST port of the service meant: the fix writes its container port too.

nickjj/docker-django-example trial: `postgres` publishes `5433:5432`; `.env` has
`DATABASE_URL=postgres://hello:...@postgresserver:5433/hello`. Preflight said only "did you mean
'postgres'?"; the fix wrote `@postgres:5433`, where nothing listens inside the network, and only then
did leaked-host-port speak: a second look by hand. One fix now writes `postgres:5432`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = """\
services:
  postgres:
    image: postgres:16
    ports: ["5433:5432"]
  web:
    image: web
    env_file: [.env]
"""


def doctor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("url", "fixed"), [
    ("postgres://hello:s3cretpw@postgresserver:5433/hello", "postgres://hello:s3cretpw@postgres:5432/hello"),
    ("postgres://postgresserver:5433/hello", "postgres://postgres:5432/hello"),
    # the port is one it listens on inside (or none): the host alone is replaced, as before
    ("postgres://hello:s3cretpw@postgresserver:5432/hello", "postgres://hello:s3cretpw@postgres:5432/hello"),
    ("postgres://hello:s3cretpw@postgresserver/hello", "postgres://hello:s3cretpw@postgres/hello"),
])
def test_one_fix_writes_the_service_and_its_container_port(tmp_path: Path, url: str, fixed: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text(f"DEBUG=1\nDATABASE_URL={url}\n")
    checks = "service-name-drift,leaked-host-port"
    before = doctor(tmp_path, "preflight", "--select", checks, "--format", "json")
    (finding,) = json.loads(before.stdout)["findings"]
    assert finding["check"] == "service-name-drift" and "s3cretpw" not in before.stdout
    if "5433" in url:
        assert "by 'postgres:5432'" in finding["fix"]["title"], finding["fix"]["title"]
    done = doctor(tmp_path, "fix", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / ".env").read_text() == f"DEBUG=1\nDATABASE_URL={fixed}\n"
    after = doctor(tmp_path, "preflight", "--select", checks, "--format", "json")
    assert json.loads(after.stdout)["findings"] == [], after.stdout
