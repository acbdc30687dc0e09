"""`fix --ports` and the old port still named where the moved service listens on it itself.

mozilla/pontoon: 8000 held by another program, `server` ("8000:8000") moved to 8001, and
`docker/config/server.env`'s `SITE_URL=http://localhost:8000` (the base of its absolute links)
left as it was, without a word: "the service listens on the port itself" swallowed it, though behind
"8000:80" the same value followed. django/djangoproject.com: `PARENT_HOST = "djangoproject.localhost:8000"`
in its settings, the links after the move still to 8000, and the fix said nothing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision.code_ports import old_port_in_code
from doctor.checks.port_collision.fix import PortMove, port_fix
from doctor.checks.port_collision.follow import site_key
from portprobe import BusyHost, held_port

from doctor.project import Project, ProjectOptions


def _project(tmp_path: Path, compose: str, files: dict[str, str]) -> Project:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(compose)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return Project(ProjectOptions(path=root, env={"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}))


def _move(project: Project, service: str) -> PortMove:
    move = port_fix(project, BusyHost({8000}), service, project.services[service].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8001, move
    return move


PONTOON = "services:\n  server:\n    image: busybox\n    env_file: [server.env]\n    ports: [\"8000:8000\"]\n"


def test_the_moved_services_own_site_url_follows_where_it_listens_on_the_port(tmp_path: Path) -> None:
    env = ("SECRET_KEY=x\nSITE_URL=http://localhost:8000\nCSRF_TRUSTED_ORIGINS=http://localhost:8000\n"
           "GUNICORN_BIND=127.0.0.1:8000\nHEALTH=http://localhost:8000/up\nSELF=http://u:hunter2@localhost:8000\n")
    move = _move(_project(tmp_path, PONTOON, {"server.env": env}), "server")
    followed = {(e.path.name, e.line): (e.old, e.new) for e in move.edits if e.path.name == "server.env"}
    assert followed == {
        ("server.env", 2): ("SITE_URL=http://localhost:8000", "SITE_URL=http://localhost:8001"),
        ("server.env", 3): ("CSRF_TRUSTED_ORIGINS=http://localhost:8000", "CSRF_TRUSTED_ORIGINS=http://localhost:8001")}
    assert "SITE_URL, CSRF_TRUSTED_ORIGINS follow to localhost:8001" in move.title, move.title
    # a value of no site key is named with its line, for the developer to judge; a bind address is its own port
    assert ("server.env:5 HEALTH=http://localhost:8000/up, server.env:6 SELF=localhost:8000 still name the old port: "
            "set them to localhost:8001 if they are the address browsers open") in move.title, move.title
    assert "GUNICORN_BIND" not in move.title
    assert "server.env:6 SELF=localhost:8000" in move.title and "hunter2" not in move.title, move.title


def test_another_service_listening_on_the_port_keeps_its_own_localhost(tmp_path: Path) -> None:
    """Only the moved service's site keys follow: a second service on container port 8000 naming
    localhost:8000 means itself."""
    compose = PONTOON + "  other:\n    image: busybox\n    expose: ['8000']\n    environment:\n" \
                        "      SITE_URL: http://localhost:8000\n"
    move = _move(_project(tmp_path, compose, {"server.env": "A=1\n"}), "server")
    assert [e.path.name for e in move.edits] == ["compose.override.yaml"]
    assert "follow" not in move.title and "still names" not in move.title, move.title


def test_values_on_127_0_0_1_that_do_not_follow_are_told_the_new_port_on_127_0_0_1(tmp_path: Path) -> None:
    # rpeden/prefect-docker-compose's server: PREFECT_UI_URL and PREFECT_API_URL=http://127.0.0.1:4200/api beside
    # 4200:4200; the note said "set them to localhost:4201", another host than the one they write
    env = "UI_API=http://127.0.0.1:8000/api\nHEALTH=http://127.0.0.1:8000/up\n"
    move = _move(_project(tmp_path, PONTOON, {"server.env": env}), "server")
    assert ("server.env:1 UI_API=http://127.0.0.1:8000/api, server.env:2 HEALTH=http://127.0.0.1:8000/up still name "
            "the old port: set them to 127.0.0.1:8001 if they are the address browsers open") in move.title, move.title


def test_behind_a_published_port_to_another_container_port_everything_still_follows(tmp_path: Path) -> None:
    compose = PONTOON.replace('"8000:8000"', '"8000:80"')
    move = _move(_project(tmp_path, compose, {"server.env": "SITE_URL=http://localhost:8000\nLOG=localhost:8000\n"}),
                 "server")
    assert "SITE_URL, LOG follow to localhost:8001" in move.title and "still names" not in move.title, move.title


@pytest.mark.parametrize(("key", "site"), [
    ("SITE_URL", True), ("BASE_URL", True), ("PUBLIC_URL", True), ("NEXTAUTH_URL", True), ("PARENT_HOST", True),
    ("CSRF_TRUSTED_ORIGINS", True), ("CORS_ALLOWED_ORIGINS", True), ("SERVER_NAME", True), ("APP_DOMAIN", True),
    ("DB_HOST", False), ("REDIS_HOST", False), ("PGHOST", False), ("LISTEN_ADDR", False), ("BIND_HOST", False),
    ("DATABASE_URL", False), ("HEALTHCHECK_URL", False), ("EMAIL_HOST", False)])
def test_site_keys(key: str, site: bool) -> None:
    assert site_key(key) is site


DJANGO = ("services:\n  web:\n    build: .\n    ports: [\"8000:8000\"]\n    environment:\n"
          "      DJANGO_SETTINGS_MODULE: proj.settings\n")


def test_the_settings_module_naming_the_old_port_is_named_after_the_move(tmp_path: Path) -> None:
    project = _project(tmp_path, DJANGO, {"Dockerfile": "FROM python:3.12\nCOPY . .\n", "proj/__init__.py": "",
                                          "proj/settings.py": 'PARENT_HOST = "proj.localhost:8000"\n'})
    move = _move(project, "web")
    assert move.title.endswith(" (then, by hand: change proj.localhost:8000 to proj.localhost:8001 in "
                               "proj/settings.py:1 if it is the address browsers open)"), move.title
    assert all(e.path.name != "settings.py" for e in move.edits)  # named, never edited


def test_the_settings_it_imports_are_read_and_comments_are_not(tmp_path: Path) -> None:
    """djangoproject.com: the module compose names (`settings.docker`) takes `from .dev import *`,
    where PARENT_HOST is; manage.py's default is the module when compose names none."""
    files = {"manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.docker")\n',
             "proj/settings/__init__.py": "", "proj/settings/docker.py": "from .dev import *  # noqa\n",
             "proj/settings/dev.py": '# was "localhost:8000"\nPARENT_HOST = "proj.localhost:8000"\n'
                                     'OTHER = "localhost:80001"\nAPI = "http://127.0.0.1:8000/api"\n',
             "proj/settings/prod.py": 'PARENT_HOST = "localhost:8000"\n'}
    project = _project(tmp_path, DJANGO.replace("    environment:\n      DJANGO_SETTINGS_MODULE: proj.settings\n", ""),
                       files)
    assert old_port_in_code(project, project.services["web"], 8000, 8001) == (
        "change port 8000 to 8001 in proj/settings/dev.py:2,4 if it is the address browsers open")
    assert old_port_in_code(project, project.services["web"], 9000, 9001) == ""


