"""The login shell started first thing in a preflight: adopted by path-gap, or let go; never signalled
in its startup files, never left running for good.

Every shell here is a fake $SHELL script in tmp (never the developer's real shell startup): it
reads `$HOME/.profile` as a login shell would, then runs the command doctor gave it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor.checks.path_gap import PathGap

from doctor import app, cli
from doctor.host import Host, early, shell
from doctor.host.early import MARK, start_early
from doctor.host.shell import ShellPaths, collect_login_path, spawn_login_shell
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

REPO = Path(__file__).resolve().parent.parent
FAKE_SHELL = """#!/bin/sh
# a login shell: the profile, then the command (-l -i -c COMMAND)
echo "$$" >> "$HOME/started"
[ -f "$HOME/.profile" ] && . "$HOME/.profile"
eval "$4"
"""


@pytest.fixture(autouse=True)
def no_leftover() -> Iterator[None]:
    """Each test starts and ends with no early shell pending and no shell alive; the fake shells
    it let go (and their drainers) are ended with their process groups, so the next test's
    counts are its own."""
    early.discard_all()
    yield
    assert not early._early and not early._live
    early.discard_all()
    for pid in early._abandoned:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    early._abandoned.clear()


@pytest.fixture
def quick_hangup(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell let go is hung up on 1 s later (early.ABANDON_LIMIT), not 30 s."""
    monkeypatch.setattr(early, "ABANDON_LIMIT", 1)


def make_home(tmp_path: Path, profile: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "fakesh").write_text(FAKE_SHELL)
    (home / "fakesh").chmod(0o755)
    (home / ".profile").write_text(profile)
    return home


