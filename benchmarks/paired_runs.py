"""Paired warm preflights of two or more installs, interleaved: wall time and the run process's own CPU.

usage: python benchmarks/paired_runs.py PAIRS PROJECT VENV [VENV ...]

Each VENV is an install of doctor (a wheel install, as a user has); each gets its own XDG cache, warmed
by three runs first. Rounds alternate the order. `run-cpu` is the CPU time of the run process alone (its
helper's is not in it), read at its exit: on a busy machine, where wall times are noise, it still shows
what the run's own half cost. DOCTOR_JOBS passes through (2: the helper forks whatever the load).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

_INNER = """
import atexit, os, resource, sys
def report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["PAIRED_RUNS_OUT"], "w") as out:
        out.write(str((usage.ru_utime + usage.ru_stime) * 1000))
atexit.register(report)
sys.argv = ["doctor", *sys.argv[1:]]
from doctor.cli import console
console()
"""


def main(pairs: int, project: str, venvs: list[str]) -> None:
    work = tempfile.mkdtemp(prefix="paired-runs.")
    out = os.path.join(work, "cpu")
    envs = [{**os.environ, "XDG_CACHE_HOME": os.path.join(work, str(i)),
             "XDG_STATE_HOME": os.path.join(work, str(i), "state"), "PAIRED_RUNS_OUT": out}
            for i in range(len(venvs))]

    def once(i: int) -> tuple[float, float]:
        started = time.perf_counter()
        subprocess.run([os.path.join(venvs[i], "bin", "python"), "-c", _INNER, "preflight", project], env=envs[i],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall = (time.perf_counter() - started) * 1000
        with open(out) as handle:
            return wall, float(handle.read())

    for _ in range(3):
        for i in range(len(venvs)):
            once(i)
    walls: list[list[float]] = [[] for _ in venvs]
    cpus: list[list[float]] = [[] for _ in venvs]
    for n in range(pairs):
        for i in (range(len(venvs)) if n % 2 == 0 else reversed(range(len(venvs)))):
            wall, cpu = once(i)
            walls[i].append(wall)
            cpus[i].append(cpu)
    for venv, wall_ms, cpu_ms in zip(venvs, walls, cpus, strict=True):
        print(f"{venv}: wall median {statistics.median(wall_ms):.1f} ms (min {min(wall_ms):.1f}) | "
              f"run-cpu median {statistics.median(cpu_ms):.1f} ms (min {min(cpu_ms):.1f})")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3:])
