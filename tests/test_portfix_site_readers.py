"""`fix --ports` and who reads the moved port: the site's public address, a shared site line, a Makefile's env.

Trial J2, bookwyrm: `.env.dev` `PORT=1333` held; the fix set `PORT=1334` and pinned `PORT: '1333'` for
`web`, `celery_*` and `flower`, whose settings build `NETLOC = f"{DOMAIN}:{PORT}"`, `BASE_URL` and
`CSRF_TRUSTED_ORIGINS` from it: the app's links and CSRF origin stayed on the old port.
Trial J1, Flagsmith: the anchor `FLAGSMITH_DOMAIN: localhost:8000` followed for `flagsmith` ("8000:8000")
but not for `flagsmith-task-processor` ("8001:8000"), which was taken to mean itself; and `api/.env-local`,
which `api/Makefile` includes (`-include .env-local`) for every host-run target, kept dialling the
database's old port without a word.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from doctor.checks.port_collision.fix import PortMove, port_fix
from doctor.checks.port_collision.public_port import public_reader
from portprobe import BusyHost, held_port
from trees import write_tree

from doctor.project import Project, ProjectOptions
from doctor.project.codetext import CodeText
from doctor.project.make_env import make_env_files


def _project(tmp_path: Path, files: dict[str, str], path: str = "", env: dict[str, str] | None = None) -> Project:
    root = write_tree(tmp_path / "p", files)
    return Project(ProjectOptions(path=root / path if path else root,
                                  env={"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", **(env or {})}))


def _move(project: Project, service: str, old: int = 8000) -> PortMove:
    move = port_fix(project, BusyHost({old}), service, project.services[service].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == old + 1, move
    return move


# -- bookwyrm: the settings build the public address from PORT ---------------------------------------

BOOKWYRM = ("services:\n  nginx:\n    image: nginx:1.27\n    ports:\n      - \"${PORT:-80}:80\"\n"
            "  web:\n    build: .\n    env_file: .env\n")
SETTINGS = ('import os\nPORT = int(os.environ.get("PORT", 80))\n'
            'BASE_URL = f"http://{os.environ["DOMAIN"]}:{PORT}"\nCSRF_TRUSTED_ORIGINS = [BASE_URL]\n')


def _bookwyrm(tmp_path: Path, settings: str, port: int = 8000) -> Project:
    return _project(tmp_path, {"compose.yaml": BOOKWYRM, ".env": f"DOMAIN=localhost\nPORT={port}\n",
                               "Dockerfile": "FROM python:3.11\nCOPY app /app/app\n", "app/__init__.py": "",
                               "app/settings.py": settings})


def test_a_port_the_settings_build_the_public_address_from_follows_unpinned(tmp_path: Path) -> None:
    move = _move(_bookwyrm(tmp_path, SETTINGS), "nginx")
    assert [(e.path.name, e.new) for e in move.edits] == [(".env", "PORT=8001")], move.edits
    assert "'web' builds its public address from PORT (app/settings.py:3): it follows" in move.title, move.title
    assert "dials" not in move.title and "as today" not in move.title, move.title


def test_a_port_the_code_dials_a_service_with_is_still_pinned(tmp_path: Path) -> None:
    """A reader that dials a peer by its service name with the variable keeps today's value."""
    settings = SETTINGS + 'PROXY = f"http://nginx:{PORT}/"\n'
    move = _move(_bookwyrm(tmp_path, settings), "nginx")
    assert sorted(e.path.name for e in move.edits) == [".env", "compose.override.yaml"], move.edits
    assert "builds its public address" not in move.title, move.title
    assert "'web' dials 'nginx' on its container port 80, not host port 8000 (PORT)" in move.title, move.title


