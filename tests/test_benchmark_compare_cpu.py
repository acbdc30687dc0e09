"""benchmarks/compare.py counts the CPU time of what a timed run leaves ending: doctor's forked helper.

The helper sends its results and ends after the run (doctor.forked): the run never waits for it, so
wait4 on the run alone never counted its CPU time, and the CPU column of the passes up to c16e386 gave
doctor's time without the helper's share of the checks. A stand-in `doctor` here forks a child that
spends ~0.3 s of CPU after its parent ended; a `sh` the run leaves (as a login shell) is not counted.
Run in a process of its own: compare.py makes its process the reaper of such orphans.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

STAND_IN = """\
#!{python}
import os, sys, time
parent = os.getpid()
if os.fork() == 0:
    while os.getppid() == parent:  # the run's helper ends after the run
        time.sleep(0.001)
    end = time.process_time() + {helper}
    while time.process_time() < end:
        pass
    os._exit(0)
if {shell}:
    import subprocess
    subprocess.Popen(["sh", "-c", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done"], start_new_session=True)
os._exit(0)
"""


def _cpu(tmp_path: Path, helper: float, shell: bool) -> float:
    doctor = tmp_path / "doctor"
    doctor.write_text(STAND_IN.format(python=sys.executable, helper=helper, shell=shell))
    doctor.chmod(0o755)
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO / 'benchmarks')!r})
        from pathlib import Path
        import compare
        argv = [{str(doctor)!r}, "preflight", "."]
        print(compare.run_once(argv, Path({str(tmp_path)!r}), {{"PATH": "/usr/bin:/bin"}})[2])
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return float(done.stdout.split()[-1])


def test_the_helpers_cpu_time_is_counted(tmp_path: Path) -> None:
    assert _cpu(tmp_path, 0.3, False) >= 0.25


def test_a_login_shell_the_run_leaves_is_not_counted(tmp_path: Path) -> None:
    assert _cpu(tmp_path, 0.0, True) < 0.25
