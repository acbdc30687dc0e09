"""The ownership walk's full walk in C: doctor.host._ownerwalk, where the package was built with it.

A full walk (no warm cache: the first walk on a project, the hourly one, `DOCTOR_NO_CACHE=1`)
costs one lstat() per entry whoever makes it. Python adds ~1.5 µs of its own to each; GNU find
(doctor.host.owner_find) avoids that but adds its processes, a printf per entry and the parse of
its output, so a preflight's first walk cost ~1.3x `find TREE ! -uid U` on one core. The C walk
does `_Walk.directory`'s work folder for folder in this process (the module's source says how),
so a first walk costs what the kernel's lstat() loop costs plus the preflight's own start.

The extension is optional (setup.py): pip builds it where a C compiler and Python's headers
are at hand, and without it (or for exclude globs C's fnmatch reads otherwise) the walk goes on
as before: in Python, then GNU find or forked walkers. It runs in slices (a call walks folders
until its time is up), so the progress line goes on; after the first slice a walk waiting on
I/O (a network file system) moves to Python's threads, and one the CPU bounds goes on in a
thread per core nothing else runs on (the C walk lists and lstat()s without the GIL).
"""

from __future__ import annotations

import collections
import os
import time
from collections.abc import Callable

from doctor.host import owner_early, owner_pace, owner_walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from doctor.host.owner_early import Early
    from doctor.host.owner_walk import _Walk


module = owner_early.c_walk()


def arguments(walk: _Walk, root: str) -> tuple[object, ...] | None:
    """The C walk's arguments that stay the same for a whole walk (up to its `room`); None where the
    extension is missing or cannot read the exclude globs."""
    globs = owner_walk.fnmatch_globs(walk.exclude) if module is not None else None
    if module is None or globs is None:
        return None
    return owner_early.c_arguments(walk.uid, tuple(map(os.fsencode, globs[0])), tuple(map(os.fsencode, globs[1])),
                                   root, walk.cache is not None, walk.racy)


def native_walk(walk: _Walk, root: str, pending: collections.deque[str], workers: int,
                progress: Callable[[int], None] | None, processes: int = 1) -> bool:
    """Walk every folder of `pending` (already counted and owner-checked by `walk`) in C, merging
    into `walk`; False (nothing done) where the extension is missing or cannot read the globs.

    The first slice tells a walk waiting on I/O (it goes on in Python's threads, which overlap the
    waits: doctor.host.owner_parallel) from one the CPU bounds; the rest runs in `processes`
    threads (the C walk lists and lstat()s without the GIL), sharing the folders still queued."""
    fixed = arguments(walk, root)
    if fixed is None:
        return False
    assert module is not None
    # every entry of the first slice is lstat()ed where it is listed, so what it leaves may go to
    # the Python walk; after it, a subfolder's owner is checked when it is opened (`unchecked`)
    stack = list(pending)
    room = [walk.room]  # the cache items left, which every call (every thread's) counts down
    started = time.monotonic()
    ran = owner_pace.ran_ns()
    try:
        count = module.walk(stack, *fixed, room, owner_pace.FIRST_SLICE, *results(walk))
        walk.count += count
        if stack and owner_pace.waiting_on_io(count, time.monotonic() - started, ran):
            walk.room = room[0]
            on_threads(walk, stack, workers, progress, started)
            room[0] = walk.room
        else:
            go_on(walk, stack, (*fixed, room), set(), processes, progress, started)
    finally:
        walk.room = room[0]
    return True


def adopt(walk: _Walk, early: Early, workers: int, progress: Callable[[int], None] | None, processes: int) -> None:
    """Go on with the walk a preflight started early (doctor.host.owner_early), stopped where it is,
    as `native_walk` would have gone on: its results become `walk`'s."""
    walk.strays, walk.unreadable, walk.excluded_in = early.strays, early.unreadable, early.excluded_in
    walk.entries = early.entries  # type: ignore[assignment]  # the C walk's entries, as _Walk's
    walk.count += early.count
    walk.racy = early.racy
    walk.room = early.room[0]
    if early.state == owner_early.ON_IO:  # found waiting on I/O after its first slice
        on_threads(walk, early.stack, workers, progress, early.started)
    elif early.stack:
        try:
            go_on(walk, early.stack, (*early.fixed, early.room), early.unchecked, processes, progress, early.started,
                  early.module)
        finally:
            walk.room = early.room[0]


