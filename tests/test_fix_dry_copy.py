"""`doctor fix --dry-run`'s scratch copy judges what the run judges, and leaves the project as it was.

The rounds of a dry run are played in a scratch copy of the project (doctor.dry_rounds). That copy
hard-linked every project file: while it lived each file had two names, and a `doctor fix` run then
refused every edit ("hard-linked (2 names for one file)"), for good where SIGTERM or SIGHUP left the
copy behind; the links changed every file's ctime. Owners and permissions were judged on the copy,
made by the user running doctor (a chown the run makes, a root-owned .env it may not write, a folder
it cannot write in: none shown), symbolic links were copied verbatim (a link out of the project
dangled, a link inside it by its absolute path pointed out of it), and in a TMPDIR on another file
system a hard-linked project file had one name in the copy. Each test runs the dry run on a copy of
examples/broken-stack (or a small project) and compares it with what the run does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from portprobe import republish
from test_fix_dry_rounds import environment, run, snapshot
from test_fixer import make_project

from doctor.engine import Registry, load_registry
from doctor.fix_report import FixReport, FixStatus, render_fix_report
from doctor.model import Check, Edit, Finding, Fix, Location, Safety

BROKEN = Path(__file__).resolve().parent.parent / "examples" / "broken-stack"
OTHER_UID = 1000  # CI runs as root: the owner these tests give files, and the user they run doctor as
ROOT = os.geteuid() == 0
as_root = pytest.mark.skipif(not ROOT, reason="gives files to other users, or runs doctor as another user")


def statuses(report: FixReport) -> list[tuple[str, str]]:
    """(title, what the run does with it): a dry run's "would apply" read as the run's "applied"; the
    project's folder named <p>."""
    shown = {FixStatus.DRY_RUN: "applied"}
    return sorted((r.title.replace(str(report.project_dir), "<p>"), shown.get(r.status, r.status.value))
                  for r in report.results)


def broken_stack(root: Path) -> Path:
    """A copy of examples/broken-stack publishing on host ports free now: each test compares the dry run with
    the run over every fix family, and a developer's own 8000 or 5433 would add port moves to both."""
    shutil.copytree(BROKEN, root, symlinks=True)
    republish(root)
    return root


def cli(*args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "doctor", *args], env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, **kw)


