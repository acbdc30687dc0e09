"""Test helper: run a function as another user (CI runs as root, and root reads through any mode)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable


def as_user(uid: int, work: Callable[[], object]) -> object:
    """`work()` in a forked child running as `uid` (root reads through mode 000), its result pickled back."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            try:
                result: object = ("ok", work())
            except BaseException as error:  # reported to the test, not raised in a forked pytest
                result = ("error", repr(error))
            with open(write_end, "wb") as out:
                pickle.dump(result, out)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with open(read_end, "rb") as data:
        kind, value = pickle.load(data)
    assert os.waitpid(pid, 0)[1] == 0
    assert kind == "ok", value
    return value
