"""`doctor why` against a real engine: each broken service really fails with the real symptom.

The stand-in image is the busybox rootfs (the `busybox_image` fixture) tagged
`doctor-test/why-<run>` for the test only. Every service's command does what the real
program does and fails the way it fails: busybox `nc` dials a wrong host (`bad address`) or a
published port inside the network (`Connection refused`, logged as psycopg logs it), the
kernel refuses a CRLF entrypoint (`exec /entrypoint.sh: no such file or directory`), the
engine refuses a port another project holds. `doctor why` must name the finding that
explains each one; on a healthy stack it must say that all services are up.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from doctor.engine import load_registry
from doctor.host.containers import ContainerState
from doctor.why.command import PIPED_NOTE, WhyOptions, why

pytestmark = pytest.mark.docker

DIAL_DB = (
    'nc -w 2 "$$POSTGRES_SERVER" "$$POSTGRES_PORT" </dev/null 2>/tmp/err || { cat /tmp/err >&2; '
    'echo "psycopg.OperationalError: connection to server at \\"$$POSTGRES_SERVER\\", port $$POSTGRES_PORT '
    'failed: Connection refused" >&2; exit 1; }'
)


MISSING = "ModuleNotFoundError: No module named scripts"


def free_port() -> int:
    """A free port below the ephemeral range (port-collision rightly warns about ephemeral ones)."""
    for _ in range(200):
        port = random.randrange(20000, 30000)
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        return port
    pytest.skip("no free port in 20000-29999")


def compose(docker: str, root: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", "-p", name, *args], cwd=root, capture_output=True, text=True,
                          timeout=180)


def wait_restarts(docker: str, container: str, count: int) -> None:
    """Wait (up to 20 s) until the engine has restarted `container` `count` times: it restarts a
    container in a loop with a growing delay, so the loop shows only after a while."""
    for _ in range(40):
        found = subprocess.run([docker, "inspect", "--format", "{{.RestartCount}}", container],
                               capture_output=True, text=True).stdout.strip()
        if found.isdecimal() and int(found) >= count:
            return
        time.sleep(0.5)


@contextlib.contextmanager
def _stack(docker: str, root: Path, compose_yaml: str) -> Iterator[str]:
    """A project folder holding `compose_yaml`, under a compose project name of this run's own
    (yielded), taken down with its volumes when the test ends however it ends."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root.mkdir()
    (root / "compose.yaml").write_text(compose_yaml)
    try:
        yield name
    finally:
        compose(docker, root, name, "down", "-v", "-t", "0")


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    tag = f"doctor-test/why-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, tag], check=True, capture_output=True)
    yield tag
    subprocess.run([docker_engine, "rmi", tag], capture_output=True)


def broken_stack(root: Path, image: str, db_port: int, busy_port: int) -> None:
    """db listens on 5432 and publishes db_port; each other service fails one way."""
    serve = 'trap "exit 0" TERM; httpd -f -p 5432 -h / & wait'
    for folder in ("app", "scripts", "tests"):  # code in each: a mount of app/ and tests/ brings live code
        (root / "backend" / folder).mkdir(parents=True)
        (root / "backend" / folder / "__init__.py").write_text("")
    (root / "backend" / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY app/ ./app/\n"
                                                 "COPY tests/ ./tests/\nCOPY scripts/ ./scripts/\n")
    (root / "entrypoint.sh").write_bytes(b"#!/bin/sh\r\necho started\r\n")
    (root / "entrypoint.sh").chmod(0o755)
    (root / ".env").write_text(f"POSTGRES_SERVER=db\nPOSTGRES_PORT={db_port}\nPOSTGRES_PASSWORD=s3cret-Pa55\n")
    (root / "worker.env").write_text("POSTGRES_SERVER=postgresserver\n")
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {image}
    command: ["sh", "-c", '{serve}']
    ports:
      - "${{POSTGRES_PORT}}:5432"
  backend:
    image: {image}
    env_file: .env
    command: ["sh", "-c", 'sleep 1; {DIAL_DB}']
    depends_on: [db]
  worker:
    image: {image}
    env_file: worker.env
    command: ["sh", "-c", 'nc -w 2 "$$POSTGRES_SERVER" 5432 </dev/null']
  migrate:
    image: {image}
    build: ./backend
    command: ["sh", "-c", 'test -d /app/scripts || {{ echo "{MISSING}" >&2; exit 1; }}']
    volumes:
      - ./backend/app:/app/app
      - ./backend/tests:/app/tests
  entry:
    image: {image}
    entrypoint: ["/entrypoint.sh"]
    volumes:
      - ./entrypoint.sh:/entrypoint.sh:ro
  proxy:
    image: {image}
    command: ["sh", "-c", 'trap "exit 0" TERM; httpd -f -p 80 -h / & wait']
    ports:
      - "{busy_port}:80"
