"""A project script that runs docker itself belongs on the host: `doctor exec` runs it here.

DefectDojo: `doctor exec -f docker-compose.yml -f docker-compose.override.dev.yml -- ./docker/setEnv.sh`
(and `./run-unittest.sh`, whose line 69 is `docker compose exec uwsgi bash -c "python manage.py test ..."`)
printed "running './docker/setEnv.sh' in service 'uwsgi'"; nickjj/docker-flask-example's `./run` (a
wrapper of `docker compose exec web ...`) went into 'web'. Neither image has a docker CLI or an engine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions
from doctor.project.hostscripts import docker_driver

RUN_UNITTEST = """\
#!/usr/bin/env bash
# docker compose exec uwsgi bash -c "python manage.py migrate dojo 0233"
echo "Running docker compose unit tests with test case $TEST_CASE ..."
docker compose exec uwsgi bash -c "python manage.py test $TEST_CASE -v2 --keepdb $FAIL_FAST"
"""
DFE_RUN = """\
#!/usr/bin/env bash
_dc() {
  docker compose "${DC}" ${TTY} "${@}"
}
"""
SET_ENV = """\
#!/bin/bash
override_link='docker-compose.override.yml'
function set_dev {
        rm -f ${override_link}
        docker compose down
}
"""
IN_CONTAINER = """\
#!/bin/sh
# reads docker-compose.override.yml's settings from the environment
python manage.py test "$@"
"""


def defectdojo(tmp_path: Path) -> Path:
    project = tmp_path / "dd"
    (project / "docker").mkdir(parents=True)
    (project / "requirements.txt").write_text("doctor-absent-django\n")
    (project / "Dockerfile.django").write_text(
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "COPY . .\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  uwsgi:\n    build:\n      context: .\n      dockerfile: Dockerfile.django\n"
        "    volumes:\n      - .:/app\n")
    for name, text in (("run-unittest.sh", RUN_UNITTEST), ("run", DFE_RUN), ("docker/setEnv.sh", SET_ENV),
                       ("test-in.sh", IN_CONTAINER)):
        (project / name).write_text(text)
        (project / name).chmod(0o755)
    (project / "manage.py").write_text("import django\n")
    return project


@pytest.mark.parametrize(("argv", "where"), [
    (["./run-unittest.sh"], None),
    (["./docker/setEnv.sh", "dev"], None),
    (["./run", "test"], None),
    (["bash", "run-unittest.sh"], None),
    (["sh", "-c", "docker compose ps"], None),
    (["./test-in.sh"], "uwsgi"),  # its own text runs no docker: where its folder's code is
    (["python", "manage.py", "test"], "uwsgi"),
])
def test_a_script_running_docker_runs_here(tmp_path: Path, argv: list[str], where: str | None) -> None:
    project_dir = defectdojo(tmp_path)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
           "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, project_dir, Project(ProjectOptions(path=project_dir, env=env)), host)
    assert (home.service if home is not None else None) == where


def test_a_compose_file_name_is_not_a_docker_command(tmp_path: Path) -> None:
    """setEnv.sh names `docker-compose.override.yml` everywhere; only its `docker compose down` counts."""
    script = tmp_path / "names.sh"
    script.write_text("#!/bin/sh\nln -s 'docker-compose.override.dev.yml' docker-compose.override.yml\n")
    assert docker_driver("./names.sh", [], tmp_path) is None
    script.write_text('import subprocess\nsubprocess.run(["docker", "compose", "up", "-d"])\n')
    assert docker_driver("python3", ["names.sh"], tmp_path) == "names.sh"


def test_prose_about_docker_drives_nothing() -> None:
    """A script that only says the word (an entrypoint's `echo "Waiting for the docker container to
    start"`) is no host wrapper: it stays a container script for CRLF and for exec."""
    from doctor.project.hostscripts import runs_docker

    assert not runs_docker('#!/bin/sh\necho "Waiting for the docker container to start"\nexec "$@"\n')
    assert not runs_docker("printf 'docker run required'\nls docker-compose.override.yml\n")
    assert runs_docker("set -e; COMPOSE_FILE=a.yml docker compose up -d\n")
    assert runs_docker('subprocess.run(["docker", "compose", "exec", "web", "pytest"])\n')


JOANIE_CONFIG = """#!/usr/bin/env bash
set -eo pipefail
COMPOSE_PROJECT="joanie"

function _set_user() {
    USER_ID=${USER_ID:-$(id -u)}
}

# _docker_compose: wrap docker compose command
function _docker_compose() {
    docker compose \\
        -p "${COMPOSE_PROJECT}" \\
        "$@"
}

function _dc_run() {
    _set_user
    _docker_compose run --rm "$@"
}
"""


@pytest.mark.parametrize(("body", "drives"), [
    ('_dc_run \\\n    -e DJANGO_CONFIGURATION=Test \\\n    app-dev \\\n    pytest "$@"\n', True),
    ('_set_user\npytest "$@"  # _dc_run is not called here\n', False),
])
def test_a_script_calling_a_sourced_function_that_runs_compose_is_a_host_wrapper(tmp_path: Path, body: str,
                                                                                 drives: bool) -> None:
    """openfun/joanie's bin/pytest: `source "$(dirname "${BASH_SOURCE[0]}")/_config.sh"`, then `_dc_run ...
    app-dev pytest "$@"`; _config.sh's _dc_run calls _docker_compose, which runs `docker compose`. It was
    judged a pytest run on the host (`run it in 'app-dev'`: docker inside the container). A script that
    sources the same file and calls only a function running no docker stays a host pytest."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "_config.sh").write_text(JOANIE_CONFIG)
    script = tmp_path / "bin" / "pytest"
    script.write_text('#!/usr/bin/env bash\n\nsource "$(dirname "${BASH_SOURCE[0]}")/_config.sh"\n\n' + body)
    assert (docker_driver("bin/pytest", ["-x"], tmp_path) == "bin/pytest") is drives
    # `. ./bin/_config.sh` from the root, as a Makefile's recipe runs it, is followed the same way
    script.write_text("#!/bin/sh\n. bin/_config.sh\n" + body)
    assert (docker_driver("bin/pytest", [], tmp_path) == "bin/pytest") is drives
