"""Two `doctor fix` runs on one project with different HOME/XDG_STATE_HOME (a user and sudo).

The lock belongs to the project, not to a state dir: in every trial exactly one run applies
the fix, the other waits, re-reads the files and finds nothing left to do, and no file ends
up with duplicated lines or half of each writer. Also: a user's edit that lands between the
last check and the rename is kept (fsync slowed by monkeypatching), and a lock that cannot be
taken is one line, not a traceback.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from doctor import atomic
from doctor.engine import Registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.fixfiles import project_lock
from doctor.model import Check, Edit, Finding, Fix, Location, Safety
from doctor.project import ProjectOptions

TRIALS = 20
COMPOSE = "services:\n  web:\n    image: busybox\n"
ENV = "# team secrets\r\nA=1\nDB_PASSWORD=s3cr3t-value\r\nB=2\n"


class AppendColor(Check):
    """Fake env-drift: `.env` must hold COLOR=blue and the override must set it for 'web'"""

    id: ClassVar[str] = "env-drift"
    safety: ClassVar[Safety] = Safety.SAFE

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        env = project.root / ".env"
        override = project.root / "compose.override.yaml"
        edits = [] if "COLOR=blue" in env.read_text() else [Edit(env, "", "COLOR=blue\n")]
        if not override.exists():
            edits.append(Edit(override, "", "services:\n  web:\n    environment:\n      COLOR: blue\n"))
        if edits:
            yield self.finding("COLOR is missing", Location(env), "COLOR",
                               Fix("add COLOR", Safety.SAFE, tuple(edits)))


def make_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_bytes(ENV.encode())
    return root


def run(root: Path, home: Path, **kw: Any) -> Any:
    env = {"HOME": str(home), "XDG_STATE_HOME": str(home / "state"), "PATH": os.environ.get("PATH", "")}
    options = FixOptions(project=ProjectOptions(path=root, env=env), env=env, **kw)
    return fix(options, Registry({AppendColor.id: AppendColor}))


def _worker(roots: list[str], home: str, barrier: Any, results: Any) -> None:
    for index, root in enumerate(roots):
        barrier.wait(30)
        report = run(Path(root), Path(home), lock_timeout=30)
        results.put((index, home, [r.status.value for r in report.results], report.error))


def test_two_fixers_with_two_homes_never_both_apply(tmp_path: Path) -> None:
    roots = [make_project(tmp_path / f"trial{i}") for i in range(TRIALS)]
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    homes = [tmp_path / "user-home", tmp_path / "root-home"]
    workers = [context.Process(target=_worker, args=([str(r) for r in roots], str(h), barrier, results))
               for h in homes]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * TRIALS)]
    for worker in workers:
        worker.join(30)
    corrupted = both_applied = 0
    for index, root in enumerate(roots):
        statuses = sorted(str(o[2]) for o in outcomes if o[0] == index)
        both_applied += statuses != ["['applied']", "[]"]
        env = (root / ".env").read_bytes().decode()
        override = (root / "compose.override.yaml").read_text()
        strays = [p.name for p in root.iterdir() if p.name.endswith(atomic.SUFFIX)]
        corrupted += (env != ENV + "COLOR=blue\n" or override.count("COLOR: blue") != 1 or bool(strays))
    print(f"concurrency: {TRIALS} trials, {both_applied} with both applying, {corrupted} corrupted")
    assert (both_applied, corrupted) == (0, 0)
    assert all(o[3] == "" for o in outcomes)


def test_an_edit_landing_before_the_rename_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:  # the user saves .env while doctor's temp file is being synced
        real_fsync(fd)
        if not (root / ".env").read_text().startswith("# edited"):
            (root / ".env").write_text("# edited by the user\nA=1\n")

    monkeypatch.setattr(atomic.os, "fsync", slow_fsync)
    report = run(root, tmp_path / "home")
    assert (root / ".env").read_text() == "# edited by the user\nA=1\n"
    assert report.results[0].status is FixStatus.FAILED
    assert "changed while doctor was fixing it" in report.results[0].reason
    assert not [p for p in root.iterdir() if p.name.endswith(atomic.SUFFIX)]


def test_a_lock_that_cannot_be_taken_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    real_open = os.open

    def full(path: Any, flags: int, *args: Any) -> int:
        if Path(path) == root:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, flags, *args)

    monkeypatch.setattr("doctor.fixfiles.os.open", full)
    report = run(root, tmp_path / "home")
    assert report.exit_code == 2
    assert report.error == f"cannot lock {root}: No space left on device"


def test_a_full_or_readonly_state_dir_does_not_stop_the_lock(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    home.mkdir()
    (home / "state").write_text("not a directory")  # nothing can be created under it
    report = run(root, home)
    assert report.error == ""  # the lock was had; the backup of the untracked .env could not be made:
    assert report.results[0].status is FixStatus.FAILED
    assert report.results[0].reason.startswith("cannot back up .env (not tracked by git) to ")
    assert (root / ".env").read_bytes() == ENV.encode()  # so nothing was written without its backup


def test_mixed_line_endings_keep_each_line_s_own(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    run(root, tmp_path / "home")
    assert (root / ".env").read_bytes() == (ENV + "COLOR=blue\n").encode()


@contextmanager
def held_by_another_run(folder: Path) -> Iterator[threading.Event]:
    """`folder`'s fix lock, held by another run (a thread) until the yielded event is set."""
    held, release = threading.Event(), threading.Event()

    def other_run() -> None:
        with project_lock(folder, 5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=other_run)
    holder.start()
    held.wait(5)
    try:
        yield release
    finally:
        release.set()
        holder.join(5)