""")


def run_why(root: Path, name: str, *, fmt: str | None = None, service: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    status = why(WhyOptions(path=root, project_name=name, format=fmt, service=service), out)
    return status, out.getvalue()


def test_why_names_the_finding_behind_each_failed_service(tmp_path: Path, docker_engine: str, image: str) -> None:
    run = uuid.uuid4().hex[:8]
    name, holder = f"doctor-test-{run}", f"doctor-test-hold-{run}"
    db_port, busy_port = free_port(), free_port()
    root = tmp_path / "stack"
    root.mkdir()
    broken_stack(root, image, db_port, busy_port)
    other = tmp_path / "other"
    other.mkdir()
    (other / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {image}\n"
        f"    command: [\"sh\", \"-c\", 'trap \"exit 0\" TERM; httpd -f -p 80 -h / & wait']\n"
        f"    ports:\n      - \"{busy_port}:80\"\n"
    )
    try:
        assert compose(docker_engine, other, holder, "up", "-d").returncode == 0
        # one `up` per failure, so a service that fails to start does not keep the others from failing their way
        started = compose(docker_engine, root, name, "up", "-d", "db", "backend", "worker", "migrate", "entry")
        assert started.returncode == 0, started.stderr  # they start, then exit with their error
        up = compose(docker_engine, root, name, "up", "-d", "proxy")
        assert up.returncode != 0 and "already allocated" in up.stderr, up.stderr  # the engine refuses it
        compose(docker_engine, root, name, "wait", "backend", "worker", "migrate", "entry")
        status, text = run_why(root, name)
        assert status == 1, text
        lines = text.splitlines()

        def block(service: str) -> str:
            start = next(i for i, line in enumerate(lines) if line.startswith(f"✗ {service} "))
            end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] in ("✗", "✓", "")), len(lines))
            return "\n".join(lines[start:end])

        assert any(line.startswith("✓ db ") for line in lines), text
        backend = block("backend")
        assert "OperationalError" in backend and "leaked-host-port" in backend, text
        assert f"POSTGRES_PORT={db_port}" in backend and ".env:2" in backend, text
        worker = block("worker")
        assert "bad address 'postgresserver'" in worker and "service-name-drift" in worker, text
        assert "worker.env:1" in worker, text
        migrate = block("migrate")
        assert "ModuleNotFoundError" in migrate and "missing-mount" in migrate, text
        entry = block("entry")
        assert "exec /entrypoint.sh: no such file or directory" in entry, text
        assert "CRLF" in entry, text  # what the signature means, with or without a script-line-endings check
        if "script-line-endings" in load_registry().checks:
            assert "script-line-endings" in entry and "entrypoint.sh" in entry, text
        assert "OperationalError" not in worker and "service-name-drift" not in backend, text  # no cross-talk
        proxy = block("proxy")
        assert f"{busy_port}" in proxy and "port-collision" in proxy and holder in proxy, text
        assert "s3cret-Pa55" not in text

        status, document = run_why(root, name, fmt="json")
        report = json.loads(document)
        assert status == 1
        symptoms = {f["symptom"]["service"]: f for f in report["findings"] if f.get("symptom")}
        assert symptoms["worker"]["check"] == "service-name-drift"
        assert symptoms["worker"]["symptom"]["exit_code"] == 1
        assert "bad address" in symptoms["worker"]["symptom"]["line"]
        assert {c["id"] for c in report["checks"]} >= {"leaked-host-port", "service-name-drift", "why"}
        for fmt in ("sarif", "junit", "github"):
            status, rendered = run_why(root, name, fmt=fmt)
            assert status == 1 and "service-name-drift" in rendered and "s3cret-Pa55" not in rendered

        status, text = run_why(root, name, service="db")
        assert status == 0 and "all 1 services are up" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
        compose(docker_engine, other, holder, "down", "-v", "--remove-orphans", "-t", "0")


def test_why_on_a_healthy_stack_says_all_services_are_up(tmp_path: Path, docker_engine: str, image: str) -> None:
    root = tmp_path / "ok"
    with _stack(docker_engine, root,
        f"services:\n  web:\n    image: {image}\n"
        f"    command: [\"sh\", \"-c\", 'trap \"exit 0\" TERM; httpd -f -p 80 -h / & wait']\n"
        f"  once:\n    image: {image}\n    command: [\"true\"]\n"
        f"  later:\n    image: {image}\n    command: [\"true\"]\n"
    ) as name:
        assert compose(docker_engine, root, name, "up", "-d", "web", "once").returncode == 0
        compose(docker_engine, root, name, "wait", "once")
        status, text = run_why(root, name)
        assert status == 0, text
        assert "all 2 services are up (1 not created)" in text and "✓ web" in text, text
        assert "- later" in text and "✓ once" in text, text
        from doctor import app

        assert app.guarded(why, WhyOptions(path=root, project_name=name, service="later")) == 2
        assert app.guarded(why, WhyOptions(path=root, project_name=name, service="nope")) == 2


def test_why_after_abort_on_container_exit_blames_only_the_service_that_exited(tmp_path: Path, docker_engine: str,
                                                                               image: str) -> None:
    # `up --abort-on-container-exit` (a CI job's test run): app exits 3, compose stops the rest, db past its
    # grace period (a shell as PID 1 ignores SIGTERM: 137), cache on SIGTERM (143)
    root = tmp_path / "abort"
    with _stack(docker_engine, root,
        f"services:\n  app:\n    image: {image}\n"
        f"    command: [\"sh\", \"-c\", \"sleep 1; echo boom; exit 3\"]\n    depends_on: [db, cache]\n"
        f"  db:\n    image: {image}\n    command: [\"sleep\", \"300\"]\n    stop_grace_period: 1s\n"
        f"  cache:\n    image: {image}\n"
        f"    command: [\"sh\", \"-c\", \"trap 'exit 143' TERM; while :; do sleep 0.2; done\"]\n"
    ) as name:
        assert compose(docker_engine, root, name, "up", "--abort-on-container-exit").returncode == 3
        status, text = run_why(root, name)
        assert status == 1, text
        assert "✗ app" in text and "symptom  boom" in text, text
        # the log, which only the project's name finds: a bare `docker compose logs` shows nothing here
        assert f"look at  docker compose -p {name} logs app" in text, text
        assert "- db     exited (137), stopped when 'app' exited" in text, text
        assert "- cache  exited (143), stopped when 'app' exited" in text, text
        assert "1 of 3 services failed · 0 explained by a finding (2 stopped by a signal)" in text, text
        assert compose(docker_engine, root, name, "rm", "-f", "app").returncode == 0
        status, text = run_why(root, name)  # the rest, as `docker compose stop` leaves them: none failed
        assert status == 0 and "no service failed · 2 of 3 stopped by a signal" in text, text


def test_a_build_that_failed_is_read_from_the_pipe_beside_an_earlier_ups_containers(tmp_path: Path, docker_engine: str,
                                                                                    image: str) -> None:
    # `app` runs from an earlier `up`; `up --build` now stops at web's image build: the containers say nothing of
    # it, the piped output does
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "built"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM busybox\n")
    (root / "compose.yaml").write_text(f"services:\n  app:\n    image: {image}\n    command: [sleep, '300']\n"
                                       f"  web:\n    build: .\n")
    text = ("#1 [web internal] load build definition from Dockerfile\n#1 DONE 0.0s\n"
            "failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n")
    try:
        assert compose(docker_engine, root, name, "up", "-d", "app").returncode == 0
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "."], cwd=root, input=text,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done
        assert "✗ web  build failed, in the piped output" in done.stdout, done.stdout
        assert "✓ app  running" in done.stdout, done.stdout
        assert "show a build that failed" in done.stderr, done.stderr
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")


def test_why_without_containers_or_engine_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from doctor import app

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n")
    env = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": "/usr/bin:/bin"}
    status = app.guarded(why, WhyOptions(path=tmp_path, env=env))
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "no socket at" in err, err


def test_why_reads_state_faults_oom_restart_loop_and_unhealthy(tmp_path: Path, docker_engine: str,
                                                               image: str) -> None:
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "state"
    root.mkdir()
    idle = """["sh", "-c", 'trap "exit 0" TERM; while true; do sleep 1; done']"""
    (root / "compose.yaml").write_text(f"""\
