"""`doctor why` on a container that wrote where it may not: `Read-only file system` names the setting that made it so.

Before (whyports audit, engine 20.10, compose v2.40.3): a service with `volumes: ["./data:/data:ro"]` whose command
writes /data/state.txt exited 1 with busybox's `sh: can't create /data/state.txt: Read-only file system`; `doctor
why` answered "no signature of doctor's reads it", `look at  docker compose -p ... logs app` (the log it had just
quoted). Now the `read-only` signature reads it, and the look-at is the read-only mount whose target holds the path
the line names, at its compose line (the deepest one), else the service's `read_only: true` at its line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import readings

COMPOSE = """\
services:
  app:
    image: {image}
    command: ["sh", "-c", "echo started > /data/state.txt && sleep 30"]
    volumes:
      - ./data:/data:ro
  cache:
    image: {image}
    command: ["sh", "-c", "touch /srv/cache/x && sleep 30"]
    volumes:
      - ./conf:/srv
      - type: bind
        source: ./cache
        target: /srv/cache
        read_only: true
  worker:
    image: {image}
    read_only: true
    command: ["sh", "-c", "mkdir /work && sleep 30"]
"""


@pytest.mark.parametrize("line", [
    "sh: can't create /data/state.txt: Read-only file system",
    "OSError: [Errno 30] Read-only file system: '/data/state.txt'",
    "Error: EROFS: read-only file system, open '/data/state.txt'",
])
def test_the_signature_reads_each_runtime_s_words(line: str) -> None:
    assert [s.id for s in readings(line, BUILTIN)] == ["read-only"]


@pytest.mark.docker
def test_each_failed_service_names_what_made_its_path_read_only(tmp_path: Path, docker_engine: str,
                                                                busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    for folder in ("data", "conf", "cache"):
        (tmp_path / folder).mkdir()
    name = f"doctor-h-whyports-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=180, env=env)
        assert up.returncode == 0, up
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until the three have exited
            ps = subprocess.run([docker_engine, "compose", "-p", name, "ps", "-a", "--status", "exited", "-q"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
            if len(ps.stdout.split()) == 3:
                break
            time.sleep(0.5)
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done
    out = done.stdout
    assert "    symptom  sh: can't create /data/state.txt: Read-only file system" in out, out
    assert "    look at  compose.yaml:6  its mount `./data:/data:ro`, read-only: " in out, out
    # the deeper read-only bind holds /srv/cache/x, not the read-write ./conf at /srv
    assert "    look at  compose.yaml:12  its mount of ./cache at /srv/cache, read-only: " in out, out
    assert "    look at  compose.yaml:18  its `read_only: true`, which makes the container's own filesystem" in out, out
    assert "no signature of doctor's reads it" not in out, out
    assert out.count("3 services failed") == 1, out


@pytest.mark.parametrize("line", [
    "sysctl: error setting key 'vm.overcommit_memory': Read-only file system",
    "sh: can't create /proc/sys/vm/overcommit_memory: Read-only file system",
    "OSError: [Errno 30] Read-only file system: '/proc/sys/net/core/somaxconn'",
])
def test_a_kernel_parameter_written_in_a_container_is_no_read_only_mount(line: str) -> None:
    # a review of e5dc2e9c: `sysctl -w` in a service with a `:ro` mount was blamed on the mount
    assert [s.id for s in readings(line, BUILTIN)] == ["kernel-setting"]


@pytest.mark.docker
def test_a_sysctl_write_at_start_names_the_start_not_the_mounts(tmp_path: Path, docker_engine: str,
                                                               busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  cache:\n    image: {busybox_image}\n"
        '    command: ["sh", "-c", "set -e; sysctl -w vm.overcommit_memory=1; echo started"]\n'
        "    volumes:\n      - ./data:/data:ro\n")
    (tmp_path / "data").mkdir()
    name = f"doctor-h-kernel-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=180, env=env)
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=env)
    assert "Read-only file system" in up.stdout + up.stderr, up
    out = done.stdout
    assert "sysctl: error setting key 'vm.overcommit_memory': Read-only file system" in out, out
    assert "the process set a kernel parameter" in out, out
    assert "`sudo sysctl -w KEY=VALUE`" in out, out
    assert "a mount the service makes read-only" not in out and "its mount `./data:/data:ro`" not in out, out
