"""Room for the few recursive ports of Go code to follow input as deep as compose accepts.

compose-go recurses freely (a goroutine stack grows to 1 GB): it interpolates `${A:-${A:-...}}`
400 levels deep, and go-yaml reads documents nested up to 10,000 levels. The Python ports keep
Go's recursive shape, so that they stay line-by-line comparable with compose-go; for the rare
deep input they run with a raised recursion limit. On CPython >= 3.11 a call from Python code
to a Python function does not grow the C stack, so a higher limit for such code cannot crash
the interpreter; the limit is restored afterwards.
"""

from __future__ import annotations

import sys
from _thread import allocate_lock  # threading.Lock itself, without threading's import (~1 ms of a preflight)
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["room_for"]

_LOCK = allocate_lock()
_STATE = [0, 0]  # open room_for blocks in this process, and the limit before the first one


@contextmanager
def room_for(frames: int) -> Iterator[None]:
    """Run the block with at least `frames` more Python frames available than the current limit."""
    with _LOCK:
        if _STATE[0] == 0:
            _STATE[1] = sys.getrecursionlimit()
        _STATE[0] += 1
        sys.setrecursionlimit(max(sys.getrecursionlimit(), _STATE[1] + frames))
    try:
        yield
    finally:
        with _LOCK:
            _STATE[0] -= 1
            if _STATE[0] == 0:
                sys.setrecursionlimit(_STATE[1])
