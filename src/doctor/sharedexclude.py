"""The one file a fix writes that other worktrees' runs write too: the repository's info/exclude.

The linked worktrees of a repository share it (`git rev-parse --git-path info/exclude`), while each
`doctor fix` holds only its own project's lock. Two worktrees fixing at the same moment each planned
their line on the text they had read: the second writer was refused ("changed while doctor was fixing
it", the ports file of the same fix held back with it), or, renaming in the window after the other's
last check, dropped the other's line. So the lines are appended under the repository's own lock
(doctor.dirlock on the common git dir), onto the file as it is then, and only those it lacks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.dirlock import LockError, folder_lock
from doctor.file_edits import FileEdits
from doctor.fixfiles import ProjectFiles, exclude_of
from doctor.model import Edit

LOCK_TIMEOUT = 30.0  # another run holds it only while it stages and renames one small file


def _common_dir(root: Path) -> Path | None:
    from doctor.project.gitrepo import find_repo

    repo = find_repo(root)
    return None if repo is None else repo.common_dir


def shared_paths(files: ProjectFiles, plans: Mapping[Path, FileEdits]) -> list[Path]:
    """The changed plans' paths that are the info/exclude of the files' project's repository: a dry run's
    copy of it too (doctor.dry_rounds.ScratchFiles), whose later rounds planned the line again on the
    repository's untouched file, its diff showing it once per round where the run writes it once."""
    changed = [path for path, plan in plans.items() if plan.changed]
    real = exclude_of(files.project_path(files.root)) if changed else None
    return [path for path in changed if files.project_path(path) == real] if real is not None else []


@contextlib.contextmanager
def repository_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[str]:
    """Hold the lock of `root`'s repository: yields "" when held, else why not (one line)."""
    common = _common_dir(root)
    if common is None:
        yield ""  # no repository: no other worktree shares the file
        return
    try:
        with folder_lock(common, timeout) as held:
            yield "" if held else f"another doctor run held the lock of {common} for {timeout:g} s"
    except LockError as exc:
        yield str(exc)


def rebased(files: ProjectFiles, plan: FileEdits) -> FileEdits:
    """`plan`'s appended lines on the file as it is now, those it lacks only (another worktree's run
    may have added the very name meanwhile). A plan that is not appends of text is returned as is."""
    appends = all(start == end == len(plan.original) for start, end, _, _ in plan.spans)
    if plan.raw or not plan.spans or not appends:
        return plan
    current = files.load(plan.path)
    if not current.text_ok:
        return plan  # bytes the plan could not read as text either: written as planned, or refused then
    have = set(current.original.splitlines())
    wanted = [line for _, _, new, _ in plan.spans for line in new.splitlines() if line]
    missing = [line for line in dict.fromkeys(wanted) if line not in have]
    if missing:
        current.add(Edit(plan.path, "", "".join(f"{line}\n" for line in missing), None), plan.spans[0][3])
    return current
