"""`fix --ports` and a site URL written `http://0.0.0.0:<port>`.

chiefonboarding/ChiefOnboarding (new-user trial K2): its docs tell developers to open
http://0.0.0.0:8000 (a browser on Linux or macOS reaches it as localhost), and its `.env`'s
`BASE_URL=http://0.0.0.0:8000` stayed at the old port when `fix --ports` moved 8000, though
`http://localhost:8000` followed. A bare `0.0.0.0:8000` is a bind value (`--bind 0.0.0.0:8000`,
GUNICORN_BIND): every interface of the container, never moved; nor is a *BIND*/*LISTEN*/*ADDR* key's URL.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import BusyHost
from test_port_follow_own_site import _held

from doctor.project import Project, ProjectOptions

CHIEF = ("services:\n  web:\n    image: python:3.13\n    command: python -m http.server 8000\n"
         "    ports:\n      - \"127.0.0.1:8000:8000\"\n    env_file: .env\n")


def _project(root: Path, compose: str, env: str) -> Project:
    root.mkdir(exist_ok=True)
    (root / "compose.yaml").write_text(compose)
    (root / ".env").write_text(env)
    return Project(ProjectOptions(path=root, env={"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}))


def _move(project: Project, service: str) -> PortMove:
    move = port_fix(project, BusyHost({8000}), service, project.services[service].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8001, move
    return move


def test_a_site_url_on_every_interface_follows_the_moved_port(tmp_path: Path) -> None:
    env = ("BASE_URL=http://0.0.0.0:8000\nGUNICORN_BIND=0.0.0.0:8000\nLISTEN_URL=http://0.0.0.0:8000\n"
           "SERVER_ADDR=http://0.0.0.0:8000\nARGS=--bind 0.0.0.0:8000\n")
    move = _move(_project(tmp_path / "p", CHIEF, env), "web")
    followed = {e.line: (e.old, e.new) for e in move.edits if e.path.name == ".env"}
    assert followed == {1: ("BASE_URL=http://0.0.0.0:8000", "BASE_URL=http://0.0.0.0:8001")}, move.edits
    assert "BASE_URL follows to localhost:8001" in move.title, move.title
    for key in ("GUNICORN_BIND", "LISTEN_URL", "SERVER_ADDR", "ARGS"):
        assert key not in move.title, move.title


def test_another_services_url_on_every_interface_follows_and_its_bind_value_stays(tmp_path: Path) -> None:
    compose = (CHIEF.replace("    env_file: .env\n", "")
               + "  worker:\n    image: busybox\n    env_file: .env\n")
    env = "SITE=http://0.0.0.0:8000/app\nBIND=0.0.0.0:8000\nBIND_URL=http://0.0.0.0:8000\nHOST=x0.0.0.0:8000\n"
    move = _move(_project(tmp_path / "p", compose, env), "web")
    followed = {e.line: e.new for e in move.edits if e.path.name == ".env"}
    assert followed == {1: "SITE=http://0.0.0.0:8001/app"}, move.edits


def test_fix_ports_dry_run_shows_base_url_following(tmp_path: Path) -> None:
    holder, port = _held()
    with holder:
        root = tmp_path / "p"
        _project(root, CHIEF.replace("8000", str(port)), f"BASE_URL=http://0.0.0.0:{port}\n")
        env: dict[str, Any] = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
                               "XDG_STATE_HOME": str(tmp_path / "state"),
                               "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
        done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--dry-run"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert f"BASE_URL follows to localhost:{port + 1}" in done.stdout, done.stdout + done.stderr
    assert f"+BASE_URL=http://0.0.0.0:{port + 1}" in done.stdout, done.stdout
    assert (root / ".env").read_text() == f"BASE_URL=http://0.0.0.0:{port}\n"
