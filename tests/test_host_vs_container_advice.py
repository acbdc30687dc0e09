"""host-vs-container: advice that works in the container as written (entrypoint, image installs, paths).

Each case is the minimal shape of a real project a reviewer ran the advice on; the upstream
project is named on the test.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"
# distributions no host interpreter has: the service is where the command belongs
ABSENT = "doctor-absent-web\ndoctor-absent-cache\n"


def run(project: Path, monkeypatch: pytest.MonkeyPatch, running: bool | None = False) -> list[Finding]:
    """The check's findings, the service up (`exec`), down (`run`) or unknown (None)."""
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: running)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def typed(finding: Finding) -> str:
    """The fix's command as the developer types it in the project folder."""
    assert finding.fix is not None
    argv = list(finding.fix.command)
    verb = next(i for i, word in enumerate(argv) if word in ("run", "exec"))
    return shlex.join(["docker", "compose", *argv[verb:]])


# --- 1. the image's ENTRYPOINT -------------------------------------------------------------------

FLASK_REDIS_DOCKERFILE = (
    "# syntax=docker/dockerfile:1.4\nFROM --platform=$BUILDPLATFORM python:3.10-alpine AS builder\n\n"
    "WORKDIR /code\n\nCOPY requirements.txt /code\nRUN --mount=type=cache,target=/root/.cache/pip \\\n"
    "    pip3 install -r requirements.txt\n\nCOPY . /code\n\n{entrypoint}CMD [\"app.py\"]\n\n"
    "FROM builder as dev-envs\n\nRUN <<EOF\napk update\napk add git bash\nEOF\n")


def flask_redis(tmp_path: Path, entrypoint: str = 'ENTRYPOINT ["python3"]\n', compose_extra: str = "",
                script: str | None = None) -> Path:
    """docker/awesome-compose flask-redis: `target: builder`, `.:/code`, ENTRYPOINT ["python3"]; pytest
    is in its requirements here so only the entrypoint is judged."""
    project = tmp_path / "fr"
    (project / "tests").mkdir(parents=True)
    (project / "Dockerfile").write_text(FLASK_REDIS_DOCKERFILE.format(entrypoint=entrypoint))
    (project / "requirements.txt").write_text(f"flask\nredis\npytest\n{ABSENT}")
    (project / "app.py").write_text("import redis\nfrom flask import Flask\n")
    (project / "compose.yaml").write_text(
        "services:\n  redis:\n    image: redislabs/redismod\n  web:\n    build:\n      context: .\n"
        f"      target: builder\n    stop_signal: SIGINT\n{compose_extra}    volumes:\n      - .:/code\n")
    (project / "Makefile").write_text("test:\n\tpython -m pytest tests\n")
    if script is not None:
        (project / "docker-entrypoint.sh").write_text(script)
    return project


def test_an_interpreter_entrypoint_is_replaced_for_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """awesome-compose flask-redis: `run --rm web python -m pytest tests` ran `python3 python -m pytest
    tests` ("can't open file '/code/python'")."""
    [finding] = run(flask_redis(tmp_path), monkeypatch)
    assert typed(finding) == "docker compose run --rm --entrypoint '' web python -m pytest tests"
    assert finding.fix is not None
    assert finding.fix.title == "run it as `docker compose run --rm --entrypoint '' web python -m pytest tests`"


def test_exec_keeps_the_entrypoint_and_its_run_alternative_replaces_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `exec` never goes through the entrypoint; the `run` the title offers for a service not up does
    project = flask_redis(tmp_path)
    [up] = run(project, monkeypatch, running=True)
    assert typed(up) == "docker compose exec web python -m pytest tests"
    [unknown] = run(project, monkeypatch, running=None)
    assert unknown.fix is not None and unknown.fix.title == (
        "run it as 'docker compose exec web python -m pytest tests' "
        "(use `run --rm --entrypoint ''` instead of 'exec' if it is not up)")


