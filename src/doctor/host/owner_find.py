"""The ownership walk's full walk of a big tree, done by GNU find: C's lstat() loop, not Python's.

A full walk (no warm cache: the first walk on a project, the hourly one, `DOCTOR_NO_CACHE=1`)
costs one lstat() per entry whoever makes it; Python adds ~1.5 µs of its own to each (a
stat_result of ~45 objects, keyword parsing, the GIL around the call), about twice find's CPU.
Where the package was built with its C walk (doctor.host.owner_native), that takes it; else,
past FORK_AFTER entries, doctor.host.owner_walk hands the directories still queued to `find`
processes instead (one per core at a time, a few groups each), which print:

- `D<depth> <inode> <mtime> <ctime> <uid> <gid> <path>` for each directory (its stamp for the
  cache, its owner),
- `S<depth> <uid> <gid> <path>` for any other entry not owned by the uid,
- `X<depth> <path>` for an excluded entry (pruned),
- `U<depth> <uid> <gid> <path>` for a folder this user cannot read (pruned: unreadable, as the
  Python walk reports it),
- nothing but the NUL for every other entry (a depth there cost find ~10 % more time: its
  printf formats each number),

each ending in a NUL. The parse keeps the open directories by depth (find lists a directory's
entries after it, depth first), so every record lands in its own folder: the strays, the count,
the unreadable and the cache's folders and names are the ones the Python walk makes (tests
compare the two). A bare NUL is counted in the innermost open folder: the total is exact, a
folder's own count (kept in the cache for the progress line and `scanned`) is not where find
lists some of its files after a subfolder's. A group whose output is not that (a start point
without its depth-0 record: a file or a symlink now; a path open() would refuse) is walked
again in Python.

find is used only where it means the same walk: GNU find (`-printf`; a BSD find is not), exclude
patterns without `?`, `[` or `\\` (C's fnmatch and Python's differ there), an lstat() walk
(`-P`, never following a symlink). A group whose find fails (a folder readable but not
searchable, an entry deleted while it ran, any error) is walked again in Python, so an error costs time, never a
result. `find` is not a project's tool: it is /usr/bin/find or /bin/find, never one found on PATH.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence

from doctor.host.owner_walk import exclude_pattern, fnmatch_globs, stamp_of
from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

    from doctor.host.owner_walk import _Walk

GROUPS_PER_PROCESS = 4  # groups of queued folders per core: one that drew small subtrees takes another
ARGS_PER_FIND = 128 * 1024  # bytes of folder paths on one find's command line (Linux allows 2 MiB)
_CANDIDATES = ("/usr/bin/find", "/bin/find")
# open() refuses a path of this many bytes or more (ENAMETOOLONG), so the Python walk reports
# such a folder unreadable; find, which works from the parent, would walk it: that group is
# walked again in Python
_PATH_MAX = 4096
# a record starts at its letter and a match consumes it through its NUL, so the search (a fast
# scan for the letters) resumes after it; between two matches there are only the bare NULs of
# the other entries, and anything else there (a record that does not match) `_parse` refuses
_RECORD = lazy(rb"([DSUX])(\d+) ([^\0]*)\0")


class _NoFind(Exception):
    """The first find could not start: the walk goes on without find."""


@functools.cache
def find_binary() -> str | None:
    """GNU find's path, or None (none, or another find: BSD find has no -printf)."""
    import subprocess

    for path in _CANDIDATES:
        if not os.access(path, os.X_OK):
            continue
        try:
            done = subprocess.run([path, "--version"], capture_output=True, timeout=2, env={"LC_ALL": "C"},
                                  stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0 and b"GNU findutils" in done.stdout:
            return path
    return None


def expression(root: str, patterns: Sequence[str], uid: int) -> list[str] | None:
    """find's expression for a walk of `root` excluding `patterns`, or None where find's globs
    would not mean what doctor.host.owner_walk.exclusion means (then Python walks)."""
    if fnmatch_globs(patterns) is None:
        return None
    prefix = re.sub(r"([*?[\\])", r"\\\1", root.rstrip("/")) + "/"
    tests: list[str] = []
    for pattern in map(exclude_pattern, patterns):
        tests += [*(("-o",) if tests else ()), *(("-path", prefix + pattern) if "/" in pattern else ("-name", pattern))]
    excluded = ["(", *tests, ")", "-printf", r"X%d %p\0", "-prune", "-o"] if tests else []
    # -noleaf: no guess from a folder's link count (wrong on btrfs, 9p, some FUSE file systems)
    return ["-noleaf", *excluded, "-type", "d", "!", "-readable", "-printf", r"U%d %U %G %p\0", "-prune", "-o",
            "-type", "d", "-printf", r"D%d %i %T@ %C@ %U %G %p\0", "-o",
            "!", "-uid", str(uid), "-printf", r"S%d %U %G %p\0", "-o", "-printf", r"\0"]


def find_walk(walk: _Walk, jobs: list[str], root: str, processes: int,
              progress: Callable[[int], None] | None, started: float) -> bool:
    """Walk `jobs` (folders already counted and owner-checked by `walk`) with GNU find, merging
    into `walk`; False (nothing done) where find cannot do this walk."""
    find = find_binary()
    tail = expression(root, walk.exclude, walk.uid) if find is not None else None
    if find is None or tail is None:
        return False
    import selectors
    import subprocess
    import time

    processes = max(1, processes)
    size = sum(len(job) + 1 for job in jobs)  # of the command lines: each stays far below ARG_MAX
    count = max(1, min(len(jobs), max(GROUPS_PER_PROCESS * processes, -(-size // ARGS_PER_FIND))))
    groups = [jobs[i::count] for i in range(count)]
    waiting = list(range(count))
    running: dict[int, tuple[subprocess.Popen[bytes], int]] = {}  # read fd -> (find, its group)
    outputs: dict[int, bytearray] = {}
    failed: list[int] = []
    ended: list[int] = []
    spawned: list[int] = []
    seen = 0
    paced = time.monotonic()
    selector = selectors.DefaultSelector()

    def start() -> None:
        group = waiting.pop(0)
        try:
            child = subprocess.Popen([find, "-P", *groups[group], *tail], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={"LC_ALL": "C"},
                                     cwd="/")
        except (OSError, ValueError):  # ValueError: a NUL in a path (never one the walk listed)
            if not spawned:  # not one find could start (no process left, exec refused): fork instead
                raise _NoFind from None
            failed.append(group)
            return
        assert child.stdout is not None
        fd = child.stdout.fileno()
        running[fd] = (child, group)  # first: an interrupt from here on kills it (the finally below)
        os.set_blocking(fd, False)
        outputs[group] = bytearray()
        spawned.append(group)
        selector.register(fd, selectors.EVENT_READ)

    before = walk.count

    def done(group: int) -> None:
        """Merge a find's output as soon as it ends, while the others still run."""
        share = walk.fresh(walk.room)
        collecting = gc.isenabled()
        gc.disable()  # the parse makes tens of thousands of lists and tuples, none in a cycle
        try:
            _parse(share, bytes(outputs.pop(group)), len(groups[group]))
        except (ValueError, IndexError):  # output this parse does not know: walk it here instead
            failed.append(group)
            return
        finally:
            if collecting:
                gc.enable()
        walk.merge(share.raw())
        walk.room = share.room

    try:
        try:
            start()
        except _NoFind:
            return False
        while waiting or running or ended:
            while waiting and len(running) < processes:
                start()  # the next find first: this process parses while it runs
            while ended:
                done(ended.pop())
            if not running:
                continue
            for key, _ in selector.select(timeout=0.1):
                fd = key.fd
                child, group = running[fd]
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if chunk:
                    outputs[group] += chunk
                    seen += chunk.count(b"\0")
                    continue
                selector.unregister(fd)
                del running[fd]
                child.stdout.close()  # type: ignore[union-attr]
                (ended if child.wait() == 0 else failed).append(group)
            now = time.monotonic()
            if progress is not None and now - paced >= 0.1 and now - started >= 1.0:
                paced = now
                progress(before + seen)
    finally:
        for child, _ in running.values():
            child.kill()
            child.wait()
            child.stdout.close()  # type: ignore[union-attr]
        selector.close()
    for group in failed:
        walk.walk(list(groups[group]))  # a find that failed: Python walks its share again
    return True


def _parse(walk: _Walk, data: bytes, starts: int) -> None:
    """Merge one find's records into `walk` (see the module's docstring for the format); `starts`
    is how many folders that find was given, each of which must open with its depth-0 record.

    The hot loop of a big walk: one turn per folder and per stray (a folder of a node_modules
    tree holds ~8 entries, so 200,000 entries make ~25,000 turns), the bare NULs between two
    records counted by their length. Names and paths stay bytes until a folder closes.
    """
    # open folders by depth: [path, names to look at again, entries counted, excluded one, stamp]
    stack: list[list] = []  # type: ignore[type-arg]
    uid, racy, caching = walk.uid, walk.racy, walk.cache is not None
    mine = str(uid).encode()  # find prints %U in decimal, as str() does: compared as bytes, no int()
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # os.fsdecode, without its checks
    strays, unreadable, entries = walk.strays, walk.unreadable, walk.entries
    counted = 0
    opened = 0  # start points seen (a D0 or U0 record each)

    def close(down_to: int) -> None:
        while len(stack) > down_to:
            path, again, seen, skipped, stamp = stack.pop()
            text = path.decode(encoding, errors)
            if skipped:
                walk.excluded_in.append(text)
            if stamp is not None and walk.room > 0:
                walk.room -= 1 + len(again)
                names = b"\0".join(again).decode(encoding, errors).split("\0") if again else []
                entries[text] = (stamp, names, seen, skipped)

    def files(start: int, end: int) -> int:
        """The entries between two records (a NUL each), counted towards the innermost open
        folder: the total is exact, a folder's own count is not where find lists some of its
        files after a subfolder's (the count only feeds the progress line and `scanned`)."""
        if not stack or data.count(b"\0", start, end) != end - start:
            raise ValueError(data[start:start + 64])
        stack[-1][2] += end - start
        return end - start

    pos = 0
    for match in _RECORD.finditer(data):
        start, end = match.span()
        if start > pos:
            counted += files(pos, start)
        pos = end
        kind, number, rest = match.groups()
        depth = int(number)
        if kind == b"D":
            ino, mtime, ctime, owner, group, path = rest.split(b" ", 5)
            if len(path) >= _PATH_MAX:  # open() refuses it: the Python walk says unreadable, counts nothing below
                raise ValueError(path[:64])
            if len(stack) > depth:
                close(depth)
            if depth:
                parent = stack[depth - 1]
                parent[2] += 1
                if caching:
                    parent[1].append(path[len(parent[0]) + 1:])
                counted += 1
                if owner != mine:
                    strays.append((path.decode(encoding, errors), int(owner), int(group), True))
            else:
                opened += 1
            stamp = _stamp(ino, mtime, ctime, racy) if caching else None
            stack.append([path, [], 0, False, stamp])
            continue
        if not depth:
            if kind != b"U":  # a queued folder that is no longer one (a symlink now): Python's walk says so
                raise ValueError(rest)
            close(0)  # a queued folder this user cannot list (counted and checked where it was listed)
            opened += 1
            unreadable.append(rest.split(b" ", 2)[2].decode(encoding, errors))
            continue
        parent = stack[depth - 1]
        parent[2] += 1
        counted += 1
        if kind == b"X":
            parent[3] = True
            continue
        owner, group, path = rest.split(b" ", 2)
        if caching:
            parent[1].append(path[len(parent[0]) + 1:])
        if kind == b"U":  # a folder this user cannot list: as the Python walk, unreadable, not entered
            unreadable.append(path.decode(encoding, errors))
            if owner != mine:
                strays.append((path.decode(encoding, errors), int(owner), int(group), True))
        else:
            strays.append((path.decode(encoding, errors), int(owner), int(group), False))
    if pos < len(data):
        counted += files(pos, len(data))
    if opened != starts:  # a queued folder that is a file or a symlink now prints no D0 record
        raise ValueError(opened)
    close(0)
    walk.count += counted


def _stamp(ino: bytes, mtime: bytes, ctime: bytes, racy: int) -> tuple[int, int, int] | None:
    """owner_walk.stamp_of from find's %i, %T@ and %C@; None also for a time this parse does not
    know (not cached)."""
    mtime_ns, ctime_ns = _ns(mtime), _ns(ctime)
    if mtime_ns is None or ctime_ns is None:
        return None
    return stamp_of(int(ino), mtime_ns, ctime_ns, racy)


def _ns(text: bytes) -> int | None:
    """Nanoseconds since 1970 from find's %T@ (seconds, a dot, ten digits: the nanoseconds and a
    0), or None for a form this parse does not know."""
    if len(text) > 11 and text[-11] == 0x2E and text[0] != 0x2D:  # "S.FFFFFFFFF0" from 1970 on: one int()
        digits = text[:-11] + text[-10:-1]
        if digits.isdigit():
            return int(digits)
    seconds, _, fraction = text.partition(b".")  # before 1970: "-2.5000000000" is -2 s + 0.5 s
    if not seconds.lstrip(b"-").isdigit() or not fraction.isdigit():
        return None
    return int(seconds) * 1_000_000_000 + int((fraction + b"000000000")[:9])
