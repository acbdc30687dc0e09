"""Work done for the next run once this one has ended, in a process of its own.

A login PATH over an hour old (doctor.host.login_refresh) and an ownership walk's cache over an
hour old (doctor.host.owner_refresh) still answer the run that finds them; what renews them
runs here. `start` spawns it in a session of its own, its output discarded, its stdin a pipe
whose other end only this process holds: /bin/sh reads that pipe to its end before the
interpreter starts, so the work starts when this process has ended, however it ends. It never
competes with the run for a core, and nothing waits for it. One worker per lock file at a time
(made with O_EXCL, removed by the worker when done, taken over once older than its age), one
per module in a process. Imports nothing but `os` until it starts one.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

LOCK_AGE = 60.0  # a lock older than this belongs to a worker that died: taken over
# the worker's first step: leave the run's folder (a worktree being removed, a mount), read
# stdin to its end (the run has ended), then become the worker
WAIT_THEN_EXEC = 'cd / 2>/dev/null; while read -r _; do :; done; exec "$@"'
_started: dict[str, int] = {}  # module -> the write end its worker waits on: open until this process ends


def start(module: str, args: Sequence[str], env: Mapping[str, str], lock: str, lock_age: float = LOCK_AGE) -> bool:
    """Run `main(args)` of `module` once this process has ended; whether a worker was started.

    `lock` is taken here (the worker removes it: `unlock`); none is started when it is held,
    when this process started one for `module` already, or when nothing can be spawned. The
    worker gets `env` and runs this doctor (`python -I`: neither the run's folder nor
    PYTHONPATH on sys.path). Never raises.
    """
    import sys

    if module in _started or not sys.executable or not hasattr(os, "posix_spawn"):
        return False
    if not _lock(lock, lock_age):
        return False
    import doctor

    # the doctor this process runs, whatever put it on sys.path (appended: never ahead of the stdlib)
    where = os.path.dirname(os.path.dirname(os.path.abspath(doctor.__file__)))
    code = ("import sys; sys.path.append(sys.argv.pop(1)); "
            f"from {module} import main; sys.exit(main(sys.argv[1:]))")
    _close_on_exec()  # what the caller handed down (`3>&1`, a flock's fd) must not outlive the run
    read_end, write_end = os.pipe()  # both close on exec: the worker's stdin is a dup of read_end
    actions = [(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    argv = [sys.executable, "-I", "-c", code, where, *args]
    if os.access("/bin/sh", os.X_OK):  # waits in a shell's read loop (~1 ms of CPU), not in an interpreter's start
        argv = ["/bin/sh", "-c", WAIT_THEN_EXEC, "sh", *argv]
    try:
        try:
            os.posix_spawn(argv[0], argv, dict(env), file_actions=actions, setsid=True)
        except NotImplementedError:  # no POSIX_SPAWN_SETSID: its own process group will do
            os.posix_spawn(argv[0], argv, dict(env), file_actions=actions, setpgroup=0)
    except OSError:
        os.close(write_end)
        unlock(lock)
        return False
    finally:
        os.close(read_end)
    _started[module] = write_end
    return True


def when_run_ended(lock: str, job: Callable[[], int]) -> int:
    """A worker's body: wait until the run that started it has ended (its stdin, a pipe only that
    run held, at its end), then do `job`, and remove `lock` however it ends."""
    try:
        while os.read(0, 4096):
            pass  # the run that started this one still holds the other end
    except OSError:
        pass
    try:
        return job()
    finally:
        unlock(lock)


def background() -> None:
    """Make the calling worker yield to the user's work: the idle priority (SCHED_IDLE, where
    there is one) and nice 19, inherited by what it starts."""
    import contextlib

    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.nice(19)


def _close_on_exec() -> None:
    """Mark every descriptor this process inherited above stderr close-on-exec: a worker
    holding the write end of a pipe its caller reads (`{ doctor preflight 3>&1; } | cat`) or a
    caller's `flock 9` would keep it open after the run. doctor hands no descriptor on to any
    program it starts (subprocess closes them; the probes' are made non-inheritable)."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    try:
        found = [int(name) for name in os.listdir(folder) if name.isdigit()]
    except OSError:
        return
    import contextlib

    for fd in found:
        if fd > 2:
            with contextlib.suppress(OSError):  # the listing's own descriptor, closed since
                os.set_inheritable(fd, False)


def _lock(lock: str, age: float = LOCK_AGE) -> bool:
    """Take a worker's lock: made here, or taken over from a worker that died (older than `age`)."""
    import time

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(2):
        try:
            os.close(os.open(lock, flags, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - os.lstat(lock).st_mtime < age:
                    return False  # a worker is waiting or at work
            except FileNotFoundError:
                continue  # it just ended: take it
            except OSError:
                return False
            unlock(lock)
        except OSError:  # an unwritable cache folder: no worker (nor cache)
            return False
    return False


def unlock(lock: str) -> None:
    """Remove a worker's lock (gone already: nothing to do)."""
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(lock)