@pytest.mark.parametrize(("entrypoint", "compose_extra", "replaced"), [
    ('ENTRYPOINT ["python3"]\n', "", True),
    ('ENTRYPOINT ["python3", "app.py"]\n', "", True),
    ("", "    entrypoint: python3\n", True),  # compose's entrypoint: the image's is not used
    ("", "    entrypoint: [\"/usr/local/bin/python\"]\n", True),
    ("", "    entrypoint: [\"sh\", \"-c\", \"python app.py\"]\n", True),  # the command's words are $0, $1...
    ('ENTRYPOINT ["gosu", "app", "python3"]\n', "", True),
    # voting-app's result: a compose entrypoint running the dev server
    ("", "    entrypoint: nodemon --inspect=0.0.0.0 server.js\n", True),
    ("", "", False),  # no entrypoint: the command runs as written
    ('ENTRYPOINT ["python3"]\n', "    entrypoint: []\n", False),  # compose drops the image's
    ('ENTRYPOINT ["/usr/bin/tini", "--"]\n', "", False),  # a wrapper hands the command on
    ('ENTRYPOINT ["dumb-init", "--"]\n', "", False),
    ('ENTRYPOINT ["poetry", "run"]\n', "", False),
    ('ENTRYPOINT ["sh", "-c", "exec \\"$@\\"", "--"]\n', "", False),
    ('ENTRYPOINT ["/code/docker-entrypoint.sh"]\n', "", False),  # a script ending in `exec "$@"`
    ('ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\n', "", False),  # a base image's script
])
def test_only_an_entrypoint_that_takes_the_command_for_arguments_is_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entrypoint: str, compose_extra: str,
        replaced: bool) -> None:
    project = flask_redis(tmp_path, entrypoint, compose_extra,
                          script='#!/bin/sh\nset -e\nflask db upgrade\nexec "$@"\n')
    [finding] = run(project, monkeypatch)
    expected = "--entrypoint '' web" if replaced else "--rm web"
    assert expected in typed(finding), typed(finding)
    assert typed(finding).endswith("web python -m pytest tests")


# --- 2. a tool the image does not install ------------------------------------------------------

DJANGO_ON_DOCKER_DOCKERFILE = (
    "# pull official base image\nFROM python:3.11.4-slim-buster\n\nWORKDIR /usr/src/app\n\n"
    "ENV PYTHONDONTWRITEBYTECODE 1\nENV PYTHONUNBUFFERED 1\n\nRUN apt-get update && apt-get install -y netcat\n\n"
    "RUN pip install --upgrade pip\nCOPY ./requirements.txt .\n{install}\n\nCOPY ./entrypoint.sh .\n"
    "RUN sed -i 's/\\r$//g' /usr/src/app/entrypoint.sh\nRUN chmod +x /usr/src/app/entrypoint.sh\n\n"
    "COPY . .\n\nENTRYPOINT [\"/usr/src/app/entrypoint.sh\"]\n")


def django_on_docker(tmp_path: Path, requirements: str = "Django==4.2.3\ngunicorn==21.2.0\npsycopg2-binary==2.9.6\n",
                     install: str = "RUN pip install -r requirements.txt", base: str | None = None) -> Path:
    """testdrivenio/django-on-docker: app/requirements.txt holds Django, gunicorn and psycopg2, the
    image installs it alone, `./app/:/usr/src/app/`; the Makefile's `pytest app` found no pytest there."""
    project = tmp_path / "dod"
    (project / "app" / "upload").mkdir(parents=True)
    dockerfile = DJANGO_ON_DOCKER_DOCKERFILE.format(install=install)
    if base is not None:
        dockerfile = dockerfile.replace("python:3.11.4-slim-buster", base)
    (project / "app" / "Dockerfile").write_text(dockerfile)
    (project / "app" / "requirements.txt").write_text(requirements + ABSENT)
    (project / "app" / "entrypoint.sh").write_text(
        '#!/bin/sh\n\npython manage.py flush --no-input\npython manage.py migrate\n\nexec "$@"\n')
    (project / "app" / "manage.py").write_text("import django\n")
    (project / "app" / "upload" / "tests.py").write_text("from django.test import TestCase\n")
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./app\n    command: python manage.py runserver 0.0.0.0:8000\n"
        "    volumes:\n      - ./app/:/usr/src/app/\n  db:\n    image: postgres:15\n")
    (project / "Makefile").write_text("lint:\n\tpytest app\n")
    return project