@pytest.mark.parametrize(("code", "public"), [
    ('NETLOC = f"{DOMAIN}:{PORT}"\n', True),
    ('PORT = env.int("PORT", 80)\nif PORT != 80:\n    NETLOC = f"{DOMAIN}:{PORT}"\n', True),
    ('p = os.environ["PORT"]\nALLOWED_HOSTS = ["localhost:" + p]\n', True),
    ('url = "http://%s:%s/" % (SITE_DOMAIN, os.environ["PORT"])\n', True),
    ('const port = process.env.PORT\nconst origin = `http://${PUBLIC_HOST}:${port}`\n', True),
    ('app.run(port=int(os.environ["PORT"]))\n', False),
    ('REDIS_URL = f"redis://{REDIS_HOST}:{os.environ[\'PORT\']}"\n', False),
    ('# BASE_URL = f"http://{DOMAIN}:{PORT}"\nPORT = os.environ["PORT"]\n', False),
    ('BASE_URL = f"http://{DOMAIN}:{PORT}"\nUPSTREAM = f"http://nginx:{PORT}"\n', False),
])
def test_public_reader(tmp_path: Path, code: str, public: bool) -> None:
    write_tree(tmp_path, {"app/settings.py": code, "tests/test_urls.py": 'BASE = f"http://{DOMAIN}:{PORT}"\n'})
    found = public_reader(CodeText(), "PORT", [tmp_path / "app", tmp_path / "tests"], ["nginx", "web"])
    assert (found is not None) is public, found


def test_a_test_building_the_address_is_no_reader(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": 'serve(os.environ["PORT"])\n',
                      "app/tests/test_urls.py": 'BASE_URL = f"http://{DOMAIN}:{PORT}"\n'})
    assert public_reader(CodeText(), "PORT", [tmp_path / "app"], ["web"]) is None


# -- Flagsmith: a site key shared through one anchor ---------------------------------------------------

FLAGSMITH = ("x-env: &env\n  SITE_DOMAIN: localhost:{port}\nservices:\n  web:\n    image: app:dev\n"
             "    environment:\n      <<: *env\n    ports:\n      - {port}:{port}\n  worker:\n    image: app:dev\n"
             "    environment:\n      <<: *env\n{worker}    ports:\n      - {after}:{port}\n  migrate:\n"
             "    image: app:dev\n    environment:\n      <<: *env\n")


def _flagsmith(port: int = 8000, worker: str = "") -> str:
    return FLAGSMITH.format(port=port, after=port + 5, worker=worker)


def test_a_site_key_shared_through_an_anchor_follows_for_a_service_listening_on_the_port(tmp_path: Path) -> None:
    move = _move(_project(tmp_path, {"compose.yaml": _flagsmith()}), "web")
    (edit,) = move.edits
    services = yaml.safe_load(str(edit.new).replace("!override", ""))["services"]
    assert {name: s["environment"] for name, s in services.items()} == {
        name: {"SITE_DOMAIN": "localhost:8001"} for name in ("web", "worker", "migrate")}, edit.new
    assert services["web"]["ports"] == ["8001:8000"]


def test_a_site_key_on_the_other_services_own_line_is_its_own(tmp_path: Path) -> None:
    """Written on the worker's own line (not the one the moved service reads), `localhost:8000` where the
    worker listens on 8000 is the worker itself: it stays."""
    compose = _flagsmith(worker="      SITE_DOMAIN: localhost:8000\n")
    move = _move(_project(tmp_path, {"compose.yaml": compose}), "web")
    (edit,) = move.edits
    services = yaml.safe_load(str(edit.new).replace("!override", ""))["services"]
    assert {name: s.get("environment") for name, s in services.items()} == {
        "web": {"SITE_DOMAIN": "localhost:8001"}, "migrate": {"SITE_DOMAIN": "localhost:8001"}}, edit.new


# -- Flagsmith api: the env file a Makefile includes ---------------------------------------------------

DB = "name: app\nservices:\n  db:\n    image: postgres:16\n    ports:\n      - {port}:5432\n"
MAKEFILE = ".EXPORT_ALL_VARIABLES:\nCOMPOSE_FILE ?= ../docker/compose.yml\n-include .env-local\n\ntest:\n\tpytest\n"


def test_the_env_file_a_makefile_includes_follows_the_moved_port(tmp_path: Path) -> None:
    project = _project(tmp_path, {"compose.yaml": DB.format(port=8000),
                                  "Makefile": "include settings.env rules.mk\nsinclude $(ENV).env\n",
                                  "settings.env": "# the db\nDATABASE_URL=postgresql://u@localhost:8000/app\n\n",
                                  "rules.mk": "URL := localhost:8000\nall:\n\techo localhost:8000\n"})
    move = _move(project, "db")
    followed = [(e.path.name, e.new) for e in move.edits if e.path.name != "compose.override.yaml"]
    assert followed == [("settings.env", "DATABASE_URL=postgresql://u@localhost:8001/app")], move.edits
    assert "DATABASE_URL in settings.env follows to localhost:8001" in move.title, move.title


