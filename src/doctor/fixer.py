"""`doctor fix`: apply the findings' fixes safely, then re-run the checks to prove they worked.

A fix's edits are applied per file, atomically (temp file beside it, fsync, rename), keeping
mode, owner, line endings and the trailing-newline state; files git does not track are
backed up first (a `.env` is often the only copy of its secrets). Safety decides what runs:
SAFE fixes apply, UNSAFE ones only with `--yes` or a yes on a terminal, ADVICE is printed.
Fixes whose edits overlap an earlier fix's are skipped for this round and retried on the
next (ruff style), round after round until one applies nothing, each round's preflight verifying
the last (bounded: see FixOptions.max_rounds).

Edit convention (see `doctor.model.Edit`): with `line` N, `old` is the exact text of whole
lines starting at line N, without the last line's break (a whole file when N is 1 and `old`
is all of it); anything else there means the file changed since the check read it. With
`line` None, `old == ""` appends `new` (creating the file) and any other `old` must occur
exactly once in the file.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from doctor.fixfiles import (
    READ_ONLY,
    RETRY,
    FileEdits,
    LockError,
    ProjectFiles,
    RefusedEdit,
    project_lock,
    read_only,
    why_backed_up,
)
from doctor.model import Finding, Fix, Location, Safety, Severity
from doctor.project.edits import edit_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Registry, Run, RunOptions
    from doctor.project import ProjectOptions
    from doctor.redact import Redactor
    from doctor.report.console import Line

UNSAFE_HINT = "unsafe fix: rerun with --yes, or on a terminal to be asked"


class FixStatus(enum.Enum):
    """What happened to one finding's fix."""

    APPLIED = "applied"
    SKIPPED = "skipped"
    FAILED = "failed"
    DRY_RUN = "dry-run"


@dataclass(frozen=True)
class FixOptions:
    """One `doctor fix` run as the user asked for it.

    `families` empty means every family (and fixes of checks in none); `interactive` says
    stdin/stdout are a terminal (never prompt otherwise); `ask` replaces the terminal prompt
    (tests, or a UI); `env` is the environment for preflight and the state dir.
    """

    project: ProjectOptions
    families: frozenset[str] = frozenset()
    dry_run: bool = False
    yes: bool = False
    interactive: bool = False
    env: Mapping[str, str] | None = None
    ask: Callable[[str], bool] | None = None
    lock_timeout: float = 30.0
    # None: until a round applies nothing, at most one round per fix the first preflight offered
    # (each round but the last applies one at least) plus MORE_ROUNDS; a number: at most that many
    max_rounds: int | None = None


ADVICE = "advice only"  # a fix that is a sentence for the user: nothing doctor can apply
SETTLED = "the check no longer reports it after this run's other fixes"
REPLACED = "its finding is gone, but it left a new"  # a fix whose finding another took the place of
MORE_ROUNDS = 4  # beyond one round per offered fix: fixes whose application reveals another

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


@dataclass(frozen=True)
class FileDiff:
    """The unified diff of one file, as applied or (dry run) as it would be."""

    path: Path
    diff: str


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

    @property
    def exit_code(self) -> int:
        """2 when the run could not start; 1 when a fix failed or did not fix its finding, or an error
        finding is left unfixed (advice only, declined): `doctor fix --yes && docker compose up` must
        not go on to an `up` that fails; else 0.
        """
        if self.error:
            return 2
        bad = any(r.status is FixStatus.FAILED or r.fixed is False for r in self.results)
        bad |= any(r.status is FixStatus.SKIPPED and r.severity is Severity.ERROR and not r.fixed for r in self.results)
        bad |= bool(self.unfixable or self.left) and not self.dry_run
        return 1 if bad else 0


def fix_families(registry: Registry) -> dict[str, tuple[str, ...]]:
    """Each fix family (`doctor fix --FAMILY`) with the ids of the checks that declare it."""
    found: dict[str, list[str]] = {}
    for check_id, check in sorted(registry.checks.items()):
        if check.fix_family:
            found.setdefault(check.fix_family, []).append(check_id)
    return {family: tuple(ids) for family, ids in sorted(found.items())}


