"""The ownership walk's pace: how long its slices run, and whether a walk waits on I/O.

Every walk (doctor.host.owner_walk's in Python, owner_native's in C, owner_early's started as a
preflight starts) reads its slices and its test for a walk waiting on stat() (a cold inode
cache, a network or FUSE file system: threads then overlap the waits) from here. It imports
nothing but `os`: doctor.host.owner_early starts a walk before doctor imports anything else.
"""

from __future__ import annotations

import os

PROGRESS_AFTER = 1.0  # seconds of walking before a terminal shows the count of entries
PACE = 0.1  # seconds between two looks at the walk's rate (and between two calls of the C walk)
# a warm page cache yields ~250k lstat/s from one thread; far fewer means stat() is waiting on I/O
SLOW_ENTRIES_PER_PACE = 5000
FIRST_SLICE = 0.02  # seconds of the C walk before it is judged CPU-bound or waiting on I/O
SLICE = 0.01  # seconds a thread of the C walk walks before it may hand folders to another, or stop


def ran_ns() -> int | None:
    """This thread's time on a CPU plus its time waiting for one (ns), or None where unknown.

    /proc/thread-self/schedstat holds both (Linux): the rest of the wall time the thread slept,
    i.e. waited on I/O. Read with bare os calls (~10 µs).
    """
    try:
        fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
    except OSError:
        return None
    try:
        fields = os.read(fd, 128).split()
        return int(fields[0]) + int(fields[1])
    except (OSError, ValueError, IndexError):
        return None
    finally:
        os.close(fd)


def blocked(wall: float, ran_before: int | None) -> bool:
    """Whether this thread slept (waited on I/O) for at least half of the last `wall` seconds,
    given ran_ns() at their start; True where the scheduler cannot tell (the rate alone decides)."""
    ran_now = ran_ns()
    if ran_before is None or ran_now is None:
        return True
    return (ran_now - ran_before) <= wall * 1e9 / 2


def waiting_on_io(count: int, wall: float, ran_before: int | None) -> bool:
    """Whether a walk that listed `count` entries in its first `wall` seconds waits on I/O: slow,
    and this thread slept for half of that time. Few entries a second alone is no proof: on a
    loaded machine (the second core busy) a walk is as slow while it waits for a core."""
    return count * PACE < wall * SLOW_ENTRIES_PER_PACE and blocked(wall, ran_before)
