"""`fix --ports` names what it leaves to the developer apart from what it writes, and writes nothing needless.

Trial (django-react-boilerplate): the fix moved the frontend from host port 3000 and left, unnamed,
`webpack.config.js`'s `publicPath: 'http://localhost:3000/frontend/webpack_bundles/'` and the backend
settings' `LOCAL_HOST_URL = "http://localhost:3000"` (its CSP allow-list): the browser kept loading the
bundles from 3000, another worktree's server.
Trial (docker-flask-example): the "applied" line read `(.env DOCKER_WEB_PORT_FORWARD; set SERVER_NAME=...)`
as if SERVER_NAME had been written; and the fix wrote a compose.override.yaml keeping
`DOCKER_WEB_PORT_FORWARD: '28000'` for 'web' itself, a variable only its `ports:` reads.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from doctor.checks.port_collision.code_ports import old_port_in_code
from doctor.checks.port_collision.pins import pin_edit
from portprobe import held_port
from trees import write_tree

from doctor.project import Project, ProjectOptions

FRONTEND = ('services: {frontend: {build: ., volumes: [".:/app/", "/app/node_modules"], ports: ["{port}:3000"]}}\n')
NODE = {"Dockerfile": "FROM node:22-alpine\nWORKDIR /app/\nADD package.json /app/\nRUN npm install\nADD . /app/\n"
                      'CMD ["npm","run","dev"]\n',
        "package.json": '{"scripts":{"dev":"webpack serve --mode=development"},"devDependencies":{"webpack":"^5",'
                        '"webpack-cli":"^5","webpack-dev-server":"^5"}}\n'}
WEBPACK = ("module.exports={output:{publicPath:'http://localhost:{port}/frontend/webpack_bundles/'},"
           "devServer:{host:'0.0.0.0',port:3000}};\n")



def _project(root: Path) -> Project:
    return Project(ProjectOptions(path=root, env={"HOME": str(root.parent / "home"), "PATH": "/usr/bin:/bin"}))


def _held() -> tuple[socket.socket, int]:
    return held_port(28400, 29400, 13, spare=1)


def _fix_ports(cwd: Path, tmp_path: Path) -> str:
    env: dict[str, Any] = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
                           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def test_fix_ports_names_the_webpack_public_path_on_the_old_port(tmp_path: Path) -> None:
    holder, port = _held()
    webpack = WEBPACK.replace("{port}", str(port))
    with holder:
        root = write_tree(tmp_path / "p", {"compose.yaml": FRONTEND.replace("{port}", str(port)), **NODE,
                                       "webpack.config.js": webpack})
        said = _fix_ports(root, tmp_path)
    assert f'"{port + 1}:3000"' in (root / "compose.override.yaml").read_text(), said
    assert (f"(then, by hand: change http://localhost:{port} to http://localhost:{port + 1} in webpack.config.js:1 "
            "if it is the address browsers open") in said, said
    assert (root / "webpack.config.js").read_text() == webpack  # named, never edited


def test_another_services_settings_and_an_app_folders_config_are_named(tmp_path: Path) -> None:
    # django-react-boilerplate: the backend's settings allow the frontend's address in its CSP; the
    # config of a monorepo's app folder is read, node_modules' and a commented line are not
    compose = FRONTEND.replace("{port}", "3000") + (
        "  backend:\n    image: python:3.12\n    volumes: ['./backend:/app']\n"
        "    environment: {DJANGO_SETTINGS_MODULE: proj.settings.local}\n")
    compose = compose.replace("services: {frontend: ", "services:\n  frontend: ").replace("}}\n", "}\n")
    root = write_tree(tmp_path / "p", {
        "compose.yaml": compose, **NODE, "webpack.config.js": "// publicPath: 'http://localhost:3000/'\n",
        "web/package.json": "{}\n", "web/vite.config.ts": "export default {base: 'http://127.0.0.1:3000/'}\n",
        "node_modules/pkg/webpack.config.js": "x = 'http://localhost:3000'\n",
        "backend/proj/__init__.py": "", "backend/proj/settings/__init__.py": "",
        "backend/proj/settings/local.py": "from .base import *  # noqa\n",
        "backend/proj/settings/base.py": '# CSP\nX = 1\nLOCAL_HOST_URL = "http://localhost:3000"\n'})
    project = _project(root)
    assert old_port_in_code(project, project.services["frontend"], 3000, 3001) == (
        "change port 3000 to 3001 in web/vite.config.ts:1, backend/proj/settings/base.py:3 if it is the address "
        "browsers open")
    assert old_port_in_code(project, project.services["frontend"], 3001, 3002) == ""


def test_fix_ports_separates_the_server_name_step_and_pins_no_variable_only_compose_reads(tmp_path: Path) -> None:
    holder, port = _held()
    env = f"#export SERVER_NAME=localhost:{port}\nexport DOCKER_WEB_PORT_FORWARD={port}\n"
    compose = ("services:\n  web:\n    build: .\n    env_file: .env\n    ports:\n"
               f"      - \"${{DOCKER_WEB_PORT_FORWARD:-127.0.0.1:{port}}}:8000\"\n")
    with holder:
        root = write_tree(tmp_path / "p", {"compose.yaml": compose, "Dockerfile": "FROM python:3.12\n",
                                       ".env.example": env, ".env": env})
        said = _fix_ports(root, tmp_path)
    assert (root / ".env").read_text() == env.replace(f"FORWARD={port}", f"FORWARD={port + 1}"), said
    assert not (root / "compose.override.yaml").exists(), said
    assert (f"move 'web' from host port {port} to {port + 1} (.env DOCKER_WEB_PORT_FORWARD) (then, by hand: set "
            f"SERVER_NAME=localhost:{port + 1} in .env, as .env.example:1 shows it commented out for {port})") \
        in said, said


def test_the_moved_service_reading_its_own_port_variable_is_still_pinned_where_it_listens_on_it(tmp_path: Path) -> None:
    # `"${PORT:-8000}:8000"` with PORT=8000 and an image doctor cannot read: the server may listen on PORT,
    # so a new .env value would move it off 8000 inside: kept as today
    root = write_tree(tmp_path / "p", {"compose.yaml": "services:\n  web:\n    image: web\n    env_file: .env\n"
                                                   "    ports: ['${PORT:-8000}:8000']\n", ".env": "PORT=8000\n"})
    project = _project(root)
    web = project.services["web"]
    pinned = pin_edit(project, "PORT", 8000, web, 8000)
    assert pinned is not None and pinned[0] is not None and "PORT: '8000'" in str(pinned[0].new), pinned
    # published on 28000, served on 8000: PORT is its own host port, which nothing inside listens on
    (root / ".env").write_text("PORT=28000\n")
    project = _project(root)
    assert pin_edit(project, "PORT", 28000, project.services["web"], 8000) is None


def test_a_key_that_only_begins_with_key_is_pinned_like_any_other(tmp_path: Path) -> None:
    """keycloak's `KEYCLOAK_DATABASE_PORT=${POSTGRES_PORT}` (5432, the port postgres listens on):
    moving POSTGRES_PORT keeps keycloak's value in the override. The pin refused any key holding
    `KEY` anywhere, as if it named a secret, and keycloak then dialled postgres:5433; a key that
    does name one (`KEYCLOAK_DATABASE_PASSWORD`) still stops the pin (the override may be committed)."""
    compose = ('services:\n  postgres: {image: "postgres:16", ports: ["${POSTGRES_PORT}:5432"]}\n'
               '  keycloak: {image: "bitnami/keycloak:24", depends_on: [postgres],\n'
               '             environment: ["KEYCLOAK_DATABASE_HOST=postgres",\n'
               '                           "KEYCLOAK_DATABASE_PORT=${POSTGRES_PORT}"]}\n')
    root = write_tree(tmp_path / "p", {"compose.yaml": compose, ".env": "POSTGRES_PORT=5432\n"})
    project = _project(root)
    pinned = pin_edit(project, "POSTGRES_PORT", 5432, project.services["postgres"], 5432)
    assert pinned is not None and pinned[0] is not None, pinned
    # the project's compose file double-quotes every value it quotes: the pin does too
    assert 'KEYCLOAK_DATABASE_PORT: "5432"' in str(pinned[0].new) and "'keycloak' keeps" in pinned[1], pinned
    (root / "compose.yaml").write_text(compose.replace("KEYCLOAK_DATABASE_PORT", "KEYCLOAK_DATABASE_PASSWORD"))
    project = _project(root)
    assert pin_edit(project, "POSTGRES_PORT", 5432, project.services["postgres"], 5432) is None
