"""A fix edits an env file compose loads from beside the project folder, within one git work tree.

wger-project/docker trial: `dev/docker-compose.yml` loads `../config/prod.env`, whose
`CELERY_BROKER=redis://redis...` names no service (did you mean 'cache'?). preflight offered the
edit, and `doctor fix` skipped it: "../config/prod.env lies outside the project .../dev", even in a
git checkout holding both. Outside any git work tree the edit stays refused: doctor does not write
past the folder it was given unless a checkout says where the project ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.project import Project, ProjectOptions
from doctor.project.edits import edit_root

COMPOSE = "services:\n  web:\n    image: busybox\n    env_file: [../config/app.env]\n  cache:\n    image: redis\n"


def layout(root: Path, git: bool) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "dev").mkdir()
    (root / "config" / "app.env").write_text("CACHE_URL=redis://redis:6379/1\n")
    (root / "dev" / "compose.yaml").write_text(COMPOSE)
    if git:
        (root / ".git").mkdir()  # a checkout's top, as find_repo sees it (no git run)
        (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root / "dev"


def fix(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "COMPOSE_PROJECT_NAME": f"doctor-test-{tmp_path.name[-8:]}".lower()}
    return subprocess.run([sys.executable, "-m", "doctor", "fix", "--env", "--yes"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def test_an_env_file_beside_the_project_in_its_checkout_is_fixed_where_it_is_written(tmp_path: Path) -> None:
    dev = layout(tmp_path / "r", git=True)
    root = edit_root(Project(ProjectOptions(path=dev, env={"PATH": "/usr/bin:/bin"})))
    assert root == (tmp_path / "r").resolve()
    done = fix(dev, tmp_path)
    assert "1 applied (1 verified fixed)" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "r" / "config" / "app.env").read_text() == "CACHE_URL=redis://cache:6379/1\n"


def test_outside_a_checkout_the_edit_stays_refused(tmp_path: Path) -> None:
    dev = layout(tmp_path / "n", git=False)
    assert edit_root(Project(ProjectOptions(path=dev, env={"PATH": "/usr/bin:/bin"}))) == dev
    done = fix(dev, tmp_path)
    assert "lies outside the project" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "n" / "config" / "app.env").read_text() == "CACHE_URL=redis://redis:6379/1\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_file_outside_the_checkout_is_never_reached(tmp_path: Path) -> None:
    # the repository is dev/ itself; ../config lies outside it: refused as before
    dev = layout(tmp_path / "x", git=False)
    subprocess.run(["git", "init", "-q", str(dev)], check=True, timeout=60)
    assert edit_root(Project(ProjectOptions(path=dev, env={"PATH": "/usr/bin:/bin"}))) == dev
