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
