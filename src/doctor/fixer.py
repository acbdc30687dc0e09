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

One round (plan, ask, write) is doctor.fix_round; the report's records and its text, doctor.fix_report.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from doctor.dirlock import LockError, holder
from doctor.file_edits import RETRY, RefusedEdit
from doctor.fix_report import REPLACED, FixReport, FixResult, FixStatus, bad_result, from_here, undone_whole
from doctor.fix_round import family_of, planned, run_round
from doctor.fix_undo import undo_unfixed
from doctor.fixfiles import ProjectFiles, project_lock
from doctor.model import Finding, Location, Severity
from doctor.project.edits import edit_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.engine import Registry, Run, RunOptions
    from doctor.model import Fix
    from doctor.project import Project, ProjectOptions
    from doctor.project.types import Problem
    from doctor.redact import Redactor


@dataclass(frozen=True)
class FixOptions:
    """One `doctor fix` run as the user asked for it.

    `families` empty means every family (and fixes of checks in none); `interactive` says
    stdin/stdout are a terminal (never prompt otherwise); `ask` replaces the terminal prompt
    (tests, or a UI); `env` is the environment for preflight and the state dir; `waiting` is
    told, once, the line to show while this run waits for another run's lock.
    """

    project: ProjectOptions
    families: frozenset[str] = frozenset()
    dry_run: bool = False
    yes: bool = False
    interactive: bool = False
    env: Mapping[str, str] | None = None
    ask: Callable[[str], bool] | None = None
    lock_timeout: float = 30.0
    waiting: Callable[[str], None] | None = None
    # None: until a round applies nothing, at most one round per fix the first preflight offered
    # (each round but the last applies one at least) plus MORE_ROUNDS; a number: at most that many
    max_rounds: int | None = None
    # a dry run's rounds, played in its scratch copy of the project (doctor.dry_rounds): files are written
    # there, nothing is asked, every fix is taken as if confirmed, and no command runs
    scratch: bool = False


SETTLED = "the check no longer reports it after this run's other fixes"
MORE_ROUNDS = 4  # beyond one round per offered fix: fixes whose application reveals another


def fix_families(registry: Registry) -> dict[str, tuple[str, ...]]:
    """Each fix family (`doctor fix --FAMILY`) with the ids of the checks that declare it."""
    found: dict[str, list[str]] = {}
    for check_id, check in sorted(registry.checks.items()):
        if check.fix_family:
            found.setdefault(check.fix_family, []).append(check_id)
    return {family: tuple(ids) for family, ids in sorted(found.items())}


def fix(options: FixOptions, registry: Registry | None = None) -> FixReport:
    """Run preflight, apply the selected fixes as their safety allows, verify by re-running the checks."""
    from doctor.engine import RunOptions, load_registry

    registry = registry or load_registry()
    wanted = options.families
    select = tuple(sorted(c for c in registry.checks if not wanted or family_of(registry, c) in wanted))
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
        with project_lock(where, options.lock_timeout, waited, _on_wait(options, where)) as locked:
            if not locked:
                return FixReport(where, error=_busy(options, where))
            report = _with_wrapper_notes(_fix(options, registry, run_options, where))
            if waited:  # else "nothing to fix" reads as if the findings had never been there
                note = f"waited {waited[0]:.1f} s for another 'doctor fix' on {where}; then read the files it left"
                report = replace(report, notes=(note, *report.notes))
            return report
    except LockError as exc:
        return FixReport(where, error=str(exc))


def _on_wait(options: FixOptions, folder: Path) -> Callable[[], None] | None:
    """What says, as the wait begins, which run this one waits for, and for how long at most."""
    if options.waiting is None:
        return None
    show = options.waiting
    return lambda: show(f"another 'doctor fix' is running on {folder}{holder(folder)}: "
                        f"waiting up to {options.lock_timeout:g} s for it to end")


