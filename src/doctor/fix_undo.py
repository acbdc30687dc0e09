"""Undo the edits of a fix the re-check still reports: a user told "NOT fixed" gets the files as they were.

At the end of `doctor fix` (doctor.fixer.play_rounds), under the project lock, each applied fix whose
finding the last re-check still reports (or whose verify step fails, or after which compose could no longer
read the project) has its files put back to the bytes they held before this run first wrote them, a file it
created removed (with the folders made for it, once empty); all of a fix's files or none, as they were
written (every file checked before any is put back; a rename failing midway is said file by file). A file
that also holds the edits of a fix that did work is left as written (putting it back would undo that one
too), and so is one edited since doctor wrote it, and a fix a later round's fix that stays builds on (it
fixed a finding that appeared after it, or writes one of its files: app.cfg's URL made to follow a port
move, which undoing the move alone would leave dialling the wrong port): the result says which, and why.
The fixer then drops an undone fix's export (COMPOSE_FILE naming the ports file it made) and re-checks.
A command (a chown, a container stopped) is not undone, nor a fix whose finding is gone but left a new one
in its place (the report names that one, and its own fix). A dry run's rounds do the same in their scratch
copy, so its diff shows what the run leaves.
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
                 writers: Mapping[Path, set[str]], appeared: Mapping[str, list[str]],
                 scratch: bool = False, appeared_in: Mapping[str, Path] | None = None) -> set[Path]:
    """Put back the files of the applied fixes `results` says did not fix their finding; `results` is
    updated (each such fix's `undone` says what became of its edits). The files put back are returned.

    `every`: the fix applied for each fingerprint; `writers`: each file this run wrote, with the
    fingerprints of the fixes whose edits it holds; `appeared`: each finding this run's fixes created,
    with the fixes of the round before it (a later round's fix of it builds on theirs: on those of them that wrote
    the file it is in, `appeared_in`, where any did; else on all of them, which one made it unknown)."""
    bad = {fp for fp, r in results.items() if r.status is FixStatus.APPLIED and r.fixed is False and fp in every
           and not r.reason.startswith(REPLACED)}  # its finding is gone: the new one in its place is told apart
    if not bad:
        return set()
    own = {fp: {p for p, names in writers.items() if fp in names} for fp in bad}
    later = _built_on(results, writers, appeared, appeared_in or {})
    undoable = {fp for fp in bad if own[fp]}
    kept: dict[str, str] = {}  # a fix left as written: why
    while True:  # a file goes back only if every fix in it goes back; a fix only with all of its files, and
        # only if no fix of a later round that stays builds on it (app.cfg's URL made to follow its port)
        for fp in sorted(undoable):
            why = _kept(fp, own[fp], writers, later.get(fp, set()), undoable, results)
            if why:
                kept[fp] = why
        if not kept.keys() & undoable:
            break
        undoable -= kept.keys()
    paths = sorted({p for fp in undoable for p in own[fp]})
    back, error = files.restore(paths) if paths else ([], "")
    would = "would be " if scratch else ""
    for fp in sorted(bad):
        if not own[fp]:
            continue
        mine = sorted(own[fp])
        names = ", ".join(files.shown(p) for p in mine)
        if fp in undoable and all(p in back for p in mine):
            results[fp] = replace(results[fp], undone=f"{would}undone: {_done(files, mine)}")
        elif fp in undoable and any(p in back for p in mine):  # a rename failed midway: which went back, which not
            done = _done(files, [p for p in mine if p in back])
            left = ", ".join(files.shown(p) for p in mine if p not in back)
            results[fp] = replace(results[fp], undone=f"{would}partly undone: {done}; {left} left as written "
                                                      f"(the diff above): {error}")
        else:
            why = error if fp in undoable else kept.get(fp, "it also holds another fix's edits")
            results[fp] = replace(results[fp], undone=f"{would}left as written (the diff above): {names}: {why}")
    return set(back)


def _built_on(results: Mapping[str, FixResult], writers: Mapping[Path, set[str]],
              appeared: Mapping[str, list[str]], appeared_in: Mapping[str, Path]) -> dict[str, set[str]]:
    """For each applied fix, the applied fixes of later rounds that build on it: they fixed a finding that
    appeared after its round (in a file it wrote, where any fix of that round wrote that file), or write a file
    it wrote."""
    def round_of(fp: str) -> int:
        r = results.get(fp)
        return r.round if r is not None and r.status is FixStatus.APPLIED else 0

    built: dict[str, set[str]] = {}
    for made, causes in appeared.items():
        at = appeared_in.get(made)
        wrote = [c for c in causes if at is not None and c in writers.get(at, ())]
        for cause in wrote or causes:  # the fixes that wrote the finding's file made it; none did: unknown
            if round_of(made) > round_of(cause) > 0:
                built.setdefault(cause, set()).add(made)
    for names in writers.values():
        for fp in names:
            built.setdefault(fp, set()).update(w for w in names if round_of(w) > round_of(fp) > 0)
    return built


def _kept(fp: str, own: set[Path], writers: Mapping[Path, set[str]], later: set[str], undoable: set[str],
          results: Mapping[str, FixResult]) -> str:
    """Why fix `fp` is left as written ("" when it may be undone with the fixes `undoable`)."""
    def title(w: str) -> str:
        return results[w].title if w in results else w

    on = sorted({title(w) for w in later - undoable})
    if on:
        more = f" and {len(on) - 1} more" if len(on) > 1 else ""
        return f"a later fix of this run builds on it ({on[0]!r}{more})"
    others = sorted({title(w) for p in own for w in writers[p] - undoable - {fp}})
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        return f"it also holds the edits of {others[0]!r}{more}, which putting it back would undo"
    return ""


def _done(files: ProjectFiles, paths: list[Path]) -> str:
    return ", ".join(f"{files.shown(p)} removed (this run made it)" if files.originals.get(p) is None
                     else f"{files.shown(p)} put back as it was" for p in paths)
