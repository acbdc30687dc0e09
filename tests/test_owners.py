"""File ownership: the parallel walk, the expected owner, chown operands, and the root-owned-files check.

These projects cannot live in tests/cases: git does not keep file owners. They are built here,
owned by uid 1000, with root-owned files planted in them (so the tests need root to chown).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles

from doctor.host import Host
from doctor.host import owners as owners_module
from doctor.host.owners import StderrProgress, expected_owner, scan_owners
from doctor.model import Safety
from doctor.project import Project, ProjectOptions

USER = 1000
ROOT_OWNED = ("backend/app/__pycache__", "backend/app/__pycache__/main.cpython-311.pyc",
              "backend/.pytest_cache", "backend/.pytest_cache/v", "backend/.pytest_cache/v/cache",
              "backend/.pytest_cache/v/cache/lastfailed", ".git/objects/ab", ".git/objects/ab/cdef",
              "stray.log", "data", "data/pg", "data/pg/PG_VERSION", "frontend/node_modules")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")


def own(path: Path, uid: int = USER) -> None:
    os.lchown(path, uid, uid)


def build_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project owned by uid 1000 with root-owned files in backend/, in .git, and one at the top."""
    project = tmp_path / "proj"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root-owned, outside the project\n")  # stays root-owned
    for rel in ("backend/app/main.py", "backend/app/__pycache__/main.cpython-311.pyc",
                "backend/.pytest_cache/v/cache/lastfailed", ".git/objects/ab/cdef", ".git/HEAD",
                "frontend/src/index.js", "frontend/node_modules/left-pad/index.js", "README.md", "stray.log",
                "data/pg/PG_VERSION"):
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    (project / "compose.yaml").write_text(
        "services:\n  api:\n    image: doctor-busybox:test\n    volumes:\n      - ./backend:/app\n"
        "  web:\n    image: doctor-busybox:test\n    volumes:\n      - ./frontend:/src\n"
    )
    (project / "link-out").symlink_to(outside)  # a symlinked dir pointing out: never entered
    (project / "backend" / "secret-link").symlink_to(outside / "secret.txt")
    for top, dirs, files in os.walk(project):
        for name in [*dirs, *files]:
            own(Path(top, name))
    own(project)
    for rel in ROOT_OWNED:
        os.lchown(project / rel, 0, 0)
    return project, outside


@needs_root
def test_scan_finds_root_owned_files_and_never_leaves_the_project(tmp_path: Path) -> None:
    project, outside = build_project(tmp_path)
    scan = scan_owners(project, USER)
    found = {str(s.path.relative_to(project)) for s in scan.strays}
    assert found == set(ROOT_OWNED)  # not frontend/node_modules/left-pad: a user file in a root dir
    assert not any(s.path.is_relative_to(outside) for s in scan.strays)
    assert all(s.uid == 0 for s in scan.strays)
    # the same answer as find (which does not follow symlinks either)
    listed = subprocess.run(["find", str(project), "!", "-uid", str(USER)], capture_output=True, text=True).stdout
    assert {Path(p) for p in listed.split()} == {s.path for s in scan.strays}


