"""What one `doctor fix` did, and the plain text it prints: the per-finding results, diffs,
backups and notes (doctor.fixer builds them), and the lines that say why the exit code is what it is.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path

from doctor.file_edits import RETRY
from doctor.fixfiles import why_backed_up
from doctor.model import Location, Severity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.redact import Redactor
    from doctor.report.console import Line


class FixStatus(enum.Enum):
    """What happened to one finding's fix."""

    APPLIED = "applied"
    SKIPPED = "skipped"
    FAILED = "failed"
    DRY_RUN = "dry-run"


ADVICE = "advice only"  # a fix that is a sentence for the user: nothing doctor can apply
# a dry run's error another fix may settle, where no scratch copy could tell (doctor.dry_verdict): not its exit's
MAY_BE_LEFT = "may be left: another fix may settle it (the project is too large to re-check in a scratch copy)"
REPLACED = "its finding is gone, but it left a new"  # a fix whose finding another took the place of


@dataclass(frozen=True)
class FixResult:
    """One finding's fix and how it ended; `fixed` is the re-run's verdict (None when not re-run)."""

    fingerprint: str
    status: FixStatus
    reason: str = ""
    check: str = ""
    title: str = ""
    message: str = ""
    fixed: bool | None = None
    severity: Severity = Severity.WARNING
    location: Location | None = field(default=None, compare=False)  # the finding's: where a new one "takes its place"
    round: int = field(default=0, compare=False)  # the round of the run that applied it (0: none did)
    # a fix the re-check still reports: what became of its edits (put back, or left and why; doctor.fix_undo)
    undone: str = field(default="", compare=False)


@dataclass(frozen=True)
class FileDiff:
    """The unified diff of one file, as applied or (dry run) as it would be."""

    path: Path
    diff: str


def undone_whole(result: FixResult) -> bool:
    """Whether every file of the fix was put back as it was (its `undone`, as doctor.fix_undo words it; a dry
    run's scratch copy says `would be undone:`, a real run `undone:`)."""
    return result.undone.startswith(("undone:", "would be undone:"))


@dataclass(frozen=True)
class FixReport:
    """Everything one `doctor fix` did: per-finding results, diffs, backups, and notes."""

    project_dir: Path
    results: tuple[FixResult, ...] = ()
    diffs: tuple[FileDiff, ...] = ()
    backups: tuple[tuple[Path, Path], ...] = ()
    notes: tuple[str, ...] = ()
    error: str = ""
    dry_run: bool = False
    redactor: Redactor | None = field(default=None, compare=False)
    # (check, message) of the errors the last preflight still reports that carry no fix at all (a
    # YAML error compose-config reports): `up` would fail on them as on any other
    unfixable: tuple[tuple[str, str], ...] = ()
    # what the final preflight (every selected check) still reports above info and no result above
    # stands for: an error, or a finding this run's fixes created; one line each, "error check file:line message"
    left: tuple[str, ...] = ()
    left_errors: int = 0
    # the rounds a dry run played in its scratch copy (doctor.dry_rounds; 0: it planned the first only)
    rounds: int = 0
    put_back: tuple[Path, ...] = ()  # files an undone fix put back as they were (doctor.fix_undo): their copy stays

    @property
    def exit_code(self) -> int:
        """2 when the run could not start; 1 when a fix failed or did not fix its finding, or an error
        finding is left unfixed (advice only, declined): `doctor fix --yes && docker compose up` must
        not go on to an `up` that fails; else 0.
        """
        if self.error:
            return 2
        bad = any(r.status is FixStatus.FAILED or r.fixed is False for r in self.results)
        bad |= any(r.status is FixStatus.SKIPPED and r.severity is Severity.ERROR and not r.fixed
                   and not r.reason.endswith(MAY_BE_LEFT) for r in self.results)
        # a dry run exits as the run would with every fix confirmed: an error no fix mends is left either way,
        # and so is what the last round's checks report (a dry run that planned one round has none)
        bad |= bool(self.unfixable) or bool(self.left)
        return 1 if bad else 0


def bad_result(r: FixResult) -> bool:
    """A result that already makes the exit code 1 (a failed fix, one the check still reports, an error skipped)."""
    return (r.status is FixStatus.FAILED or r.fixed is False
            or (r.status is FixStatus.SKIPPED and r.severity is Severity.ERROR and not r.fixed
                and not r.reason.endswith(MAY_BE_LEFT)))


def _left(report: FixReport) -> list[str]:
    """What is left to do, and so why the exit code is what it is (a dry run: what would be left)."""
    left = [r for r in report.results if bad_result(r)]
    if not left and not report.unfixable and not report.left:
        return []
    errors = (sum(r.severity is Severity.ERROR and not r.reason.startswith(REPLACED) for r in left)
              + len(report.unfixable) + report.left_errors)
    told = len(left) + len(report.unfixable) + len(report.left)
    if errors:
        others = f", and {told - errors} other fix(es) did not work:" if told > errors else ":"
        lines = [f"exit 1: {errors} error(s) {'would be ' if report.dry_run else ''}left, so the stack would still "
                 f"fail (at 'docker compose up' or once it runs){others}"]
    elif left:
        lines = [f"exit 1: {len(left)} fix(es) did not work (warnings: 'docker compose up' may still start):"]
    else:
        lines = ["exit 1: this run's fixes left new warnings ('docker compose up' may still start):"]
    for r in left:
        why = r.reason or ("the check still reports it" if r.fixed is False else r.status.value)
        if why == ADVICE:
            why = f"{ADVICE}: {r.title}"
        if r.undone:
            why = f"{why}; {r.undone}"
        lines.append(f"  {r.check}: {r.message} ({why})")
    lines.extend(f"  {check}: {message} (no fix doctor can make: change it by hand)"
                 for check, message in report.unfixable)
    lines.extend(f"  {line}" for line in report.left)
    return lines


