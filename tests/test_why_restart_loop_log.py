"""`doctor why` on a service in a restart loop whose log no signature reads: umami's docker-compose.yml (`db:
restart: always`, umami waiting on it with `condition: service_healthy`) with a postgres that exits at every start
saying `initdb: error: directory "/var/lib/postgresql/data" exists but is not empty`.

Before: only `container is restarting: 7 restarts` and "look at the first error in `docker compose logs db`", though
why had read that log; now the error the loop repeats is a symptom of its own, below the loop.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why, wait_restarts

from doctor.host.containers import ContainerState
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms

INITDB = 'initdb: error: directory "/var/lib/postgresql/data" exists but is not empty'


def _db(*log: str, restarts: int = 7) -> ContainerState:
    return ContainerState(id="c", name="umami-db-1", service="db", state="restarting", exit_code=1,
                          restart_count=restarts, log_tail=log)


def test_the_error_a_restart_loop_repeats_is_a_symptom_beside_it() -> None:
    log = ("The files belonging to this database system will be owned by user \"postgres\".", INITDB,
           "If you want to create a new database system, either remove or empty", "the directory \"/var/lib/...\"")
    symptoms = match_symptoms(_db(*log), BUILTIN)
    assert [s.signature.id if s.signature else "" for s in symptoms] == ["restart-loop", "exited-log"], symptoms
    assert symptoms[1].line == INITDB  # the latest line that reads as an error, not the hint after it
    # no line reads as an error: the latest
    assert match_symptoms(_db("starting", "bye"), BUILTIN)[1].line == "bye"
    # an empty log: the loop, and that it exits printing nothing (tests/test_why_silent_exit.py)
    silent = "exited (1) with no line in its log (it printed nothing, or the engine did not give its log)"
    assert [s.line for s in match_symptoms(_db(), BUILTIN)] == ["container is restarting: 7 restarts", silent]
    # a line a signature reads is that signature's symptom: no second reading of the log
    refused = "connection to server at \"db\" (172.18.0.2), port 5432 failed: Connection refused"
    ids = [s.signature.id if s.signature else "" for s in match_symptoms(_db(refused), BUILTIN)]
    assert "exited-log" not in ids and "restart-loop" in ids, ids


UMAMI = """\
services:
  umami:
    image: {image}
    command: [sleep, '300']
    depends_on:
      db:
        condition: service_healthy
  db:
    image: {image}
    command: ["sh", "-c", "echo '{initdb}'; exit 1"]
    restart: always
    healthcheck:
      test: ["CMD-SHELL", "true"]
      interval: 1s
      retries: 2
"""


@pytest.mark.docker
def test_live_why_quotes_what_the_looping_db_says(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    root = tmp_path / "umami"
    root.mkdir()
    (root / "docker-compose.yml").write_text(UMAMI.format(image=busybox_image, initdb=INITDB.replace('"', '\\"')))
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0, up.stderr
        wait_restarts(docker_engine, f"{name}-db-1", 3)  # the loop shows after a growing delay
        status, text = run_why(root, name)
        assert status == 1, text
        db = _blocks(text)["db"]
        assert "container is restarting" in db and f"symptom  {INITDB}" in db, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans")
