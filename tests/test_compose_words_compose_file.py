"""The `docker compose` a hint writes (Project.compose_words) where COMPOSE_FILE names the files.

cookiecutter/cookiecutter-django (tests/replay/cookiecutter-django) documents `export
COMPOSE_FILE=docker-compose.local.yml`: with it set, `doctor exec`'s "stop it first, `docker compose -f
docker-compose.local.yml stop django`" carried a `-f` a bare `docker compose` there does not need, since
compose reads COMPOSE_FILE (from the environment or the folder's `.env`) as doctor did. `-f` stays where a bare
compose would not find the files: from a subfolder, where the relative COMPOSE_FILE names no file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "cookiecutter-django"


def _words(root: Path, env: dict[str, str], cwd: Path | None = None, *, files: tuple[Path, ...] = ()) -> str:
    return Project(ProjectOptions(path=root, files=files, env=env, cwd=cwd or root)).compose_words()


def test_compose_file_set_where_compose_reads_it_needs_no_f(tmp_path: Path) -> None:
    root = tmp_path / "cookiecutter-django"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    assert _words(root, {**env, "COMPOSE_FILE": "docker-compose.local.yml"}) == "docker compose"
    (root / ".env").write_text("COMPOSE_FILE=docker-compose.local.yml\n")
    assert _words(root, env) == "docker compose"
    (root / ".env").unlink()
    # given with -f alone, or run from a folder where the relative COMPOSE_FILE names nothing: compose needs -f
    assert _words(root, env, files=(root / "docker-compose.local.yml",)) == (
        "docker compose -f docker-compose.local.yml")
    assert _words(root, {**env, "COMPOSE_FILE": "docker-compose.local.yml"}, root / "config") == (
        "docker compose -f ../docker-compose.local.yml")
