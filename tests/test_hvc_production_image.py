"""host-vs-container on mealie's own layout (mealie-recipes/mealie at b5643a9, run from docker/).

Its docker/docker-compose.yml builds the Dockerfile's `production` stage (`ENV PRODUCTION=true`,
`poetry install -E pgsql --only main`, mealie/ and alembic/ COPYd, no bind mount), and its Taskfile's
`poetry run pytest`, `poetry run python -m mkdocs serve`, `poetry run python dev/code-generation/main.py`
run in the environment `task setup:py` (`poetry install --with main,dev,postgres`) makes on the host, or
in its devcontainer (.devcontainer/devcontainer.json, whose onCreateCommand runs `task setup`). doctor
advised all eight into the production service `mealie` (`install 'pytest' in the image (a dev stage ...),
then run it as docker compose run --build --rm -v ../tests:/app/tests ... mealie poetry run pytest`): an
image with no tests, no dev/ and no dev dependencies, which the project never runs them in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.command_home import belongs_in
from doctor.project.service_home import service_homes

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"

TASKFILE = """\
version: "3"
tasks:
  setup:py:
    cmds:
      - poetry install --with main,dev,postgres
  py:test:
    cmds:
      - poetry run pytest {{ .CLI_ARGS }}
  docs:
    dir: docs
    cmds:
      - poetry run python -m mkdocs serve
  dev:generate:
    cmds:
      - poetry run python dev/code-generation/main.py
  py:migrate:
    cmds:
      - poetry run alembic revision --autogenerate -m "{{ .CLI_ARGS }}"
  py:
    cmds:
      - poetry run python mealie/app.py
"""

# mealie's docker/Dockerfile (b5643a9), trimmed to its Python stages
DOCKERFILE = """\
FROM python:3.10-slim as python-base
ENV MEALIE_HOME="/app"
ENV POETRY_HOME="/opt/poetry" POETRY_VIRTUALENVS_IN_PROJECT=true PYSETUP_PATH="/opt/pysetup" \\
    VENV_PATH="/opt/pysetup/.venv"
ENV PATH="$POETRY_HOME/bin:$VENV_PATH/bin:$PATH"

FROM python-base as builder-base
RUN curl -sSL https://install.python-poetry.org | python3 -
WORKDIR $PYSETUP_PATH
COPY ./poetry.lock ./pyproject.toml ./
RUN poetry install -E pgsql --only main

FROM python-base as production
ENV PRODUCTION=true
ENV TESTING=false
COPY --from=builder-base $POETRY_HOME $POETRY_HOME
COPY --from=builder-base $PYSETUP_PATH $PYSETUP_PATH
COPY ./mealie $MEALIE_HOME/mealie
COPY ./poetry.lock ./pyproject.toml $MEALIE_HOME/
COPY ./alembic $MEALIE_HOME/alembic
WORKDIR $MEALIE_HOME
RUN . $VENV_PATH/bin/activate && poetry install -E pgsql --only main
WORKDIR /
COPY ./docker/entry.sh $MEALIE_HOME/run.sh
ENTRYPOINT ["/app/run.sh"]
"""

COMPOSE = """\
services:
  mealie:
    container_name: mealie
    image: mealie:dev
    build:
      context: ../
      target: production
      dockerfile: ./docker/Dockerfile
    volumes:
      - mealie-data:/app/data/
    ports:
      - 9091:9000
volumes:
  mealie-data:
"""

DEVCONTAINER = """\
// For format details, see https://aka.ms/devcontainer.json
{
  "name": "Python 3",
  "build": {"dockerfile": "Dockerfile", "context": ".."},
  "onCreateCommand": "task setup",
  "remoteUser": "vscode"
}
"""


def mealie(tmp_path: Path, *, devcontainer: bool = True, compose: str = COMPOSE,
           taskfile: str = TASKFILE, dockerfile: str = DOCKERFILE) -> Path:
    root = tmp_path / "mealie"
    for folder in ("mealie", "alembic", "dev/code-generation", "docs", "tests", "docker"):
        (root / folder).mkdir(parents=True)
    (root / "mealie" / "app.py").write_text("import doctor_absent_fastapi\n")
    (root / "dev" / "code-generation" / "main.py").write_text("import doctor_absent_fastapi\n")
    (root / "tests" / "test_x.py").write_text("import doctor_absent_fastapi\n")
    (root / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    (root / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "mealie"\nversion = "1"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
        'doctor-absent-fastapi = "^0.1"\ndoctor-absent-alembic = "^1"\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\ncoverage = "^7"\nmkdocs-material = "^9"\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    (root / "poetry.lock").write_text("")
    (root / "Taskfile.yml").write_text(taskfile)
    (root / "docker" / "entry.sh").write_text('#!/bin/bash\nexec "$@"\n')
    (root / "docker" / "Dockerfile").write_text(dockerfile)
    (root / "docker" / "docker-compose.yml").write_text(compose)
    if devcontainer:
        (root / ".devcontainer").mkdir()
        (root / ".devcontainer" / "devcontainer.json").write_text(DEVCONTAINER)
        (root / ".devcontainer" / "Dockerfile").write_text("FROM mcr.microsoft.com/devcontainers/python:3.10\n")
    return root


def load(root: Path) -> tuple[Project, Host]:
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(root.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return Project(ProjectOptions(path=root / "docker", env=env)), host


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    project, host = load(root)
    return {f.subject.partition(":")[2]: f for f in HostVsContainer().run(project, host)}


def test_tasks_for_the_host_are_not_advised_into_a_production_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mealie as shipped: a production build, a devcontainer, `poetry run` tasks: nothing goes to 'mealie'."""
    root = mealie(tmp_path)
    assert findings(root, monkeypatch) == {}
    # `doctor exec -- poetry run pytest` follows the same rule: it runs here
    project, host = load(root)
    homes = service_homes(project, host.packages)
    assert belongs_in("poetry", ["run", "pytest"], root, homes, project.root) is None


def test_a_command_run_through_poetry_is_the_hosts_without_a_devcontainer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`poetry run` names the environment the project makes for itself; a plain `python` script is still
    advised into the production service when nothing else says where the project develops."""
    taskfile = TASKFILE + "  seed:\n    cmds:\n      - python mealie/app.py\n"
    found = findings(mealie(tmp_path, devcontainer=False, taskfile=taskfile), monkeypatch)
    assert list(found) == ["python mealie/app.py"]
    assert found["python mealie/app.py"].message.endswith("run it in 'mealie'")


def test_a_devcontainer_is_where_a_production_image_projects_commands_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taskfile = 'version: "3"\ntasks:\n  test:\n    cmds:\n      - pytest tests\n'
    assert findings(mealie(tmp_path / "a", taskfile=taskfile), monkeypatch) == {}
    # without the devcontainer nothing says the host: the production service is still named
    assert list(findings(mealie(tmp_path / "b", devcontainer=False, taskfile=taskfile), monkeypatch)) == [
        "pytest tests"]


@pytest.mark.parametrize("compose", [
    # no target: the Dockerfile's last stage, `production`, is built all the same
    COMPOSE.replace("      target: production\n", ""),
    # another name, and the stage's own flag: `ENV PRODUCTION=true`
    COMPOSE.replace("target: production", "target: app"),
])
def test_the_built_stage_says_production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compose: str) -> None:
    dockerfile = DOCKERFILE.replace("as production", "as app") if "target: app" in compose else DOCKERFILE
    assert findings(mealie(tmp_path, compose=compose, dockerfile=dockerfile), monkeypatch) == {}


@pytest.mark.parametrize(("compose", "dockerfile"), [
    # a dev stage: the service is where the project develops (its tasks still go there)
    (COMPOSE.replace("target: production", "target: dev"),
     DOCKERFILE.replace("as production", "as dev").replace("ENV PRODUCTION=true\n", "")),
    # the production stage with the code bind-mounted: a development service built from it
    (COMPOSE.replace("      - mealie-data:/app/data/\n", "      - ../mealie:/app/mealie\n"), DOCKERFILE),
])
def test_a_development_service_still_takes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compose: str,
                                                dockerfile: str) -> None:
    found = findings(mealie(tmp_path, compose=compose, dockerfile=dockerfile), monkeypatch)
    assert "poetry run pytest" in found and found["poetry run pytest"].message.endswith(
        "pyproject.toml lists it for development)")


def test_a_devcontainer_running_the_service_itself_is_no_other_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A devcontainer that is this very service (`dockerComposeFile` and `service: mealie`) says nothing
    of where else the project develops."""
    root = mealie(tmp_path, taskfile='version: "3"\ntasks:\n  test:\n    cmds:\n      - pytest tests\n')
    (root / ".devcontainer" / "devcontainer.json").write_text(
        '{"dockerComposeFile": "../docker/docker-compose.yml", "service": "mealie", "workspaceFolder": "/app"}\n')
    assert list(findings(root, monkeypatch)) == ["pytest tests"]
