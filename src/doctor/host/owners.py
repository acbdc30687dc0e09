"""Who owns the files of a project: a fast parallel walk that never follows a symlink.

Containers that write into a bind mount as root leave root-owned files behind
(`__pycache__`, `node_modules`, `.pytest_cache`, even objects in `.git`), which the developer
can then neither edit nor delete. The walk lstat()s every entry with `os.scandir`, relative to
each directory's fd, from a pool of threads over directories that grows while stat() is slow
(cold cache, network or FUSE file systems): the blocking call releases the GIL, so the
threads overlap there. On a warm cache one thread is faster (see `_Pacer`).

`python -m doctor.host.owners TREE UID` prints the paths not owned by UID (as `find TREE ! -uid
UID` does); benchmarks/owners.sh compares the two.
"""

from __future__ import annotations

import fnmatch
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

WORKERS = 8
PROGRESS_AFTER = 1.0
PACE = 0.1
# a warm page cache yields ~250k lstat/s from one thread; far fewer means stat() is waiting on I/O
SLOW_ENTRIES_PER_PACE = 5000
_DIR_FLAGS = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
              | getattr(os, "O_CLOEXEC", 0))


@dataclass(frozen=True)
class Owner:
    """The uid:gid a project's files should have, and why (`source`)."""

    uid: int
    gid: int
    source: str

    def display(self) -> str:
        return _user_name(self.uid)


@dataclass(frozen=True)
class Stray:
    """An entry whose owner differs from the expected one (an lstat: symlinks are not followed)."""

    path: Path
    uid: int
    gid: int
    is_dir: bool


@dataclass(frozen=True)
class OwnerScan:
    """The result of one walk: the strays, how many entries were seen, what could not be read."""

    root: Path
    uid: int
    strays: tuple[Stray, ...]
    scanned: int
    unreadable: tuple[Path, ...] = ()
    # directories holding an excluded entry: a recursive chown of one of them (or of an
    # ancestor) would touch what the user asked doctor to leave alone
    excluded_in: frozenset[Path] = frozenset()

    def chown_roots(self, within: Path | None = None) -> tuple[tuple[Path, bool], ...]:
        """The fewest (path, recursive) chown operands that cover every stray (under `within`)."""
        impure: set[Path] = set()
        for directory in self.excluded_in:
            while directory not in impure:
                impure.add(directory)
                if directory == self.root or directory.parent == directory:
                    break
                directory = directory.parent
        stray_dirs = {s.path for s in self.strays if s.is_dir}
        pure = stray_dirs - impure
        roots = []
        for stray in sorted(self.strays, key=lambda s: s.path):
            if within is not None and not stray.path.is_relative_to(within):
                continue
            if any(parent in pure for parent in stray.path.parents
                   if within is None or parent.is_relative_to(within)):
                continue
            roots.append((stray.path, stray.path in pure))
        return tuple(roots)


def expected_owner(root: Path, env: Mapping[str, str]) -> Owner:
    """The owner project files should have: the sudo user under sudo, else the directory's owner.

    Not "anyone but root": doctor may run as root in CI, on a checkout root owns.
    """
    euid = os.geteuid()
    if euid == 0 and env.get("SUDO_UID", "").isdigit():
        gid = env.get("SUDO_GID", "")
        return Owner(int(env["SUDO_UID"]), int(gid) if gid.isdigit() else int(env["SUDO_UID"]), "SUDO_UID")
    st = os.stat(root)
    if st.st_uid == 0 and euid != 0:
        # a root-owned project dir while a user runs doctor: the dir itself is the stray
        return Owner(euid, os.getegid(), "current user")
    return Owner(st.st_uid, st.st_gid, f"owner of {root.name or root}")