def from_here(path: object) -> str:
    from doctor.model import shown_path

    return shown_path(Path(str(path)))


def _home_tilde(path: object) -> str:
    home = os.path.expanduser("~")
    text = str(path)
    return "~" + text[len(home):] if home not in ("", "/") and text.startswith(home.rstrip("/") + "/") else text


#: where a fix's line continues on a terminal: under its title, past `dry-run  service-name-drift `
RESULT_HANG = 28


def render_fix_report(report: FixReport, width: int | None = None) -> str:
    """The report as plain text: diffs, one line per fix, backups, notes and a summary line.

    `width` (a terminal's columns; None when piped: nothing wraps) wraps the lines below the diffs
    as the preflight report wraps (doctor.report.console.wrap: at spaces only, continuation rows
    indented, a backed-up file's path never split); a diff never wraps, it is a patch.
    """
    if report.error:
        return f"doctor: {report.error}\n"
    lines = [diff.diff for diff in report.diffs]
    lines.extend(_wrapped(row, width, report.redactor) for row in _rows(report))
    text = "\n".join(line.rstrip("\n") for line in lines) + "\n"
    return report.redactor.text(text) if report.redactor is not None else text


def _rows(report: FixReport) -> list[Line]:
    """The lines below the diffs, each with the indent its continuation rows take."""
    from doctor.report.console import Line, Piece

    rows: list[Line] = []
    for r in report.results:
        verdict = {True: " (would be fixed)" if report.dry_run else " (fixed)",
                   False: " (NOT fixed: the check still reports it)", None: ""}[r.fixed]
        if r.fixed is False and r.reason:
            verdict = " (NOT verified fixed)"  # the reason says why
        why = f": {r.reason}" if r.reason else ""
        if r.undone:
            why = f"{why}; {r.undone}" if why else f": {r.undone}"
        if report.dry_run and r.round > 1:  # the rounds before it write what it edits, or make its finding
            why = f": in round {r.round}{'; ' + r.reason if r.reason else ''}"
        rows.append(Line((Piece(f"{r.status.value:<8} {r.check:<18} {r.title}{verdict}{why}"),), RESULT_HANG))
    for original, copy in report.backups:
        # the file as the run names it (from the current folder), the copy under `~` when in the home folder
        since = [Piece(" (put back as it was since; the copy stays)")] if original in report.put_back else []
        rows.append(Line((Piece("backed up "), Piece(from_here(original), whole=True),
                          Piece(f" ({why_backed_up(original)}) to "), Piece(_home_tilde(copy), whole=True), *since), 2))
    rows.extend(Line((Piece(note),), 2) for note in report.notes)
    counts = {s: sum(r.status is s for r in report.results) for s in FixStatus}
    if not report.results:
        none = "dry run: no fix would apply, no file changed" if report.dry_run else "no fix applied"
        rows.append(Line((Piece(none if report.unfixable else "nothing to fix"),)))
    elif report.dry_run and report.rounds:
        fixed = sum(r.fixed is True for r in report.results)
        rounds = f" in {report.rounds} rounds" if report.rounds > 1 else ""
        undone = sum(map(undone_whole, report.results))
        also = f", {undone} would be undone" if undone else ""
        rows.append(Line((Piece(f"dry run: {counts[FixStatus.DRY_RUN]} fix(es) would apply{rounds} ({fixed} verified "
                                f"fixed in a scratch copy{also}), {counts[FixStatus.SKIPPED]} skipped, "
                                f"{counts[FixStatus.FAILED]} failed; no file changed"),), 2))
    elif report.dry_run:
        later = sum(r.status is FixStatus.DRY_RUN and r.reason.endswith(RETRY) for r in report.results)
        now = counts[FixStatus.DRY_RUN] - later
        more = f" now, {later} more in a later round once those are applied (no diff shown for those)" if later else ""
        rows.append(Line((Piece(f"dry run: {now} fix(es) would apply{more}, no file changed"),), 2))
    else:
        fixed = sum(r.fixed is True for r in report.results)
        undone = sum(map(undone_whole, report.results))
        fixed_words = f"{fixed} verified fixed, {undone} undone" if undone else f"{fixed} verified fixed"
        rows.append(Line((Piece(f"{counts[FixStatus.APPLIED]} applied ({fixed_words}), "
                                f"{counts[FixStatus.SKIPPED]} skipped, {counts[FixStatus.FAILED]} failed"),), 2))
    # `exit 1: ...` continues past its label; the items under it (`  check: ...`) past their own indent
    rows.extend(Line((Piece(line),), 4 if line.startswith("  ") else len("exit 1: ")) for line in _left(report))
    return rows


def _wrapped(row: Line, width: int | None, redactor: Redactor | None) -> str:
    """`row` as text, wrapped at `width` when given; its text redacted first, so what is measured is what
    prints. A row holding a line break (a reason quoting a tool's output) is left as it is."""
    from doctor.report.console import Line, Piece, wrap

    if redactor is not None:
        row = Line(tuple(Piece(redactor.text(p.text), whole=p.whole) for p in row.pieces), row.hang)
    if width is None or any("\n" in p.text for p in row.pieces):
        return "".join(p.text for p in row.pieces)
    return "\n".join("".join(p.text for p in cut).rstrip() for cut in wrap(row, width))
