"""script-line-endings names the route that brings the copy of a script that runs.

New-user trials on IntelOwl, bookwyrm and allegro/ralph:
- a downloaded checkout (no `.git`) whose docker/ compose builds from `..` with `COPY . /srv`: the
  CRLF entrypoint in docker/entrypoints/ was not seen until `git init`;
- IntelOwl's `WORKDIR $PYTHONPATH` (from `ENV PYTHONPATH=...`) was not expanded, so uwsgi's
  `entrypoint: ./docker/entrypoints/uwsgi.sh` was not linked and 'celery_beat' (the first service by
  name binding the repository) was named;
- bookwyrm's nginx binds `./nginx/99-autoreload.sh` into /docker-entrypoint.d/, yet 'app' (which
  binds or COPYs the whole folder, never running it) was named;
- ralph's image COPYs scripts/build.sh to /opt/build.sh (its entrypoint runs it) and binds `.:/app`:
  the bind mount was named, and the fix did not say the image must be rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.recipe import read_recipe

CRLF_SCRIPT = b"#!/bin/bash\r\nexec python -m http.server\r\n"


def _findings(root: Path, path: Path | None = None) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=path or root, env=env))
    return [f for f in ScriptLineEndings().run(project, Host(env=env, timeout=1.0)) if f.subject != ".gitattributes"]


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)


def test_a_checkout_without_git_is_judged_through_its_build_context(tmp_path: Path) -> None:
    """The compose folder is docker/; the build context `..` COPYs the whole checkout, docker/ included."""
    _write(tmp_path, {
        "docker/compose.yml": "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
        "docker/Dockerfile": "FROM python:3.11\nWORKDIR /srv\nCOPY . /srv\n",
        "docker/entrypoints/web.sh": CRLF_SCRIPT,
        "app/__init__.py": "",
    })
    assert not (tmp_path / ".git").exists()
    [error] = _findings(tmp_path, tmp_path / "docker")
    assert error.subject == "entrypoints/web.sh"
    assert error.message == "has CRLF line endings and reaches 'web' (COPY, Dockerfile:3)"
    assert error.fix is not None and error.fix.title.endswith("then rebuild: docker compose build web")


def test_workdir_from_env_links_the_entrypoint_of_the_service_that_runs_it(tmp_path: Path) -> None:
    _write(tmp_path, {
        "compose.yaml": ("services:\n"
                         "  celery_beat:\n    image: app:test\n    volumes:\n      - .:/opt/app\n"
                         "  uwsgi:\n    build: .\n    image: app:test\n    volumes:\n      - .:/opt/app\n"
                         "    entrypoint:\n      - ./docker/entrypoints/uwsgi.sh\n"),
        "Dockerfile": "FROM python:3.11\nENV PYTHONPATH=/opt/app\nWORKDIR $PYTHONPATH\nCOPY . $PYTHONPATH\n",
        "docker/entrypoints/uwsgi.sh": CRLF_SCRIPT,
    })
    [error] = _findings(tmp_path)
    assert error.message == "has CRLF line endings and reaches 'uwsgi' (entrypoint)"
    # the bind mount over /opt/app brings the host's file: no rebuild needed
    assert error.fix is not None and "rebuild" not in error.fix.title


def test_workdir_expands_env_and_arg() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        dockerfile = Path(folder) / "Dockerfile"
        dockerfile.write_text("ARG HOME_DIR=/srv\nFROM python:3.11\nENV APP=/srv/app\n"
                              "WORKDIR $APP\nRUN ./build.sh\nARG SUB=lib\nWORKDIR ${SUB}\nARG HOME_DIR\n"
                              "WORKDIR $HOME_DIR/x\n")
        recipe = read_recipe(dockerfile)
    assert recipe.runs[0].workdir == "/srv/app"
    assert recipe.workdir == "/srv/x"  # a global ARG the stage declares again


def test_a_file_bound_into_an_entrypoint_folder_beats_a_folder_that_carries_it(tmp_path: Path) -> None:
    _write(tmp_path, {
        "compose.yaml": ("services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n"
                         "      - ./nginx/99-autoreload.sh:/docker-entrypoint.d/99-autoreload.sh\n"
                         "  app:\n    build: .\n"),
        "compose.override.yaml": "services:\n  app:\n    volumes:\n      - .:/app\n",
        "Dockerfile": "FROM python:3.11\nWORKDIR /app\nCOPY . /app\n",
        "nginx/99-autoreload.sh": b"#!/bin/sh\r\nnginx -s reload\r\n",
    })
    [error] = _findings(tmp_path)
    assert error.message == "has CRLF line endings and reaches 'nginx' (bind mount, compose.yaml:5)"
    assert error.fix is not None and "rebuild" not in error.fix.title


def test_the_image_copy_of_the_very_file_beats_a_bind_of_the_whole_folder(tmp_path: Path) -> None:
    _write(tmp_path, {
        "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n",
        "Dockerfile": ("FROM python:3.11\nCOPY scripts/start.sh /opt/start.sh\nCOPY scripts/build.sh /opt/build.sh\n"
                       "ENTRYPOINT /opt/start.sh\n"),
        "scripts/start.sh": "#!/bin/bash\nset -e\n/opt/build.sh\nexec python -m http.server\n",
        "scripts/build.sh": b"#!/bin/bash\r\necho building\r\n",
    })
    [error] = _findings(tmp_path)
    # the ENTRYPOINT's start.sh runs the image's /opt/build.sh on its line 3: the calling line is the route
    assert error.message == "has CRLF line endings and reaches 'web' (start.sh:3, from its ENTRYPOINT)"
    assert error.fix is not None
    assert error.fix.title == "rewrite scripts/build.sh with LF line endings, then rebuild: docker compose build web"


def test_a_copy_the_bind_mount_hides_is_not_the_route(tmp_path: Path) -> None:
    """The image COPYs build.sh into /app/scripts, where the bind of `.` puts the host's file over it."""
    _write(tmp_path, {
        "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n",
        "Dockerfile": "FROM python:3.11\nCOPY scripts/build.sh /app/scripts/build.sh\n",
        "scripts/build.sh": b"#!/bin/bash\r\necho building\r\n",
    })
    [error] = _findings(tmp_path)
    assert error.message == "has CRLF line endings and reaches 'web' (bind mount, compose.yaml:5)"
    assert error.fix is not None and "rebuild" not in error.fix.title


