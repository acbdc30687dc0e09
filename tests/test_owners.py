"""File ownership: the walk (threads, forked walkers), the expected owner, chown operands, the check.

These projects cannot live in tests/cases: git does not keep file owners. They are built here,
owned by uid 1000, with root-owned files planted in them (so the tests need root to chown).
"""

from __future__ import annotations

import fnmatch
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles
from run_as import as_user

from doctor.host import Host, owner_find, owner_native, owner_pace
from doctor.host import owner_parallel as parallel_module
from doctor.host import owner_walk as walk_module
from doctor.host import owners as owners_module
from doctor.host.owners import OwnerScan, StderrProgress, exclusion, expected_owner, scan_owners
from doctor.model import Safety, Severity
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
def test_chown_operands_collapse_pure_folders_but_not_ones_holding_excluded_paths(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    scan = scan_owners(project, USER)
    roots = {os.path.relpath(p, project): recursive for p, recursive in scan.chown_operands(None, scan.rows)}
    assert roots == {"backend/app/__pycache__": True, "backend/.pytest_cache": True, ".git/objects/ab": True,
                     "stray.log": False, "data": True, "frontend/node_modules": True}
    kept = scan_owners(project, USER, exclude=("data/pg/PG_VERSION",))
    roots = {os.path.relpath(p, project): r for p, r in kept.chown_operands(str(project / "data"), kept.rows)}
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
@pytest.mark.parametrize(("image", "uid", "severity", "kept"), [
    ("postgres:16-alpine", 70, Severity.INFO, "'postgres' (postgres) keeps its data there as its own user"),
    ("postgres:16-alpine", 0, Severity.WARNING, ""),  # root never is a database's own user
    ("busybox", 70, Severity.WARNING, ""),  # no server image: a container's stray write
    # lemmy's pictrs: `user: 991:991`, and the folder doctor's missing-mount advice gives to 991
    ("busybox\n    user: 991:991", 991, Severity.INFO, "'postgres' runs as 991:991 and keeps its files there"),
    ("busybox\n    user: 991:991", 70, Severity.WARNING, ""),
])
def test_a_servers_data_folder_in_the_repo_is_its_own_users(tmp_path: Path, image: str, uid: int,
                                                            severity: Severity, kept: str) -> None:
    project = tmp_path / "lw"
    (project / "pgdata" / "base").mkdir(parents=True)
    (project / "pgdata" / "PG_VERSION").write_text("16\n")
    (project / "compose.yaml").write_text(
        f"services:\n  postgres:\n    image: {image}\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n")
    for top, _, names in os.walk(tmp_path):
        for name in [top, *(os.path.join(top, n) for n in names)]:
            os.lchown(name, USER, USER)
    for name in ("pgdata", "pgdata/base", "pgdata/PG_VERSION"):
        os.lchown(project / name, uid, uid)
    (finding,) = run_check(project, {"PATH": os.environ["PATH"]})
    assert finding.severity is severity and finding.fix is not None
    if severity is Severity.INFO:
        assert finding.message.endswith(f"; {kept}")
        assert finding.fix.safety is Safety.ADVICE and not finding.fix.command  # chowning it would stop postgres
    else:
        assert finding.fix.command[:3] == ("chown", "-hR", f"{USER}:{USER}")


@needs_root
def test_a_servers_data_folder_below_a_top_folder_is_its_own_users(tmp_path: Path) -> None:
    # `./data/pg` (not `./pgdata`): the group stays the top folder's, and is still postgres's data
    project = tmp_path / "p"
    (project / "data" / "pg" / "base").mkdir(parents=True)
    (project / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./data/pg:/var/lib/postgresql/data\n")
    for top, _, names in os.walk(tmp_path):
        for name in [top, *(os.path.join(top, n) for n in names)]:
            os.lchown(name, USER, USER)
    for name in ("data/pg", "data/pg/base"):
        os.lchown(project / name, 70, 70)
    (finding,) = run_check(project, {"PATH": os.environ["PATH"]})
    assert finding.subject == "owner:data" and finding.severity is Severity.INFO
    assert finding.message.endswith("; 'db' (postgres) keeps its data there as its own user")


@needs_root
@pytest.mark.parametrize(("user", "uid", "severity"), [
    ("mattermost", 2000, Severity.INFO),  # mattermost/docker: `USER mattermost`, uid 2000 in the image
    ("2000:2000", 2000, Severity.INFO),
    ("2000", 70, Severity.WARNING),  # a numeric USER that is not the owner: somebody else wrote them
    ("", 2000, Severity.WARNING),  # an image running as root wrote no file as 2000 by design
])
def test_a_bind_mount_owned_by_the_user_its_image_runs_as_is_that_services(
        tmp_path: Path, docker_engine: str, user: str, uid: int, severity: Severity,
        request: pytest.FixtureRequest) -> None:
    # a doctor-only stand-in of this run (an empty layer with the USER set; never run), removed
    # after the test: a tag shared between runs left the image it replaced behind, dangling
    tag = f"doctor-test/image-user-{os.getpid()}-{tmp_path.name}:{user.replace(':', '-') or 'root'}".lower()
    (tmp_path / "empty.tar").write_bytes(b"\0" * 1024)  # an empty tar archive: two zero blocks
    subprocess.run([docker_engine, "import", *(["--change", f"USER {user}"] if user else []),
                    str(tmp_path / "empty.tar"), tag], check=True, capture_output=True, timeout=60)
    request.addfinalizer(lambda: subprocess.run([docker_engine, "rmi", "-f", tag], capture_output=True, timeout=60))
    project = tmp_path / "mm"
    # mattermost/docker's layout: both services' bind mounts below one top folder, `./volumes`
    (project / "volumes" / "app" / "config").mkdir(parents=True)
    (project / "volumes" / "app" / "config" / "config.json").write_text("{}\n")
    (project / "volumes" / "app" / "logs").mkdir()
    (project / "volumes" / "db" / "data").mkdir(parents=True)
    (project / "volumes" / "db" / "data" / "PG_VERSION").write_text("16\n")
    (project / "compose.yaml").write_text(
        f"services:\n  mattermost:\n    image: {tag}\n    volumes:\n      - ./volumes/app/config:/mattermost/config\n"
        "      - ./volumes/app/logs:/mattermost/logs\n"
        "  postgres:\n    image: postgres:16-alpine\n    volumes:\n"
        "      - ./volumes/db/data:/var/lib/postgresql/data\n")
    for top, _, names in os.walk(tmp_path):
        for name in [top, *(os.path.join(top, n) for n in names)]:
            os.lchown(name, USER, USER)
    # its docs: `chown -R 2000:2000 ./volumes/app` (the folder between its mounts goes with them)
    for name in ("volumes/app", "volumes/app/config", "volumes/app/config/config.json", "volumes/app/logs"):
        os.lchown(project / name, uid, uid)
    for name in ("volumes/db/data", "volumes/db/data/PG_VERSION"):
        os.lchown(project / name, 70, 70)
    findings = {f.subject: f for f in run_check(project, {"PATH": os.environ["PATH"]})}
    assert set(findings) == {"owner:volumes/app", "owner:volumes/db/data"}  # a group per service's mounts
    database = findings["owner:volumes/db/data"]
    assert database.severity is Severity.INFO
    assert database.message == ("2 paths in 'volumes/db/data' owned by uid 70, not uid 1000: volumes/db/data, ...; "
                                "'postgres' (postgres) keeps its data there as its own user")
    finding = findings["owner:volumes/app"]
    assert finding.message.startswith("4 paths in 'volumes/app' owned by uid ")
    assert finding.severity is severity, finding.message
    if severity is Severity.INFO:
        shown = user.partition(":")[0]
        assert finding.message.endswith(f"; 'mattermost' runs as its image's user {shown!r} and keeps its files there")
    else:
        assert finding.fix is not None and finding.fix.command[:3] == ("chown", "-hR", f"{USER}:{USER}")


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
def test_a_root_owned_symlink_to_a_folder_is_a_link_not_a_folder(tmp_path: Path) -> None:
    """The stray's own lstat decides whether it is a folder: a root-owned link to a folder is
    chowned itself (-h) inside a recursive chown, its target never entered, and the operands
    come in pathlib's order (`cache/a/b` before `cache/a.b`, which plain text order reverses)."""
    project, outside = build_project(tmp_path)
    cache = project / "frontend" / "cache"
    for rel in ("a/b", "a.b"):
        (cache / rel).mkdir(parents=True)
    for path in (cache, cache / "a", cache / "a.b"):
        own(path)
    os.lchown(cache / "a" / "b", 0, 0)
    os.lchown(cache / "a.b", 0, 0)
    (cache / "out").symlink_to(outside)  # to a root-owned folder outside the project
    os.lchown(cache / "out", 0, 0)
    env = {"PATH": os.environ["PATH"]}
    finding = next(f for f in run_check(project, env) if f.subject == "owner:frontend")
    assert finding.fix is not None
    assert finding.fix.command == ("chown", "-hR", f"{USER}:{USER}", str(cache / "a/b"), str(cache / "a.b"),
                                   str(cache / "out"), str(project / "frontend/node_modules"))
    subprocess.run(finding.fix.command, check=True)
    assert outside.stat().st_uid == 0 and (cache / "out").lstat().st_uid == USER
    assert [f.subject for f in run_check(project, env) if f.subject == "owner:frontend"] == []


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
        rootless = False

        def get_json(self, path: str) -> object:
            if path == "/images/doctor-busybox:test/json":  # does the service's image run as root? (it does)
                return {"Id": "sha256:ab", "Config": {"User": ""}}
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
    monkeypatch.setattr(owner_pace, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(owner_pace, "PACE", 0.001)
    seen: list[int] = []
    walkers: set[int] = set()
    real_listdir = walk_module.os.listdir

    def slow_listdir(path: int) -> list[str]:  # a slow file system: stat() waits, entries trickle in
        import threading

        walkers.add(threading.get_ident())
        time.sleep(0.01)
        return real_listdir(path)

    monkeypatch.setattr(walk_module.os, "listdir", slow_listdir)
    scan = scan_owners(project, USER, progress=seen.append)
    assert seen and seen == sorted(seen)
    assert len(walkers) > 1  # the pool grew while the walk was I/O-bound
    assert {str(s.path.relative_to(project)) for s in scan.strays} == set(ROOT_OWNED)


@needs_root
def test_a_fast_walk_stays_in_the_calling_thread_and_reports_progress_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    project, _ = build_project(tmp_path)
    monkeypatch.setattr(owner_pace, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(owner_pace, "PACE", 0.001)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 1)  # a directory's entries per ms: fast
    walkers: set[int] = set()
    real_listdir = walk_module.os.listdir

    def listdir(path: int) -> list[str]:
        walkers.add(threading.get_ident())
        time.sleep(0.002)  # long enough for the clock to tick between directories
        return real_listdir(path)

    monkeypatch.setattr(walk_module.os, "listdir", listdir)
    seen: list[tuple[int, int]] = []
    scan = scan_owners(project, USER, progress=lambda n: seen.append((threading.get_ident(), n)), processes=1)
    assert walkers == {threading.get_ident()}  # no pool
    assert seen and {who for who, _ in seen} == walkers and [n for _, n in seen] == sorted(n for _, n in seen)
    assert {str(s.path.relative_to(project)) for s in scan.strays} == set(ROOT_OWNED)


@needs_root
def test_module_entry_prints_what_find_prints(tmp_path: Path) -> None:
    project, _ = build_project(tmp_path)
    done = subprocess.run([sys.executable, "-m", "doctor.host.owners", str(project), str(USER)],
                          capture_output=True, text=True, check=True)
    listed = subprocess.run(["find", str(project), "!", "-uid", str(USER)], capture_output=True, text=True).stdout
    assert sorted(done.stdout.split()) == sorted(listed.split())
    assert done.stderr == ""  # not a terminal: no progress line


@pytest.mark.parametrize("args", [[], ["UID"], ["1000", "x"], ["1000", "0"], ["1000", "2", "3"]])
def test_module_entry_refuses_bad_arguments_with_its_usage(tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "doctor.host.owners", str(tmp_path), *args],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("usage: python -m doctor.host.owners TREE UID [PROCESSES]")


def fnmatch_excluded(relative: str, patterns: tuple[str, ...]) -> bool:
    """The exclude rule spelled with fnmatch, one pattern at a time (what `exclusion` compiles)."""
    name = relative.rsplit("/", 1)[-1]
    for pattern in (p.strip("/") for p in patterns):
        if "/" in pattern:
            if fnmatch.fnmatchcase(relative, pattern) or relative.startswith(pattern + "/"):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def test_compiled_exclusion_agrees_with_fnmatch() -> None:
    assert exclusion(()) is None
    patterns = [("a*",), ("*.pyc",), ("data",), ("data/pg",), ("/data/",), ("a/*",), ("x/*/y",), ("[ab]c",),
                ("node_modules", "*.log"), ("d?ta/p*",), ("",)]
    paths = ["a", "ab", "a/b", "b/a", "x.pyc", "d/x.pyc", "data", "data/pg", "data/pg/V", "xdata", "d/data",
             "a/b/c", "ac", "bc", "c/ac", "x/q/y", "x/y", "app.log", "n/node_modules", "n/node_modules/x",
             "dota/pq", "a\nb", "q/a\nb"]
    hits = 0
    for pattern in patterns:
        match = exclusion(pattern)
        for path in paths:
            assert bool(match and match(path)) == fnmatch_excluded(path, pattern), (pattern, path)
            hits += fnmatch_excluded(path, pattern)
    assert hits > 20  # the table exercises both answers


@pytest.fixture(autouse=True)
def python_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests watch the Python walk (its listdir calls, forks and threads): the full walks
    GNU find and the C walk make instead are tests/test_owner_find.py's and
    tests/test_owner_native.py's, compared there with this one."""
    monkeypatch.setattr(owner_find, "find_binary", lambda: None)
    monkeypatch.setattr(owner_native, "module", None)


def same_scan(a: OwnerScan, b: OwnerScan) -> None:
    assert a.strays == b.strays  # sorted by path: the same order however the work was split
    assert (a.scanned, set(a.unreadable), a.excluded_in) == (b.scanned, set(b.unreadable), b.excluded_in)


@pytest.fixture
def forced_fork(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Split even a small tree over forked walkers; yields the list of splits made (one per fork)."""
    monkeypatch.setattr(walk_module, "SUBTREES_PER_PROCESS", 1)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)  # never "waiting on I/O": never threads
    splits: list[int] = []
    real = parallel_module.fork_walk

    def fork_walk(walk: object, jobs: list[str], *args: object) -> None:
        splits.append(len(jobs))
        real(walk, jobs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel_module, "fork_walk", fork_walk)
    yield splits



@needs_root
def test_forked_walkers_find_what_one_process_finds(forced_fork: list[int]) -> None:
    base = Path(tempfile.mkdtemp(prefix="doctor-owners-"))
    try:
        base.chmod(0o755)  # reachable by uid 65534 (pytest's tmp_path is not)
        project, outside = build_project(base)
        for rel in ("frontend/src/a/x.py", "frontend/src/b/x.py", ".git/refs/heads/main", "backend/app/api/x.py"):
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text("")
            for path in (project / rel, *(project / rel).parents):
                if path == project:
                    break
                own(path)
        (project / "frontend/src/a/x.py").chmod(0o600)
        os.close(os.open(bytes(project) + b"/frontend/src/a/caf\xe9", os.O_CREAT | os.O_WRONLY))  # not UTF-8
        locked = project / "backend" / "locked"
        (locked / "inside").mkdir(parents=True)
        locked.chmod(0o000)  # its owner (root) differs: a stray whose content cannot be listed
        exclude = ("*.pyc", "frontend/src/b")

        def both() -> tuple[OwnerScan, OwnerScan, list[int]]:
            one = scan_owners(project, USER, exclude, processes=1)
            forked = scan_owners(project, USER, exclude, processes=3, fork_after=0)
            return one, forked, forced_fork

        one, forked, splits = as_user(65534, both)  # type: ignore[misc]
        assert splits and splits[0] >= 3  # the parallel path ran, over several subtrees
        same_scan(one, forked)
        found = {str(s.path.relative_to(project)) for s in forked.strays}
        assert found == {*ROOT_OWNED, "backend/locked", os.fsdecode(b"frontend/src/a/caf\xe9")} - {
            "backend/app/__pycache__/main.cpython-311.pyc"}
        assert set(forked.unreadable) == {locked}
        assert forked.excluded_in == {project / "backend/app/__pycache__", project / "frontend/src"}
        assert not any(s.path.is_relative_to(outside) for s in forked.strays)  # link-out was not followed
        as_root = scan_owners(project, USER, exclude, processes=3, fork_after=0)  # root reads mode 000
        assert as_root.unreadable == () and project / "backend/locked/inside" in {s.path for s in as_root.strays}
    finally:
        shutil.rmtree(base)


@needs_root
def test_a_small_tree_is_walked_without_forking(tmp_path: Path, forced_fork: list[int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(walk_module.os, "fork", lambda: forks.append(1) or real_fork())
    scan_owners(project, USER, processes=4)  # far below FORK_AFTER entries
    assert forks == [] and forced_fork == []
    scan_owners(project, USER, processes=4, fork_after=0)
    assert len(forks) == 3 and len(forced_fork) == 1  # forked walkers run beside this process: cores - 1 of them


@needs_root
def test_a_walk_waiting_on_io_grows_threads_instead_of_forking(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    monkeypatch.setattr(walk_module, "SUBTREES_PER_PROCESS", 1)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 500)  # slow: under 5,000 entries a second
    forks: list[int] = []
    real_fork, real_listdir = os.fork, walk_module.os.listdir
    monkeypatch.setattr(walk_module.os, "fork", lambda: forks.append(1) or real_fork())

    def slow_listdir(path: int) -> list[str]:  # a network file system: ~250 entries a second
        # asleep long enough per folder that, on a loaded machine, the wait for a core after each
        # wake-up (counted as running by the scheduler's statistics) stays under half the wall time
        time.sleep(0.04)
        return real_listdir(path)

    monkeypatch.setattr(walk_module.os, "listdir", slow_listdir)
    slow = scan_owners(project, USER, processes=2, fork_after=0)
    assert forks == []
    monkeypatch.setattr(walk_module.os, "listdir", real_listdir)
    assert slow == scan_owners(project, USER, processes=2, fork_after=0)
    assert forks == [1]  # the same walk at full speed: forked


@needs_root
@pytest.mark.skipif(not os.path.exists("/proc/thread-self/schedstat"), reason="no scheduler statistics here")
def test_a_walk_slowed_by_a_busy_cpu_forks_instead_of_growing_threads(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # few entries a second, but from computing (a core kept busy by other work), not from waiting
    # on stat(): threads would only fight over the GIL, so the walk forks as on an idle machine
    project, _ = build_project(tmp_path)
    monkeypatch.setattr(walk_module, "SUBTREES_PER_PROCESS", 1)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 10**9)  # every rate looks slow
    monkeypatch.setattr(owner_pace, "PACE", 0.001)
    forks: list[int] = []
    threads: list[int] = []
    real_fork, real_threads, real_listdir = os.fork, parallel_module.threads_walk, walk_module.os.listdir
    monkeypatch.setattr(walk_module.os, "fork", lambda: forks.append(1) or real_fork())
    monkeypatch.setattr(parallel_module, "threads_walk", lambda *a: threads.append(1) or real_threads(*a))

    def busy_listdir(path: int) -> list[str]:
        end = time.thread_time() + 0.003  # 3 ms of this thread's own CPU time per directory
        while time.thread_time() < end:
            pass
        return real_listdir(path)

    monkeypatch.setattr(walk_module.os, "listdir", busy_listdir)
    busy = scan_owners(project, USER, processes=2, fork_after=0)
    assert threads == [] and forks == [1]
    monkeypatch.setattr(walk_module.os, "listdir", real_listdir)
    assert busy == scan_owners(project, USER, processes=1)


@needs_root
def test_a_walker_that_dies_costs_time_not_results(tmp_path: Path, forced_fork: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    expected = scan_owners(project, USER, processes=1)
    real_walk_slices = parallel_module._walk_slices

    def dying_child(walk: object, jobs: list[str], work_r: int, *args: object) -> None:
        assert os.read(work_r, 8)  # takes its first slice of the work with it
        os._exit(3)

    def late_walk_slices(*args: object) -> None:
        time.sleep(0.2)  # this process starts late: the child surely drew a slice (and only it runs this)
        real_walk_slices(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel_module, "_child", dying_child)
    monkeypatch.setattr(parallel_module, "_walk_slices", late_walk_slices)
    same_scan(scan_owners(project, USER, processes=2, fork_after=0), expected)
    assert forced_fork


@needs_root
def test_progress_counts_what_the_forked_walkers_see(tmp_path: Path, forced_fork: list[int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = build_project(tmp_path)
    monkeypatch.setattr(owner_pace, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(owner_pace, "PACE", 0.001)
    parent, walked_here = os.getpid(), [0]
    real_directory, real_walk_slices = walk_module._Walk.directory, parallel_module._walk_slices

    def directory(self: walk_module._Walk, path: str, push: Callable[[str], object]) -> None:
        if os.getpid() != parent:
            time.sleep(0.005)  # a forked walker takes a while: the progress line sees it at work
        before = self.count
        real_directory(self, path, push)
        if os.getpid() == parent:
            walked_here[0] += self.count - before

    def late_walk_slices(*args: object) -> None:
        if os.getpid() == parent:
            time.sleep(0.2)  # this process starts late: the forked walker does the work
        real_walk_slices(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(walk_module._Walk, "directory", directory)
    monkeypatch.setattr(parallel_module, "_walk_slices", late_walk_slices)
    seen: list[int] = []
    scan = scan_owners(project, USER, progress=seen.append, processes=2, fork_after=0)
    assert forced_fork and seen == sorted(seen)
    assert walked_here[0] < max(seen) <= scan.scanned  # the forked walker's count reached the progress line
