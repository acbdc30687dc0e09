"""examples/Makefile: `make first-run-check` in a team's repository, run for real against the engine.

doctor preflight -> docker compose up -d --wait -> a smoke request, stopping at the first failure.
The stacks are copies of examples/clean-stack and examples/broken-stack whose `image:` lines
are rewritten to busybox stand-ins under doctor-only names (`doctor-test/postgres:17`, ...;
tests/ci_images.py, shared with the broken-stack live test), since no registry is reachable
and a developer's real images must never be shadowed. A test-only overlay, given
to doctor and compose alike through the Makefile's COMPOSE_FILES, does what a team's CI
overlay does:

- publishes every port on an ephemeral host port (`!override ["80"]`), so the test never
  fights other stacks on this machine for 8094/8000/1080/5433; the Makefile asks compose for
  the published port, so the smoke request still finds traefik;
- mounts the smoke page the traefik stand-in serves at /api/health (the real stack routes it
  to the backend);
- makes backend wait for prestart with `condition: service_completed_successfully`, without
  which `up --wait` fails when the one-shot prestart exits 0 (docker/compose#10596).

The project name comes from COMPOSE_PROJECT_NAME, which doctor and compose both honour.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ci_images import BROKEN_STACK, ensure, rewrite_images

REPO = Path(__file__).resolve().parent.parent
MAKEFILE = REPO / "examples" / "Makefile"
OVERLAY = "compose.team-test.yaml"
FILES = f"compose.yaml compose.override.yaml {OVERLAY}"
PASSWORD = "s3cret-Pa55"  # the example .env's database password: never printed
HEALTH = '{"status": "ok"}'
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

OVERLAY_TEXT = """\
# test-only: ephemeral host ports, the smoke page, and prestart as a completed dependency
services:
  traefik:
    ports: !override ["80"]
    volumes:
      - ./smoke/health:/api/health:ro
  db:
    ports: !override ["5432"]
  backend:
    ports: !override ["8000"]
    depends_on:
      prestart:
        condition: service_completed_successfully
  mailcatcher:
    ports: !override ["1080"]
"""


def make_available() -> str:
    found = shutil.which("make")
    if found is None:
        if IN_CI:
            pytest.fail("make is not installed (CI=true)")
        pytest.skip("make is not installed")
    return found


@dataclass(frozen=True)
class TeamRepo:
    """A copy of an example stack with the test overlay, driven through examples/Makefile."""

    root: Path
    name: str
    docker: str

    def make(self, *targets: str, **variables: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COMPOSE_FILE", "DOCKER_HOST")}
        env["COMPOSE_PROJECT_NAME"] = self.name
        settings = {
            "COMPOSE_FILES": FILES,
            "DOCTOR": f"{sys.executable} -m doctor",
            "DOCKER": self.docker,
            "PYTHON": sys.executable,
            "SMOKE_SERVICE": "traefik",  # the examples' front (its page: smoke/health)
            "SMOKE_PATH": "/api/health",
            **variables,
        }
        argv = [make_available(), "--no-print-directory", "-f", str(MAKEFILE), *targets,
                *(f"{key}={value}" for key, value in settings.items())]
        return subprocess.run(argv, cwd=self.root, env=env, capture_output=True, text=True, timeout=300)

    def containers(self) -> list[str]:
        label = f"label=com.docker.compose.project={self.name}"
        done = subprocess.run([self.docker, "ps", "-a", "-q", "--filter", label],
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout.split()

    def published(self, service: str, port: int) -> str:
        done = subprocess.run([self.docker, "compose", *(f"-f{f}" for f in FILES.split()), "port", service, str(port)],
                              cwd=self.root, env={**os.environ, "COMPOSE_PROJECT_NAME": self.name},
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout.strip().rsplit(":", 1)[-1]


@pytest.fixture(scope="module")
def stand_ins(docker_engine: str, busybox_image: str) -> dict[str, str]:
    """The stacks' image references -> the doctor-only stand-ins built for them."""
    return ensure(docker_engine, busybox_image, BROKEN_STACK)


def team_repo(tmp_path: Path, example: str, docker: str, images: dict[str, str]) -> Iterator[TeamRepo]:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / example, root)
    rewrite_images(root, images)
    (root / OVERLAY).write_text(OVERLAY_TEXT)
    (root / "smoke").mkdir()
    (root / "smoke" / "health").write_text(HEALTH + "\n")
    repo = TeamRepo(root, f"doctor-team-{secrets.token_hex(4)}", docker)
    try:
        yield repo
    finally:
        repo.make("down", DOWN_ARGS="-v --timeout 1")
        leftover = repo.containers()
        if leftover:
            subprocess.run([docker, "rm", "-f", "-v", *leftover], capture_output=True, timeout=120)


@pytest.fixture
def clean_repo(tmp_path: Path, docker_engine: str, stand_ins: dict[str, str]) -> Iterator[TeamRepo]:
    yield from team_repo(tmp_path, "clean-stack", docker_engine, stand_ins)


@pytest.fixture
def broken_repo(tmp_path: Path, docker_engine: str, stand_ins: dict[str, str]) -> Iterator[TeamRepo]:
    yield from team_repo(tmp_path, "broken-stack", docker_engine, stand_ins)