def test_a_test_runner_no_installed_requirements_file_lists_is_added_to_the_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """django-on-docker: `run --rm web pytest /usr/src/app` failed with `exec: pytest: not found`."""
    [finding] = run(django_on_docker(tmp_path), monkeypatch, running=None)
    assert finding.message.endswith(
        ": run it in 'web'; its image does not install 'pytest' either (app/requirements.txt, which it "
        "installs, does not list it)")
    assert finding.fix is not None
    assert finding.fix.title == (
        "add 'pytest' to app/requirements.txt (or to a dev requirements file the image installs), then run it "
        "as `docker compose run --build --rm --entrypoint '' web pytest /usr/src/app` (`--entrypoint ''`: a `run` "
        "starts the entrypoint first, and app/entrypoint.sh:3 runs `python manage.py flush --no-input` (Django's "
        "flush: deletes every row of the database))")
    # the entrypoint script hands the command on (`exec "$@"`), but flushes the database first: it is skipped
    assert typed(finding) == "docker compose run --build --rm --entrypoint '' web pytest /usr/src/app"


def test_python_m_names_the_module_the_image_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # awesome-compose flask-redis as upstream: requirements.txt is flask and redis, no pytest
    project = flask_redis(tmp_path)
    (project / "requirements.txt").write_text(f"flask\nredis\n{ABSENT}")
    [finding] = run(project, monkeypatch)
    assert finding.message.endswith("its image does not install 'pytest' either (requirements.txt, which it "
                                    "installs, does not list it)")
    assert typed(finding) == "docker compose run --build --rm --entrypoint '' web python -m pytest tests"


@pytest.mark.parametrize(("requirements", "install", "base"), [
    ("Django==4.2.3\npytest-django==4.5\n", "RUN pip install -r requirements.txt", None),  # a plugin brings it
    ("Django==4.2.3\n", "RUN pip install -r requirements.txt pytest", None),
    ("Django==4.2.3\n", "RUN pip install -r requirements.txt && pip install -e .", None),
    ("Django==4.2.3\n", "RUN pip install -r requirements.txt && pip install /wheels/*", None),
    ("Django==4.2.3\n", "RUN pip install -r $REQUIREMENTS", None),
    ("Django==4.2.3\n", "RUN pip install poetry && poetry install", None),
    ("Django==4.2.3\n", "RUN uv sync --frozen", None),
    ("Django==4.2.3\n", "RUN pip install -r requirements/base.txt", None),  # a file the project does not have
    ('Django==4.2.3\npytest==8; python_version >= "3.8"\n', "RUN pip install -r requirements.txt", None),
    ("Django==4.2.3\n-e .[test]\n", "RUN pip install -r requirements.txt", None),  # the project's own extras
    ("-r base.txt\n", "RUN pip install -r requirements.txt", None),  # base.txt lists pytest-django
    ("Django==4.2.3\n", "RUN echo no install", None),  # nothing doctor sees is installed: it cannot tell
    ("Django==4.2.3\n", "RUN pip install -r requirements.txt", "tiangolo/uvicorn-gunicorn:python3.11"),
])
def test_no_claim_where_the_image_may_well_have_the_tool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, requirements: str, install: str, base: str | None) -> None:
    project = django_on_docker(tmp_path, requirements, install, base)
    (project / "app" / "base.txt").write_text("Django==4.2.3\npytest-django==4.5\n")
    [finding] = run(project, monkeypatch)
    assert "either" not in finding.message
    assert finding.fix is not None and not finding.fix.title.startswith("add ")


