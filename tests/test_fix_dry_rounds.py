"""`doctor fix --dry-run` shows every file the run writes, in every round.

igorbenav/FastAPI-boilerplate (tests/replay/fastapi-boilerplate) with `load_dotenv(env_path, override=True)`
planted in src/app/core/config.py and `POSTGRES_SERVER=localhost` in src/.env: the dry run showed one
change (leaked-host-port's new docker-compose.override.yml), while `doctor fix --yes` also dropped
`override=True` from config.py in a second round (dotenv-override, an error once the override sets
POSTGRES_SERVER). The dry run now plays the run's rounds in a scratch copy of the project and shows one
diff per file, from the project's bytes to what the run would leave.

Each case runs the dry run on a project (which must keep every file's bytes, mtime, inode and link
count), then the run on a copy of it, then applies the dry run's diffs to a third copy: the files and
their bytes must be the run's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from portprobe import republish
from test_fix_new_findings import PortCheck, _line
from test_fixer import COMPOSE, TwoFixesOneLine, make_project

import doctor.dry_verdict
from doctor.engine import Registry, load_registry
from doctor.fix_report import FixReport, FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.model import Check, Edit, Finding, Fix, Location, Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).resolve().parent / "replay"


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every path below `root` (and `root`): its bytes' hash, mtime, inode, link count and mode."""
    found: dict[str, tuple[object, ...]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = os.lstat(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
        found[str(path.relative_to(root))] = (digest, info.st_mtime_ns, info.st_ino, info.st_nlink, info.st_mode)
    return found


def contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def environment(state: Path) -> dict[str, str]:
    state.mkdir(exist_ok=True)
    return {"HOME": str(state), "XDG_STATE_HOME": str(state / "xdg"), "PATH": os.environ.get("PATH", ""),
            "DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def run(root: Path, state: Path, registry: Registry, dry_run: bool, **kw: Any) -> FixReport:
    env = environment(state)
    return fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=dry_run, yes=True, **kw),
               registry)


def compared(root: Path, tmp_path: Path, registry: Registry, **kw: Any) -> tuple[FixReport, FixReport]:
    """The dry run on `root`, the run on a copy; the dry run's diffs applied to a third copy equal the run's files."""
    before = snapshot(root)
    dry = run(root, tmp_path / "state", registry, True, **kw)
    assert snapshot(root) == before, "the dry run changed the project"
    real_root = tmp_path / "real" / root.name  # the same folder name: compose's project name
    applied = tmp_path / "applied" / root.name
    shutil.copytree(root, real_root, symlinks=True)
    shutil.copytree(root, applied, symlinks=True)
    real = run(real_root, tmp_path / "state", registry, False, **kw)
    written = {name for name, data in contents(real_root).items() if contents(root).get(name) != data}
    assert {str(d.path.relative_to(root)) for d in dry.diffs} == written, render_fix_report(dry)
    patch = "".join(d.diff for d in dry.diffs)
    if patch:
        done = subprocess.run(["git", "apply", "--unidiff-zero", "-"], cwd=applied, input=patch.encode(),
                              capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode() + patch
    assert contents(applied) == contents(real_root), patch
    assert dry.exit_code == real.exit_code, render_fix_report(dry) + render_fix_report(real)
    return dry, real


@pytest.mark.parametrize("committed", [False, True])
def test_fastapi_boilerplate_dry_run_shows_the_second_rounds_edit_of_config_py(tmp_path: Path, committed: bool) -> None:
    """`committed`: in a git checkout (its .git mirrored in the copy, objects linked), config.py committed."""
    from test_portplan import _git

    root = tmp_path / "dry" / "fastapi-boilerplate"
    shutil.copytree(REPLAY / "fastapi-boilerplate", root)
    republish(root, (("docker-compose.yml", '"@:8000"', 8000),))  # a developer's own 8000: a port move besides
    config = root / "src" / "app" / "core" / "config.py"
    config.write_text(config.read_text().replace(
        "config = Config(env_path)\n",
        "config = Config(env_path)\n\nfrom dotenv import load_dotenv\n\nload_dotenv(env_path, override=True)\n", 1))
    (root / "src" / ".env").write_text("POSTGRES_USER=postgres\nPOSTGRES_PASSWORD=sup3rsecret\n"
                                       "POSTGRES_SERVER=localhost\nPOSTGRES_DB=postgres\nREDIS_CACHE_HOST=redis\n"
                                       "REDIS_QUEUE_HOST=redis\nREDIS_RATE_LIMIT_HOST=redis\nSECRET_KEY=k3yk3yk3y\n")
    if committed:
        (root / ".gitignore").write_text("src/.env\n")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", ".")
        _git(root, "commit", "-q", "-m", "x")
    dry, real = compared(root, tmp_path, load_registry())
    text = render_fix_report(dry)
    assert [d.path.name for d in dry.diffs] == ["docker-compose.override.yml", "config.py"], text
    assert "-load_dotenv(env_path, override=True)\n+load_dotenv(env_path)\n" in text, text
    assert ("dry-run  dotenv-override    drop override=True from load_dotenv at src/app/core/config.py:13 "
            "(would be fixed): in round 2") in text.splitlines(), text
    backed = "would back up src/app/core/config.py (not tracked by git) before writing it" in text
    assert backed is not committed, text
    assert [o.name for o, _ in real.backups] == ([] if committed else ["config.py"])
    assert "dry run: 2 fix(es) would apply in 2 rounds (2 verified fixed in a scratch copy), 1 skipped, 0 failed; " \
           "no file changed" in text, text
    assert "2 applied (2 verified fixed), 1 skipped, 0 failed" in render_fix_report(real)
    assert "sup3rsecret" not in text and "k3yk3yk3y" not in text
    assert [r.check for r in real.results if r.status is FixStatus.APPLIED] == [
        r.check for r in dry.results if r.status is FixStatus.DRY_RUN]


def test_overlapping_fixes_the_next_rounds_diff_shows(tmp_path: Path) -> None:
    """The fix "applied in the next round" (its edit overlaps the first's line) is in the one diff of .env."""
    root = make_project(tmp_path / "dry" / "p", "X=\n")
    dry, _ = compared(root, tmp_path, Registry({"env-drift": TwoFixesOneLine}))
    text = render_fix_report(dry)
    assert [d.diff.splitlines()[-2:] for d in dry.diffs] == [["-X=", "+X= alpha beta"]], text
    assert sorted((r.title, r.status, r.fixed, r.round) for r in dry.results) == [
        ("add alpha", FixStatus.DRY_RUN, True, 1), ("add beta", FixStatus.DRY_RUN, True, 2)], text
    assert "applied in the next round" not in text


@pytest.fixture
def nine_held_ports() -> Iterator[list[int]]:
    holders = []
    try:
        for _ in range(9):
            holder = socket.socket()
            holder.bind(("0.0.0.0", 0))
            holder.listen()
            holders.append(holder)
        yield [h.getsockname()[1] for h in holders]
    finally:
        for holder in holders:
            holder.close()


def test_nine_ports_moved_in_one_override(tmp_path: Path, nine_held_ports: list[int]) -> None:
    root = tmp_path / "dry" / "nine"
    root.mkdir(parents=True)
    services = "".join(f"  s{i}:\n    image: busybox\n    ports:\n      - \"{port}:80\"\n"
                       for i, port in enumerate(nine_held_ports))
    (root / "compose.yaml").write_text("services:\n" + services)
    # an override there already: each move rewrites it whole, so each waits for the round after the last
    (root / "compose.override.yaml").write_text("services:\n  s0:\n    environment:\n      A: '1'\n")
    dry, real = compared(root, tmp_path, load_registry(), families=frozenset({"ports"}))
    text = render_fix_report(dry)
    assert [d.path.name for d in dry.diffs] == ["compose.override.yaml"], text
    moved = [r for r in dry.results if r.check == "port-collision" and r.status is FixStatus.DRY_RUN]
    assert len(moved) == 9 and all(r.fixed for r in moved), text
    assert sorted(r.round for r in moved) == list(range(1, 10)), text
    assert real.exit_code == 0, render_fix_report(real)


class BreaksComposeLater(Check):
    """Fake check: once port.txt says 5432, a fix whose edit leaves compose.yaml unreadable"""

    id: ClassVar[str] = "fake-break"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "compose.yaml"
        first = path.read_text().splitlines()[0]
        if _line(project.root / "port.txt") == "5432" and first == "services:":
            yield self.finding("needs a change", Location(path, 1), "x",
                               Fix("change it", Safety.SAFE, (Edit(path, first, "services: [", 1),)))


def test_a_later_round_that_leaves_compose_unable_to_read_the_project(tmp_path: Path) -> None:
    from doctor.checks.compose_config import ComposeConfig

    root = tmp_path / "dry" / "p"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "port.txt").write_text("5433\n")
    registry = Registry({"fake-port": PortCheck, "fake-break": BreaksComposeLater, "compose-config": ComposeConfig})
    dry, real = compared(root, tmp_path, registry)
    [result] = [r for r in dry.results if r.title == "change it"]
    assert result.status is FixStatus.DRY_RUN and result.fixed is False and result.round == 2
    assert result.reason.startswith("compose cannot read the project after this round (compose.yaml"), result
    [same] = [r for r in real.results if r.title == "change it"]
    assert same.reason == result.reason and dry.exit_code == real.exit_code == 1
    text = render_fix_report(dry)
    assert "(NOT verified fixed): in round 2; compose cannot read the project after this round" in text, text


def test_a_folder_too_large_to_copy_plans_one_round_and_says_so(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.dry_verdict, "MAX_FILES", 1)
    root = make_project(tmp_path / "p", "X=\n")
    before = snapshot(root)
    dry = run(root, tmp_path / "state", Registry({"env-drift": TwoFixesOneLine}), True)
    assert snapshot(root) == before
    text = render_fix_report(dry)
    assert "holds more than 1 files, too many to copy: this dry run plans the first round only" in text, text
    assert ("dry run: 1 fix(es) would apply now, 1 more in a later round once those are applied "
            "(no diff shown for those), no file changed") in text.splitlines(), text



def test_a_folder_of_too_many_bytes_plans_one_round_and_says_so(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are copied whatever their size (a link in place of a large one read as a symlink to the checks),
    so the folder's bytes are bounded instead (MAX_BYTES, 256 MiB): past it, one round and the note."""
    monkeypatch.setattr(doctor.dry_verdict, "MAX_BYTES", 4)
    root = make_project(tmp_path / "p", "X=\n")
    (root / "data.bin").write_bytes(b"0123456789")
    before = snapshot(root)
    dry = run(root, tmp_path / "state", Registry({"env-drift": TwoFixesOneLine}), True)
    assert snapshot(root) == before
    text = render_fix_report(dry)
    assert "holds more than 0 MiB of files, too much to copy: this dry run plans the first round only" in text, text

class AskedCheck(Check):
    """Fake check: an unsafe fix, and a command fix that would make a marker file"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        if "COLOR=blue" not in path.read_text():
            yield self.finding("not blue", Location(path, 1), "c",
                               Fix("set blue", Safety.UNSAFE, (Edit(path, "COLOR=red", "COLOR=blue", 1),)))
        marker = project.root / "marker"
        if not marker.exists():
            argv = ("touch", str(marker))
            yield self.finding("no marker", None, "m", Fix("make marker", Safety.SAFE, command=argv))


def test_a_dry_run_asks_nothing_and_runs_no_command(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    asked: list[str] = []
    env = environment(tmp_path / "state")
    dry = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=True, interactive=True,
                         ask=lambda q: asked.append(q) or True), Registry({"env-drift": AskedCheck}))
    text = render_fix_report(dry)
    assert asked == [] and not (root / "marker").exists() and (root / ".env").read_text() == "COLOR=red\n"
    # the scratch copy (doctor-dry-PID-... in TMPDIR, not tmp_path) is gone, and nothing was backed up
    assert not list(Path(tempfile.gettempdir()).glob(f"doctor-dry-{os.getpid()}-*"))
    assert not (tmp_path / "state" / "xdg" / "doctor" / "backups").exists()
    assert "dry-run  env-drift          set blue (would be fixed): unsafe: applied only with --yes or when " \
           "confirmed" in text, text
    assert f"dry-run  env-drift          make marker: would run: touch {root / 'marker'}" in text, text
    assert dry.exit_code == 0, text


def test_a_move_in_the_copy_lands_in_the_worktrees_own_port_block(tmp_path: Path) -> None:
    """Worktrees side by side: the scratch copy's registry gives the copy the project's block (which the dry
    run's first preflight claimed), not the pool's first free one: the port shown is the one the run writes."""
    from test_portplan import _git, _Host

    from doctor.dry_rounds import seed_port_blocks
    from doctor.dry_verdict import mirror
    from doctor.host.portregistry import worktree_range
    from doctor.project import Project

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "compose.yaml").write_text("services:\n  web:\n    image: x\n    ports: ['8080:80']\n")
    (repo / "doctor.yaml").write_text("ports:\n  range: 21000-21999\n")
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "x")
    _git(repo, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    host = _Host()
    host.engine.running = [repo.resolve(), (tmp_path / "b").resolve()]
    assert worktree_range(Project(ProjectOptions(path=repo, env=env)), host) == (21000, 21099)  # type: ignore[arg-type]
    block = worktree_range(Project(ProjectOptions(path=tmp_path / "b", env=env)), host)  # type: ignore[arg-type]
    assert block == (21100, 21199)
    copy = tmp_path / "scratch" / "b"
    assert mirror((tmp_path / "b").resolve(), copy, ()) == ""
    sandbox = {"XDG_STATE_HOME": str(tmp_path / "scratch" / "state"), "HOME": str(tmp_path)}
    seed_port_blocks(env, sandbox, (tmp_path / "b").resolve(), copy)
    assert worktree_range(Project(ProjectOptions(path=copy, env=sandbox)), host) == block  # type: ignore[arg-type]
