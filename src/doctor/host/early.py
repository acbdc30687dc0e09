"""The login shell's process, from its start (first thing in a preflight) to its reaping.

path-gap compares the inherited PATH with a login shell's, and a login shell that loads nvm,
pyenv or oh-my-zsh takes 0.1 to 0.5 s. A preflight that will surely run path-gap asks the
login cache (doctor.host.login_cache) before anything else (`start_early`, called by the
command line before doctor imports its checks and reads the project); doctor.host.shell adopts
what it found (`take`). Without a valid entry the shell is not started (LATER): a run that
must wait for its answer starts it as its checks begin (path-gap's `Check.start`, once the project
says a tool PATH lacks), any other leaves it to the refresher after the run,
since a shell loading pyenv on the other core slowed a first run by 20-40 ms for an answer it
mostly did not wait for. Only with the cache off (DOCTOR_NO_CACHE=1, a cache folder that
cannot be used) is the shell started right there, so that it works on the other core
meanwhile. This module imports nothing but `os` before the shell runs: no subprocess, pathlib,
typing or doctor.model (their imports would delay the start they are meant to overlap).

No shell started here blocks doctor's exit, and none is signalled while it may still be in its
startup files: one that printed its PATH (or ended) is ended with its session and reaped (`end`,
`discard`); any other, whether path-gap let it go, its wait timed out, no run adopted it (the
next `start_early`) or doctor exits (`discard_all`), is left to end on its own once its startup
files are done (`abandon`: unsignalled, its output drained, hung up on only ABANDON_LIMIT
seconds later). `docker compose version` (doctor.host.compose_probe) is started right after the
shell, through the same `spawn_session`, and is killed with its session when not read. While
the shell overlaps the run, its session runs at a low priority (`set_session_nice`).
(doctor.host.login_cache's refresher of a login PATH missing or older than an hour starts its
own shell only once the run has ended: doctor.after_run.)
"""

from __future__ import annotations

import os
import time  # already imported by the interpreter's start (zipimport)

from doctor.host.login_user import user_shell as user_shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

MARK = "__DOCTOR_PATH_7f3a__"
GRACE = 0.5  # seconds a shell past its startup files has to end on SIGTERM before it is hung up on
LOW = b"19"  # the login shell's session's nice while it overlaps the run (`set_session_nice`)
RETRY = 0.02  # seconds between two attempts to set it back (the kernel takes one change per 100 ms)
PATH_GAP = "path-gap"  # the check that asks for the login shell
CONFIG_FILES = ("doctor.yaml", "pyproject.toml")  # doctor.config's files: either may select checks
# the login shell starts in HOME, as a terminal's does ($0 is the shell, "$@" its arguments)
IN_HOME = 'cd -- "$HOME" 2>/dev/null; exec "$0" "$@"'
# seconds a shell let go (`abandon`) may run before its process group is hung up on: as long as
# nobody waits for one (doctor.host.login_refresh's TIMEOUT); startup files still running then
# hang (a network call, a prompt), and would otherwise stay for good, one more each run
ABANDON_LIMIT = 30
# the drainer of a shell let go: cat reads its pipe (fd 3) to the end, i.e. until the shell and all
# it started that holds the pipe have ended; after $1 seconds a shell still running (pid $2, with
# the start time $3 it had: not another process given its pid since) gets SIGHUP, as when its
# terminal closes, then SIGTERM, each to its whole process group (its own session); never SIGKILL,
# which would leave a lock a startup file holds (pyenv rehash's). Without /proc
# (no start time to compare: $3 is empty), it is left to run as before.
DRAIN = (
    'cd / 2>/dev/null; cat <&3 >/dev/null 3<&- & c=$!; exec 3<&-\n'
    'started() { [ -n "$1" ] && read -r s < "/proc/$2/stat" && s=${s##*) } && set -- "$1" $s && shift 20'
    ' && [ "$1" = "$t" ]; }\n'
    't=$3; n=0\n'
    'while kill -0 "$c" 2>/dev/null; do\n'
    '  if [ "$n" -ge "$1" ]; then\n'
    '    started "$t" "$2" && kill -HUP "-$2" 2>/dev/null && sleep 2 && started "$t" "$2"'
    ' && kill -TERM "-$2" 2>/dev/null\n'
    '    kill "$c" 2>/dev/null; exit 0\n'
    '  fi\n'
    '  sleep 1; n=$((n + 1))\n'
    'done\n'
)


