"""root-owned-files never widens its scan to a system folder, the home folder or above it.

appwrite binds `/tmp:/tmp` (its executor shares the host's temp folder): a copy of it in /tmp had
its scan widened to all of /tmp, which reported '12 paths in the repo root '/tmp'' and offered to
chown other users' files. Root's files in /tmp, /var/run, /etc, /dev, ... are normal.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles, _checkout_top

from doctor.host import Host
from doctor.host.owners import not_project_data, scan_scope
from doctor.project import Project, ProjectOptions

USER = 1000
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")


@pytest.fixture
def in_tmp() -> Iterator[Path]:
    """A project folder right in /tmp (as an unpacked download often is): /tmp is then the
    folder its checkout top search reaches."""
    folder = Path(tempfile.mkdtemp(prefix="doctor-scope-", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@needs_root
def test_appwrites_bind_of_tmp_does_not_widen_the_scan_to_tmp(in_tmp: Path, shared_dir: Path) -> None:
    shutil.copytree(shared_dir / "corpus" / "appwrite__appwrite", in_tmp, dirs_exist_ok=True)
    (in_tmp / "cache").mkdir()
    for folder, dirs, files in os.walk(in_tmp):
        os.chmod(folder, 0o755)
        for name in (*dirs, *files):
            os.lchown(Path(folder, name), USER, USER)
            if name in files:
                os.chmod(Path(folder, name), 0o644)
    os.lchown(in_tmp, USER, USER)
    os.lchown(in_tmp / "cache", 0, 0)  # a stray in the project: still found
    stray = Path(tempfile.mkstemp(prefix="doctor-scope-root-", dir="/tmp")[1])  # root's, in /tmp: normal
    try:
        env = {"PATH": os.environ["PATH"], "HOME": "/home/dev"}
        project = Project(ProjectOptions(path=in_tmp, env=env))
        binds = [m.source for s in project.services.values() for m in s.volumes if m.type == "bind" and m.source]
        assert "/tmp" in binds
        assert scan_scope(in_tmp, env, binds, _checkout_top) == in_tmp
        findings = list(RootOwnedFiles().run(project, Host(env=env)))
        assert [f.subject for f in findings] == ["owner:cache"]
        assert findings[0].message == "1 path in 'cache' owned by root (uid 0), not uid 1000: cache"
    finally:
        stray.unlink()


@pytest.mark.parametrize("path", ["/", "/tmp", "/var/run", "/var/run/docker.sock", "/run/user/1000", "/etc",
                                  "/etc/localtime", "/dev/shm", "/sys/fs/cgroup", "/proc", "/var/lib", "/home",
                                  "/srv", "/opt", "/home/dev"])
def test_system_folders_and_the_home_folder_and_above_are_no_project_data(path: str) -> None:
    assert not_project_data(path, "/home/dev")


@pytest.mark.parametrize("path", ["/home/dev/code", "/srv/app", "/opt/app/data", "/workspaces/app", "/app"])
def test_project_folders_are(path: str) -> None:
    assert not not_project_data(path, "/home/dev")


def test_a_work_tree_above_the_home_folder_is_not_taken(tmp_path: Path) -> None:
    """A git repository around the home folders (as a dotfiles repository at HOME is not taken):
    a bind of the folder around the project leaves the scan at the project."""
    (tmp_path / "home" / ".git").mkdir(parents=True)
    home = tmp_path / "home" / "alice"
    project = home / "code" / "app"
    project.mkdir(parents=True)
    assert scan_scope(project, {"HOME": str(home)}, [str(home / "code")]) == project
    assert scan_scope(project, {}, [str(home / "code")]) == home / "code"  # no HOME known: as before


def test_a_bind_of_tmp_beside_a_project_in_a_work_tree_in_tmp_is_not_taken(in_tmp: Path) -> None:
    """A work tree whose top is /tmp's child, the project below it: binds of /tmp and /var/run
    never widen, a bind of the checkout's own folder does."""
    (in_tmp / ".git").mkdir()
    project = in_tmp / "docker"
    project.mkdir()
    assert scan_scope(project, {}, ["/tmp", "/var/run/docker.sock", "/etc/localtime"]) == project
    assert scan_scope(project, {}, ["/tmp", str(in_tmp / "src")]) == in_tmp
