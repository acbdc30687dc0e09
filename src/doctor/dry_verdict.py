"""A dry run's verdict on the errors it would leave, where it plans one round; and the scratch copy.

A dry run plays the run's rounds in a scratch copy of the project (doctor.dry_rounds, on `mirror` and
`in_copy` here). In a folder too large to copy it plans the first round alone, and this module judges
the errors that round would leave:

The run writes its fixes, then re-runs the checks: an error with advice alone that another fix
settles (compose-config's required variable, set by env-drift's copy of `.env.example`) is no
longer reported, and the run exits 0. A dry run writes nothing, so it writes the edits it would
make into a scratch copy of the folder fixes edit (hard links to the project's files, a copy
where no link can be made; each edited file written anew, never through a link), and re-runs
there the checks of the errors it would leave. An error the copy no longer reports would be
settled; one it still reports would be left. Where no copy can be made (a folder too large to
mirror), such an error "may be left" and does not decide the exit code.
"""

from __future__ import annotations

import contextlib
import os
import shutil
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
MAX_FILES = 20000  # beyond this, mirroring the folder costs more than a dry run should
LINKED_WHOLE = frozenset({"node_modules", ".venv", "venv", "__pycache__"})  # read, never written: one link each
COPIED_UP_TO = 1 << 20  # a file no hard link can reach is copied up to this size, else linked by name


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

    with tempfile.TemporaryDirectory(prefix="doctor-dry-") as scratch:
        copy = Path(scratch) / root.name  # the same folder name: compose's default project name
        try:
            moved = in_copy(run_options, root, copy)
            if moved is None or not mirror(root, copy, set(plans)):
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
    environment that writes no cache entry and claims no port block for a folder that is gone once the
    dry run ends; None when the project lies outside `root`, or `root` holds the temporary folder."""
    project = run_options.project
    here = moved_path(Path(project.path).resolve(), root, copy)
    scratch = copy.parent.resolve()
    if here is None or root == scratch or root in scratch.parents:
        return None
    env = dict(run_options.env if run_options.env is not None else project.env)
    sandbox = {"DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(scratch / "state")}
    moved = replace(project, path=here, env={**project.env, **sandbox},
                    files=tuple(moved_path(Path(f), root, copy) or Path(f) for f in project.files),
                    env_files=None if project.env_files is None else tuple(
                        moved_path(Path(f), root, copy) or Path(f) for f in project.env_files),
                    cwd=None if project.cwd is None else moved_path(project.cwd, root, copy) or copy)
    return replace(run_options, project=moved, env={**env, **sandbox})


def moved_path(path: Path, root: Path, copy: Path) -> Path | None:
    """`path` in the copy, when it lies in `root`."""
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        return None
    return copy / resolved.relative_to(root)


def mirror(root: Path, copy: Path, skip: Iterable[Path]) -> bool:
    """Mirror `root` at `copy` (folders made, files hard-linked, else copied or linked by name), leaving out
    `skip`; False when it holds more than MAX_FILES files."""
    skipped = set(skip)
    count = 0
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        there = copy / here.relative_to(root)
        there.mkdir(parents=True, exist_ok=True)
        for name in list(dirs):
            if name in LINKED_WHOLE or (name == "objects" and here.name == ".git") or (here / name).is_symlink():
                dirs.remove(name)
                os.symlink(os.readlink(here / name) if (here / name).is_symlink() else here / name, there / name)
        for name in names:
            source = here / name
            if source in skipped:
                continue
            count += 1
            if count > MAX_FILES:
                return False
            _link(source, there / name)
    return True


def _link(source: Path, target: Path) -> None:
    """`target` reads as `source`: its link target when it is a link, else a hard link, else a copy."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
        return
    except OSError:
        pass
    try:  # another file system, or a file of another owner: a small regular file is copied
        if source.is_file() and source.stat().st_size <= COPIED_UP_TO:
            shutil.copy2(source, target)
            return
    except OSError:
        pass  # unreadable: named instead (a FIFO or socket is never opened, it would block)
    os.symlink(source, target)
