"""The first ownership walk on a project, started as the preflight starts, beside the rest of it.

A preflight's first walk on a project (no warm cache: doctor.host.owner_cache) lists and
lstat()s every entry, which on a big tree is most of the run; the run's own start (the
interpreter's imports, the configuration, the compose file's parse) comes before the check that
asks for the walk. `start`, called by the command line before doctor imports its checks and
reads the project, starts that walk in a thread of its own when the command line alone makes it
near certain: root-owned-files selected (or no --select) and not ignored, no doctor.yaml or
pyproject.toml naming doctor in the project folder (they may choose the checks or exclude paths),
a compose file in it, Linux (where containers leave root-owned files), doctor.host._ownerwalk
built, and no cache file of this project's walk. The C walk lists folders without the GIL, in
batches (the GIL is taken once a batch), so the run's Python code goes on beside it.

The walk is a guess at the one the check will ask for: the project folder, its owner's uid (as
doctor.host.owners.expected_owner), no exclude pattern, the cache on or off as the run has it.
doctor.host.owner_walk.scan_owners adopts it (`take`) only when the check asks for exactly that
walk, and a full one; any other ask stops it (the check's scope widened to a bind beside the
project, a SUDO_UID, a pattern). Adopted, it goes on as owner_native's walk would from where it is
(in a thread per idle core, or in the caller's), or, found waiting on I/O after its first slice,
in Python's threads. What no check takes is stopped when the checks have run (`discard`); the
process's exit ends a thread still in a slice. This module imports only `os`, `sys` and `_thread`
before the thread starts (doctor.host.early, compose_probe, doctor.cachedir and owner_cache, each
small, to read the folder and find the cache file): nothing the thread's start would wait for.
"""

from __future__ import annotations

import _thread
import os
import sys
import time  # already imported by the interpreter's start

from doctor.host import owner_pace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType

ROOT_OWNED = "root-owned-files"
WALKING, DONE, ON_IO, STOPPED = "walking", "done", "waiting on I/O", "stopped"


class Early:
    """One walk started early: its key (root, uid, exclude, cache folder), the C walk's arguments
    and results (owner_walk._Walk's lists and dict), and its thread's state."""

    __slots__ = ("count", "done", "entries", "error", "excluded_in", "fixed", "key", "module", "pid", "racy",
                 "room", "stack", "started", "state", "stop", "strays", "unchecked", "unreadable")

    def __init__(self, key: tuple[str, int, tuple[str, ...], str | None], module: ModuleType,
                 fixed: tuple[object, ...], racy: int, room: int) -> None:
        self.key = key
        self.module = module  # the C walk (doctor.host._ownerwalk), which the check's walk goes on with
        self.fixed = fixed
        self.racy = racy
        self.room = [room]
        self.strays: list[tuple[str, int, int, bool]] = []
        self.unreadable: list[str] = []
        self.excluded_in: list[str] = []
        self.entries: dict[str, object] = {}
        self.unchecked: set[str] = set()
        self.stack = [key[0]]
        self.count = 0
        self.state = WALKING
        self.stop = False
        self.error: BaseException | None = None
        self.started = time.monotonic()
        self.done = _thread.allocate_lock()  # held while the thread walks
        self.pid = os.getpid()  # a forked process has the walk's memory, not its thread


_early: list[Early] = []
# the command line's call (`ahead`): doctor.app's same call that follows is answered by it, once
_ahead: list[tuple[tuple[str, Sequence[str] | None, Sequence[str] | None], dict[str, str]]] = []


def start(env: Mapping[str, str], path: str, select: Sequence[str] | None, ignore: Sequence[str] | None,
          ahead: bool = False) -> None:
    """Start the walk root-owned-files will surely ask for, when the command line says so (see the
    module docstring). Never raises: a walk that cannot start is made by the check as before.
    `ahead`: the command line's call, before doctor.app's run_preflight makes the same one, which
    then returns at once (its answer is this one's: the same arguments, nothing run between)."""
    asked = (path, select, ignore)
    if _ahead and not ahead and _ahead.pop() == (asked, dict(env)):
        return
    _ahead.clear()
    if ahead:
        _ahead.append((asked, dict(env)))
    if _early or not sys.platform.startswith("linux"):
        return
    if (select is not None and ROOT_OWNED not in select) or (ignore is not None and ROOT_OWNED in ignore):
        return
    try:
        _start(env, path)
    except Exception:  # a guess that cannot be made is no error: the check walks
        return


def forget_ahead() -> None:
    """The command line's run is over: a later `start` (code calling doctor in-process) does its work."""
    _ahead.clear()