services:
  hog:
    image: {image}
    command: ["sh", "-c", 'x=a; while true; do x="$$x$$x"; done']
    mem_limit: 8m
    memswap_limit: 8m
  loop:
    image: {image}
    command: ["sh", "-c", 'echo "worker starting"; exit 3']
    restart: always
  sick:
    image: {image}
    command: {idle}
    healthcheck:
      test: ["CMD", "sh", "-c", "echo probe failed; false"]
      interval: 1s
      timeout: 1s
      retries: 1
""")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = {c.service: c for c in _containers(root, name)}
            hog = states["hog"]  # the engine may miss the kernel's OOM event: exit 137 under the limit then
            killed = hog.oom_killed or (hog.state == "exited" and hog.exit_code == 137)
            if killed and states["loop"].restart_count >= 3 and states["sick"].health == "unhealthy":
                break
            time.sleep(1)
        status, text = run_why(root, name)
        assert status == 1, text
        assert "container was OOMKilled (exit 137)" in text or "likely OOM-killed" in text, text
        assert "mem_limit" in text, text
        assert "container is restarting" in text or "restarts" in text, text
        assert "the service exits again right after each restart" in text, text
        assert "healthcheck unhealthy: probe failed" in text, text
        assert "3 of 3 services failed" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")


def _containers(root: Path, name: str) -> tuple[ContainerState, ...]:
    from doctor.host import Host
    from doctor.host.containers import project_containers

    return project_containers(Host(timeout=10).engine, name)


HOLD = """
import socket, sys
s = socket.socket()
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen()
print("ready", flush=True)
sys.stdin.read()
"""


def test_why_after_an_up_that_stopped_at_a_held_port(tmp_path: Path, docker_engine: str, image: str) -> None:
    # db's port is held by a python process; adminer (depends_on db) publishes a port a container of
    # another compose project left running holds; backend has a healthcheck and exits 1 on its own
    import sys

    run = uuid.uuid4().hex[:8]
    name, zombie = f"doctor-test-{run}", f"doctor-test-zombie-{run}"
    db_port, adminer_port = free_port(), free_port()
    serve = 'trap "exit 0" TERM; httpd -f -p 8080 -h / & wait'
    other = tmp_path / "other"
    other.mkdir()
    (other / "compose.yaml").write_text(
        f"services:\n  adminer:\n    image: {image}\n    command: [\"sh\", \"-c\", '{serve}']\n"
        f"    ports:\n      - \"{adminer_port}:8080\"\n")
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {image}
    command: ["sh", "-c", 'trap "exit 0" TERM; httpd -f -p 5432 -h / & wait']
    ports:
      - "{db_port}:5432"
  adminer:
    image: {image}
    command: ["sh", "-c", '{serve}']
    depends_on: [db]
    ports:
      - "{adminer_port}:8080"
  backend:
    image: {image}
    command: ["sh", "-c", "echo nc: bad address postgresserver >&2; exit 1"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
""")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db_port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert compose(docker_engine, other, zombie, "up", "-d").returncode == 0
        assert compose(docker_engine, root, name, "up", "-d", "backend").returncode == 0
        compose(docker_engine, root, name, "wait", "backend")
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "address already in use" in up.stderr, up.stderr
        # that up started backend again: why is asked once it has exited again (on a loaded machine
        # it was still "running, starting" when asked, and said nothing of its bad address)
        compose(docker_engine, root, name, "wait", "backend")
        status, text = run_why(root, name)
        assert status == 1, text
        blocks = _blocks(text)
        assert f"listen tcp4 0.0.0.0:{db_port}" in blocks["db"] and f"pid {holder.pid}" in blocks["db"], text
        adminer = blocks["adminer"]
        # it waited on db: that comes first; the port the other project holds is what stops its start next
        assert "created, never started: compose stopped at 'db' first" in adminer and "cause" not in adminer, text
        assert "then     port-collision" in adminer and zombie in adminer and f"{zombie}-adminer-1" in adminer, text
        assert "docker compose logs adminer" not in adminer, text
        assert "unhealthy" not in blocks["backend"] and "bad address" in blocks["backend"], text
    finally:
        holder.kill()  # our own child, by its pid
        holder.wait()
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
        compose(docker_engine, other, zombie, "down", "-v", "--remove-orphans", "-t", "0")


