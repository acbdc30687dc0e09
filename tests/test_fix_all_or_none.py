"""A fix's files are written all or none, whatever stops one of them: a full disk, a folder doctor
may not write, an edit meanwhile, Ctrl-C between two renames.

On fastapi/full-stack-fastapi-template (tests/replay/fastapi-template, unmodified upstream) a held
postgres port is moved in compose.override.yml, and `.env`'s DATABASE_URL (what alembic and pytest
on the host dial) follows it. Written file by file, a disk full at the `.env` left the override's
port moved and the URL on the old port, now another program's: the fix said "failed", and the next
run said "nothing to fix" (the port no longer clashes), so the half-move stayed.
"""

from __future__ import annotations

import errno
import os
import random
import re
import secrets
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from doctor import atomic
from doctor.engine import Registry, load_registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.fixfiles import ProjectFiles
from doctor.model import Check, Edit, Fix, Location, Safety
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "fastapi-template"
URL = "DATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:%d/app\n"
HOST_PORT = re.compile(r'^(\s*- "?)(\d+)(?=:\d+"?$)', re.MULTILINE)
FULL = "cannot write .env: No space left on device"


def _free_port(taken: set[int]) -> int:
    for _ in range(400):
        port = random.randrange(20000, 30000)
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        taken.add(port)
        return port
    pytest.skip("no free high ports")
    raise AssertionError("unreachable")


@pytest.fixture
def fastapi(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    """The upstream copy with its override's host ports moved to free ones (5432 -> the returned
    port) and `.env`'s DATABASE_URL where the db is published, as on a developer's machine."""
    name = f"doctor-test-{secrets.token_hex(4)}"
    root = tmp_path / name
    shutil.copytree(UPSTREAM, root)
    override = root / "compose.override.yml"
    taken: set[int] = set()
    moved = {int(m.group(2)): _free_port(taken) for m in HOST_PORT.finditer(override.read_text())}
    override.write_text(HOST_PORT.sub(lambda m: m.group(1) + str(moved[int(m.group(2))]), override.read_text()))
    dotenv = root / ".env"
    assert dotenv.read_text().count(URL % 5432) == 1
    dotenv.write_text(dotenv.read_text().replace(URL % 5432, URL % moved[5432]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "POSTGRES_", "DATABASE_URL"))}
    env.update(COMPOSE_PROJECT_NAME=name, XDG_STATE_HOME=str(tmp_path / "state"), DOCTOR_NO_CACHE="1")
    return root, moved[5432], env


@pytest.fixture
def held(fastapi: tuple[Path, int, dict[str, str]]) -> Iterator[tuple[Path, int, dict[str, str]]]:
    """Another program holds db's host port."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("0.0.0.0", fastapi[1]))
        except OSError:
            pytest.skip(f"port {fastapi[1]} was taken in between")
        holder.listen()
        yield fastapi


def _disk_full_at(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The disk fills as the temp file of `name` is written (the files before it fitted)."""
    real = atomic._temp_beside

    def temp_beside(path: Path) -> tuple[int, str]:
        fd, tmp = real(path)
        if path.name == name:
            os.close(fd)
            os.unlink(tmp)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return fd, tmp

    monkeypatch.setattr(atomic, "_temp_beside", temp_beside)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _ports_fix(root: Path, env: dict[str, str]) -> list[tuple[FixStatus, str, str]]:
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"ports"}), yes=True, env=env)
    return [(r.status, r.title, r.reason) for r in fix(options, load_registry()).results]


def test_a_port_move_whose_env_url_cannot_be_written_leaves_the_override_too(
        held: tuple[Path, int, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, port, env = held
    before = _files(root)
    _disk_full_at(monkeypatch, ".env")
    results = _ports_fix(root, env)
    assert [(status, reason) for status, _, reason in results] == [(FixStatus.FAILED, FULL)], results
    assert f"move 'db' from host port {port}" in results[0][1] and "DATABASE_URL in .env follows" in results[0][1]
    assert _files(root) == before  # the override's port not moved without the URL: no temp file left either
    monkeypatch.undo()  # room on the disk again: the same run moves both, as one fix
    [(status, _, _)] = _ports_fix(root, env)
    assert status is FixStatus.APPLIED
    new = int(re.findall(r'^\s*- "(\d+):5432"', (root / "compose.override.yml").read_text(), re.MULTILINE)[0])
    assert new != port and URL % new in (root / ".env").read_text()


class _TwoMoves(Check):
    """Fake port-collision: 'web' moves in the override and `.env`; 'admin' in the override alone"""

    id: ClassVar[str] = "port-collision"
    safety: ClassVar[Safety] = Safety.SAFE

    def run(self, project: Any, host: Any) -> Any:
        root = project.root
        if (root / "compose.override.yaml").exists():
            return
        override = root / "compose.override.yaml"
        web = (Edit(override, "", "services:\n  web:\n    ports: !override ['8001:80']\n"),
               Edit(root / ".env", "", "SITE_ROOT=http://localhost:8001\n"))
        admin = (Edit(override, "", "services:\n  admin:\n    ports: !override ['8081:8080']\n"),)
        yield self.finding("8000 is taken", Location(root / "compose.yaml"), "web:8000",
                           Fix("move 'web' to 8001", Safety.SAFE, web))
        yield self.finding("8080 is taken", Location(root / "compose.yaml"), "admin:8080",
                           Fix("move 'admin' to 8081", Safety.SAFE, admin))


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, FixOptions]:
    root = tmp_path / "app"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: alpine\n  admin:\n    image: alpine\n")
    (root / ".env").write_text("A=1\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state")}
    return root, FixOptions(project=ProjectOptions(path=root, env=env), yes=True, env=env)


