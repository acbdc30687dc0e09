"""Renew an ownership walk's cache over an hour old once the run it answered is over.

The cache (doctor.host.owner_cache) cannot see an existing file chowned in place in a folder
left untouched, so it is renewed by a full walk an hour after the one that built it. A run that
finds it so old still answers from it (as fast as any warm run), and asks for that walk here:
`later` starts this module through doctor.after_run, which waits until the run has ended. The
walk runs at the lowest priority, and stores its cache unless a run renewed it meanwhile or the
cache folder is gone. Such a file then shows from the next run on. It removes its lock at the end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# a full walk of a million files takes seconds (minutes on a network file system): a lock
# younger than this is a walk at work
LOCK_AGE = 3600.0


def later(cache: str, root: str, uid: int, exclude: Sequence[str]) -> None:
    """A full walk of `root` (for `uid`, skipping `exclude`) once this run has ended, its cache
    stored in `cache`. None while one is waiting or at work for the same walk. Never raises."""
    from doctor import after_run
    from doctor.host.owner_cache import file_name

    lock = os.path.join(cache, file_name(root, uid, exclude) + ".refresh")
    after_run.start("doctor.host.owner_refresh", [lock, cache, root, str(uid), *exclude], os.environ, lock,
                    lock_age=LOCK_AGE)


def main(argv: list[str]) -> int:
    """argv: the lock, the cache folder, the root, the uid, the exclude patterns."""
    if len(argv) < 4 or not argv[3].isdigit():
        return 2
    lock, cache, root, uid, exclude = argv[0], argv[1], argv[2], int(argv[3]), tuple(argv[4:])
    from doctor.after_run import when_run_ended

    return when_run_ended(lock, lambda: _renew(cache, root, uid, exclude))


def _renew(cache: str, root: str, uid: int, exclude: tuple[str, ...]) -> int:
    import time
    from pathlib import Path

    from doctor import after_run
    from doctor.cachedir import keep_out
    from doctor.host import owner_cache
    from doctor.host.owner_walk import scan_owners

    if not os.path.isdir(cache) or not os.path.isdir(root):
        return 0  # the cache folder removed (a test's), or the project
    loaded = owner_cache.load(cache, root, uid, exclude, time.time())
    if loaded is not None and time.time() - loaded[0] <= owner_cache.MAX_AGE:
        return 0  # a run renewed it meanwhile
    after_run.background()
    keep_out(root)  # no cache inside the project, as in the run
    try:
        scan_owners(Path(root), uid, exclude, cache=cache, full=True)
    except OSError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