@pytest.mark.docker
def test_first_run_check_passes_on_the_clean_stack(clean_repo: TeamRepo) -> None:
    done = clean_repo.make("first-run-check")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    port = clean_repo.published("traefik", 80)
    assert f"smoke: 200 from http://127.0.0.1:{port}/api/health: {HEALTH}" in done.stdout
    assert done.stdout.rstrip().endswith("first-run-check: passed")
    # the three steps ran, in order: doctor's report, then compose, then the smoke request
    assert output.index("doctor preflight") < output.index(" up -d --wait") < output.index("smoke: 200")
    assert "0 errors" in done.stdout and PASSWORD not in output
    assert len(clean_repo.containers()) == 6  # every service, prestart exited 0

    # a smoke request that is not answered 2xx fails the target and shows the containers
    failed = clean_repo.make("smoke", SMOKE_PATH="/no-such-page", SMOKE_TIMEOUT="2")
    assert failed.returncode != 0
    assert f"smoke: http://127.0.0.1:{port}/no-such-page did not answer 2xx in 2 s: HTTP Error 404" in failed.stderr
    assert f"{clean_repo.name}-traefik-1" in failed.stdout  # `docker compose ps -a` of the failed step

    down = clean_repo.make("down", DOWN_ARGS="-v --timeout 1")
    assert down.returncode == 0, down.stderr
    assert clean_repo.containers() == []


@pytest.mark.docker
def test_first_run_check_stops_at_doctor_on_the_broken_stack(broken_repo: TeamRepo) -> None:
    done = broken_repo.make("first-run-check")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    # doctor's findings are on screen, and make names the step that stopped it
    assert "POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)" in done.stdout
    assert "DATABASE_URL host 'postgres' names no service on the network" in done.stdout
    assert "preflight] Error 1" in done.stderr
    # compose never ran: no container, and neither the smoke request nor `passed`
    assert " up -d " not in output and "smoke:" not in output and "first-run-check: passed" not in output
    assert broken_repo.containers() == []
    assert PASSWORD not in output


def test_the_same_files_and_profiles_reach_doctor_and_compose(tmp_path: Path) -> None:
    """make -n: the plan, in order, with COMPOSE_FILES and PROFILES given to both tools."""
    argv = [make_available(), "-n", "--no-print-directory", "-f", str(MAKEFILE), "first-run-check",
            "COMPOSE_FILES=compose.yaml ci/compose.ci.yaml", "PROFILES=dev tools", "DOCTOR_ARGS=--fail-on warning",
            "DOCTOR=doctor", "SMOKE_SERVICE=traefik"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    selection = "-f compose.yaml -f ci/compose.ci.yaml --profile dev --profile tools"
    assert lines[0] == f"doctor preflight {selection} --fail-on warning"
    assert lines[1].startswith(f"docker compose {selection} up -d --wait --wait-timeout 120 ||")
    assert f"docker compose {selection} port traefik 80" in done.stdout
    assert lines[-1] == 'echo "first-run-check: passed"'


def test_compose_discovery_when_no_files_are_named(tmp_path: Path) -> None:
    argv = [make_available(), "-n", "--no-print-directory", "-f", str(MAKEFILE), "preflight", "up", "down",
            "DOCTOR=doctor"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    lines = [" ".join(line.split()) for line in done.stdout.splitlines()]
    assert lines[0] == "doctor preflight"
    assert lines[1].startswith("docker compose up -d --wait")
    assert lines[2] == "docker compose down --remove-orphans"


def test_doctor_not_installed_is_one_clear_message(tmp_path: Path) -> None:
    """No `doctor` on PATH and none in PYTHON: say how to install it, instead of `doctor: not found`."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    argv = [make_available(), "--no-print-directory", "-f", str(MAKEFILE), "first-run-check", "PYTHON=/bin/false"]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "doctor is not installed here" in done.stderr and "pip install /path/to/doctor" in done.stderr
    assert "No such file" not in done.stderr and "not found" not in done.stderr


def test_doctor_defaults_to_python_m_doctor(tmp_path: Path) -> None:
    """Installed into PYTHON but not on PATH (a venv not activated): `PYTHON -m doctor` runs."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    argv = [make_available(), "-n", "--no-print-directory", "-f", str(MAKEFILE), "preflight",
            f"PYTHON={sys.executable}"]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [sys.executable, "-m", "doctor", "preflight"]


def test_the_smoke_request_is_skipped_and_said_so_until_it_names_the_stack(tmp_path: Path) -> None:
    """A team copying the Makefile got `service "traefik" is not running` from the example's default: the step
    now says it is skipped and how to name the stack's page, and passes (a newcomer's find)."""
    argv = [make_available(), "--no-print-directory", "-f", str(MAKEFILE), "smoke", f"PYTHON={sys.executable}",
            "DOCKER=/bin/false"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("smoke: skipped: no SMOKE_SERVICE (with SMOKE_PORT, SMOKE_PATH) or SMOKE_URL"), (
        done.stdout)
    assert "make first-run-check SMOKE_SERVICE=web SMOKE_PORT=8000" in done.stdout
    named = subprocess.run([*argv, "SMOKE_SERVICE=web"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert named.returncode != 0 and "smoke: web publishes no host port for container port 80" in named.stderr