class Shell:
    """A login shell (or another probe, see spawn_session) in its own session (pgid == pid), its
    stdout on the pipe `fd`."""

    __slots__ = ("at", "fd", "first", "key", "out", "pid", "status")

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.at = time.monotonic()  # when it started
        self.out = b""  # what it printed so far (`printed` reads it; `read` returns it)
        self.status: int | None = None  # exit status once reaped (negative: killed by that signal)
        # a login shell's cache key (doctor.host.login_cache) as it started: what it prints is
        # stored only if the key is still the same once it has printed
        self.key: list[object] | None = None
        # the stamps of its first startup files, taken just before it started (login_cache.first_stamps)
        self.first: dict[str, object] | None = None


class Later:
    """No valid cached PATH, and no login shell started for it: a run starts one only when it must
    wait for its answer (path-gap: a tool PATH lacks); otherwise the refresher asks the shell
    once the run has ended (doctor.host.login_cache.refresh_later), and the next run has its PATH.
    A login shell loading pyenv costs a run's cores 0.1-0.3 s of CPU it would mostly not use."""

    __slots__ = ()


LATER = Later()
_live: dict[int, Shell] = {}  # started and not yet reaped
_abandoned: list[int] = []  # left to end on their own (`abandon`) and their drainers, reaped when they have
# the early shell: (shell, env, what started: running, the cached PATH entries, why it cannot start,
# or LATER: not started)
_early: list[tuple[str, dict[str, str], Shell | tuple[str, ...] | str | Later]] = []
_at_exit: list[object] = []
# the command line's `start_early` (`ahead`): doctor.app's same call that follows is answered by it, once
_ahead: list[tuple[tuple[str, Sequence[str] | None, Sequence[str] | None], dict[str, str]]] = []


def login_command(shell: str) -> list[str]:
    """The argv that makes `shell` print its PATH between markers, after reading its profile."""
    name = os.path.basename(shell)
    if name == "fish":
        return [shell, "-l", "-i", "-c", f'printf "{MARK}%s{MARK}" (string join : $PATH)']
    if name in ("csh", "tcsh"):
        # csh refuses -l with other flags; .login is read only by a real login shell anyway
        return [shell, "-c", f'printf "{MARK}%s{MARK}" "$PATH"']
    return [shell, "-l", "-i", "-c", f'printf "{MARK}%s{MARK}" "$PATH"']


def start_early(env: Mapping[str, str], path: os.PathLike[str] | str, select: Sequence[str] | None,
                ignore: Sequence[str] | None, ahead: bool = False) -> None:
    """Start the slow probes this preflight will (or may) need: the login shell, then `docker compose
    version` (doctor.host.compose_probe). Never raises. `ahead`: the command line's call, before
    doctor.app's run_preflight makes the same one, which then returns at once (what this one
    started or found is there to `take`; a compose version the cache answered is asked of it
    again where it is needed)."""
    asked = (os.fspath(path), select, ignore)
    if _ahead and not ahead and _ahead.pop() == (asked, dict(env)):
        return
    _ahead.clear()
    if ahead:
        _ahead.append((asked, dict(env)))
    start_shell_early(env, path, select, ignore)
    from doctor.host import compose_probe

    compose_probe.start_early(env, path, select, ignore)


def forget_ahead() -> None:
    """The command line's run is over: a later `start_early` (code calling doctor in-process) does its work."""
    _ahead.clear()


def start_shell_early(env: Mapping[str, str], path: os.PathLike[str] | str, select: Sequence[str] | None,
                      ignore: Sequence[str] | None) -> None:
    """Ask the login cache, and start the login shell now where no entry answers and the cache is
    off (`cached_or_spawned`), when this preflight will surely run path-gap (`take` hands it over).

    Only when the choice is certain from the command line alone: path-gap selected (or no
    --select) and not ignored, and no doctor.yaml or pyproject.toml naming doctor in the project
    folder (either may select or ignore checks; such a run starts the shell later, when the
    engine knows the checks). A shell already started for the same shell and environment is
    kept (a second call of one run); any other is let go (`end`). Never raises.
    """
    if (select is not None and PATH_GAP not in select) or (ignore is not None and PATH_GAP in ignore):
        discard_early()
        return
    try:
        if configured(path):
            discard_early()
            return
    except (OSError, ValueError):
        discard_early()
        return
    from doctor.cachedir import keep_out

    # the project's folder (and git work tree) before any cache is asked: none is written there,
    # the login PATH's refresher included
    keep_out(os.path.dirname(os.fspath(path)) if os.path.isfile(path) else path)
    shell = user_shell(env)
    if _early and _early[0][0] == shell and _early[0][1] == env:
        return  # already started for this run (the command line's fast path starts it before app)
    discard_early()
    _early.append((shell, dict(env), cached_or_spawned(shell, env)))


