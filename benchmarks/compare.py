"""doctor preflight against `docker compose config -q`: every row of issue 12's table, as ratios.

doctor runs before every `docker compose up`, so it must cost no more than compose reading the
same project. For each project and environment this times N *paired* runs (one doctor, one
compose, the order alternating from pair to pair, same env, same cwd), and prints the median of
each, their ratio, and the median of the per-pair ratios. Before timing, doctor runs once
untimed in each environment (page cache, login-PATH cache, model cache: the warm state every run
after the first sees); the `cold` column empties every cache of doctor's before each run instead
(a first run ever on the machine: its own caches written, the login shell asked after it, waited
for untimed as in `relogin`), the `first` column empties the project's caches before each doctor
run but keeps the user's (a first run on a new clone or worktree by someone who ran doctor
before), and the `relogin` column keeps every cache but ages the login shell's PATH past its
hour (that run answers from it, and the shell is asked again after it: each timed run is
followed, untimed, by waiting for that refresh, so it never overlaps a compose run), and the
`newlogin` column keeps every cache but the login shell's PATH (the run after a startup file
changed, or in a new virtualenv: it waits for the shell when PATH lacks a tool the project
names, else lets it go and the refresher asks it after the run, waited for as in `relogin`).
With `cold`, each row also times the user's login shell alone, started as doctor starts it,
against compose: in a cold run on a project naming a tool PATH lacks, path-gap starts that shell
and waits for it, so it is the floor under such a run (plus the ~35 ms an interpreter takes to
reach it). It also times doctor's own cold work: the same cold run with SHELL set to a stand-in
that prints the inherited PATH at once (`own`), what a cold run costs when the login shell costs
nothing, and the cold run of a new account (`cold (new account)`: HOME holds /etc/skel's startup
files, so the login shell reads the system's profile and the distribution's rc files only, the
"plain login PATH" of issue 12's table; the `cold (plain)` column keeps this machine's HOME,
whose rc files may run pyenv init, nvm or conda).

`--busy` keeps one core busy for the whole pass with a loop spinning in a session of its own, as
a build in another terminal or an IDE indexing does (owners.sh's BUSY=1): doctor then forks no
helper (doctor.forked.core_idle), and both programs have one core between them.

Projects: examples/clean-stack, examples/broken-stack, and from ../shared/corpus (when present)
the fastapi template, the opentelemetry demo, appwrite and laradock (copied to a temporary
folder with placeholders for the bind sources that exist upstream, as the corpus tests do).

doctor is installed as users install it (pipx, `pip install`): a wheel built from this checkout,
installed with its dependencies into a venv of its own under the work folder (made without pip,
pip reached through a `pipx_shared.pth`, as pipx makes it: no setuptools `.pth` runs at each
start), started by absolute path, and linked into a folder at the end of each environment's PATH as pipx links it
(the examples' Makefiles run `doctor`, which path-gap looks up; `--not-on-path` leaves it off).
`--install editable` times `.venv/bin/doctor` instead (a development install:
its import finder adds ~20-30 ms to every interpreter start); DOCTOR=/path/to/doctor times that.
`--python` builds that venv on another interpreter: how fast doctor starts depends on it (a
distribution's python3 is built with PGO and LTO; pyenv builds without them unless asked).

Environments:
  plain   a login PATH of system folders only;
  pyenv   a pyenv-like shim folder first on PATH: `python`, `python3`, `pip`, `pytest` are bash
          shims that run `$PYENV_ROOT/libexec/pyenv exec PROGRAM`, which picks a version from
          PYENV_VERSION / .python-version / $PYENV_ROOT/version, as pyenv does;
  venv    an activated virtualenv (VIRTUAL_ENV, its bin first on PATH) with pytest installed.

Synthetic projects (benchmarks/synth.py) of 10/100/500/2000 services add the peak memory
(max RSS of the process tree) of both. Small commands are timed against a bare interpreter.

    .venv/bin/python benchmarks/compare.py                 # everything, 11 pairs
    .venv/bin/python benchmarks/compare.py --pairs 5 --only clean-stack,synth100 --envs plain
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("DOCTOR_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(HERE))
from synth import write_project  # noqa: E402

CORPUS = {  # row name -> corpus slug (default variant, default discovery)
    "fastapi": "fastapi__full-stack-fastapi-template",
    "otel-demo": "open-telemetry__opentelemetry-demo",
    "appwrite": "appwrite__appwrite",
    "laradock": "laradock__laradock",
}
SYNTHETIC = (10, 100, 500, 2000)
PLAIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SHIM = """#!/usr/bin/env bash
set -e
[ -n "$PYENV_DEBUG" ] && set -x
program="${0##*/}"
export PYENV_ROOT="%(root)s"
exec "%(root)s/libexec/pyenv" exec "$program" "$@"
"""
PYENV = """#!/usr/bin/env bash
# the part of `pyenv exec` a shim goes through: find the version, then exec its program
set -e
[ "$1" = exec ] || { echo "fake pyenv: only 'exec'" >&2; exit 1; }
program="$2"; shift 2
version="${PYENV_VERSION:-}"
dir="$PWD"
while [ -z "$version" ] && [ -n "$dir" ]; do
  if [ -f "$dir/.python-version" ]; then version="$(head -n1 "$dir/.python-version")"; fi
  [ "$dir" = / ] && break
  dir="$(dirname "$dir")"