def _family(registry: Registry, check_id: str) -> str:
    check = registry.checks.get(check_id)
    return check.fix_family if check is not None else ""


def fix(options: FixOptions, registry: Registry | None = None) -> FixReport:
    """Run preflight, apply the selected fixes as their safety allows, verify by re-running the checks."""
    from doctor.engine import RunOptions, load_registry

    registry = registry or load_registry()
    wanted = options.families
    select = tuple(sorted(c for c in registry.checks if not wanted or _family(registry, c) in wanted))
    where = _lock_folder(options.project)
    if not select:
        return FixReport(where, error=f"no installed check fixes {', '.join(sorted(options.families))}")
    env = _env(options)
    run_options = RunOptions(project=options.project, select=select, env=env)
    if options.dry_run:
        return _with_wrapper_notes(_fix(options, registry, run_options))
    # locked before the first preflight: a run that waited must read the files the other one left
    try:
        waited: list[float] = []
        with project_lock(where, options.lock_timeout, waited) as locked:
            if not locked:
                return FixReport(where, error=f"another 'doctor fix' is running on {where}")
            report = _with_wrapper_notes(_fix(options, registry, run_options, where))
            if waited:  # else "nothing to fix" reads as if the findings had never been there
                note = f"waited {waited[0]:.1f} s for another 'doctor fix' on {where}; then read the files it left"
                report = replace(report, notes=(note, *report.notes))
            return report
    except LockError as exc:
        return FixReport(where, error=str(exc))


def _lock_folder(project: ProjectOptions) -> Path:
    """The folder whose lock a fix takes first: the compose project's directory, as compose finds it
    (the first -f file's folder, else where COMPOSE_FILE or the default names lead), so that two runs
    on one project wait for each other however each names it (`doctor fix -f app/compose.yaml .`
    from the folder above, `doctor fix` in app/); the PATH argument's folder where discovery names
    no folder that exists."""
    from doctor.project.discover import discover

    target = Path(project.path).resolve()
    fallback = target if target.is_dir() else target.parent
    try:
        folder = Path(os.path.realpath(discover(project).project_dir))
    except (OSError, ValueError):
        return fallback
    return folder if folder.is_dir() else fallback


def _fix(options: FixOptions, registry: Registry, run_options: RunOptions, held: Path | None = None) -> FixReport:
    """Plan and apply round after round, each round's preflight verifying the last, until a round
    applies nothing (ruff's fix loop, bounded by FixOptions.max_rounds): one run leaves nothing fixable.
    `held`: the folder whose lock the caller holds.
    """
    from doctor.engine import preflight

    run = preflight(run_options, registry)
    env = dict(run_options.env or {})
    redactor = _redactor(run)
    from doctor.project.types import ProblemKind

    unloaded = [p for p in run.project.compose.problems
                if p.kind in (ProblemKind.YAML, ProblemKind.UNREADABLE, ProblemKind.DISCOVERY)]
    if unloaded:
        # COMPOSE_FILE naming a missing file, a YAML error: the checks saw the files compose would
        # not use (or part of them), so no edit of theirs is sure to be one `up` needs
        first = unloaded[0]
        at = first.location
        where = f"{run.project.shown(at.path)}{f':{at.line}' if at.line else ''}: " if at is not None else ""
        note = (f"doctor fix edits nothing while compose cannot read the project's files ({where}"
                f"{run.project.shown_problem(first)}): fix that by hand, then run it again")
        return FixReport(run.project.root, notes=(note,), redactor=redactor, dry_run=options.dry_run,
                         unfixable=_unfixable(run, {}) or tuple(("compose-config", p.message) for p in unloaded))
    files = ProjectFiles(edit_root(run.project), run.project.compose.project_name, env)
    if options.dry_run:
        return _round(options, registry, run, files, redactor, {})[0]
    if files.root.resolve() == held:  # a second flock of the folder this run holds would wait on itself
        return _rounds(options, registry, run_options, run, files, redactor)
    # edits may land in the folder around the project, which another compose project of the same
    # repository (docker/ and .devcontainer/) may be fixing: that folder's lock too, taken second
    waited: list[float] = []
    with project_lock(files.root, options.lock_timeout, waited) as locked:
        if not locked:
            return FixReport(files.root, error=f"another 'doctor fix' is running on {files.root}")
        if waited:
            run = preflight(run_options, registry)  # what the other run left
        report = _rounds(options, registry, run_options, run, files, redactor)
    if waited:
        note = f"waited {waited[0]:.1f} s for another 'doctor fix' on {files.root}; then read the files it left"
        report = replace(report, notes=(note, *report.notes))
    return report


