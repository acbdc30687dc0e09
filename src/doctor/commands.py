"""The commands beside preflight: fix, config, baseline, list, explain, info and exec.

Each takes its options and returns the exit status, like `doctor.app`'s preflight, whose
config, project and report steps they share; cli.py calls them through `app.guarded`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence

from doctor.app import (
    EXIT_FINDINGS,
    EXIT_OK,
    PreflightOptions,
    UsageError,
    load_effective_config,
    project_options,
    redactor_for,
    require_compose_files,
    run_preflight,
    wants_color,
    write_atomic,
)
from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


@record
class FixCommand:
    """A `doctor fix` run: which project, which families, and how bold."""

    target: PreflightOptions
    families: frozenset[str] = frozenset()
    dry_run: bool = False
    yes: bool = False


def fix(opts: FixCommand, out: TextIO | None = None) -> int:
    """Apply the fixes of the chosen families (safe ones; unsafe with consent), verify, report."""
    out = sys.stdout if out is None else out
    from doctor.fix_report import render_fix_report
    from doctor.fixer import FixOptions
    from doctor.fixer import fix as apply_fixes
    from doctor.project import Project

    config = load_effective_config(opts.target)
    options_for_project = project_options(opts.target, config)
    compose = Project(options_for_project).compose
    require_compose_files(compose, opts.target.path, "fix")
    with stopped_as_interrupt(not opts.dry_run):
        report = apply_fixes(
            FixOptions(
                project=options_for_project,
                families=opts.families,
                dry_run=opts.dry_run,
                yes=opts.yes,
                interactive=_can_ask(opts.target.env, out),
                env=opts.target.env,
                waiting=_say_waiting,
            )
        )
    from doctor.report.console import terminal_width, visible

    # on a terminal the lines below the diffs wrap at its width, as preflight's report does; piped, never
    width = terminal_width(opts.target.env) if out.isatty() else None
    text = visible(render_fix_report(report, width))  # before the diff's colours: the project's text shown, not obeyed
    if out.isatty() and wants_color(out, opts.target.env):
        from doctor.report.console import color_diff

        text = color_diff(text)
    out.write(text)
    return report.exit_code


def _say_waiting(line: str) -> None:
    """On stderr, as the wait for another run's lock begins: the report on stdout comes after."""
    sys.stderr.write(f"doctor: {line}\n")
    sys.stderr.flush()


def _can_ask(env: Mapping[str, str], out: TextIO) -> bool:
    """Whether `doctor fix` may ask before an unsafe fix: on a terminal, and never in CI, whose jobs
    may run on one (Buildkite's pseudo-terminal, a `script` wrapper) with no one there to answer: the
    question would wait until the job's timeout."""
    from doctor.host.context import ci_provider

    return sys.stdin.isatty() and out.isatty() and ci_provider(env) is None


class Terminated(KeyboardInterrupt):
    """A SIGTERM or SIGHUP that ends a `doctor fix` as Ctrl-C does (`signum`: which)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def stopped_as_interrupt(wanted: bool = True) -> Iterator[None]:
    """While a fix writes: SIGTERM (a cancelled CI job, `timeout`, `kill`) and SIGHUP (a closing
    terminal) end it as Ctrl-C does: the write under way removes its temp file
    (`.NAME.PID.XXXX.doctor-tmp`, beside a `.env` a full copy of its secrets, which no `.env` ignore
    rule covers) and the lock is let go, where the default action ended the process at once and left
    the temp file to the next run. A signal the caller ignores (`nohup`) or handles itself stays so;
    not from a thread. The handlers before are put back after: a caller in-process (the tests)
    keeps its own, and so do the processes it forks later (a multiprocessing pool's workers, which
    its terminate() ends with SIGTERM, outlived it with this handler)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise Terminated(signum)

    installed: list[int] = []  # each had the default action, put back after
    if wanted:
        for which in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if which is None:
                continue
            with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
                if signal.getsignal(which) is signal.SIG_DFL:
                    signal.signal(which, stop)
                    installed.append(which)
    try:
        yield
    finally:
        for which in installed:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(which, signal.SIG_DFL)


def info(as_json: bool, out: TextIO | None = None) -> int:
    """`doctor info [--json]`: versions, execution context, engine endpoint, PATH diff; secrets masked.
    Run in a checkout (HOME or XDG_CACHE_HOME inside it), it writes no cache there, as preflight does."""
    out = sys.stdout if out is None else out
    import os

    from doctor.cachedir import keep_out
    from doctor.info import show_info

    keep_out(os.getcwd())

    return show_info(as_json, out)


