"""The ownership walk handed on from the calling thread: to forked walkers, or to a pool of threads.

`fork_walk` splits the directories still queued over one walker per core (the walk is CPU-bound:
each walker lstat()s on its own GIL); `threads_walk` walks on with threads that grow while
entries come in slowly (stat() waiting on I/O releases the GIL). doctor.host.owner_walk imports
this only when a walk goes parallel (a small tree never does); doctor.host.owner_pace's PACE,
PROGRESS_AFTER and SLOW_ENTRIES_PER_PACE pace both.
"""

from __future__ import annotations

import marshal
import mmap
import os
import struct
import time
from collections.abc import Callable, Iterable

from doctor.host import owner_pace

TYPE_CHECKING = False
if TYPE_CHECKING:
    import queue
    import threading
    from typing import NoReturn

    from doctor.host.owner_walk import _Raw, _Walk

_MAX_SLICES = 512  # 8-byte records: one page, the smallest pipe buffer Linux hands out


def threads_walk(walk: _Walk, pending: Iterable[str], workers: int, progress: Callable[[int], None] | None,
                  started: float) -> None:
    """Walk on from `pending` with a pool of threads that grows while entries come in slowly."""
    import queue

    todo: queue.Queue[str | None] = queue.Queue()
    for path in pending:
        todo.put(path)

    def work() -> None:
        while (path := todo.get()) is not None:
            walk.directory(path, todo.put)
            todo.task_done()
        todo.task_done()

    threads: list[threading.Thread] = []
    _add_worker(threads, work, todo, workers)
    pacer = _Pacer(lambda: walk.count, progress, lambda: _add_worker(threads, work, todo, workers), started)
    todo.join()
    pacer.stop()
    for _ in threads:
        todo.put(None)
    for thread in threads:
        thread.join()


def fork_walk(walk: _Walk, jobs: list[str], processes: int, progress: Callable[[int], None] | None,
               started: float) -> None:
    """Walk `jobs` from here and from `processes - 1` forked walkers; merge every result into `walk`.

    The walkers draw (start, stop) slices of `jobs` (inherited) from one pipe, so one that drew
    small subtrees draws more. A child sends back only its strays and counts (marshal), and
    keeps its running count in shared memory for the progress line.
    """
    step = -(-len(jobs) // _MAX_SLICES)
    work_r, work_w = os.pipe()
    # one page at most, written before any reader exists: it never blocks, and as every read
    # takes 8 bytes of it under the pipe's lock, the walkers share it as a queue
    os.write(work_w, b"".join(struct.pack("II", i, min(i + step, len(jobs))) for i in range(0, len(jobs), step)))
    os.close(work_w)
    shared = mmap.mmap(-1, 8 * processes)
    counter = memoryview(shared).cast("q")
    children: dict[int, int] = {}  # pid -> read end of its result pipe
    outputs: dict[int, bytes] = {}
    share = walk.room // processes  # the cache's room, split: all walkers together stay within it
    mine = walk.fresh(share)
    pacer = None
    try:
        for slot in range(1, processes):
            result_r, result_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # out of processes: fewer walkers
                os.close(result_r)
                os.close(result_w)
                break
            if pid == 0:
                _child(walk.fresh(share), jobs, work_r, result_w, counter, slot)
            os.close(result_w)
            children[pid] = result_r
        pacer = _Pacer(lambda: walk.count + sum(counter), progress, None, started) if progress else None
        _walk_slices(mine, jobs, work_r, counter, 0)
        for pid, result_r in children.items():
            with open(result_r, "rb", closefd=False) as result:
                outputs[pid] = result.read()
    finally:
        if pacer is not None:
            pacer.stop()
        for pid, result_r in children.items():
            os.close(result_r)
            if pid not in outputs:  # interrupted: leave no walker behind
                import signal

                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # a walker that died sent a short result: marshal refuses it below
        os.close(work_r)
        counter.release()
        shared.close()
    try:
        results: list[_Raw] = [marshal.loads(outputs[pid]) for pid in children]
    except (KeyError, EOFError, ValueError, TypeError):  # a walker died: its share is unknown, walk all here
        mine, results = walk.fresh(), []
        mine.walk(list(jobs))
    for raw in [mine.raw(), *results]:
        walk.merge(raw)


def _walk_slices(walk: _Walk, jobs: list[str], work_r: int, counter: memoryview, slot: int) -> None:
    while record := os.read(work_r, 8):
        start, stop = struct.unpack("II", record)
        walk.walk(jobs[start:stop], counter, slot)


def _child(walk: _Walk, jobs: list[str], work_r: int, result_w: int, counter: memoryview, slot: int) -> NoReturn:
    """A forked walker: walk slices until the pipe is empty, send the result, exit (never return)."""
    status = 1
    try:
        _walk_slices(walk, jobs, work_r, counter, slot)
        with open(result_w, "wb") as result:
            result.write(marshal.dumps(walk.raw()))
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no stdio flush, no exception out of a fork


def _add_worker(threads: list[threading.Thread], work: Callable[[], None], todo: queue.Queue[str | None],
                limit: int) -> None:
    import threading

    if not threads or (len(threads) < limit and todo.qsize() > 1):
        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()


class _Pacer:
    """Adds walker threads while entries come in slowly (if it may), and reports progress after a second.

    Threads overlap only where stat() blocks (cold cache, network or FUSE file systems): on a
    warm cache each stat is a microsecond and handing the GIL between threads costs more than
    it saves.
    """

    def __init__(self, count: Callable[[], int], progress: Callable[[int], None] | None,
                 grow: Callable[[], None] | None, started: float) -> None:
        import threading

        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(count, progress, grow, started), daemon=True)
        self._thread.start()

    def _run(self, count: Callable[[], int], progress: Callable[[int], None] | None,
             grow: Callable[[], None] | None, started: float) -> None:
        last = count()
        while not self._done.wait(owner_pace.PACE):
            now = count()
            if grow is not None and now - last < owner_pace.SLOW_ENTRIES_PER_PACE:
                grow()
            last = now
            if progress is not None and time.monotonic() - started >= owner_pace.PROGRESS_AFTER:
                progress(last)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