def _with_wrapper_notes(report: FixReport) -> FixReport:
    """`report` with a note per compose override its fixes wrote (or would) that the project's own wrappers
    of compose do not read: they name the files with -f (doctor.project.compose_wrappers)."""
    import shlex

    from doctor.project.compose_wrappers import override_left_out

    notes = []
    for path in dict.fromkeys(d.path for d in report.diffs):
        if ".override." not in path.name or path.suffix not in (".yml", ".yaml"):
            continue
        left_out = override_left_out(report.project_dir, path)
        if not left_out:
            continue
        first = left_out[0]
        named = ", ".join(dict.fromkeys(os.path.basename(n) for n in first.names))
        more = f" (and {len(left_out) - 1} more such line{'s' * (len(left_out) > 2)})" if len(left_out) > 1 else ""
        given = os.path.relpath(path, first.path.parent)  # as that line names files: from its own folder
        notes.append(f"note: {_from_here(first.path)}:{first.line}{more} runs docker compose with -f {named}, "
                     f"which does not read {path.name}: compose reads an override only when no -f or COMPOSE_FILE "
                     f"names the files; add -f {shlex.quote(given)} there for its commands to get this fix")
    return replace(report, notes=(*report.notes, *notes)) if notes else report


def _rounds(options: FixOptions, registry: Registry, run_options: RunOptions, run: Run, files: ProjectFiles,
            redactor: Redactor) -> FixReport:
    """Round after round until one applies nothing (see _fix)."""
    from doctor.engine import preflight

    results: dict[str, FixResult] = {}
    report = FixReport(run.project.root)
    rounds = options.max_rounds
    if rounds is None:  # nine ports of one file moved one per round (each fix rewrites the file whole)
        rounds = sum(1 for f in run.report.findings if f.fix is not None) + MORE_ROUNDS
    unreadable_before = {f.fingerprint for f in run.report.findings if _unreadable(f)}
    first = _worst(run.report.findings)
    appeared: dict[str, list[str]] = {}  # a finding this run's fixes created: the fixes of the round before it
    for _ in range(max(1, rounds)):
        report, chosen = _round(options, registry, run, files, redactor, results, report)
        applied = [r for r in report.results if r.status is FixStatus.APPLIED
                   and (r.fingerprint not in results or results[r.fingerprint].status is not FixStatus.APPLIED)]
        results.update({r.fingerprint: r for r in report.results})
        if not applied:
            break
        # the verification (every selected check, not only those whose fixes applied), and the next
        # round's findings: one a fix created (a drift info turned error) is planned there
        run = preflight(run_options, registry)
        remaining = _worst(run.report.findings)  # the worst finding of each fingerprint (a subject may carry several)
        # a round after which compose can no longer read the project fixed nothing, whatever the
        # checks (which then see less) say; and no round builds on it
        broken = next((f for f in run.report.findings if _unreadable(f) and f.fingerprint not in unreadable_before),
                      None)
        now = {f.fingerprint for f in run.report.findings if _unreadable(f)}
        if unreadable_before - now:  # compose got further (wger's copied .env: the required variable is set,
            broken = None            # the next error is the value's own): this round's fixes are judged alone
            first = {**remaining, **first}  # and what the checks see now was there, unseen: not this run's making
        for fingerprint, f in remaining.items():
            if _new(f, first) and fingerprint not in appeared:
                appeared[fingerprint] = [r.fingerprint for r in applied]
        unreadable_before |= now
        for fingerprint, r in list(results.items()):  # settled by an overlapping fix: no round is left to apply it
            # (an advice too: pontoon's compose-config "make server-env" for the env file env-drift's copy made)
            if r.status is FixStatus.SKIPPED and fingerprint not in remaining and (
                    r.reason.endswith(RETRY) or (r.fixed is None and broken is None)):
                results[fingerprint] = replace(r, fixed=True, reason=SETTLED)
        for r in applied:
            verify = chosen[r.fingerprint].verify
            problem = verify(run.project) if verify is not None else ""
            if broken is not None:
                loc = broken.location
                where = f" ({loc.path.name}{f':{loc.line}' if loc.line else ''})" if loc is not None else ""
                problem = f"compose cannot read the project after this round{where}: {broken.message}"
            left = remaining.get(r.fingerprint)
            if problem or (left is not None and left.severity >= r.severity):
                results[r.fingerprint] = replace(r, fixed=False, reason=problem)
            elif left is not None:  # stopping another project's holder: its stopped container still
                # declares the port (a warning for its next `up`), but the error is gone
                results[r.fingerprint] = replace(r, fixed=True, reason=f"left: {left.severity.label}, {left.message}")
            else:
                results[r.fingerprint] = replace(r, fixed=True)
        if broken is not None:
            break
    unfixable = _unfixable(run, results)
    behind = _still_left(run, files.root, first, appeared, results, {message for _, message in unfixable})
    return replace(report, results=tuple(results.values()), backups=files.backups, redactor=redactor,
                   unfixable=unfixable, left=tuple(line for line, _ in behind),
                   left_errors=sum(f.severity is Severity.ERROR for _, f in behind))