def configured(path: os.PathLike[str] | str) -> bool:
    """Whether the project folder may choose the checks itself (a doctor.yaml, or a pyproject.toml
    naming doctor), or is no folder at all: then only the engine knows what runs. Raises OSError."""
    folder = os.fspath(path)
    if os.path.isfile(folder):  # a compose file: its folder holds the configuration
        folder = os.path.dirname(folder) or "."
    if not os.path.isdir(folder) or os.path.exists(os.path.join(folder, CONFIG_FILES[0])):
        return True
    pyproject = os.path.join(folder, CONFIG_FILES[1])
    if os.path.exists(pyproject):
        from doctor.regular import read_bytes  # a FIFO or a device under that name must not block

        return b"doctor" in read_bytes(pyproject)
    return False


def take(shell: str, env: Mapping[str, str]) -> Shell | tuple[str, ...] | str | Later | None:
    """What `start_early` started for this very shell and environment, handed over once."""
    if _early and _early[0][0] == shell and _early[0][1] == env:
        return _early.pop()[2]
    return None


def discard_early() -> None:
    """Let go an early shell no run adopted (the run stopped first, or used another environment): `end`."""
    while _early:
        started = _early.pop()[2]
        if isinstance(started, Shell):
            end(started)


def cached_or_spawned(shell: str, env: Mapping[str, str]) -> Shell | tuple[str, ...] | str | Later:
    """`cached_or_later`, else the running login shell (or why it cannot run)."""
    found = cached_or_later(shell, env)
    return spawn(shell, env) if found is None else found


def cached_or_later(shell: str, env: Mapping[str, str]) -> tuple[str, ...] | str | Later | None:
    """The cached PATH entries (or why the last shell gave none) when still valid; else LATER where
    the refresher can ask the shell after the run (the cache is on and usable); else None: a run
    that needs the shell's PATH starts it now."""
    from doctor.host import login_cache

    cached = login_cache.load(shell, env)
    if cached:
        return cached
    return LATER if login_cache.refreshable(env) else None


def spawn(shell: str, env: Mapping[str, str], low: bool = True) -> Shell | str:
    """The login shell, running (stdin closed, stderr dropped, own session, in HOME), or why not;
    at a low priority while it overlaps the run (`low`), else at the run's own (it is waited for)."""
    argv = login_command(shell)
    program = _program(shell, env.get("PATH", os.defpath))
    if isinstance(program, int):
        return f"cannot start login shell {shell!r}: {os.strerror(program)}"
    child_env = dict(env)
    child_env.setdefault("TERM", "dumb")
    home = env.get("HOME")
    if home and os.path.isdir(home) and os.access("/bin/sh", os.X_OK):
        argv, program = ["/bin/sh", "-c", IN_HOME, program, *argv[1:]], "/bin/sh"
    from doctor.host import login_cache

    caching = login_cache.cache_file(env) is not None  # a key only where what the shell prints is stored
    first = login_cache.first_stamps(env) if caching else None  # a few stats: the shell starts right after
    started = spawn_session(program, argv, child_env)
    if isinstance(started, OSError):
        return f"cannot start login shell {shell!r}: {started.strerror or started}"
    if low:
        set_session_nice(started.pid, LOW)
    if caching:
        # taken right after the start, while the shell is still exec'ing: its startup files as it
        # reads them; a file saved before the key was taken shows in `first` (store refuses it)
        started.key, started.first = login_cache.cache_key(shell, env), first
    return started


def set_session_nice(pid: int, nice: bytes) -> bool:
    """Set the scheduling priority of the session `pid` leads (its autogroup, Linux; elsewhere nothing).

    A session of its own is a scheduling group of its own: on 2 cores, the login shell (pyenv's
    init forks a dozen programs), `docker compose version` and the run each got a third of the
    machine, and a cold run whose shell was not needed in the end took 10-20 ms longer than one
    whose shell answered at once. At LOW the shell runs on what the run leaves; whoever waits
    for it sets it back (`hurry`): a shell at LOW on a busy machine could wait for a core for
    seconds. A nice of 0 or more needs no privilege, but the kernel takes one change of any
    autogroup's nice per 100 ms from a user without CAP_SYS_ADMIN (EAGAIN): whether it was set
    (True too where there is nothing to set: no autogroups, the shell gone).
    """
    try:
        fd = os.open(f"/proc/{pid}/autogroup", os.O_WRONLY | os.O_CLOEXEC)
    except OSError:
        return True
    try:
        os.write(fd, nice)
    except BlockingIOError:
        return False
    except OSError:
        pass
    finally:
        os.close(fd)
    return True


