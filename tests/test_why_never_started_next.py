"""`doctor why` on a service compose created and never started because what it waits on failed, whose host port
another track's container also holds: the dependency first, the held port what fails next.

umami's docker-compose.yml (tests/replay/umami): umami waits on `db` (`condition: service_healthy`), and db, under
`restart: always`, exits at every start. A second checkout of the same project (another track) runs its umami on
the same host port. Live, why said of umami `cause  port-collision  docker-compose.yml:6  ... is taken by
'track-a' service 'umami'` (with that fix), though umami never tried to start: it waited on db, as the piped reading
says (`not started: it depends on 'db'`). It is now `created, never started: compose stopped at 'db' first`, with
the `depends_on` it waited on, and the held port below as `then` (what stops its start once db is up), no cause.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, free_port, run_why, wait_restarts
from test_why_live import image as image  # the stand-in image fixture, tagged per test

from doctor.host.containers import ContainerState
from doctor.model import Location, Severity
from doctor.why.diagnose import Diagnosis, Explained, stopped_by
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms

REPLAY = Path(__file__).parent / "replay" / "umami"
HELD = "0.0.0.0:3000/tcp ('umami') is taken by 'track-a' service 'umami' (container track-a-umami-1)"


def _umami(waits_on: str) -> Diagnosis:
    container = ContainerState(id="u", name="track-b-umami-1", service="umami", state="created", exit_code=0)
    (symptom,) = match_symptoms(container, BUILTIN, waits_on)
    held = Explained("port-collision", Severity.ERROR, f"{HELD} (explains 'umami' ...)",
                     Location(Path("docker-compose.yml"), 6), "port:3000/tcp", symptom=symptom)
    return Diagnosis("umami", container, (symptom,), (held,))


def test_a_held_port_is_no_cause_of_a_service_that_waits_on_a_failed_one() -> None:
    db = Diagnosis("db", ContainerState(id="d", name="track-b-db-1", service="db", state="restarting", exit_code=1,
                                        restart_count=7))
    umami = _umami("'db' (restarting, 7 restarts)")
    _, after = stopped_by([db, umami])
    assert after.stopped_at == ("db",) and not after.failed and after.explained == (), after
    assert [e.check for e in after.then] == ["port-collision"], after
    # waiting on nothing that failed (`docker compose create`): the held port is still what stops it
    alone = stopped_by([_umami("")])
    assert alone[0].stopped_at == () and [e.check for e in alone[0].explained] == ["port-collision"], alone


@pytest.mark.parametrize(("db", "waits"), [
    # seen between two exits of its restart loop: running, not yet healthy, and umami waits for service_healthy
    (ContainerState(id="d", name="b-db-1", service="db", state="running", exit_code=0, restart_count=2,
                    health="starting"), "'db' (running, 2 restarts, starting)"),
    (ContainerState(id="d", name="b-db-1", service="db", state="running", exit_code=0, health="healthy"), ""),
])
def test_a_dependency_short_of_its_condition_is_what_a_never_started_service_waits_on(
        db: ContainerState, waits: str) -> None:
    # the live test above caught db between two exits of its loop (`running, 2 restarts, starting`), where
    # waits_on asked only whether db had failed: umami was then "stopped first" with its held port for the cause
    import os

    from doctor.project import Project, ProjectOptions
    from doctor.why.from_engine import waits_on

    project = Project(ProjectOptions(path=REPLAY, env={"PATH": os.environ.get("PATH", "")}, cwd=REPLAY))
    umami = ContainerState(id="u", name="b-umami-1", service="umami", state="created", exit_code=0)
    assert waits_on(umami, [db, umami], project) == waits


def _copy(root: Path, image: str, port: int, override: str) -> Path:
    """A checkout of umami on the stand-in image (no CMD of its own: each service's command is the override's)."""
    shutil.copytree(REPLAY, root)
    text = (root / "docker-compose.yml").read_text()
    text = (text.replace("ghcr.io/umami-software/umami:latest", image).replace("postgres:15-alpine", image)
            .replace('"3000:3000"', f'"{port}:3000"'))
    (root / "docker-compose.yml").write_text(text)
    (root / "compose.override.yaml").write_text(override)
    return root


@pytest.mark.docker
def test_live_the_dependency_comes_first_and_the_held_port_next(tmp_path: Path, docker_engine: str,
                                                                image: str) -> None:
    run = uuid.uuid4().hex[:8]
    port = free_port()
    a = _copy(tmp_path / "track-a", image, port,
              "services:\n  umami:\n    command: [httpd, -f, -p, '3000']\n")
    b = _copy(tmp_path / "track-b", image, port,
              "services:\n  umami:\n    command: [httpd, -f, -p, '3000']\n  db:\n"
              "    command: [sh, -c, 'echo initdb: error: directory exists but is not empty; exit 1']\n")
    names = f"doctor-test-{run}-a", f"doctor-test-{run}-b"
    try:
        assert compose(docker_engine, a, names[0], "up", "-d", "--no-deps", "umami").returncode == 0
        up = compose(docker_engine, b, names[1], "up", "-d")
        assert up.returncode != 0 and "unhealthy" in up.stderr, up.stderr  # db never gets healthy
        wait_restarts(docker_engine, f"{names[1]}-db-1", 2)  # the loop shows after a growing delay
        status, text = run_why(b, names[1])
        assert status == 1, text
        umami = _blocks(text)["umami"]
        assert umami.startswith("- umami  created, never started: compose stopped at 'db' first"), text
        assert "/docker-compose.yml:12  depends_on: db: condition: service_healthy" in umami, text
        assert "cause" not in umami and "    then     port-collision  " in umami, text
        assert "/docker-compose.yml:6\n" in umami, text
        assert f"is taken by '{names[0]}' service 'umami'" in umami and "once 'db' is up" in umami, text
        assert "restarting" in _blocks(text)["db"], text
        status, out = run_why(b, names[1], fmt="json")
        facts = {s["service"]: s for s in json.loads(out)["facts"]["services"]}
        assert not facts["umami"]["failed"] and [t["check"] for t in facts["umami"]["then"]] == ["port-collision"]
        assert "port-collision" not in [f["check"] for f in json.loads(out)["findings"]], out
    finally:
        for root, name in ((b, names[1]), (a, names[0])):
            compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