def test_a_run_that_waited_for_another_says_so(tmp_path: Path) -> None:
    """The second of two `doctor fix` runs finds nothing left; it says it waited for the first,
    so that "nothing to fix" does not read as if the findings had never been there."""
    from doctor.fix_report import render_fix_report as render

    root = make_project(tmp_path / "p")
    with held_by_another_run(root) as release:
        threading.Timer(0.3, release.set).start()
        report = run(root, tmp_path / "home", lock_timeout=10)
    assert report.error == "" and [r.status for r in report.results] == [FixStatus.APPLIED]
    assert any(n.startswith("waited ") and "another 'doctor fix'" in n for n in report.notes), report.notes
    assert "another 'doctor fix'" in render(report)
    alone = run(make_project(tmp_path / "q"), tmp_path / "home")
    assert not any("another 'doctor fix'" in n for n in alone.notes)


def test_a_run_that_waits_says_for_whom_at_once_and_what_to_do_when_it_gives_up(tmp_path: Path) -> None:
    """Two `doctor fix` in one project: the second said nothing for 30 s, then only that another
    was running; it now says, as the wait begins, which process holds the lock (/proc/locks) and
    how long it waits, and when it gives up, what to do."""
    root = make_project(tmp_path / "p")
    told: list[str] = []
    with held_by_another_run(root):
        refused = run(root, tmp_path / "home", lock_timeout=0.3, waiting=told.append)
    holder = f"another 'doctor fix' is running on {root} (pid {os.getpid()} "  # here a thread of this process
    assert len(told) == 1 and told[0].startswith(holder), told
    assert told[0].endswith("): waiting up to 0.3 s for it to end")
    assert refused.error.startswith(holder)
    assert refused.error.endswith("): it held the lock for 0.3 s; run doctor fix again once it ends")
    assert "COLOR" not in (root / ".env").read_text()
    told.clear()
    run(make_project(tmp_path / "q"), tmp_path / "home", waiting=told.append)
    assert told == []  # a run that did not wait says nothing of it


def test_doctor_fix_on_the_command_line_says_it_waits_on_stderr(tmp_path: Path) -> None:
    """The line is on stderr as the wait begins (the report, on stdout, comes after)."""
    import subprocess
    import sys

    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/none:1\n")
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
    with held_by_another_run(root) as release:
        threading.Timer(3, release.set).start()
        done = subprocess.run([sys.executable, "-m", "doctor", "fix", str(root)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert f"doctor: another 'doctor fix' is running on {root} (pid {os.getpid()} " in done.stderr, done.stderr
    assert "waiting up to 30 s for it to end" in done.stderr
    assert done.stdout.startswith("waited "), done.stdout


def test_a_run_whose_edits_reach_the_folder_around_the_project_takes_that_folder_s_lock(tmp_path: Path) -> None:
    """docker/ builds from `..`, so its fixes may write beside it, where a compose project in
    .devcontainer/ of the same repository writes too: the outer folder is locked as well."""
    outer = tmp_path / "repo"
    root = make_project(outer / "docker")
    (root / "compose.yaml").write_text("services:\n  web:\n    build: ..\n")
    with held_by_another_run(outer) as release:  # a fix of .devcontainer/, writing in the repo folder
        refused = run(root, tmp_path / "home", lock_timeout=0.2)
        assert refused.error.startswith(f"another 'doctor fix' is running on {outer} (pid {os.getpid()} ")
        assert "COLOR" not in (root / ".env").read_text()
        threading.Timer(0.3, release.set).start()
        report = run(root, tmp_path / "home", lock_timeout=10)
    assert report.error == "" and [r.status for r in report.results] == [FixStatus.APPLIED]
    assert any(n.startswith("waited ") and str(outer) in n for n in report.notes), report.notes


def test_a_run_naming_the_project_by_its_file_from_the_folder_above_takes_the_project_s_lock(tmp_path: Path) -> None:
    """`doctor fix -f app/compose.yaml .` from the folder above and `doctor fix` in app/ fix one
    compose project (its directory is the first file's folder): both lock app/, so one waits for
    the other, where locking the PATH argument's folder let both append the same lines."""
    outer = tmp_path / "lk"
    root = make_project(outer / "app")
    env = {"HOME": str(tmp_path / "home"), "PATH": os.environ.get("PATH", "")}
    options = FixOptions(project=ProjectOptions(path=outer, files=(Path("app/compose.yaml"),), env=env), env=env,
                         lock_timeout=0.2)
    registry = Registry({AppendColor.id: AppendColor})
    with held_by_another_run(root) as release:  # `doctor fix` running in app/
        refused = fix(options, registry)
        assert refused.error.startswith(f"another 'doctor fix' is running on {root} (pid {os.getpid()} ")
        assert "COLOR" not in (root / ".env").read_text()
        threading.Timer(0.3, release.set).start()
        report = fix(replace(options, lock_timeout=10), registry)
    assert report.error == "" and [r.status for r in report.results] == [FixStatus.APPLIED]
    assert any(n.startswith("waited ") and str(root) in n for n in report.notes), report.notes
    assert (root / ".env").read_text().count("COLOR=blue") == 1