done
[ -n "$version" ] || version="$(cat "$PYENV_ROOT/version")"
exec "$PYENV_ROOT/versions/$version/bin/$program" "$@"
"""


def run_once(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB, largest process of the tree) and CPU seconds of one run, output discarded.

    The CPU seconds include doctor's forked helper (doctor.forked), which the run never waits for (it
    ends after the run, adopted here: `_adopt`), so wait4 alone never counted it: the passes up to
    c16e386 gave doctor's CPU time without the helper's share of the checks (~30 % of a warm run's)."""
    _adopt()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = 0  # reaped by wait4 already
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime + _left_cpu(proc.pid, argv)


_ADOPTING: list[bool] = []


def _adopt() -> None:
    """Make this process the reaper of what a timed run leaves behind (PR_SET_CHILD_SUBREAPER), once."""
    if _ADOPTING:
        return
    _ADOPTING.append(True)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER (Linux)
    except (OSError, AttributeError):
        pass


def _left_cpu(pid: int, argv: Sequence[str]) -> float:
    """CPU seconds of the processes the run `pid` left ending under its own name (doctor's forked
    helper: the same `comm`, an ended one's command line is empty), reaped here once ended; the others
    it left (a login shell, the refresher after a run: `sh`, `python`) are reaped only once they have
    ended, and not counted (each column waits for them untimed)."""
    cpu = 0.0
    name = os.path.basename(argv[0])[:15]  # the kernel keeps 15 bytes of it
    try:
        children = Path(f"/proc/self/task/{os.getpid()}/children").read_text().split()
    except OSError:
        return cpu
    for child in map(int, children):
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
        except OSError:
            continue
        ours = stat[stat.find("(") + 1:stat.rfind(")")] == name
        try:
            done, _, usage = os.wait4(child, 0 if ours else os.WNOHANG)
        except ChildProcessError:
            continue
        if ours and done:
            cpu += usage.ru_utime + usage.ru_stime
    return cpu


def paired(doctor: Sequence[str], compose: Sequence[str], cwd: Path, env: Mapping[str, str],
           pairs: int, before: Callable[[], None] | None = None,
           after: Callable[[], None] | None = None) -> dict[str, float]:
    """Median times (ms), their ratio, the median pair ratio, and the peak memories (MiB).

    `before` runs (untimed) before each timed doctor run: the `first` column empties the
    project's caches there; `after` (untimed) after it: the `relogin` and `newlogin` columns
    wait there for the login shell doctor's refresher runs once doctor has exited. A login shell
    doctor let go (path-gap did not need it in time) ends on its own after doctor: it is waited
    for, untimed, so it never overlaps a timed run."""
    run_once(doctor, cwd, env)  # untimed: warms the page cache and doctor's caches
    wait_login_shells()
    if after is not None:
        after()
    run_once(compose, cwd, env)
    times_d, times_c, ratios, mem_d, mem_c, cpu_d, cpu_c = [], [], [], [], [], [], []
    for i in range(pairs):
        order = (doctor, compose) if i % 2 == 0 else (compose, doctor)
        results = {}
        for argv in order:
            if argv is doctor and before is not None:
                before()
            results[id(argv)] = run_once(argv, cwd, env)
            if argv is doctor:
                wait_login_shells()
            if argv is doctor and after is not None:
                after()
        (td, md, ud), (tc, mc, uc) = results[id(doctor)], results[id(compose)]
        cpu_d.append(ud)
        cpu_c.append(uc)
        times_d.append(td)
        times_c.append(tc)
        ratios.append(td / tc)
        mem_d.append(md)
        mem_c.append(mc)
    d, c = statistics.median(times_d), statistics.median(times_c)
    return {"doctor_ms": d * 1000, "compose_ms": c * 1000, "ratio": d / c,
            "pair_ratio": statistics.median(ratios),
            "doctor_mib": max(mem_d) / 1024, "compose_mib": max(mem_c) / 1024,
            "cpu_ratio": statistics.median(cpu_d) / max(statistics.median(cpu_c), 1e-6)}


