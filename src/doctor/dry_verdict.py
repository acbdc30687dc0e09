"""A dry run's verdict on the errors it would leave, where it plans one round; and the scratch copy.

A dry run plays the run's rounds in a scratch copy of the project (doctor.dry_rounds, on `mirror` and
`in_copy` here). In a folder too large to copy it plans the first round alone, and this module judges
the errors that round would leave:

The run writes its fixes, then re-runs the checks: an error with advice alone that another fix
settles (compose-config's required variable, set by env-drift's copy of `.env.example`) is no
longer reported, and the run exits 0. A dry run writes nothing, so it writes the edits it would
make into a scratch copy of the folder fixes edit (`mirror`: copies, never hard links to the
project's files), and re-runs
there the checks of the errors it would leave. An error the copy no longer reports would be
settled; one it still reports would be left. Where no copy can be made (a folder too large to
mirror), such an error "may be left" and does not decide the exit code.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

from doctor.fix_report import MAY_BE_LEFT, FixReport, FixResult, FixStatus
from doctor.model import Severity, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from doctor.engine import Registry, RunOptions
    from doctor.file_edits import FileEdits

WOULD_SETTLE = "the check would no longer report it after this run's other fixes (re-run on a scratch copy)"
MAX_FILES = 5000  # beyond this, copying the folder costs more than a dry run should (~0.5 ms a file: 2.5 s)
LINKED_WHOLE = frozenset({"node_modules", ".venv", "venv", "__pycache__"})  # read, never written: one link each
STALE_AFTER = 3600.0  # a scratch folder of a dead dry run older than this (SIGKILL, a power cut) is removed


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A new scratch folder for a dry run's copy, named for this process (`doctor-dry-PID-...`); the folders
    of dry runs that ended without removing theirs (killed: SIGKILL, the OOM killer, a power cut), whose
    process is gone and which are over an hour old, are removed first, so they do not pile up in TMPDIR."""
    import re
    import time

    temp = tempfile.gettempdir()
    with contextlib.suppress(OSError), os.scandir(temp) as entries:
        for entry in entries:
            named = re.fullmatch(r"doctor-dry-(\d{1,10})-\w+", entry.name)
            if named is None or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                if entry.stat(follow_symlinks=False).st_uid != os.geteuid() or \
                        time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER:
                    continue
                os.kill(int(named[1]), 0)
            except ProcessLookupError:
                shutil.rmtree(entry.path, ignore_errors=True)
            except (OSError, ValueError, OverflowError):
                continue
    return tempfile.TemporaryDirectory(prefix=f"doctor-dry-{os.getpid()}-")
# beyond this many bytes of files, copying the folder costs more than a dry run should (~1.4 GB/s here: 0.2 s);
# a larger file is copied too: a link in its place reads as one to the checks (`path.is_symlink()`, resolve()
# leading out of the copy), so a title said "through the symlink compose.override.yaml" the run never says
MAX_BYTES = 256 << 20


def candidates(report: FixReport) -> list[FixResult]:
    """The errors the dry run would leave that another of its fixes might settle (advice, declined)."""
    return [r for r in report.results
            if r.status is FixStatus.SKIPPED and r.severity is Severity.ERROR and r.fixed is None]


def with_verdict(report: FixReport, registry: Registry, run_options: RunOptions, root: Path,
                 plans: Mapping[Path, FileEdits]) -> FixReport:
    """`report` with each error another planned edit settles in the scratch copy marked so (would be
    fixed), or, where no copy could be made, marked as one that may be left."""
    left = candidates(report)
    changed = {path: plan for path, plan in plans.items() if plan.changed}
    if not left or not changed:
        return report
    checks = tuple(sorted({r.check for r in left}))
    after = reported_after(registry, run_options, root, changed, checks)
    verdicts: dict[str, FixResult] = {}
    for r in left:
        if after is None:
            verdicts[r.fingerprint] = replace(r, reason=f"{r.reason}; {MAY_BE_LEFT}" if r.reason else MAY_BE_LEFT)
        elif r.check in after[1] and r.fingerprint not in after[0]:
            verdicts[r.fingerprint] = replace(r, fixed=True, reason=WOULD_SETTLE)
    if not verdicts:
        return report
    return replace(report, results=tuple(verdicts.get(r.fingerprint, r) for r in report.results))


def reported_after(registry: Registry, run_options: RunOptions, root: Path, plans: Mapping[Path, FileEdits],
                   checks: tuple[str, ...]) -> tuple[set[str], set[str]] | None:
    """The fingerprints `checks` report once `plans` are written, in a scratch copy of `root`, and the
    checks that ran there (one skipped or crashed decides nothing); None when no copy could be made."""
    from doctor.engine import preflight

    with scratch_folder() as scratch:
        copy = Path(scratch) / root.name  # the same folder name: compose's default project name
        try:
            moved = in_copy(run_options, root, copy)
            if moved is None or mirror(root, copy, set(plans)):
                return None
            for path, plan in plans.items():
                written = copy / path.relative_to(root)
                written.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    written.unlink()  # a hard link to the project's file: never written through
                written.write_bytes(plan.rendered())
        except (OSError, ValueError):
            return None
        run = preflight(replace(moved, select=checks), registry)
    ran = {result.check for result in run.report.results if result.status in (Status.PASSED, Status.FAILED)}
    return {f.fingerprint for f in run.report.findings}, ran


