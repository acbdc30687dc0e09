"""Ctrl-C, SIGTERM or SIGHUP between the renames of one fix's files: the fix lands whole.

A held port moves in a new compose.override.yaml and `.env`'s APP_URL follows it: two files,
staged then renamed one after the other. A signal that arrived between the two renames (a few
milliseconds of folder fsync; longer on a slow or network disk) left the override's port moved
and the URL on the old one, and the next `doctor fix` said "nothing to fix" (the port no longer
clashes), so the URL stayed wrong. The signals are now held while the staged files are renamed
and delivered after the last one: the run still ends as interrupted (130, 143, 129), with the
whole fix written.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# the signal is sent to doctor itself just before the second staged file is renamed; it has the action it
# has in a terminal first (a test run under `nohup`, or as a script's background job, hands SIGHUP or
# SIGINT down ignored, and doctor leaves a signal its caller ignores so)
CHILD = """
import os, signal, sys
from doctor import fix_round
calls = []
signum = int(sys.argv[2])
signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
def before_commit(path):
    calls.append(path)
    if len(calls) == 2:
        os.kill(os.getpid(), signum)
fix_round._before_commit = before_commit
sys.argv = ['doctor', 'fix', '--ports', '--yes', sys.argv[1]]
from doctor.cli import console
console()
"""


def _project(root: Path, port: int) -> None:
    root.mkdir()
    (root / "compose.yaml").write_text(f'services:\n  web:\n    image: nginx:alpine\n    ports: ["{port}:80"]\n')
    (root / ".env").write_text(f"APP_URL=http://localhost:{port}\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "compose.yaml"], cwd=root, check=True)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "APP_URL"))}
    env.update(HOME=str(tmp_path / "home"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), DOCTOR_NO_CACHE="1", DOCTOR_JOBS="1",
               COMPOSE_PROJECT_NAME=f"doctor-h-contractfix-{tmp_path.name[-12:].lower()}")
    return env


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_between_two_renames_is_delivered_after_the_last(tmp_path: Path, held_port: int, signum: int) -> None:
    root = tmp_path / "app"
    _project(root, held_port)
    env = _env(tmp_path)
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), str(int(signum))], capture_output=True,
                          text=True, timeout=180, env=env)
    assert done.returncode == 128 + signum, (done.returncode, done.stdout, done.stderr)
    override = (root / "compose.override.yaml").read_text()
    moved = re.findall(r'"(\d+):80"', override)
    assert len(moved) == 1 and int(moved[0]) != held_port, override
    assert (root / ".env").read_text() == f"APP_URL=http://localhost:{moved[0]}\n"  # the URL followed the port
    assert not [p.name for p in root.iterdir() if p.name.endswith(".doctor-tmp")]
    again = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes", str(root)],
                           capture_output=True, text=True, timeout=180, env=env)
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert (root / ".env").read_text() == f"APP_URL=http://localhost:{moved[0]}\n"
