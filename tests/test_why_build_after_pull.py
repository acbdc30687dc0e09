"""`docker compose up 2>&1 | doctor why` on a failed build of a service with both `image:` and `build:`: the pull
compose tried first is no cause.

Before (whyports audit, compose v2.40.3, no registry reachable): compose first pulls the image a service names
(` app Pulling`, ` app Warning Get "https://registry-1.docker.io/v2/": ... no such host`), then builds it, and the
build failed (`COPY requirements.txt` of a file the context lacks; a `RUN` exiting 1). `doctor why` listed under
`✗ app  build failed, in the piped output` a second symptom, the pull warning, meaning "the engine could not pull the
image from its registry" with its look-at (`docker pull IMAGE`), though README says a failed build blames no image
pull: compose built the image instead, and only the build failed. Now the build's line is app's one symptom.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from why_run import run_why

COMPOSE = """\
services:
  app:
    build: .
    image: doctor-test/whyports-build-{run}
"""

# compose v2.40.3's output, as captured on this project (engine 20.10, no buildx, no registry reachable)
PULLED = (' app Pulling \n app Warning Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io '
          "on 10.255.255.53:53: no such host\n"
          'time="2026-12-06T13:07:43Z" level=warning msg="Docker Compose is configured to build using Bake, but buildx '
          'isn\'t installed"\n')
UP_LOG = PULLED + """\
#0 building with "default" instance using docker driver

#1 [app internal] load build definition from Dockerfile
#1 transferring dockerfile: 111B done
#1 DONE 0.1s

#2 [app internal] load .dockerignore
#2 transferring context: 2B done
#2 DONE 0.1s

#3 [app internal] load metadata for docker.io/library/doctor-busybox:test
#3 DONE 0.0s

#4 [app 1/2] FROM docker.io/library/doctor-busybox:test
#4 DONE 0.0s

#5 [app internal] load build context
#5 transferring context: 2B done
#5 DONE 0.0s

#6 [app 2/2] COPY requirements.txt /app/
#6 ERROR: "/requirements.txt" not found: not found
------
 > [app 2/2] COPY requirements.txt /app/:
------
failed to solve: failed to compute cache key: "/requirements.txt" not found: not found
"""


def _assert_build_alone(out: str) -> None:
    assert "✗ app  build failed, in the piped output" in out, out
    assert out.count("    symptom  ") == 1, out
    assert "registry-1.docker.io" not in out and "could not pull the image" not in out, out


def test_the_pull_compose_tried_before_the_build_is_no_symptom(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(run="x"))
    (tmp_path / "Dockerfile").write_text("FROM doctor-busybox:test\nCOPY requirements.txt /app/\n")
    done = run_why(tmp_path, UP_LOG)
    assert done.returncode == 1, done
    _assert_build_alone(done.stdout)
    assert '    symptom  failed to solve: failed to compute cache key: "/requirements.txt" not found' in done.stdout


@pytest.mark.docker
def test_a_real_failed_build_after_a_pull_names_the_build_alone(tmp_path: Path, docker_engine: str,
                                                                busybox_image: str) -> None:
    run = uuid.uuid4().hex[:8]
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(run=run))
    (tmp_path / "Dockerfile").write_text(f"FROM {busybox_image}\nRUN echo installing && false\n")
    name = f"doctor-h-whyports-{run}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env=env)
        text = up.stdout + up.stderr
        assert up.returncode != 0 and "app Pulling" in text, text  # compose tried the pull first
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, input=text, env=env)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "--rmi", "local"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done
    _assert_build_alone(done.stdout)