def show_config(opts: PreflightOptions, out: TextIO | None = None) -> int:
    """`doctor config`: every effective setting and where it came from; then, where `ignore` removes
    every check `select` chose, the line `doctor preflight` stops on (exit 2, as preflight's)."""
    out = sys.stdout if out is None else out
    from doctor.config import ConfigError, render_config
    from doctor.engine import entry_points
    from doctor.project import Project
    from doctor.redact import Redactor

    known = {ep.name for ep in entry_points()}  # the ids, read without importing a check
    config = load_effective_config(opts, known=known)
    found: tuple[str, ...] = ()
    project = Project(project_options(opts, config))
    if not config.compose_files.value:  # show what compose itself would read, not "(none)"
        from doctor.report.console import shown_path

        found = tuple(shown_path(f) for f in project.compose.files)
    how = "COMPOSE_FILE" if opts.env.get("COMPOSE_FILE") else "compose's discovery"
    if not config.profiles.value and project.compose.active_profiles:  # COMPOSE_PROFILES, shell or .env
        from doctor.config import Origin, Setting
        from doctor.model import replace

        origin = "COMPOSE_PROFILES"
        dotenv = project.dotenv
        entry = None if dotenv is None or "COMPOSE_PROFILES" in opts.env else next(
            (e for e in reversed(dotenv.entries) if e.key == "COMPOSE_PROFILES"), None)
        if dotenv is not None and entry is not None:
            origin += f" ({dotenv.path.name}:{entry.line})"
        config = replace(config, profiles=Setting(project.compose.active_profiles, Origin(origin)))
    out.write(Redactor.from_environment(opts.env).text(render_config(config, found, how)))
    try:
        config.check_runs_some(known)  # shown first: the two settings that empty the run are in it
    except ConfigError as exc:
        out.flush()  # the table before the line on stderr, on a terminal too
        raise UsageError(str(exc)) from None
    return EXIT_OK


def write_baseline_file(opts: PreflightOptions, out: TextIO | None = None) -> int:
    """`doctor baseline`: accept today's findings; later runs report only new ones."""
    out = sys.stdout if out is None else out
    from doctor.baseline import Baseline, baseline_path, dumps_baseline
    from doctor.model import shown_text

    done, _ = run_preflight(opts, use_baseline=False)
    target = baseline_path(done.report.project_dir)
    baseline = Baseline.from_report(done.report, redactor_for(done.project))
    write_atomic(target, dumps_baseline(baseline))  # as a report file: a folder it may not write is one line
    count = len(baseline.entries)
    out.write(f"wrote {shown_text(str(target))} ({count} finding{'' if count == 1 else 's'} accepted)\n")
    return EXIT_OK


def list_checks(out: TextIO | None = None) -> int:
    """`doctor list`: every check id with its one-line summary, and plugins that failed to load."""
    out = sys.stdout if out is None else out
    from doctor.engine import load_registry

    registry = load_registry()
    rows = [(i, c.summary()) for i, c in sorted(registry.checks.items())]
    width = max((len(name) for name in [*(i for i, _ in rows), *(e.name for e in registry.errors)]), default=0)
    for check_id, summary in rows:
        out.write(f"{check_id:<{width}}  {summary}\n")
    for error in registry.errors:
        out.write(f"{error.name:<{width}}  error: plugin from {error.distribution} {error.message}\n")
    return EXIT_FINDINGS if registry.errors else EXIT_OK


def explain(check_id: str, out: TextIO | None = None) -> int:
    """`doctor explain ID`: the check's own documentation (its docstring; there is no second copy)."""
    out = sys.stdout if out is None else out
    from doctor.engine import load_registry

    registry = load_registry()
    check = registry.checks.get(check_id)
    if check is None:  # as --select says it: `doctor explain port-colision` names port-collision
        from doctor.config import did_you_mean

        known = ", ".join(sorted(registry.checks))
        raise UsageError(f"unknown check {check_id!r}{did_you_mean(check_id, registry.checks)} (known: {known})")
    out.write(f"{check_id}\n\n{check.documentation()}\n")
    return EXIT_OK


def exec_command(argv: Sequence[str], target: PreflightOptions) -> int:
    """`doctor exec [-f F] [--env-file E] [--profile P] [-p NAME] -- CMD`: run CMD on the host or in the
    service container it belongs in, of the project those options name as they name it for preflight
    (ckan-docker's dev stack is only `-f docker-compose.dev.yml`)."""
    from doctor.execute import execute
    from doctor.host import Host
    from doctor.project import Project

    if not argv:
        raise UsageError("doctor exec needs a command: doctor exec -- pytest -q")
    project = Project(project_options(target, load_effective_config(target)))
    return execute(list(argv), project, Host(env=target.env))