def test_why_after_an_up_that_created_no_container(tmp_path: Path, docker_engine: str, image: str) -> None:
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "stack"
    root.mkdir()
    absent = f"doctor-test/why-absent-{uuid.uuid4().hex[:8]}:1"
    (root / "compose.yaml").write_text(f"services:\n  web:\n    image: {image}\n  cache:\n    image: {absent}\n"
                                       f"    pull_policy: never\n")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode != 0  # the image is on no registry
        status, text = run_why(root, name)
        assert status == 1, text
        cache = _blocks(text)["cache"]
        assert "image-availability" in cache and absent in cache and "compose.yaml:5" in cache, text
        (root / "compose.override.yaml").write_text("services:\n  web:\n    ports: [\n")
        assert compose(docker_engine, root, name, "up", "-d").returncode != 0
        status, text = run_why(root, name)
        assert status == 1 and "compose-config" in text and "compose.override.yaml" in text, text
        status, text = run_why(root, name, service="web")  # the file stopped web too
        assert status == 1 and "compose-config" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def _blocks(text: str) -> dict[str, str]:
    """Each failed service's block of the console report, by service."""
    found: dict[str, str] = {}
    service = ""
    for line in text.splitlines():
        if line[:2] in ("✗ ", "✓ ", "- "):
            service = line[2:].split("  ")[0].strip()
        if service:
            found[service] = found.get(service, "") + line + "\n"
    return found