def hurry(started: Shell) -> bool:
    """The shell back at normal priority: something waits for it now. False: not yet (the
    kernel's rate limit), to be asked again."""
    return set_session_nice(started.pid, b"0")


def spawn_session(program: str, argv: list[str], env: Mapping[str, str]) -> Shell | OSError:
    """`program` running in its own session (stdin and stderr /dev/null, stdout on a pipe), or why not.

    It is discarded at interpreter exit at the latest (doctor.host.compose_probe starts
    `docker compose version` this way too).
    """
    read_end, write_end = os.pipe()  # both close on exec; the child's stdout is a dup of write_end
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0), (os.POSIX_SPAWN_DUP2, write_end, 1),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    try:
        try:
            pid = os.posix_spawn(program, argv, env, file_actions=actions, setsid=True)
        except NotImplementedError:  # no POSIX_SPAWN_SETSID: its own process group will do
            pid = os.posix_spawn(program, argv, env, file_actions=actions, setpgroup=0)
    except OSError as exc:
        os.close(read_end)
        return exc
    finally:
        os.close(write_end)
    if not _at_exit:  # the first child of this process: none may outlive doctor
        import atexit

        _at_exit.append(atexit.register(discard_all))
    started = Shell(pid, read_end)
    _live[pid] = started
    return started


def _program(shell: str, path: str) -> str | int:
    """The file `shell` runs (searched on `path` when it has no slash), or the errno why not."""
    import errno

    candidates = [shell] if "/" in shell else [os.path.join(d or ".", shell) for d in path.split(os.pathsep)]
    denied = False
    for candidate in candidates:
        if os.path.isfile(candidate):
            if os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)  # it runs from HOME
            denied = True
        elif os.path.isdir(candidate):
            denied = True
    return errno.EACCES if denied else errno.ENOENT


def read(started: Shell, timeout: float) -> tuple[bytes, int | None, bool]:
    """The shell's output up to its PATH (`timeout` seconds at most), its exit status, whether it timed out.

    The shell is not waited for once the PATH is out: what runs after it (~/.bash_logout, a
    background job of an rc file holding the pipe) goes with its session, and it is reaped here.
    One that timed out is still in its startup files: it is let go (`end`), never signalled.
    """
    deadline = time.monotonic() + timeout
    hurried = hurry(started)
    try:
        # until it printed or ended; not hurried yet: asked again each RETRY until the kernel takes it
        while not printed(started, deadline if hurried else min(deadline, time.monotonic() + RETRY)):
            if time.monotonic() >= deadline:
                return started.out, None, True
            hurried = hurry(started)
        if not _answered(started):  # it ended without printing it: wait (briefly) to say how
            while not _ended(started) and time.monotonic() < deadline:
                time.sleep(0.005)
    finally:
        end(started)
    return started.out, started.status, False


def printed(started: Shell, until: float) -> bool:
    """Whether the shell printed its PATH, or ended, by the monotonic time `until` (never past it).

    What it printed is kept for `read`; the shell is left running either way.
    """
    while not _answered(started):
        if not _readable(started.fd, max(0.0, until - time.monotonic())):
            return False
        chunk = _chunk(started.fd)
        if not chunk:
            return True  # it ended: `read` says how
        started.out += chunk
    return True


def _answered(started: Shell) -> bool:
    """Whether the shell's output so far holds its PATH between both markers."""
    return started.out.count(MARK.encode()) >= 2


def _readable(fd: int, timeout: float) -> bool:
    import select

    return bool(select.select([fd], [], [], timeout)[0])


