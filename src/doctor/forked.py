"""The checks that need none of the probes a preflight starts early, run on a second core beside the rest of it.

A preflight's checks run one after another in one process; on a machine with two or more
cores, the checks that declare `Check.project_only` (they read the project's files and the
run's environment, never a host probe, a socket or a subprocess) or `Check.fork_safe` (they
read host facts, but none of the probes the run started early) are shared with a helper
process forked once the project is loaded, so the two halves of the run take the time of the
longer one instead of their sum. The helper first fences the run's probes (`enter`:
Host.fence): a check that reaches one there (compose-config asking compose's version for a
fix's wording, say) raises doctor.model.StartedProbe, and the helper hands it back: it sends no
result for it, and the run runs it after taking the helper's results.

How the work is shared: before the fork, the index of each shareable check is written into a
pipe (one byte each, fewer than PIPE_BUF in all); the helper and the run each read one byte at
a time (a pipe hands each byte to one reader) until it is empty, so whoever is free takes the
next check. The run first does its own work (`meanwhile`, its checks that need the host and
wait on no probe, then those that wait on a probe started early), then joins in. The helper
sends back its results, pickled, with what it added to doctor's caches (doctor.project.memo's
entries, doctor.recache's compiled patterns, the modules it imported that doctor.codecache's
table lacks: the run writes them at its exit, the helper writes nothing) and ends with
os._exit (no atexit handler, no buffer of the run's flushed).
It closes the results pipe and its copies of stdout and stderr first: a process's pipes close only
after the kernel has torn down its memory (~2 ms for a helper), and the run would wait for that
at its end (a caller reading doctor's output through a pipe too). The run reaps an ended helper
when it can; one still ending is reaped before the next helper starts (a CLI run ends first: its
helper goes to init).

Nothing may be lost: a helper that fails (it crashed, was killed, sent what cannot be read)
leaves its checks to the run, which runs whatever came back from no one. Results keep the order
they were given in. The helper is used only where forking is safe and pays: Linux, two or
more usable cores, no thread started in this process (a lock another thread holds would never
be released in the child), no cgroup quota below two CPUs (a container's `--cpus=1`), at least
two shareable checks, and in a preflight, cores idle for at least half the time since the run
began (`core_idle`): with every core busy (a build in another terminal, an IDE indexing, the
user's login shell the run started and waits for), the two processes would share one core, and
the fork and its copy-on-write faults come on top. DOCTOR_JOBS=1 turns the helper off;
DOCTOR_JOBS=2 (or more) forks it wherever it is safe, whatever the load.
"""

from __future__ import annotations

import contextlib
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from doctor.model import Check, CheckResult

MAX_INDEX = 255  # an index is one byte (a check past it runs in the run)


def run(checks: Sequence[Check], run_one: Callable[[Check], CheckResult],
        progress: Callable[[str], None] | None = None,
        meanwhile: Callable[[], object] | None = None,
        prepare: Callable[[], object] | None = None,
        weight: Callable[[Check], float] | None = None,
        begin: Callable[[Check], object] | None = None,
        enter: Callable[[], object] | None = None) -> list[CheckResult]:
    """Every check's result, in the order given; `meanwhile` runs in this process before its checks.

    `weight` is a check's typical cost: the shareable checks are queued heaviest first, so the
    helper starts on the long ones while the run does its own, and the light ones left at the
    end even out the two halves (longest first; in the order given, the run's share ended
    ~10 ms after the helper's on otel-demo).

    `prepare` reads, before a helper is forked (and only then), what both processes would read
    after it: done once, shared by the fork, instead of once in each. Whatever it raises is left
    to the checks that read the same (each reports it within its own result).

    `begin` starts, before `meanwhile`, what each of this process's checks that waits on a probe
    (`Check.prefetch`) will wait for (`Check.start`); what it raises is left to the check's run.
    `enter` is what the helper does first, before any check (the engine fences the run's probes).
    """
    shared = [i for i, check in enumerate(checks)
              if (check.project_only or check.fork_safe) and not check.prefetch and i <= MAX_INDEX]
    if weight is not None:
        shared.sort(key=lambda i: -weight(checks[i]))  # stable: equal weights keep the order given
    helper = None
    if len(shared) >= 2 and may_fork(os.environ) and helps_now(os.environ):
        if prepare is not None:
            with contextlib.suppress(Exception):
                prepare()
        helper = _Helper.start(checks, shared, run_one, enter)
    results: dict[int, CheckResult] = {}

    def one(index: int) -> None:
        if progress is not None:
            progress(checks[index].id)
        results[index] = run_one(checks[index])

    try:
        queued = set(shared) if helper is not None else set()
        for index in range(len(checks)):
            if begin is not None and index not in queued and checks[index].prefetch:
                with contextlib.suppress(Exception):
                    begin(checks[index])
        if meanwhile is not None:
            meanwhile()
        # the run's own checks, those waiting on a probe started early after the others (their
        # probes had the time the helper's checks took); what the helper has not taken yet comes
        # last, so that it ends its share while these run
        for index in sorted((i for i in range(len(checks)) if i not in queued), key=lambda i: bool(checks[i].prefetch)):
            one(index)
        if helper is not None:
            while (taken := helper.next_index()) is not None:
                one(taken)
            results.update(helper.collect())
            helper = None
            for index in shared:  # what the helper took and did not send back: run here
                if index not in results:
                    one(index)
    finally:
        if helper is not None:
            helper.abandon()
    return [results[i] for i in range(len(checks))]