def test_the_dockerfiles_env_names_the_module_before_manage_pys_default(tmp_path: Path) -> None:
    """A Dockerfile's `ENV DJANGO_SETTINGS_MODULE` is the module the container runs (compose sets
    none); manage.py's default (here the production settings) is not: dotenv-override read it so
    already, and the port fix now does too (one reader, doctor.project.star_imports.settings_module)."""
    files = {"Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=proj.settings.dev\nCOPY . .\n",
             "manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.prod")\n',
             "proj/settings/__init__.py": "", "proj/settings/dev.py": 'PARENT_HOST = "proj.localhost:8000"\n',
             "proj/settings/prod.py": 'PARENT_HOST = "www.example.org"\n'}
    project = _project(tmp_path, DJANGO.replace("    environment:\n      DJANGO_SETTINGS_MODULE: proj.settings\n", ""),
                       files)
    assert old_port_in_code(project, project.services["web"], 8000, 8001) == (
        "change proj.localhost:8000 to proj.localhost:8001 in proj/settings/dev.py:1 if it is the address "
        "browsers open")


def _held() -> tuple[socket.socket, int]:
    return held_port(28100, 29000, 7, spare=1)


def _fix_ports(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env: dict[str, Any] = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
                           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_fix_ports_moves_pontoons_site_url_with_its_port(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        project = _project(tmp_path, PONTOON.replace("8000", str(port)),
                           {"server.env": f"SECRET_KEY=x\nSITE_URL=http://localhost:{port}\n"})
        done = _fix_ports(project.root, tmp_path)
    new = port + 1
    assert (project.root / "server.env").read_text() == f"SECRET_KEY=x\nSITE_URL=http://localhost:{new}\n", done.stdout
    assert f"SITE_URL follows to localhost:{new}" in done.stdout


def test_fix_ports_names_the_django_settings_naming_the_old_port(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        project = _project(tmp_path, DJANGO.replace("8000", str(port)),
                           {"Dockerfile": "FROM python:3.12\nCOPY . .\n", "proj/__init__.py": "",
                            "proj/settings.py": f'PARENT_HOST = "proj.localhost:{port}"\n'})
        done = _fix_ports(project.root, tmp_path)
    assert (f"(then, by hand: change proj.localhost:{port} to proj.localhost:{port + 1} in proj/settings.py:1 if it "
            "is the address browsers open)") in done.stdout, \
        done.stdout + done.stderr
    assert (project.root / "proj" / "settings.py").read_text() == f'PARENT_HOST = "proj.localhost:{port}"\n'


def test_a_site_url_written_in_compose_follows_into_the_override_and_is_not_named_too(tmp_path: Path) -> None:
    compose = ("services:\n  server:\n    image: busybox\n    environment:\n      SITE_URL: http://localhost:8000\n"
               "      LOG: http://localhost:8000/l\n    ports: [\"8000:8000\"]\n")
    move = _move(_project(tmp_path, compose, {}), "server")
    (edit,) = move.edits
    assert edit.path.name == "compose.override.yaml" and 'SITE_URL: "http://localhost:8001"' in str(edit.new)
    assert "LOG" not in str(edit.new)
    assert move.title.endswith("SITE_URL follows to localhost:8001 (in compose.override.yaml)) (then, by hand: "
                               "compose.yaml:6 "
                               "LOG=http://localhost:8000/l still names the old port: set it to localhost:8001 if "
                               "it is the address browsers open)"), move.title


ARCHIVEBOX = ("services:\n  archivebox:\n    image: archivebox/archivebox:dev\n    ports: [\"8000:8000\"]\n"
              "    environment:\n      - CSRF_TRUSTED_ORIGINS={origins}\n")


def test_a_dot_localhost_origin_follows_the_moved_port(tmp_path: Path) -> None:
    """ArchiveBox: `CSRF_TRUSTED_ORIGINS=http://admin.archivebox.localhost:8000` stayed at 8000 while
    `http://localhost:8000` followed: every `*.localhost` is the loopback, its labels stay as written."""
    origins = "http://admin.archivebox.localhost:8000,http://localhost:8000"
    move = _move(_project(tmp_path, ARCHIVEBOX.format(origins=origins), {}), "archivebox")
    (edit,) = move.edits
    assert edit.path.name == "compose.override.yaml", move.edits
    assert ('CSRF_TRUSTED_ORIGINS: "http://admin.archivebox.localhost:8001,http://localhost:8001"'
            in str(edit.new)), edit.new
    assert "CSRF_TRUSTED_ORIGINS follows to localhost:8001" in move.title, move.title


@pytest.mark.parametrize("origins", ["http://notlocalhost:8000", "http://admin.notlocalhost:8000",
                                     "http://localhost:80001", "http://admin.localhost:80001", "http://a..localhost:8000"])
def test_what_is_no_localhost_on_the_old_port_stays(tmp_path: Path, origins: str) -> None:
    move = _move(_project(tmp_path, ARCHIVEBOX.format(origins=origins), {}), "archivebox")
    (edit,) = move.edits
    assert "CSRF_TRUSTED_ORIGINS" not in str(edit.new) and "follow" not in move.title, move.title


def test_fix_ports_moves_a_dot_localhost_origin_with_its_port(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        compose = ARCHIVEBOX.format(origins=f"http://admin.archivebox.localhost:{port}").replace("8000", str(port))
        project = _project(tmp_path, compose, {})
        done = _fix_ports(project.root, tmp_path)
    new = port + 1
    override = (project.root / "compose.override.yaml").read_text()
    assert f'CSRF_TRUSTED_ORIGINS: "http://admin.archivebox.localhost:{new}"' in override, done.stdout + override
    assert f"CSRF_TRUSTED_ORIGINS follows to localhost:{new}" in done.stdout


ADVENTURELOG = ("services:\n  app:\n    image: busybox\n    env_file: .env\n    environment:\n"
                "      SITE_URL: ${SITE_URL:-http://localhost:8000}\n    ports:\n      - \"${HOST_PORT:-8000}:80\"\n")


@pytest.mark.parametrize(("dotenv", "compose_line_moves"), [
    ("SITE_URL=http://localhost:8000\nHOST_PORT=8000\n", False),  # .env sets it: the default is not used
    ("HOST_PORT=8000\n", True),  # the default is the value
])
def test_a_compose_default_the_env_overrides_stays_as_committed(tmp_path: Path, dotenv: str,
                                                                 compose_line_moves: bool) -> None:
    """seanmorley15/AdventureLog: `SITE_URL: ${SITE_URL:-http://localhost:8015}` in docker-compose.yml and
    SITE_URL in .env: the move rewrote the tracked default too, which compose never used (and the port's
    own default, `${HOST_PORT:-8015}`, stayed), so the committed defaults disagreed."""
    move = _move(_project(tmp_path, ADVENTURELOG, {".env": dotenv}), "app")
    edited = {(e.path.name, e.line) for e in move.edits}
    assert (("compose.yaml", 6) in edited) is compose_line_moves, move.edits
    if not compose_line_moves:
        assert (".env", 1) in edited and "SITE_URL follows to localhost:8001" in move.title, move.title


def test_the_env_of_an_app_a_service_binds_however_deep_follows(tmp_path: Path) -> None:
    """openfun/joanie: `admin-dev` binds ./src/frontend/admin (a Next.js app, three folders down), whose .env
    (made from its .env.example, as the README says) names the API's published port for the browser; the move
    of app-dev's port left it behind (only apps two folders down were looked at)."""
    compose = ("services:\n  server:\n    image: busybox\n    ports: [\"8000:8000\"]\n"
               "  admin:\n    image: node:20\n    volumes:\n      - ./src/frontend/admin:/app\n")
    move = _move(_project(tmp_path, compose, {
        "src/frontend/admin/package.json": "{}\n",
        "src/frontend/admin/.env": "NEXT_PUBLIC_API_ENDPOINT=http://localhost:8000/api/v1.0\n"}), "server")
    followed = [(e.path.relative_to(tmp_path / "p").as_posix(), e.new) for e in move.edits if e.path.name == ".env"]
    assert followed == [("src/frontend/admin/.env", "NEXT_PUBLIC_API_ENDPOINT=http://localhost:8001/api/v1.0")], move


def test_a_site_address_under_a_name_of_its_own_is_named_with_the_old_port(tmp_path: Path) -> None:
    """tubearchivist's `TA_HOST=http://tubearchivist.local:8000` (its ALLOWED_HOSTS and CSRF origins, port
    included; /etc/hosts gives the name): the move to 8001 names it for the developer, as a localhost one is."""
    compose = ("services:\n  web:\n    image: busybox\n    ports: [\"8000:8000\"]\n    environment:\n"
               "      TA_HOST: http://tubearchivist.local:8000\n      ES_URL: http://archivist-es:9200\n")
    move = _move(_project(tmp_path, compose, {}), "web")
    assert ("compose.yaml:6 TA_HOST=http://tubearchivist.local:8000 still names the old port: set it to port 8001 "
            "if it is the address browsers open") in move.title, move.title
    assert "ES_URL" not in move.title