def test_the_files_an_installed_requirements_file_includes_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install = "COPY ./requirements /usr/src/app/requirements\nRUN cd requirements && pip install -r local.txt"
    project = django_on_docker(tmp_path, "", install)
    (project / "app" / "requirements").mkdir()
    (project / "app" / "requirements" / "local.txt").write_text("-r base.txt\ndjango-debug-toolbar\n")
    (project / "app" / "requirements" / "base.txt").write_text("Django==4.2.3\n")
    [finding] = run(project, monkeypatch)
    assert finding.message.endswith("its image does not install 'pytest' either (app/requirements/local.txt, "
                                    "which it installs, does not list it)")


def test_uvs_own_binaries_copied_from_its_image_bring_no_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """wagtail/bakerydemo: `COPY --from=uv /uv /uvx /bin/` (uv's documented install) then `uv pip
    install -r /requirements/production.txt`, which lists no pytest: the copy is an installer's
    binary, not a venv that may hold it. A copy of anything else from another stage still may."""
    install = ("COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /bin/\n"
               "RUN uv pip install --system --no-cache -r requirements.txt")
    [finding] = run(django_on_docker(tmp_path, install=install), monkeypatch)
    assert finding.message.endswith("its image does not install 'pytest' either (app/requirements.txt, which it "
                                    "installs, does not list it)")
    venv = install.replace("/uv /uvx /bin/", "/venv /venv")
    [finding] = run(django_on_docker(tmp_path / "venv", install=venv), monkeypatch)
    assert "either" not in finding.message


def test_a_dev_requirements_file_the_image_installs_has_the_tool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install = "COPY ./requirements-dev.txt .\nRUN pip install -r requirements-dev.txt"
    project = django_on_docker(tmp_path, install=install)
    (project / "app" / "requirements-dev.txt").write_text("-r requirements.txt\npytest==7.4.4\n")
    [finding] = run(project, monkeypatch)
    assert "either" not in finding.message
    assert typed(finding) == "docker compose run --rm --entrypoint '' web pytest /usr/src/app"  # past the flush
    (project / "app" / "entrypoint.sh").write_text('#!/bin/sh\npython manage.py migrate\nexec "$@"\n')
    [finding] = run(project, monkeypatch)
    assert typed(finding) == "docker compose run --rm web pytest /usr/src/app"  # an entrypoint that wipes nothing stays


