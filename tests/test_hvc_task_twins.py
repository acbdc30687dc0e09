"""host-vs-container names the project's own docker twin of a host target, and `doctor exec` runs it.

vintasoftware/django-react-boilerplate (rendered as `myproj`): its Makefile's `test` runs on the host
(`poetry run backend/manage.py test backend/ $(ARG) --parallel --keepdb`) and `docker_test` runs the
same in 'backend' (`docker compose run --rm backend python manage.py test $(ARG) --parallel --keepdb`).
preflight advised only its own `docker compose run --rm -w /home/user/app backend poetry run ...`
line; it now says `make docker_test` first, and `doctor exec -- make test` runs that target. A target
named so whose recipe runs something else is no twin; nor is an unnamed one naming other paths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer
from test_hvc_exec_make import load, recording_docker

from doctor.execute import execute
from doctor.model import Finding

# the real Makefile's shape (its first targets, then its docker ones), `myproj` as rendered
MAKEFILE = """\
SHELL := /bin/bash # Use bash syntax
ARG := $(word 2, $(MAKECMDGOALS) )

clean:
\t@find . -name "*.pyc" -exec rm -rf {} \\;

test:
\tpoetry run backend/manage.py test backend/ $(ARG) --parallel --keepdb

test_reset:
\tpoetry run backend/manage.py test backend/ $(ARG) --parallel

lint:
\tpoetry run backend/manage.py check --deploy

# Commands for Docker version
docker_setup:
\tdocker volume create myproj_dbdata
\tdocker compose build --no-cache backend frontend
\tdocker compose run --rm backend python manage.py spectacular --color --file schema.yml

docker_test:
\tdocker compose run --rm backend python manage.py test $(ARG) --parallel --keepdb

docker_test_reset:
\tdocker compose run --rm backend python manage.py test $(ARG) --parallel

docker_lint:
\tdocker compose run --rm backend python manage.py makemigrations --check

docker_migrate:
\tdocker compose run --rm backend python manage.py migrate
"""

DOCKERFILE = """\
FROM python:3.12-slim
ENV POETRY_VERSION=2.0.1
RUN groupadd user && useradd --create-home --home-dir /home/user -g user user
RUN pip install "poetry==$POETRY_VERSION"
COPY pyproject.toml /home/user/app/
COPY *poetry.lock /home/user/app/
WORKDIR /home/user/app/
RUN poetry config virtualenvs.create false
RUN poetry install --with dev --no-root --no-interaction --no-ansi
WORKDIR /home/user/app/backend
COPY backend/ /home/user/app/backend
USER user
CMD gunicorn myproj.wsgi --log-file - -b 0.0.0.0:8000 --reload
"""

COMPOSE = """\
services:
  backend:
    build:
      dockerfile: backend/Dockerfile
      context: .
    ports:
      - "8000:8000"
    volumes:
      - ./:/home/user/app/
  celery:
    build:
      dockerfile: backend/Dockerfile
      context: .
    command: celery --app=myproj worker --loglevel=info
    volumes:
      - ./:/home/user/app/
"""

PYPROJECT = """\
[tool.poetry]
name = "myproj"
version = "0.1.0"
package-mode = false

[tool.poetry.dependencies]
python = "^3.12"
doctor-absent-django = "^5.1"
doctor-absent-celery = "^5.4"
"""


def boilerplate(tmp_path: Path, makefile: str = MAKEFILE) -> tuple[Path, dict[str, str], Path]:
    root = tmp_path / "myproj"
    (root / "backend").mkdir(parents=True)
    (root / "Makefile").write_text(makefile)
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "backend" / "Dockerfile").write_text(DOCKERFILE)
    (root / "backend" / "manage.py").write_text("import django\n")
    env, record = recording_docker(tmp_path, "myproj")
    return root, env, record


def findings(root: Path, env: dict[str, str]) -> dict[str, Finding]:
    project, host = load(root, env)
    found = list(HostVsContainer().run(project, host))
    return {f.message.split("make target ", 1)[1].split(")", 1)[0].strip("'"): f for f in found
            if "make target" in f.message}


def test_the_projects_docker_target_is_advised_first(tmp_path: Path) -> None:
    root, env, _ = boilerplate(tmp_path)
    found = findings(root, env)
    fix = found["test"].fix
    assert fix is not None and fix.command == ("make", "docker_test")
    # no engine here: whether 'backend' is up is not known, so doctor's own line is an `exec`
    assert fix.title == ("run `make docker_test`, the project's own target for it (Makefile:23), or as 'docker "
                         "compose exec -w /home/user/app backend poetry run backend/manage.py test backend/ "
                         "--parallel --keepdb' (use 'run --rm' instead of 'exec' if it is not up)")
    reset = found["test_reset"].fix
    assert reset is not None and reset.command == ("make", "docker_test_reset")
    # `docker_lint` runs another manage.py command: named after `lint`, yet no twin of it
    lint = found["lint"].fix
    assert lint is not None and lint.command[0] == "docker" and "make" not in lint.title


def test_a_twin_is_read_from_its_recipe(tmp_path: Path) -> None:
    """A target of any name running the very command (the same paths in the container) is a twin;
    one naming another folder is not."""
    makefile = ("test:\n\tpoetry run backend/manage.py test backend/users --parallel\n\n"
                "ci-users:\n\tdocker compose run --rm -w /home/user/app backend python backend/manage.py test "
                "backend/users --parallel\n\n"
                "check:\n\tpoetry run backend/manage.py test backend/common\n\n"
                "ci-common:\n\tdocker compose run --rm backend python manage.py test users\n")
    root, env, _ = boilerplate(tmp_path, makefile)
    found = findings(root, env)
    fix = found["test"].fix
    assert fix is not None and fix.command == ("make", "ci-users")
    check = found["check"].fix
    assert check is not None and check.command[0] == "docker"


def test_no_twin_leaves_the_advice_as_it_was(tmp_path: Path) -> None:
    makefile = "\n".join(line for line in MAKEFILE.splitlines() if not line.startswith("\tdocker compose run"))
    root, env, _ = boilerplate(tmp_path, makefile + "\n")
    fix = findings(root, env)["test"].fix
    assert fix is not None and fix.command[0] == "docker"
    assert fix.title.startswith("run it as 'docker compose exec -w /home/user/app backend poetry run ")


def calls(record: Path) -> list[list[str]]:
    return [line.rstrip("|").split("|") for line in record.read_text().splitlines()]


def test_exec_runs_the_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capfd: pytest.CaptureFixture[str]) -> None:
    root, env, record = boilerplate(tmp_path)
    monkeypatch.chdir(root)
    project, host = load(root, env)
    assert execute(["make", "test", "ARG=users"], project, host) == 0
    said = capfd.readouterr()
    assert "the project's own target for it, 'docker_test' (Makefile:23), runs it there" in said.err
    # make ran the twin's recipe here: its own `docker compose run`, ARG given through
    assert calls(record) == [["compose", "run", "--rm", "backend", "python", "manage.py", "test", "users",
                              "--parallel", "--keepdb"]]
    record.unlink()
    assert execute(["make", "lint"], project, host) == 0  # no twin: doctor's line in 'backend', as before
    [call] = calls(record)
    assert call[call.index("backend") + 1:] == ["poetry", "run", "backend/manage.py", "check", "--deploy"]
