"""A bind source missing from the compose folder is looked for in the folders above it (a compose file
moved down into deploy/), but never in a system folder or the home folder: their `.cache` is the
machine's or the user's, and "did you mean ../../.cache?" would point a project at it."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.project import Project, ProjectOptions
from doctor.project.moved_paths import above_folders
from doctor.system_folders import SYSTEM_FOLDERS


def _messages(root: Path) -> list[str]:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"}))
    return [f.message for f in MissingMount().run(project, Host(env={}))]


def test_a_dotfiles_repository_in_home_is_no_folder_above_the_project(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # a dotfiles repository: its top is the home folder
    (home / ".cache").mkdir()
    project = home / "code" / "shop"
    project.mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    volumes:\n"
                                          "      - ./.cache:/root/.cache\n")
    monkeypatch.setenv("HOME", str(home))
    assert _messages(project) == ["bind source ./.cache does not exist: docker will create it root-owned"]
    assert above_folders(project) == [home / "code"]


def test_no_system_folder_is_above_a_project_outside_a_checkout(tmp_path: Path) -> None:
    """pytest's tmp_path lies in /tmp here: /tmp/.cache (made by any program run with HOME=/tmp) once
    turned a missing ./.cache into "did you mean ../../../.cache?" (tests/test_missing_bind_sources_loaded.py)."""
    folders = above_folders(tmp_path)  # /tmp/pytest-of-root/pytest-N/test_x0: /tmp is the third above
    assert not any(str(folder) in SYSTEM_FOLDERS for folder in folders)
    assert folders[0] == tmp_path.parent


def test_no_home_folder_at_all_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME unset under a uid with no passwd entry (`setpriv --reuid=4321`): Path.home() raises."""
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert above_folders(tmp_path)[0] == tmp_path.parent
