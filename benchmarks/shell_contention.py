"""How much work on the other core slows the user's login shell: the floor under a cold preflight.

A cold `doctor preflight` (no cache at all: the first run ever on a machine) on a project naming
a tool the inherited PATH lacks cannot end before the user's login shell has printed its PATH,
since path-gap looks the tool up there (with the cache off, DOCTOR_NO_CACHE=1, every run starts
the shell first thing); doctor's own work runs beside that shell, on the other core. This
times the login shell, started as doctor starts it (`compare.login_shell_argv`), from its start
to its PATH, in rounds of:

  alone        nothing else running;
  busy         beside a busy loop (a Python process spinning for the whole shell);
  busy-idle    beside the same loop under SCHED_IDLE, which runs only on a core nothing else wants;
  nice-19      beside the same loop at nice 19;
  doctor       beside a cold `doctor preflight PROJECT` whose own login shell answers at once (the
               work a cold run does meanwhile), when DOCTOR or --doctor names a doctor.

On the 2-core CI machine, every variant with work beside the shell slows it by about a fifth,
whatever the scheduling priority of that work: the two cores do not run independently (the
virtual machine's, or the host's, shared core), so no priority doctor could take helps.

    .venv/bin/python benchmarks/shell_contention.py --rounds 15 --doctor /path/to/doctor
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from compare import PLAIN_PATH, REPO, _load, answering_shell, login_shell_argv  # noqa: E402

# the loop says it runs (one byte) once its policy is set: the shell starts only then
SPIN = ("import os, sys, time\n{policy}\nos.write(1, b'.')\n"
        "end = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end: pass\n")
POLICIES = {
    "busy": "",
    "busy-idle": "os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))",
    "nice-19": "os.nice(19)",
}


def shell_ms(argv: list[str], env: dict[str, str], beside: list[str] | None, beside_env: dict[str, str],
             cwd: Path, spinning: bool) -> float:
    """Milliseconds from the shell's start until it printed its PATH, `beside` running meanwhile: a busy
    loop (`spinning`) already running when the shell starts, a doctor started right after it."""
    from doctor.host.early import MARK

    def start_beside(stdout: int) -> subprocess.Popen[bytes]:
        assert beside is not None
        return subprocess.Popen(beside, env=beside_env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=subprocess.DEVNULL)

    other = None
    if beside is not None and spinning:  # running (its policy set) before the shell starts
        other = start_beside(subprocess.PIPE)
        assert other.stdout is not None
        other.stdout.read(1)
    start = time.perf_counter()
    shell = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    if beside is not None and not spinning:  # doctor starts right after the shell, as its own work does in a cold run
        other = start_beside(subprocess.DEVNULL)
    assert shell.stdout is not None
    out, fd = b"", shell.stdout.fileno()
    while out.count(MARK.encode()) < 2:
        if not select.select([fd], [], [], 10)[0]:
            raise SystemExit("the login shell printed no PATH within 10 s")
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
    elapsed = (time.perf_counter() - start) * 1000
    shell.stdout.close()
    shell.wait()
    if other is not None:
        if other.stdout is not None:
            other.stdout.close()
        other.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--doctor", default=os.environ.get("DOCTOR"), help="a doctor to run beside the shell")
    parser.add_argument("--project", type=Path, default=REPO / "examples" / "clean-stack")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k in ("HOME", "USER", "LOGNAME", "SHELL", "LANG", "TERM")}
    env["PATH"] = PLAIN_PATH
    argv = login_shell_argv(env)
    print(f"# the login shell: {' '.join(argv)}")
    print(f"# {args.rounds} rounds, variants interleaved; load average {_load()}; {os.cpu_count()} cores")
    variants: dict[str, tuple[list[str] | None, dict[str, str]]] = {"alone": (None, env)}
    for name, policy in POLICIES.items():
        variants[name] = ([sys.executable, "-c", SPIN.format(policy=policy), "0.6"], env)
    work = Path(tempfile.mkdtemp(prefix="doctor-contention."))
    if args.doctor:
        doctor_env = {**env, "DOCTOR_NO_CACHE": "1", "SHELL": answering_shell(work)}
        variants["doctor"] = ([str(Path(args.doctor).absolute()), "preflight", str(args.project)], doctor_env)
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    shell_ms(argv, env, None, env, args.project, False)  # untimed: the page cache
    for round_ in range(args.rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            beside, beside_env = variants[name]
            times[name].append(shell_ms(argv, env, beside, beside_env, args.project, name in POLICIES))
    alone = statistics.median(times["alone"])
    for name, values in times.items():
        median = statistics.median(values)
        low, _, high = statistics.quantiles(values, n=4)
        print(f"{name:10} {median:6.1f} ms  {median / alone:4.2f}x alone   (quartiles {low:.0f}-{high:.0f} ms)")
    print(f"# load average after: {_load()}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