def test_why_traces_mount_and_permission_failures_to_the_folders_docker_made(tmp_path: Path, docker_engine: str,
                                                                               image: str) -> None:
    """A bind source that did not exist: docker creates it as a root-owned directory. Mounted onto a
    file of the image, the container cannot start ('Are you trying to mount a directory onto a
    file'); mounted as a folder a non-root `user:` writes to, the write is refused ('Permission
    denied'). The checkout belongs to a non-root owner (as a developer's does), so both folders are
    root-owned-files findings, and `doctor why` names each one for its service."""
    import os

    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    owner = 54321  # not root: as a developer's checkout
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {image}\n    command: [\"sleep\", \"30\"]\n"
        f"    volumes:\n      - ./nginx.conf:/bin/busybox\n"
        f"  job:\n    image: {image}\n    user: \"{owner}\"\n"
        f"    command: [\"sh\", \"-c\", \"echo hi > /data/out.txt\"]\n    volumes:\n      - ./data:/data\n")
    for path in (tmp_path, root, root / "compose.yaml"):
        os.chown(path, owner, owner)
    try:
        compose(docker_engine, root, name, "up", "-d")  # web cannot start; job exits 1
        compose(docker_engine, root, name, "wait", "job")
        assert (root / "nginx.conf").is_dir() and (root / "data").stat().st_uid == 0  # docker made both
        status, text = run_why(root, name)
        assert status == 1, text
        assert "Are you trying to mount a directory onto a file" in text, text
        # run from elsewhere (the test's cwd): paths as they open from there, as the locations and commands
        # (`../pytest-of-root/...` where the checkout lies beside pytest's temporary folder, as in /tmp)
        from doctor.model import shown_path

        assert f"1 path in '{shown_path(root / 'nginx.conf')}' owned by root" in text, text
        assert f"1 path in '{shown_path(root / 'data')}' owned by root" in text, text
        assert "2 of 2 services failed · 2 explained by a finding" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")


def test_why_on_a_stack_never_started_blames_no_info(tmp_path: Path) -> None:
    """No container, and the only finding an info ('compose pulls it on up'): no cause of a failure,
    so `up` may just not have run (ckan-docker: '1 of 1 services failed · 1 explained by a finding')."""
    from doctor import app

    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"services:\n  web:\n    image: postgres:16-{uuid.uuid4().hex[:8]}\n")
    out = io.StringIO()
    status = app.guarded(why, WhyOptions(path=root, project_name=f"doctor-test-{uuid.uuid4().hex[:8]}"), out)
    assert status == 2, out.getvalue()