def test_a_tool_listed_for_development_alone_is_run_in_a_rebuilt_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CTFd/CTFd: the image installs requirements.txt, pytest is in pyproject's dev group; `exec` into
    the container `up` started (or a `run` of the image as it is) finds no pytest after the fix either."""
    project = tmp_path / "ctfd"
    (project / "CTFd").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "ctfd"\nversion = "3"\ndependencies = ["doctor-absent-web"]\n\n'
        '[dependency-groups]\ndev = ["pytest"]\n')
    (project / "requirements.txt").write_text(ABSENT)
    (project / "docker-entrypoint.sh").write_text(
        "#!/bin/sh\nset -e\npython ping.py\nexec gunicorn 'CTFd:create_app()' --bind 0.0.0.0:8000\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.11-slim-bookworm\nWORKDIR /opt/CTFd\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . /opt/CTFd\n"
        'ENTRYPOINT ["/opt/CTFd/docker-entrypoint.sh"]\n')
    (project / "compose.yaml").write_text(
        "services:\n  ctfd:\n    build: .\n    volumes:\n      - .:/opt/CTFd:ro\n")
    (project / "Makefile").write_text("test:\n\tpytest -rf --cov=CTFd tests/\n")
    [finding] = run(project, monkeypatch, running=None)
    assert finding.message.endswith("its image does not install 'pytest' either (pyproject.toml lists it "
                                    "for development)")
    assert finding.fix is not None and finding.fix.title == (
        "install 'pytest' in the image (a dev stage, from pyproject.toml), then run it as "
        "`docker compose run --build --rm --entrypoint '' ctfd pytest -rf --cov=CTFd tests/` ('ctfd' mounts . "
        "read-only: what the command writes there, a report or a cache, fails)")  # --cov writes .coverage there


# --- 3. what the message names, and paths inside options ---------------------------------------

def fastapi_tdd(tmp_path: Path) -> Path:
    """testdrivenio/fastapi-tdd-docker: requirements-dev.txt (black, flake8, isort, pytest...) includes
    requirements.txt (aerich, asyncpg, fastapi, ..., tortoise-orm); the tests import tortoise and the
    app; `./project:/usr/src/app`. Distributions no host has stand in for the upstream ones."""
    project = tmp_path / "ftd"
    (project / "project" / "app").mkdir(parents=True)
    (project / "project" / "tests").mkdir()
    (project / "project" / "Dockerfile").write_text(
        "FROM python:3.12.1-slim-bookworm\nWORKDIR /usr/src/app\nRUN pip install --upgrade pip\n"
        "COPY ./requirements.txt .\nCOPY ./requirements-dev.txt .\nRUN pip install -r requirements-dev.txt\n"
        "COPY . .\nCOPY ./entrypoint.sh .\nRUN chmod +x /usr/src/app/entrypoint.sh\n"
        'ENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n')
    (project / "project" / "entrypoint.sh").write_text('#!/bin/sh\necho "PostgreSQL started"\nexec "$@"\n')
    (project / "project" / "requirements-dev.txt").write_text(
        "doctor-absent-black==23.12.1\nflake8-doctor-absent==7.0.0\npytest==7.4.4\npytest-cov==4.1.0\n\n"
        "-r requirements.txt\n")
    (project / "project" / "requirements.txt").write_text(
        "doctor-absent-aerich==0.7.2\ndoctor-absent-api==0.109.0\ntortoisefake-orm==0.20.0\n")
    (project / "project" / "app" / "__init__.py").write_text("")
    (project / "project" / "app" / "main.py").write_text("import logging\n\nfrom doctor_absent_api import App\n")
    (project / "project" / "tests" / "conftest.py").write_text(
        "import os\n\nimport pytest\nfrom tortoisefake.contrib import register\n\nfrom app import main\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build: ./project\n    command: uvicorn app.main:app --reload\n"
        "    volumes:\n      - ./project:/usr/src/app\n")
    (project / "Makefile").write_text("test:\n\tpytest project/tests --cov=project/app\n")
    return project


def test_the_message_names_what_the_commands_code_imports_not_a_formatter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fastapi-tdd-docker said "needs 'black' and 12 more": the first line of requirements-dev.txt."""
    project = fastapi_tdd(tmp_path)
    (project / "Makefile").write_text("test:\n\tpytest project/tests\n")
    (project / "project" / "tests" / "conftest.py").write_text("import pytest\nfrom tortoisefake.contrib import x\n")
    # requirements.txt's first line (aerich) is imported by none of it; the tests import tortoise
    [finding] = run(project, monkeypatch)
    assert finding.message.startswith("'pytest' (make target 'test') needs 'tortoisefake-orm' and 5 more ")
    # and the app they import imports the api package, listed before it
    conftest = "from tortoisefake.contrib import x\nfrom app import main\n"
    (project / "project" / "tests" / "conftest.py").write_text(conftest)
    [finding] = run(project, monkeypatch)
    assert finding.message.startswith("'pytest' (make target 'test') needs 'doctor-absent-api' and 5 more ")


def test_nothing_imported_names_an_app_dependency_before_a_dev_tool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = fastapi_tdd(tmp_path)
    (project / "Makefile").write_text("test:\n\tpytest\n")
    [finding] = run(project, monkeypatch)
    assert finding.message.startswith("'pytest' (make target 'test') needs 'doctor-absent-aerich' and ")