def _start(env: Mapping[str, str], path: str) -> None:
    module = c_walk()
    if module is None:
        return
    from doctor.host.early import configured

    if configured(path) or not os.path.isdir(path):  # a compose file named: the project loader decides
        return
    root = os.path.realpath(path)
    from doctor.host.compose_probe import MAIN_NAMES  # imports only os: the start's own next import

    if not any(os.path.isfile(os.path.join(root, name)) for name in MAIN_NAMES):
        return
    uid = expected_ids(root, env)[0]
    from doctor.cachedir import cache_dir, keep_out
    from doctor.host import owner_cache

    keep_out(root)  # as the run does before it asks for a cache folder: none inside the project
    cache = cache_dir(env)
    if cache is not None and os.path.exists(os.path.join(cache, owner_cache.file_name(root, uid, ()))):
        return  # a warm cache: the check's walk lists only what changed
    racy = time.time_ns() - owner_cache.RACY_NS
    fixed = c_arguments(uid, (), (), root, cache is not None, racy)
    early = Early((root, uid, (), cache), module, fixed, racy, owner_cache.MAX_ITEMS if cache is not None else 0)
    early.strays += root_stray(root, uid)
    early.done.acquire()
    try:
        _thread.start_new_thread(_walk, (early,))
    except RuntimeError:  # "can't start new thread" (a pids limit): the check walks
        early.done.release()
        return
    _early.append(early)


def c_walk() -> ModuleType | None:
    """The C walk, doctor.host._ownerwalk; None where the package was built without it (no
    compiler, or a pure-Python install). doctor.host.owner_native loads it here too."""
    try:
        from doctor.host import _ownerwalk  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _ownerwalk  # type: ignore[no-any-return]


_MAX_NS = (1 << 63) - 1  # the C walk's times are 64-bit nanoseconds


def c_arguments(uid: int, names: tuple[bytes, ...], paths: tuple[bytes, ...], root: str, caching: bool,
                racy: int) -> tuple[object, ...]:
    """The C walk's arguments that stay the same for a whole walk, up to its `room` (the module's
    source says what each is): `names` and `paths` the exclude globs, as bytes."""
    return uid, names, paths, len(os.fsencode(root.rstrip("/"))) + 1, caching, min(racy, _MAX_NS)


def root_stray(root: str, uid: int) -> list[tuple[str, int, int, bool]]:
    """The walk's root itself as a stray row, when `uid` does not own it (the walk lists only what
    is below it)."""
    info = os.lstat(root)
    return [] if info.st_uid == uid else [(root, info.st_uid, info.st_gid, True)]


def _walk(early: Early) -> None:
    """The thread: the first slice (every entry lstat()ed where it is listed), the test for a walk
    waiting on I/O, then slices until the stack is empty or `stop` is set."""
    module = early.module
    try:
        results = (early.strays, early.unreadable, early.excluded_in, early.entries)
        ran = owner_pace.ran_ns()
        count = module.walk(early.stack, *early.fixed, early.room, owner_pace.FIRST_SLICE, *results)
        early.count += count
        if early.stack and owner_pace.waiting_on_io(count, time.monotonic() - early.started, ran):
            early.state = ON_IO
            return
        later = (*results, early.unchecked)
        while early.stack and not early.stop:
            early.count += module.walk(early.stack, *early.fixed, early.room, owner_pace.SLICE, *later)
        early.state = STOPPED if early.stack else DONE
    except BaseException as error:  # handed to `take`, which leaves the walk to the check
        early.error = error
    finally:
        early.done.release()


def take(key: tuple[str, int, tuple[str, ...], str | None]) -> Early | None:
    """The walk started early for exactly `key` (root, uid, exclude, cache folder), stopped where it
    is (its `state` says what is left: DONE, ON_IO or STOPPED with folders on its `stack`), handed
    over once; None (any other walk stopped) when there is none."""
    if not _early:
        return None
    early = _early.pop()
    if early.pid != os.getpid():
        return None  # a copy in a forked process: its thread walks in the parent only
    _end(early)
    if early.key != key or early.error is not None:
        return None
    return early


def discard() -> None:
    """Stop a walk no check took (the run's checks are done); never waits for its slice to end."""
    while _early:
        _early.pop().stop = True


def _end(early: Early) -> None:
    early.stop = True
    early.done.acquire()  # the slice under way ends (owner_pace.SLICE)
    early.done.release()


def expected_ids(root: str, env: Mapping[str, str]) -> tuple[int, int, str]:
    """(uid, gid, why) project files should have: the sudo user under sudo, else the folder's
    owner (doctor.host.owners.expected_owner). Not "anyone but root": doctor may run as root in
    CI, on a checkout root owns."""
    euid = os.geteuid()
    if euid == 0 and env.get("SUDO_UID", "").isdigit():
        gid = env.get("SUDO_GID", "")
        return int(env["SUDO_UID"]), int(gid) if gid.isdigit() else int(env["SUDO_UID"]), "SUDO_UID"
    info = os.stat(root)
    if info.st_uid == 0 and euid != 0:
        # a root-owned project dir while a user runs doctor: the dir itself is the stray
        return euid, os.getegid(), "current user"
    return info.st_uid, info.st_gid, f"owner of {os.path.basename(root.rstrip('/')) or root}"