def _busy(options: FixOptions, folder: Path) -> str:
    """The one line of a run that waited for the lock in vain: who holds it, and what to do."""
    return (f"another 'doctor fix' is running on {folder}{holder(folder)}: it held the lock "
            f"for {options.lock_timeout:g} s; run doctor fix again once it ends")


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
    unloaded = _unloaded(run.project)
    if unloaded:
        # COMPOSE_FILE naming a missing file, a YAML error, an env file compose cannot parse or whose
        # port it rejects: the checks saw files compose would not use (or part of them), so no edit of
        # theirs is sure to be one `up` needs (an env-drift key appended after an open quote is inside it)
        first, at = unloaded[0]
        where = f"{run.project.shown(at.path)}{f':{at.line}' if at.line else ''}: " if at is not None else ""
        note = (f"doctor fix edits nothing while compose cannot read the project's files ({where}"
                f"{run.project.shown_problem(first)}): fix that by hand, then run it again")
        return FixReport(run.project.root, notes=(note,), redactor=redactor, dry_run=options.dry_run,
                         unfixable=_unfixable(run, {}) or tuple(("compose-config", p.message) for p, _ in unloaded))
    files = ProjectFiles(edit_root(run.project), run.project.compose.project_name, env)
    if options.dry_run:  # the run's rounds, played in a scratch copy of the project (doctor.dry_rounds)
        from doctor.dry_rounds import dry_rounds
        from doctor.dry_verdict import with_verdict

        played = dry_rounds(options, registry, run_options, files, redactor, run)
        if not isinstance(played, str):
            return played
        # no copy (too many files): the first round's plan, and its verdict on the errors it leaves
        report, chosen = run_round(options, registry, run, files, redactor, {})
        report = replace(report, notes=(*report.notes, played))
        return with_verdict(report, registry, run_options, files.root, planned(files, chosen.values()))
    if files.root.resolve() == held:  # a second flock of the folder this run holds would wait on itself
        return play_rounds(options, registry, run_options, run, files, redactor)
    # edits may land in the folder around the project, which another compose project of the same
    # repository (docker/ and .devcontainer/) may be fixing: that folder's lock too, taken second
    waited: list[float] = []
    with project_lock(files.root, options.lock_timeout, waited, _on_wait(options, files.root)) as locked:
        if not locked:
            return FixReport(files.root, error=_busy(options, files.root))
        if waited:
            run = preflight(run_options, registry)  # what the other run left
        report = play_rounds(options, registry, run_options, run, files, redactor)
    if waited:
        note = f"waited {waited[0]:.1f} s for another 'doctor fix' on {files.root}; then read the files it left"
        report = replace(report, notes=(note, *report.notes))
    return report


def _unloaded(project: Project) -> list[tuple[Problem, Location | None]]:
    """The loader's problems that stop compose before it reads the project (with where to point):
    a YAML error, a file it cannot read, COMPOSE_FILE naming a missing file; an env file it cannot
    parse (an unterminated quote, a NUL byte: `failed to read .env: line 2`), whatever loads it; a
    published port whose variable an env file sets to a value compose rejects (`API_PORT= # set me`
    is `# set me` to compose), pointed at that line. A missing env file is not one: env-drift's copy
    of its template is the fix."""
    from doctor.project.types import ProblemKind

    found: list[tuple[Problem, Location | None]] = []
    env_files: set[Path] | None = None
    for problem in project.compose.problems:
        at = problem.location
        if problem.kind in (ProblemKind.YAML, ProblemKind.UNREADABLE, ProblemKind.DISCOVERY):
            found.append((problem, at))
        elif problem.kind is ProblemKind.ENV_FILE and at is not None and at.line and at.path.is_file():
            # a missing env file is pointed at the compose file naming it (an included or extended
            # one too, which project.compose.files does not list): only a line of an env file itself
            # is one compose cannot parse
            env_files = _env_files(project) if env_files is None else env_files
            if at.path in env_files:
                found.append((problem, at))
        elif problem.kind is ProblemKind.SCHEMA and problem.message.startswith("invalid port '"):
            setter = _rejected_port_setter(project, problem.message)
            if setter is not None:
                found.append((problem, setter))
    return found


def _env_files(project: Project) -> set[Path]:
    """Every env file the loader reads: the services' env_file entries (a profile's too), the files
    compose interpolates from and those an `include` entry names."""
    model = project.compose
    found = set(project.interpolation_files)
    for service in (*model.services.values(), *model.profiled.values()):
        found.update(service.env_files, service.optional_env_files)
    for paths in model.include_env.values():
        found.update(paths)
    return found