def results(walk: _Walk) -> tuple[object, ...]:
    """What the C walk appends to: `walk`'s strays, unreadable folders, folders holding an
    excluded entry, and cache entries."""
    return walk.strays, walk.unreadable, walk.excluded_in, walk.entries


def on_threads(walk: _Walk, stack: list[str], workers: int, progress: Callable[[int], None] | None,
               started: float) -> None:
    """The rest of a walk that waits on stat() (I/O): in Python's threads, which overlap the waits."""
    from doctor.host.owner_parallel import threads_walk

    threads_walk(walk, stack, workers, progress, started)


def go_on(walk: _Walk, stack: list[str], fixed: tuple[object, ...], unchecked: set[str], processes: int,
          progress: Callable[[int], None] | None, started: float, c: ModuleType | None = None) -> None:
    """The rest of a CPU-bound walk after its first slice: `stack` in C (`c`, default `module`),
    in a thread per idle core (of `processes`) or in this one; `fixed` the C walk's arguments up to
    its `room` (included), `unchecked` the folders of `stack` whose owner their own open checks."""
    c = c or module
    assert c is not None
    later = (*results(walk), unchecked)
    if (threads := min(processes, _idle_cores(processes))) > 1 and len(stack) > 1:
        _together(walk, stack, threads, progress, started, fixed, later, c.walk)
        return
    clock = time.monotonic
    while stack:
        walk.count += c.walk(stack, *fixed, owner_pace.PACE, *later)
        if progress is not None and clock() - started >= owner_pace.PROGRESS_AFTER:
            progress(walk.count)


def _idle_cores(cores: int, loadavg: str = "/proc/loadavg") -> int:
    """The usable cores nothing else runs on now, this thread's included: `cores` less the other
    threads running or waiting to run (Linux's /proc/loadavg, its fourth field counts them and
    this one); `cores` where that cannot be read. A second thread of the walk on a core a build
    keeps busy adds its hand-overs to the CPU the walk costs, and no speed."""
    try:
        with open(loadavg, "rb") as file:
            running = int(file.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return cores
    return max(1, cores - max(0, running - 1))


def _together(walk: _Walk, stack: list[str], processes: int, progress: Callable[[int], None] | None,
              started: float, fixed: tuple[object, ...], results: tuple[object, ...],
              walker: Callable[..., int]) -> None:
    """Walk `stack` in `processes` threads with the C walk `walker` (`fixed`: its arguments up to
    its shared `room`). Each walks folders from a stack of its own, in slices of SLICE seconds; a thread out
    of folders takes one from the shared queue, which a thread with folders to spare fills (the
    oldest half of its stack: the biggest subtrees) between two of its slices while another
    waits. Only a stack's own thread touches it."""
    import threading

    shared = collections.deque(stack)
    lock = threading.Condition()
    state = {"busy": 0, "waiting": 0, "stop": False}
    failures: list[BaseException] = []
    clock = time.monotonic

    def work(first: bool) -> None:
        mine: list[str] = []
        try:
            while True:
                if not mine:
                    with lock:
                        state["waiting"] += 1
                        while not shared and state["busy"] and not state["stop"]:
                            lock.wait()
                        state["waiting"] -= 1
                        if not shared or state["stop"]:
                            lock.notify_all()
                            return
                        mine.append(shared.popleft())
                        state["busy"] += 1
                count = walker(mine, *fixed, owner_pace.SLICE, *results)
                with lock:
                    walk.count += count
                    if state["stop"]:
                        return
                    if not mine:
                        state["busy"] -= 1
                        lock.notify_all()
                    elif state["waiting"] and len(mine) > 1:
                        half = len(mine) // 2
                        shared.extend(mine[:half])
                        del mine[:half]
                        lock.notify_all()
                if first and progress is not None and clock() - started >= owner_pace.PROGRESS_AFTER:
                    progress(walk.count)
        except BaseException as error:  # a MemoryError, an interrupt: every thread stops, the caller raises
            with lock:
                failures.append(error)
                state["stop"] = True
                lock.notify_all()

    threads: list[threading.Thread] = []
    for _ in range(processes - 1):
        thread = threading.Thread(target=work, args=(False,), daemon=True)
        try:
            thread.start()
        except RuntimeError:  # "can't start new thread" (a pids limit): the walk goes on with fewer
            break
        threads.append(thread)
    try:
        work(True)
    finally:
        with lock:
            state["stop"] = state["stop"] or bool(shared) or bool(state["busy"])
            lock.notify_all()
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