def test_why_names_files_as_preflight_does(tmp_path: Path, docker_engine: str, image: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repo on a project in `docker/`: the console names `docker/compose.yaml:4` and the
    project `docker`, as preflight's console does (it said `compose.yaml:4` and the absolute
    project); the JSON names files as preflight's JSON does (`file` from the project, a missing env
    file's path in the folder around it `../shared.env`, as project.shown writes it), not from the
    current directory."""
    from doctor import app

    repo = tmp_path / "repo"
    (repo / "docker").mkdir(parents=True)
    (repo / "docker" / "compose.yaml").write_text(f"services:\n  web:\n    image: {image}\n"
                                                  "    env_file: ../shared.env\n")
    monkeypatch.chdir(repo)
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"  # no container: compose could not read the project
    out = io.StringIO()
    status = app.guarded(why, WhyOptions(path=Path("docker"), project_name=name), out)
    text = out.getvalue()
    assert status == 1, text
    assert text.startswith(f"doctor why docker (compose project '{name}')"), text
    assert "compose-config  docker/compose.yaml:4" in text and "env file shared.env not found" in text, text
    out = io.StringIO()
    assert app.guarded(why, WhyOptions(path=Path("docker"), project_name=name, format="json"), out) == 1
    (finding,) = [f for f in json.loads(out.getvalue())["findings"] if f["check"] == "compose-config"]
    assert finding["file"] == "compose.yaml"
    assert finding["message"].startswith("env file ../shared.env not found"), finding
    preflight = io.StringIO()
    app.preflight(app.PreflightOptions(path=Path("docker"), select=("compose-config",), format="json"), preflight)
    assert json.loads(preflight.getvalue())["findings"][0]["message"] == finding["message"].split(" (explains")[0]


def test_an_up_that_could_not_pull_says_what_it_needed(tmp_path: Path, docker_engine: str) -> None:
    """`up` failed on `lookup registry-1.docker.io: no such host` before creating a container: why
    said only 'run docker compose up first', sending the user to run what had just failed."""
    from doctor import app

    root = tmp_path / "stack"
    root.mkdir()
    image = f"doctor-test/absent-{uuid.uuid4().hex[:8]}:1"  # never built, no registry has it
    (root / "compose.yaml").write_text(f"services:\n  vote:\n    image: {image}\n")
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = app.guarded(why, WhyOptions(path=root, project_name=name), io.StringIO())
    assert status == 2, err.getvalue()
    said = err.getvalue().strip()
    assert said.startswith(
        f"doctor: project '{name}' has no container on the engine: 'docker compose up' has not run, or it failed "
        f"before creating one, as when it cannot pull an image: 'vote' image '{image}' is not on the engine: "
        f"compose pulls it on up (needs the registry): pull (`docker compose -p {name} "), said
    # the commands reach this project from where the test runs (its -f, doctor's PATH)
    assert "pull`) or build what it needs, or pipe in the failed `up`'s output for its error" in said, said
    assert " up -d 2>&1 | doctor why " in said and said.endswith(f" -p {name}`)"), said
    # text piped in that shows no failure: it asks for the whole output, not for a pipe it already has
    read_end, write_end = os.pipe()
    os.write(write_end, b"some unrelated line\n")
    os.close(write_end)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            assert app.guarded(why, WhyOptions(path=root, project_name=name, stdin=read_end), io.StringIO()) == 2
    finally:
        os.close(read_end)
    said = err.getvalue().strip()
    asked = "or build what it needs; the 1 line(s) piped in show no failure doctor reads: pipe the whole `up` output (`"
    assert asked in said and "pipe in the failed" not in said, said


def _up_until(docker: str, root: Path, name: str, ready: Callable[[dict[str, ContainerState]], bool],
              wait: float = 30) -> dict[str, ContainerState]:
    """`up -d`, then the containers by service once `ready` says so (or `wait` seconds have passed)."""
    assert compose(docker, root, name, "up", "-d").returncode == 0
    deadline = time.monotonic() + wait
    while True:
        seen = {c.service: c for c in _containers(root, name)}
        if ready(seen) or time.monotonic() >= deadline:
            return seen
        time.sleep(0.5)


def test_a_huge_log_line_is_said_not_shown(tmp_path: Path, docker_engine: str,
                                       image: str) -> None:
    """A container whose last log line is 6 MB of one word (a dumped blob): `why` says the line was
    not shown, not "no log output" (it keeps the log's last 16 KiB, cut between words, and this
    line has none)."""
    root = tmp_path / "huge"
    with _stack(docker_engine, root, f"""\