def may_fork(env: dict[str, str] | os._Environ[str]) -> bool:
    """Whether a helper process is safe and can help here (see the module docstring)."""
    if env.get("DOCTOR_JOBS", "").strip() == "1" or sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    try:
        if len(os.sched_getaffinity(0)) < 2:
            return False
    except (AttributeError, OSError):
        return False
    quota = cpu_quota()
    if quota is not None and quota < 2:  # a container limited to one CPU (`--cpus=1`, a CI job's share)
        return False
    import _thread

    return _thread._count() == 0


PROC_STAT = "/proc/stat"
_since: tuple[float, int] | None = None  # (time.monotonic(), idle ticks of this process's cores) at `note_start`


def helps_now(env: dict[str, str] | os._Environ[str]) -> bool:
    """Whether a helper would run beside the run now: a core was free (`core_idle`), or DOCTOR_JOBS
    asks for two or more processes whatever the load."""
    idle = core_idle()  # first: it takes the run's note either way
    jobs = env.get("DOCTOR_JOBS", "").strip()
    return (jobs.isdecimal() and int(jobs) >= 2) or idle


def note_start(again: bool = True) -> None:
    """Remember how long this process's cores have been idle so far: `core_idle` asks again at the
    fork (the console script calls this first thing in a preflight, run_preflight where it did not,
    `again=False`, both before the login shell starts). Never raises."""
    global _since
    if _since is not None and not again:
        return
    import time

    ticks = _idle_ticks()
    _since = None if ticks is None else (time.monotonic(), ticks)


def core_idle() -> bool:
    """Whether the cores this process may use were idle, between `note_start` and now, for at least
    half that time in all (/proc/stat's idle and iowait of each, in clock ticks): a core was free
    for the helper, and is likely free for the next few tens of milliseconds. Busy cores (a build
    in another terminal, an IDE indexing, the login shell this run started and will wait for)
    would make the helper a cost: the two processes share one core, the fork and its copy-on-write
    faults on top. Paired runs on 2 cores (21 pairs): with the second core busy, a warm
    broken-stack run took 77.9 ms with a helper and 64.1 ms without (first runs 107.2 / 86.5,
    otel-demo warm 126.5 / 99.0); with both free, 80.1 and 96.2. (A count of runnable tasks, as
    /proc/loadavg gives it, is no measure here: the engine's own requests wake dockerd's threads
    just before the fork.) Yes when nothing was noted, the counts cannot be read, or too little
    time has passed to tell (under 1.2 clock ticks: a warm preflight forks ~15 ms after the
    console script starts, 1.5 ticks of 10 ms, and an idle core shows one tick of idle time in it,
    a busy one none). A note answers one fork: this takes it, so that another run in the same
    process (a library caller, the tests) measures from its own start, not from the first run's."""
    global _since
    since, _since = _since, None
    if since is None:
        return True
    import time

    ticks = _idle_ticks()
    if ticks is None:
        return True
    started, before = since
    try:
        hertz = os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError):
        return True
    elapsed = (time.monotonic() - started) * hertz  # in clock ticks
    return elapsed < 1.2 or (ticks - before) * 2 >= elapsed


def _idle_ticks() -> int | None:
    """The idle and iowait clock ticks of the cores this process may use (their `cpuN` lines of
    /proc/stat), summed; None where they cannot be read."""
    try:
        cores = os.sched_getaffinity(0)
        with open(PROC_STAT, "rb") as handle:
            data = handle.read(1 << 20)
        total = seen = 0
        for line in data.split(b"\n"):
            if not line.startswith(b"cpu"):
                if seen:
                    break  # the cpuN lines come together, before intr, ctxt and the rest
                continue
            name, *fields = line.split()
            if name == b"cpu" or int(name[3:]) not in cores:
                continue
            total += int(fields[3]) + int(fields[4])
            seen += 1
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return total if seen else None


CPU_MAX = "/sys/fs/cgroup/cpu.max"  # cgroup v2, as a container sees its own
CFS_QUOTA = ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us")  # cgroup v1


def cpu_quota() -> float | None:
    """The CPUs a cgroup quota gives this process, or None when it has none (or none can be read)."""
    try:
        with open(CPU_MAX, encoding="utf-8") as handle:
            quota, _, period = handle.read().strip().partition(" ")
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        pass
    try:
        values = []
        for path in CFS_QUOTA:
            with open(path, encoding="utf-8") as handle:
                values.append(int(handle.read().strip()))
        return None if values[0] <= 0 else values[0] / values[1]
    except (OSError, ValueError, ZeroDivisionError):
        return None