def make_environments(work: Path, python: str, doctor: Path | None = None) -> dict[str, dict[str, str]]:
    """The three shells a developer runs doctor from (see the module docstring); `doctor` is linked
    into a folder of its own at the end of each PATH, as pipx links ~/.local/bin/doctor."""
    base = {k: v for k, v in os.environ.items() if k in ("HOME", "USER", "LOGNAME", "SHELL", "LANG", "TERM",
                                                        "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG",
                                                        "XDG_CACHE_HOME")}
    plain = PLAIN_PATH
    if doctor is not None:
        linked = work / "pipx-bin"
        linked.mkdir(parents=True, exist_ok=True)
        link = linked / "doctor"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(doctor)
        plain = f"{PLAIN_PATH}:{linked}"
    base["PATH"] = plain
    venv = work / "venv"
    if not (venv / "bin" / "pytest").exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "pytest"], check=True)
    root = work / "pyenv"
    (root / "shims").mkdir(parents=True, exist_ok=True)
    (root / "libexec").mkdir(exist_ok=True)
    (root / "versions").mkdir(exist_ok=True)
    version = root / "versions" / "3.12.1"
    if not version.exists():
        version.symlink_to(venv)
    (root / "version").write_text("3.12.1\n")
    (root / "libexec" / "pyenv").write_text(PYENV)
    (root / "libexec" / "pyenv").chmod(0o755)
    for program in ("python", "python3", "pip", "pytest"):
        shim = root / "shims" / program
        shim.write_text(SHIM % {"root": root})
        shim.chmod(0o755)
    return {
        "plain": base,
        "pyenv": {**base, "PATH": f"{root / 'shims'}:{plain}", "PYENV_ROOT": str(root), "PYENV_SHELL": "bash"},
        "venv": {**base, "PATH": f"{venv / 'bin'}:{plain}", "VIRTUAL_ENV": str(venv)},
    }


def install_wheel(work: Path, python: str, name: str = "doctor-install") -> Path:
    """doctor as a user's pipx install has it: this checkout's wheel in a venv of its own, made
    `--without-pip` and given pipx's shared libraries (pip) through a `pipx_shared.pth` line, so
    that no `.pth` of setuptools' runs at each start (a venv with pip imports _distutils_hack: ~1 ms)."""
    shared = work / f"{name}-shared-libs"
    if not (shared / "bin" / "pip").exists():
        subprocess.run([python, "-m", "venv", str(shared)], check=True)
    venv = work / name
    if not (venv / "bin" / "python").exists() or (venv / "bin" / "pip").exists():  # an older pass's has pip
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
        (shared_site,) = (shared / "lib").glob("python*/site-packages")
        (site,) = (venv / "lib").glob("python*/site-packages")
        (site / "pipx_shared.pth").write_text(f"{shared_site}\n")
    pip = [str(shared / "bin" / "python"), "-m", "pip", "--python", str(venv / "bin" / "python")]
    wheels = work / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)], check=True,
                   stdout=subprocess.DEVNULL)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "-q", "--force-reinstall", "--no-deps", str(wheel)], check=True,
                   stdout=subprocess.DEVNULL)
    # the dependencies as the wheel declares them (pip's cache answers after the first time)
    subprocess.run([*pip, "install", "-q", str(wheel)], check=True, stdout=subprocess.DEVNULL)
    return venv / "bin" / "doctor"