def started(home: Path) -> list[int]:
    """The pids of the fake shells that ran."""
    path = home / "started"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def started_soon(home: Path) -> list[int]:
    """started(), once the shell let go has written its pid (within 5 s): on a loaded machine it may
    not have run its first line yet when path_gap returns, and `all(...)` of no pid is True."""
    deadline = time.monotonic() + 5
    while not (pids := started(home)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pids


def gone(pid: int) -> bool:
    """Whether a child of ours is dead and reaped (a zombie still has its /proc entry)."""
    return not os.path.exists(f"/proc/{pid}")


def project_with(tmp_path: Path, makefile: str | None = "lint:\n\truff check .\n") -> Path:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    if makefile is not None:
        (project / "Makefile").write_text(makefile)
    return project


def env_for(home: Path, **more: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": str(home / "fakesh"), "DOCTOR_NO_CACHE": "1",
            "TERM": "xterm", "SHLVL": "1", **more}


def path_gap(project: Path, env: dict[str, str], select: tuple[str, ...] | None = ("path-gap",)) -> list[Finding]:
    done, _ = app.run_preflight(app.PreflightOptions(path=project, env=env, select=select))
    return [f for f in done.report.findings if f.check == "path-gap"]


@pytest.fixture
def brew(tmp_path: Path) -> Path:
    """A home whose login shell (only) puts ~/brew/bin, holding ruff, on PATH."""
    home = make_home(tmp_path, 'PATH="$HOME/brew/bin:/usr/bin:/bin"\n')
    (home / "brew" / "bin").mkdir(parents=True)
    (home / "brew" / "bin" / "ruff").write_text("#!/bin/sh\n")
    (home / "brew" / "bin" / "ruff").chmod(0o755)
    return home


def test_the_early_shell_is_the_one_path_gap_uses_and_finds_the_same(brew: Path, tmp_path: Path) -> None:
    project = project_with(tmp_path)
    env = env_for(brew)
    found_early = path_gap(project, env)
    assert len(started(brew)) == 1  # started by start_early, adopted by the check: not a second one
    assert early._early == [] and early._live == {}
    assert gone(started(brew)[0])
    # the sequential way: the check starts the shell itself when asked
    sequential = list(PathGap().run(Project(ProjectOptions(path=project, env=env)), Host(env=env)))
    assert [(f.subject, f.message, f.fix) for f in found_early] == [(f.subject, f.message, f.fix) for f in sequential]
    assert [f.message for f in found_early] == [
        "'ruff' (make target 'lint') is found only by the login shell, in ~/brew/bin"]


def test_a_whole_preflight_collects_its_shell(brew: Path, tmp_path: Path) -> None:
    findings = path_gap(project_with(tmp_path), env_for(brew), select=None)
    assert [f.subject for f in findings] == ["tool:ruff"]
    assert len(started(brew)) == 1 and gone(started(brew)[0])


def test_a_run_without_path_gap_starts_no_shell(brew: Path, tmp_path: Path) -> None:
    project = project_with(tmp_path)
    assert path_gap(project, env_for(brew), select=("compose-config",)) == []
    done, _ = app.run_preflight(app.PreflightOptions(path=project, env=env_for(brew), ignore=("path-gap",)))
    assert "path-gap" not in {r.check for r in done.report.results}
    (project / "doctor.yaml").write_text("select: [compose-config]\n")  # the config file chooses
    done, _ = app.run_preflight(app.PreflightOptions(path=project, env=env_for(brew)))
    assert [r.check for r in done.report.results] == ["compose-config"]
    assert started(brew) == []


def test_a_config_file_defers_the_start_to_the_engine(brew: Path, tmp_path: Path) -> None:
    project = project_with(tmp_path)
    start_early(env_for(brew), project / "no-such-folder", None, None)  # a usage error follows: no shell
    assert early._early == []
    (project / "pyproject.toml").write_text('[tool.doctor]\nfail-on = "warning"\n')
    start_early(env_for(brew), project, None, None)
    assert early._early == [] and started(brew) == []
    assert [f.subject for f in path_gap(project, env_for(brew))] == ["tool:ruff"]
    assert len(started(brew)) == 1


def test_a_shell_sleeping_past_the_timeout_is_could_not_look_quickly(tmp_path: Path, quick_hangup: None) -> None:
    home = make_home(tmp_path, "sleep 30\n")
    env = env_for(home)
    begun = time.monotonic()
    paths = ShellPaths(env, timeout=0.1)
    paths.timeout = 0.5  # below LOGIN_SHELL_TIMEOUT: the test need not wait 3 s
    start_early(env, project_with(tmp_path), None, None)
    paths.start()
    found = paths.login
    assert time.monotonic() - begun < 5
    assert found.error == f"login shell '{home}/fakesh' did not answer in 0.5 s"
    # let go, still in its startup files; hung up on ABANDON_LIMIT later
    assert len(started_soon(home)) == 1 and all(ends_soon(pid) for pid in started(home))


def test_path_gap_reports_the_timeout_as_one_info_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       quick_hangup: None) -> None:
    home = make_home(tmp_path, "sleep 30\n")
    monkeypatch.setattr(shell, "LOGIN_SHELL_TIMEOUT", 0.5)
    monkeypatch.setattr(Host.__init__, "__defaults__", (None, 0.5))  # the probe timeout, at least the shell's
    begun = time.monotonic()
    findings = path_gap(project_with(tmp_path), env_for(home))
    assert time.monotonic() - begun < 5
    assert [(f.subject, f.message) for f in findings] == [
        ("login-shell", f"login shell '{home}/fakesh' did not answer in 0.5 s: its PATH cannot be compared")]
    assert all(ends_soon(pid) for pid in started(home))


