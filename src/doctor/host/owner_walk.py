"""The ownership walk: every entry under a root not owned by a uid, never following a symlink.

The walk lstat()s every entry relative to its directory's fd. A full walk (no folder of a warm
cache to skip) runs in C where the package was built with doctor.host._ownerwalk
(doctor.host.owner_native: the same walk, in a thread per idle core). Else it starts breadth first in the
calling thread, which a warm cache keeps busy (~1 µs a stat: handing the GIL around costs more
than it saves). A big tree's full walk then goes on in GNU
find processes, one per core (doctor.host.owner_find: C's lstat() loop costs about half of
Python's CPU); where find cannot take it, the walk is split over forked walkers, one per core
(doctor.host.owner_parallel's `fork_walk`); a walk waiting on stat() (cold cache, network or FUSE
file systems) goes on in a pool of threads instead, as a blocking call releases the GIL (`threads_walk`).

With a cache folder (doctor.host.owner_cache), a folder whose stamp (inode, mtime, ctime, from
an fstat of the fd the walk opens) is the one the last walk stored is not listed again: only
its remembered subfolders and strays are lstat()ed (a stray chowned back is no longer one, a
vanished name is skipped), each subfolder is checked the same way, and the remembered count of
entries is added. A new, deleted or renamed entry changes its folder's stamp, a `chown -R` every
folder's: those are listed in full. An entry chowned in place in a folder left untouched is
found by the next full walk: a run that finds the cache over an hour old uses it, and a full
walk renews it once that run has ended (doctor.host.owner_refresh), so no preflight but the
first on a project (or the first after a day) pays for a full walk.

doctor.host.owners is the Host's side (the expected owner, one scan per root, progress).
"""

from __future__ import annotations

import collections
import fnmatch
import os
import re
import stat
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from doctor.host import owner_early, owner_pace
from doctor.host.owner_scan import OwnerScan
from doctor.host.owner_scan import path_order as path_order  # checks/root_owned_files imports it here
from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host.owner_cache import Entry

WORKERS = 8
# entries walked here before the rest is split over forked walkers: a small project never
# forks; past ~3,000 entries a fork (~1 ms) already pays for itself (measured on 2 cores)
FORK_AFTER = 2_000
SUBTREES_PER_PROCESS = 8  # frontier directories per walker before splitting, for balance
# a walker's result: strays (path, uid, gid, is_dir), unreadable dirs, dirs holding an excluded entry,
# count, count taken from the cache, the cache entries it made or kept (owner_cache.Entry by path)
_Raw = tuple[list[tuple[str, int, int, bool]], list[str], list[str], int, int, dict[str, "Entry"]]
_DIR_FLAGS = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
              | getattr(os, "O_CLOEXEC", 0))


def exclude_pattern(pattern: str) -> str:
    """An exclude pattern as every walk matches it: without the slashes around it, doubled slashes
    or `.` steps, since a compose file writes the project's data folder `./data`: `./data`,
    `data/` and `/data` are `data` (a name anywhere), `./backend/./x` the path `backend/x`."""
    return "/".join(part for part in pattern.split("/") if part not in ("", "."))


def exclusion(patterns: Sequence[str]) -> Callable[[str], object] | None:
    """A test of project-relative posix paths against exclude patterns; None when there are none.

    A pattern with a slash is a glob over the relative path or a folder prefix; one without is
    a glob over the last name (`*.pyc`, `node_modules`). All compile into one regex, since the
    test runs once per entry of the walk.
    """
    alternatives = []
    for pattern in map(exclude_pattern, patterns):
        if "/" in pattern:
            alternatives += [fnmatch.translate(pattern), re.escape(pattern + "/")]
        else:  # the glob must cover the last name whole (its `*` would cross a slash)
            alternatives.append(r"(?s:.*/)?(?=[^/]*\Z)" + fnmatch.translate(pattern))
    return re.compile("|".join(alternatives)).match if alternatives else None