def corpus_project(slug: str, work: Path) -> Path | None:
    """A writable copy of a corpus project with placeholders for its upstream bind sources."""
    source = SHARED / "corpus" / slug
    if not source.is_dir():
        return None
    copy = work / "corpus" / slug
    if not copy.exists():
        shutil.copytree(source, copy)
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        manifest = copy / "bind-sources.tsv"
        rows = list(csv.reader(manifest.open(), delimiter="\t"))[1:] if manifest.is_file() else []
        for _service, bind, _target, _create, kind in rows:
            path = copy / bind
            if kind == "dir":
                path.mkdir(parents=True, exist_ok=True)
            elif kind == "file" and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
    return copy


def projects(work: Path, only: set[str] | None) -> list[tuple[str, Path]]:
    rows = [("clean-stack", REPO / "examples" / "clean-stack"), ("broken-stack", REPO / "examples" / "broken-stack")]
    for name, slug in CORPUS.items():
        if only is None or name in only:
            found = corpus_project(slug, work)
            if found is None:
                print(f"# {name}: ../shared/corpus/{slug} not found, row skipped")
            else:
                rows.append((name, found))
    for count in SYNTHETIC:
        if only is None or f"synth{count}" in only:
            rows.append((f"synth{count}", write_project(work / "synth" / str(count), count)))
    return [(n, p) for n, p in rows if only is None or n in only]


