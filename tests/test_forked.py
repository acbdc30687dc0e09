"""The project-only checks run in a helper process beside the run (doctor.forked): same results,
in the same order, nothing lost when the helper fails, its cache entries kept by the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from doctor import forked, recache
from doctor.engine import _run_one, run_checks
from doctor.model import Check, Finding, Status
from doctor.project import memo

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not forked.may_fork(os.environ | {"DOCTOR_JOBS": "2"}),
                                reason="no helper process here (one core, not Linux, or threads running)")


class _Pid(Check):
    """reports the process it ran in"""

    id = "pid"
    project_only = True
    pause = 0.05  # long enough that the helper, once forked, takes some

    def run(self, project: object, host: object) -> Iterator[Finding]:
        time.sleep(self.pause)
        yield self.finding(f"{self.id} ran in {os.getpid()}", None, self.id)


def _check(name: str, only: bool = True, probe: tuple[str, ...] = ()) -> Check:
    cls = type(name, (_Pid,), {"id": name, "project_only": only, "prefetch": probe, "__doc__": "reports its process"})
    globals()[name] = cls  # a class the helper's results name must be importable (pickle)
    return cls()


def _ran_in(results: list[object]) -> dict[str, int]:
    return {r.check: int(r.findings[0].message.rsplit(" ", 1)[1]) for r in results}  # type: ignore[attr-defined]


def _checks() -> list[Check]:
    return [*(_check(f"shared{i}") for i in range(6)), _check("host", only=False), _check("probe", False, ("shell",))]


def test_the_helper_takes_project_only_checks_and_results_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    checks = _checks()
    seen: list[str] = []
    report = run_checks(checks, None, None, Path("."), seen.append)  # type: ignore[arg-type]
    assert [r.check for r in report.results] == [c.id for c in checks]
    assert all(r.status is Status.FAILED for r in report.results)
    where = _ran_in(list(report.results))
    helper = {name for name, pid in where.items() if pid != os.getpid()}
    assert helper and helper <= {f"shared{i}" for i in range(6)}  # host checks stay in the run
    assert where["host"] == where["probe"] == os.getpid()
    assert set(seen) == set(where) - helper  # progress names what this process ran
    assert seen.index("host") < seen.index("probe")  # a check waiting on a probe runs after the run's others


def test_more_checks_than_one_byte_indexes_all_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    checks = [_check(f"many{i}") for i in range(300)]
    for check in checks:
        check.pause = 0.0005  # type: ignore[attr-defined]
    report = run_checks(checks, None, None, Path("."))  # type: ignore[arg-type]
    assert [r.check for r in report.results] == [c.id for c in checks]
    assert {name for name, pid in _ran_in(list(report.results)).items() if pid != os.getpid()} <= {
        f"many{i}" for i in range(256)}


def test_doctor_jobs_1_runs_everything_in_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "1")
    report = run_checks(_checks(), None, None, Path("."))  # type: ignore[arg-type]
    assert set(_ran_in(list(report.results)).values()) == {os.getpid()}


def test_a_helper_that_dies_leaves_its_checks_to_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")

    def dies_after_taking_two(checks: object, run_one: object, queue: int, *fds: int) -> None:
        os.read(queue, 2)  # took two checks off the queue, then crashed
        os._exit(3)

    monkeypatch.setattr(forked, "_helper_main", dies_after_taking_two)
    checks = _checks()
    report = run_checks(checks, None, None, Path("."))  # type: ignore[arg-type]
    assert [r.check for r in report.results] == [c.id for c in checks]
    assert set(_ran_in(list(report.results)).values()) == {os.getpid()}


def test_a_helper_sending_garbage_leaves_its_checks_to_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")

    def garbage(checks: object, run_one: object, queue: int, results_r: int, results_w: int) -> None:
        while os.read(queue, 1):
            pass
        os.write(results_w, b"\x80\x05not a pickle")
        os._exit(0)

    monkeypatch.setattr(forked, "_helper_main", garbage)
    report = run_checks(_checks(), None, None, Path("."))  # type: ignore[arg-type]
    assert len(report.results) == 8 and set(_ran_in(list(report.results)).values()) == {os.getpid()}


def test_a_helper_that_raises_never_returns_into_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")

    def raises(*args: object) -> None:
        raise RuntimeError("the helper's code failed before its own guard")

    monkeypatch.setattr(forked, "_helper_main", raises)
    run = os.getpid()
    try:
        report = run_checks(_checks(), None, None, Path("."))  # type: ignore[arg-type]
    finally:
        if os.getpid() != run:  # the child came back up through the run's code
            (tmp_path / f"child-{os.getpid()}").touch()
            os._exit(0)
    assert not list(tmp_path.glob("child-*"))
    assert len(report.results) == 8 and set(_ran_in(list(report.results)).values()) == {run}


def test_an_exception_in_the_run_ends_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    started: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            started.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)

    def fails() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_checks(_checks(), None, None, Path("."), meanwhile=fails)  # type: ignore[arg-type]
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # killed and reaped: no zombie left
        os.waitpid(started[0], os.WNOHANG)


def test_the_run_takes_the_results_without_waiting_for_the_helper_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper closes its pipes once it has sent everything: the run reads its results while
    the helper is still ending (its teardown, made slow here), and reaps it before the next one."""
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    started: list[int] = []
    real_fork, real_exit = os.fork, os._exit

    def fork() -> int:
        pid = real_fork()
        if pid:
            started.append(pid)
        return pid

    def slow_end(status: int) -> None:  # only the helper exits through it (the run is pytest)
        time.sleep(3)
        real_exit(status)

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(os, "_exit", slow_end)
    report = run_checks(_checks(), None, None, Path("."))  # type: ignore[arg-type]
    assert len(report.results) == 8
    assert os.getpid() in _ran_in(list(report.results)).values()
    assert started[0] in _ran_in(list(report.results)).values()  # the helper's results were taken...
    assert os.waitpid(started[0], os.WNOHANG) == (0, 0)  # ...while it had not ended yet
    assert forked._ENDING[-1:] == started[:1] and len(forked._ENDING) == 1
    forked._reap_ended()  # what the next helper's start does
    assert not forked._ENDING
    with pytest.raises(ChildProcessError):  # reaped: no zombie left
        os.waitpid(started[0], os.WNOHANG)


