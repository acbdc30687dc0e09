"""`docker compose up 2>&1 | doctor why` when compose refused a dependency cycle or an image reference a variable broke.

Before (whyports audit, compose v2.40.3 on engine 20.10): `dependency cycle detected: a -> b -> a` and
`unable to get image 'doctor-busybox:': Error response from daemon: no such image: doctor-busybox:: invalid reference
format` (`image: doctor-busybox:${TAG}` with TAG unset), each printed by an `up` that created nothing, were not read
as compose refusing the project: piped in, the symptom was the live wording `no container: compose created none (an
`up` that failed before creating them, or no `up` yet)`, compose's own line was quoted nowhere, each service was
listed as `- a  no container (not created)` under a count line `all 2 services failed`. Now they read as the other
refusals do: the line quoted, compose-config's cycle finding (env-drift's unset TAG) the cause, and `compose refused
the project: ... · N services not started`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.why.refused import refusal

CYCLE = """\
services:
  a:
    image: {image}
    command: sleep 30
    depends_on: [b]
  b:
    image: {image}
    command: sleep 30
    depends_on: [a]
"""

EMPTY_TAG = """\
services:
  web:
    image: doctor-busybox:${{BUSYBOX_TAG}}
    command: sleep 30
  db:
    image: {image}
    command: sleep 30
"""


def _up_then_why(root: Path, docker: str) -> tuple[str, subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_") and k != "BUSYBOX_TAG"}
    name = f"doctor-h-whyports-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([docker, "compose", "-p", name, "up", "-d", "--pull", "never"], cwd=root,
                            capture_output=True, text=True, timeout=180, env=env)
        assert up.returncode != 0, up
        text = up.stdout + up.stderr
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=root, capture_output=True,
                              text=True, timeout=120, input=text, env=env)
    finally:
        subprocess.run([docker, "compose", "-p", name, "down", "-v"], cwd=root, capture_output=True, timeout=120,
                       env=env)
    return text, done


def test_the_two_lines_are_compose_refusing_the_project() -> None:
    assert refusal("dependency cycle detected: a -> b -> a\n") == "dependency cycle detected: a -> b -> a"
    line = ("unable to get image 'doctor-busybox:': Error response from daemon: no such image: doctor-busybox:: "
            "invalid reference format")
    assert refusal(f'time="x" level=warning msg="The \\"T\\" variable is not set."\n{line}\n') == line
    # an engine that did not answer is no refusal of the project
    assert refusal("unable to get image 'postgres:16': Cannot connect to the Docker daemon at unix:///x\n") == ""


@pytest.mark.docker
def test_a_piped_dependency_cycle_is_compose_refusing_the_project(tmp_path: Path, docker_engine: str,
                                                                  busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(CYCLE.format(image=busybox_image))
    text, done = _up_then_why(tmp_path, docker_engine)
    assert "dependency cycle detected: a -> b -> a" in text, text
    out = done.stdout
    assert done.returncode == 1, done
    assert "    symptom  dependency cycle detected: a -> b -> a\n" in out, out
    assert "    cause    compose-config  compose.yaml:" in out, out
    assert "compose created none" not in out and "services failed" not in out, out
    assert out.rstrip().endswith("compose refused the project: dependency cycle detected: a -> b -> a · explained "
                                 "by compose-config · 2 services not started"), out


@pytest.mark.docker
def test_a_piped_image_reference_a_variable_left_empty_is_compose_refusing_the_project(
        tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(EMPTY_TAG.format(image=busybox_image))
    text, done = _up_then_why(tmp_path, docker_engine)
    assert "invalid reference format" in text, text
    out = done.stdout
    assert done.returncode == 1, done
    assert "    symptom  unable to get image 'doctor-busybox:': " in out, out
    assert "    cause    env-drift  compose.yaml:3\n" in out, out
    assert "'BUSYBOX_TAG' is not set and has no default" in out, out
    assert "compose created none" not in out and "services failed" not in out, out
    assert out.rstrip().endswith("compose refused the project: unable to get image 'doctor-busybox:' · explained by "
                                 "env-drift · 2 services not started"), out
