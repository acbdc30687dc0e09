"""The file side of `doctor fix`: per-file edit plans (doctor.file_edits), safe atomic writes, backups
and the run lock.

Texts are handled with "\\n" line breaks (what the checks read through universal newlines)
and written back with the file's own: a CRLF file stays CRLF. A file is written through a
temp file in its own directory, fsynced, renamed over the original (os.replace is atomic on
POSIX), with the original's mode and owner; an interrupted write leaves the original whole.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from doctor.atomic import ChangedMeanwhile, Staged, remove_stray_temps, signals_held, stage
from doctor.dirlock import folder_lock
from doctor.file_edits import FileEdits, RefusedEdit
from doctor.regular import read_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.yamlbytes import TextEncoding

COMMAND_TIMEOUT = 120.0
EDIT_LIMIT = 16 * 1024 * 1024  # compose files and .env (doctor.project.reading reads them up to this)
READ_ONLY = "to let doctor fix it"  # how read_only's refusals end (the fix failed)


def read_only(path: Path, display: str) -> str:
    """Why a file doctor may not replace is left alone ("" when it may): its owner made it read-only,
    or, run as another user than root, doctor may not write it or could not keep its owner.

    The atomic rename replaces a file whatever its mode, and root writes through any mode: the
    owner's write bit is the user's word, so it decides first. A user other than root is also held
    to what the kernel lets it write (a root-owned 0644 `.env` in the user's own folder: the rename
    went through and the file became the user's), and to files whose owner and group the new file
    can keep (fchown to another user is root's: a teammate's group-writable file would become ours; a
    group is kept where the new file gets it, from a setgid folder, or the user is in it).
    """
    try:
        info = os.stat(path)
    except OSError:
        return ""
    mode = info.st_mode
    if not mode & stat.S_IWUSR:
        return f"'{display}' is read-only (mode {stat.S_IMODE(mode):04o}): not changed; make it writable {READ_ONLY}"
    uid = os.geteuid() if hasattr(os, "geteuid") else 0
    if uid == 0:
        return ""
    owner, me = _user_name(info.st_uid), _user_name(uid)
    if not os.access(path, os.W_OK):
        return (f"'{display}' is not writable by {me} (owner {owner}, mode {stat.S_IMODE(mode):04o}): "
                f"not changed; make it writable {READ_ONLY}")
    if info.st_uid != uid:
        who = owner if info.st_uid == 0 else f"{owner} or root"
        return (f"'{display}' belongs to {owner}:{_group_name(info.st_gid)} and doctor runs as {me}: a new file "
                f"in its place would be {me}'s; not changed; run doctor fix as {who} {READ_ONLY}")
    new_gid = _new_file_group(path)
    if info.st_gid not in (new_gid, os.getegid(), *os.getgroups()):
        import shlex

        group, new = _group_name(info.st_gid), _group_name(new_gid)
        return (f"'{display}' has group {group}, which {me} is not in: a new file in its place would have group "
                f"{new}; not changed; run `chgrp {new} {shlex.quote(display)}` (or doctor fix as root) {READ_ONLY}")
    return ""


def _new_file_group(path: Path) -> int:
    """The group a new file beside `path` gets: its folder's where the folder is setgid, and on macOS
    and the BSDs always (the folder's group is the rule there), else the user's own (its egid); the
    write gives it the old file's group where the user is in that group (fchown: doctor.atomic)."""
    import sys

    try:
        folder = os.stat(path.parent)
    except OSError:
        return os.getegid()
    if folder.st_mode & stat.S_ISGID or sys.platform == "darwin" or "bsd" in sys.platform:
        return folder.st_gid
    return os.getegid()


def _user_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"gid {gid}"


def why_backed_up(path: Path) -> str:
    """Why a file is copied before its edit: "not tracked by git", or "edits git does not hold" (a
    tracked file whose working-tree bytes are neither committed nor staged)."""
    from doctor.project.gitrepo import tracked

    return "edits git does not hold" if tracked(path) else "not tracked by git"


def decode(data: bytes) -> tuple[str, bool, TextEncoding]:
    """(text with "\\n" breaks, whether the file used CRLF, its encoding): UTF-8, or UTF-16 after its
    byte-order mark as compose reads a compose file (doctor.project.yamlbytes), written back the same."""
    from doctor.project.yamlbytes import decode as decode_text

    text, encoding = decode_text(data)
    crlf = text.count("\r\n") > 0 and text.count("\r\n") * 2 >= text.count("\n")
    return text.replace("\r\n", "\n"), crlf, encoding


def state_dir(env: Mapping[str, str]) -> Path:
    """`$XDG_STATE_HOME/doctor` (default `~/.local/state/doctor`): backups and locks, never in the repo.
    A HOME or XDG_STATE_HOME that is empty or relative counts as unset (`HOME=` made it `/`, and the
    backups `/.local/state/doctor`): then the user's home in the password database, else
    `$TMPDIR/doctor-<uid>`, the private folder shared_backups lies in."""
    state = env.get("XDG_STATE_HOME") or ""
    if os.path.isabs(state):
        return Path(state) / "doctor"
    home = env.get("HOME") or ""
    if not os.path.isabs(home):
        home = _own_home()
    if not home:
        return shared_backups().parent
    return Path(home) / ".local" / "state" / "doctor"


def _own_home() -> str:
    """The user's home as the password database has it ("" without an entry); Path.home() off POSIX."""
    if os.name != "posix":
        return str(Path.home())
    import pwd

    try:
        home = pwd.getpwuid(os.geteuid()).pw_dir
    except KeyError:
        return ""
    return home if os.path.isabs(home) else ""


def backups_dir(env: Mapping[str, str], project_root: Path) -> Path:
    """Where backups go: `state_dir(env)/backups`, unless that lies in the project or the git work tree
    around it (HOME or XDG_STATE_HOME set to the checkout, as in some CI jobs and dev containers),
    where `git add -A` would stage a copy of an untracked `.env` and a `COPY . /app` bake its secrets
    into the image (doctor.cachedir.keep_out keeps the caches out the same way): then the state folder
    under the user's own home (the password database's), else a private folder in the temp folder."""
    from doctor import cachedir

    cachedir.keep_out(project_root)
    chosen = state_dir(env) / "backups"
    if not cachedir.in_project(chosen):
        return chosen
    import pwd

    with contextlib.suppress(KeyError, OSError):
        own = Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".local" / "state" / "doctor" / "backups"
        if own.is_absolute() and not cachedir.in_project(own):
            return own
    return shared_backups()


def shared_backups() -> Path:
    """`$TMPDIR/doctor-<uid>/backups`: the backups' last resort, in a folder other users may write; the
    system's /tmp (else /var/tmp) where TMPDIR lies in the project (HOME=$PWD, TMPDIR=$HOME/.tmp), in
    which git would add the copy. If every one does, the one in the project, which _backup refuses."""
    import tempfile

    from doctor import cachedir

    places = [Path(tempfile.gettempdir()) / f"doctor-{os.geteuid()}" / "backups"]
    places += [Path(temp) / f"doctor-{os.geteuid()}" / "backups" for temp in ("/tmp", "/var/tmp")]
    return next((place for place in places if not cachedir.in_project(place)), places[0])


class ProjectFiles:
    """Reads, checks, backs up and writes the files of one project; runs fix commands in it."""

    def __init__(self, root: Path, project_name: str, env: Mapping[str, str]) -> None:
        self.root = root.resolve()
        self.project_name = project_name or self.root.name
        self.env = env
        self.state_dir = state_dir(env)
        self.backups_dir = backups_dir(env, self.root)
        self._backups: list[tuple[Path, Path]] = []
        self._created: set[Path] = set()  # made by this run: nothing of the user's to back up
        self._written: set[Path] = set()  # written by this run: its user's bytes were git's, or backed up then
        # each file's bytes before this run first wrote it (None: this run made it), and the bytes it last
        # wrote there: what undoing a fix the re-check still reports puts back (doctor.fix_undo)
        self.originals: dict[Path, bytes | None] = {}
        self.wrote: dict[Path, bytes] = {}
        self._folders: set[Path] = set()  # made by this run for a file it made: removed with it, if empty
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        # fix commands of this run: the one the user accepted for a finding is the answer for
        # every other finding offering the very same command (one container holding two ports),
        # and a command that ran is not run again (its second run fails: "No such container")
        self.accepted: set[tuple[str, ...]] = set()
        self._ran: dict[tuple[str, ...], str] = {}

    @property
    def backups(self) -> tuple[tuple[Path, Path], ...]:
        """(original, copy) for every file backed up in this run."""
        return tuple(self._backups)

    def check_path(self, path: Path) -> Path:
        """The real path to write; RefusedEdit when it (or its symlink target) leaves the project."""
        path = path if path.is_absolute() else self.root / path
        try:
            real = path.resolve()
        except (RuntimeError, OSError) as exc:  # a symlink loop (3.11 raises RuntimeError; 3.13 OSError ELOOP)
            raise RefusedEdit(f"{path} cannot be followed to a file ({exc}): correct the link by hand") from None
        if not real.is_relative_to(self.root) and not _own_exclude(self.root, real):
            what = "is a symlink pointing outside" if path.is_symlink() else "lies outside"
            raise RefusedEdit(f"{path} {what} the project {self.root}")
        return real

    def read_only(self, path: Path, display: str) -> str:
        """Why the run may not replace `path` ("" when it may): doctor.fixfiles.read_only on it."""
        return read_only(path, display)

    def load(self, path: Path) -> FileEdits:
        # the repository's info/exclude (a linked worktree's lies in the main checkout's .git) by its git path
        display = str(path.relative_to(self.root)) if path.is_relative_to(self.root) else "git/info/exclude"
        if path.is_dir():
            raise RefusedEdit(f"{display} is a directory")
        links = self._links(path)
        if links > 1:
            # an atomic write (a new file renamed over it) would split it from its other names, which keep
            # the old text without a word: the user edits it, as a symlink outside the project is theirs to edit
            raise RefusedEdit(f"{display} is hard-linked ({links} names for one file): a fix writes a new file in "
                              "its place, which would split it from the others; edit it by hand")
        try:
            data = read_bytes(path, EDIT_LIMIT)
        except FileNotFoundError:
            return FileEdits(path, display, "", False)
        except OSError as exc:
            raise RefusedEdit(f"cannot read {display}: {exc.strerror or exc}") from None
        try:
            text, crlf, encoding = decode(data)
        except UnicodeDecodeError:
            return FileEdits(path, display, "", True, data=data, text_ok=False)
        return FileEdits(path, display, text, True, crlf, data=data, encoding=encoding)

    def _links(self, path: Path) -> int:
        """How many names `path`'s file has (1 for one that does not exist)."""
        try:
            return os.lstat(path).st_nlink
        except OSError:
            return 1

    def write(self, plan: FileEdits) -> str:
        """Write a plan atomically; "" on success, else one line saying why the file is untouched."""
        staged, error = self.stage(plan)
        return error if staged is None else self.commit(plan, staged)

    def stage(self, plan: FileEdits) -> tuple[Staged | None, str]:
        """Back the file up and write its new text beside it, not yet over it (doctor.atomic.Staged);
        else None and one line saying why the file stays untouched."""
        try:
            current = read_bytes(plan.path, EDIT_LIMIT) if plan.exists else None
        except OSError:
            current = None
        if (plan.exists and current != plan.data) or (not plan.exists and plan.path.exists()):
            return None, f"{plan.display} changed while doctor was fixing it; nothing written"
        refusal = read_only(plan.path, plan.display) if plan.exists else ""
        if refusal:
            return None, refusal
        if (plan.exists and plan.path not in self._created and plan.path not in self._written
                and not self._held(plan)):
            try:
                self._backup(plan)
            except OSError as exc:  # the user's state folder, not the project file: say which, and the way out
                where = self.backups_dir
                return None, (f"cannot back up {plan.display} ({why_backed_up(plan.path)}) to {where}: "
                              f"{exc.strerror or exc}; nothing written (set XDG_STATE_HOME to a writable folder)")
        missing = [] if plan.exists else _missing_folders(plan.path)
        try:
            return stage(plan.path, plan.rendered(), unchanged=lambda: self._unchanged(plan)), ""
        except OSError as exc:
            self.unback(plan.path)
            return None, f"cannot write {plan.display}: {exc.strerror or exc}"
        finally:
            self._folders.update(folder for folder in missing if folder.is_dir())

    def commit(self, plan: FileEdits, staged: Staged) -> str:
        """Rename a staged write over the file; "" on success, else why the file is untouched."""
        try:
            staged.commit()
        except ChangedMeanwhile:
            self.unback(plan.path)
            return f"{plan.display} changed while doctor was fixing it; nothing written"
        except OSError as exc:
            self.unback(plan.path)
            return f"cannot write {plan.display}: {exc.strerror or exc}"
        self._written.add(plan.path)
        self.originals.setdefault(plan.path, plan.data if plan.exists else None)
        self.wrote[plan.path] = plan.rendered()
        if not plan.exists:
            self._created.add(plan.path)
        return ""

    def restore(self, paths: list[Path]) -> tuple[list[Path], str]:
        """Put back the bytes each of `paths` held before this run first wrote it (remove a file it made,
        and the folders it made for it once empty), all or none, as a fix is written: the paths put back,
        and "" when that is all of them, else why the others are left as this run wrote them (one edited
        since, a full disk). Called under the run's project lock; the repository's info/exclude, which
        other worktrees' runs write too, under the repository's lock as well (doctor.sharedexclude)."""
        shared = _shared_exclude(self.root, paths)
        if not shared:
            return self._restore(paths)
        from doctor.sharedexclude import repository_lock

        with repository_lock(self.root) as refusal:
            if refusal:
                return [], f"{self.shown(shared)} not put back: {refusal}"
            return self._restore(paths)

    def _restore(self, paths: list[Path]) -> tuple[list[Path], str]:
        """`restore` under its locks: every file staged and checked first, then each renamed or removed."""
        staged: list[tuple[Path, Staged | None]] = []
        back: list[Path] = []
        path = paths[0] if paths else self.root
        try:
            for path in paths:
                if not self._as_written(path):
                    return [], f"{self.shown(path)} changed after doctor wrote it"
                original = self.originals[path]
                done = None if original is None else stage(path, original, functools.partial(self._as_written, path))
                staged.append((path, done))
            for path, _ in staged:  # each checked again once all are staged: none put back if one changed
                if not self._as_written(path):
                    return [], f"{self.shown(path)} changed after doctor wrote it"
            with signals_held():  # all of them put back, never one (the override's port, not the .env URL)
                for path, done in staged:
                    if done is None:
                        if not self._as_written(path):
                            raise ChangedMeanwhile(path.name)
                        path.unlink()
                        self._created.discard(path)
                        self._prune(path)
                    else:
                        done.commit()
                    self.wrote.pop(path, None)
                    back.append(path)
        except ChangedMeanwhile:
            return back, f"{self.shown(path)} changed after doctor wrote it"
        except OSError as exc:
            return back, f"cannot put back {self.shown(path)}: {exc.strerror or exc}"
        finally:
            for _, done in staged:
                if done is not None:
                    done.discard()
        return back, ""

    def _prune(self, path: Path) -> None:
        """Remove the folders this run made for `path` (a file it made, now removed) that are empty."""
        for folder in path.parents:
            if folder not in self._folders:
                return
            try:
                folder.rmdir()
            except OSError:
                return  # not empty: a file of the user's, or of another fix
            self._folders.discard(folder)

    def project_path(self, path: Path) -> Path:
        """The project's file that `path` stands for: itself (a dry run's scratch copy names another)."""
        return path

    def shown(self, path: Path) -> str:
        """A file this run writes, as the report names it: from the project, else as it is (the repository's
        info/exclude, shared by its worktrees: `/src/app/.git/info/exclude`)."""
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def _as_written(self, path: Path) -> bool:
        """Whether `path` still holds the bytes this run last wrote to it."""
        try:
            return read_bytes(path, EDIT_LIMIT) == self.wrote.get(path)
        except OSError:
            return False

    def unback(self, path: Path) -> None:
        """Forget (and remove) this run's backup of a file it then did not write: the report lists
        only the files changed, and a later round backs it up again if it writes it."""
        if path in self._written:
            return  # an earlier round wrote it: the copy holds the user's bytes
        for entry in [e for e in self._backups if e[0] == path]:
            self._backups.remove(entry)
            with contextlib.suppress(OSError):
                entry[1].unlink()

    @staticmethod
    def _unchanged(plan: FileEdits) -> bool:
        """Asked right before the rename: is the file still the bytes the plan was made from?"""
        if not plan.exists:
            return not os.path.lexists(plan.path)
        try:
            return read_bytes(plan.path, EDIT_LIMIT) == plan.data
        except OSError:
            return False

    def _held(self, plan: FileEdits) -> bool:
        """Whether git holds the file's bytes as they are (committed or staged): else they are
        copied first, an untracked `.env` or a tracked file's edits not staged alike.

        Read from the index of the repository holding the file (it may sit below the edit root:
        a compose project in docker/ building from `..`), not asked of `git ls-files`, which
        refuses a repository another user owns ("dubious ownership": doctor run by root, or with
        sudo, on a developer's checkout) and made every tracked file "not tracked by git"."""
        from doctor.project.gitrepo import held_by_git

        return held_by_git(plan.path, plan.data)

    def _backup(self, plan: FileEdits) -> None:
        if any(original == plan.path for original, _ in self._backups):
            return  # a later round of this run: the copy already holds the user's original bytes
        from doctor import cachedir

        if cachedir.in_project(self.backups_dir):  # every place for it is: git would add the copy
            raise PermissionError(errno.EPERM, f"{self.backups_dir} lies in the project, where git would add it")
        safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.project_name)
        target = self.backups_dir / safe_name / self._stamp / plan.display
        # every folder made here private (mkdir's mode reaches only the last of `parents`): a backup
        # of a 0644 .env holding passwords is readable only through the user's own folders
        for folder in reversed([target.parent, *target.parent.parents]):
            if not folder.exists():
                folder.mkdir(mode=0o700, exist_ok=True)
        if self.backups_dir == shared_backups():  # in a folder all may write: ours alone, or no backup
            top = os.lstat(self.backups_dir.parent)
            if not stat.S_ISDIR(top.st_mode) or top.st_uid != os.geteuid() or top.st_mode & 0o077:
                raise PermissionError(errno.EPERM, f"{self.backups_dir.parent} is not this user's private folder")
        shutil.copy2(plan.path, target)  # copy2 keeps the 0600 of a secrets file
        self._backups.append((plan.path, target))

    def run_command(self, argv: tuple[str, ...]) -> str:
        """Run a fix's argv (no shell) in the project directory, in the environment doctor looked
        with (the same DOCKER_HOST, context and PATH); "" on success, else why not. Once per run:
        the same argv again answers what its run answered.
        """
        if argv not in self._ran:
            self._ran[argv] = self._run_command(argv)
        return self._ran[argv]

    def _run_command(self, argv: tuple[str, ...]) -> str:
        try:
            done = subprocess.run(list(argv), cwd=self.root, capture_output=True, text=True,
                                  timeout=COMMAND_TIMEOUT, env=dict(self.env) if self.env else None)
        except FileNotFoundError:
            return f"{argv[0]}: command not found"
        except subprocess.TimeoutExpired:
            return f"{argv[0]} did not finish in {COMMAND_TIMEOUT:g} s"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()
            return f"{argv[0]} exited {done.returncode}" + (f": {tail[-1]}" if tail else "")
        return ""


@contextlib.contextmanager
def project_lock(root: Path, timeout: float, waited: list[float] | None = None,
                 on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an exclusive flock on the project directory itself (waiting up to `timeout` s).

    The lock is the directory's inode (doctor.dirlock): two runs exclude each other whoever runs
    them. Yields False when another run held it for `timeout` s; raises LockError (one line) when
    the directory cannot be opened. Doctor's temp files left by a killed run are removed once the
    lock is held. When another run held it first, the seconds waited are appended to `waited`
    (the report says so), and `on_wait` is called as the wait begins.
    """
    with folder_lock(root, timeout, waited, on_wait) as held:
        if held:
            remove_stray_temps(root)
        yield held


def _missing_folders(path: Path) -> list[Path]:
    """The folders above `path` that do not exist yet, nearest first: those writing it makes."""
    missing = []
    for folder in path.parents:
        if os.path.lexists(folder):
            break
        missing.append(folder)
    return missing


def _shared_exclude(root: Path, paths: list[Path]) -> Path | None:
    """The one of `paths` that is the info/exclude of `root`'s repository, which its worktrees share."""
    real = exclude_of(root) if paths else None
    return next((path for path in paths if path == real), None) if real is not None else None


def _own_exclude(root: Path, real: Path) -> bool:
    """Whether `real` is the info/exclude of `root`'s repository (`git rev-parse --git-path
    info/exclude`), the one file outside a linked worktree a fix may append to: the ignore rule
    for the worktree's own compose.ports.yaml (checks/port_collision/plan_file.py)."""
    return real == exclude_of(root)


def exclude_of(root: Path) -> Path | None:
    """The real path of the info/exclude of `root`'s repository (None outside one)."""
    from doctor.project.portsfile import exclude_path

    exclude = exclude_path(root)
    return exclude.resolve() if exclude is not None else None
