"""`doctor why` where the cause is not in the log: an `up` stopped by a missing external volume, a container
older than the fix, a healthcheck or a `user:` the image cannot run (the compose line is named).

Reproduced on vintasoftware/django-react-boilerplate (external `myproj_dbdata`; `DATABASE_URL=...@postgres`
fixed by `doctor fix`, then `why` said "no finding explains it") and hoppscotch (`user: postgres`,
`pg_isready` in the healthcheck), with the busybox stand-in image.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why
from test_why_live import image as image  # the stand-in image fixture, tagged per test

from doctor.engine import Report
from doctor.host.containers import ContainerState
from doctor.model import Location
from doctor.redact import Redactor
from doctor.why.advice import unexplained
from doctor.why.diagnose import Diagnosis
from doctor.why.render import console_lines
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms


def test_a_failing_healthcheck_probe_is_the_healthcheck_s_fault_not_the_command_s() -> None:
    """`sh: pg_isready: not found` after `healthcheck unhealthy:` matched command-not-found longer, whose
    meaning blamed the service's command and entrypoint."""
    container = ContainerState("abc", "p-db-1", "db", "running", health="unhealthy",
                               health_log="sh: pg_isready: not found\n")
    (symptom,) = match_symptoms(container, BUILTIN)
    assert symptom.signature is not None and symptom.signature.id == "unhealthy"
    assert symptom.signature.setting == ("healthcheck", "test")
    assert "image-availability" in symptom.checks  # command-not-found's check still runs


def test_the_console_names_the_compose_line_to_look_at(tmp_path: Path) -> None:
    container = ContainerState("abc", "p-db-1", "db", "created",
                               error="unable to find user postgres: no matching entries in passwd file")
    (symptom,) = match_symptoms(container, BUILTIN)
    where = Location(tmp_path / "compose.yaml", 7)
    cause = unexplained(symptom, where, "its `user: postgres`, which the image's /etc/passwd lacks")
    lines = list(console_lines(_report(tmp_path), [Diagnosis("db", container, (symptom,), (cause,))],
                               Redactor.from_environment({}), "p", tmp_path))
    assert "    look at  compose.yaml:7  its `user: postgres`, which the image's /etc/passwd lacks" in lines
    assert not any("docker compose logs" in line for line in lines)


def _report(root: Path) -> Report:
    return Report(root, ())


live = pytest.mark.docker  # the unit tests above need no engine


@live
def test_why_names_the_external_volume_up_stopped_at(tmp_path: Path, docker_engine: str, image: str) -> None:
    """Before: exit 2, `project ... has no container on the engine (run 'docker compose up' first)`."""
    run = uuid.uuid4().hex[:8]
    name, volume = f"doctor-test-{run}", f"doctor-test-ext-{run}"
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {image}
    command: ["sleep", "1000"]
    volumes: [dbdata:/data]
volumes:
  dbdata:
    name: {volume}
    external: true
""")
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "not found" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1, text
        assert "compose-config" in _blocks(text)["db"] and "compose.yaml:7" in _blocks(text)["db"], text
        assert f"docker volume create {volume}" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-t", "0")
        subprocess.run([docker_engine, "volume", "rm", "-f", volume], capture_output=True)


@live
def test_why_after_the_fix_says_the_failed_container_is_older_than_it(tmp_path: Path, docker_engine: str,
                                                                     image: str) -> None:
    """The fix rewrote app.env; the exited container still shows `bad address 'postgres'`. Before:
    `cause    no finding of doctor's checks explains it`."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "stack"
    root.mkdir()
    (root / "app.env").write_text("DB_HOST=postgres\n")
    (root / "compose.yaml").write_text(f"""\
services:
  db:
    image: {image}
    command: ["httpd", "-f", "-p", "5432"]
  app:
    image: {image}
    env_file: app.env
    command: ["sh", "-c", "nc -w 2 \\"$$DB_HOST\\" 5432 </dev/null || exit 1; sleep 1000"]
""")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0
        _wait(docker_engine, f"{name}-app-1", "exited")
        status, text = run_why(root, name)
        assert status == 1 and "service-name-drift" in _blocks(text)["app"], text
        time.sleep(1.1)  # the file's mtime after the container's creation, at any clock resolution
        (root / "app.env").write_text("DB_HOST=db\n")  # what `doctor fix` writes
        status, text = run_why(root, name)
        block = _blocks(text)["app"]
        assert status == 1, text
        assert "no finding of doctor's checks explains it" not in block, text
        assert "failed in a container created before " in block and "app.env changed" in block, text
        assert f"-p {name}" in block and block.rstrip().endswith("up -d app"), text
        assert "1 of 2 services failed · 1 explained by a finding" in text, text
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0  # what the fix line says
        _wait(docker_engine, f"{name}-app-1", "running")
        status, text = run_why(root, name)
        assert status == 0 and "all 2 services are up" in text, text
    finally:
        compose(docker_engine, root, name, "down", "-t", "0")


@live
def test_why_names_the_user_line_and_the_healthcheck_line(tmp_path: Path, docker_engine: str, image: str) -> None:
    """hoppscotch-db is profile-only: `why --profile database` reads it. `user: postgres` on an image
    without that user is never started (no log: before, 'look at docker compose logs'); a healthcheck
    whose tool the image lacks was blamed on the service's command."""
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"""\
services:
  probe:
    image: {image}
    command: ["sleep", "1000"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 1s
      retries: 1
  hoppscotch-db:
    profiles: [database]
    image: {image}
    user: postgres
    command: ["sleep", "1000"]
""")
    try:
        compose(docker_engine, root, name, "--profile", "database", "up", "-d")
        _wait(docker_engine, f"{name}-probe-1", "unhealthy", health=True)
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "--profile", "database", "-p", name, "."],
                              cwd=root, capture_output=True, text=True, timeout=120)
        blocks = _blocks(done.stdout)
        assert done.returncode == 1, done
        db = blocks["hoppscotch-db"]
        assert "unable to find user postgres" in db, done.stdout
        assert "look at  compose.yaml:12  its `user: postgres`, which the image's /etc/passwd lacks" in db, db
        assert "docker compose logs" not in db, db
        probe = blocks["probe"]
        assert "means    the container runs but its healthcheck fails" in probe, probe
        assert "look at  compose.yaml:6  the healthcheck's test command" in probe, probe
        assert "command and entrypoint" not in probe, probe
        out = io.StringIO()
        from doctor.why.command import WhyOptions, why

        # without the profile the service is no part of the project read: its lines cannot be named
        why(WhyOptions(path=root, project_name=name, service="probe"), out)
        assert "compose.yaml:6" in out.getvalue()
    finally:
        compose(docker_engine, root, name, "--profile", "database", "down", "-t", "0")


def _wait(docker: str, container: str, state: str, health: bool = False, timeout: float = 60.0) -> None:
    field = "{{.State.Health.Status}}" if health else "{{.State.Status}}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = subprocess.run([docker, "inspect", "-f", field, container], capture_output=True, text=True)
        if done.stdout.strip() == state:
            return
        time.sleep(0.3)
    pytest.fail(f"{container} never became {state}")