def _chunk(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # a broken pipe reads as its end
        return b""


def abandon(started: Shell) -> None:
    """Leave the shell to end on its own, unsignalled, its output drained by `cat` (reaped later).

    For a shell nobody will read (path-gap did not need it in time, or at all). `discard` waits
    up to GRACE for the shell to end: an interactive bash ignores SIGTERM and goes on to the end
    of its startup files (40-100 ms with pyenv's). Neither a signal nor closing the pipe is safe
    mid-startup: with either (and no waiting), `pyenv rehash` now and then died holding its lock
    file, and every later shell of the user waited 60 s for it (seen under back-to-back runs).
    So nothing is done to the shell: a `cat` in a session of its own reads the pipe to its end,
    the shell ends when its startup files are done, and init reaps both once doctor has ended
    (`discard_all` reaps what ended before). Without /bin/sh, doctor's own end closes the pipe.
    A shell still running ABANDON_LIMIT seconds later hangs in its startup files (a network call,
    a prompt) and would run for good, one more each run: its drainer (DRAIN) then hangs up on its
    process group, as a closing terminal does, and ends too.
    """
    if _live.pop(started.pid, None) is None:
        return
    drainer = None
    if os.access("/bin/sh", os.X_OK):
        actions = [(os.POSIX_SPAWN_DUP2, started.fd, 3), (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
        argv = ["/bin/sh", "-c", DRAIN, "doctor-drain", str(ABANDON_LIMIT), str(started.pid), _start_time(started.pid)]
        try:
            drainer = os.posix_spawn("/bin/sh", argv, {}, file_actions=actions, setsid=True)
        except (OSError, NotImplementedError):
            drainer = None
    if drainer is not None:
        os.close(started.fd)
        _abandoned.append(drainer)
    # else its pipe stays open, closed when doctor ends: by then the shell has had the whole run
    _abandoned.append(started.pid)


def _start_time(pid: int) -> str:
    """The process's start time (/proc/PID/stat's 22nd field), "" where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        return fields[19].decode()
    except (OSError, IndexError, UnicodeDecodeError):
        return ""


def _ended(started: Shell) -> bool:
    """Whether the shell has exited (it is left unreaped: its pid still names its session)."""
    try:
        return os.waitid(os.P_PID, started.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def end(started: Shell) -> None:
    """End a login shell nobody will read any more, as its startup files allow.

    One that printed its PATH, or ended, is past its startup files: its session is ended and it
    is reaped (`discard`). Any other is let go unsignalled (`abandon`). A signal in the middle of
    startup files is not safe, however gentle: pyenv's `rehash` creates its lock file in a
    command substitution and only then sets the EXIT trap that removes it, so a SIGTERM in
    between (9 in 100 tries, 0.5-3 ms into the shell) left the lock, and every later shell of
    the user waited 60 s for it (seen on this machine after a test run).
    """
    if _answered(started) or _ended(started):
        discard(started)
    else:
        abandon(started)


def discard(started: Shell, grace: float = GRACE) -> None:
    """End the shell's whole session, close its pipe, reap it (its exit status in `status`).

    For a login shell past its startup files (`end` decides): SIGTERM first, then SIGHUP (an
    interactive bash ignores SIGTERM; a hangup ends it as a closed terminal does) for a shell
    still running `grace` seconds later, to its whole session (a ~/.bash_logout, a background job
    of an rc file). Never SIGKILL: what they run may clean up on either signal. One still running
    after both is left to end, drained (`abandon`; its status stays None). The session is
    signalled before the shell is reaped: until then its pid cannot be reused, so the process
    group of that id is the shell's.
    (The compose probe has no such files: it is given no grace, and is killed as subprocess.run's
    timeout kills.)
    """
    import contextlib
    import signal

    if _live.get(started.pid) is None:
        return  # already discarded
    for sent in (signal.SIGTERM, signal.SIGHUP) if grace > 0 else (signal.SIGKILL,):
        with contextlib.suppress(OSError):
            os.killpg(started.pid, sent)  # its own session: pgid == pid
        deadline = time.monotonic() + grace
        while not _ended(started) and time.monotonic() < deadline:
            time.sleep(0.002)
        if _ended(started):
            break
    else:
        if grace > 0:
            abandon(started)
            return
    _live.pop(started.pid, None)
    os.close(started.fd)
    try:
        started.status = os.waitstatus_to_exitcode(os.waitpid(started.pid, 0)[1])
    except ChildProcessError:  # reaped by someone else: its status is lost
        started.status = -1


def discard_all() -> None:
    """At exit: no login shell (or compose probe) outlives doctor."""
    discard_early()
    import sys

    probes = sys.modules.get("doctor.host.compose_probe")
    if probes is not None:
        probes.discard_early()
    for started in list(_live.values()):
        end(started)
    for pid in list(_abandoned):  # reaped once ended; the others are init's once this process has ended
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        except ChildProcessError:
            pass
        _abandoned.remove(pid)