def in_copy(run_options: RunOptions, root: Path, copy: Path) -> RunOptions | None:
    """`run_options` with the project read from `copy`, a mirror of `root` in a temporary folder, in an
    environment whose caches and port blocks lie in that folder too, gone once the dry run ends, and whose
    `mirrors` reads the engine's compose labels naming `root` as naming `copy` (Project.as_copied); None
    when the project lies outside `root`, or `root` holds the temporary folder."""
    project = run_options.project
    here = moved_path(Path(project.path).resolve(), root, copy)
    scratch = copy.parent.resolve()
    if here is None or root == scratch or root in scratch.parents:
        return None
    env = dict(run_options.env if run_options.env is not None else project.env)
    # caches of its own, gone with it (a round's preflight reads what the last one read, unless a fix wrote it)
    sandbox = {"XDG_CACHE_HOME": str(scratch / "cache"), "XDG_STATE_HOME": str(scratch / "state")}
    moved = replace(project, path=here, env={**project.env, **sandbox},
                    files=tuple(moved_path(Path(f), root, copy) or Path(f) for f in project.files),
                    env_files=None if project.env_files is None else tuple(
                        moved_path(Path(f), root, copy) or Path(f) for f in project.env_files),
                    cwd=None if project.cwd is None else moved_path(project.cwd, root, copy) or copy,
                    mirrors=(copy, root))
    return replace(run_options, project=moved, env={**env, **sandbox})


def moved_path(path: Path, root: Path, copy: Path) -> Path | None:
    """`path` in the copy, when it lies in `root`."""
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        return None
    return copy / resolved.relative_to(root)


def mirror(root: Path, copy: Path, skip: Iterable[Path]) -> str:
    """Mirror `root` at `copy`, leaving out `skip`; "" when done, else why the folder is too large to copy
    ("more than 5000 files, too many to copy", "more than 256 MiB of files, too much to copy").

    Folders are made and regular files copied whatever their size, with their modes (and owners where doctor
    runs as root); never hard-linked, which would give the project's files a second name while the dry run
    lives, and the run refuses to edit a file that has two. A file doctor cannot read, a FIFO or a socket is a
    link naming the project's file (copied in when a fix writes it: doctor.dry_rounds.ScratchFiles); folders
    read whole (LINKED_WHOLE) are links to the project's.
    The project's own links read as there: one to a file inside it points into the copy, one to a file
    outside it names that file.
    """
    skipped = set(skip)
    count = size = 0
    made: list[tuple[Path, Path]] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        there = copy / here.relative_to(root)
        there.mkdir(parents=True, exist_ok=True)
        made.append((here, there))
        for name in list(dirs):
            if (here / name).is_symlink():
                dirs.remove(name)
                _symlink(here / name, there / name, root, copy)
            elif name in LINKED_WHOLE or (name == "objects" and here.name == ".git"):
                dirs.remove(name)
                _named(here / name, there / name)
        for name in names:
            source = here / name
            if source in skipped:
                continue
            count += 1
            if count > MAX_FILES:
                return f"more than {MAX_FILES} files, too many to copy"
            size += _copy(source, there / name, root, copy)
            if size > MAX_BYTES:
                return f"more than {MAX_BYTES >> 20} MiB of files, too much to copy"
    for here, there in reversed(made):  # the deepest first: a read-only folder is made so once filled
        keep_owner_and_mode(here, there)
    return ""


def _symlink(source: Path, target: Path, root: Path, copy: Path) -> None:
    """A link of the copy reading what `source` reads: into the copy where it resolves in the project,
    else to the very path it names from the project's folder (`../shared.env` stays the shared file)."""
    link = os.readlink(source)
    resolved = Path(os.path.realpath(source))
    if resolved == root or root in resolved.parents:
        if os.path.isabs(link):
            link = str(copy / resolved.relative_to(root))
    elif not os.path.isabs(link):
        link = os.path.join(source.parent, link)
    os.symlink(link, target)
    _keep_owner(source, target)


def _copy(source: Path, target: Path, root: Path, copy: Path) -> int:
    """`target` reads as `source`: a link as `_symlink` makes it, a regular file copied (its mode and times,
    and its owner where doctor runs as root), else named by a link (a file doctor cannot read, copied in when
    a fix writes it; a FIFO or socket, never opened: it would block). The bytes copied."""
    if source.is_symlink():
        _symlink(source, target, root, copy)
        return 0
    try:
        info: os.stat_result | None = source.stat()
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        if info.st_size > MAX_BYTES:
            return info.st_size  # too large: mirror stops before copying it
        try:
            shutil.copy2(source, target)
            keep_owner_and_mode(source, target)
            return info.st_size
        except OSError as exc:
            with contextlib.suppress(OSError):
                target.unlink()  # what the copy wrote before it failed
            if exc.errno not in (errno.EACCES, errno.EPERM):
                raise  # no space left, a quota: no copy can be made (an unreadable file is named instead)
    _named(source, target)
    return 0


def _named(source: Path, target: Path) -> None:
    """`target` a link naming `source`, with its owner where doctor runs as root (a FIFO is never opened)."""
    os.symlink(source, target)
    _keep_owner(source, target)


def _keep_owner(source: Path, target: Path) -> None:
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            info = os.lstat(source)
            os.lchown(target, info.st_uid, info.st_gid)


def keep_owner_and_mode(source: Path, target: Path) -> None:
    """`target` with `source`'s mode, and its owner where doctor runs as root (checks judge both)."""
    with contextlib.suppress(OSError):
        info = os.lstat(source)
        if os.geteuid() == 0:
            os.lchown(target, info.st_uid, info.st_gid)
        os.chmod(target, stat.S_IMODE(info.st_mode))
