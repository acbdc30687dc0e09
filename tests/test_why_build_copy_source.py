"""`docker compose up 2>&1 | doctor why` on a build that stopped at a COPY of a file the build context lacks: the
look-at is that COPY, at its Dockerfile line.

Before (fixW audit, engine 20.10, compose v2.40.3): the symptom `failed to solve: failed to compute cache key:
"/requirements.txt" not found: not found` got 'look at  the build's own output above this line: `docker compose build
app`', naming no line of the Dockerfile. Now it is `docker/app.Dockerfile:5  its `COPY requirements.txt ./` (stage
'deps'): the build context (.) has no requirements.txt ...`: the COPY/ADD of that source in the stages the service's
build reaches, in the Dockerfile its build.context and build.dockerfile name, for BuildKit's words, newer BuildKit's
`"/requirements.txt": not found`, its step `COPY requirements.txt ./: not found` and the classic builder's `stat
requirements.txt: file does not exist`; a source the .dockerignore leaves out is said so.
"""

from __future__ import annotations

import json
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
    build:
      context: {context}
      dockerfile: {dockerfile}
    image: doctor-test/fixw-copy-{run}
"""

# a multi-stage Dockerfile: the final stage copies from 'deps', whose COPY lacks its source
DOCKERFILE = """\
FROM {image} AS base
WORKDIR /app

FROM base AS deps
COPY requirements.txt ./
RUN true

FROM base
COPY --from=deps /app /app
COPY app.py ./
"""

STEPS = """\
#1 [app internal] load build definition from Dockerfile
#1 DONE 0.0s
#6 [app deps 1/2] COPY requirements.txt ./
#6 ERROR: "/requirements.txt" not found: not found
------
 > [app deps 1/2] COPY requirements.txt ./:
------
"""


def _project(root: Path, image: str = "doctor-busybox:test", context: str = ".",
             dockerfile: str = "docker/app.Dockerfile") -> Path:
    (root / "compose.yaml").write_text(COMPOSE.format(context=context, dockerfile=dockerfile,
                                                      run=uuid.uuid4().hex[:8]))
    where = (root / context / dockerfile).resolve()
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(DOCKERFILE.format(image=image))
    return root


def _look_at(stdout: str) -> dict[str, object]:
    [finding] = [f for f in json.loads(stdout)["findings"] if f["check"] == "why"]
    return finding


@pytest.mark.docker
def test_a_real_failed_build_points_at_its_copy(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    root = _project(tmp_path, busybox_image)
    (root / "app.py").write_text("print('hi')\n")
    (root / "docker" / "requirements.txt").write_text("flask\n")  # beside the Dockerfile, not in the context
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=root, capture_output=True,
                            text=True, timeout=300, env=env)
        assert up.returncode != 0 and "requirements.txt" in up.stderr, up
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=root, capture_output=True,
                              text=True, timeout=120, env=env, input=up.stdout + up.stderr)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0", "--rmi", "local"], cwd=root,
                       capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done
    assert ("look at  docker/app.Dockerfile:5  its `COPY requirements.txt ./` (stage 'deps'): the build context (.) "
            "has no requirements.txt") in done.stdout, done.stdout


@pytest.mark.parametrize("line", [
    'failed to solve: failed to compute cache key: "/requirements.txt" not found: not found',
    'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 9c1f::x7: '
    '"/requirements.txt": not found',
    "target app: failed to solve: COPY requirements.txt ./: not found",
    "Service 'app' failed to build: COPY failed: file not found in build context or excluded by .dockerignore: "
    "stat requirements.txt: file does not exist",
])
def test_each_builder_s_words_with_context_and_dockerfile(tmp_path: Path, line: str) -> None:
    # the context is backend/, the Dockerfile beside it in docker/: named from the project as preflight names it
    root = _project(tmp_path, context="backend", dockerfile="../docker/Dockerfile")
    (root / "backend").mkdir(exist_ok=True)
    done = run_why(root, STEPS + line + "\n", "--format", "json")
    assert done.returncode == 1, done
    finding = _look_at(done.stdout)
    assert (finding["file"], finding["line"]) == ("docker/Dockerfile", 5), finding
    assert ("its `COPY requirements.txt ./` (stage 'deps'): the build context (backend) has no requirements.txt"
            in str(finding["message"])), finding


def test_a_source_the_dockerignore_leaves_out(tmp_path: Path) -> None:
    root = _project(tmp_path, dockerfile="Dockerfile")
    (root / "requirements.txt").write_text("flask\n")
    (root / ".dockerignore").write_text("*.txt\n")
    done = run_why(root, STEPS + 'failed to solve: failed to compute cache key: "/requirements.txt" not found: '
                   "not found\n")
    assert done.returncode == 1, done
    assert ("look at  Dockerfile:5  its `COPY requirements.txt ./` (stage 'deps'): ./requirements.txt is in the "
            "build context, but its .dockerignore leaves it out") in done.stdout, done.stdout


def test_a_source_no_copy_names_keeps_the_build_s_output(tmp_path: Path) -> None:
    root = _project(tmp_path, dockerfile="Dockerfile")
    done = run_why(root, STEPS + 'failed to solve: failed to compute cache key: "/other.txt" not found: not found\n')
    assert done.returncode == 1, done
    assert "look at  the build's own output above this line: `docker compose build app`" in done.stdout, done.stdout
