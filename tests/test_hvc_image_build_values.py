"""host-vs-container's "the image lacks pytest too" read with the values the compose build passes.

(a) missed: django/djangoproject.com installs `pip install -r ${REQ_FILE}` with compose's
`REQ_FILE=requirements/tests.txt` (no pytest there; its `django-push @ git+https://...` line is a named
package, not an unreadable one), and DefectDojo's requirements.txt (a `git+...#egg=django-tagulous`
line) and requirements-dev.txt name no pytest: preflight advised `run --rm web pytest blog` without
saying the image has none. (b) false: wemake-django-template's `poetry sync $(if [ "$DJANGO_ENV" =
'production' ]; then echo '--only main'; fi)` under compose's `DJANGO_ENV: development` (the base file's
mapping, kept beside the override's `- UID=...` list) installs the dev group, pytest with it; `doctor
exec -- pytest` said "its image does not install 'pytest'".
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
from doctor.project.buildvalues import decided, fill
from doctor.project.image_installs import image_lacks
from doctor.project.service_home import service_homes

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"


def env_for(project: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(project.parent)}


def findings(project: Path, monkeypatch: pytest.MonkeyPatch, files: tuple[str, ...] = ()) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = env_for(project)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    options = ProjectOptions(path=project, env=env, files=tuple(project / f for f in files))
    return list(HostVsContainer().run(Project(options), host))


def djangoproject(tmp_path: Path, req_file: str = "requirements/tests.txt") -> Path:
    project = tmp_path / "djangoproject.com"
    (project / "requirements").mkdir(parents=True)
    (project / "requirements" / "prod.txt").write_text("doctor-absent-django==6.1\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "djangoproject-com"\nversion = "0.1.0"\ndependencies = ["doctor-absent-django==6.1"]\n')
    (project / "requirements" / "tests.txt").write_text(
        "doctor-absent-django==6.1\ncoverage==7.15.2\n"
        "django-push @ git+https://github.com/brutasse/django-push.git@22fda99\n    # via djangoproject-com\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim-trixie\nWORKDIR /usr/src/app\nARG REQ_FILE=requirements/prod.txt\n"
        "COPY ./requirements ./requirements\nRUN apt-get update \\\n"
        "    && python3 -m pip install --no-cache-dir -r ${REQ_FILE} \\\n"
        '    && if [ "${REQ_FILE}" = "requirements/tests.txt" ]; then \\\n'
        "        python3 -m playwright install --with-deps chromium; \\\n    fi\nCOPY . .\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build:\n      context: ./\n      dockerfile: Dockerfile\n      args:\n"
        f"        - REQ_FILE={req_file}\n    volumes:\n      - .:/usr/src/app/\n")
    (project / "Makefile").write_text("pytest:\n\tpytest blog\n")
    (project / "blog").mkdir()
    return project


def test_the_requirements_file_the_build_arg_names_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [finding] = findings(djangoproject(tmp_path), monkeypatch)
    assert finding.message.endswith("its image does not install 'pytest' either (requirements/tests.txt, which "
                                    "it installs, does not list it)")
    assert finding.fix is not None and finding.fix.title.startswith("add 'pytest' to requirements/tests.txt")


def test_a_file_that_names_the_tool_is_not_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = djangoproject(tmp_path)
    (project / "requirements" / "tests.txt").write_text("doctor-absent-django==6.1\npytest==9\n")
    [finding] = findings(project, monkeypatch)
    assert "does not install" not in finding.message


def test_defectdojos_named_vcs_line_and_dev_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "dd"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "doctor-absent-django==5\ngit+https://github.com/valentijnscholten/django-tagulous.git@2b514f9"
        "#egg=django-tagulous\n")
    (project / "requirements-dev.txt").write_text("django-debug-toolbar==7.0.0\nvcrpy==8.3.0\nparameterized==0.9.0\n")
    (project / "Dockerfile.django-debian").write_text(
        "FROM python:3.14.6-slim-trixie AS base\nFROM base AS build\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "RUN pip3 wheel --wheel-dir=/tmp/wheels -r ./requirements.txt\nFROM base AS release\nWORKDIR /app\n"
        "RUN --mount=from=build,src=/tmp/wheels,target=/tmp/wheels \\\n"
        "  --mount=from=build,src=/app/requirements.txt,target=/app/requirements.txt \\\n"
        "  pip3 install --no-cache-dir --no-index --find-links=/tmp/wheels -r ./requirements.txt\n"
        "COPY manage.py ./\nFROM release AS development\nCOPY requirements-dev.txt ./\n"
        "RUN pip3 install --no-cache-dir -r requirements-dev.txt\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  uwsgi:\n    build:\n      context: ./\n      dockerfile: Dockerfile.django-debian\n"
        "      target: development\n    volumes:\n      - '.:/app:z'\n")
    (project / "Makefile").write_text("test:\n\tpython3 manage.py test unittests -v2\n\npytest:\n\tpytest unittests\n")
    (project / "unittests").mkdir()
    found = {f.location.line: f for f in findings(project, monkeypatch) if f.location}
    assert found[5].message.endswith("its image does not install 'pytest' either (requirements-dev.txt, which it "
                                     "installs, does not list it)")


WEMAKE_DOCKERFILE = """\
FROM python:3.13.13-slim-bookworm AS development_build
ARG DJANGO_ENV \\
  # Needed for fixing permissions of files created by Docker:
  UID=1000 \\
  GID=1000
