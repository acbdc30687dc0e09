"""`doctor fix` on a real terminal (tmux): each question shows file:line and the diff before it
is asked, is asked once, and the run ends saying what is left and why it exits 1.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from terminal import DONE, Terminal

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_interactive_fix_shows_each_change_before_asking_once(tmp_path: Path) -> None:
    copy = tmp_path / "broken-stack"
    shutil.copytree(EXAMPLES / "broken-stack", copy)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"), "TERM": "xterm",
           "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path / "state")}
    terminal = Terminal(120)
    try:
        terminal.start([sys.executable, "-m", "doctor", "fix", "--env", "."], copy, env)
        first = terminal.wait_for("[y/N]")
        # the first question: the finding's file:line, the diff of its fix, then the question
        assert ".env:5: POSTGRES_SERVER=postgresserver names no service" in first, first
        assert "-POSTGRES_SERVER=postgresserver" in first and "+POSTGRES_SERVER=db" in first, first
        assert first.rstrip().endswith("replace 'postgresserver' by 'db' in POSTGRES_SERVER? [y/N]"), first
        terminal.send("n", "Enter")
        second = terminal.wait_for("[y/N]", count=2)
        assert "DATABASE_URL host 'postgres' names no service" in second.split("[y/N]")[1], second
        terminal.send("y", "Enter")
        screen = terminal.wait_for(DONE)
    finally:
        terminal.close()
    body, _, tail = screen.partition(DONE)
    assert int(tail.split()[0]) == 1, body
    assert body.count("replace 'postgresserver' by 'db' in POSTGRES_SERVER?") == 1, body  # asked once
    assert "declined" in body and "exit 1: " in body, body
    left = body.split("exit 1: ")[1]
    assert "service-name-drift: POSTGRES_SERVER=postgresserver names no service" in left and "(declined)" in left, body
    env_text = (copy / ".env").read_text()
    assert "POSTGRES_SERVER=postgresserver" in env_text and "@db:" in env_text  # declined kept, accepted applied