def _worst(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, Finding]:
    """The worst finding of each fingerprint."""
    worst: dict[str, Finding] = {}
    for f in findings:
        if f.fingerprint not in worst or f.severity > worst[f.fingerprint].severity:
            worst[f.fingerprint] = f
    return worst


def _new(finding: Finding, first: Mapping[str, Finding]) -> bool:
    """Above info, and absent from the first preflight or worse than it was there: this run made it."""
    before = first.get(finding.fingerprint)
    return finding.severity > Severity.INFO and (before is None or finding.severity > before.severity)


def _bad(r: FixResult) -> bool:
    """A result that already makes the exit code 1 (a failed fix, one the check still reports, an error skipped)."""
    return (r.status is FixStatus.FAILED or r.fixed is False
            or (r.status is FixStatus.SKIPPED and r.severity is Severity.ERROR and not r.fixed))


def _still_left(run: Run, root: Path, first: Mapping[str, Finding], appeared: Mapping[str, list[str]],
                results: dict[str, FixResult], unfixable: set[str]) -> list[tuple[str, Finding]]:
    """What the final preflight reports above info that no bad result or unfixable line already tells:
    every error, and a warning this run's fixes created. The fixes that created one are not verified
    fixed (the ones at its place, else all of the round before it appeared): `results` is updated.
    """
    left: list[tuple[str, Finding]] = []
    for fingerprint, f in _worst(run.report.findings).items():
        if f.severity is Severity.INFO:
            continue
        new = _new(f, first)
        where = f" {f.location.display(root)}" if f.location is not None else ""
        shown = f"{f.check}{where} {f.message}"
        culprits = [results[c] for c in appeared.get(fingerprint, ()) if c in results and c != fingerprint]
        place = [c for c in culprits if c.location is not None and f.location is not None
                 and (c.location.path, c.location.line) == (f.location.path, f.location.line)]
        for c in place or culprits:
            if c.fixed:
                results[c.fingerprint] = replace(c, fixed=False,
                                                 reason=f"{REPLACED} {f.severity.label} in its place: {shown}")
        r = results.get(fingerprint)
        if f.message in unfixable or (r is not None and _bad(r) and r.severity >= f.severity):
            continue  # told already, with its reason
        if f.severity is not Severity.ERROR and not new:
            continue  # a warning the user left as it was: listed among the skipped, as ever
        why = "appeared after this run's fixes" if new else "still reported"
        fixable = f"; fix: {f.fix.title}" if f.fix is not None else ""
        left.append((f"left: {f.severity.label} {shown} ({why}{fixable})", f))
    return left


