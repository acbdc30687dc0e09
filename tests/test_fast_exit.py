"""A finished `doctor preflight` process ends without the interpreter's teardown, and loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _python(code: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          **kwargs)  # type: ignore[call-overload]


def test_exit_now_runs_the_atexit_handlers_flushes_and_keeps_the_status() -> None:
    done = _python("import atexit, sys\nfrom doctor.fast_exit import exit_now\n"
                   "atexit.register(lambda: sys.stdout.write(' and the handler'))\n"
                   "sys.stdout.write('x' * 100000 + ' the report')\nsys.stderr.write('a note')\nexit_now(3)\n")
    assert done.returncode == 3
    assert done.stdout == "x" * 100000 + " the report and the handler"
    assert done.stderr == "a note"


def test_output_that_cannot_be_flushed_is_status_120_as_for_the_interpreter() -> None:
    done = _python("import sys\nfrom doctor.fast_exit import exit_now\n"
                   "class ClosedPipe:\n    def flush(self):\n        raise BrokenPipeError(32, 'Broken pipe')\n"
                   "sys.stdout = ClosedPipe()\nexit_now(0)\n")
    assert done.returncode == 120


def test_a_preflight_process_prints_its_whole_report(tmp_path: Path) -> None:
    # a login shell that answers at once: the developer's own may time out in one run and be
    # remembered as timed out ("at HH:MM") by the next, and the two reports then differ
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "SHELL": "/bin/sh"}
    example = REPO / "examples" / "broken-stack"
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(example), "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # the broken stack has errors: the status survives the exit
    report = json.loads(done.stdout)  # complete: nothing left in a buffer
    assert report["findings"]
    for call in (f"main(['preflight', {str(example)!r}, '--format', 'json'])",
                 f"sys.argv = ['doctor', 'preflight', {str(example)!r}, '--format', 'json']\n    main()"):
        inline = _python(f"import sys\nfrom doctor.cli import main\ntry:\n    {call}\n"
                         "except SystemExit as exc:\n    print('status', exc.code, file=sys.stderr)\n",
                         env=env, cwd=tmp_path)
        assert inline.stderr.strip().endswith("status 1")  # main() in-process: an ordinary SystemExit
        assert json.loads(inline.stdout) == report
