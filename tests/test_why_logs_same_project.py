"""Every `docker compose logs` that `doctor why` prints names the project, as its other log commands do.

Before (fixW audit, engine 20.10, compose v2.40.3): in a folder whose name is the project (a plain `docker compose up
-d`), a service in a restart loop got 'look at  the first error in `docker compose logs api`: the loop only repeats it'
beside 'look at  docker compose -p doctor-h-fixw-... logs api' two lines below: the signature's command was written
with compose's words (bare where compose finds the project by itself) and the log look-at with `-p NAME` always. Now a
`logs` command a signature quotes is written as every log command of the report is, with `-p NAME`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from doctor.why.advice import in_project
from doctor.why.diagnose import Words

COMPOSE = """\
services:
  api:
    image: {image}
    restart: always
    command: ["sh", "-c", "echo 'config missing: /etc/api.toml'; exit 3"]
  web:
    image: {image}
    command: ["sh", "-c", "echo boom; exit 1"]
"""


@pytest.mark.docker
def test_a_restart_loop_s_logs_name_the_project(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    root = tmp_path / name  # the folder's name is the project's: `up` needs no -p here
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=root, capture_output=True, text=True,
                            timeout=180, env=env)
        assert up.returncode == 0, up
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the loop is one
            count = subprocess.run([docker_engine, "inspect", "--format", "{{.RestartCount}}", f"{name}-api-1"],
                                   capture_output=True, text=True, timeout=60)
            if count.stdout.strip().isdigit() and int(count.stdout) >= 4:
                break
            time.sleep(0.5)
        done = subprocess.run([sys.executable, "-m", "doctor", "why"], cwd=root, capture_output=True, text=True,
                              timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0"], cwd=root, capture_output=True,
                       timeout=120, env=env)
    assert done.returncode == 1, done
    assert f"look at  the first error in `docker compose -p {name} logs api`" in done.stdout, done.stdout
    commands = re.findall(r"docker compose\b[^`\n]*\blogs\b", done.stdout)
    assert commands and all(c.startswith(f"docker compose -p {name} ") for c in commands), commands


def test_every_signature_s_logs_command_names_the_project() -> None:
    from doctor.why import load_signatures
    from doctor.why.piped_exits import BUILD_FAILED, EXITED, EXITED_LOG, EXITED_UNHEALTHY, EXITED_UNNAMED

    signatures, errors = load_signatures()
    assert not errors
    texts = [t for s in (*signatures, BUILD_FAILED, EXITED, EXITED_LOG, EXITED_UNHEALTHY, EXITED_UNNAMED)
             for t in (s.look_at, s.advice) if "`docker compose logs" in t]
    assert texts  # the restart loop's at least
    for words, said in ((Words(name="shop"), "docker compose -p shop logs"),
                        (Words("docker compose -p track-b -f other.yml", "-p track-b -f other.yml", "track-b"),
                         "docker compose -p track-b -f other.yml logs")):
        for text in texts:
            written = in_project(text, words)
            assert "`docker compose logs" not in written and said in written, written