def _unfixable(run: Run, results: Mapping[str, FixResult]) -> tuple[tuple[str, str], ...]:
    """The errors of `run` that carry no fix and no result: nothing doctor could offer for them."""
    return tuple((f.check, f.message) for f in run.report.findings
                 if f.severity is Severity.ERROR and f.fix is None and f.fingerprint not in results)


def _unreadable(finding: Finding) -> bool:
    """A compose-config error that says compose would reject the project or cannot read a file of it
    (its subject starts with the problem's kind: `yaml:`, `interpolation:`, ...), not one about what
    `up` lacks (a build context, an external volume)."""
    from doctor.project.types import ProblemKind

    return (finding.check == "compose-config" and finding.severity is Severity.ERROR
            and finding.subject.partition(":")[0] in {kind.value for kind in ProblemKind})


def _round(options: FixOptions, registry: Registry, run: Run, files: ProjectFiles, redactor: Redactor,
           earlier: Mapping[str, FixResult], before: FixReport | None = None,
           ) -> tuple[FixReport, dict[str, Fix]]:
    """Plan and apply (or preview) one pass over the findings that carry a fix.

    A finding already decided in an earlier round (applied, declined, advice) is not asked or
    planned again; one that overlapped an earlier fix's edits is, now that those are written.
    """
    results: list[FixResult] = []
    plans: dict[Path, FileEdits] = {}
    accepted: list[tuple[Finding, Fix]] = []
    seen: set[str] = set()
    same: set[tuple[str, str]] = set()  # the edits planned: one fix several findings share is one
    for finding in run.report.findings:
        decided = earlier.get(finding.fingerprint)
        # an info skipped as advice that an applied fix turned into an error is a new finding: decided anew
        settled = decided and not decided.reason.endswith(RETRY) and not (
            decided.status is not FixStatus.APPLIED and finding.severity > decided.severity)
        if finding.fix is None or finding.fingerprint in seen or settled:
            continue
        if options.families and _family(registry, finding.check) not in options.families:
            continue
        seen.add(finding.fingerprint)
        if finding.fix.edits:
            # dotenv-override's one `override=True` overriding four keys: asked, planned and listed
            # once (a finding the edit does not settle is planned again in the next round)
            key = (finding.check, json.dumps(finding.fix.as_dict(), sort_keys=True, default=str))
            if key in same:
                continue
            same.add(key)
        chosen, refusal = _choose(options, files, redactor, finding, finding.fix)
        if chosen is None:
            results.append(_result(finding, finding.fix, FixStatus.SKIPPED, refusal))
            continue
        refusal = _plan(files, plans, chosen)
        if refusal:
            status = FixStatus.DRY_RUN if options.dry_run and refusal.endswith(RETRY) else FixStatus.SKIPPED
            if refusal.endswith(READ_ONLY):  # the file refused the write: as when it fails there
                status = FixStatus.FAILED
            results.append(_result(finding, chosen, status, refusal))
            continue
        accepted.append((finding, chosen))
    planned = [FileDiff(p.path, p.diff(files.root)) for p in plans.values() if p.changed]  # before writing
    failed: dict[Path, str] = {}
    for plan in plans.values():
        if plan.changed:
            # a dry run tells what the write would refuse (a file its owner made read-only)
            error = (plan.exists and read_only(plan.path, plan.display)) if options.dry_run else files.write(plan)
            if error:
                failed[plan.path] = error
    diffs = tuple(d for d in planned if d.path not in failed)  # a file left as it was shows no diff
    for finding, chosen in accepted:
        results.append(_outcome(options, files, plans, finding, chosen, failed))
    prev = before.diffs if before else ()
    report = FixReport(files.root, tuple(results), prev + diffs, files.backups, dry_run=options.dry_run,
                       redactor=redactor)
    return report, {finding.fingerprint: chosen for finding, chosen in accepted}


