"""The file side of `doctor fix`: per-file edit plans, safe atomic writes, backups and the run lock.

Texts are handled with "\\n" line breaks (what the checks read through universal newlines)
and written back with the file's own: a CRLF file stays CRLF. A file is written through a
temp file in its own directory, fsynced, renamed over the original (os.replace is atomic on
POSIX), with the original's mode and owner; an interrupted write leaves the original whole.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from doctor.atomic import ChangedMeanwhile, Staged, remove_stray_temps, stage
from doctor.dirlock import folder_lock
from doctor.model import Edit, field, record
from doctor.regular import read_bytes

COMMAND_TIMEOUT = 120.0
EDIT_LIMIT = 16 * 1024 * 1024  # compose files and .env (doctor.project.reading reads them up to this)
READ_ONLY = "make it writable to let doctor fix it"  # how read_only's refusal ends (the fix failed)
RETRY = "applied in the next round"  # how a RefusedEdit says a later round of the same run may apply it


class RefusedEdit(Exception):
    """An edit the fixer will not make (file changed, outside the project, overlapping...)."""


_ASSIGNED_KEY = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.]*)[ \t]*=", re.MULTILINE)


def _assigned(text: str) -> set[str]:
    """The keys an env file's added text sets (`KEY=value`, `export KEY=value` lines)."""
    return set(_ASSIGNED_KEY.findall(text))


