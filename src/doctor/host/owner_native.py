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

from doctor.host import owner_walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from doctor.host.owner_walk import _Walk


def _load() -> ModuleType | None:
    try:
        from doctor.host import _ownerwalk  # type: ignore[attr-defined]
    except ImportError:  # built without it: no compiler, or a pure-Python install
        return None
    return _ownerwalk  # type: ignore[no-any-return]


module = _load()
FIRST_SLICE = 0.02  # seconds of walking before the walk is judged CPU-bound (threads) or waiting on I/O
SLICE = 0.01  # seconds a thread walks before it may hand folders to a waiting one
_MAX_NS = (1 << 63) - 1  # the C walk's times are 64-bit nanoseconds


def native_walk(walk: _Walk, root: str, pending: collections.deque[str], workers: int,
                progress: Callable[[int], None] | None, processes: int = 1) -> bool:
    """Walk every folder of `pending` (already counted and owner-checked by `walk`) in C, merging
    into `walk`; False (nothing done) where the extension is missing or cannot read the globs.

    The first slice tells a walk waiting on I/O (it goes on in Python's threads, which overlap the
    waits: doctor.host.owner_parallel) from one the CPU bounds; the rest runs in `processes`
    threads (the C walk lists and lstat()s without the GIL), sharing the folders still queued."""
    globs = owner_walk.fnmatch_globs(walk.exclude) if module is not None else None
    if module is None or globs is None:
        return False
    fixed = (walk.uid, tuple(map(os.fsencode, globs[0])), tuple(map(os.fsencode, globs[1])),
             len(os.fsencode(root.rstrip("/"))) + 1,  # in bytes, as the C walk slices its paths
             walk.cache is not None, min(walk.racy, _MAX_NS))
    # every entry of the first slice is lstat()ed where it is listed, so what it leaves may go to
    # the Python walk; after it, a subfolder's owner is checked when it is opened (`unchecked`)
    results = (walk.strays, walk.unreadable, walk.excluded_in, walk.entries)
    later: tuple[object, ...] = (*results, set())
    stack = list(pending)
    room = [walk.room]  # the cache items left, which every call (every thread's) counts down
    clock = time.monotonic
    started = clock()
    ran = owner_walk._ran_ns()
    try:
        count = module.walk(stack, *fixed, room, FIRST_SLICE, *results)
        walk.count += count
        now = clock()
        if (stack and count * owner_walk.PACE < (now - started) * owner_walk.SLOW_ENTRIES_PER_PACE
                and owner_walk._blocked(now - started, ran)):
            from doctor.host.owner_parallel import threads_walk  # stat() waits on I/O: threads overlap it

            walk.room = room[0]
            threads_walk(walk, stack, workers, progress, started)
            room[0] = walk.room
        elif (threads := min(processes, _idle_cores(processes))) > 1 and len(stack) > 1:
            _together(walk, stack, threads, progress, started, (*fixed, room), later)
        else:
            while stack:
                walk.count += module.walk(stack, *fixed, room, owner_walk.PACE, *later)
                if progress is not None and clock() - started >= owner_walk.PROGRESS_AFTER:
                    progress(walk.count)
    finally:
        walk.room = room[0]
    return True


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
              started: float, fixed: tuple[object, ...], results: tuple[object, ...]) -> None:
    """Walk `stack` in `processes` threads (`fixed`: the C walk's arguments up to its shared
    `room`). Each walks folders from a stack of its own, in slices of SLICE seconds; a thread out
    of folders takes one from the shared queue, which a thread with folders to spare fills (the
    oldest half of its stack: the biggest subtrees) between two of its slices while another
    waits. Only a stack's own thread touches it."""
    import threading

    assert module is not None
    walker = module.walk
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
                count = walker(mine, *fixed, SLICE, *results)
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
                if first and progress is not None and clock() - started >= owner_walk.PROGRESS_AFTER:
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
