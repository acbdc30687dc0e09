"""One round of `doctor fix`: plan the findings' fixes per file, ask about the unsafe ones, write
the files and run the commands (or, in a dry run, tell what would happen). doctor.fixer runs
round after round until one applies nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from doctor.atomic import signals_held
from doctor.file_edits import RETRY, FileEdits, RefusedEdit
from doctor.fix_report import ADVICE, FileDiff, FixReport, FixResult, FixStatus
from doctor.fixfiles import READ_ONLY, ProjectFiles, read_only
from doctor.model import Finding, Fix, Safety

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.atomic import Staged
    from doctor.engine import Registry, Run
    from doctor.fixer import FixOptions
    from doctor.redact import Redactor

UNSAFE_HINT = "unsafe fix: rerun with --yes, or on a terminal to be asked"
UNSAFE_HINT_CI = "unsafe fix: rerun with --yes (in CI doctor asks nothing)"


def family_of(registry: Registry, check_id: str) -> str:
    """The fix family of the check `check_id` ("" for a check in none, or one not installed)."""
    check = registry.checks.get(check_id)
    return check.fix_family if check is not None else ""


def run_round(options: FixOptions, registry: Registry, run: Run, files: ProjectFiles, redactor: Redactor,
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
        if options.families and family_of(registry, finding.check) not in options.families:
            continue
        seen.add(finding.fingerprint)
        if finding.fix.edits:
            # dotenv-override's one `override=True` overriding four keys: asked, planned and listed
            # once (a finding the edit does not settle is planned again in the next round); so is a
            # move several owners share, each offering its own stop (a port range two owners hold)
            key = (finding.check, json.dumps({**finding.fix.as_dict(), "alternatives": None}, sort_keys=True,
                                             default=str))
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
    if options.dry_run:  # a dry run tells what the write would refuse (a file its owner made read-only)
        failed = {p.path: e for p in plans.values() if p.changed and (e := p.exists and read_only(p.path, p.display))}
    else:  # the shared info/exclude re-planned on the file as it is then: the diff shows what was written
        failed = _write_all(files, plans, [chosen for _, chosen in accepted])
    planned = [FileDiff(p.path, p.diff(files.root)) for p in plans.values() if p.changed]
    diffs = tuple(d for d in planned if d.path not in failed)  # a file left as it was shows no diff
    for finding, chosen in accepted:
        results.append(_outcome(options, files, plans, finding, chosen, failed))
    prev = before.diffs if before else ()
    report = FixReport(files.root, tuple(results), prev + diffs, files.backups, dry_run=options.dry_run,
                       redactor=redactor)
    return report, {finding.fingerprint: chosen for finding, chosen in accepted}


def planned(files: ProjectFiles, fixes: Iterable[Fix]) -> dict[Path, FileEdits]:
    """The per-file plans of `fixes` (a round's accepted ones): what the round writes, or a dry run would."""
    plans: dict[Path, FileEdits] = {}
    for chosen in fixes:
        _plan(files, plans, chosen)
    return plans


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
        if ask is not None and not (options.dry_run or options.scratch) and ask(question(alternative, " instead")):
            files.accepted.add(alternative.command)
            return alternative, ""
    if primary.safety is Safety.ADVICE:
        return None, ADVICE  # the title, on the same line, says what to do
    if primary.safety is Safety.UNSAFE and not (options.yes or options.dry_run or options.scratch):
        if primary.command and primary.command in files.accepted:
            return primary, ""
        if ask is None:
            return None, unsafe_hint(options.env or {})
        if not ask(question(primary)):
            return None, "declined"
        if primary.command:
            files.accepted.add(primary.command)
    return primary, ""


def unsafe_hint(env: Mapping[str, str]) -> str:
    """How to apply an unsafe fix that was not asked: a terminal asks only outside CI."""
    from doctor.host.context import ci_provider

    return UNSAFE_HINT_CI if ci_provider(env) else UNSAFE_HINT


def _asker(options: FixOptions) -> Callable[[str], bool] | None:
    if not options.interactive or options.dry_run or options.scratch:
        return None  # a dry run asks nothing
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
        refusal = plan.exists and plan.changed and files.read_only(path, plan.display)
        if refusal:
            return refusal
    plans.update(staged)
    return ""


def _write_all(files: ProjectFiles, plans: dict[Path, FileEdits], fixes: list[Fix]) -> dict[Path, str]:
    """Write the changed plans, each fix's files all or none; the files not written, with why.

    The repository's info/exclude, which other worktrees' runs append to as well, is written under
    the repository's lock, its plan re-made on the file as it is then (doctor.sharedexclude).
    """
    from doctor.sharedexclude import rebased, repository_lock, shared_paths

    shared = shared_paths(files, plans)
    if not shared:
        return _write_files(files, plans, fixes, {})
    failed: dict[Path, str] = {}
    with repository_lock(files.root) as refusal:
        for path in shared:
            try:
                if refusal:
                    raise RefusedEdit(f"{plans[path].display} not written: {refusal}")
                plans[path] = rebased(files, plans[path])
            except RefusedEdit as exc:
                failed[path] = str(exc)
        return _write_files(files, plans, fixes, failed)


def _write_files(files: ProjectFiles, plans: Mapping[Path, FileEdits], fixes: list[Fix],
                 failed: dict[Path, str]) -> dict[Path, str]:
    """`_write_all` past the shared file: `failed` holds those refused already.

    Every file is staged (backed up, its new text written and synced beside it) before any is
    renamed: a full disk, a folder doctor may not write or an edit meanwhile in one file of a
    fix (the `.env` a port move's URL follows) then keeps the fix's other files (the override
    with the moved port) as they were, where writing file by file left the port moved and
    the URL dialling the old one, a "failed" fix the next run no longer saw.
    """
    staged: dict[Path, Staged] = {}
    try:
        for plan in (p for p in plans.values() if p.changed and p.path not in failed):
            done, error = files.stage(plan)
            if done is None:
                failed[plan.path] = error
            else:
                staged[plan.path] = done
        for path, done in staged.items():  # edited since it was read: refused before any file is renamed
            if not done.current():
                failed[path] = f"{plans[path].display} changed while doctor was fixing it; nothing written"
        failed.update(_held_back(files, plans, fixes, failed))
        with signals_held():  # Ctrl-C, SIGTERM, SIGHUP after the last rename: never between two
            for path, done in staged.items():
                if path in failed:
                    files.unback(path)
                    continue
                _before_commit(path)
                error = files.commit(plans[path], done)
                if error:
                    failed[path] = error
    finally:
        for done in staged.values():
            done.discard()  # not committed (held back, or the run interrupted): its temp file goes
    return failed


def _before_commit(path: Path) -> None:
    """Called before each staged file is renamed over its target: nothing; a test replaces it to
    send a signal between two renames (tests/test_fix_signal_between_renames.py)."""


def _held_back(files: ProjectFiles, plans: Mapping[Path, FileEdits], fixes: list[Fix],
               failed: Mapping[Path, str]) -> dict[Path, str]:
    """The files not to write because a fix editing them also edits a file that failed, and so on
    through the fixes sharing those files (one file's plan may carry several fixes' edits)."""
    groups = [{files.check_path(e.path) for e in fix.edits} for fix in fixes]
    root: dict[Path, Path] = {p: p for p in failed}  # each file not written -> the failed file behind it
    grew = True
    while grew:
        grew = False
        for group in groups:
            cause = next((root[p] for p in sorted(group) if p in root), None)
            if cause is None:
                continue
            for path in sorted(group - root.keys()):
                root[path] = cause
                grew = True
    return {path: (f"{plans[path].display} not written: a fix editing it also edits {plans[bad].display}, "
                   f"which could not be written ({failed[bad]})")
            for path, bad in root.items() if path not in failed and path in plans and plans[path].changed}


def _outcome(options: FixOptions, files: ProjectFiles, plans: Mapping[Path, FileEdits], finding: Finding,
             chosen: Fix, failed: dict[Path, str]) -> FixResult:
    paths = {files.check_path(e.path) for e in chosen.edits}
    errors = sorted((failed[p] for p in paths if p in failed), key=lambda e: " not written: a fix editing it" in e)
    if errors:
        return _result(finding, chosen, FixStatus.FAILED, errors[0])
    if not chosen.command and not any(plans[p].changed for p in paths if p in plans):
        return _result(finding, chosen, FixStatus.SKIPPED, "nothing to write: the files already say this")
    if options.dry_run or options.scratch:
        shown = " ".join(chosen.command)
        reason = f"would run: {shown}" if chosen.command else ""
        if chosen.safety is Safety.UNSAFE and not options.yes:
            reason = (reason + "; " if reason else "") + "unsafe: applied only with --yes or when confirmed"
        # in a dry run's scratch copy the edits are written (the next round builds on them); a command never runs
        status = FixStatus.APPLIED if options.scratch and not chosen.command else FixStatus.DRY_RUN
        return _result(finding, chosen, status, reason)
    if chosen.command:
        error = files.run_command(chosen.command)
        if error:
            return _result(finding, chosen, FixStatus.FAILED, error)
    return _result(finding, chosen, FixStatus.APPLIED)


def _result(finding: Finding, chosen: Fix, status: FixStatus, reason: str = "") -> FixResult:
    return FixResult(finding.fingerprint, status, reason, finding.check, chosen.title, finding.message,
                     severity=finding.severity, location=finding.location)
