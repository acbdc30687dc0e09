"""`fix --ports` and a host app's URL that a container's healthcheck also starts with.

fastapi/full-stack-fastapi-template: compose.override.yml publishes backend's "8000:8000", compose.yml's
healthcheck runs `curl -f http://localhost:8000/api/v1/utils/health-check/` in the container, and
frontend/.env (read by `npm run dev` on the host, never by compose) sets
`VITE_API_URL=http://localhost:8000`. That URL is the head of the healthcheck's, so the move took it for
what the container runs and left it: the frontend kept calling 8000 after backend moved to 8001.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.port_collision.fix import PortMove, port_fix
from doctor.checks.port_collision.follow import runs_it
from test_portfix import host_with, load, only_mapping

COMPOSE = ('services:\n  backend:\n    image: backend:dev\n    ports: ["8000:8000"]\n'
           '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/api/v1/utils/health-check/"]\n')


def _move(tmp_path: Path, compose: str = COMPOSE, dotenv: str | None = None) -> PortMove:
    project = load(tmp_path, compose, dotenv)
    move = port_fix(project, host_with({8000}), "backend", only_mapping(project, "backend"),
                    ports_range=(20000, 20010), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000
    return move


def test_the_frontends_api_url_follows_past_the_healthchecks_longer_url(tmp_path: Path) -> None:
    frontend = tmp_path / "p" / "frontend"
    frontend.mkdir(parents=True)
    (frontend / "package.json").write_text("{}\n")
    (frontend / ".env").write_text("VITE_API_URL=http://localhost:8000\nMAILPIT_HOST=http://localhost:8025\n")
    move = _move(tmp_path)
    assert [(e.line, e.new) for e in move.edits if e.path == frontend / ".env"] == [
        (1, "VITE_API_URL=http://localhost:20000")]  # not the mail catcher's 8025
    assert "VITE_API_URL in frontend/.env follows to localhost:20000" in move.title, move.title


def test_an_env_file_compose_does_not_read_never_feeds_what_a_container_runs(tmp_path: Path) -> None:
    # the healthcheck's whole text is the value, yet no compose interpolation reaches frontend/.env
    compose = COMPOSE.replace('["CMD", "curl", "-f", "http://localhost:8000/api/v1/utils/health-check/"]',
                              '["CMD-SHELL", "http://localhost:8000"]')
    frontend = tmp_path / "p" / "frontend"
    frontend.mkdir(parents=True)
    (frontend / "package.json").write_text("{}\n")
    (frontend / ".env").write_text("VITE_API_URL=http://localhost:8000\n")
    move = _move(tmp_path, compose)
    assert [e.new for e in move.edits if e.path == frontend / ".env"] == ["VITE_API_URL=http://localhost:20000"]


def test_the_root_envs_url_follows_and_the_healthcheck_it_gives_stays(tmp_path: Path) -> None:
    # compose reads the root .env: a value the healthcheck interpolates as a whole stays, a URL it only
    # starts with follows
    compose = COMPOSE.replace('["CMD", "curl", "-f", "http://localhost:8000/api/v1/utils/health-check/"]',
                              '"${HEALTHCHECK:-true} && curl -f http://localhost:8000/api/v1/utils/health-check/"')
    dotenv = "HEALTHCHECK=curl localhost:8000/up\nVITE_API_URL=http://localhost:8000\n"
    move = _move(tmp_path, compose, dotenv)
    assert [(e.line, e.new) for e in move.edits if e.path.name == ".env"] == [
        (2, "VITE_API_URL=http://localhost:20000")]


@pytest.mark.parametrize(("value", "runs"), [
    ("curl localhost:8000/up", True),  # docker-django-example's healthcheck, the whole run
    ("localhost:8000", True),  # a word of it
    ("http://localhost:8000", False),  # the head of the healthcheck's longer URL
    ("localhost:800", False), ("", False)])
def test_a_value_runs_in_a_container_only_as_whole_words(value: str, runs: bool) -> None:
    assert runs_it(value, ["curl localhost:8000/up", "sh -c 'wget localhost:8000 && true'"]) is runs