@needs_root
def test_exclude_list_is_honoured(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    scan = scan_owners(project, USER, exclude=("data", "backend/.pytest_cache"))
    found = {str(s.path.relative_to(project)) for s in scan.strays}
    assert not any(f.startswith(("data", "backend/.pytest_cache")) for f in found)
    assert "stray.log" in found and ".git/objects/ab" in found


@needs_root
def test_chown_roots_collapse_pure_folders_but_not_ones_holding_excluded_paths(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    roots = {str(p.relative_to(project)): recursive for p, recursive in scan_owners(project, USER).chown_roots()}
    assert roots == {"backend/app/__pycache__": True, "backend/.pytest_cache": True, ".git/objects/ab": True,
                     "stray.log": False, "data": True, "frontend/node_modules": True}
    kept = scan_owners(project, USER, exclude=("data/pg/PG_VERSION",))
    roots = {str(p.relative_to(project)): r for p, r in kept.chown_roots(within=project / "data")}
    assert roots == {"data": False, "data/pg": False}


@needs_root
def test_expected_owner_is_the_project_dir_owner_or_the_sudo_user(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    assert (expected_owner(project, {}).uid, expected_owner(project, {}).gid) == (USER, USER)
    under_sudo = expected_owner(project, {"SUDO_UID": "1234", "SUDO_GID": "99"})
    assert (under_sudo.uid, under_sudo.gid, under_sudo.source) == (1234, 99, "SUDO_UID")
    os.lchown(project, 0, 0)  # doctor as root in CI on a root checkout: nothing is a stray
    assert expected_owner(project, {}).uid == 0


def run_check(project: Path, env: dict[str, str], exclude: tuple[str, ...] = ()) -> list:  # type: ignore[type-arg]
    host = Host(env=env)
    options = ProjectOptions(path=project, env=env)
    return list(RootOwnedFiles(exclude=exclude).run(Project(options), host))


@needs_root
def test_check_groups_by_top_folder_and_names_the_service(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    findings = {f.subject: f for f in run_check(project, {"PATH": os.environ["PATH"]})}
    assert set(findings) == {"owner:.", "owner:.git", "owner:backend", "owner:data", "owner:frontend"}
    backend = findings["owner:backend"]
    assert backend.message.startswith("6 paths in 'backend' owned by root (uid 0), not uid 1000: ")
    assert "backend/.pytest_cache" in backend.message
    assert backend.fix is not None and "'api'" in backend.fix.title and 'user: "${UID}:${GID}"' in backend.fix.title
    assert findings["owner:frontend"].fix is not None and "'web'" in findings["owner:frontend"].fix.title
    assert findings["owner:."].message == "1 path in the project folder owned by root (uid 0), not uid 1000: stray.log"
    assert all(len(f.message) <= 110 for f in findings.values())


@needs_root
def test_fix_command_chowns_without_following_symlinks_and_converges(tmp_path: Path) -> None:
    project, outside = build_project(tmp_path)
    env = {"PATH": os.environ["PATH"]}
    findings = run_check(project, env)
    for finding in findings:
        assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
        assert finding.fix.command[:3] == ("chown", "-hR", f"{USER}:{USER}")  # we are root: direct
        subprocess.run(finding.fix.command, check=True)
    assert run_check(project, env) == []
    assert (outside / "secret.txt").stat().st_uid == 0  # the symlink's target was not touched


@needs_root
def test_fix_goes_through_sudo_or_the_engine_when_not_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    monkeypatch.setattr(owners_module.OwnerProbe, "euid", property(lambda self: USER))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sudo").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "sudo").chmod(0o755)
    finding = next(f for f in run_check(project, {"PATH": str(bin_dir)}) if f.subject == "owner:.git")
    assert finding.fix is not None
    assert finding.fix.command == ("sudo", "chown", "-hR", "1000:1000", str(project / ".git/objects/ab"))

    class FakeEngine:
        available = True

        def get_json(self, path: str) -> object:
            assert path == "/images/json"
            return [{"RepoTags": ["<none>:<none>"]}, {"RepoTags": ["doctor-busybox:test"]}]

    host = Host(env={"PATH": str(tmp_path / "empty")})
    host.engine = FakeEngine()  # type: ignore[assignment]
    found = list(RootOwnedFiles().run(Project(ProjectOptions(path=project, env=host.env)), host))
    git = next(f for f in found if f.subject == "owner:.git")
    assert git.fix is not None
    assert git.fix.command == ("docker", "run", "--rm", "--user", "0:0", "--entrypoint", "chown", "-v",
                               f"{project}:/w", "doctor-busybox:test", "-hR", "1000:1000", "/w/.git/objects/ab")


@needs_root
def test_progress_only_on_a_terminal_and_only_after_a_while(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    assert StderrProgress.for_terminal(io.StringIO()) is None  # a pipe or a log: never
    monkeypatch.setattr(owners_module, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(owners_module, "PACE", 0.001)
    seen: list[int] = []
    walkers: set[int] = set()
    real_scan = owners_module.os.scandir

    def slow_scandir(path: int) -> object:  # a slow file system: stat() waits, entries trickle in
        import threading
        import time

        walkers.add(threading.get_ident())
        time.sleep(0.01)
        return real_scan(path)

    monkeypatch.setattr(owners_module.os, "scandir", slow_scandir)
    scan = scan_owners(project, USER, progress=seen.append)
    assert seen and seen == sorted(seen)
    assert len(walkers) > 1  # the pool grew while the walk was I/O-bound
    assert {str(s.path.relative_to(project)) for s in scan.strays} == set(ROOT_OWNED)


@needs_root
def test_module_entry_prints_what_find_prints(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    done = subprocess.run([sys.executable, "-m", "doctor.host.owners", str(project), str(USER)],
                          capture_output=True, text=True, check=True)
    listed = subprocess.run(["find", str(project), "!", "-uid", str(USER)], capture_output=True, text=True).stdout
    assert sorted(done.stdout.split()) == sorted(listed.split())
    assert done.stderr == ""  # not a terminal: no progress line