def _rejected_port_setter(project: Project, message: str) -> Location | None:
    """Where an env file compose interpolates with sets a variable of a port compose rejects
    (`invalid port '${API_PORT:-18481}:81': invalid hostPort: # set me`) to the value rejected;
    None for a port written as it is, or one whose variables are unset (env-drift may set them)."""
    import re

    raw, _, why = message.removeprefix("invalid port '").partition("': ")
    for name in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", raw):
        for path in reversed(project.interpolation_files):
            parsed = project.env_file(path)
            entry = parsed.entry(name) if parsed is not None else None
            if entry is not None and entry.value and entry.value in why:
                return Location(path, entry.line)
    return None


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
        # as that line names files: from the folder it runs compose in (its own, or where its `cd` goes)
        given = os.path.relpath(path, os.path.join(first.path.parent, first.folder))
        notes.append(f"note: {from_here(first.path)}:{first.line}{more} runs docker compose with -f {named}, "
                     f"which does not read {path.name}: compose reads an override only when no -f or COMPOSE_FILE "
                     f"names the files; add -f {shlex.quote(given)} there for its commands to get this fix")
    return replace(report, notes=(*report.notes, *notes)) if notes else report


def play_rounds(options: FixOptions, registry: Registry, run_options: RunOptions, run: Run, files: ProjectFiles,
                redactor: Redactor, check: Callable[[RunOptions, Registry], Run] | None = None) -> FixReport:
    """Round after round until one applies nothing (see _fix); a dry run plays them in its scratch copy,
    `check` its preflight there (what the copy cannot show, owners it could not give, kept as the project's)."""
    from doctor.engine import preflight

    check = check or preflight

    results: dict[str, FixResult] = {}
    report = FixReport(run.project.root)
    rounds = options.max_rounds
    if rounds is None:  # nine ports of one file moved one per round (each fix rewrites the file whole)
        rounds = sum(1 for f in run.report.findings if f.fix is not None) + MORE_ROUNDS
    unreadable_before = {f.fingerprint for f in run.report.findings if _unreadable(f)}
    first = _worst(run.report.findings)
    appeared: dict[str, list[str]] = {}  # a finding this run's fixes created: the fixes of the round before it
    appeared_in: dict[str, Path] = {}  # and the file it is in: the fixes that wrote it made it (doctor.fix_undo)
    exports: dict[str, str] = {}  # what the shell must still export for compose to read the edits (once)
    every: dict[str, Fix] = {}  # the fix applied for each fingerprint, whatever its round: its verify step
    writers: dict[Path, set[str]] = {}  # each file written: the fixes whose edits it holds (doctor.fix_undo)
    shell_of: dict[str, Fix] = {}  # each applied fix leaving a variable to the shell (COMPOSE_FILE), in order
    bare = run_options  # the options before any of them: an undone fix's export is dropped from them again
    for number in range(1, max(1, rounds) + 1):
        # every service in a profile that is off: the checks judged none of them (docker-rails-example before
        # env-drift's copy of .env.example sets COMPOSE_PROFILES)
        unjudged = not run.project.compose.services and bool(run.project.compose.disabled_services)
        report, chosen = run_round(options, registry, run, files, redactor, results, report)
        every.update(chosen)
        applied = [replace(r, round=number) for r in report.results if r.status is FixStatus.APPLIED
                   and (r.fingerprint not in results or results[r.fingerprint].status is not FixStatus.APPLIED)]
        results.update({r.fingerprint: r for r in report.results})
        results.update({r.fingerprint: r for r in applied})
        if not applied:
            break
        for r in applied:
            for edit in chosen[r.fingerprint].edits:
                path = files.check_path(edit.path)
                if path in files.originals:
                    writers.setdefault(path, set()).add(r.fingerprint)
        shell_of.update((r.fingerprint, chosen[r.fingerprint]) for r in applied
                        if getattr(chosen[r.fingerprint], "shell", ()))
        run_options = _with_shell(run_options, [chosen[r.fingerprint] for r in applied], exports)
        # the verification (every selected check, not only those whose fixes applied), and the next
        # round's findings: one a fix created (a drift info turned error) is planned there
        run = check(run_options, registry)
        remaining = _worst(run.report.findings)  # the worst finding of each fingerprint (a subject may carry several)
        # a round after which compose can no longer read the project fixed nothing, whatever the
        # checks (which then see less) say; and no round builds on it
        broken = next((f for f in run.report.findings if _unreadable(f) and f.fingerprint not in unreadable_before),
                      None)
        now = {f.fingerprint for f in run.report.findings if _unreadable(f)}
        if unreadable_before - now:  # compose got further (wger's copied .env: the required variable is set,
            broken = None            # the next error is the value's own): this round's fixes are judged alone
            first = {**remaining, **first}  # and what the checks see now was there, unseen: not this run's making
        elif unjudged and run.project.compose.services:  # services judged for the first time: likewise unseen
            first = {**remaining, **first}
        for fingerprint, f in remaining.items():
            if _new(f, first) and fingerprint not in appeared:
                appeared[fingerprint] = [r.fingerprint for r in applied]
                if f.location is not None and f.location.path is not None:
                    with contextlib.suppress(RefusedEdit):  # a file outside the project: no fix of this run wrote it
                        appeared_in[fingerprint] = files.check_path(f.location.path)
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
        if broken is None:
            _settled_later(results, remaining, every, run, number)
        if broken is not None:
            break
    unfixable = _unfixable(run, results)
    behind = _still_left(run, files.root, first, appeared, results, {message for _, message in unfixable})
    # a fix the re-check still reports: its files as they were (doctor.fix_undo), and the checks see them so
    restored = undo_unfixed(files, results, every, writers, appeared, options.scratch, appeared_in)
    if restored:
        report = replace(report, diffs=tuple(d for d in report.diffs if d.path not in restored))
        # an undone fix's export (COMPOSE_FILE naming the ports file it made) is neither printed nor checked with
        gone = {fp for fp in shell_of if undone_whole(results[fp])}
        if gone:
            exports = {}
            run_options = _with_shell(bare, [f for fp, f in shell_of.items() if fp not in gone], exports)
        run = check(run_options, registry)
        unfixable = _unfixable(run, results)
        behind = _still_left(run, files.root, first, appeared, results, {message for _, message in unfixable})
    # a move an earlier run wrote that compose does not read yet (the export not done): said once, not moved again
    pending = dict.fromkeys(p for f in run.report.findings
                            if f.fix is not None and (p := getattr(f.fix, "pending", "")))
    report = replace(report, notes=(*report.notes, *pending)) if pending else report
    if exports:  # verified as compose reads the files with it: the one step left, printed once
        line = " ".join(f"{k}={shlex.quote(v)}" for k, v in exports.items())
        direnv = " (or in .envrc, which direnv loads)" if (run.project.root / ".envrc").exists() else ""
        report = replace(report, notes=(*report.notes, f"then, in this worktree's shell{direnv}: export {line}"))
    return replace(report, results=tuple(results.values()), backups=files.backups, put_back=tuple(sorted(restored)),
                   redactor=redactor,
                   unfixable=unfixable, left=tuple(line for line, _ in behind),
                   left_errors=sum(f.severity is Severity.ERROR for _, f in behind))


