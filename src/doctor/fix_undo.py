"""Undo the edits of a fix the re-check still reports: a user told "NOT fixed" gets the files as they were.

At the end of `doctor fix` (doctor.fixer.play_rounds), under the project lock, each applied fix whose
finding the last re-check still reports (or whose verify step fails, or after which compose could no longer
read the project) has its files put back to the bytes they held before this run first wrote them, a file it
created removed; all of a fix's files or none, as they were written. A file that also holds the edits of
a fix that did work is left as written (putting it back would undo that one too), and so is one edited
since doctor wrote it: the result says which, and why. A command (a chown, a container stopped) is not
undone, nor a fix whose finding is gone but left a new one in its place (the report names
that one, and its own fix). A dry run's rounds do the same in their scratch copy, so its diff shows what the run leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from doctor.fix_report import REPLACED, FixResult, FixStatus

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.fixfiles import ProjectFiles
    from doctor.model import Fix


def undo_unfixed(files: ProjectFiles, results: dict[str, FixResult], every: Mapping[str, Fix],
                 writers: Mapping[Path, set[str]], scratch: bool = False) -> set[Path]:
    """Put back the files of the applied fixes `results` says did not fix their finding; `results` is
    updated (each such fix's `undone` says what became of its edits). The files put back are returned.

    `every`: the fix applied for each fingerprint; `writers`: each file this run wrote, with the
    fingerprints of the fixes whose edits it holds."""
    bad = {fp for fp, r in results.items() if r.status is FixStatus.APPLIED and r.fixed is False and fp in every
           and not r.reason.startswith(REPLACED)}  # its finding is gone: the new one in its place is told apart
    if not bad:
        return set()
    own = {fp: {p for p, names in writers.items() if fp in names} for fp in bad}
    undoable = {fp for fp in bad if own[fp]}
    while True:  # a file goes back only if every fix in it goes back; a fix only with all of its files
        fine = {fp for fp in undoable if all(writers[p] <= undoable for p in own[fp])}
        if fine == undoable:
            break
        undoable = fine
    paths = sorted({p for fp in undoable for p in own[fp]})
    error = files.restore(paths) if paths else ""
    would = "would be " if scratch else ""
    for fp in sorted(bad):
        if not own[fp]:
            continue
        names = ", ".join(_shown(files, p) for p in sorted(own[fp]))
        if fp in undoable and not error:
            done = ", ".join(f"{_shown(files, p)} removed (this run made it)" if files.originals.get(p) is None
                             else f"{_shown(files, p)} put back as it was" for p in sorted(own[fp]))
            results[fp] = replace(results[fp], undone=f"{would}undone: {done}")
            continue
        if fp in undoable:
            why = error
        else:
            others = sorted({results[w].title for p in own[fp] for w in writers[p] - {fp} if w in results})
            more = f" and {len(others) - 1} more" if len(others) > 1 else ""
            why = (f"it also holds the edits of {others[0]!r}{more}, which putting it back would undo" if others
                   else "it also holds another fix's edits")
        left = f"{would}left as written (the diff above): {names}: {why}"
        results[fp] = replace(results[fp], undone=left)
    return set(paths) if not error else set()


def _shown(files: ProjectFiles, path: Path) -> str:
    return str(path.relative_to(files.root)) if path.is_relative_to(files.root) else str(path)