class _Remembers(Check):
    """remembers a value and compiles a pattern, in whichever process runs it"""

    id = "remembers"
    project_only = True
    file = ""

    def run(self, project: object, host: object) -> Iterator[Finding]:
        time.sleep(0.05)
        memo.remember("test-forked", [self.file], self.id, lambda: f"{self.id} value")
        recache.compile(rf"{self.id}-pattern-\d+")
        yield self.finding(f"{self.id} ran in {os.getpid()}", None, self.id)


def test_what_the_helper_adds_to_the_caches_is_written_by_the_run(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DOCTOR_NO_CACHE", raising=False)
    source = tmp_path / "input.txt"
    source.write_text("x")
    old = time.time() - 3600
    os.utime(source, (old, old))  # not racy: kept
    monkeypatch.setattr(memo, "_stores", {})
    monkeypatch.setattr(recache, "_state", recache._State())
    checks = []
    for i in range(6):
        cls = type(f"remembers{i}", (_Remembers,), {"id": f"remembers{i}", "file": str(source), "__doc__": "x"})
        globals()[cls.__name__] = cls
        checks.append(cls())
    report = run_checks(checks, None, None, Path("."))  # type: ignore[arg-type]
    helper = {r.check for r in report.results if not r.findings[0].message.endswith(str(os.getpid()))}
    assert helper  # some ran in the helper, whose exit wrote nothing: the run has their entries
    store = memo._store()
    assert store is not None and store.dirty
    assert {key[1] for key in store.entries if key[0] == "test-forked"} == {c.id for c in checks}
    assert {p for p, _ in recache._state.added} == {rf"{c.id}-pattern-\d+" for c in checks}


def test_what_both_processes_read_is_prepared_once_before_the_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """`prepare` runs once, in the run, before the helper forks; not at all where no helper forks;
    and one that raises costs no check its result."""
    checks = _checks()
    for jobs, raises in (("2", False), ("2", True), ("1", False)):
        monkeypatch.setenv("DOCTOR_JOBS", jobs)
        calls: list[int] = []

        def prepare(fail: bool = raises, calls: list[int] = calls) -> None:
            calls.append(os.getpid())
            if fail:
                raise OSError("unreadable Dockerfile")

        results = forked.run(checks, lambda check: _run_one(check, None, None), prepare=prepare)  # type: ignore[arg-type]
        assert [r.check for r in results] == [c.id for c in checks]
        assert calls == ([] if jobs == "1" else [os.getpid()])
        forked_here = {pid for pid in _ran_in(results).values() if pid != os.getpid()}
        assert bool(forked_here) is (jobs != "1")


def test_a_preflight_reads_each_dockerfile_in_one_process_only(tmp_path: Path) -> None:
    """Each Dockerfile and recipe of a first run (nothing cached) is read before the fork, in the
    run alone: the helper reads none of them again."""
    log = tmp_path / "reads.log"
    script = f"""
import os, sys
from doctor.project import dockerfile, recipe
def logged(module, name):
    real = getattr(module, name)
    def read(path, *args, **kwargs):
        with open({str(log)!r}, "a") as out:
            out.write(f"{{os.getpid()}} {{name}} {{path}} {{args}}\\n")
        return real(path, *args, **kwargs)
    setattr(module, name, read)
logged(dockerfile, "read_dockerfile")
logged(recipe, "read_recipe")
from doctor.cli import main
sys.argv = ["doctor", "preflight", {str(REPO / "examples" / "broken-stack")!r}]
main()
"""
    env = {**os.environ, "DOCTOR_JOBS": "2", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    reads = [line.split(" ", 1) for line in log.read_text().splitlines()]
    assert reads and len({pid for pid, _ in reads}) == 1, reads  # the run read them all
    assert len({what for _, what in reads}) == len(reads), reads  # each once


def test_a_preflight_reports_the_same_with_and_without_the_helper(tmp_path: Path) -> None:
    reports = []
    for jobs in ("1", "2"):
        env = {**os.environ, "DOCTOR_JOBS": jobs, "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(REPO / "examples" / "broken-stack"),
                               "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 1, done.stderr
        reports.append(json.loads(done.stdout))
    assert reports[0] == reports[1]
    assert {f["check"] for f in reports[1]["findings"]} >= {"leaked-host-port", "service-name-drift", "missing-mount"}


@pytest.mark.parametrize(("v2", "v1", "quota", "forks"), [
    ("max 100000\n", None, None, True),
    ("100000 100000\n", None, 1.0, False),
    ("400000 100000\n", None, 4.0, True),
    (None, ("150000", "100000"), 1.5, False),
    (None, ("-1", "100000"), None, True),
    ("garbage", None, None, True),
])
def test_a_cgroup_quota_below_two_cpus_runs_every_check_in_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, v2: str | None, v1: tuple[str, str] | None,
        quota: float | None, forks: bool) -> None:
    cpu_max, cfs = tmp_path / "cpu.max", (tmp_path / "cfs_quota_us", tmp_path / "cfs_period_us")
    if v2 is not None:
        cpu_max.write_text(v2)
    if v1 is not None:
        cfs[0].write_text(v1[0])
        cfs[1].write_text(v1[1])
    monkeypatch.setattr(forked, "CPU_MAX", str(cpu_max))
    monkeypatch.setattr(forked, "CFS_QUOTA", tuple(map(str, cfs)))
    assert forked.cpu_quota() == quota
    assert forked.may_fork({}) is forks


_ORPHANED_RUN = """
import os, sys, time, types
from doctor import forked

def run_one(check):
    with open(sys.argv[1], "a") as log:
        log.write(f"{os.getpid()} {check.id}\\n")
    time.sleep(0.25)
    return check.id

checks = [types.SimpleNamespace(id=f"c{i}", project_only=True, fork_safe=False, prefetch=()) for i in range(24)]
forked.run(checks, run_one, meanwhile=lambda: time.sleep(60))  # the run sits in its own work
"""


def test_a_helper_whose_run_was_killed_stops_at_its_next_check(tmp_path: Path) -> None:
    """A SIGKILLed run runs no `finally`: its helper notices it has another parent before taking
    the next check and exits, instead of working through the queue (here 24 checks, 6 s)."""
    log = tmp_path / "ran.log"
    run = subprocess.Popen([sys.executable, "-c", _ORPHANED_RUN, str(log)], env=os.environ | {"DOCTOR_JOBS": "2"})
    try:
        deadline = time.monotonic() + 30
        while not (log.exists() and log.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.02)
        helper = int(log.read_text().split()[0])
        assert helper != run.pid  # the run itself only sleeps: the helper took the first check
    finally:
        run.kill()
        run.wait()
    killed = len(log.read_text().splitlines())
    time.sleep(1.0)  # four checks' time
    lines = log.read_text().splitlines()
    assert len(lines) <= killed + 1, lines  # at most the check it was in when the run died
    state = Path(f"/proc/{helper}/stat")
    assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"), "the helper runs on"


class _Stamp(_Pid):
    """reports when it started"""

    def run(self, project: object, host: object) -> Iterator[Finding]:
        started = time.monotonic()
        time.sleep(self.pause)
        yield self.finding(f"{self.id} started {started}", None, self.id)


def test_the_helper_takes_the_heaviest_checks_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_JOBS", "2")
    names = [f"light{i}" for i in range(4)]
    checks = []
    for name in names:
        cls = type(name, (_Stamp,), {"id": name, "project_only": True, "pause": 0.02, "__doc__": "stamps"})
        globals()[name] = cls
        checks.append(cls())
    slow = _check("slowhost", only=False)
    slow.pause = 0.5  # type: ignore[attr-defined]  (the run is busy: the helper takes every shared check)
    weights = {"light0": 1.0, "light1": 4.0, "light2": 2.0, "light3": 3.0}
    results = forked.run([*checks, slow], lambda check: _run_one(check, None, None),  # type: ignore[arg-type]
                         weight=lambda check: weights.get(check.id, 0.0))
    assert [r.check for r in results] == [*names, "slowhost"]  # the results keep the order given
    started = {r.check: float(r.findings[0].message.rsplit(" ", 1)[1]) for r in results[:4]}
    assert sorted(started, key=started.__getitem__) == ["light1", "light3", "light2", "light0"]


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_the_runs_probe_checks_start_before_its_own_work(monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """`Check.start` of each check this process runs that waits on a probe, before `meanwhile` and
    any check; one that raises is ignored (its run still reports); a shared check is not started."""
    monkeypatch.setenv("DOCTOR_JOBS", jobs)
    order: list[str] = []

    class _Starts(_Pid):
        def start(self, project: object, host: object) -> None:  # type: ignore[override]
            order.append(f"start {self.id}")
            if self.id == "broken":
                raise RuntimeError("no")

        def run(self, project: object, host: object) -> Iterator[Finding]:
            order.append(f"run {self.id}")
            yield from super().run(project, host)

    def made(name: str, only: bool, probe: tuple[str, ...]) -> Check:
        cls = type(name, (_Starts,), {"id": name, "project_only": only, "prefetch": probe, "pause": 0.0})
        globals()[name] = cls
        return cls()

    checks = [made("shared", True, ()), made("other", True, ()), made("host", False, ()),
              made("probe", False, ("shell",)), made("broken", False, ("images",))]
    results = forked.run(checks, lambda c: _run_one(c, None, None), meanwhile=lambda: order.append("meanwhile"),  # type: ignore[arg-type]
                         begin=lambda c: c.start(None, None))  # type: ignore[arg-type]
    assert order[:3] == ["start probe", "start broken", "meanwhile"]
    assert [r.check for r in results] == ["shared", "other", "host", "probe", "broken"]
    assert all(r.status is Status.FAILED for r in results)  # each ran and reported
    assert "start shared" not in order and "start host" not in order



def _stat(idle: dict[int, int]) -> str:
    """A /proc/stat whose cpuN lines have these idle ticks (iowait 1 each), as the kernel writes it."""
    lines = [f"cpu  100 0 50 {sum(idle.values())} {len(idle)} 0 0 0 0 0"]
    lines += [f"cpu{n} 50 0 25 {ticks} 1 0 0 0 0 0" for n, ticks in sorted(idle.items())]
    return "\n".join([*lines, "intr 12345 0 1 2", "ctxt 999", "procs_running 1", ""])


@pytest.mark.parametrize(("cores", "before", "after", "seconds", "idle"), [
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 13}, 0.03, True),    # the other core idle the whole time
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 11}, 0.03, False),   # a third of the time: a build spins there
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 10}, 0.05, False),   # never idle
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 11}, 0.015, True),   # a warm run's 15 ms: one tick idle
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 10}, 0.015, False),
    ({0, 1}, {0: 10, 1: 10}, {0: 10, 1: 10}, 0.01, True),    # one tick: too soon to tell, as before
    ({1}, {0: 10, 1: 10}, {0: 20, 1: 10}, 0.05, False),      # pinned to cpu1: cpu0's idle time is not ours
    (set(range(8)), {n: 0 for n in range(8)}, {n: 3 if n > 1 else 0 for n in range(8)}, 0.03, True),
])
def test_a_helper_forks_where_the_cores_were_idle_since_the_run_began(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: set[int], before: dict[int, int],
        after: dict[int, int], seconds: float, idle: bool) -> None:
    hertz = os.sysconf("SC_CLK_TCK")
    stat = tmp_path / "stat"
    monkeypatch.setattr(forked, "_since", None)  # what note_start sets is undone after the test
    monkeypatch.setattr(forked, "PROC_STAT", str(stat))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    def decided(ask: Callable[[], bool]) -> bool:
        """`ask` at the fork of a run noted with `before`, `seconds` ago, whose cores now show `after`."""
        stat.write_text(_stat(before))
        forked.note_start()
        stat.write_text(_stat({n: before[n] + (ticks - before[n]) * hertz // 100 for n, ticks in after.items()}))
        clock[0] += seconds
        answer = ask()
        assert forked._since is None  # the decision took the note: the next run notes its own start
        return answer

    assert decided(forked.core_idle) is idle
    assert decided(lambda: forked.helps_now({})) is idle
    assert decided(lambda: forked.helps_now({"DOCTOR_JOBS": ""})) is idle
    assert decided(lambda: forked.helps_now({"DOCTOR_JOBS": "2"}))  # asked for: forks
    assert decided(lambda: forked.helps_now({"DOCTOR_JOBS": "4"}))
    assert forked.core_idle()  # no note (taken): as before


@pytest.mark.parametrize("broken", ["missing", "garbage", "no cpu lines", "not noted"])
def test_idle_time_that_cannot_be_read_forks_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       broken: str) -> None:
    stat = tmp_path / "stat"
    monkeypatch.setattr(forked, "_since", None)
    monkeypatch.setattr(forked, "PROC_STAT", str(stat))
    stat.write_text(_stat({0: 5, 1: 5}))
    forked.note_start()
    monkeypatch.setattr(time, "monotonic", lambda: 10.0 ** 9)  # long after: never idle by the counts
    if broken == "missing":
        stat.unlink()
    elif broken == "garbage":
        stat.write_text("cpu0 x y z\n")
    elif broken == "no cpu lines":
        stat.write_text("intr 1 2 3\nctxt 4\n")
    else:
        monkeypatch.setattr(forked, "_since", None)
    assert forked.core_idle()


def test_with_the_cores_busy_the_run_runs_every_check_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same results, in the same order, from the run alone; DOCTOR_JOBS=2 forks all the same."""
    stat = tmp_path / "stat"
    stat.write_text(_stat({n: 7 for n in os.sched_getaffinity(0)}))
    monkeypatch.setattr(forked, "_since", None)
    monkeypatch.setattr(forked, "PROC_STAT", str(stat))
    forked.note_start()
    assert forked._since is not None
    # noted a second ago, and no idle tick since
    monkeypatch.setattr(forked, "_since", (forked._since[0] - 1.0, forked._since[1]))
    for jobs, helped in (("", False), ("2", True)):
        monkeypatch.setenv("DOCTOR_JOBS", jobs)
        checks = _checks()
        results = forked.run(checks, lambda check: _run_one(check, None, None))  # type: ignore[arg-type]
        assert [r.check for r in results] == [c.id for c in checks]
        assert bool({pid for pid in _ran_in(results).values() if pid != os.getpid()}) is helped
