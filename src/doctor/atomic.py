"""Write a file all at once or not at all: every file doctor writes goes through here.

The temp file sits beside the target as `.NAME.PID.XXXX.doctor-tmp`, with the target's mode
from its first byte (a `.env` at 0600 never has a readable copy). A temp file whose writer
is gone (killed before its rename) is removed by the next write of the same target and by
`remove_stray_temps`, which `doctor fix` runs on the project directory under its lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

SUFFIX = ".doctor-tmp"


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP while the staged files of one fix are renamed over their
    targets, each delivered once the block ends (Ctrl-C raises KeyboardInterrupt there; a handler of
    doctor.commands raises its Terminated): a signal between two renames left one half of a fix
    (the override's port moved, the `.env` URL that follows it not), which the next run no longer
    saw. The renames and folder syncs take milliseconds; a signal held is delayed that long. Where
    the platform has no signal mask (Windows), or off the main thread, nothing is held."""
    import signal

    mask = getattr(signal, "pthread_sigmask", None)
    wanted = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    before = None
    if mask is not None:
        with contextlib.suppress(OSError, ValueError):
            before = mask(signal.SIG_BLOCK, wanted)
    try:
        yield
    finally:
        if mask is not None and before is not None:
            mask(signal.SIG_SETMASK, before)  # a signal held meanwhile is delivered here


class ChangedMeanwhile(OSError):
    """The target changed between the caller's check and the rename: nothing was written."""


def write_atomic(path: Path, data: bytes | Callable[[int], None], unchanged: Callable[[], bool] | None = None,
                 durable: bool = True) -> None:
    """Replace `path` by `data` or nothing: temp file beside it, fsync, rename, fsync the folder.

    `data` may be a function that writes the content into the temp file's descriptor (it
    copies from other files in the kernel: doctor.codecache); what it raises writes nothing.

    An existing file keeps its mode and owner; a new one gets the umask mode and its folder's
    owner. `unchanged`, when given, is asked once more right before the rename; False aborts
    with ChangedMeanwhile and the target is left as the user's edit made it. `durable=False`
    skips both fsyncs (~2 ms each): for a cache, whose torn file after a crash is a miss.
    """
    staged = stage(path, data, unchanged, durable)
    try:
        staged.commit()
    finally:
        staged.discard()  # interrupted before the rename: no temp file left (after it: nothing to do)


class Staged:
    """A file's new bytes written (and synced) beside it, not yet renamed over it.

    Several files that must change together are each staged first, then committed: a full disk,
    a folder it may not write or an edit meanwhile then shows before any of them is replaced,
    never between two renames (one half of a port move written, the `.env` URL it moves left)."""

    def __init__(self, path: Path, tmp: str, unchanged: Callable[[], bool] | None, durable: bool) -> None:
        self.path, self._tmp, self._unchanged, self._durable = path, tmp, unchanged, durable

    def current(self) -> bool:
        """Whether the target is still what the caller's check saw (no `unchanged` given: yes)."""
        return self._unchanged is None or self._unchanged()

    def commit(self) -> None:
        """Rename the temp file over the target; ChangedMeanwhile (nothing written) when it changed."""
        if not self._tmp:
            raise ValueError(f"{self.path.name}: staged write already committed or discarded")
        try:
            if not self.current():
                raise ChangedMeanwhile(f"{self.path.name} changed while doctor was writing it")
            os.replace(self._tmp, self.path)
        except BaseException:
            self.discard()
            raise
        self._tmp = ""
        if self._durable:
            _sync_folder(self.path.parent)  # make the rename itself durable

    def discard(self) -> None:
        """Remove the temp file, the target untouched (after commit: nothing to do)."""
        if self._tmp:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = ""


def stage(path: Path, data: bytes | Callable[[int], None], unchanged: Callable[[], bool] | None = None,
          durable: bool = True) -> Staged:
    """The first half of `write_atomic`: the temp file beside `path` written and synced, with the
    target's mode and owner; what it raises (ENOSPC, EACCES) leaves no temp file behind."""
    info = os.stat(path) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stray_temps(path.parent, path.name)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _copy_owner(handle.fileno(), info, path.parent)  # before the first byte: the mode of the target
            if callable(data):
                data(handle.fileno())
            else:
                handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Staged(path, tmp, unchanged, durable)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user named (`--output`): a regular file or a new path by `write_atomic`
    (through a symlink, its target), anything else that exists opened and written through.

    Renamed over, a device or a FIFO became a regular file (as root in a CI container,
    `--output /dev/null` replaced /dev/null), and /dev/stdout, a link to /proc/self/fd/1 whose
    target ("pipe:[N]") no path reaches, could not be written at all. Written through, a FIFO's
    reader gets the report, and stdout opened `>> log` gets it appended (O_APPEND), not the log
    replaced by it. A directory is IsADirectoryError, a path in a folder that does not exist FileNotFoundError (no
    folder is made); a socket fails to open (ENXIO), untouched.
    """
    if not _names_a_descriptor(path):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG  # a new file
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if stat.S_ISREG(mode):
            target = path.resolve()
            if not target.parent.is_dir():  # a path the user named: its folders are theirs to make
                raise FileNotFoundError(errno.ENOENT, "no such directory", str(target.parent))
            write_atomic(target, data)
            return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        view = memoryview(data)
        while view:  # a pipe takes a large report in parts
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _names_a_descriptor(path: Path) -> bool:
    """Whether `path` leads, link by link, to /dev/fd/N or /proc/PID/fd/N (as /dev/stdout does): a
    descriptor this process holds, to write through whatever it is open on, a regular file too."""
    name = os.path.abspath(path)
    for _ in range(40):  # the most links the kernel follows
        folder, number = os.path.split(name)
        if number.isdigit() and (folder == "/dev/fd" or (folder.startswith("/proc/") and folder.endswith("/fd"))):
            return True
        try:
            name = os.path.normpath(os.path.join(folder, os.readlink(name)))
        except OSError:
            return False
    return False


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new empty `.NAME.PID.XXXXXXXX.doctor-tmp` beside `path`, made as tempfile.mkstemp makes one
    (O_EXCL, mode 0600, not inherited, no symlink followed) without tempfile's imports (shutil, bz2,
    lzma, random: ~5 ms of every run that writes a cache)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{SUFFIX}")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(path.parent))


def remove_stray_temps(folder: Path, name: str = "") -> int:
    """Remove doctor's temp files in `folder` (of target `name`, or all) whose writer is gone; how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    prefix = f".{name}." if name else "."
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(SUFFIX)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and not _writer_alive(entry.name):
                os.unlink(entry.path)
                removed += 1
    return removed


def _writer_alive(name: str) -> bool:
    """Whether the process that made temp file `name` (`.TARGET.PID.XXXX.doctor-tmp`) still runs."""
    parts = name[: -len(SUFFIX)].split(".")
    pid = next((int(p) for p in reversed(parts[:-1]) if p.isdigit()), 0)
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _copy_owner(fd: int, info: os.stat_result | None, parent: Path) -> None:
    """Give the temp file the original's mode and owner (a new file: umask mode, the folder's owner)."""
    if info is not None:
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
        uid, gid = info.st_uid, info.st_gid
    else:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        folder = os.stat(parent)
        uid, gid = folder.st_uid, folder.st_gid  # doctor run as root must not leave root-owned files
    if (uid, gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(fd, uid, gid)