def _settled_later(results: dict[str, FixResult], remaining: Mapping[str, Finding], every: Mapping[str, Fix],
                   run: Run, number: int) -> None:
    """An earlier round's fix the check still reported, which this round's fixes made good: its finding is
    gone and its verify step passes (leaked-host-port's dev override value, which a Node loader's
    `override: true` beat until dotenv-override dropped the flag a round later). `results` is updated."""
    for fingerprint, r in list(results.items()):
        if r.status is not FixStatus.APPLIED or r.fixed is not False or r.reason or r.round >= number \
                or fingerprint in remaining:
            continue
        verify = every[fingerprint].verify if fingerprint in every else None
        if not (verify(run.project) if verify is not None else ""):
            results[fingerprint] = replace(r, fixed=True, reason=f"the check no longer reports it after round "
                                                                 f"{number}'s fixes")


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
        if f.message in unfixable or (r is not None and bad_result(r) and r.severity >= f.severity):
            continue  # told already, with its reason
        if r is not None and r.status is FixStatus.DRY_RUN:
            continue  # a dry run's command, never run in its scratch copy: its line says what would run
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


def _env(options: FixOptions) -> dict[str, str]:
    if options.env is not None:
        return dict(options.env)
    return dict(options.project.env or os.environ)


def _redactor(run: Run) -> Redactor:
    from doctor.known_secrets import project_redactor

    return project_redactor(run.project)


def _with_shell(run_options: RunOptions, fixes: list[Fix], exports: dict[str, str]) -> RunOptions:
    """The run options the next round verifies with: the variables the applied fixes leave to the
    shell (a port move's COMPOSE_FILE naming compose.ports.yaml, .env being tracked) set, as they
    will be once exported; remembered in `exports` for the report."""
    wanted = {k: v for f in fixes for k, v in getattr(f, "shell", ())}
    if not wanted:
        return run_options
    exports.update(wanted)
    env = dict(run_options.project.env if run_options.env is None else run_options.env)
    project = replace(run_options.project, env={**run_options.project.env, **wanted})
    return replace(run_options, project=project, env={**env, **wanted})
