"""SIGKILL a `doctor fix` at random moments (seeded): never a partial file, no stray temp after the next run.

Each trial starts a fixer in a child process and kills it after a random delay, or (every
other trial) at a random fsync inside a write, then checks every file is either as it was or
as fully fixed, that a temp file left behind carries the target's mode (0600 here), and that
the next run removes every temp file and finishes the fix.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from doctor import atomic

TRIALS = 10
SEED = 20261129
HERE = Path(__file__).resolve().parent
CHILD = """
import os, sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from doctor import atomic
from test_fix_concurrency import run
real_fsync = os.fsync
def slow_fsync(fd):
    print("fsync", flush=True)
    time.sleep(0.1)
    real_fsync(fd)
atomic.os.fsync = slow_fsync
print("ready", flush=True)
run(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


def test_sigkill_at_random_moments_leaves_no_partial_file_and_no_stray_temp(tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    from test_fix_concurrency import ENV, make_project, run

    rng = random.Random(SEED)
    fixed_env = ENV + "COLOR=blue\n"
    override = "services:\n  web:\n    environment:\n      COLOR: blue\n"
    partial = strays_after_kill = strays_after_next = killed_mid_run = 0
    window = _full_run_seconds(tmp_path / "calibration", make_project)
    for trial in range(TRIALS):
        root = make_project(tmp_path / f"t{trial}")
        os.chmod(root / ".env", 0o600)
        home = tmp_path / f"home{trial}"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(home), str(HERE)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        if trial % 2:  # inside a write: at the n-th fsync of a temp file or of its folder
            for _ in range(rng.randint(1, 4)):
                child.stdout.readline()
        else:
            time.sleep(rng.uniform(0.0, window))
        child.send_signal(signal.SIGKILL)
        rest = child.communicate(timeout=30)[0]
        killed_mid_run += "done" not in rest
        env = (root / ".env").read_bytes().decode()
        written = (root / "compose.override.yaml").read_text() if (root / "compose.override.yaml").exists() else ""
        partial += env not in (ENV, fixed_env) or written not in ("", override)
        temps = [p for p in root.iterdir() if p.name.endswith(atomic.SUFFIX)]
        strays_after_kill += len(temps)
        for temp in temps:
            if temp.name.startswith("..env."):
                assert temp.stat().st_mode & 0o777 == 0o600, temp.name
        report = run(root, home)  # the next run
        assert report.error == "", report.error
        strays_after_next += sum(p.name.endswith(atomic.SUFFIX) for p in root.iterdir())
        assert (root / ".env").read_bytes().decode() == fixed_env
        assert (root / "compose.override.yaml").read_text() == override
    print(f"kill: {TRIALS} trials ({killed_mid_run} killed mid-run), {partial} partial files, "
          f"{strays_after_kill} temp files left by a kill, {strays_after_next} after the next run")
    assert partial == 0 and strays_after_next == 0
    assert strays_after_kill > 0  # the kills did land inside writes: the sweep was exercised


def _full_run_seconds(root: Path, make_project: Any) -> float:
    """How long a child takes from "ready" to "done" here: kills are drawn from that window."""
    make_project(root)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(root.parent / "calibration-home"),
                              str(HERE)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    started = time.monotonic()
    assert child.communicate(timeout=60)[0].strip().endswith("done")
    return time.monotonic() - started


def test_a_temp_file_of_a_dead_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_text("A=1\n")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stray = tmp_path / f"..env.{dead.stdout.strip()}.abcd1234{atomic.SUFFIX}"
    stray.write_text("A=2\n")
    live = tmp_path / f"..env.{os.getppid()}.efgh5678{atomic.SUFFIX}"  # a writer still running: kept
    live.write_text("A=3\n")
    atomic.write_atomic(target, b"A=4\n")
    assert target.read_text() == "A=4\n"
    assert not stray.exists() and live.exists()