@record(frozen=False)
class FileEdits:
    """The accepted edits of one file, as (start, end, new) spans of its "\\n"-normalised text."""

    path: Path
    display: str
    original: str
    exists: bool
    crlf: bool = False
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)
    data: bytes = b""  # the file's bytes as read: what byte edits work on, and what a write re-checks
    text_ok: bool = True  # False when the bytes are not UTF-8: only byte edits apply
    raw: list[tuple[int, int, bytes, str]] = field(default_factory=list)

    def copy(self) -> FileEdits:
        return FileEdits(self.path, self.display, self.original, self.exists, self.crlf, list(self.spans),
                         self.data, self.text_ok, list(self.raw))

    def add(self, edit: Edit, title: str) -> None:
        """Accept `edit`, or raise RefusedEdit saying why (stale text, overlap with an earlier fix)."""
        if edit.raw:
            self._add_raw(edit, title)
            return
        if not self.text_ok:
            raise RefusedEdit(f"{self.display} is not UTF-8 text")
        if self.raw:
            raise RefusedEdit(f"overlaps the fix '{self.raw[0][3]}' in {self.display}; {RETRY}")
        assert isinstance(edit.old, str) and isinstance(edit.new, str)
        start, end = self._locate(edit)
        new = edit.new.replace("\r\n", "\n")
        for s, e, other_new, other_title in self.spans:
            if (s, e, other_new) == (start, end, new):
                return  # the same edit from another finding: already planned
            if not self.exists:
                if self._merge_created(start, end, new):
                    return
                raise RefusedEdit(f"another fix creates {self.display} first; {RETRY}")
            if (s < end and start < e) or (s == e == start == end and start < len(self.original)):
                raise RefusedEdit(f"overlaps the fix '{other_title}' in {self.display}; {RETRY}")
            if s == e and start == end and _assigned(new) & _assigned(other_new):
                # two lines added for one key (env-drift's WEB_PORT from .env.example, port-collision's moved
                # WEB_PORT): the later fix edits the line the first one wrote, next round
                raise RefusedEdit(f"sets a key the fix '{other_title}' adds to {self.display}; {RETRY}")
        self.spans.append((start, end, new, title))

    def _merge_created(self, start: int, end: int, new: str) -> bool:
        """Whether a second fix creating this new YAML file (a dev override) merged into the first
        one's text, so that one round (a dry run too) writes both (doctor.project.newdocs)."""
        from doctor.project.newdocs import merge_new_documents

        created = len(self.spans) == 1 and {self.spans[0][:2], (start, end)} == {(0, 0)}
        if not created or self.path.suffix not in (".yml", ".yaml"):
            return False
        merged = merge_new_documents(self.spans[0][2], new)
        if merged is not None:
            self.spans[0] = (0, 0, merged, self.spans[0][3])
        return merged is not None

    def _add_raw(self, edit: Edit, title: str) -> None:
        old = edit.old if isinstance(edit.old, bytes) else edit.old.encode("utf-8")
        new = edit.new if isinstance(edit.new, bytes) else edit.new.encode("utf-8")
        if self.spans or self.raw:
            if self.raw and self.raw[0][2:] == (new, title) and self.data.find(old) == self.raw[0][0]:
                return  # the same edit from another finding
            other = self.raw[0][3] if self.raw else self.spans[0][3]
            raise RefusedEdit(f"overlaps the fix '{other}' in {self.display}; {RETRY}")
        if edit.line is not None or (old and self.data.count(old) != 1):
            raise RefusedEdit(f"file changed since the check read it ({self.display})")
        start = self.data.index(old) if old else len(self.data)
        self.raw.append((start, start + len(old), new, title))

    def _locate(self, edit: Edit) -> tuple[int, int]:
        assert isinstance(edit.old, str)
        text, old = self.original, edit.old.replace("\r\n", "\n")
        where = f"{self.display}:{edit.line}" if edit.line else self.display
        stale = RefusedEdit(f"file changed since the check read it ({where})")
        if edit.line is None:
            if not old:
                return len(text), len(text)
            if text.count(old) != 1:
                raise stale
            start = text.index(old)
            return start, start + len(old)
        starts = [0, *(i + 1 for i, ch in enumerate(text) if ch == "\n")]
        past_end = edit.line == len(starts) and starts[-1] == len(text) and bool(old)
        if not 1 <= edit.line <= len(starts) or past_end:
            raise stale
        begin = starts[edit.line - 1]
        end = begin + len(old)
        if text.startswith(old, begin) and (end == len(text) or old.endswith("\n") or text[end] == "\n"):
            return begin, end
        raise stale

    def new_text(self) -> str:
        """The "\\n"-normalised text after every accepted edit (appends in the order accepted)."""
        return "".join(piece for piece, _ in self._pieces())

    def _pieces(self) -> list[tuple[str, int]]:
        """The new text as pieces: (text of the original from offset n, n) or (new text, -1)."""
        text, out, pos = self.original, [], 0
        written_ends_with_break = True
        for start, end, new, _ in sorted(self.spans, key=lambda s: (s[0], s[1] > s[0])):
            if start > pos:
                out.append((text[pos:start], pos))
                written_ends_with_break = text[start - 1] == "\n"
            if start == end == len(text) and text and not written_ends_with_break and new:
                new = "\n" + new  # appending a line to a file whose last line has no break
            if new:
                out.append((new, -1))
                written_ends_with_break = new.endswith("\n")
            pos = end
        if pos < len(text):
            out.append((text[pos:], pos))
        result = "".join(piece for piece, _ in out)
        if self.original and not self.original.endswith("\n") and result.endswith("\n"):
            trimmed = result.rstrip("\n")  # keep the file's trailing-newline state
            while out and len(result) > len(trimmed):
                piece, origin = out.pop()
                cut = min(len(result) - len(trimmed), len(piece))
                if len(piece) > cut:
                    out.append((piece[: len(piece) - cut], origin))
                result = result[: len(result) - cut]
        elif self.original.endswith("\n") and result and not result.endswith("\n"):
            out.append(("\n", -1))
        return out

    @property
    def changed(self) -> bool:
        if self.raw:
            return self.rendered() != self.data or not self.exists
        return bool(self.spans) and (self.new_text() != self.original or not self.exists)

    def rendered(self) -> bytes:
        """The bytes to write: untouched text exactly as read, each new line with its neighbours' ending."""
        if self.raw:
            start, end, new, _ = self.raw[0]
            return self.data[:start] + new + self.data[end:]
        raw = self.data.decode("utf-8") if self.data else self.original
        if "\r\n" not in raw:
            text = self.new_text()
            return (text.replace("\n", "\r\n") if self.crlf else text).encode("utf-8")
        crlf_at = [m.start() - n for n, m in enumerate(re.finditer("\r\n", raw))]  # their "\\n" in `original`
        out: list[str] = []
        for piece, origin in self._pieces():
            if origin < 0:
                out.append(piece.replace("\n", "\r\n") if self._crlf_near(out) else piece)
                continue
            first = origin + bisect.bisect_left(crlf_at, origin)
            last = origin + len(piece)
            out.append(raw[first: last + bisect.bisect_left(crlf_at, last)])
        return "".join(out).encode("utf-8")

    def _crlf_near(self, written: list[str]) -> bool:
        """A new line ends like the line before it (the file's majority when it is the first)."""
        before = "".join(written[-2:])
        if "\n" in before:
            return before[: before.rindex("\n")].endswith("\r")
        return self.crlf

    def diff(self, root: Path) -> str:
        """difflib's unified diff of this file, before -> after (a byte edit shows `\\r` and
        bytes that are not UTF-8 as escapes, so a line-ending change is visible). Its paths are the
        ones findings show: from the directory doctor runs in when the file lies below it (`dev/.env`
        for `doctor fix dev` in wger's checkout, as `git apply` there reads it), else from the project.
        """
        name = self.display
        with contextlib.suppress(ValueError, OSError):  # not below it, or no cwd: the project's path
            name = self.path.relative_to(Path.cwd()).as_posix()
        if self.raw:
            return unified_diff(_visible(self.data) if self.exists else "", _visible(self.rendered()), name)
        return unified_diff(self.original if self.exists else "", self.new_text(), name)