services:
  dump:
    image: {image}
    command: ["sh", "-c", 'echo starting; head -c 6000000 /dev/zero | tr "\\\\0" x; echo; exit 1']
  chatty:
    image: {image}
    command: ["sh", "-c", 'trap "exit 0" TERM; while true; do echo tick; sleep 0.2; done']
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1
""") as name:
        states = _up_until(docker_engine, root, name,
                           lambda seen: seen["dump"].state == "exited" and seen["chatty"].health == "unhealthy")
        assert states["dump"].log_tail == (
            "(the log ends in a line of over 16 KiB with no blank in its last 16 KiB: not shown)",), states["dump"]
        assert "tick" in states["chatty"].log_tail, states["chatty"]
        status, text = run_why(root, name)
        assert status == 1, text
        assert "not shown" in text and "no log output" not in text, text


def test_a_postgres_started_without_a_password_is_traced_to_the_env_line(tmp_path: Path, docker_engine: str,
                                                                          busybox_image: str) -> None:
    """linkwarden's copied .env.sample leaves POSTGRES_PASSWORD= empty: the postgres entrypoint refuses its
    empty data volume and exits. `why` names env-drift's finding at the .env line (the stand-in, named
    like the image, logs what the real entrypoint logs)."""
    tag = f"doctor-test/why-{uuid.uuid4().hex[:8]}/postgres:16"
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    refusal = "Error: Database is uninitialized and superuser password is not specified."
    # the refusal is the image's own CMD, as postgres's entrypoint runs its server: a compose `command:`
    # that is no server (huginn's data-only `/bin/true`) initializes nothing, and is not judged
    made = subprocess.run([docker_engine, "create", busybox_image, "sh"], check=True, capture_output=True, text=True)
    container = made.stdout.strip()
    try:
        subprocess.run([docker_engine, "commit", "--change", f'CMD ["sh", "-c", "echo \'{refusal}\' >&2; exit 1"]',
                        container, tag], check=True, capture_output=True)
    finally:
        subprocess.run([docker_engine, "rm", container], capture_output=True)
    root = tmp_path / "pg"
    root.mkdir()
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {tag}
    env_file: .env
""")
    (root / ".env").write_text("POSTGRES_USER=app\nPOSTGRES_PASSWORD=\n")
    try:
        _up_until(docker_engine, root, name, lambda seen: seen["db"].state == "exited")
        status, text = run_why(root, name)
        assert status == 1, text
        assert "the database image refuses to initialize its empty data volume" in text, text
        assert "cause    env-drift  " in text and "pg/.env:2" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "-t", "0")
        subprocess.run([docker_engine, "rmi", tag], capture_output=True)