def excluded(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a project-relative posix path matches an exclude pattern (glob, or a folder prefix)."""
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.strip("/")
        if "/" in pattern:
            if fnmatch.fnmatchcase(relative, pattern) or relative.startswith(pattern + "/"):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def scan_owners(
    root: Path,
    uid: int,
    exclude: Sequence[str] = (),
    workers: int = WORKERS,
    progress: Callable[[int], None] | None = None,
) -> OwnerScan:
    """Every entry under `root` (root included) not owned by `uid`, walking from `workers` threads."""
    root = Path(os.path.realpath(root))  # the project may be reached through a symlink: walk its target
    prefix = len(str(root).rstrip("/")) + 1
    strays: list[Stray] = []
    excluded_in: list[str] = []
    unreadable: list[Path] = []
    counts = [0]
    st = os.lstat(root)
    if st.st_uid != uid:
        strays.append(Stray(root, st.st_uid, st.st_gid, True))
    todo: queue.Queue[str | None] = queue.Queue()
    todo.put(str(root))

    def scan(path: str) -> None:
        skipped = False
        seen = 0
        try:
            # stat relative to the directory's fd (fstatat): no full-path lookup per entry, and
            # O_NOFOLLOW refuses a directory swapped for a symlink since it was listed
            fd = os.open(path, _DIR_FLAGS)
        except OSError:
            unreadable.append(Path(path))
            return
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    seen += 1
                    if exclude and excluded(f"{path[prefix:]}/{entry.name}".lstrip("/"), exclude):
                        skipped = True
                        continue
                    info = entry.stat(follow_symlinks=False)
                    is_dir = entry.is_dir(follow_symlinks=False)  # d_type: a symlink is never a dir
                    if info.st_uid != uid:
                        strays.append(Stray(Path(path, entry.name), info.st_uid, info.st_gid, is_dir))
                    if is_dir:
                        todo.put(f"{path}/{entry.name}")
        except OSError:
            unreadable.append(Path(path))
        finally:
            os.close(fd)
        if skipped:
            excluded_in.append(path)
        counts[0] += seen  # racy by design: only the progress line and the pacer read it

    def work() -> None:
        while True:
            path = todo.get()
            if path is None:
                todo.task_done()
                return
            scan(path)
            todo.task_done()

    threads = [threading.Thread(target=work, daemon=True)]
    threads[0].start()
    pacer = _Pacer(counts, progress, lambda: _add_worker(threads, work, todo, workers))
    todo.join()
    pacer.stop()
    for _ in threads:
        todo.put(None)
    for thread in threads:
        thread.join()
    return OwnerScan(root, uid, tuple(strays), counts[0] + 1, tuple(unreadable),
                     frozenset(map(Path, excluded_in)))


def _add_worker(threads: list[threading.Thread], work: Callable[[], None], todo: queue.Queue[str | None],
                limit: int) -> None:
    if len(threads) < limit and todo.qsize() > 1:
        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()


class _Pacer:
    """Adds walker threads while the walk is I/O-bound, and reports progress after a second.

    Threads overlap only where stat() blocks (cold cache, network or FUSE file systems): on a
    warm cache each stat is a microsecond and handing the GIL between threads costs more than
    it saves, so the walk starts with one thread and grows only when entries come in slowly.
    """

    def __init__(self, counts: list[int], progress: Callable[[int], None] | None,
                 grow: Callable[[], None]) -> None:
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(counts, progress, grow), daemon=True)
        self._thread.start()

    def _run(self, counts: list[int], progress: Callable[[int], None] | None,
             grow: Callable[[], None]) -> None:
        started = time.monotonic()
        last = 0
        while not self._done.wait(PACE):
            if counts[0] - last < SLOW_ENTRIES_PER_PACE:
                grow()
            last = counts[0]
            if progress is not None and time.monotonic() - started >= PROGRESS_AFTER:
                progress(last)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


class StderrProgress:
    """A one-line `\\r` counter on a terminal's stderr, erased when done (plain text, no rich)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = False

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> StderrProgress | None:
        """A progress line only when stderr is a terminal (never into a pipe or a log)."""
        stream = stream or sys.stderr
        return cls(stream) if stream.isatty() else None

    def __call__(self, count: int) -> None:
        self.stream.write(f"\rdoctor: checking file owners… {count:,} entries")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


class OwnerProbe:
    """The Host's view of file ownership: one walk per (root, exclude), with progress on a TTY."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self._scans: dict[tuple[Path, tuple[str, ...]], OwnerScan] = {}

    def expected(self, root: Path) -> Owner:
        return expected_owner(root, self.env)

    def scan(self, root: Path, exclude: Iterable[str] = ()) -> OwnerScan:
        key = (root, tuple(exclude))
        if key not in self._scans:
            progress = StderrProgress.for_terminal()
            try:
                self._scans[key] = scan_owners(root, self.expected(root).uid, key[1], progress=progress)
            finally:
                if progress is not None:
                    progress.clear()
        return self._scans[key]

    @property
    def euid(self) -> int:
        return os.geteuid()


def _user_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def main(argv: Sequence[str]) -> int:
    """`python -m doctor.host.owners TREE UID [WORKERS]`: print each path not owned by UID."""
    if len(argv) not in (2, 3) or not argv[1].isdigit():
        print("usage: python -m doctor.host.owners TREE UID [WORKERS]", file=sys.stderr)
        return 2
    started = time.perf_counter()
    workers = int(argv[2]) if len(argv) == 3 else WORKERS
    result = scan_owners(Path(argv[0]), int(argv[1]), workers=workers, progress=StderrProgress.for_terminal())
    out = sys.stdout
    out.writelines(f"{s.path}\n" for s in result.strays)
    if os.environ.get("DOCTOR_OWNERS_STATS"):
        print(f"{result.scanned} entries, {len(result.strays)} strays, "
              f"{time.perf_counter() - started:.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
