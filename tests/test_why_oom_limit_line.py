"""`doctor why` on a container the kernel killed at its memory limit names that limit's compose line.

Before (fixW audit, engine 20.10, compose v2.40.3): a service with `mem_limit: 8m` whose command grows a shell string
until it is OOM-killed (OOMKilled true, exit 137) got 'look at  mem_limit / deploy.resources.limits.memory of the
service, and the memory given to the engine (Docker Desktop settings)', naming no line. Now the look-at is the line
that sets the limit: `compose.yaml:4  its `mem_limit: 8m`, the memory the kernel killed it at: ...`, or its
`deploy.resources.limits.memory:` line, in the file that sets it last (an override); a service with no limit written
keeps the words it had (the machine's memory ran out).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

GROW = '["sh", "-c", "a=xxxxxxxxxxxxxxxx; while true; do a=\\"$$a$$a\\"; done"]'
COMPOSE = f"""\
services:
  api:
    image: {{image}}
    mem_limit: 64m
    command: {GROW}
  worker:
    image: {{image}}
    command: {GROW}
    deploy:
      resources:
        limits:
          memory: 8M
"""
OVERRIDE = """\
services:
  api:
    mem_limit: 8m
"""


@pytest.mark.docker
def test_the_limit_s_line_is_named(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    (tmp_path / "compose.override.yaml").write_text(OVERRIDE)
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=180, env=env)
        assert up.returncode == 0, up
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until both were killed
            ps = subprocess.run([docker_engine, "compose", "-p", name, "ps", "-a", "--status", "exited", "-q"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
            if len(ps.stdout.split()) == 2:
                break
            time.sleep(0.5)
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "--format", "json"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done
    found = {f["symptom"]["service"]: f for f in json.loads(done.stdout)["findings"]}
    assert set(found) == {"api", "worker"}, found
    assert (found["api"]["file"], found["api"]["line"]) == ("compose.override.yaml", 3)
    assert "look at its `mem_limit: 8m`, the memory the kernel killed it at" in found["api"]["message"]
    assert (found["worker"]["file"], found["worker"]["line"]) == ("compose.yaml", 12)
    assert "its `memory: 8M` (deploy.resources.limits)" in found["worker"]["message"]


def test_no_limit_written_keeps_the_signature_s_words(tmp_path: Path) -> None:
    from doctor.project import Project, ProjectOptions
    from doctor.why.causes import pointed_at
    from doctor.why.diagnose import Symptom
    from doctor.why.signatures import OOM_KILLED

    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    image: busybox\n")
    project = Project(ProjectOptions(path=tmp_path))
    symptom = Symptom("api", "p-api-1", "exited (137), OOMKilled", 137, "container was OOMKilled (exit 137)",
                      OOM_KILLED)
    assert pointed_at(project, symptom) == (None, "")