def ends_soon(pid: int) -> bool:
    """Whether a shell let go (early.abandon) ends and is reaped within 5 s."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        early.discard_all()  # reaps those that ended
        if gone(pid):
            return True
        time.sleep(0.01)
    return False


def test_no_tool_to_look_up_lets_the_early_shell_go(tmp_path: Path) -> None:
    home = make_home(tmp_path, "sleep 3\n")
    bare = tmp_path / "bare"  # no compose file, no Makefile: no tool named (compose alone names docker)
    bare.mkdir()
    env = env_for(home)
    begun = time.monotonic()
    start_early(env, bare, None, None)
    host = Host(env=env)
    host.prefetch("shell")  # as the engine does: adopts the early shell
    assert early._early == [] and len(early._live) == 1
    pid = next(iter(early._live))
    assert list(PathGap().run(Project(ProjectOptions(path=bare, env=env)), host)) == []
    assert time.monotonic() - begun < 5
    assert early._live == {} and not gone(pid)  # not waited for: still in its startup files
    assert ends_soon(pid)  # it ends on its own


def test_a_slow_shell_is_not_waited_for_when_every_tool_is_on_path(tmp_path: Path) -> None:
    """A login shell loading pyenv or nvm takes longer than the whole run: with every tool the
    project names on PATH, nothing is left but comparing copies, which waits for a later run."""
    home = make_home(tmp_path, "sleep 3\n")
    project = project_with(tmp_path, "lint:\n\tls -l\n")  # ls: on PATH
    begun = time.monotonic()
    findings = path_gap(project, env_for(home))
    assert time.monotonic() - begun < 5
    assert [(f.severity, f.subject) for f in findings] == [(Severity.INFO, "login-shell")]
    assert findings[0].message == (f"login shell '{home}/fakesh' had not answered 50 ms after it started: every "
                                   "tool the project names is on PATH, and whether the login shell runs other "
                                   "copies is compared from the next run")
    assert early._live == {} and not any(gone(pid) for pid in started(home))  # not waited for
    assert all(ends_soon(pid) for pid in started(home))


def test_a_shell_let_go_is_never_cut_short_in_its_startup_files(tmp_path: Path) -> None:
    """pyenv's `rehash` holds a lock file until its EXIT trap. A shell let go with SIGTERM and
    its pipe closed (an interactive bash ignores SIGTERM and goes on) sometimes left the lock
    behind under back-to-back runs, and every later shell of the user waited 60 s for it. Let
    go, a shell finishes its startup files undisturbed: its output drained, no signal."""
    home = make_home(tmp_path, 'sleep 0.3\nsh "$HOME/rehash"\n')
    # an interactive bash handles SIGTERM (and goes on); what it starts does not
    (home / "fakesh").write_text("#!/bin/bash\ntrap : TERM\n" + FAKE_SHELL.split("\n", 1)[1])
    (home / "rehash").write_text(textwrap.dedent("""\
        set -C; echo > "$HOME/.shim-lock"; set +C
        trap 'rm -f "$HOME/.shim-lock"' EXIT
        i=0; while [ $i -lt 2000 ]; do echo "rehashing $i"; i=$((i + 1)); done  # to stdout: the pipe
        echo done > "$HOME/rehashed"
    """))
    findings = path_gap(project_with(tmp_path, "lint:\n\tls -l\n"), env_for(home))
    assert [f.subject for f in findings] == ["login-shell"]  # let go: ls is on PATH
    pids = started_soon(home)
    assert pids and all(ends_soon(pid) for pid in pids)
    assert (home / "rehashed").read_text() == "done\n" and not (home / ".shim-lock").exists()


def in_group(pgid: int) -> list[int]:
    """The live processes of process group `pgid` (a shell let go runs in a session of its own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry))
    return found