def test_a_fix_sharing_a_file_with_a_failed_one_is_held_back_and_says_why(
        small: tuple[Path, FixOptions], monkeypatch: pytest.MonkeyPatch) -> None:
    """'admin' writes only the override, which also carries 'web''s move: that file is not written
    (it would move web without its URL), and admin's line names the file that failed."""
    root, options = small
    before = _files(root)
    _disk_full_at(monkeypatch, ".env")
    report = fix(options, Registry({_TwoMoves.id: _TwoMoves}))
    assert [(r.title, r.status, r.reason) for r in report.results] == [
        ("move 'web' to 8001", FixStatus.FAILED, FULL),
        ("move 'admin' to 8081", FixStatus.FAILED, "compose.override.yaml not written: a fix editing it also "
                                                    f"edits .env, which could not be written ({FULL})")]
    assert _files(root) == before and report.diffs == () and report.backups == ()
    assert not (root.parent / "state").exists() or not any((root.parent / "state").rglob("*.env"))


def test_ctrl_c_between_two_renames_leaves_every_file_old(small: tuple[Path, FixOptions],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted after the first file is staged, before the renames: no file is new, no temp file left."""
    root, options = small
    before = _files(root)

    def interrupted(self: ProjectFiles, plan: Any, staged: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(ProjectFiles, "commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fix(options, Registry({_TwoMoves.id: _TwoMoves}))
    assert _files(root) == before


def test_a_staged_write_is_committed_or_discarded(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_bytes(b"A=1\n")
    target.chmod(0o600)
    staged = atomic.stage(target, b"A=2\n")
    assert target.read_bytes() == b"A=1\n" and len(list(tmp_path.iterdir())) == 2
    staged.discard()
    assert [p.name for p in tmp_path.iterdir()] == [".env"] and target.read_bytes() == b"A=1\n"
    staged = atomic.stage(target, b"A=3\n", unchanged=lambda: target.read_bytes() == b"A=1\n")
    target.write_bytes(b"A=1\nB=edited\n")  # the user's editor saves before the rename
    with pytest.raises(atomic.ChangedMeanwhile):
        staged.commit()
    assert [p.name for p in tmp_path.iterdir()] == [".env"] and target.read_bytes() == b"A=1\nB=edited\n"
    staged = atomic.stage(target, b"A=4\n")
    staged.commit()
    staged.discard()  # after the rename: nothing to remove
    assert target.read_bytes() == b"A=4\n" and target.stat().st_mode & 0o777 == 0o600


def test_an_edit_meanwhile_of_one_file_keeps_the_fixs_other_file_too(small: tuple[Path, FixOptions],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The user saves `.env` while doctor syncs its new text: `.env` is left as the edit made it, and
    the override (web's moved port, and admin's move sharing that file) is not written either."""
    root, options = small
    override = root / "compose.override.yaml"
    real_fsync = os.fsync

    def fsync_then_edit(fd: int) -> None:
        real_fsync(fd)
        if not (root / ".env").read_text().startswith("# edited"):
            (root / ".env").write_text("# edited by the user\nA=1\n")

    monkeypatch.setattr(atomic.os, "fsync", fsync_then_edit)
    report = fix(options, Registry({_TwoMoves.id: _TwoMoves}))
    assert [r.status for r in report.results] == [FixStatus.FAILED, FixStatus.FAILED]
    assert report.results[0].reason == ".env changed while doctor was fixing it; nothing written"
    assert (root / ".env").read_text() == "# edited by the user\nA=1\n" and not override.exists()
    assert sorted(p.name for p in root.iterdir()) == [".env", "compose.yaml"]