def test_why_finds_the_project_up_ran_here_under_another_name(tmp_path: Path, docker_engine: str, image: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`docker compose -p NAME up` (or COMPOSE_PROJECT_NAME in that shell) ran in this folder; `doctor
    why` in the same folder without -p works out the folder's name, which has no container: it reads
    the containers whose working_dir label is this folder instead, and says so; with two such
    projects it asks which, naming both."""
    import os
    import sys

    from doctor import app

    run = uuid.uuid4().hex[:8]
    root = tmp_path / f"stack-{run}"
    root.mkdir()
    port = free_port()
    (root / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {image}\n    command: [\"httpd\", \"-f\", \"-p\", \"80\"]\n"
        f"    ports:\n      - \"{port}:80\"\n")
    env = {k: v for k, v in os.environ.items() if k != "COMPOSE_PROJECT_NAME"}
    names = [f"doctor-test-{run}-a", f"doctor-test-{run}-b"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        up = compose(docker_engine, root, names[0], "up", "-d")
        assert up.returncode != 0 and "address already in use" in up.stderr, up.stderr
        out = io.StringIO()
        read_end, write_end = os.pipe()  # `up ... 2>&1 | doctor why`: the containers come first
        os.write(write_end, up.stderr.encode())
        os.close(write_end)
        try:
            assert app.guarded(why, WhyOptions(path=root, env=env, stdin=read_end), out) == 1, out.getvalue()
        finally:
            os.close(read_end)
        text = out.getvalue()
        assert f"(compose project '{names[0]}')" in text and f"listen tcp4 0.0.0.0:{port}" in text, text
        assert "port-collision" in text and f"pid {holder.pid}" in text, text
        assert "in the piped output" not in text, text
        err = capsys.readouterr().err
        # the piped text's container names say the project first (the engine's working_dir label would too)
        assert f"the piped output names the containers of project '{names[0]}'" in err and PIPED_NOTE in err, err
        compose(docker_engine, root, names[1], "create")
        assert app.guarded(why, WhyOptions(path=root, env=env), io.StringIO()) == 2
        err = capsys.readouterr().err
        assert f"'{names[0]}', '{names[1]}': give the one that failed with -p" in err, err
    finally:
        holder.kill()
        holder.wait()
        for name in names:
            compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")


def test_each_service_held_off_its_loopback_port_is_explained_by_its_own_port(tmp_path: Path, docker_engine: str,
                                                                             image: str) -> None:
    """outline in a second worktree: its postgres and redis, both on 127.0.0.1, held by the first's. Each
    failed service listed both port findings: `127.0.0.1` alone named every loopback port's finding."""
    run = uuid.uuid4().hex[:8]
    first, second = f"doctor-test-{run}-a", f"doctor-test-{run}-b"
    pg, cache = free_port(), free_port()
    text = (f"services:\n  postgres:\n    image: {image}\n    command: [sleep, '300']\n"
            f"    ports: ['127.0.0.1:{pg}:5432']\n  redis:\n    image: {image}\n    command: [sleep, '300']\n"
            f"    ports: ['127.0.0.1:{cache}:6379']\n")
    roots = [tmp_path / "a", tmp_path / "b"]
    for root in roots:
        root.mkdir()
        (root / "compose.yaml").write_text(text)
    try:
        assert compose(docker_engine, roots[0], first, "up", "-d").returncode == 0
        assert compose(docker_engine, roots[1], second, "up", "-d").returncode != 0
        status, report = run_why(roots[1], second)
        assert status == 1, report
        blocks = report.split("✗ ")[1:]
        by_service = {block.split()[0]: block for block in blocks}
        assert set(by_service) == {"postgres", "redis"}, report
        assert f":{pg}/tcp" in by_service["postgres"] and f":{cache}/tcp" not in by_service["postgres"], report
        assert f":{cache}/tcp" in by_service["redis"] and f":{pg}/tcp" not in by_service["redis"], report
    finally:
        for root, name in zip(roots, (first, second), strict=True):
            compose(docker_engine, root, name, "down", "-v", "-t", "0")


def test_a_service_waiting_on_an_unhealthy_one_never_started_by_no_fault_of_its_own(
        tmp_path: Path, docker_engine: str, image: str) -> None:
    """`depends_on: {db: {condition: service_healthy}}` with db unhealthy: app was counted failed, "no
    finding of doctor's checks explains it" (3 of 3 failed, 0 explained on a real stack)."""
    root = tmp_path / "waits"
    with _stack(docker_engine, root,
        f"services:\n  db:\n    image: {image}\n    command: [sleep, '300']\n"
        "    healthcheck:\n      test: [CMD, 'false']\n      interval: 1s\n      retries: 1\n      timeout: 1s\n"
        f"  app:\n    image: {image}\n    command: [sleep, '300']\n"
        "    depends_on:\n      db:\n        condition: service_healthy\n") as name:
        assert compose(docker_engine, root, name, "up", "-d").returncode != 0
        status, text = run_why(root, name)
        assert status == 1, text
        assert "- app  created, never started: compose stopped at 'db' first" in text, text
        assert "1 of 2 services failed · 0 explained by a finding (1 not started)" in text, text


def test_on_a_github_actions_log_why_writes_annotations(tmp_path: Path, docker_engine: str, image: str) -> None:
    """preflight picks the `github` format on an Actions log (GITHUB_ACTIONS=true, no TTY); why printed
    its console checklist there."""
    root = tmp_path / "gh"
    with _stack(docker_engine, root, f"services:\n  app:\n    image: {image}\n"
                                       "    command: [\"sh\", \"-c\", \"echo boom; exit 3\"]\n") as name:
        _up_until(docker_engine, root, name, lambda seen: seen["app"].state == "exited")
        out = io.StringIO()
        status = why(WhyOptions(path=root, project_name=name, env={**os.environ, "GITHUB_ACTIONS": "true"}), out)
        assert status == 1 and out.getvalue().startswith("::error title=why::'app' exited (3): boom"), out.getvalue()


def test_a_service_whose_secret_file_is_missing_is_where_up_stopped(tmp_path: Path, docker_engine: str,
                                                                    image: str) -> None:
    """awesome-compose's nginx-golang-postgres without db/password.txt: `up` creates the others and stops at
    db ("bind source path does not exist"); db was "not created" with no cause, and web counted failed."""
    root = tmp_path / "ngp"
    with _stack(docker_engine, root,
        f"services:\n  web:\n    image: {image}\n    command: [sleep, '300']\n"
        f"  db:\n    image: {image}\n    command: [sleep, '300']\n    secrets: [db-password]\n"
        "secrets:\n  db-password:\n    file: db/password.txt\n") as name:
        assert compose(docker_engine, root, name, "up", "-d").returncode != 0
        status, text = run_why(root, name)
        assert status == 1, text
        assert "✗ db   no container (not created)" in text and "cause    compose-config  " in text, text
        assert "ngp/db/password.txt this secret of 'db' is read from does not exist" in text, text
        # web is created or not, as compose's parallel create reaches it before db's error or not: never failed
        assert "✗ web" not in text and "1 of 2 services failed · 1 explained by a finding" in text, text
