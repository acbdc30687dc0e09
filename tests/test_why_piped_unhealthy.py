"""`docker compose up -d 2>&1 | doctor why` when a dependency's healthcheck failed (testdrivenio/django-on-docker
layout with a postgres healthcheck and `condition: service_healthy`, audit 2026-12).

Before: compose's `dependency failed to start: container proj-db-1 is unhealthy` piped in, its containers gone, said
"compose reports the service's container failed; the piped output has none of its log" and "look at the service's
log (`docker compose logs` and its name)": a log of containers no longer there, where the container's own read of
the same failure (`healthcheck unhealthy`) points to the healthcheck's `test:` line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from why_run import run_why

# testdrivenio/django-on-docker's docker-compose.yml (MIT), with the healthcheck its users add for service_healthy
COMPOSE = """\
services:
  web:
    build: ./app
    command: python manage.py runserver 0.0.0.0:8000
    volumes:
      - ./app/:/usr/src/app/
    ports:
      - 8000:8000
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:15
    volumes:
      - postgres_data:/var/lib/postgresql/data/
    environment:
      - POSTGRES_USER=hello_django
      - POSTGRES_PASSWORD=hello_django
      - POSTGRES_DB=hello_django_dev
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}"]
      interval: 1s
      timeout: 2s
      retries: 3

volumes:
  postgres_data:
"""
# what compose v2.40 wrote to the pipe
UP = """\
 Container audit-why-f-db-1  Creating
 Container audit-why-f-db-1  Created
 Container audit-why-f-web-1  Creating
 Container audit-why-f-web-1  Created
 Container audit-why-f-db-1  Starting
 Container audit-why-f-db-1  Started
 Container audit-why-f-db-1  Waiting
 Container audit-why-f-db-1  Error
dependency failed to start: container audit-why-f-db-1 is unhealthy
"""


@pytest.mark.parametrize("text", [UP, " ✘ Container audit-why-f-db-1  Unhealthy\n"])
def test_a_dependency_piped_as_unhealthy_points_to_its_healthcheck(tmp_path: Path, text: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "app").mkdir()
    done = run_why(tmp_path, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ db   unhealthy, in the piped output" in out, out
    assert "means    compose waited for the service's healthcheck to pass and it failed" in out, out
    assert "look at  docker-compose.yml:21  the healthcheck's test command" in out, out
    assert "the piped output has none of it" not in out, out
    assert "- web  not started: it depends on 'db', which failed" in out, out


def test_an_exit_piped_in_still_asks_for_the_log(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "app").mkdir()
    done = run_why(tmp_path, "dependency failed to start: container audit-why-f-db-1 exited (1)\n")
    assert "✗ db   exited (1), in the piped output" in done.stdout, done
    assert "the piped output has none of it" in done.stdout, done.stdout


@pytest.mark.parametrize("text", [UP, " ✘ Container audit-why-f-db-1  Unhealthy\n"])
def test_an_unhealthy_dependency_in_json_has_no_exit_code(tmp_path: Path, text: str) -> None:
    """`"exit_code": 0` said the probe's container exited with 0, where it ran (compose's `... is unhealthy`, of a
    real v2.40 `up -d` with a failing healthcheck): null; an exit piped in keeps its code."""
    import json

    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "app").mkdir()
    symptoms = {f["symptom"]["service"]: f["symptom"] for f in json.loads(
        run_why(tmp_path, text, "--format", "json").stdout)["findings"] if f.get("symptom")}
    assert symptoms["db"]["state"] == "unhealthy, in the piped output", symptoms
    assert symptoms["db"]["exit_code"] is None, symptoms
    exited = json.loads(run_why(tmp_path, "dependency failed to start: container audit-why-f-db-1 exited (1)\n",
                                "--format", "json").stdout)["findings"]
    assert [f["symptom"]["exit_code"] for f in exited if f.get("symptom")] == [1], exited


@pytest.mark.parametrize(("state", "health", "code"), [("running", "unhealthy", None), ("created", "", None),
                                                      ("restarting", "", 1), ("exited", "", 1)])
def test_a_container_s_exit_code_is_null_where_none_exited(state: str, health: str, code: int | None) -> None:
    """Live, the engine reports ExitCode 0 for a running or never-started container: no exit, so null."""
    from doctor.host.containers import ContainerState
    from doctor.why.signatures import BUILTIN
    from doctor.why.symptoms import match_symptoms

    container = ContainerState(id="c", name="p-db-1", service="db", state=state, exit_code=0 if code is None else code,
                               health=health, restart_count=5 if state == "restarting" else 0, log_tail=("boom",))
    assert {s.as_dict()["exit_code"] for s in match_symptoms(container, BUILTIN)} == {code}