def _preview(files: ProjectFiles, chosen: Fix) -> str:
    """The fix alone as a unified diff (or its command): what a question shows before it is asked."""
    plans: dict[Path, FileEdits] = {}
    refusal = _plan(files, plans, chosen)
    shown = [p.diff(files.root) for p in plans.values() if p.changed] if not refusal else [refusal + "\n"]
    if chosen.command:
        shown.append("$ " + " ".join(chosen.command) + "\n")
    return "".join(shown)


def _choose(options: FixOptions, files: ProjectFiles, redactor: Redactor, finding: Finding,
            primary: Fix) -> tuple[Fix | None, str]:
    """The fix to apply (the primary, or an alternative the user chose on a terminal), or why none.

    Each question shows the finding's file:line and the change itself before it is asked, once.
    """
    ask = _asker(options)
    where = finding.location.display(files.root) if finding.location is not None else ""
    head = f"{where}: {finding.message}" if where else finding.message

    def question(fix: Fix, suffix: str = "") -> str:
        return redactor.text(f"{head}\n{_preview(files, fix)}  {fix.title}{suffix}?")

    for alternative in primary.alternatives:
        if alternative.command and alternative.command in files.accepted:
            return alternative, ""  # the user said yes to this very command for another finding
        if ask is not None and not options.dry_run and ask(question(alternative, " instead")):
            files.accepted.add(alternative.command)
            return alternative, ""
    if primary.safety is Safety.ADVICE:
        return None, ADVICE  # the title, on the same line, says what to do
    if primary.safety is Safety.UNSAFE and not (options.yes or options.dry_run):
        if primary.command and primary.command in files.accepted:
            return primary, ""
        if ask is None:
            return None, UNSAFE_HINT
        if not ask(question(primary)):
            return None, "declined"
        if primary.command:
            files.accepted.add(primary.command)
    return primary, ""


def _asker(options: FixOptions) -> Callable[[str], bool] | None:
    if not options.interactive:
        return None
    if options.ask is not None:
        return options.ask
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None  # told interactive, but there is no terminal to answer: never hang on a pipe
    return _terminal_ask


