"""`fix --ports` and the host app's env files of a checkout without its .git.

documenso (75330166cc00) unpacked from an archive: `docker/development/compose.yml` publishes
54320 for postgres and the app, run on the host, reads the top's `.env`
(`NEXT_PRIVATE_DATABASE_URL=...@127.0.0.1:54320/...`, lines 46 and 48). With `.git` the move named
those lines for a change by hand; without it only the compose folder was looked at, so the fix said
"(fixed)" and nothing about the app that still dials 54320.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import BusyHost

from doctor.project import Project, ProjectOptions
from doctor.project.gitrepo import archive_top

DOTENV = ('NEXTAUTH_SECRET="secret"\n# the database of docker/development\n'
          'NEXT_PRIVATE_DATABASE_URL="postgres://documenso:password@127.0.0.1:54320/documenso"\n')


def _checkout(tmp_path: Path, compose: str, marks: tuple[str, ...] = (".gitignore", ".github/workflows/ci.yml"),
              folder: str = "docker/development") -> tuple[Path, Project]:
    top = tmp_path / "documenso"
    (top / folder).mkdir(parents=True)
    for mark in marks:
        (top / mark).parent.mkdir(parents=True, exist_ok=True)
        (top / mark).write_text("")
    (top / ".env").write_text(DOTENV)
    (top / folder / "compose.yml").write_text(compose)
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    return top, Project(ProjectOptions(path=top / folder, env=env))


def _move(project: Project, service: str = "database") -> Any:
    move = port_fix(project, BusyHost({54320}), service, project.services[service].ports[0],
                    ports_range=(20000, 20010), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000
    return move


def test_the_top_of_an_archive_is_found_by_what_a_checkout_keeps_there(tmp_path: Path) -> None:
    top, project = _checkout(tmp_path, 'services:\n  database:\n    image: postgres:15\n    ports: ["54320:5432"]\n')
    (top / "docker" / ".gitignore").write_text("")  # a subfolder's .gitignore is not the top
    assert archive_top(project.root) == top.resolve()
    (top / ".github" / "workflows" / "ci.yml").unlink()
    (top / ".github" / "workflows").rmdir()
    (top / ".github").rmdir()
    assert archive_top(project.root) == (top / "docker").resolve()  # .gitignore alone: the nearest


def test_the_host_apps_env_outside_the_compose_folder_is_named_with_its_line(tmp_path: Path) -> None:
    top, project = _checkout(tmp_path, 'services:\n  database:\n    image: postgres:15\n    ports: ["54320:5432"]\n')
    move = _move(project)
    assert all(e.path.name != ".env" for e in move.edits)
    assert move.title.endswith("(then, by hand: change 54320 to 20000 in NEXT_PRIVATE_DATABASE_URL in "
                               f"{top / '.env'}:3 (a program on the host dials it))"), move.title


def test_the_host_apps_env_follows_where_fixes_may_write(tmp_path: Path) -> None:
    # a compose folder that builds from the top (`context: ..`) may edit the top's files: the line moves
    compose = ('services:\n  database:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n'
               '    ports: ["54320:5432"]\n')
    top, project = _checkout(tmp_path, compose, folder="docker")
    (top / "docker" / "Dockerfile").write_text("FROM postgres:15\n")
    move = _move(project)
    followed = [e for e in move.edits if e.path.name == ".env"]
    assert [(e.line, e.new) for e in followed] == [
        (3, 'NEXT_PRIVATE_DATABASE_URL="postgres://documenso:password@127.0.0.1:20000/documenso"')]
    assert "NEXT_PRIVATE_DATABASE_URL in " in move.title and "follows to localhost:20000" in move.title


def test_no_mark_of_a_top_no_folder_above_is_read(tmp_path: Path) -> None:
    _, project = _checkout(tmp_path, 'services:\n  database:\n    image: postgres:15\n    ports: ["54320:5432"]\n',
                           marks=())
    assert archive_top(project.root) is None
    assert "by hand" not in _move(project).title
