"""volume-shadowing's fix for a stale *named* volume, on mathesar's dev layout.

mathesar-foundation/mathesar (GPL-3.0) docker-compose.dev.yml: `dev-service` builds the `development`
stage (`WORKDIR /code/`, `RUN cd mathesar_ui && npm ci`) and mounts `ui_node_modules:/code/mathesar_ui/
node_modules/` beside `mathesar_secrets:/code/.secrets/`. After a lockfile change and a rebuild the
volume keeps the old node_modules; the fix was `docker volume rm`, which the engine refuses while the
service's container exists, running or stopped ("volume is in use"): `doctor fix` failed every time.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

DOCKERFILE = "FROM {base} AS development\nWORKDIR /code/\nRUN cd mathesar_ui && npm ci && cd ..\n"
COMPOSE = """name: {name}
services:
  dev-service:
    build:
      context: .
      target: development
    image: {image}
    command: ["sleep", "600"]
    volumes:
      - ui_node_modules:/code/mathesar_ui/node_modules/
      - mathesar_secrets:/code/.secrets/
volumes:
  ui_node_modules:
  mathesar_secrets:
"""


def _stale(project: Path, env: dict[str, str]) -> list[Finding]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project), "DOCTOR_NO_CACHE": "1", **env}
    options = ProjectOptions(path=project, env=env)
    report = preflight(RunOptions(project=options, select=("volume-shadowing",), env=env), load_registry()).report
    return [f for f in report.findings if f.subject.endswith(":stale")]


def _mathesar(tmp_path: Path, name: str, image: str, base: str = "node:20") -> Path:
    project = tmp_path / "mathesar"
    project.mkdir()
    (project / "Dockerfile").write_text(DOCKERFILE.format(base=base))
    (project / "docker-compose.yml").write_text(COMPOSE.format(name=name, image=image))
    return project


def test_a_volume_a_container_holds_is_freed_by_removing_the_container_first(tmp_path: Path) -> None:
    project = _mathesar(tmp_path, "mathesar", "mathesar-dev:latest")
    image = {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64", "Created": "2025-06-20T09:00:00Z"}
    held = {"Labels": {"com.docker.compose.project": "mathesar", "com.docker.compose.service": "dev-service"},
            "Mounts": [{"Type": "volume", "Name": "mathesar_ui_node_modules",
                        "Destination": "/code/mathesar_ui/node_modules"},
                       {"Type": "volume", "Name": "mathesar_mathesar_secrets", "Destination": "/code/.secrets"}]}
    volumes = {"Volumes": [{"Name": name, "CreatedAt": "2025-06-01T09:00:00Z",
                            "Labels": {"com.docker.compose.project": "mathesar", "com.docker.compose.volume": key}}
                           for name, key in (("mathesar_ui_node_modules", "ui_node_modules"),
                                             ("mathesar_mathesar_secrets", "mathesar_secrets"))]}
    engine = FakeEngine(tmp_path / "e.sock", {"/info": {"OSType": "linux", "Architecture": "x86_64"},
                                              "/images/mathesar-dev:latest/json": image, "/volumes": volumes,
                                              "/containers/json": [held]})
    try:
        found = _stale(project, {"DOCKER_HOST": engine.url})
    finally:
        engine.close()
    assert [f.message for f in found] == ["'dev-service' volume 'mathesar_ui_node_modules' over "
                                          "/code/mathesar_ui/node_modules is 19 days older than its image: stale "
                                          "content"]
    fix = found[0].fix
    assert fix is not None and fix.title == ("recreate 'dev-service' on a fresh volume 'mathesar_ui_node_modules' "
                                             "(a container holds its volume, even stopped)")
    assert fix is not None and fix.command[:2] == ("sh", "-c")
    steps = [shlex.split(step) for step in fix.command[2].split(" && ")]
    compose = ["docker", "compose", "-p", "mathesar", "-f", str(project / "docker-compose.yml")]
    # the container goes, then the stale volume alone (the secrets volume is kept), then the service is back
    assert steps == [[*compose, "rm", "--stop", "--force", "dev-service"],
                     ["docker", "volume", "rm", "mathesar_ui_node_modules"],
                     [*compose, "up", "-d", "dev-service"]]


@pytest.mark.docker
def test_live_stale_named_volume_is_renewed_in_one_fix(tmp_path: Path, docker_engine: str,
                                                       busybox_image: str) -> None:
    """Real engine: the running dev-service holds ui_node_modules; one `doctor fix --volumes --yes`
    renews it, keeps mathesar_secrets, and leaves the service running; a second preflight is clean."""
    from doctor.fixer import FixOptions, fix

    run_id = uuid.uuid4().hex[:8]
    name, image = f"doctor-test-{run_id}", f"doctor-test/vhc-{run_id}:dev"
    project = _mathesar(tmp_path, name, image, base=busybox_image)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state")}

    def docker(*args: str) -> str:
        return subprocess.run([docker_engine, *args], cwd=project, capture_output=True, text=True, check=True,
                              timeout=120).stdout.strip()

    def marker(path: str) -> str:
        return docker("compose", "exec", "-T", "dev-service", "sh", "-c", f"cat {path}/marker 2>/dev/null || :")

    docker("tag", busybox_image, image)
    try:
        docker("compose", "up", "-d", "--no-build", "dev-service")
        docker("compose", "exec", "-T", "dev-service", "sh", "-c",
               "echo old > /code/mathesar_ui/node_modules/marker && echo kept > /code/.secrets/marker")
        time.sleep(1.1)  # the rebuilt image must be younger than the volume, to the second
        docker("commit", docker("compose", "ps", "-q", "dev-service"), image)  # what a rebuild does
        assert len(_stale(project, {})) == 1
        options = FixOptions(project=ProjectOptions(path=project, env=env), families=frozenset({"volumes"}),
                             yes=True, env=env)
        report = fix(options, load_registry())
        assert [r.fixed for r in report.results if r.title.startswith("recreate")] == [True], report.results
        assert all(r.fixed is not False for r in report.results), report.results
        assert marker("/code/mathesar_ui/node_modules") == ""  # a fresh copy of the image's content
        assert marker("/code/.secrets") == "kept"  # the service's other volume is untouched
        assert _stale(project, {}) == []
    finally:
        subprocess.run([docker_engine, "compose", "down", "-v", "-t", "0"], cwd=project, capture_output=True,
                       timeout=120)
        subprocess.run([docker_engine, "rmi", "-f", image], capture_output=True, timeout=60)


def test_an_engine_that_cannot_be_asked_leaves_the_age_unknown_not_judged(tmp_path: Path) -> None:
    """Before: with DOCKER_HOST=tcp://127.0.0.1:1 the check printed only the static note and ended `1 check (1
    passed)`, nothing saying the volume's age was never compared with its image (stale or not)."""
    project = _mathesar(tmp_path, "mathesar", "mathesar-dev:latest")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "tcp://127.0.0.1:1"}
    options = ProjectOptions(path=project, env=env)
    report = preflight(RunOptions(project=options, select=("volume-shadowing",), env=env), load_registry()).report
    notes = [f.message for f in report.findings if f.subject.endswith("/code/mathesar_ui/node_modules")]
    assert len(notes) == 1, report.findings
    assert notes[0].startswith("'dev-service' volume 'ui_node_modules' over /code/mathesar_ui/node_modules keeps its "
                               "first content after image rebuilds; whether it is older than its image is not known "
                               "(docker engine unavailable: "), notes