def test_a_path_inside_an_option_is_mapped_like_a_path_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fastapi-tdd-docker: `pytest project/tests --cov=project/app` became `pytest /usr/src/app/tests
    --cov=project/app`, which measures nothing in the container."""
    project = fastapi_tdd(tmp_path)
    [finding] = run(project, monkeypatch)
    assert typed(finding) == "docker compose run --rm web pytest /usr/src/app/tests --cov=/usr/src/app/app"
    # a bare folder a test runner is given, as `pytest app` is; an option's value that names nothing stays
    (project / "Makefile").write_text("test:\n\tcd project && pytest tests --cov=app --ds=settings.dev\n")
    [finding] = run(project, monkeypatch)
    assert typed(finding) == "docker compose run --rm web pytest tests --cov=app --ds=settings.dev"
    (project / "Makefile").write_text("test:\n\tpytest project/tests --cov=project --cov-report=term\n")
    [finding] = run(project, monkeypatch)
    assert typed(finding) == ("docker compose run --rm web pytest /usr/src/app/tests --cov=/usr/src/app "
                              "--cov-report=term")


# --- npm scripts a `run` cannot serve as printed -------------------------------------------------


def test_a_debugger_port_is_published_and_eject_is_not_advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docker/awesome-compose react-express-mysql: `nodemon src/index.js --inspect-brk=0.0.0.0:9229` waits
    for a debugger, which a `run` (publishing nothing) never lets the host reach; create-react-app's
    `eject` rewrites the project, and in a `--rm` container all of it is lost."""
    project = tmp_path / "rem"
    (project / "backend" / "src").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  backend:\n    build: backend\n    volumes:\n"
                                          "      - ./backend/src:/code/src\n")
    (project / "backend" / "Dockerfile").write_text("FROM node:lts\nWORKDIR /code\nCOPY package.json /code/\n"
                                                    "RUN npm install\nCOPY . /code\nCMD [\"npm\", \"start\"]\n")
    (project / "backend" / "package.json").write_text(
        '{"name": "backend", "scripts": {"start-wait-debuger": "nodemon src/index.js --inspect-brk=0.0.0.0:9229",'
        ' "eject": "react-scripts eject"},\n "dependencies": {"express": "^4"},'
        ' "devDependencies": {"nodemon": "^3", "react-scripts": "5"}}\n')
    found = run(project, monkeypatch)
    assert [typed(f) for f in found] == [
        "docker compose run --rm -p 9229:9229 backend npm run start-wait-debuger"], [f.message for f in found]


def test_a_build_script_says_its_output_stays_in_the_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """awesome-compose react-express-mysql: only ./frontend/src is mounted, so `npm run build` in a
    `--rm` container writes frontend/build where no mount brings it back: the advice says so. With
    the whole package folder mounted, the build lands on the host and nothing is added."""
    project = tmp_path / "rem"
    (project / "frontend" / "src").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  frontend:\n    build: frontend\n    volumes:\n"
                                          "      - ./frontend/src:/code/src\n")
    (project / "frontend" / "Dockerfile").write_text("FROM node:lts\nWORKDIR /code\nCOPY package.json /code/\n"
                                                     "RUN npm ci\nCOPY . /code\nCMD [\"npm\", \"start\"]\n")
    (project / "frontend" / "package.json").write_text(
        '{"name": "frontend", "scripts": {"build": "react-scripts build", "test": "react-scripts test"},\n'
        ' "dependencies": {"react": "^17"}, "devDependencies": {"react-scripts": "5"}}\n')
    build, test = run(project, monkeypatch)
    assert build.fix is not None and test.fix is not None
    assert ("(frontend is not bind-mounted whole: what the build writes outside frontend/src stays in the "
            "container, which --rm removes)") in build.fix.title
    assert "bind-mounted whole" not in test.fix.title
    (project / "compose.yaml").write_text("services:\n  frontend:\n    build: frontend\n    volumes:\n"
                                          "      - ./frontend:/code\n      - /code/node_modules\n")
    assert all("bind-mounted whole" not in (f.fix.title if f.fix else "") for f in run(project, monkeypatch))