def test_the_env_file_a_makefile_outside_the_project_includes_is_named(tmp_path: Path) -> None:
    """Flagsmith's layout: doctor run in api/, its COMPOSE_FILE in ../docker, which fixes may write in."""
    project = _project(tmp_path, {"docker/compose.yml": DB.format(port=8000), "api/Makefile": MAKEFILE,
                                  "api/.env-local": "DATABASE_URL=postgresql://postgres:pw@localhost:8000/app\n"},
                       path="api", env={"COMPOSE_FILE": "../docker/compose.yml"})
    assert project.root.name == "docker"
    move = _move(project, "db")
    assert all(e.path.name != ".env-local" for e in move.edits), move.edits
    assert "(then, by hand: change 8000 to 8001 in DATABASE_URL in " in move.title, move.title
    assert ".env-local:1" in move.title, move.title
    assert "pw" not in move.title


def test_a_bare_host_port_in_an_env_file_the_makefile_includes_follows(tmp_path: Path) -> None:
    """joanie's `make tunnel` runs `npx localtunnel --port $(LOCALTUNNEL_PORT)` on the host, from an env file
    the Makefile includes: the moved host port goes with it; a number a container listens on stays."""
    web = "services:\n  web:\n    image: x\n    ports:\n      - {port}:{inside}\n"
    files = {"Makefile": "include env.d/tunnel\ntunnel:\n\tnpx localtunnel --port $(LOCALTUNNEL_PORT)\n",
             "env.d/tunnel": "LOCALTUNNEL_PORT=8000\nLOCALTUNNEL_SUBDOMAIN=dev\nRETRIES=8000\n",
             ".env": "APP_PORT=8000\n"}  # .env: no Makefile includes it here, and compose interpolates it
    move = _move(_project(tmp_path / "a", {**files, "compose.yaml": web.format(port=8000, inside=80)}), "web")
    followed = [(e.path.name, e.new) for e in move.edits if e.path.name != "compose.override.yaml"]
    assert followed == [("tunnel", "LOCALTUNNEL_PORT=8001")], move.edits
    assert "LOCALTUNNEL_PORT in env.d/tunnel, which the Makefile includes, follows to 8001" in move.title, move.title
    # "8000:8000": 8000 is also the container's own port, which such a line may mean: left alone
    same = _move(_project(tmp_path / "b", {**files, "compose.yaml": web.format(port=8000, inside=8000)}), "web")
    assert all(e.path.name != "tunnel" for e in same.edits), same.edits


def test_a_template_the_makefile_falls_back_to_and_a_peer_url_do_not_follow(tmp_path: Path) -> None:
    """evrone/go-clean-template: the Makefile includes .env, else .env.example (committed: never this machine's
    port); app's `NATS_URL: nats://...@localhost:4222/` dials a peer, leaked-host-port's to fix: a move of nats'
    host port copying it to the override as localhost:4223 undid that fix (two runs to settle)."""
    nats = ("services:\n  nats:\n    image: nats:2.10\n    ports:\n      - 8000:4222\n"
            "  app:\n    image: x\n    environment:\n      NATS_URL: nats://guest:pw@localhost:8000/\n"
            "      SITE_URL: http://localhost:8000\n")
    project = _project(tmp_path, {"compose.yaml": nats,
                                  "Makefile": ("ifneq ($(wildcard .env),)\n\tinclude .env\nelse\n"
                                               "\tinclude .env.example\nendif\n"),
                                  ".env": "NATS_URL=nats://guest:pw@localhost:8000/\n",
                                  ".env.example": "NATS_URL=nats://guest:pw@localhost:8000/\n"})
    move = _move(project, "nats")
    edited = {e.path.name: e.new for e in move.edits}
    assert ".env.example" not in edited, move.edits
    assert edited.get(".env") == "NATS_URL=nats://guest:pw@localhost:8001/"  # the host app's, via the Makefile
    override = edited.get("compose.override.yaml", "")
    assert "NATS_URL" not in override and 'SITE_URL: "http://localhost:8001"' in override, override