_UNSAFE_GLOB = lazy(r"[?[\\]")  # compiled from doctor.recache's table: ~0.1 ms a full walk


def fnmatch_globs(patterns: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """The exclude patterns as C's fnmatch(3) takes them, GNU find's `-name` and `-path` and
    doctor.host._ownerwalk: (globs over an entry's name, globs over its project-relative path);
    None where one would not mean there what `exclusion` means: `?`, `[` and `\\` (C's fnmatch
    and Python's differ there), an empty pattern, one a command line cannot carry."""
    names: list[str] = []
    paths: list[str] = []
    for pattern in map(exclude_pattern, patterns):
        if not pattern or _UNSAFE_GLOB.search(pattern) or "\0" in pattern:
            return None
        try:
            os.fsencode(pattern)
        except UnicodeError:  # a lone surrogate
            return None
        (paths if "/" in pattern else names).append(pattern)
    return names, paths


class _Walk:
    """One process's share of a walk, as plain strings and tuples (cheap to send through a pipe)."""

    def __init__(self, uid: int, prefix: int, exclude: Sequence[str], cache: dict[str, Entry] | None = None,
                 racy: int = 0, room: int = 0) -> None:
        self.uid = uid
        self.prefix = prefix  # len(root + "/"): path[prefix:] is project-relative
        self.exclude = exclude
        self.skip = exclusion(exclude)
        self.strays: list[tuple[str, int, int, bool]] = []  # (path, uid, gid, is_dir)
        self.unreadable: list[str] = []
        self.excluded_in: list[str] = []
        self.count = 0
        # the last walk's entries by folder path (owner_cache); None: no cache, no fstat per folder
        self.cache = cache
        self.racy = racy  # a folder with an mtime or ctime (ns) from here on is not stored: racy
        self.reused = 0  # entries counted from the cache, not listed
        self.entries: dict[str, Entry] = {}  # this walk's entries: made (listed) or kept (unchanged)
        # folders and names it may still remember: past that, folders are walked but not stored
        # (a folder with no entry is simply listed next time), so memory stays bounded
        self.room = room

    def fresh(self, room: int | None = None) -> _Walk:
        return _Walk(self.uid, self.prefix, self.exclude, self.cache, self.racy, self.room if room is None else room)

    def directory(self, path: str, push: Callable[[str], object]) -> None:
        """lstat every entry of one directory and `push` its subdirectories: the hot loop."""
        try:
            # stat relative to the directory's fd (fstatat): no full-path lookup per entry, and
            # O_NOFOLLOW refuses a directory swapped for a symlink since it was listed
            fd = os.open(path, _DIR_FLAGS)
        except OSError:
            self.unreadable.append(path)
            return
        uid, skip, stray, lstat, isdir = self.uid, self.skip, self.strays.append, os.lstat, stat.S_ISDIR
        base = path if path.endswith("/") else path + "/"
        skipped = False
        stamp = None
        try:
            if self.cache is not None:
                stamp = _stamp(fd, self.racy)
                entry = self.cache.get(path)
                if entry is not None and entry[0] == stamp and _sound(entry):
                    self._again(path, base, fd, entry, push)
                    return
            # names and an lstat each: cheaper than scandir's DirEntry objects, and a d_type the
            # file system left unknown cannot cost a second stat
            names = os.listdir(fd)
            seen = len(names)
            self.count += seen  # threads share it: CPython switches at calls and jumps, not inside a +=
            rel = base[self.prefix:]
            again: list[str] = []  # subdirectories and strays: what a cache hit looks at again
            keep = again.append
            for name in names:
                if skip is not None and skip(rel + name):
                    skipped = True
                    continue
                try:
                    info = lstat(name, dir_fd=fd)
                except FileNotFoundError:  # deleted since it was listed (a container at work)
                    continue
                if info.st_uid != uid:
                    stray((base + name, info.st_uid, info.st_gid, isdir(info.st_mode)))
                    keep(name)
                    if isdir(info.st_mode):
                        push(base + name)
                elif isdir(info.st_mode):
                    push(base + name)
                    keep(name)
            if stamp is not None and self.room > 0:
                self.room -= 1 + len(again)
                self.entries[path] = (stamp, again, seen, skipped)
        except OSError:
            self.unreadable.append(path)
        finally:
            os.close(fd)
        if skipped:
            self.excluded_in.append(path)

    def _again(self, path: str, base: str, fd: int, entry: Entry, push: Callable[[str], object]) -> None:
        """A folder unchanged since the last walk: lstat only its remembered subfolders and strays."""
        _, names, seen, skipped = entry
        uid, stray, lstat, isdir = self.uid, self.strays.append, os.lstat, stat.S_ISDIR
        self.count += seen
        self.reused += seen
        for name in names:
            try:
                info = lstat(name, dir_fd=fd)
            except FileNotFoundError:  # deleted since (the folder's stamp then changes too)
                continue
            if info.st_uid != uid:
                stray((base + name, info.st_uid, info.st_gid, isdir(info.st_mode)))
            if isdir(info.st_mode):
                push(base + name)
        if self.room > 0:
            self.room -= 1 + len(names)
            self.entries[path] = entry
        if skipped:
            self.excluded_in.append(path)

    def walk(self, paths: list[str], counter: memoryview | None = None, slot: int = 0) -> None:
        """Every directory under `paths` (included), depth first, in this thread."""
        directory, pop, push = self.directory, paths.pop, paths.append
        while paths:
            directory(pop(), push)
            if counter is not None:
                counter[slot] = self.count

    def raw(self) -> _Raw:
        return self.strays, self.unreadable, self.excluded_in, self.count, self.reused, self.entries

    def merge(self, raw: _Raw) -> None:
        self.strays += raw[0]
        self.unreadable += raw[1]
        self.excluded_in += raw[2]
        self.count += raw[3]
        self.reused += raw[4]
        self.entries.update(raw[5])


def _sound(entry: object) -> bool:
    """Whether a cache entry has the shape a walk stores (a file of the user's own could still
    hold another): its names plain entry names, never a path out of the folder."""
    return (isinstance(entry, tuple) and len(entry) == 4 and isinstance(entry[1], list)
            and isinstance(entry[2], int) and isinstance(entry[3], bool)
            and all(isinstance(n, str) and "/" not in n and n not in ("", ".", "..") for n in entry[1]))


def _stamp(fd: int, racy: int) -> tuple[int, int, int] | None:
    """A folder's (inode, mtime, ctime) from its open fd; None when it cannot be trusted: changed
    from `racy` (ns) on, a timestamp the next change might not move, or not fstat()able."""
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return stamp_of(info.st_ino, info.st_mtime_ns, info.st_ctime_ns, racy)


def stamp_of(ino: int, mtime_ns: int, ctime_ns: int, racy: int) -> tuple[int, int, int] | None:
    """A folder's cache stamp from its inode and times; None when a time is from `racy` (ns) on
    (the next change might not move it). Both walks stamp through here (doctor.host.owner_find)."""
    if mtime_ns >= racy or ctime_ns >= racy:
        return None
    return ino, mtime_ns, ctime_ns


def scan_owners(
    root: Path,
    uid: int,
    exclude: Sequence[str] = (),
    workers: int = WORKERS,
    progress: Callable[[int], None] | None = None,
    processes: int | None = None,
    fork_after: int = FORK_AFTER,
    cache: str | None = None,
    full: bool = False,
) -> OwnerScan:
    """Every entry under `root` (root included) not owned by `uid`.

    The walk starts breadth first in this thread. Once it has listed `fork_after` entries, a
    fast walk leaves the directories still queued to `processes` GNU find processes at a time
    when nothing of a warm cache is left to skip (doctor.host.owner_find), else to `processes`
    forked walkers (default: one per usable core; 1: never fork); a slow one, waiting on I/O,
    to up to `workers` threads.
    `cache` is the folder of the walk's warm cache (doctor.host.owner_cache; None: none): the
    folders unchanged since the last walk are not listed again, and the cache is rewritten
    after a walk that changed it; one over an hour old is renewed by a full walk once this
    process has ended (doctor.host.owner_refresh). `full`: the cache is not read, only written.
    """
    root = Path(os.path.realpath(root))  # the project may be reached through a symlink: walk its target
    if processes is None:
        affinity = getattr(os, "sched_getaffinity", None)
        processes = len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    if not hasattr(os, "fork"):
        processes = 1
    old: dict[str, Entry] | None = None
    racy = 0
    if cache is not None:
        from doctor.host import owner_cache

        racy = time.time_ns() - owner_cache.RACY_NS
        now = time.time()
        loaded = None if full else owner_cache.load(cache, str(root), uid, exclude, now)
        created, old = loaded if loaded is not None else (now, {})
        if now - created > owner_cache.MAX_AGE:
            from doctor.host import owner_refresh

            owner_refresh.later(cache, str(root), uid, exclude)
    walk = _Walk(uid, len(str(root).rstrip("/")) + 1, exclude, old, racy,
                 owner_cache.MAX_ITEMS if cache is not None else 0)
    pending = collections.deque([str(root)])
    # a full walk: the one the preflight started early (owner_early), where it is this one
    early = owner_early.take((str(root), uid, tuple(exclude), cache)) if not walk.cache else None
    if early is not None:
        from doctor.host import owner_native

        owner_native.adopt(walk, early, workers, progress, processes)
        pending.clear()
    else:
        walk.strays += owner_early.root_stray(str(root), uid)
    if pending and not walk.cache:  # a full walk: in C where the package was built with it
        from doctor.host import owner_native

        if owner_native.native_walk(walk, str(root), pending, workers, progress, processes):
            pending.clear()
    directory, popleft, push, clock = walk.directory, pending.popleft, pending.append, time.monotonic
    started = paced = clock()
    ran_since_start = ran_since_pace = owner_pace.ran_ns()
    last = 0
    split = SUBTREES_PER_PROCESS * processes
    handoff = processes > 1 or not walk.cache  # whether the walk may leave this thread (to find, or forks)
    while pending:
        directory(popleft(), push)
        now = clock()
        # forked walkers for a walk that is CPU-bound; threads only help one waiting on stat().
        # Few entries a second alone is no proof of waiting: on a loaded machine (the second core
        # busy) the walk is as slow while it waits for a core, and threads would then fight over
        # the GIL. So "slow" also asks the scheduler whether this thread was blocked.
        if (handoff and walk.count - walk.reused >= fork_after and len(pending) >= split
                and not owner_pace.waiting_on_io(walk.count, now - started, ran_since_start)):
            # a full walk (no folder of a warm cache to skip) goes to GNU find; else forked walkers
            if not walk.cache:
                from doctor.host import owner_find  # here: a small project's walk never hands over

                if owner_find.find_walk(walk, list(pending), str(root), processes, progress, started):
                    break
            if processes > 1:
                from doctor.host.owner_parallel import fork_walk

                fork_walk(walk, list(pending), processes, progress, started)
                break
            handoff = False  # one core and no find: this thread walks on
        if now - paced >= owner_pace.PACE:
            if walk.count - last < owner_pace.SLOW_ENTRIES_PER_PACE and owner_pace.blocked(now - paced, ran_since_pace):
                from doctor.host.owner_parallel import threads_walk

                threads_walk(walk, pending, workers, progress, started)
                break
            paced, last, ran_since_pace = now, walk.count, owner_pace.ran_ns()
            if progress is not None and now - started >= owner_pace.PROGRESS_AFTER:
                progress(last)
    if cache is not None and walk.entries != old:  # old is the loaded table whenever there is a cache
        owner_cache.store(cache, str(root), uid, exclude, created, walk.entries)
    return OwnerScan(root, uid, tuple(sorted(walk.strays)), walk.count + 1, tuple(map(Path, walk.unreadable)),
                     frozenset(map(Path, walk.excluded_in)))
