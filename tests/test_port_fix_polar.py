"""`doctor fix --ports` moves polarsource/polar's api where its compose reads the port: server/.env.

polarsource/polar (tests/replay/polar) runs `-f dev/docker/docker-compose.dev.yml --env-file server/.env`:
'api' publishes `${API_PORT:-8000}:8000`, every service loads `../../server/.env` (untracked, copied from
its template) and binds `../../dev`, and all build from `../..`. With a process on the api's port,
preflight named the owner and the fix `set API_PORT=8001 in server/.env`, but `doctor fix --ports --yes`
skipped it as advice only and the error stayed: the folder fixes may write in stopped at `dev/` (the
parent of the project folder, which a bind names) without being widened to server/.env or the checkout
the builds use. API_PORT in the containers' env (the env file hands it in) is read by nothing there:
uvicorn listens on a literal 8000 (dev/docker/scripts/startup.sh), so the new value moves the host side
alone. The move's title also told the developer to set `POLAR_BASE_URL=http://localhost:8000` and
`POLAR_CHECKOUT_BASE_URL` by hand, though both are `http://localhost:${API_PORT:-8000}`, which the new
API_PORT moves by itself.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from doctor.checks.port_collision.fix import port_fix
from portprobe import held_port, republish
from test_portfix import host_with

from doctor.project import Project, ProjectOptions
from doctor.project.edits import edit_root

REPLAY = Path(__file__).parent / "replay" / "polar"
COMPOSE = Path("dev") / "docker" / "docker-compose.dev.yml"
ENV = Path("server") / ".env"


def _checkout(tmp_path: Path, default: int = 8000) -> Path:
    top = tmp_path / "polar"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(top / "server" / ".env.template", top / ENV)
    if default != 8000:  # the test's own held port as the default the compose file gives API_PORT
        text = (top / COMPOSE).read_text()
        (top / COMPOSE).write_text(text.replace("${API_PORT:-8000}", f"${{API_PORT:-{default}}}"))
    (top / "server" / ".gitignore").write_text(".env\n")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    subprocess.run(["git", "-C", str(top), "add", "-A"], check=True)
    return top


def _project(top: Path, tmp_path: Path) -> Project:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    return Project(ProjectOptions(path=top / COMPOSE.parent, files=(top / COMPOSE,), env_files=(top / ENV,),
                                  project_name="doctor-h-fixpolar-unit", env=env, cwd=top))


def test_the_checkout_around_a_bound_parent_folder_takes_the_env_file_beside_it(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    assert edit_root(_project(top, tmp_path)) == top.resolve()


def test_the_move_writes_api_port_in_server_env_and_names_no_interpolated_value_by_hand(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    project = _project(top, tmp_path)
    move = port_fix(project, host_with({8000}), "api", project.services["api"].ports[0],
                    compose_version=(2, 40, 3))
    assert move is not None and move.edits, move
    assert [e.new for e in move.edits if e.path == top / ENV and not e.old] == ["API_PORT=8001\n"]
    assert move.title.startswith("move 'api' from host port 8000 to 8001 (server/.env API_PORT"), move.title
    # `http://localhost:${API_PORT:-8000}` follows the variable: no step by hand names it
    assert "POLAR_BASE_URL" not in move.title and "by hand" not in move.title, move.title


def test_one_fix_run_settles_the_held_api_port(tmp_path: Path) -> None:
    holder, port = held_port(21300, 32000, 7)
    try:
        top = _checkout(tmp_path, port)
        # web on a host port free now: a developer's own stack on 3000 would be a second held port to move
        republish(top, ((str(COMPOSE), "${WEB_PORT:-@}", 3000),))
        env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
        env.pop("API_PORT", None)
        argv = [sys.executable, "-m", "doctor", "fix", "--ports", "--yes", "-f", str(COMPOSE), "--env-file",
                str(ENV), "-p", f"doctor-h-fixpolar-{tmp_path.name[-8:].lower()}"]
        done = subprocess.run(argv, cwd=top, env=env, capture_output=True, text=True, timeout=180)
        assert "1 applied (1 verified fixed)" in done.stdout, done.stdout + done.stderr
        assert done.returncode == 0, done.stdout + done.stderr
        assert (top / ENV).read_text().endswith(f"\nAPI_PORT={port + 1}\n")
        again = subprocess.run(argv, cwd=top, env=env, capture_output=True, text=True, timeout=180)
        assert "applied" not in again.stdout.replace("0 applied", ""), again.stdout
    finally:
        holder.close()
