"""A real terminal for tests: a command run in a detached tmux window of a given size.

tmux is a terminal emulator: what `capture` returns is what a user sees (the status line
drawn and erased, colours applied), and `-J` joins the lines tmux itself wrapped, so a line
longer than the window shows up as longer. Each Terminal uses its own tmux server socket
(`-L`), so parallel test runs, and a developer's own tmux, are never touched.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DONE = "__doctor_test_done__"


def tmux_binary() -> str:
    found = shutil.which("tmux")
    if found is None:
        if IN_CI:
            pytest.fail("tmux is not installed (CI=true: .ci/run installs it)")
        pytest.skip("tmux is not installed (apt-get install tmux)")
    return found


class Terminal:
    """One tmux server with one window `width` x `height`, running a shell command in `cwd`."""

    def __init__(self, width: int, height: int = 200) -> None:
        self.tmux = tmux_binary()
        self.socket = f"doctor-test-{secrets.token_hex(4)}"
        self.width, self.height = width, height

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.tmux, "-u", "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=30)

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 90) -> tuple[str, int]:
        """Run argv in the window; return the screen (wrapped lines joined) and the exit status."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = (f"cd {shlex.quote(str(cwd))} && env -i {exports} {shlex.join(argv)}; "
                  f"echo {DONE}$?; sleep 600")
        started = self._tmux("new-session", "-d", "-x", str(self.width), "-y", str(self.height),
                             "bash", "--norc", "--noprofile", "-c", script)
        assert started.returncode == 0, started.stderr
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if DONE in screen:
                break
            assert time.monotonic() < deadline, f"no end after {timeout} s:\n{screen}"
            time.sleep(0.3)
        body, _, tail = screen.partition(DONE)
        return body, int(tail.split()[0])

    def start(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        """Start argv in the window and return at once (drive it with `send` and `wait_for`)."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = (f"cd {shlex.quote(str(cwd))} && env -i {exports} {shlex.join(argv)}; "
                  f"echo {DONE}$?; sleep 600")
        started = self._tmux("new-session", "-d", "-x", str(self.width), "-y", str(self.height),
                             "bash", "--norc", "--noprofile", "-c", script)
        assert started.returncode == 0, started.stderr

    def wait_for(self, text: str, count: int = 1, timeout: float = 90) -> str:
        """The screen once `text` shows on it `count` times (fails after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if screen.count(text) >= count:
                return screen
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{screen}"
            time.sleep(0.3)

    def send(self, *keys: str) -> None:
        """Type keys into the window (tmux key names: "y", "Enter")."""
        self._tmux("send-keys", *keys)

    def capture(self) -> str:
        done = self._tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-")
        return done.stdout

    def close(self) -> None:
        self._tmux("kill-server")
