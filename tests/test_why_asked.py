"""`doctor why` after an `up` that named its services (`docker compose up -d mariadb redis`): only those and what
they depend on were to start, so only those are judged.

Before: the project's other services, which nobody asked for, were listed as part of the failure: `- app  not
started: it depends on 'mariadb', which failed`, `- worker  not started: the piped output does not name it`, and the
count said `(2 not started)`; with the containers `up` left on the engine, `- worker  no container (not created)`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

COMPOSE = """\
services:
  mariadb:
    image: mariadb:11
    ports:
      - "{port}:3306"
  redis:
    image: redis:7
  app:
    image: busybox
    depends_on: [mariadb]
  worker:
    image: busybox
"""


def _up_output(project: str, port: int, command: str = "docker compose up -d mariadb redis") -> str:
    """What `up -d mariadb redis` printed, pasted with the prompt line above it: mariadb's port was held."""
    return (f"me@box:~/shop$ {command}\n"
            f" Network {project}_default  Creating\n Network {project}_default  Created\n"
            f" Container {project}-redis-1  Creating\n Container {project}-mariadb-1  Creating\n"
            f" Container {project}-redis-1  Created\n Container {project}-mariadb-1  Created\n"
            f" Container {project}-redis-1  Starting\n Container {project}-mariadb-1  Starting\n"
            f" Container {project}-redis-1  Started\n"
            "Error response from daemon: driver failed programming external connectivity on endpoint "
            f"{project}-mariadb-1 (3d92ee4c5f91): Bind for 0.0.0.0:{port} failed: port is already allocated\n")


def _why(root: Path, text: str, project: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES")}
    return subprocess.run([sys.executable, "-m", "doctor", "why", "-p", project, "."], cwd=root,
                          capture_output=True, text=True, timeout=120, input=text, env={**base, **(env or {})})


@pytest.fixture
def held_port() -> Iterator[int]:
    """A host port held by this test (mariadb's publish fails on it): port-collision names the holder."""
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize(("line", "expected"), [
    ("me@box:~/shop$ docker compose up -d mariadb redis", (("mariadb", "redis"), False)),
    ("$ docker compose -f compose.yaml --profile=dev -p shop up --scale web=2 -t 3 --no-deps mariadb 2>&1 | tee x",
     (("mariadb",), True)),  # `2>&1` ends it: its `2` is the redirection's, no service
    ("+ docker-compose up -d", ((), False)),  # a `set -x` trace of a plain `up`
    ("2024-05-01T10:00:00Z Run docker compose up --wait redis", (("redis",), False)),  # a CI log's step
    ("docker compose logs mariadb", None),  # no `up`
    ("app-1  | docker compose up worker", None),  # a container's log line saying it
    ("echo 'docker compose up worker'", None),  # quoted: no command of its own
])
def test_the_up_command_line_in_the_text(line: str, expected: tuple[tuple[str, ...], bool] | None) -> None:
    from doctor.why.up_line import up_command

    found = up_command(f"{line}\n Container p-redis-1  Started\n")
    assert (None if found is None else (found.services, found.no_deps)) == expected


def test_the_last_up_command_line_is_the_one_whose_output_follows() -> None:
    from doctor.why.up_line import UpCommand, up_command

    text = "$ docker compose up -d worker\n Container p-worker-1  Started\n$ docker compose up -d redis\n"
    assert up_command(text) == UpCommand(("redis",))


def test_services_up_did_not_start_are_not_listed(tmp_path: Path, held_port: int) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=held_port))
    project = f"x{uuid.uuid4().hex[:8]}"
    done = _why(tmp_path, _up_output(project, held_port), project)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ mariadb  failed, in the piped output" in out, out  # the failure is still diagnosed
    assert "cause    port-collision  compose.yaml:5" in out, out
    assert "✓ redis    started, in the piped output" in out, out
    assert "app " not in out and "worker" not in out, out  # nobody asked for them
    assert "1 of 2 services failed · 1 explained by a finding\n" in out, out