def _terminal_ask(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _plan(files: ProjectFiles, plans: dict[Path, FileEdits], chosen: Fix) -> str:
    """Add a fix's edits to the per-file plans, all or none; the reason when refused."""
    staged: dict[Path, FileEdits] = {}
    for edit in chosen.edits:
        try:
            path = files.check_path(edit.path)
            plan = staged.get(path) or (plans[path].copy() if path in plans else files.load(path))
            staged[path] = plan
            plan.add(edit, chosen.title)
        except RefusedEdit as exc:
            return str(exc)
    for path, plan in staged.items():  # a fix one of whose files is read-only writes none of them: never
        # half of a port move (the override written, the `.env` URL that follows it left behind)
        refusal = plan.exists and plan.changed and read_only(path, plan.display)
        if refusal:
            return refusal
    plans.update(staged)
    return ""


def _outcome(options: FixOptions, files: ProjectFiles, plans: Mapping[Path, FileEdits], finding: Finding,
             chosen: Fix, failed: dict[Path, str]) -> FixResult:
    paths = {files.check_path(e.path) for e in chosen.edits}
    errors = [failed[p] for p in paths if p in failed]
    if errors:
        return _result(finding, chosen, FixStatus.FAILED, errors[0])
    if not chosen.command and not any(plans[p].changed for p in paths if p in plans):
        return _result(finding, chosen, FixStatus.SKIPPED, "nothing to write: the files already say this")
    if options.dry_run:
        shown = " ".join(chosen.command)
        reason = f"would run: {shown}" if chosen.command else ""
        if chosen.safety is Safety.UNSAFE and not options.yes:
            reason = (reason + "; " if reason else "") + "unsafe: applied only with --yes or when confirmed"
        return _result(finding, chosen, FixStatus.DRY_RUN, reason)
    if chosen.command:
        error = files.run_command(chosen.command)
        if error:
            return _result(finding, chosen, FixStatus.FAILED, error)
    return _result(finding, chosen, FixStatus.APPLIED)


def _result(finding: Finding, chosen: Fix, status: FixStatus, reason: str = "") -> FixResult:
    return FixResult(finding.fingerprint, status, reason, finding.check, chosen.title, finding.message,
                     severity=finding.severity, location=finding.location)


def _env(options: FixOptions) -> dict[str, str]:
    if options.env is not None:
        return dict(options.env)
    return dict(options.project.env or os.environ)


def _redactor(run: Run) -> Redactor:
    from doctor.known_secrets import project_redactor

    return project_redactor(run.project)


def _left(report: FixReport) -> list[str]:
    """What is left to do, and so why the exit code is what it is."""
    if report.dry_run:
        return []
    left = [r for r in report.results if _bad(r)]
    if not left and not report.unfixable and not report.left:
        return []
    errors = (sum(r.severity is Severity.ERROR and not r.reason.startswith(REPLACED) for r in left)
              + len(report.unfixable) + report.left_errors)
    told = len(left) + len(report.unfixable) + len(report.left)
    if errors:
        others = f", and {told - errors} other fix(es) did not work:" if told > errors else ":"
        lines = [f"exit 1: {errors} error(s) left, so the stack would still fail (at 'docker compose up' or once "
                 f"it runs){others}"]
    elif left:
        lines = [f"exit 1: {len(left)} fix(es) did not work (warnings: 'docker compose up' may still start):"]
    else:
        lines = ["exit 1: this run's fixes left new warnings ('docker compose up' may still start):"]
    for r in left:
        why = r.reason or ("the check still reports it" if r.fixed is False else r.status.value)
        if why == ADVICE:
            why = f"{ADVICE}: {r.title}"
        lines.append(f"  {r.check}: {r.message} ({why})")
    lines.extend(f"  {check}: {message} (no fix doctor can make: change it by hand)"
                 for check, message in report.unfixable)
    lines.extend(f"  {line}" for line in report.left)
    return lines


def _from_here(path: object) -> str:
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
        verdict = {True: " (fixed)", False: " (NOT fixed: the check still reports it)", None: ""}[r.fixed]
        if r.fixed is False and r.reason:
            verdict = " (NOT verified fixed)"  # the reason says why
        why = f": {r.reason}" if r.reason else ""
        rows.append(Line((Piece(f"{r.status.value:<8} {r.check:<18} {r.title}{verdict}{why}"),), RESULT_HANG))
    for original, copy in report.backups:
        # the file as the run names it (from the current folder), the copy under `~` when in the home folder
        rows.append(Line((Piece("backed up "), Piece(_from_here(original), whole=True),
                          Piece(f" ({why_backed_up(original)}) to "), Piece(_home_tilde(copy), whole=True)), 2))
    rows.extend(Line((Piece(note),), 2) for note in report.notes)
    counts = {s: sum(r.status is s for r in report.results) for s in FixStatus}
    if not report.results:
        rows.append(Line((Piece("no fix applied" if report.unfixable else "nothing to fix"),)))
    elif report.dry_run:
        later = sum(r.status is FixStatus.DRY_RUN and r.reason.endswith(RETRY) for r in report.results)
        now = counts[FixStatus.DRY_RUN] - later
        more = f" now, {later} more in a later round once those are applied (no diff shown for those)" if later else ""
        rows.append(Line((Piece(f"dry run: {now} fix(es) would apply{more}, no file changed"),), 2))
    else:
        fixed = sum(r.fixed is True for r in report.results)
        rows.append(Line((Piece(f"{counts[FixStatus.APPLIED]} applied ({fixed} verified fixed), "
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
