"""The console report in a real terminal (tmux) at 80 and 120 columns, as a user sees it.

No line is wider than the terminal; every file:line opens from the directory doctor ran in;
the status line is gone once the report is printed; the legend's marks are the ones shown.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from terminal import Terminal

REPO = Path(__file__).resolve().parent.parent
LOCATION = re.compile(r"^ {4}(?:error|warning|info) +(?P<path>\S+?)(?::(?P<line>\d+))?$")
CHECK_LINE = re.compile(r"^(?P<mark>[✓✗!i~-]) (?P<check>[a-z][a-z0-9-]+) +\S")


def run_console(width: int, cwd: Path, *args: str) -> tuple[list[str], int]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "XDG_CACHE_HOME": str(cwd / ".no-cache"),
           "DOCTOR_NO_CACHE": "1"}
    if "DOCKER_HOST" in os.environ:
        env["DOCKER_HOST"] = os.environ["DOCKER_HOST"]
    terminal = Terminal(width)
    try:
        screen, status = terminal.run([sys.executable, "-m", "doctor", "preflight", *args], cwd, env)
    finally:
        terminal.close()
    return [line.rstrip() for line in screen.rstrip("\n").splitlines()], status


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("where", ["repo", "examples"])
def test_broken_example_fits_the_terminal_and_its_paths_open(width: int, where: str) -> None:
    cwd = REPO if where == "repo" else REPO / "examples"
    target = "examples/broken-stack" if where == "repo" else "broken-stack"
    lines, status = run_console(width, cwd, target)
    shown = "\n".join(lines)
    assert status == 1, shown
    assert lines[0].startswith(f"doctor preflight {target}  (runs on: "), shown  # where doctor runs: a fact
    too_wide = [line for line in lines if len(line) > width]
    assert too_wide == [], shown
    paths = [m for m in (LOCATION.match(line) for line in lines) if m and m["path"] != "(this"]
    assert {m["path"] for m in paths} >= {f"{target}/.env", f"{target}/compose.yaml"}, shown
    for m in paths:
        opened = cwd / m["path"]
        assert opened.is_file(), f"{m['path']} does not open from {cwd}"
        if m["line"]:
            assert int(m["line"]) <= len(opened.read_text().splitlines())
    marks = {m["check"]: m["mark"] for m in (CHECK_LINE.match(line) for line in lines) if m}
    assert marks["service-name-drift"] == "✗" and marks["missing-mount"] == "!" and marks["compose-config"] == "✓"
    assert "fix: replace 'postgresserver' by 'db' in POSTGRES_SERVER" in shown.replace("\n" + " " * 17, " ")
    assert "running " not in shown  # the status line was erased before the report
    assert re.search(r"^\d+ errors, \d+ warnings, \d+ info · \d+ checks \(", lines[-1]), lines[-1]
    # continuation lines are indented under their text, never at column 0
    assert all(CHECK_LINE.match(line) or line.startswith(" ") or not line or line.startswith(("doctor ", "0", "1",
               "2", "3", "4", "5", "6", "7", "8", "9")) for line in lines), shown


def test_a_folder_outside_the_cwd_is_shown_absolute(tmp_path: Path) -> None:
    lines, status = run_console(80, tmp_path, str(REPO / "examples" / "broken-stack"))
    assert status == 1
    paths = [m["path"] for m in (LOCATION.match(line) for line in lines) if m and m["path"] != "(this"]
    assert paths and all(Path(p).is_absolute() and Path(p).is_file() for p in paths), lines
