"""The inherited PATH, the login shell's PATH, and what the host's interpreters can import.

A program started from an IDE, a service manager or a subprocess with a scrubbed
environment inherits a PATH that may lack what `~/.zprofile` adds for a login shell
(`/opt/homebrew/bin`, `~/.local/bin`); the two views are compared by the path-gap check.

The login shell takes 0.1 to 0.5 s (nvm, pyenv, oh-my-zsh), so a preflight that will run
path-gap starts it first thing (`start_early`) and the shell works on the other core while
doctor imports its checks and loads the project. Every shell started here ends within the run:
collected as soon as it printed its PATH, killed at the timeout, or killed when nothing needs
it (`ShellPaths.release`, the next `start_early`, and at the latest at interpreter exit).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import time
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from doctor.lazyre import lazy
from doctor.model import record

if TYPE_CHECKING:
    import subprocess  # imported when a shell is started: a run on the cache never needs it

LOGIN_SHELL_TIMEOUT = 3.0
MARK = "__DOCTOR_PATH_7f3a__"
_BETWEEN = lazy(re.escape(MARK) + r"(.*?)" + re.escape(MARK), re.S)
PATH_GAP = "path-gap"  # the check that asks for the login shell (see start_early)
CONFIG_FILES = ("doctor.yaml", "pyproject.toml")  # doctor.config's files: either may select checks

_live: dict[int, subprocess.Popen[bytes]] = {}  # shells started and not yet collected or killed
_at_exit: list[object] = []
_early: list[tuple[str, Mapping[str, str], subprocess.Popen[bytes] | LoginPath]] = []


@record
class LoginPath:
    """The login shell's PATH entries, or why they could not be had (`error`)."""

    shell: str
    entries: tuple[str, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class ShellPaths:
    """Both PATH views of this machine; the login shell is asked once, on first use."""

    def __init__(self, env: Mapping[str, str], timeout: float = 2.0) -> None:
        self.env = env
        # Login shells that load nvm/pyenv/conda take longer than a socket probe.
        self.timeout = max(timeout, LOGIN_SHELL_TIMEOUT)
        self._started: subprocess.Popen[bytes] | LoginPath | None = None

    @property
    def inherited(self) -> tuple[str, ...]:
        """PATH as this process inherited it, entries in order (empty entries kept: they mean cwd)."""
        value = self.env.get("PATH")
        return tuple(value.split(os.pathsep)) if value is not None else ()

    @property
    def shell(self) -> str:
        """The user's login shell: $SHELL, else the passwd entry, else /bin/sh."""
        return user_shell(self.env)

    def start(self) -> None:
        """Start the login shell now, so its ~100 ms overlap the rest of the run (`login` collects it).

        Nothing starts when the cache (doctor.host.login_cache) still holds this shell's PATH.
        """
        if self._started is None and "login" not in self.__dict__:
            self._started = _take_early(self.shell, self.env) or _cached_or_spawned(self.shell, self.env)

    @cached_property
    def login(self) -> LoginPath:
        """PATH as an interactive login shell sets it up (never raises); from the cache when still valid."""
        from doctor.host import login_cache

        self.start()
        started, self._started = self._started, None
        assert started is not None
        found = collect_login_path(self.shell, started, self.timeout)
        if found.ok and not isinstance(started, LoginPath):
            login_cache.store(self.shell, self.env, found.entries)
        return found

    def release(self) -> None:
        """Kill the login shell if it was started and is no longer needed (path-gap found no tool)."""
        started, self._started = self._started, None
        if started is not None and not isinstance(started, LoginPath):
            _discard(started)

    def which(self, tool: str, entries: Sequence[str]) -> str | None:
        """The file `tool` resolves to on the given PATH entries, or None."""
        if not entries:
            return None
        return shutil.which(tool, path=os.pathsep.join(entries))


def user_shell(env: Mapping[str, str]) -> str:
    """The user's login shell: $SHELL, else the passwd entry, else /bin/sh."""
    shell = env.get("SHELL")
    if shell:
        return shell
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_shell or "/bin/sh"
    except (ImportError, KeyError):
        return "/bin/sh"


def login_command(shell: str) -> list[str]:
    """The argv that makes `shell` print its PATH between markers, after reading its profile."""
    name = Path(shell).name
    if name == "fish":
        return [shell, "-l", "-i", "-c", f'printf "{MARK}%s{MARK}" (string join : $PATH)']
    if name in ("csh", "tcsh"):
        # csh refuses -l with other flags; .login is read only by a real login shell anyway
        return [shell, "-c", f'printf "{MARK}%s{MARK}" "$PATH"']
    return [shell, "-l", "-i", "-c", f'printf "{MARK}%s{MARK}" "$PATH"']


def login_path(shell: str, env: Mapping[str, str], timeout: float = LOGIN_SHELL_TIMEOUT) -> LoginPath:
    """Run the login shell once (stdin closed, own session, HOME from env) and parse its PATH."""
    return collect_login_path(shell, spawn_login_shell(shell, env), timeout)


def start_early(env: Mapping[str, str], path: Path, select: Sequence[str] | None,
                ignore: Sequence[str] | None) -> None:
    """Start the login shell now when this preflight will surely run path-gap (`ShellPaths` adopts it).

    Called first thing in a preflight, before the checks are imported and the project is read,
    so the shell overlaps them. Only when the choice is certain from the command line alone:
    path-gap selected (or no --select) and not ignored, and no doctor.yaml or pyproject.toml
    naming doctor in the project folder (either may select or ignore checks; such a run starts
    the shell later, when the engine knows the checks). A shell already started for the same
    shell and environment is kept (a second call of one run); any other is killed. Never raises.
    """
    if (select is not None and PATH_GAP not in select) or (ignore is not None and PATH_GAP in ignore):
        _discard_early()
        return
    try:
        folder = path if path.is_dir() else path.parent
        if not folder.is_dir() or (folder / CONFIG_FILES[0]).exists():
            return
        pyproject = folder / CONFIG_FILES[1]
        if pyproject.exists() and b"doctor" in pyproject.read_bytes():
            return
    except (OSError, ValueError):
        _discard_early()
        return
    shell = user_shell(env)
    if _early and _early[0][0] == shell and _early[0][1] == env:
        return  # already started for this run (the command line's fast path starts it before this)
    _discard_early()
    _early.append((shell, dict(env), _cached_or_spawned(shell, env)))


def _take_early(shell: str, env: Mapping[str, str]) -> subprocess.Popen[bytes] | LoginPath | None:
    """The shell `start_early` started for this very shell and environment, handed over once."""
    if _early and _early[0][0] == shell and _early[0][1] == env:
        return _early.pop()[2]
    return None


def _discard_early() -> None:
    """Kill an early shell no run adopted (the run stopped first, or used another environment)."""
    while _early:
        started = _early.pop()[2]
        if not isinstance(started, LoginPath):
            _discard(started)


def _cached_or_spawned(shell: str, env: Mapping[str, str]) -> subprocess.Popen[bytes] | LoginPath:
    """The cached PATH (doctor.host.login_cache) when still valid, else a running login shell."""
    from doctor.host import login_cache

    cached = login_cache.load(shell, env)
    return LoginPath(shell, cached) if cached else spawn_login_shell(shell, env)


def spawn_login_shell(shell: str, env: Mapping[str, str]) -> subprocess.Popen[bytes] | LoginPath:
    """The running login shell (stdin closed, own session, HOME from env), or why it cannot start."""
    import subprocess

    child_env = dict(env)
    child_env.setdefault("TERM", "dumb")
    home = env.get("HOME")
    try:
        proc = subprocess.Popen(login_command(shell), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=child_env, start_new_session=True,
                                cwd=home if home and os.path.isdir(home) else None)
    except OSError as exc:
        return LoginPath(shell, error=f"cannot start login shell {shell!r}: {exc.strerror or exc}")
    if not _at_exit:  # the first shell of this process: none may outlive doctor
        _at_exit.append(atexit.register(_discard_all))
    _live[proc.pid] = proc
    return proc


def collect_login_path(shell: str, proc: subprocess.Popen[bytes] | LoginPath, timeout: float) -> LoginPath:
    """Read a spawned login shell's output (up to `timeout`) until its PATH is printed, then end it.

    The shell is not waited for once the PATH is out: what runs after (~/.bash_logout, a
    background job of an rc file holding the pipe) is killed with the shell's session.
    """
    if isinstance(proc, LoginPath):
        return proc
    import select
    import subprocess

    assert proc.stdout is not None
    end = MARK.encode()
    deadline = time.monotonic() + timeout
    out = b""
    status: int | None = None
    try:
        while out.count(end) < 2:
            left = deadline - time.monotonic()
            if left <= 0:
                return LoginPath(shell, error=f"login shell {shell!r} did not answer in {timeout:g} s")
            if select.select([proc.stdout], [], [], left)[0]:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:  # the shell ended without printing it: say how it ended
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        status = proc.wait(max(deadline - time.monotonic(), 0))
                    break
                out += chunk
    finally:
        _discard(proc)  # an rc file waiting on the network or a prompt: the whole session goes
    found = _BETWEEN.findall(out.decode(errors="replace"))
    if not found:
        return LoginPath(shell, error=f"login shell {shell!r} printed no PATH (exit {status})")
    return LoginPath(shell, tuple(found[-1].split(os.pathsep)))


def _discard(proc: subprocess.Popen[bytes]) -> None:
    """Kill the shell's whole session unless it has been reaped, close its pipe, reap it."""
    _live.pop(proc.pid, None)
    if proc.returncode is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)  # its own session (start_new_session): pgid == pid
    if proc.stdout is not None:
        proc.stdout.close()
    proc.wait()


def _discard_all() -> None:
    """At exit: no login shell outlives doctor."""
    _discard_early()
    for proc in list(_live.values()):
        _discard(proc)