ENV DJANGO_ENV=${DJANGO_ENV} \\
  POETRY_VIRTUALENVS_CREATE=false
WORKDIR /code
COPY ./poetry.lock ./pyproject.toml /code/
RUN echo "$DJANGO_ENV" \\
  && poetry sync \\
    $(if [ "$DJANGO_ENV" = 'production' ]; then echo '--only main'; fi) \\
    --no-interaction --no-ansi
"""


@pytest.mark.parametrize(("django_env", "lacks"), [("development", False), ("production", True)])
def test_a_build_arg_condition_decides_the_poetry_groups(tmp_path: Path, django_env: str, lacks: bool) -> None:
    project = tmp_path / "wmproj"
    (project / "docker" / "django").mkdir(parents=True)
    (project / "docker" / "django" / "Dockerfile").write_text(WEMAKE_DOCKERFILE)
    (project / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "wmproj"\nversion = "0"\n\n[tool.poetry.dependencies]\npython = "3.13"\n'
        'doctor-absent-django = "^6"\n\n[tool.poetry.group.dev.dependencies]\npytest = "^9.1"\n')
    (project / "poetry.lock").write_text("")
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build:\n      target: development_build\n      context: .\n"
        f"      dockerfile: ./docker/django/Dockerfile\n      args:\n        DJANGO_ENV: {django_env}\n"
        "    command: python -We -bb manage.py runserver 0.0.0.0:8000\n")
    (project / "docker-compose.override.yml").write_text(
        "services:\n  web:\n    volumes:\n      - .:/code\n    build:\n      args:\n"
        "        - UID=${UID:-1000}\n        - GID=${GID:-1000}\n")
    env = env_for(project)
    loaded = Project(ProjectOptions(path=project, env=env))
    assert dict((n, v) for n, v, _ in loaded.services["web"].build.args) == {  # type: ignore[union-attr]
        "DJANGO_ENV": django_env, "UID": "1000", "GID": "1000"}
    [home] = service_homes(loaded, Host(env=env).packages)
    note = image_lacks(loaded, home, "pytest")
    assert (note is not None) is lacks
    if lacks:
        assert note == ("its image does not install 'pytest' (pyproject.toml lists it for development)",
                        "install it in a dev stage of the image, from pyproject.toml")


@pytest.mark.parametrize(("text", "expected"), [
    ('x $(if [ "a" = \'a\' ]; then echo \'--only main\'; fi) y', "x --only main y"),
    ('x $(if [ "a" = "b" ]; then echo \'--only main\'; fi) y', "x  y"),
    ('if [ "a" != "b" ]; then pip install p; else pip install q; fi', "pip install p"),
    ('if [ "$X" = "b" ]; then pip install p; fi', 'if [ "$X" = "b" ]; then pip install p; fi'),  # not known
])
def test_shell_tests_on_known_words_are_decided(text: str, expected: str) -> None:
    assert decided(text) == expected


def test_unknown_variables_stay_and_empty_ones_take_their_default() -> None:
    assert fill("${A} ${B:-d} $C ${D:-e}", {"A": "1", "B": ""}) == "1 d $C ${D:-e}"
