"""`fix --ports` and the `.env` beside a Prisma schema: useplunk/plunk (tests/replay/plunk).

plunk's docker-compose.dev.yml publishes postgres on 55432 for the apps run on the host; CONTRIBUTING.md
copies the `.env.example` of packages/api, packages/dashboard and prisma/ to `.env`, and the root's
`yarn migrate` runs `prisma migrate dev`, which reads prisma/.env (the folder of prisma/schema.prisma):
`DATABASE_URL=postgresql://postgres:postgres@localhost:55432/postgres`. With 55432 held, the move said
`DATABASE_URL in packages/api/.env follows to localhost:61000` and left prisma/.env on 55432, so the
migration dialled the process holding it; now prisma/.env follows too. A `.env` in a prisma/ folder with no
schema is no Prisma CLI's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import held_port, republish
from test_portfix import host_with

from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "plunk"
COMPOSE = "docker-compose.dev.yml"
ENV_FILES = ("packages/api/.env", "packages/dashboard/.env", "prisma/.env")


def _checkout(tmp_path: Path) -> Path:
    """The replay as CONTRIBUTING.md sets it up: each `.env.example` copied to `.env`, in a git checkout."""
    top = tmp_path / "plunk"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    for name in ENV_FILES:
        shutil.copy(top / (name + ".example"), top / name)
    (top / ".gitignore").write_text("node_modules\n.env\n")  # upstream's ignores .env too
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    subprocess.run(["git", "-C", str(top), "add", "-A"], check=True)
    return top


def _move(top: Path, tmp_path: Path) -> PortMove:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    project = Project(ProjectOptions(path=top, files=(top / COMPOSE,), env=env))
    move = port_fix(project, host_with({55432}), "db", project.services["db"].ports[0],
                    ports_range=(20000, 20010), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000, move
    return move


def test_the_env_beside_the_prisma_schema_follows_the_moved_database(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    move = _move(top, tmp_path)
    followed = {(str(e.path.relative_to(top)), e.line, e.new) for e in move.edits if e.path.name == ".env"}
    assert followed == {
        ("packages/api/.env", 4, "DATABASE_URL=postgresql://postgres:postgres@localhost:20000/postgres"),
        ("prisma/.env", 1, "DATABASE_URL=postgresql://postgres:postgres@localhost:20000/postgres"),
    }, followed
    assert "DATABASE_URL in prisma/.env, DATABASE_URL in packages/api/.env follow to localhost:20000" in move.title


def test_a_prisma_folder_without_a_schema_is_no_prisma_clis(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    (top / "prisma" / "schema.prisma").unlink()
    assert all(e.path != top / "prisma" / ".env" for e in _move(top, tmp_path).edits)
    # a schema split over files (`prisma/schema/*.prisma`) is read from the same folder's .env
    (top / "prisma" / "schema").mkdir()
    (top / "prisma" / "schema" / "schema.prisma").write_text((REPLAY / "prisma" / "schema.prisma").read_text())
    assert any(e.path == top / "prisma" / ".env" for e in _move(top, tmp_path).edits)


def test_one_fix_run_moves_the_held_database_and_every_host_env_naming_it(tmp_path: Path) -> None:
    holder, port = held_port(21400, 32000, 7)
    try:
        top = _checkout(tmp_path)
        # the replay's ports made the test's own: the held one for db's, redis's on a port free now
        republish(top, (("packages/api/.env", "127.0.0.1:@", 56379), (COMPOSE, "@:6379", 56379)))
        for name in (COMPOSE, "packages/api/.env", "prisma/.env"):
            text = (top / name).read_text()
            assert "55432" in text
            (top / name).write_text(text.replace("55432", str(port)))
        env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
        argv = [sys.executable, "-m", "doctor", "fix", "--ports", "--yes", "-f", COMPOSE,
                "-p", f"doctor-h-auditnew3-{tmp_path.name[-8:].lower()}"]
        done = subprocess.run(argv, cwd=top, env=env, capture_output=True, text=True, timeout=180)
        assert "1 applied (1 verified fixed)" in done.stdout, done.stdout + done.stderr
        assert f"localhost:{port + 1}/postgres" in (top / "prisma" / ".env").read_text()
        assert f"localhost:{port + 1}/postgres" in (top / "packages" / "api" / ".env").read_text()
        again = subprocess.run(argv, cwd=top, env=env, capture_output=True, text=True, timeout=180)
        assert "nothing to fix" in again.stdout, again.stdout
    finally:
        holder.close()


def test_a_tracked_env_that_follows_the_move_is_said_to_be_tracked(tmp_path: Path) -> None:
    """The review's case: prisma/.env committed (`git add -f`) was rewritten and nothing said it is tracked, where a
    tracked compose file the move writes gets 'is tracked by git: ... keep it out of commits'."""
    top = _checkout(tmp_path)
    subprocess.run(["git", "-C", str(top), "add", "-f", "prisma/.env"], check=True)
    move = _move(top, tmp_path)
    assert "prisma/.env is tracked by git: this port is this machine's, keep it out of commits" in move.title, \
        move.title
    assert "packages/api/.env is tracked" not in move.title, move.title