def test_a_shell_let_go_whose_startup_files_hang_is_hung_up_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A startup file that never ends (a network call, a prompt): the shell let go ran for good,
    one more after each run. Past ABANDON_LIMIT its drainer hangs up on its process group, as a
    closing terminal does: the shell and what it runs end, and so does the drainer."""
    monkeypatch.setattr(early, "ABANDON_LIMIT", 1)
    home = make_home(tmp_path, "sleep 300\n")
    findings = path_gap(project_with(tmp_path, "lint:\n\tls -l\n"), env_for(home))
    assert [f.subject for f in findings] == ["login-shell"]  # let go: ls is on PATH
    [pid] = started_soon(home)
    assert in_group(pid), "the shell and its sleep run in the shell's own process group"
    deadline = time.monotonic() + 10
    while (in_group(pid) or not all(gone(p) for p in early._abandoned)) and time.monotonic() < deadline:
        early.discard_all()
        time.sleep(0.05)
    assert in_group(pid) == [] and early._abandoned == []


def test_the_drainer_of_a_shell_let_go_ends_with_the_shell(tmp_path: Path) -> None:
    """An ordinary shell let go: its drainer ends right after it (it waits out no limit)."""
    home = make_home(tmp_path, "sleep 0.3\n")
    findings = path_gap(project_with(tmp_path, "lint:\n\tls -l\n"), env_for(home))
    assert [f.subject for f in findings] == ["login-shell"]
    pending = list(early._abandoned)
    assert len(pending) == 2  # the shell and its drainer
    begun = time.monotonic()
    while not all(gone(p) for p in pending) and time.monotonic() - begun < early.ABANDON_LIMIT:
        early.discard_all()
        time.sleep(0.05)
    assert all(gone(p) for p in pending) and time.monotonic() - begun < 5


def test_a_tool_path_lacks_waits_for_a_slow_shell(brew: Path, tmp_path: Path) -> None:
    """The gap itself (ruff only in ~/brew/bin) is found on the first run, however slow the shell."""
    (brew / ".profile").write_text('sleep 0.3\nPATH="$HOME/brew/bin:/usr/bin:/bin"\n')
    findings = path_gap(project_with(tmp_path, "lint:\n\truff check .\n\tls\n"), env_for(brew))
    assert [f.subject for f in findings] == ["tool:ruff"]


def test_without_a_cached_path_the_shell_starts_only_when_the_run_waits_for_it(brew: Path, tmp_path: Path) -> None:
    """The cache on and empty (a first run): nothing starts before the checks; path-gap starts the
    shell (once) and waits for it only for a tool PATH lacks; with every tool on PATH it starts
    none, and says the shell is asked once the run has ended. A shell loading pyenv beside a first
    run, for an answer the run then did not wait for, cost it 20-40 ms of a core."""
    env = env_for(brew, DOCTOR_NO_CACHE="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    project = project_with(tmp_path)
    start_early(env, project, None, None)
    assert [what for _, _, what in early._early] == [early.LATER] and started(brew) == []
    early.discard_early()
    assert [f.subject for f in path_gap(project, env)] == ["tool:ruff"]
    assert len(started(brew)) == 1  # started by path-gap, waited for, its PATH cached
    (tmp_path / "cache" / "doctor" / "login-path-2.json").unlink()
    on_path = tmp_path / "on-path"
    on_path.mkdir()
    (on_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (on_path / "Makefile").write_text("lint:\n\tls -l\n")
    findings = path_gap(on_path, env)
    assert [f.message for f in findings] == [
        f"login shell '{brew}/fakesh' is asked once this run has ended (no PATH of it is cached yet): every tool "
        "the project names is on PATH, and whether the login shell runs other copies is compared from the next run"]
    assert len(started(brew)) == 1 and early._live == {}  # none started by the run (the refresher's comes after)


def test_without_a_cached_path_a_shell_the_run_will_wait_for_starts_before_the_other_checks(
        brew: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tool PATH lacks: path-gap's `start` starts the shell (at the run's priority) before the run's
    other checks, so it runs beside them instead of after them; every tool on PATH: none starts."""
    from doctor.checks.host_gateway import HostGateway

    seen: list[int] = []
    real = HostGateway.run

    def run(self: HostGateway, project: Project, host: Host) -> Iterator[Finding]:
        seen.append(len(early._live))  # shells running when the run's other check runs
        return real(self, project, host)

    monkeypatch.setattr(HostGateway, "run", run)
    monkeypatch.setenv("DOCTOR_JOBS", "1")
    env = env_for(brew, DOCTOR_NO_CACHE="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert [f.subject for f in path_gap(project_with(tmp_path), env, ("path-gap", "host-gateway"))] == ["tool:ruff"]
    assert seen == [1] and len(started(brew)) == 1  # one shell, started before host-gateway ran
    (tmp_path / "cache" / "doctor" / "login-path-2.json").unlink()
    on_path = tmp_path / "on-path"
    on_path.mkdir()
    (on_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    (on_path / "Makefile").write_text("lint:\n\tls -l\n")
    seen.clear()
    path_gap(on_path, env, ("path-gap", "host-gateway"))
    assert seen == [0] and len(started(brew)) == 1  # none for a run that does not wait for it


def test_the_shell_not_waited_for_is_asked_after_the_run_for_the_next(tmp_path: Path) -> None:
    """The run did not wait; the refresher asks the shell once it has ended, and the next run
    compares the copies: ls is another program in the login shell's PATH."""
    home = make_home(tmp_path, 'sleep 0.3\nPATH="$HOME/bin:/usr/bin:/bin"\n')
    (home / "bin").mkdir()
    (home / "bin" / "ls").write_text("#!/bin/sh\n")
    (home / "bin" / "ls").chmod(0o755)
    project = project_with(tmp_path, "lint:\n\tls -l\n")
    env = env_for(home, DOCTOR_NO_CACHE="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "doctor", "preflight", str(project), "--select", "path-gap", "--format", "json"]

    def run() -> list[str]:
        done = subprocess.run(command, env={**env, "PYTHONPATH": os.pathsep.join(sys.path)}, capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        return [f["subject"] for f in json.loads(done.stdout)["findings"]]

    assert run() == ["login-shell"]
    cache = tmp_path / "cache" / "doctor" / "login-path-2.json"
    deadline = time.monotonic() + 10
    while not (cache.is_file() and "bin" in cache.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run() == ["tool-differs:ls"]


def test_a_run_that_stops_before_the_checks_leaves_its_shell_to_the_next_run(tmp_path: Path,
                                                                            quick_hangup: None) -> None:
    home = make_home(tmp_path, "sleep 30\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(app.UsageError):
        app.run_preflight(app.PreflightOptions(path=empty, env=env_for(home)))  # no compose file
    [(_, _, pending)] = early._early
    assert isinstance(pending, early.Shell)
    start_early(env_for(home), empty, ("compose-config",), None)  # the next run lets it go first
    assert early._early == [] and early._live == {} and pending.pid in early._abandoned
    assert not gone(pending.pid)  # in its startup files: not signalled
    assert ends_soon(pending.pid)  # hung up on ABANDON_LIMIT later


def test_the_shell_is_not_waited_for_after_it_printed_its_path(tmp_path: Path) -> None:
    script = tmp_path / "lingering"
    # prints its PATH, then lingers (a ~/.bash_logout, a background job holding the pipe)
    script.write_text(f'#!/bin/sh\nprintf "{MARK}/opt/a:/usr/bin{MARK}"\nsleep 30\n')
    script.chmod(0o755)
    begun = time.monotonic()
    proc = spawn_login_shell(str(script), {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert isinstance(proc, early.Shell)
    found = collect_login_path(str(script), proc, 5.0)
    assert found.entries == ("/opt/a", "/usr/bin")
    assert time.monotonic() - begun < 5
    assert proc.status in (-15, -9) and gone(proc.pid)  # ended after it answered, not waited for


# pyenv's `rehash`: the lock is taken in a command substitution, and the EXIT trap that removes it
# is set only afterwards (here the window is 0.6 s long instead of pyenv's few ms)
PYENV_LIKE_REHASH = """\
lock=$(set -C; echo > "$HOME/.shim-lock" && echo "$HOME/.shim-lock")
sleep 0.6
trap 'rm -f "$HOME/.shim-lock"' EXIT
echo done > "$HOME/rehashed"
"""


@pytest.mark.parametrize("how", ["wait timed out", "next run", "doctor exits"])
def test_a_shell_in_its_startup_files_is_never_signalled(tmp_path: Path, how: str) -> None:
    """A SIGTERM between pyenv's lock and its trap (9 in 100 tries, 0.5-3 ms into a real shell)
    left the lock, and every later shell of the user waited 60 s for it. However the run is done
    with a shell still in its startup files, the shell is let go: it finishes them, its lock
    removed by its own trap."""
    home = make_home(tmp_path, 'sh "$HOME/rehash"\n')
    (home / "rehash").write_text(PYENV_LIKE_REHASH)
    env = env_for(home)
    project = project_with(tmp_path)
    paths = ShellPaths(env, timeout=0.1)
    paths.timeout = 0.2
    if how == "wait timed out":
        paths.start()
    else:
        start_early(env, project, None, None)
    deadline = time.monotonic() + 5
    while not (home / ".shim-lock").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (home / ".shim-lock").exists() and not (home / "rehashed").exists()  # in the window
    if how == "wait timed out":
        assert paths.login.error == f"login shell '{home}/fakesh' did not answer in 0.2 s"
    elif how == "next run":
        start_early(env, project, ("compose-config",), None)
    else:
        early.discard_all()  # as at interpreter exit
    assert early._early == [] and early._live == {}
    assert all(ends_soon(pid) for pid in started(home))
    assert (home / "rehashed").read_text() == "done\n" and not (home / ".shim-lock").exists()


def test_an_exiting_shell_reports_its_status(tmp_path: Path) -> None:
    home = make_home(tmp_path, "exit 3\n")
    found = ShellPaths(env_for(home)).login
    assert found.error == f"login shell '{home}/fakesh' printed no PATH (exit 3)"


def test_no_cache_writes_no_cache(brew: Path, tmp_path: Path) -> None:
    path_gap(project_with(tmp_path), env_for(brew, XDG_CACHE_HOME=str(tmp_path / "cache")))
    assert not (tmp_path / "cache").exists() and not (brew / ".cache").exists()
    path_gap(tmp_path / "proj", env_for(brew, XDG_CACHE_HOME=str(tmp_path / "cache"), DOCTOR_NO_CACHE=""))
    assert (tmp_path / "cache" / "doctor" / "login-path-2.json").is_file()
    assert len(started(brew)) == 2


def test_doctor_exits_without_waiting_for_an_unclaimed_shell(tmp_path: Path) -> None:
    """Nothing adopted the early shell: doctor exits at once; the shell, unsignalled, ends when its
    startup files are done."""
    home = make_home(tmp_path, 'sleep 2\necho finished > "$HOME/finished"\n')
    code = textwrap.dedent(f"""
        from pathlib import Path
        from doctor.host.early import start_early
        start_early({env_for(home)!r}, Path({str(tmp_path)!r}), None, None)
        while not Path({str(home / "started")!r}).exists():
            pass
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=20, cwd=REPO)
    assert not (home / "finished").exists()  # not waited for
    pid = started(home)[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _dead(pid):
        time.sleep(0.05)
    assert _dead(pid) and (home / "finished").read_text() == "finished\n"  # (a zombie of init counts as dead)


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_the_fast_path_starts_the_shell_once_for_the_whole_run(brew: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with(tmp_path)
    for name, value in env_for(brew).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(project)
    spawned: list[object] = []
    real = early.spawn
    monkeypatch.setattr(early, "spawn", lambda *args: spawned.append(args) or real(*args))
    out = io.StringIO()
    monkeypatch.setattr(app.preflight, "__defaults__", (out,))  # its `out` default is the stdout of import time
    with pytest.raises(SystemExit):
        cli.main(["preflight"])  # `doctor preflight`: cli starts it, run_preflight keeps it, path-gap reads it
    assert "'ruff' (make target 'lint') is found only by the login shell" in out.getvalue()
    assert len(spawned) == 1 and len(started(brew)) == 1 and gone(started(brew)[0])


def test_the_shell_starts_in_home_and_a_bad_shell_is_one_reason(tmp_path: Path) -> None:
    home = make_home(tmp_path, 'pwd > "$HOME/cwd"\n')
    assert ShellPaths(env_for(home)).login.ok
    assert (home / "cwd").read_text().strip() == str(home)
    (home / "plain").write_text("#!/bin/sh\n")  # not executable
    found = ShellPaths(env_for(home, SHELL=str(home / "plain"))).login
    assert found.error == f"cannot start login shell '{home}/plain': Permission denied"
    found = ShellPaths(env_for(home, SHELL="no-such-shell-here")).login
    assert found.error == "cannot start login shell 'no-such-shell-here': No such file or directory"


def test_nothing_but_os_is_imported_before_the_shell_starts(tmp_path: Path) -> None:
    home = make_home(tmp_path, "")
    code = textwrap.dedent(f"""
        import sys
        before = set(sys.modules)
        from doctor.host.early import start_early, _early
        start_early({env_for(home)!r}, {str(tmp_path)!r}, None, None)
        assert _early and not isinstance(_early[0][2], (str, tuple)), _early
        print(repr(sorted(m for m in set(sys.modules) - before if not m.startswith("doctor"))).replace("'", '"'))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    heavy = {"subprocess", "pathlib", "typing", "json", "dataclasses", "inspect", "re", "enum"}
    assert not heavy & set(json.loads(done.stdout.splitlines()[-1]))


def test_a_timed_out_shell_is_remembered_for_a_while(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A login shell slower than the timeout must not cost every run the whole timeout."""
    from doctor.host import login_cache

    def quick(env: dict[str, str]) -> ShellPaths:
        paths = ShellPaths(env)
        paths.timeout = 0.3  # below LOGIN_SHELL_TIMEOUT: the test need not wait 3 s
        return paths

    home = make_home(tmp_path, "sleep 30\n")
    env = env_for(home, XDG_CACHE_HOME=str(tmp_path / "cache"), DOCTOR_NO_CACHE="")
    first = quick(env).login
    assert first.timed_out and first.error == f"login shell '{home}/fakesh' did not answer in 0.3 s"
    assert len(started(home)) == 1
    begun = time.monotonic()
    again = quick(env).login
    assert time.monotonic() - begun < 0.25 and len(started(home)) == 1  # no shell started, no wait
    assert again.error.startswith(f"login shell '{home}/fakesh' did not answer in 0.3 s (at ")
    assert again.error.endswith("asked again 10 min after)")
    monkeypatch.setattr(login_cache, "FAILURE_AGE", 0.0)  # expired: the shell is asked again
    assert quick(env).login.timed_out
    assert len(started(home)) == 2
    (home / ".profile").write_text("")  # a changed startup file: asked again at once, and answers
    monkeypatch.setattr(login_cache, "FAILURE_AGE", 600.0)
    assert ShellPaths(env).login.ok


@pytest.mark.skipif(not os.path.exists("/proc/self/autogroup"), reason="no scheduler autogroups on this kernel")
def test_the_shell_yields_to_the_run_until_something_waits_for_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Its session is a scheduling group of its own: at nice 19 while it overlaps the run, back at
    0 once the run waits for it (a shell at 19 on a busy machine could wait seconds for a core)."""
    home = make_home(tmp_path, 'sleep 0.2\nPATH="/opt/x:/usr/bin:/bin"\n')
    paths = ShellPaths(env_for(home))
    paths.start()
    running = paths._started
    assert isinstance(running, early.Shell)
    assert Path(f"/proc/{running.pid}/autogroup").read_text().split()[-1] == "19"
    seen: list[str] = []
    real = early.set_session_nice

    def spy(pid: int, nice: bytes) -> bool:
        if not seen:  # the kernel's rate limit (one change per 100 ms without CAP_SYS_ADMIN): EAGAIN
            seen.append("refused")
            return False
        done = real(pid, nice)
        seen.append(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
        return done

    monkeypatch.setattr(early, "set_session_nice", spy)
    assert paths.login.entries == ("/opt/x", "/usr/bin", "/bin")
    assert seen[0] == "refused" and seen[-1] == "0"  # asked again while waiting, until it was taken


def test_what_a_shell_left_running_after_its_path_is_never_killed_mid_cleanup(tmp_path: Path) -> None:
    """A shell that printed its PATH is past its startup files: its session is ended, and what they
    left running (a background job holding a lock, removed when signalled, more slowly than the
    grace) cleans up undisturbed. SIGTERM then SIGKILL 0.5 s later cut such cleanup short: the lock
    stayed, and every later shell of the user waited 60 s for it. Never SIGKILL."""
    home = make_home(tmp_path, 'bash "$HOME/rehash" &\nwhile [ ! -e "$HOME/.shim-lock" ]; do sleep 0.01; done\n')
    (home / "rehash").write_text(textwrap.dedent("""\
        set -C; echo > "$HOME/.shim-lock"; set +C
        trap 'sleep 1; rm -f "$HOME/.shim-lock"; exit 0' TERM HUP
        sleep 30 & wait
    """))
    found = ShellPaths(env_for(home)).login
    assert found.ok and (home / ".shim-lock").exists()
    end = time.monotonic() + 8
    while (home / ".shim-lock").exists() and time.monotonic() < end:
        early.discard_all()
        time.sleep(0.05)
    assert not (home / ".shim-lock").exists()
    assert all(ends_soon(pid) for pid in started(home))
    subprocess.run(["pkill", "-f", f"{home}/rehash"], check=False)
