"""The inherited PATH, the login shell's PATH, and what the host's interpreters can import.

A program started from an IDE, a service manager or a subprocess with a scrubbed
environment inherits a PATH that may lack what `~/.zprofile` adds for a login shell
(`/opt/homebrew/bin`, `~/.local/bin`); the two views are compared by the path-gap check.
The login shell's process (started early in a preflight, read, ended or let go, reaped) is
doctor.host.early's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from functools import cached_property

from doctor.host import early, login_cache
from doctor.host.early import MARK as MARK
from doctor.host.early import Shell
from doctor.host.early import login_command as login_command
from doctor.host.early import start_early as start_early
from doctor.host.early import user_shell as user_shell
from doctor.lazyre import lazy
from doctor.model import record

LOGIN_SHELL_TIMEOUT = 3.0
_BETWEEN = lazy(re.escape(MARK) + r"(.*?)" + re.escape(MARK), re.S)


@record
class LoginPath:
    """The login shell's PATH entries, or why they could not be had (`error`)."""

    shell: str
    entries: tuple[str, ...] = ()
    error: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


class ShellPaths:
    """Both PATH views of this machine; the login shell is asked once, on first use."""

    def __init__(self, env: Mapping[str, str], timeout: float = 2.0) -> None:
        self.env = env
        # Login shells that load nvm/pyenv/conda take longer than a socket probe.
        self.timeout = max(timeout, LOGIN_SHELL_TIMEOUT)
        self._started: Shell | LoginPath | None = None
        # no cached PATH answers, and the shell is not started until a run must wait for it
        # (early.LATER): `login` starts it; `login_by` and `release` leave it to the refresher
        self.later = False

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
        """Ask the cache (doctor.host.login_cache) for this shell's PATH; without an entry, start the
        login shell now only where the cache is off (early.cached_or_spawned), so its ~100 ms
        overlap the rest of the run (`login` collects it). Otherwise it starts when `login` must
        wait for it, or is asked after the run (`release`).
        """
        if self._started is None and not self.later and "login" not in self.__dict__:
            taken = early.take(self.shell, self.env)  # asked first thing in this preflight
            if taken is None:
                taken = early.cached_or_later(self.shell, self.env)
            if isinstance(taken, early.Later):
                self.later = True
            elif taken is None:
                self._started = spawn_login_shell(self.shell, self.env)
            else:
                self._started = _started(self.shell, taken)

    @cached_property
    def login(self) -> LoginPath:
        """PATH as an interactive login shell sets it up (never raises); from the cache when still valid."""
        self.start()
        if self.later:  # the run waits for it now
            self.later = False
            self._started = spawn_login_shell(self.shell, self.env)
        started, self._started = self._started, None
        assert started is not None
        found = collect_login_path(self.shell, started, self.timeout)
        if isinstance(started, Shell):
            if found.ok:
                login_cache.store(self.shell, self.env, found.entries, before=started.key, first=started.first)
            elif found.timed_out:
                login_cache.store(self.shell, self.env, error=found.error, before=started.key, first=started.first)
        return found

    def start_now(self) -> None:
        """Start the login shell now, at normal priority, where no cached PATH answers and it was
        left for later: the run will wait for it (path-gap found a tool PATH lacks before its
        turn, `Check.start`), and it then runs beside the other checks instead of after them."""
        self.start()
        if self.later and self._started is None:
            self.later = False
            self._started = _started(self.shell, early.spawn(self.shell, self.env, low=False))

    def login_by(self, patience: float) -> LoginPath | None:
        """The login PATH if cached, or if the shell has printed it `patience` seconds after it
        started; else None, and the shell, started or not (`later`), is let go (`release`).

        For a run that can do without it: path-gap, when every tool the project names is on the
        inherited PATH, only compares copies, and does not make a run wait for a login shell
        that loads pyenv or nvm (0.1-0.5 s, more than the whole run). The refresher then asks
        the shell once the run is over, so the next run has its PATH.
        """
        if "login" not in self.__dict__:
            self.start()
            started = self._started
            if self.later or (isinstance(started, Shell) and not early.printed(started, started.at + patience)):
                self.release()
                return None
        return self.login

    def release(self) -> None:
        """Let the login shell go if it was started, or not ask it (`later`), when it is not needed
        now (path-gap found no tool, or did not wait for it): a shell started is left to end on its
        own, unsignalled (early.abandon). Where its PATH is cached, the refresher asks the shell
        (again) once the run is over (login_cache.refresh_later)."""
        started, self._started = self._started, None
        if isinstance(started, Shell):
            early.abandon(started)
        elif not self.later:
            return  # a cached PATH (or why there is none): nothing to let go, nothing to ask
        path = login_cache.cache_file(self.env)
        if path is not None:
            login_cache.refresh_later(self.shell, self.env, path)

    def which(self, tool: str, entries: Sequence[str]) -> str | None:
        """The file `tool` resolves to on the given PATH entries, or None."""
        if not entries:
            return None
        from doctor.host.which import which

        return which(tool, entries)


def login_path(shell: str, env: Mapping[str, str], timeout: float = LOGIN_SHELL_TIMEOUT) -> LoginPath:
    """Run the login shell once (stdin closed, own session, in HOME) and parse its PATH."""
    return collect_login_path(shell, spawn_login_shell(shell, env), timeout)


def spawn_login_shell(shell: str, env: Mapping[str, str]) -> Shell | LoginPath:
    """The running login shell (stdin closed, own session, in HOME), or why it cannot start."""
    return _started(shell, early.spawn(shell, env))


def _started(shell: str, started: Shell | tuple[str, ...] | str) -> Shell | LoginPath:
    """A running shell as is; cached entries, or why it could not start, as a LoginPath."""
    if isinstance(started, Shell):
        return started
    if isinstance(started, str):
        return LoginPath(shell, error=started)
    return LoginPath(shell, started)


def collect_login_path(shell: str, started: Shell | LoginPath, timeout: float) -> LoginPath:
    """Read a started login shell (up to `timeout`) until it printed its PATH; it is reaped either way."""
    if isinstance(started, LoginPath):
        return started
    out, status, timed_out = early.read(started, timeout)
    if timed_out:  # an rc file waiting on the network or a prompt: let go (early.end), never signalled
        return LoginPath(shell, error=f"login shell {shell!r} did not answer in {timeout:g} s", timed_out=True)
    found = _BETWEEN.findall(out.decode(errors="replace"))
    if not found:
        return LoginPath(shell, error=f"login shell {shell!r} printed no PATH (exit {status})")
    return LoginPath(shell, tuple(found[-1].split(os.pathsep)))