class _Helper:
    """The forked process and the two pipes shared with it (the queue, its results)."""

    def __init__(self, pid: int, queue: int, results: int) -> None:
        self.pid = pid
        self.queue = queue
        self.results = results

    @classmethod
    def start(cls, checks: Sequence[Check], shared: list[int], run_one: Callable[[Check], CheckResult],
              enter: Callable[[], object] | None = None) -> _Helper | None:
        _reap_ended()
        try:
            queue_r, queue_w = os.pipe()
        except OSError:
            return None
        try:
            results_r, results_w = os.pipe()
        except OSError:
            os.close(queue_r)
            os.close(queue_w)
            return None
        os.write(queue_w, bytes(shared))  # below PIPE_BUF: written whole, before either reads
        os.close(queue_w)
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):  # nothing written before the fork is written twice
            with contextlib.suppress(Exception):  # a closed or broken stream: the run reports that itself
                stream.flush()
        try:
            pid = os.fork()
        except OSError:
            for fd in (queue_r, results_r, results_w):
                os.close(fd)
            return None
        if pid == 0:  # the helper: never returns (whatever happens, never into the run's code)
            try:
                _helper_main(checks, run_one, queue_r, results_r, results_w, parent, enter)
            finally:
                os._exit(1)
        os.close(results_w)
        return cls(pid, queue_r, results_r)

    def next_index(self) -> int | None:
        """The next check nobody took, or None when the queue is empty."""
        try:
            got = os.read(self.queue, 1)
        except OSError:
            got = b""
        return got[0] if got else None

    def collect(self) -> dict[int, CheckResult]:
        """The helper's results (none when it failed), its cache entries taken over; the helper reaped."""
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.results, 1 << 16):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            self._close()
        # the helper closed the pipe once it had sent everything, then exits: its status is known
        # only once the kernel has torn it down, which the run need not wait for (a complete
        # pickle is the proof of success; a helper that failed sent none, or half of one)
        status = _reap(self.pid, wait=False)
        if status is None:
            _ENDING.append(self.pid)
        if (status is not None and status != 0) or not chunks:
            return {}
        try:
            from _pickle import loads

            done, memo_entries, patterns, modules = loads(b"".join(chunks))
            found = {int(index): result for index, result in done}
        except Exception:  # a helper that sent something else: its checks run here
            return {}
        _absorb(memo_entries, patterns, modules)
        return found

    def abandon(self) -> None:
        """The run ended early (an exception, Ctrl-C): end the helper and reap it."""
        import signal

        self._close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        _reap(self.pid)

    def _close(self) -> None:
        for fd in (self.queue, self.results):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.queue = self.results = -1


_ENDING: list[int] = []  # helpers that had sent their results and were still ending when collected


def _reap(pid: int, wait: bool = True) -> int | None:
    """The helper's exit code once it has ended (-1: not a child of ours); None when `wait` is
    False and it has not ended yet."""
    while True:
        try:
            done, status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            return -1
        except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
            continue
        return None if done == 0 else os.waitstatus_to_exitcode(status)


def _reap_ended() -> None:
    """Reap the helpers left ending by an earlier run in this process (each had sent its results
    and closed its pipes: ended by now). A process that runs no other preflight keeps one zombie
    until it ends; no atexit handler waits for it (the CLI runs those before it exits)."""
    while _ENDING:
        _reap(_ENDING.pop())


def _helper_main(checks: Sequence[Check], run_one: Callable[[Check], CheckResult],
                 queue: int, results_r: int, results_w: int, parent: int,
                 enter: Callable[[], object] | None = None) -> None:
    """The helper process: take checks off the queue, run them, send the results, exit.

    A check that reaches one of the run's probes (doctor.model.StartedProbe, once `enter` fenced
    them) sends no result: the run runs it.

    A run that is gone (SIGKILLed: its `finally` never ran) leaves its queue readable, so the helper
    asks before each check whether `parent` is still its parent, and stops: nobody would read
    what it sends.
    """
    status = 1
    try:
        os.close(results_r)
        from doctor import codecache, recache
        from doctor.model import StartedProbe
        from doctor.project import memo

        memo.journal()
        recache.journal()
        codecache.journal()
        if enter is not None:
            enter()
        done = []
        while (alive := os.getppid() == parent) and (got := os.read(queue, 1)):
            try:
                done.append((got[0], run_one(checks[got[0]])))
            except StartedProbe:
                continue  # the run's to run
        if not alive:
            return  # status 1
        from _pickle import dumps

        view = memoryview(dumps((done, memo.journal_take(), recache.journal_take(), codecache.journal_take()), 5))
        while view:
            view = view[os.write(results_w, view):]
        status = 0
        # everything is sent: the run's read ends now, not after this process's teardown (see the
        # module docstring), nor does a pipe reading doctor's output wait for it
        for fd in (results_w, 1, 2):
            with contextlib.suppress(OSError):
                os.close(fd)
    except BaseException:  # whatever it was (Ctrl-C too), the run redoes this helper's checks
        status = 1
    finally:
        os._exit(status)


def _absorb(memo_entries: object, patterns: object, modules: object) -> None:
    from doctor import codecache, recache
    from doctor.project import memo

    memo.absorb(memo_entries)
    recache.absorb(patterns)
    codecache.absorb(modules)