def small_commands(doctor: Path, python: str, env: Mapping[str, str], runs: int) -> dict[str, float]:
    """Median ms of `doctor --version`, `list`, `explain`, `preflight --help`, and of a bare interpreter."""
    interpreter = doctor.parent / "python"  # the interpreter doctor's own script starts
    bare = str(interpreter) if interpreter.exists() else sys.executable
    commands = {"bare python": [bare, "-c", "pass"], "--version": [str(doctor), "--version"],
                "list": [str(doctor), "list"], "explain port-collision": [str(doctor), "explain", "port-collision"],
                "preflight --help": [str(doctor), "preflight", "--help"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():
        run_once(argv, REPO, env)
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(run_once(argv, REPO, env)[0] * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=11)
    parser.add_argument("--only", help="rows to run (clean-stack,broken-stack,fastapi,otel-demo,appwrite,laradock,"
                                       "synth10,...,small)")
    parser.add_argument("--envs", default="plain,pyenv,venv")
    parser.add_argument("--cold", action="store_true",
                        help="add a cold column (doctor's caches emptied before each run, plain PATH)")
    parser.add_argument("--cold-envs", default="plain",
                        help="with --cold, the environments of the cold columns (plain,pyenv,venv); beyond plain, "
                             "each adds a cold run with this machine's login shell and one with a new account's")
    parser.add_argument("--first", action="store_true",
                        help="add a first-run column: the project's caches emptied before each run, the "
                             "user's (login PATH, compose version, compiled patterns) kept (plain PATH)")
    parser.add_argument("--relogin", action="store_true",
                        help="add a column with every cache warm, the login shell's PATH past its hour (plain PATH)")
    parser.add_argument("--newlogin", action="store_true",
                        help="add a column with every cache warm but the login shell's PATH (plain PATH)")
    parser.add_argument("--synth-envs", action="store_true", help="run the synthetic rows in every environment")
    parser.add_argument("--work", type=Path, help="keep the environments and copies here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--not-on-path", action="store_true",
                        help="leave doctor off PATH (started by absolute path only, as without pipx's ~/.local/bin)")
    parser.add_argument("--install", choices=("wheel", "editable"), default="wheel",
                        help="time a wheel install in its own venv (as pipx installs it; default) or .venv/bin/doctor")
    parser.add_argument("--python", help="the interpreter of that venv (default: the one running this script, "
                                         "without its venv); e.g. /usr/bin/python3, as a distribution's pipx has it")
    parser.add_argument("--busy", action="store_true",
                        help="keep one core busy for the whole pass (a loop spinning in a session of its own, as a "
                             "build in another terminal; owners.sh's BUSY=1)")
    args = parser.parse_args()
    spinner = None
    if args.busy:
        spinner = subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True)
    try:
        return _main(args)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()


def _main(args: argparse.Namespace) -> int:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what users run: with bytecode caches
    python = getattr(sys, "_base_executable", sys.executable)
    only = set(args.only.split(",")) if args.only else None
    compose = ["docker", "compose", "config", "-q"]
    work = args.work or Path(tempfile.mkdtemp(prefix="doctor-bench."))
    work.mkdir(parents=True, exist_ok=True)
    if "DOCTOR" in os.environ:
        doctor = Path(os.environ["DOCTOR"]).absolute()
    elif args.install == "editable":
        doctor = REPO / ".venv" / "bin" / "doctor"
    elif args.python:
        doctor = install_wheel(work, args.python, "doctor-install-" + _slug(args.python))
    else:
        doctor = install_wheel(work, python)
    print(f"# doctor: {doctor} ({_interpreter(doctor)})")
    on_path = None if args.not_on_path else doctor
    if on_path is not None:  # the examples' Makefiles run `doctor`: path-gap looks it up
        print(f"# PATH ends with {work / 'pipx-bin'}, holding a `doctor` link (as pipx links ~/.local/bin/doctor)")
    envs = {name: env for name, env in make_environments(work, python, on_path).items()
            if name in args.envs.split(",")}
    busy = "; one core kept busy (--busy)" if args.busy else ""
    print(f"# {args.pairs} paired runs per cell, alternating order; load average {_load()}; "
          f"{os.cpu_count()} cores{busy}")
    print("# ratio = median(doctor preflight) / median(docker compose config -q)   [median of pair ratios]")
    results: dict[str, object] = {}
    extra_cold = [e for e in args.cold_envs.split(",") if e != "plain" and e in envs] if args.cold else []
    cold = ((f"{'cold (plain)':>22}{'own cold':>22}{'cold (new account)':>22}" if args.cold else "")
            + "".join(f"{'cold (' + e + ')':>22}{'new account (' + e + ')':>22}" for e in extra_cold)
            + (f"{'first (plain)':>22}" if args.first else "") + (f"{'relogin (plain)':>22}" if args.relogin else "")
            + (f"{'newlogin (plain)':>22}" if args.newlogin else ""))
    header = f"{'project':14}" + "".join(f"{name:>22}" for name in envs) + cold
    plain = envs.get("plain", next(iter(envs.values())))  # the shell of the cold, first and relogin columns
    shell_argv = login_shell_argv(plain) if args.cold else []
    at_once = answering_shell(work) if args.cold else ""
    new_account = new_account_home(work) if args.cold else ""
    print(header)
    for name, path in projects(work, only):
        cells = []
        preflight = [str(doctor), "preflight", str(path)]
        # the synthetic rows measure scaling: the plain environment is enough (--synth-envs for all)
        row_envs = envs if not name.startswith("synth") or args.synth_envs else dict(list(envs.items())[:1])
        for env_name, env in envs.items():
            if env_name not in row_envs:
                cells.append("")  # a column of its own for each environment, run or not
                continue
            found = results[f"{name}/{env_name}"] = paired(preflight, compose, path, env, args.pairs)
            cells.append(cell(found))
            print(f"#   {name}/{env_name}: doctor {found['doctor_ms']:.0f} ms, compose {found['compose_ms']:.0f} ms, "
                  f"ratio {found['ratio']:.2f} (CPU time {found['cpu_ratio']:.2f}), "
                  f"memory {found['doctor_mib']:.0f} vs {found['compose_mib']:.0f} MiB",
                  flush=True)
        if args.cold:
            # a first run ever: an empty cache folder before each run; the refresher it leaves (the
            # login shell asked after the run) waited for, untimed, so it never overlaps a timed run
            cold_cache = work / "cold-cache"
            env = {**plain, "XDG_CACHE_HOME": str(cold_cache)}
            empty = partial(forget_all, cold_cache / "doctor", code_table(doctor))
            settle = partial(wait_refresh, cold_cache / "doctor")
            found = results[f"{name}/cold"] = paired(preflight, compose, path, env, args.pairs, empty, settle)
            # the floor of a cold run where path-gap waits for the user's login shell (a tool PATH
            # lacks): the shell alone, as doctor starts it, against compose on the same project
            shell = results[f"{name}/login-shell"] = paired(shell_argv, compose, path, env, args.pairs)
            # doctor's own cold work: the same cold run with a login shell that answers at once
            own = results[f"{name}/cold-own"] = paired(preflight, compose, path, {**env, "SHELL": at_once}, args.pairs,
                                                       empty, settle)
            # the same cold run by a user whose login shell is a new account's: HOME holds /etc/skel's
            # startup files (the "plain login PATH" of issue 12's table), not this machine's (which
            # may run pyenv init, nvm, conda: the cold column above)
            fresh = results[f"{name}/cold-new-account"] = paired(
                preflight, compose, path, {**env, "HOME": new_account}, args.pairs, empty, settle)
            fresh_shell = results[f"{name}/login-shell-new-account"] = paired(
                shell_argv, compose, path, {**env, "HOME": new_account}, args.pairs)
            cells += [cell(found), cell(own), cell(fresh)]
            print(f"#   {name}/cold: doctor {found['doctor_ms']:.0f} ms, compose {found['compose_ms']:.0f} ms; "
                  f"the login shell alone {shell['doctor_ms']:.0f} ms = {shell['ratio']:.2f}x compose; "
                  f"doctor's own (a shell answering at once) {own['doctor_ms']:.0f} ms = {own['ratio']:.2f}x; "
                  f"a new account's login shell alone {fresh_shell['doctor_ms']:.0f} ms = "
                  f"{fresh_shell['ratio']:.2f}x, doctor cold with it {fresh['ratio']:.2f}x",
                  flush=True)
            for env_name in extra_cold if not name.startswith("synth") or args.synth_envs else ():
                env = {**envs[env_name], "XDG_CACHE_HOME": str(cold_cache)}
                mine = results[f"{name}/cold-{env_name}"] = paired(preflight, compose, path, env, args.pairs,
                                                                   empty, settle)
                new = results[f"{name}/cold-new-account-{env_name}"] = paired(
                    preflight, compose, path, {**env, "HOME": new_account}, args.pairs, empty, settle)
                cells += [cell(mine), cell(new)]
            if name.startswith("synth") and not args.synth_envs:
                cells += ["", ""] * len(extra_cold)
        # first: the project's caches emptied before each run; relogin: the login shell's PATH aged
        # past its hour (refreshed after the run); newlogin: the login shell's PATH forgotten
        for column, forget, after in (("first", forget_projects, None), ("relogin", age_login, wait_refresh),
                                      ("newlogin", forget_login, wait_refresh)):
            if getattr(args, column):
                cache = work / f"{column}-cache"
                env = {**plain, "XDG_CACHE_HOME": str(cache)}
                found = results[f"{name}/{column}"] = paired(
                    preflight, compose, path, env, args.pairs, before=partial(forget, cache / "doctor"),
                    after=partial(after, cache / "doctor") if after is not None else None)
                cells.append(cell(found))
        print(f"{name:14}" + "".join(f"{c:>22}" for c in cells), flush=True)
    print("# compose ms per row: " + ", ".join(f"{k}={v['compose_ms']:.0f}" for k, v in results.items()  # type: ignore[index]
                                               if k.endswith("/plain")))
    print("# peak memory (MiB), doctor vs compose, plain env:")
    for key, value in results.items():
        if key.endswith("/plain"):
            v = value
            print(f"  {key.split('/')[0]:14} {v['doctor_mib']:6.1f} vs {v['compose_mib']:6.1f}")  # type: ignore[index]
    if only is None or "small" in only:
        small = small_commands(doctor, python, envs.get("plain", os.environ), max(args.pairs, 11))
        results["small"] = small
        bare = small["bare python"]
        print(f"# small commands (median ms; goal: --version <= bare+25, list/explain <= 60); bare python {bare:.1f}")
        for name, ms in small.items():
            if name != "bare python":
                print(f"  doctor {name:24} {ms:6.1f} ms  (+{ms - bare:5.1f} over bare)")
    print(f"# load average after: {_load()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def cell(found: Mapping[str, float]) -> str:
    """A cell of the table: the ratio of the medians, [the median of the pair ratios], doctor's median."""
    return f"{found['ratio']:5.2f} [{found['pair_ratio']:4.2f}] {found['doctor_ms']:5.0f}ms"


def login_shell_argv(env: Mapping[str, str]) -> list[str]:
    """The login shell as a cold preflight runs it (doctor.host.early), started in HOME."""
    sys.path.insert(0, str(REPO / "src"))
    from doctor.host.early import IN_HOME, login_command, user_shell

    argv = login_command(user_shell(env))
    return ["/bin/sh", "-c", IN_HOME, *argv] if env.get("HOME") else argv


def answering_shell(work: Path) -> str:
    """A stand-in login shell that prints the PATH it inherited at once, as doctor asks a login shell to."""
    from doctor.host.early import MARK  # login_shell_argv put the checkout's src on sys.path

    shell = work / "answering-shell"
    shell.write_text(f'#!/bin/sh\nprintf "{MARK}%s{MARK}" "$PATH"\n')
    shell.chmod(0o755)
    return str(shell)


def new_account_home(work: Path) -> str:
    """A HOME holding what a new account's holds (/etc/skel's startup files): its login shell reads
    the system's profile and the distribution's default rc files, nothing a user added."""
    home = work / "new-account-home"
    if not home.is_dir():
        skel = Path("/etc/skel")
        if skel.is_dir():
            shutil.copytree(skel, home, symlinks=True)
        else:
            home.mkdir(parents=True)
    return str(home)


def _slug(python: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(Path(python).resolve()).strip("/"))


def _install_python(doctor: Path) -> Path:
    """The interpreter of the install whose script (or the link to it, as pipx makes) is `doctor`."""
    return doctor.resolve().parent / "python"


def _interpreter(doctor: Path) -> str:
    """The version and the executable of the interpreter a doctor install runs on."""
    python = _install_python(doctor)
    if not python.exists():
        return "?"
    found = subprocess.run([str(python), "-c", "import os, sys; print('Python', sys.version.split()[0], "
                            "os.path.realpath(getattr(sys, '_base_executable', sys.executable)))"],
                           capture_output=True, text=True, check=False)
    return found.stdout.strip() or "?"


USER_CACHES = ("login-path", "compose-version", "regex", "stopped-ports")  # per user and machine, not per project


def forget_projects(folder: Path) -> None:
    """Empty doctor's per-project caches (models, file facts) in `folder`, keep the user's: the state
    of a first run on a project (a fresh clone, a new worktree) by someone who ran doctor before."""
    for entry in folder.glob("*") if folder.is_dir() else ():
        # a user cache's temp file too (`.login-path-2.json.PID.X.doctor-tmp`, which a refresher in the
        # background renames or removes meanwhile: gone before the unlink is no error)
        if not entry.name.lstrip(".").startswith(USER_CACHES):
            entry.unlink(missing_ok=True)


def forget_all(folder: Path, table: Path | None = None) -> None:
    """Remove doctor's cache folder, and the install's table of its modules' code: the state of a
    first run ever on the machine, or in a fresh CI job (the run makes both)."""
    shutil.rmtree(folder, ignore_errors=True)
    if table is not None:
        table.unlink(missing_ok=True)


def code_table(doctor: Path) -> Path:
    """The table of modules' code (doctor.codecache) of the install whose script is `doctor`."""
    ask = "from doctor import codecache; print(codecache.table_path())"
    found = subprocess.run([str(_install_python(doctor)), "-c", ask],
                           capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def forget_login(folder: Path) -> None:
    """Remove the login shell's cached PATH from `folder`, keep every other cache: the state of the
    run after a startup file changed or with a new inherited PATH (another virtualenv)."""
    for entry in folder.glob("login-path*") if folder.is_dir() else ():
        entry.unlink()


def age_login(folder: Path) -> None:
    """Age the login shell's cached PATH in `folder` past its hour, keep every other cache: the
    state of the first run an hour after the shell was last asked, its startup files unchanged."""
    if str(REPO / "src") not in sys.path:
        sys.path.insert(0, str(REPO / "src"))
    from doctor.host.login_cache import MAX_AGE

    for entry in folder.glob("login-path-*.json") if folder.is_dir() else ():
        stored = json.loads(entry.read_text())
        for item in stored:
            item["at"] -= MAX_AGE + 60
        entry.write_text(json.dumps(stored))  # the file keeps its mode (0600): doctor still trusts it


def wait_login_shells(timeout: float = 10.0) -> None:
    """Wait until no login shell doctor started is left (their command line holds its marker)."""
    if str(REPO / "src") not in sys.path:
        sys.path.insert(0, str(REPO / "src"))
    from doctor.host.early import MARK

    mark = MARK.encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = False
        for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
            if pid.isdigit():
                try:
                    left = mark in Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if left:
                    break
        if not left:
            return
        time.sleep(0.01)


def wait_refresh(folder: Path, timeout: float = 10.0) -> None:
    """Wait until doctor's refresher of the login PATH (started by the run just timed) is done."""
    deadline = time.monotonic() + timeout
    while any(folder.glob("*.refresh")) and time.monotonic() < deadline:
        time.sleep(0.01)


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
