"""root-owned-files under a rootless engine: a service's own container user keeps its files by design.

Verified against a real rootless dockerd 20.10.24 (Debian's dockerd-rootless.sh, rootlesskit 1.1, user
dr-rootless with `/etc/subuid` 100000:65536) running CTFd's compose file (tests/replay/ctfd) with busybox
stand-ins: `permissions` (`chown -R 1001:1001 /var/uploads /var/log/CTFd`) left the uploads and logs as
101000 here, mariadb's and redis's entrypoints their data as 100998 (container uid 999), and the folders
docker made for the bind sources were the user's own (container root is you). doctor offered to chown all
three back to you, which it did, after which ctfd (uid 1001) could no longer write its log
(`sh: can't create /var/log/CTFd/ctfd.log: Permission denied`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.host.platform import Kind, Platform
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay"
ME, FIRST = 1000, 100000  # the project's owner and the start of its subuid range
ROOTLESS_INFO = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "OSType": "linux",
                 "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="a copy owned by another uid with subuid strays needs root")


def _run(folder: Path, short_dir: Path, env: dict[str, str] | None = None,
         info: dict[str, object] = ROOTLESS_INFO) -> dict[str, Finding]:
    """root-owned-files on `folder` (owned by ME) with a rootless engine (a fake /info) and ME's subuid range."""
    root = short_dir / "root"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "subuid").write_text(f"{ME}:{FIRST}:65536\n")
    fake = FakeEngine(short_dir / f"e{len(list(short_dir.glob('e*.sock')))}.sock", {"/info": info, "/images/json": [
        {"RepoTags": ["alpine:3.23", "mariadb:10.11", "redis:4", "doctor-test/web:latest"]}]})
    try:
        host = Host(env={"DOCKER_HOST": fake.url, "PATH": "/nonexistent"})
        host.__dict__["platform"] = Platform(Kind.LINUX, {}, root)
        project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", **(env or {})}))
        return {str(f.subject): f for f in RootOwnedFiles().run(project, host)}
    finally:
        fake.close()


def _owned(folder: Path, owners: dict[str, int]) -> None:
    """Every path in `folder` ME's, then each of `owners` (relative folder: uid here) with all below it."""
    for top, dirs, names in os.walk(folder):
        for name in (*dirs, *names):
            os.lchown(Path(top, name), ME, ME)
    os.lchown(folder, ME, ME)
    for rel, uid in owners.items():
        os.lchown(folder / rel, uid, uid)
        for top, dirs, names in os.walk(folder / rel):
            for name in (*dirs, *names):
                os.lchown(Path(top, name), uid, uid)


@needs_root
def test_ctfd_data_its_services_keep_as_their_own_container_users_is_no_stray(short_dir: Path) -> None:
    folder = short_dir / "ctfd"
    shutil.copytree(REPLAY / "ctfd", folder)
    data = folder / ".data"
    for rel in ("CTFd/logs/ctfd.log", "CTFd/uploads/3f2a/flag.png", "mysql/ctfd/db.opt", "redis/dump.rdb"):
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text("x\n")
    # container uid N is FIRST+N-1 here: CTFd's 1001 (its Dockerfile's USER, `permissions`' chown) and mariadb's
    # and redis's 999; what docker made for the bind sources (.data, .data/CTFd) is container root's: yours
    _owned(folder, {".data/CTFd/logs": FIRST + 1000, ".data/CTFd/uploads": FIRST + 1000,
                    ".data/mysql": FIRST + 998, ".data/redis": FIRST + 998})
    found = _run(folder, short_dir)
    assert {k: f.severity for k, f in found.items()} == {
        "owner:.data/CTFd": Severity.INFO, "owner:.data/mysql": Severity.INFO, "owner:.data/redis": Severity.INFO}
    ctfd, db = found["owner:.data/CTFd"], found["owner:.data/mysql"]
    assert ctfd.message.startswith("5 paths in '.data/CTFd' owned by container uid 1001 of the rootless engine "
                                   "(your subuid range), not uid 1000: "), ctfd.message
    assert "kept by design" not in ctfd.message and "uid 1001" in ctfd.message.rpartition(": ")[2], ctfd.message
    assert db.message.endswith("'db' (mysql) keeps its data there as its own user"), db.message
    assert db.fix is not None and db.fix.command == () and db.fix.title == (
        "expected while 'db' runs as its own user; nothing to change: chowned back to you (root inside), "
        "'db' could no longer write there")
    assert all(f.fix is not None and not f.fix.command for f in found.values())


