"""The inherited PATH, the login shell's PATH, and what the host's interpreters can import.

A program started from an IDE, a service manager or a subprocess with a scrubbed
environment inherits a PATH that may lack what `~/.zprofile` adds for a login shell
(`/opt/homebrew/bin`, `~/.local/bin`); the two views are compared by the path-gap check.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record

LOGIN_SHELL_TIMEOUT = 3.0
MARK = "__DOCTOR_PATH_7f3a__"
_BETWEEN = lazy(re.escape(MARK) + r"(.*?)" + re.escape(MARK), re.S)


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
        shell = self.env.get("SHELL")
        if shell:
            return shell
        try:
            import pwd

            return pwd.getpwuid(os.getuid()).pw_shell or "/bin/sh"
        except (ImportError, KeyError):
            return "/bin/sh"

    def start(self) -> None:
        """Start the login shell now, so its ~100 ms overlap the rest of the run (`login` collects it).

        Nothing starts when the cache (doctor.host.login_cache) still holds this shell's PATH.
        """
        from doctor.host import login_cache

        if self._started is None and "login" not in self.__dict__:
            cached = login_cache.load(self.shell, self.env)
            self._started = LoginPath(self.shell, cached) if cached else spawn_login_shell(self.shell, self.env)

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

    def which(self, tool: str, entries: Sequence[str]) -> str | None:
        """The file `tool` resolves to on the given PATH entries, or None."""
        if not entries:
            return None
        return shutil.which(tool, path=os.pathsep.join(entries))


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


def spawn_login_shell(shell: str, env: Mapping[str, str]) -> subprocess.Popen[bytes] | LoginPath:
    """The running login shell (stdin closed, own session, HOME from env), or why it cannot start."""
    child_env = dict(env)
    child_env.setdefault("TERM", "dumb")
    home = env.get("HOME")
    try:
        return subprocess.Popen(login_command(shell), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=child_env, start_new_session=True,
                                cwd=home if home and os.path.isdir(home) else None)
    except OSError as exc:
        return LoginPath(shell, error=f"cannot start login shell {shell!r}: {exc.strerror or exc}")


def collect_login_path(shell: str, proc: subprocess.Popen[bytes] | LoginPath, timeout: float) -> LoginPath:
    """Wait (up to `timeout`) for a spawned login shell and parse the PATH it printed."""
    if isinstance(proc, LoginPath):
        return proc
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # an rc file waiting on the network or a prompt: kill the whole session, not just the shell
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return LoginPath(shell, error=f"login shell {shell!r} did not answer in {timeout:g} s")
    found = _BETWEEN.findall(out.decode(errors="replace"))
    if not found:
        return LoginPath(shell, error=f"login shell {shell!r} printed no PATH (exit {proc.returncode})")
    return LoginPath(shell, tuple(found[-1].split(os.pathsep)))