def test_what_the_services_named_depend_on_is_still_judged(tmp_path: Path, held_port: int) -> None:
    """`up -d app redis` starts mariadb first (app depends on it): mariadb failed, app did not start, worker is
    none of this `up`'s; with --no-deps compose starts app alone."""
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=held_port))
    project = f"x{uuid.uuid4().hex[:8]}"
    out = _why(tmp_path, _up_output(project, held_port, "docker compose up -d app redis"), project).stdout
    assert "✗ mariadb" in out and "- app      not started: it depends on 'mariadb', which failed" in out, out
    assert "worker" not in out and "1 of 3 services failed · 1 explained by a finding (1 not started)" in out, out
    out = _why(tmp_path, _up_output(project, held_port, "docker compose up -d --no-deps redis"), project).stdout
    assert "✗ mariadb" in out and "✓ redis" in out and "app " not in out and "worker" not in out, out


def test_a_plain_up_still_expects_every_service(tmp_path: Path, held_port: int) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=held_port))
    project = f"x{uuid.uuid4().hex[:8]}"
    for command in ("docker compose up -d", ""):  # a plain `up`; no command line at all: nothing says what was asked
        out = _why(tmp_path, _up_output(project, held_port, command), project).stdout
        assert "- app      not started: it depends on 'mariadb', which failed" in out, out
        assert "- worker   not started: the piped output does not name it" in out, out
        assert "1 of 4 services failed · 1 explained by a finding (2 not started)" in out, out


def test_a_refused_up_of_some_services_left_only_those_not_started(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=3306))
    project = f"x{uuid.uuid4().hex[:8]}"
    refusal = f"env file {tmp_path}/.env.local not found: stat {tmp_path}/.env.local: no such file or directory\n"
    out = _why(tmp_path, f"$ docker compose up -d mariadb redis\n{refusal}", project).stdout
    # the refusal is the one answer (no service listed one by one): the count is of the two `up` named
    assert "- mariadb" not in out and "- redis" not in out, out
    assert "app " not in out and "worker" not in out and "· 2 services not started" in out, out


def test_a_fault_of_a_service_up_did_not_start_is_no_cause_of_it(tmp_path: Path) -> None:
    """No container, and a fault that stops the create of worker alone (a bind source that must exist): the `up` of
    mariadb and redis did not stop there."""
    (tmp_path / "compose.yaml").write_text(
        COMPOSE.format(port=3306) + "    volumes:\n      - type: bind\n        source: ./nope\n        target: /x\n"
        "        bind:\n          create_host_path: false\n")
    project = f"x{uuid.uuid4().hex[:8]}"
    plain = _why(tmp_path, "$ docker compose up -d\n", project)
    assert plain.returncode == 1 and "✗ worker   no container (not created)" in plain.stdout, plain
    asked = _why(tmp_path, "$ docker compose up -d mariadb redis\n", project)
    assert asked.returncode == 2 and "worker" not in asked.stdout + asked.stderr, asked


def test_with_the_containers_up_left_the_others_are_not_listed_either(tmp_path: Path) -> None:
    """The containers of `up -d mariadb redis` on the engine (mariadb's start failed on a held port, redis runs),
    and the pasted output of that `up`: worker and app have no container, and were never to have one."""
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=3306))
    project = f"x{uuid.uuid4().hex[:8]}"
    error = "driver failed programming external connectivity on endpoint x (1): Bind for 0.0.0.0:3306 failed"

    def container(ident: str, service: str, state: dict[str, object]) -> dict[str, object]:
        labels = {"com.docker.compose.project": project, "com.docker.compose.service": service}
        return {"Id": ident, "Name": f"/{project}-{service}-1", "State": state, "Config": {"Labels": labels}}

    routes: dict[str, object] = {
        "/containers/json": [{"Id": "aaa"}, {"Id": "bbb"}],
        "/containers/aaa/json": container("aaa", "mariadb", {"Status": "created", "ExitCode": 128, "Error": error}),
        "/containers/bbb/json": container("bbb", "redis", {"Status": "running", "Running": True}),
    }
    engine = FakeEngine(tmp_path / "docker.sock", routes)
    try:
        env = {"DOCKER_HOST": engine.url, "PATH": "/nonexistent"}  # no compose to ask what it would recreate
        plain = _why(tmp_path, "", project, env)
        asked = _why(tmp_path, "$ docker compose up -d mariadb redis\n", project, env)
    finally:
        engine.close()
    assert "- worker   no container (not created)" in plain.stdout, plain  # nothing says what `up` was asked
    assert asked.returncode == 1, asked
    out = asked.stdout
    assert "✗ mariadb  created, never started" in out and "✓ redis    running" in out, out
    assert "app " not in out and "worker" not in out and "1 of 2 services failed" in out, out
    assert "its `up` command line" in asked.stderr, asked.stderr