def cli_env(tmp_path: Path, temp: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCTOR_"))}
    env.update(environment(tmp_path / "state"), DOCTOR_SHARED=os.environ.get("DOCTOR_SHARED", ""))
    if temp is not None:
        env["TMPDIR"] = str(temp)
    return env


class Watch(Check):
    """Fake env-drift: .env must say COLOR=blue; writes the project's files' link counts where it runs"""

    id: ClassVar[str] = "env-drift"
    fix_family: ClassVar[str] = "env"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        project_dir = Path(os.environ["WATCHED"])
        with open(os.environ["WATCH_LOG"], "a") as log:
            log.writelines(f"{p.relative_to(project_dir)} {os.lstat(p).st_nlink}\n"
                           for p in sorted(project_dir.rglob("*")) if p.is_file())
        path = project.root / ".env"
        if path.read_text() == "COLOR=red\n":
            yield self.finding("COLOR is red", Location(path, 1), "COLOR",
                               Fix("set blue", Safety.SAFE, (Edit(path, "COLOR=red", "COLOR=blue", 1),)))


def test_no_project_file_has_a_second_name_while_the_dry_run_lives(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each check of each round sees every project file with one name (a run then would edit it), and the
    dry run leaves every ctime as it was (git status does not rehash the checkout)."""
    root = make_project(tmp_path / "p")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print(1)\n")
    log = tmp_path / "links.log"
    monkeypatch.setenv("WATCHED", str(root))
    monkeypatch.setenv("WATCH_LOG", str(log))
    before = {p: os.lstat(p).st_ctime_ns for p in root.rglob("*")}
    time.sleep(0.05)
    dry = run(root, tmp_path / "state", Registry({"env-drift": Watch}), True)
    text = render_fix_report(dry)
    assert "dry-run  env-drift          set blue (would be fixed)" in text, text
    seen = log.read_text().splitlines()
    assert len(seen) >= 3 * 2 and all(line.endswith(" 1") for line in seen), seen  # two preflights at least
    assert {p: os.lstat(p).st_ctime_ns for p in root.rglob("*")} == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_dry_run_ended_by_a_signal_leaves_no_copy_and_the_run_then_fixes(tmp_path: Path, signum: int) -> None:
    """`timeout -s TERM` (or a closed terminal) while the copy lives: it is removed as on Ctrl-C, and a
    `doctor fix --yes` after it applies the six fixes (it refused every one while a copy was left)."""
    root = broken_stack(tmp_path / "c6")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = cli_env(tmp_path, temp)
    dry = cli("fix", "--dry-run", str(root), env=env)
    deadline = time.monotonic() + 60
    while not list(temp.glob("doctor-dry-*/c6/compose.yaml")) and dry.poll() is None:
        assert time.monotonic() < deadline, "no scratch copy appeared"
        time.sleep(0.02)
    assert dry.poll() is None, "the dry run ended before the signal"
    dry.send_signal(signum)
    dry.communicate(timeout=60)
    assert dry.returncode == 128 + signum
    assert list(temp.iterdir()) == []
    assert os.lstat(root / ".env").st_nlink == 1
    real = cli("fix", "--yes", str(root), env=env)
    out = real.communicate(timeout=300)[0]
    assert "6 applied (6 verified fixed), 1 skipped, 0 failed" in out, out


def _other_user_home(base: Path) -> dict[str, str]:
    env = environment(base / "state")
    os.chown(base / "state", OTHER_UID, OTHER_UID)
    return env


@pytest.fixture
def shared_base() -> Iterator[Path]:
    """A folder the other user reaches (pytest's tmp_path is root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="doctor-h-fixDry-"))
    base.chmod(0o755)
    yield base
    for folder in [base, *base.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    shutil.rmtree(base)


def _as_other_user(root: Path, env: dict[str, str], dry_run: bool) -> tuple[int, str, list[tuple[str, str]]]:
    from run_as import as_user

    from doctor.fixer import FixOptions, fix
    from doctor.project import ProjectOptions

    def work() -> tuple[int, str, list[tuple[str, str]]]:
        report = fix(FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=dry_run, yes=True),
                     load_registry())
        return report.exit_code, render_fix_report(report), statuses(report)

    result = as_user(OTHER_UID, work)
    assert isinstance(result, tuple)
    return result


def _other_users_stack(base: Path, name: str) -> Path:
    root = broken_stack(base / name)
    for path in [root, *root.rglob("*")]:
        os.lchown(path, OTHER_UID, OTHER_UID)
    return root


@as_root
def test_a_chown_the_run_makes_as_root_is_shown(tmp_path: Path) -> None:
    """As root, data/ and frontend/node_modules owned by uid 1000: the run chowns both back; the dry run
    said "nothing to fix" for them (its copy was root's)."""
    trees = []
    for name in ("dry", "real"):
        root = broken_stack(tmp_path / name / "bs")
        for folder in (root / "data", root / "frontend" / "node_modules" / "x"):
            folder.mkdir(parents=True)
            (folder / "f").write_text("x\n")
        for path in [root / "data", *root.joinpath("data").rglob("*"), root / "frontend" / "node_modules",
                     *root.joinpath("frontend", "node_modules").rglob("*")]:
            os.lchown(path, OTHER_UID, OTHER_UID)
        trees.append(root)
    before = snapshot(trees[0])
    dry = run(trees[0], tmp_path / "state", load_registry(), True)
    assert snapshot(trees[0]) == before
    real = run(trees[1], tmp_path / "state", load_registry(), False)
    text = render_fix_report(dry)
    for folder in ("data", "frontend/node_modules"):
        assert f"would run: chown -hR 0:0 {trees[0] / folder}" in text, text
        assert os.lstat(trees[1] / folder).st_uid == 0
    assert statuses(dry) == statuses(real), text + render_fix_report(real)
    assert dry.exit_code == real.exit_code


@as_root
def test_a_root_owned_env_the_user_may_not_write_fails_as_in_the_run(shared_base: Path) -> None:
    """uid 1000 runs doctor on its checkout whose .env is root's, 0644: the run fails each .env edit
    ("not writable by"), exit 1; the dry run said 6 would apply, exit 0."""
    roots = [_other_users_stack(shared_base, name) for name in ("dry", "real")]
    for root in roots:
        os.lchown(root / ".env", 0, 0)
    env = _other_user_home(shared_base)
    code, text, dry = _as_other_user(roots[0], env, True)
    real_code, real_text, real = _as_other_user(roots[1], env, False)
    assert "'.env' is not writable by" in text and code == 1, text
    assert dry == real and code == real_code, text + real_text



class MoveAndSet(Check):
    """Fake env-drift: a port move editing .env and the dev override, and a value set in the override alone"""

    id: ClassVar[str] = "env-drift"
    fix_family: ClassVar[str] = "env"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        env, override = project.root / ".env", project.root / "compose.override.yaml"
        text = override.read_text()
        if "PORT=5433" in env.read_text():
            yield self.finding("db's 5433 is held", Location(env, 1), "move",
                               Fix("move db to 5434", Safety.SAFE, (Edit(env, "PORT=5433", "PORT=5434", 1),
                                                                    Edit(override, "DB: '5433'", "DB: '5434'"))))
        if "A: '1'" in text:
            yield self.finding("A is 1", Location(override, 4), "set",
                               Fix("set A=2", Safety.SAFE, (Edit(override, "A: '1'", "A: '2'"),)))


@as_root
def test_a_fix_a_root_owned_env_refuses_leaves_a_fix_sharing_its_other_file_as_in_the_run(
        shared_base: Path) -> None:
    """uid 1000, .env root's 0644: a port move editing .env and the override fails at once in the run, which then
    writes the override's other fix; the dry run judged the copy's .env (the user's) writable, planned the move,
    refused .env only when writing, held the override back with it: 'a fix editing it also edits .env', and
    "dry run: 0 fix(es) would apply" where the run applied one (examples/broken-stack with 5433 held: 0 and 4)."""
    from run_as import as_user

    from doctor.fixer import FixOptions, fix
    from doctor.project import ProjectOptions

    roots = []
    for name in ("dry", "real"):
        root = shared_base / name
        root.mkdir()
        (root / "compose.yaml").write_text("services:\n  db:\n    image: busybox\n")
        (root / "compose.override.yaml").write_text("services:\n  db:\n    labels: {DB: '5433'}\n"
                                                    "    environment: {A: '1'}\n")
        (root / ".env").write_text("PORT=5433\n")
        for path in [root, *root.iterdir()]:
            os.lchown(path, OTHER_UID, OTHER_UID)
        os.lchown(root / ".env", 0, 0)
        roots.append(root)
    env = _other_user_home(shared_base)

    def work(root: Path, dry_run: bool) -> tuple[int, str, list[tuple[str, str]]]:
        options = FixOptions(project=ProjectOptions(path=root, env=env), env=env, dry_run=dry_run, yes=True)
        report = fix(options, Registry({"env-drift": MoveAndSet}))
        return report.exit_code, render_fix_report(report), statuses(report)

    dry = as_user(OTHER_UID, lambda: work(roots[0], True))
    real = as_user(OTHER_UID, lambda: work(roots[1], False))
    assert isinstance(dry, tuple) and isinstance(real, tuple)
    assert real[2] == [("move db to 5434", "failed"), ("set A=2", "applied")], real[1]
    assert dry[2] == real[2] and dry[0] == real[0], dry[1] + real[1]
    assert "not written: a fix editing it also edits" not in dry[1], dry[1]

@as_root
def test_a_folder_the_user_may_not_write_in_fails_as_in_the_run(shared_base: Path) -> None:
    """The project folder is 0555: the run's writes fail ("Permission denied"); the dry run said 6 would apply."""
    roots = [_other_users_stack(shared_base, name) for name in ("dry", "real")]
    for root in roots:
        root.chmod(0o555)
    env = _other_user_home(shared_base)
    code, text, dry = _as_other_user(roots[0], env, True)
    real_code, real_text, real = _as_other_user(roots[1], env, False)
    assert "cannot write .env: Permission denied" in text and code == 1, text
    assert dry == real and code == real_code, text + real_text


@as_root
def test_root_owned_folders_keep_their_advice_lines(shared_base: Path) -> None:
    """uid 1000's checkout holding root's backend/__pycache__ and data/: the run (and preflight) advise a
    chown as root; the dry run's copy was the user's, and its lines were gone."""
    root = _other_users_stack(shared_base, "bs")
    for folder in (root / "backend" / "__pycache__", root / "data"):
        folder.mkdir()
        (folder / "f").write_text("x\n")
        for path in (folder, folder / "f"):
            os.lchown(path, 0, 0)
    env = _other_user_home(shared_base)
    _, text, _ = _as_other_user(root, env, True)
    for folder in ("backend/__pycache__", "data"):
        assert f"as root: chown -hR {OTHER_UID}:{OTHER_UID} -- {root / folder}: advice only" in text, text


def test_a_link_to_a_file_outside_the_project_is_that_file(tmp_path: Path) -> None:
    """`.env -> ../shared.env`: the run refuses to edit through it; the dry run's copy had a dangling link,
    and five made-up "copy .env.example to .env" lines."""
    trees = []
    for name in ("dry", "real"):
        root = broken_stack(tmp_path / name / "bs")
        (root / ".env").rename(root.parent / "shared.env")
        (root / ".env").symlink_to("../shared.env")
        trees.append(root)
    dry = run(trees[0], tmp_path / "state", load_registry(), True)
    real = run(trees[1], tmp_path / "state", load_registry(), False)
    text = render_fix_report(dry)
    assert "copy .env.example" not in text, text
    assert f"{trees[0] / '.env'} is a symlink pointing outside the project {trees[0]}" in text, text
    assert statuses(dry) == statuses(real) and dry.exit_code == real.exit_code, text + render_fix_report(real)


def test_an_absolute_link_to_a_file_inside_the_project_is_inside_it(tmp_path: Path) -> None:
    """`.env -> /abs/path/of/project/real.env`: the run edits real.env; the dry run said the link pointed
    outside the project."""
    trees = []
    for name in ("dry", "real"):
        root = broken_stack(tmp_path / name / "bs")
        (root / ".env").rename(root / "real.env")
        (root / ".env").symlink_to(root / "real.env")
        trees.append(root)
    dry = run(trees[0], tmp_path / "state", load_registry(), True)
    real = run(trees[1], tmp_path / "state", load_registry(), False)
    text = render_fix_report(dry)
    assert "outside the project" not in text and "real.env" in " ".join(str(d.path) for d in dry.diffs), text
    assert statuses(dry) == statuses(real) and dry.exit_code == real.exit_code, text + render_fix_report(real)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of its own (another file system than the project's), where the system lets root mount one."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if not ROOT or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                                  capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_hard_linked_file_is_refused_with_tmpdir_on_another_file_system(tmp_path: Path, tmpfs: Path) -> None:
    """`ln proj/.env env.keep`, TMPDIR a tmpfs: the run refuses to edit .env (2 names); the dry run's copy
    (copied, not linked, across file systems) had one name, and said 6 would apply, exit 0."""
    root = broken_stack(tmp_path / "dry" / "bs")
    os.link(root / ".env", tmp_path / "env.keep")
    dry = cli("fix", "--dry-run", str(root), env=cli_env(tmp_path, tmpfs))
    out = dry.communicate(timeout=300)[0]
    assert ".env is hard-linked (2 names for one file)" in out, out
    assert dry.returncode == 1, out
    assert list(tmpfs.iterdir()) == []


def test_a_full_tmpdir_is_said_to_be_full(tmp_path: Path, tmpfs: Path) -> None:
    """TMPDIR with room for a few pages, not for a copy of the project: the one-round note says so (it said
    "[Errno 17] File exists")."""
    filler = tmpfs / "filler"
    with open(filler, "wb", buffering=0) as out, pytest.raises(OSError):
        while True:
            out.write(b"x" * 4096)
    os.truncate(filler, filler.stat().st_size - 4 * 4096)  # room for Python's probe of TMPDIR, and the folders
    root = broken_stack(tmp_path / "bs")
    dry = cli("fix", "--dry-run", str(root), env=cli_env(tmp_path, tmpfs))
    out = dry.communicate(timeout=300)[0]
    assert f"could not be copied to {tmpfs} (No space left on device): this dry run plans the first round " \
           "only" in out, out
    assert "File exists" not in out


def test_a_tmpdir_inside_the_project_is_said_to_be_there(tmp_path: Path) -> None:
    """TMPDIR=$PWD/tmp: the note said "the project does not lie in" the folder it lies in."""
    root = broken_stack(tmp_path / "bs")
    (root / "tmp").mkdir()
    dry = cli("fix", "--dry-run", str(root), env=cli_env(tmp_path, root / "tmp"))
    out = dry.communicate(timeout=300)[0]
    assert f"the temporary folder {root / 'tmp'} (TMPDIR) lies in the project's folder" in out, out
    assert "does not lie in" not in out


def test_a_file_over_a_mib_a_fix_names_reads_as_in_the_project(tmp_path: Path) -> None:
    """compose.override.yaml padded past 1 MiB with comment lines, in a git repository: the copy named it by a
    link to the project's file, so the dry run's title said 'edits compose.override.yaml, tracked by git,
    through the symlink compose.override.yaml' where the run says none."""
    from test_portplan import _git

    trees = []
    for name in ("dry", "real"):
        root = broken_stack(tmp_path / name / "bs")
        override = root / "compose.override.yaml"
        # long lines: ruamel scans a comment a character at a time, and doctor's diffs compare lines
        override.write_text(("# " + "x" * 1000 + "\n") * 1100 + override.read_text())
        assert override.stat().st_size > 1 << 20
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", ".")
        _git(root, "commit", "-q", "-m", "x")
        trees.append(root)
    dry = run(trees[0], tmp_path / "state", load_registry(), True)
    real = run(trees[1], tmp_path / "state", load_registry(), False)
    text = render_fix_report(dry)
    assert "symlink" not in text, text
    assert any("in the dev override" in title for title, _ in statuses(dry)), text
    assert statuses(dry) == statuses(real) and dry.exit_code == real.exit_code, text + render_fix_report(real)