@needs_root
def test_a_user_set_to_your_uid_still_writes_strays_under_a_rootless_engine(short_dir: Path) -> None:
    """`user: "1000:1000"` meant as you is container uid 1000, 100999 here: files you cannot edit, whose
    fix is the chown through the engine and root inside (you), never 'kept by design'."""
    folder = short_dir / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text('services:\n  web:\n    image: doctor-test/web\n    user: "1000:1000"\n'
                                         "    volumes:\n      - ./cache:/srv/cache\n")
    (folder / "cache").mkdir()
    (folder / "cache" / "x").write_text("x\n")
    _owned(folder, {"cache": FIRST + ME - 1})
    found = _run(folder, short_dir)
    assert list(found) == ["owner:cache", "user:web"]
    web = found["user:web"].fix
    assert web is not None and web.title == (
        'run \'web\' as root inside, which is you here: user: "0:0" in place of user: "1000:1000" (line 4)')
    cache = found["owner:cache"]
    assert cache.severity is Severity.WARNING and cache.message == (
        "2 paths in 'cache' owned by container uid 1000 of the rootless engine (your subuid range), not uid 1000: "
        "cache, ...")
    assert cache.fix is not None and cache.fix.command[:2] == ("docker", "run")
    assert cache.fix.command[-3:] == ("-hR", "0:0", "/w/cache")


@needs_root
def test_joanie_run_as_your_uid_cannot_write_its_binds_under_a_rootless_engine(short_dir: Path) -> None:
    """joanie's Makefile runs `DOCKER_USER=$(id -u):$(id -g) docker compose`, its services `user:
    ${DOCKER_USER:-1000}`: under a rootless engine that is uid 100999 here, and app-dev's `touch
    /data/media/x` failed (Permission denied). Root inside is you: DOCKER_USER=0:0 wrote them as you."""
    folder = short_dir / "joanie"
    shutil.copytree(REPLAY / "joanie", folder)
    for name in ("common", "crowdin", "localtunnel"):  # its `make bootstrap`
        shutil.copy(folder / "env.d/development" / f"{name}.dist", folder / "env.d/development" / name)
    for name in ("media", "static", "contracts"):
        (folder / "data" / name).mkdir(parents=True)
    _owned(folder, {})
    found = _run(folder, short_dir, {"DOCKER_USER": f"{ME}:{ME}"})
    assert list(found) == ["user:app-dev"], found
    finding = found["user:app-dev"]
    assert finding.severity is Severity.WARNING and finding.location is not None
    assert (finding.location.path.name, finding.location.line) == ("docker-compose.yml", 20)
    assert finding.message.startswith(
        "'app-dev', 'celery-dev', 'app' and 6 more run as your uid 1000 (user: 1000:1000), which the rootless "
        "engine maps to uid 100999 here: they cannot write your files in their bind mounts (src/backend, "
        "data/media, "), finding.message
    assert finding.fix is not None and finding.fix.title == (
        "run them as root inside, which is you here: set DOCKER_USER=0:0 where it is set (their user: reads it)")
    assert _run(folder, short_dir, {"DOCKER_USER": "0:0"}) == {}
    rootful = {**ROOTLESS_INFO, "SecurityOptions": ["name=seccomp,profile=default"]}
    assert _run(folder, short_dir, {"DOCKER_USER": f"{ME}:{ME}"}, rootful) == {}


@needs_root
def test_root_files_beside_a_rootless_engines_are_chowned_by_root_not_through_it(short_dir: Path) -> None:
    """A `sudo` left cache/b as root beside cache/a of container uid 33: the rootless engine's root is you,
    which may not chown root's file (on the real engine: `chown: /w/cache/b: Operation not permitted`, the
    fix failed); root does it (doctor as root here: chown itself; else sudo, else the advice to)."""
    folder = short_dir / "proj"
    folder.mkdir()
    (folder / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/web\n    volumes:\n"
                                         "      - ./cache:/srv/cache\n")
    (folder / "cache").mkdir()
    for name in ("a", "b"):
        (folder / "cache" / name).write_text("x\n")
    _owned(folder, {"cache/a": FIRST + 32, "cache/b": 0})
    found = _run(folder, short_dir)
    assert list(found) == ["owner:cache"]
    fix = found["owner:cache"].fix
    assert fix is not None and fix.command == ("chown", "-hR", f"{ME}:{ME}", str(folder / "cache" / "a"),
                                               str(folder / "cache" / "b")), fix
    _owned(folder, {"cache/a": FIRST + 32})  # the engine's alone: through it, as before
    fix = _run(folder, short_dir)["owner:cache"].fix
    assert fix is not None and fix.command[:2] == ("docker", "run")
