"""The host's env files a moved port follows into are looked for once per project a run loads.

port-collision's fix asked host_follow._host_env_files again for every port it moved: the folders (the
project, the checkout's top, its app folders) and their Makefiles' includes, ~15M instructions each time
in a checkout as large as doctor's own, three times on a warm preflight of examples/broken-stack. A run
now looks once per Project (each fix round loads its own, so a file a round writes is seen by the next).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.port_collision import host_follow

from doctor.project import Project, ProjectOptions

COMPOSE = ("services:\n  api:\n    image: api\n    ports: ['8000:8000']\n"
           "  db:\n    image: postgres\n    ports: ['5432:5432']\n")


def _project(root: Path) -> Project:
    env = {"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}
    return Project(ProjectOptions(path=root, env=env))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("API_URL=http://localhost:8000\nDATABASE_URL=postgres://u@localhost:5432/app\n")
    (tmp_path / "Makefile").write_text("-include .env.host\nrun:\n\tpython -m app\n")
    (tmp_path / ".env.host").write_text("TEST_DATABASE_URL=postgres://u@localhost:5432/test\n")
    return tmp_path


def test_two_moves_look_for_the_files_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(root)
    looked: list[Path] = []
    real = host_follow.make_env_files

    def counted(folder: Path) -> list[Path]:
        looked.append(folder)
        return real(folder)

    monkeypatch.setattr(host_follow, "make_env_files", counted)
    first = host_follow.host_follow_edits(project, 8000, 8001, set())
    once = list(looked)
    second = host_follow.host_follow_edits(project, 5432, 5433, set())
    assert once and looked == once  # the second move looked for nothing
    assert [e.path.name for e in first[0]] == [".env"] and "API_URL" in first[1]
    assert sorted(e.path.name for e in second[0]) == [".env", ".env.host"]
    # what each says is what a project asked first says
    assert host_follow.host_follow_edits(_project(root), 5432, 5433, set()) == second


def test_a_project_loaded_again_sees_a_new_include(root: Path) -> None:
    assert [e.path.name for e in host_follow.host_follow_edits(_project(root), 5432, 5433, set())[0]] == [
        ".env", ".env.host"]
    (root / ".env.tools").write_text("TOOLS_DATABASE_URL=postgres://u@127.0.0.1:5432/tools\n")
    (root / "Makefile").write_text("-include .env.host\n-include .env.tools\nrun:\n\tpython -m app\n")
    assert sorted(e.path.name for e in host_follow.host_follow_edits(_project(root), 5432, 5433, set())[0]) == [
        ".env", ".env.host", ".env.tools"]