def read_only(path: Path, display: str) -> str:
    """Why a file its owner made read-only is left alone ("" when its owner may write it).

    The atomic rename replaces a file whatever its mode, and root writes through any mode: the
    owner's write bit is the user's word, so it decides, not os.access.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    if mode & stat.S_IWUSR:
        return ""
    return f"'{display}' is read-only (mode {stat.S_IMODE(mode):04o}): not changed; {READ_ONLY}"


def _visible(data: bytes) -> str:
    """Bytes as diffable text: a CR before a line break shown as `\\r`, a BOM as `\\ufeff`."""
    text = data.decode("utf-8", "backslashreplace").replace("\r\n", "\\r\n").replace("\r", "\\r")
    return text.replace("\ufeff", "\\ufeff")


def unified_diff(old: str, new: str, name: str) -> str:
    """The unified diff `a/name` -> `b/name` (from /dev/null for a new file)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{name}" if old else "/dev/null", tofile=f"b/{name}")
    marker = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + marker for line in lines)


def why_backed_up(path: Path) -> str:
    """Why a file is copied before its edit: "not tracked by git", or "edits git does not hold" (a
    tracked file whose working-tree bytes are neither committed nor staged)."""
    from doctor.project.gitrepo import tracked

    return "edits git does not hold" if tracked(path) else "not tracked by git"


def decode(data: bytes) -> tuple[str, bool]:
    """(text with "\\n" breaks, whether the file used CRLF)."""
    text = data.decode("utf-8")
    crlf = text.count("\r\n") > 0 and text.count("\r\n") * 2 >= text.count("\n")
    return text.replace("\r\n", "\n"), crlf


def state_dir(env: Mapping[str, str]) -> Path:
    """`$XDG_STATE_HOME/doctor` (default `~/.local/state/doctor`): backups and locks, never in the repo."""
    home = Path(env.get("HOME") or Path.home())
    return Path(env.get("XDG_STATE_HOME") or home / ".local" / "state") / "doctor"


class ProjectFiles:
    """Reads, checks, backs up and writes the files of one project; runs fix commands in it."""

    def __init__(self, root: Path, project_name: str, env: Mapping[str, str]) -> None:
        self.root = root.resolve()
        self.project_name = project_name or self.root.name
        self.env = env
        self.state_dir = state_dir(env)
        self._backups: list[tuple[Path, Path]] = []
        self._created: set[Path] = set()  # made by this run: nothing of the user's to back up
        self._written: set[Path] = set()  # written by this run: its user's bytes were git's, or backed up then
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

    def load(self, path: Path) -> FileEdits:
        # the repository's info/exclude (a linked worktree's lies in the main checkout's .git) by its git path
        display = str(path.relative_to(self.root)) if path.is_relative_to(self.root) else "git/info/exclude"
        if path.is_dir():
            raise RefusedEdit(f"{display} is a directory")
        try:
            links = os.lstat(path).st_nlink
        except OSError:
            links = 1
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
            text, crlf = decode(data)
        except UnicodeDecodeError:
            return FileEdits(path, display, "", True, data=data, text_ok=False)
        return FileEdits(path, display, text, True, crlf, data=data)

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
                where = self.state_dir / "backups"
                return None, (f"cannot back up {plan.display} ({why_backed_up(plan.path)}) to {where}: "
                              f"{exc.strerror or exc}; nothing written (set XDG_STATE_HOME to a writable folder)")
        try:
            return stage(plan.path, plan.rendered(), unchanged=lambda: self._unchanged(plan)), ""
        except OSError as exc:
            self.unback(plan.path)
            return None, f"cannot write {plan.display}: {exc.strerror or exc}"

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
        if not plan.exists:
            self._created.add(plan.path)
        return ""

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
        safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.project_name)
        target = self.state_dir / "backups" / safe_name / self._stamp / plan.display
        # every folder made here private (mkdir's mode reaches only the last of `parents`): a backup
        # of a 0644 .env holding passwords is readable only through the user's own folders
        for folder in reversed([target.parent, *target.parent.parents]):
            if not folder.exists():
                folder.mkdir(mode=0o700, exist_ok=True)
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
def project_lock(root: Path, timeout: float, waited: list[float] | None = None) -> Iterator[bool]:
    """Hold an exclusive flock on the project directory itself (waiting up to `timeout` s).

    The lock is the directory's inode (doctor.dirlock): two runs exclude each other whoever runs
    them. Yields False when another run held it for `timeout` s; raises LockError (one line) when
    the directory cannot be opened. Doctor's temp files left by a killed run are removed once the
    lock is held. When another run held it first, the seconds waited are appended to `waited`
    (the report says so).
    """
    with folder_lock(root, timeout, waited) as held:
        if held:
            remove_stray_temps(root)
        yield held


def _own_exclude(root: Path, real: Path) -> bool:
    """Whether `real` is the info/exclude of `root`'s repository (`git rev-parse --git-path
    info/exclude`), the one file outside a linked worktree a fix may append to: the ignore rule
    for the worktree's own compose.ports.yaml (checks/port_collision/plan_file.py)."""
    from doctor.project.portsfile import exclude_path

    exclude = exclude_path(root)
    return exclude is not None and real == exclude.resolve()