def test_a_host_apps_port_beside_its_localhost_host_follows(tmp_path: Path) -> None:
    """ghostfolio: the API run on the host reads .env's REDIS_HOST=localhost and REDIS_PORT=6379: moving redis's
    host port, that port follows, whatever redis listens on inside; a port with no local host beside it stays
    (and in a file outside the folder fixes write in, it is named for a change by hand)."""
    compose = "services:\n  redis:\n    image: redis:7\n    ports:\n      - 8000:6379\n"
    project = _project(tmp_path, {"compose.yaml": compose,
                                  ".env": "REDIS_HOST=localhost\nREDIS_PORT=8000\nCACHE_PORT=8000\n"})
    move = _move(project, "redis")
    followed = [(e.path.name, e.new) for e in move.edits if e.path.name == ".env"]
    assert followed == [(".env", "REDIS_PORT=8001")], move.edits
    assert "REDIS_PORT in .env, beside its host at localhost, follows to 8001" in move.title, move.title


def test_make_env_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Makefile": "-include .env-local .env-missing\ninclude tools.mk\n\tinclude .env-recipe\n"
                                  "# include .env-commented\n",
                      ".env-local": "A=1\nexport B=2\n", "tools.mk": "A=1\nall:\n\ttrue\n",
                      ".env-recipe": "A=1\n", ".env-commented": "A=1\n"})
    assert make_env_files(tmp_path) == [tmp_path / ".env-local"]
    assert make_env_files(tmp_path / "nowhere") == []


# -- the trials' repros, with a real socket holding the port -------------------------------------------

def _held() -> tuple[socket.socket, int]:
    return held_port(28300, 29300, 11, spare=6)


def _fix_ports(cwd: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full: dict[str, Any] = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", **(env or {}),
                            "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", *args, "--ports", "--yes"], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def test_fix_ports_keeps_bookwyrms_public_port_with_the_move(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        project = _bookwyrm(tmp_path, SETTINGS, port)
        said = _fix_ports(project.root, tmp_path)
    assert (project.root / ".env").read_text() == f"DOMAIN=localhost\nPORT={port + 1}\n", said
    assert not (project.root / "compose.override.yaml").exists(), said
    assert "'web' builds its public address from PORT (app/settings.py:3): it follows" in said, said


def test_fix_ports_moves_flagsmiths_shared_domain_for_every_service(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        project = _project(tmp_path, {"compose.yaml": _flagsmith(port)})
        said = _fix_ports(project.root, tmp_path)
    override = (project.root / "compose.override.yaml").read_text()
    assert override.count(f'SITE_DOMAIN: "localhost:{port + 1}"') == 3, said + override
    assert f"- \"{port + 1}:{port}\"" in override, override


def test_fix_ports_names_the_env_file_flagsmiths_makefile_includes(tmp_path: Path) -> None:
    holder, port = _held()
    local = f"DATABASE_URL=postgresql://postgres:pw@localhost:{port}/app\n"
    with holder:
        files = {"docker/compose.yml": DB.format(port=port), "api/Makefile": MAKEFILE, "api/.env-local": local}
        project = _project(tmp_path, files, path="api", env={"COMPOSE_FILE": "../docker/compose.yml"})
        api = project.root.parent / "api"
        said = _fix_ports(api, tmp_path, ".", env={"COMPOSE_FILE": "../docker/compose.yml"})
    assert f"- {port + 1}:5432" in (project.root / "compose.yml").read_text(), said
    assert f"(then, by hand: change {port} to {port + 1} in DATABASE_URL in .env-local:1" in said, said
    assert (api / ".env-local").read_text() == local


def test_a_url_the_override_itself_writes_follows_in_the_move_s_one_edit(tmp_path: Path) -> None:
    """appwrite's shape: the override writes `SERVER_URL=http://localhost:8000/...` for `explorer`, and
    the port `proxy` publishes moves into that same override. The URL's line is rewritten in the
    move's text: one edit of the file (two edits of it overlapped, and the fix was never applied)."""
    compose = "services:\n  proxy:\n    image: traefik\n    ports: [\"8000:80\"]\n  explorer:\n    image: altair\n"
    override = "services:\n  explorer:\n    environment:\n      - SERVER_URL=http://localhost:8000/v1/graphql\n"
    project = _project(tmp_path, {"compose.yaml": compose, "compose.override.yaml": override})
    move = _move(project, "proxy")
    [edit] = move.edits
    assert edit.path.name == "compose.override.yaml"
    assert isinstance(edit.new, str) and yaml.safe_load(edit.new.replace("!override", "")) == {"services": {
        "explorer": {"environment": ["SERVER_URL=http://localhost:8001/v1/graphql"]},
        "proxy": {"ports": ["8001:80"]}}}
