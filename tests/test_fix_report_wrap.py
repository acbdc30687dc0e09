"""`doctor fix`'s lines below the diffs wrap at a terminal's width, as the preflight report does.

They ran past the edge of an 80-column terminal (`skipped  host-vs-container  install 'pytest' in the
image ...`, 179 characters on examples/broken-stack) while the checklist above them wrapped. On a
terminal each line now breaks at spaces, its continuation rows under its text (a fix's title, past
its status and check); a path is never split; a diff never wraps, and piped output stays one line each.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.fix_report import ADVICE, FileDiff, FixReport, FixResult, FixStatus, render_fix_report
from doctor.model import Severity

REPO = Path(__file__).resolve().parent.parent
WIDTH = 60
TITLE = ("install 'pytest' in the image (a dev stage, from backend/pyproject.toml), then run it as "
         "'docker compose run --build --rm backend pytest'")
LONG_DIFF = "+DATABASE_URL=postgresql://app:app@db:5432/app?sslmode=disable&application_name=backend-worker"


def _report(root: Path) -> FixReport:
    copy = Path.home() / ".local/state/doctor/backups/trading/20260101T000000.000000Z/compose.override.yaml"
    return FixReport(
        root,
        results=(FixResult("a", FixStatus.SKIPPED, ADVICE, "host-vs-container", TITLE),
                 FixResult("b", FixStatus.APPLIED, "", "env-drift", "add FIRST_SUPERUSER to .env", fixed=True),
                 FixResult("c", FixStatus.FAILED, "compose.override.yaml is read-only: make it writable to let "
                           "doctor fix it", "leaked-host-port", "set POSTGRES_PORT=5432 for 'backend', 'prestart' "
                           "in the dev override", "POSTGRES_PORT=5433 is the host port of 'db'",
                           severity=Severity.ERROR)),
        diffs=(FileDiff(root / ".env", f"--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-X=1\n{LONG_DIFF}\n"),),
        backups=((root / "compose.override.yaml", copy),),
        notes=("note: Makefile:2 runs docker compose with -f compose.yaml, which does not read compose.override.yaml: "
               "compose reads an override only when no -f or COMPOSE_FILE names the files",),
        left=("error service-name-drift .env:5 POSTGRES_SERVER=postgresserver names no service on the network",),
        left_errors=1,
    )


def _below_diffs(text: str) -> list[str]:
    rows = text.splitlines()
    return rows[rows.index(LONG_DIFF) + 1:]


def test_piped_each_line_stays_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = render_fix_report(_report(tmp_path))
    assert text == render_fix_report(_report(tmp_path), None)
    assert f"skipped  host-vs-container  {TITLE}: {ADVICE}" in text.splitlines()


def test_on_a_terminal_the_lines_below_the_diffs_wrap_and_a_path_stays_whole(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    piped = render_fix_report(_report(tmp_path))
    wrapped = render_fix_report(_report(tmp_path), WIDTH)
    assert LONG_DIFF in wrapped.splitlines()  # a diff is a patch: never wrapped
    rows = _below_diffs(wrapped)
    copy = "~/.local/state/doctor/backups/trading/20260101T000000.000000Z/compose.override.yaml"
    assert [row for row in rows if len(row) > WIDTH] == [f"  {copy}"]  # a path runs past, whole
    assert rows[:4] == ["skipped  host-vs-container  install 'pytest' in the image (a",
                        "                            dev stage, from",
                        "                            backend/pyproject.toml), then",
                        "                            run it as 'docker compose run"]
    assert rows[rows.index("backed up compose.override.yaml (not tracked by git) to") + 1] == f"  {copy}"
    assert "exit 1: 2 error(s) left, so the stack would still fail (at" in rows
    assert "        'docker compose up' or once it runs):" in rows  # past `exit 1: `, under its text
    assert "  leaked-host-port: POSTGRES_PORT=5433 is the host port of" in rows
    assert "    'db' (compose.override.yaml is read-only: make it" in rows  # past the item's own indent
    assert " ".join(rows).split() == " ".join(_below_diffs(piped)).split()  # the same words, in order


def _run_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What `doctor ARGS` writes to a pseudo-terminal (stdin not one: nothing is asked)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=120)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_doctor_fix_on_an_80_column_terminal_fits_it(tmp_path: Path) -> None:
    """examples/broken-stack's `doctor fix --dry-run` under COLUMNS=80: every line below the diffs
    fits the 78 columns the report wraps at; piped, the same text is one line each."""
    shutil.copytree(REPO / "examples" / "broken-stack", tmp_path / "stack")
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "xterm", "HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCTOR_NO_CACHE": "1"}
    env.pop("GITHUB_ACTIONS", None)
    shown = _run_on_a_terminal(["fix", "--dry-run", "."], tmp_path / "stack", env)
    piped = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "."], cwd=tmp_path / "stack", env=env,
                           capture_output=True, text=True, timeout=120).stdout

    def summary(text: str) -> list[str]:
        rows = text.splitlines()
        first = next(n for n, row in enumerate(rows) if row.startswith(("applied ", "skipped ", "dry-run ")))
        return rows[first:]

    assert max(len(row) for row in summary(piped)) > 78, piped  # else this run proves nothing
    assert max(len(row) for row in summary(shown)) <= 78, shown
    assert " ".join(summary(shown)).split() == " ".join(summary(piped)).split()
