"""doctor.atomic's temp file: made as tempfile.mkstemp makes one, without importing tempfile."""

from __future__ import annotations

import functools
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from doctor import atomic


def test_a_write_imports_no_tempfile_and_leaves_no_temp(tmp_path: Path) -> None:
    code = ("import sys\nfrom pathlib import Path\nfrom doctor.atomic import write_atomic\n"
            "write_atomic(Path(sys.argv[1]) / 'cache' / 'entry.json', b'{}')\n"
            "print(sorted(m for m in ('tempfile', 'shutil', 'random', 'bz2', 'lzma') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "cache" / "entry.json").read_bytes() == b"{}"
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["entry.json"]


def test_the_temp_file_is_exclusive_private_and_named_for_its_writer(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / ".env"
    taken = tmp_path / f"..env.{os.getpid()}.00000000{atomic.SUFFIX}"
    taken.write_text("another writer's")
    draws = iter([b"\x00" * 4, b"\xab" * 4])
    monkeypatch.setattr(atomic.os, "urandom", lambda n: next(draws))
    fd, name = atomic._temp_beside(target)
    os.close(fd)
    assert Path(name) == tmp_path / f"..env.{os.getpid()}.abababab{atomic.SUFFIX}"  # the taken name skipped
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert taken.read_text() == "another writer's"
    assert not atomic._writer_alive(Path(name).name)  # our own pid: a leftover the next write may remove
    monkeypatch.setattr(atomic.os, "urandom", lambda n: b"\x00" * 4)
    with pytest.raises(FileExistsError):
        atomic._temp_beside(target)


@pytest.mark.parametrize("signum", [15, 1])
def test_a_fix_stopped_by_sigterm_or_sighup_while_writing_leaves_no_temp_file(tmp_path: Path, signum: int) -> None:
    """`timeout`, a cancelled CI job or a closing terminal stops `doctor fix` as Ctrl-C does: the
    temp copy of the `.env` being written (its secrets, under a name no `.env` ignore rule covers)
    is removed, the `.env` is the old one, and the exit status is 128 + the signal's number. The
    signal arrives from inside the write (os.fsync of the temp file sends it), where the default
    action left the temp file behind."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: .env\n")
    (project / ".env.example").write_text("A=1\nSECRET_KEY=\n")
    (project / ".env").write_text("A=1\n")
    # the signal's default action, as in a terminal: a test run under `nohup` (or as a script's background
    # job) hands SIGHUP (SIGINT) down ignored, and doctor leaves a signal its caller ignores so
    code = ("import os, sys, signal\n"
            f"signal.signal({signum}, signal.SIG_DFL)\n"
            "real = os.fsync\n"
            "def fsync(fd):\n"
            "    if os.readlink(f'/proc/self/fd/{fd}').endswith('.doctor-tmp'):\n"
            f"        os.kill(os.getpid(), {signum})\n"
            "    return real(fd)\n"
            "os.fsync = fsync\n"
            "sys.argv = ['doctor', 'fix', '--yes', sys.argv[1]]\n"
            "from doctor.cli import console\n"
            "console()\n")
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_JOBS": "1"}
    done = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 128 + signum, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.strip().endswith(f"doctor: stopped by signal {signum}"), done.stderr
    assert sorted(p.name for p in project.iterdir()) == [".env", ".env.example", "compose.yaml"]
    assert (project / ".env").read_text() == "A=1\n"


def _fix_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Run `doctor fix --yes` in this process on a project whose `.env` lacks a key; the SIGTERM and
    SIGHUP handlers seen while the fix ran."""
    from io import StringIO

    from doctor import app, commands, fixer

    project = tmp_path / "p"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: .env\n")
    (project / ".env.example").write_text("A=1\nSECRET_KEY=\n")
    (project / ".env").write_text("A=1\n")
    for name, value in {"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"),
                        "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_JOBS": "1"}.items():
        monkeypatch.setenv(name, value)
    seen: list[object] = []
    original = fixer.fix

    def spy(*args: object, **kwargs: object) -> object:
        seen.extend((signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fixer, "fix", spy)
    command = commands.FixCommand(target=app.PreflightOptions(path=project), families=frozenset(), dry_run=False,
                                  yes=True)
    commands.fix(command, StringIO())
    assert "SECRET_KEY=" in (project / ".env").read_text()  # the fix ran and wrote
    return seen


def _dispositions(request: pytest.FixtureRequest, handler: signal.Handlers) -> None:
    """SIGTERM and SIGHUP set to `handler` for this test, put back after it (a session under `nohup`
    starts with SIGHUP ignored)."""
    for which in (signal.SIGTERM, signal.SIGHUP):
        before = signal.signal(which, handler)
        request.addfinalizer(functools.partial(signal.signal, which, before))


def test_a_fix_in_process_leaves_a_signal_its_caller_ignores_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """`nohup doctor fix`: SIGTERM and SIGHUP ignored by the caller stay ignored while the fix writes and
    after (no handler of doctor's turns a hang-up the caller asked to survive into an interrupted fix)."""
    _dispositions(request, signal.SIG_IGN)
    assert _fix_in_process(tmp_path, monkeypatch) == [signal.SIG_IGN, signal.SIG_IGN]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_a_fix_run_in_process_puts_the_signal_handlers_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """commands.fix called in-process (a library caller, the test session) left its SIGTERM handler
    installed: a multiprocessing pool forked later kept it in its workers, whose terminate() (SIGTERM)
    then no longer ended them, and the pool's exit waited for ever (CI hung in test_portplan)."""
    _dispositions(request, signal.SIG_DFL)  # as from a terminal, whatever the session was started with
    seen = _fix_in_process(tmp_path, monkeypatch)
    assert seen and seen[0] is not signal.SIG_DFL and seen[1] is not signal.SIG_DFL  # installed while the fix ran
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # and put back
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