def test_the_rebuild_hint_names_a_compose_file_compose_would_not_find_itself(tmp_path: Path) -> None:
    """A project read with `-f docker-compose.dev.yml`: a bare `docker compose build web` there reads no
    compose file (or another one), so the hint carries the -f the run was given."""
    _write(tmp_path, {
        "docker-compose.dev.yml": "services:\n  web:\n    build: .\n",
        "Dockerfile": "FROM python:3.11\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n",
        "start.sh": CRLF_SCRIPT,
    })
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    project = Project(ProjectOptions(path=tmp_path, files=(tmp_path / "docker-compose.dev.yml",), env=env))
    [error] = [f for f in ScriptLineEndings().run(project, Host(env=env, timeout=1.0)) if f.subject != ".gitattributes"]
    assert error.fix is not None
    assert error.fix.title.endswith("then rebuild: docker compose -f docker-compose.dev.yml build web"), error.fix.title
    # the default name: compose finds it from the project folder, and the hint stays bare
    (tmp_path / "docker-compose.dev.yml").rename(tmp_path / "compose.yaml")
    [default] = _findings(tmp_path)
    assert default.fix is not None and default.fix.title.endswith("then rebuild: docker compose build web")


def test_a_script_another_script_runs_names_the_service_running_the_caller(tmp_path: Path) -> None:
    """mitxonline: web's command is scripts/run-django-dev.sh, whose line 4 runs ./scripts/wait-for.sh;
    'celery' (first by name) only binds the folder."""
    _write(tmp_path, {
        "docker-compose.yml": ("services:\n  celery:\n    image: app:test\n    command: celery -A app worker\n"
                               "    volumes: ['.:/src']\n  web:\n    build: .\n    image: app:test\n"
                               "    command: ./scripts/run-django-dev.sh\n    volumes: ['.:/src']\n"),
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /src\nCOPY . /src\n",
        "scripts/run-django-dev.sh": ("#!/bin/bash\nset -e\nurl=db:5432\n"
                                      "./scripts/wait-for.sh ${url} --timeout=60 -- echo ok\n"
                                      "exec python manage.py runserver\n"),
        "scripts/wait-for.sh": b"#!/bin/sh\r\necho wait\r\n",
    })
    [error] = _findings(tmp_path)
    assert error.subject == "scripts/wait-for.sh"
    assert error.message == "has CRLF line endings and reaches 'web' (run-django-dev.sh:4, from its command)"


def test_a_run_a_build_arg_turns_off_is_no_build_route(tmp_path: Path) -> None:
    """docker-flask-example: the RUN calls ./run only when NODE_ENV is not development, and .env sets
    development, passed as a build arg: the build never runs it; the js command does, through the bind."""
    _write(tmp_path, {
        "compose.yaml": ('services: {js: {build: {context: ., args: ["NODE_ENV=${NODE_ENV:-production}"]}, '
                         'command: "./run build", volumes: [".:/app"]}}\n'),
        "Dockerfile": ("FROM node:22-slim\nWORKDIR /app\nARG NODE_ENV=production\nCOPY . .\n"
                       'RUN if [ "${NODE_ENV}" != "development" ]; then ./run build; fi\n'),
        "run": b"#!/usr/bin/env bash\r\necho build\r\n",
        ".env": "NODE_ENV=development\n",
    })
    (tmp_path / "run").chmod(0o755)
    [error] = _findings(tmp_path)
    assert error.message == "has CRLF line endings and reaches 'js' (command)"
    # the `.:/app` bind over `COPY . .` brings the host's file: no rebuild
    assert error.fix is not None and "rebuild" not in error.fix.title, error.fix.title
    # in production the build does run it
    (tmp_path / ".env").write_text("NODE_ENV=production\n")
    [error] = _findings(tmp_path)
    assert error.message == "has CRLF line endings and breaks the build of 'js' (RUN, Dockerfile:5)"
