"""What `doctor preflight` does, given an immutable options record, and the steps every command shares.

Config, project, checks, baseline and report: cli.py calls these (the other commands are in
`doctor.commands`); nothing here knows about typer. Exceptions become exit codes here and only
here (`guarded`): UsageError -> 2, anything unexpected -> a one-line error and 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from doctor import __version__
from doctor.fast_exit import EXIT_BROKEN_PIPE, output_to_null
from doctor.model import Severity, field, record
from doctor.streams import fit_streams

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from doctor.config import Config
    from doctor.engine import Registry, Run
    from doctor.project import Project, ProjectOptions
    from doctor.project.types import ComposeModel
    from doctor.redact import Redactor
    from doctor.report import Format
    from doctor.report.console import Progress

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line or an unreadable project: exit 2 with this one line."""


@record
class PreflightOptions:
    """A `doctor preflight` run as the user asked for it; None = not given (config or default)."""

    path: Path
    files: tuple[Path, ...] | None = None
    profiles: tuple[str, ...] | None = None
    project_name: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    format: str | None = None
    output: Path | None = None
    color: bool | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    env_files: tuple[Path, ...] | None = None  # --env-file, as typed (relative to the current directory)


def _config_dir(path: Path) -> Path:
    from doctor.config import config_dir

    path = path.resolve()
    return config_dir(path if path.is_dir() else path.parent)


def require_reachable(path: Path) -> None:
    """UsageError (one line, exit 2) when PATH does not exist or this user may not look into it."""
    try:
        there = path.exists()
    except PermissionError:  # a folder on the way this user may not enter (another user's checkout)
        raise UsageError(f"{path}: permission denied") from None
    if not there:
        raise UsageError(f"{path}: no such file or directory")
    if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
        raise UsageError(f"{path}: permission denied")


def load_effective_config(opts: PreflightOptions, registry: Registry | None = None,
                          known: set[str] | None = None) -> Config:
    """doctor.yaml / [tool.doctor] of the project, with the command-line flags over it."""
    from doctor.config import ConfigError, ConfigFlags, load_config
    from doctor.engine import load_registry

    require_reachable(opts.path)
    try:
        config = load_config(_config_dir(opts.path))
        flags = ConfigFlags(
            select=opts.select,
            ignore=opts.ignore,
            fail_on=opts.fail_on,
            # a compose file given as PATH is read as `-f PATH` (discover puts it first): a flag, over the file's
            compose_files=_given_files(opts),
            profiles=opts.profiles,
        )
        config = config.merged_with_flags(flags)
        config.check_known_ids(known if known is not None else (registry or load_registry()).ids)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return config


def _given_files(opts: PreflightOptions) -> tuple[str, ...] | None:
    """The compose files the command line names: PATH when it is a file, then each -f (None: none)."""
    named = [str(opts.path)] if opts.path.exists() and not opts.path.is_dir() else []
    return tuple(named + [str(f) for f in opts.files or ()]) or None


def given_compose_files(files: Sequence[Path]) -> tuple[Path, ...]:
    """The -f files of the command line, resolved as `docker compose -f` does (from the current
    directory); a missing one (or `-`, stdin) is a usage error before anything runs."""
    for given in files:
        if str(given) == "-":
            raise UsageError("-f -: doctor does not read a compose file from stdin (it reads the files around it "
                             "too): save it and give its path")
        if not given.exists():  # like `docker compose -f`: a missing file stops before anything runs
            raise UsageError(f"{given}: no such compose file (-f paths are relative to the current directory)")
    return tuple(f if f.is_absolute() else Path.cwd() / f for f in files)


def project_options(opts: PreflightOptions, config: Config) -> ProjectOptions:
    from doctor.project import ProjectOptions

    path = opts.path
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: permission denied")
    given = given_compose_files(opts.files or ())
    files = tuple(Path(f) if Path(f).is_absolute() else Path.cwd() / f for f in config.compose_files.value)
    if not path.is_dir():  # PATH is a compose file: discover reads it first, then the -f files, never doctor.yaml's
        files = given
    elif config.compose_files.origin.line is not None:  # from the config file: relative to the project root
        files = config.compose_paths(_config_dir(path))
    return ProjectOptions(
        path=path.resolve(),
        files=files,
        profiles=config.profiles.value,
        project_name=opts.project_name,
        env=opts.env,
        config=config,
        env_files=None if opts.env_files is None else tuple(
            Path(os.path.normpath(Path.cwd() / f.expanduser())) for f in opts.env_files),
        # the console names paths from here (locations and the paths in messages alike); a
        # machine format keeps them relative to the project, like its `file`, and GitHub's
        # annotations relative to the checkout, like theirs (doctor.report.github.source_root)
        cwd=Path.cwd() if opts.format in (None, "console") else _github_root(path) if opts.format == "github" else None,
    )


def _github_root(path: Path) -> Path:
    from doctor.report.github import source_root

    return source_root(path.resolve() if path.is_dir() else path.resolve().parent)


def run_preflight(opts: PreflightOptions, use_baseline: bool = True,
                  progress: Progress | None = None) -> tuple[Run, Config]:
    """Config, project, checks, then suppressions and the baseline: the report a user sees.

    `progress` (the console on a terminal) prints the header once the project is found and
    shows what runs while the checks run.
    """
    from doctor.cachedir import keep_out
    from doctor.host.early import start_early

    require_reachable(opts.path)
    from doctor.forked import note_start

    note_start(again=False)  # the cores' idle time so far, unless the console script noted it (forked.core_idle)
    from doctor.host import owner_early

    # the first ownership walk on a project, unless the command line started it already
    owner_early.start(opts.env, str(opts.path), opts.select, opts.ignore)
    start_early(opts.env, opts.path, opts.select, opts.ignore)  # overlaps the imports and the project load
    # no cache lands in the project, even when the run stops on its configuration (before the model)
    keep_out(opts.path if opts.path.is_dir() else opts.path.parent)
    from doctor.config import BASELINE_FILE, ConfigError
    from doctor.engine import Run, RunOptions, entry_points, load_registry
    from doctor.engine import preflight as run
    from doctor.project import Project

    # the ids first (read once, no import), then only the checks this run selects are imported
    points = list(entry_points())
    known = {ep.name for ep in points}
    config = load_effective_config(opts, known=known)
    try:
        config.check_runs_some(known)  # `--select X --ignore X`: a run of nothing must not pass
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    chosen, skipped = set(config.select.value), set(config.ignore.value)
    registry = load_registry(wanted=lambda name: (not chosen or name in chosen) and name not in skipped,
                             points=points, defer=True)  # each check imported where it runs (doctor.forked)
    options_for_project = project_options(opts, config)
    options = RunOptions(
        project=options_for_project,
        select=config.select.value,
        ignore=config.ignore.value,
        severities=config.severities,
        env=opts.env,
    )
    project = Project(options_for_project)
    # no compose file: stop before any check runs (the ownership scan of a stray `/` would walk it all)
    require_compose_files(project.compose, opts.path)
    from doctor.host import Host

    host = Host(env=opts.env)  # the header's "where doctor runs" is the checks' context: detected once
    try:
        if progress is not None:
            progress.begin(project.root, host.context.describe())
        # the report's redactor is built while the project-only checks run beside it (doctor.forked),
        # before the checks that wait on a probe: a run that waits for the user's login shell at
        # its end (its last check) does this work while the shell still runs, not after it
        done = run(options, registry, project, progress.step if progress is not None else None,
                   meanwhile=lambda: redactor_for(project), host=host)
    except ValueError as exc:  # unknown check ids
        raise UsageError(str(exc)) from None
    finally:
        owner_early.discard()  # a walk started early that no check took
        if progress is not None:
            progress.end()
    report = done.report
    has_baseline = use_baseline and (report.project_dir / BASELINE_FILE).exists()
    if not (config.suppressions.value or has_baseline):
        return done, config
    from doctor.baseline import BaselineError, apply_baseline, apply_suppressions, load_baseline

    report = apply_suppressions(report, config.suppressions.value)
    if not has_baseline:
        return Run(report, done.project, done.host), config
    try:
        baseline = load_baseline(done.report.project_dir)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    if baseline is not None:
        report = apply_baseline(report, baseline, redactor_for(done.project))
    return Run(report, done.project, done.host), config


def require_compose_files(compose: ComposeModel, path: Path, command: str = "preflight") -> None:
    """Exit 2 with one line when there is no compose file to read (what compose says, and where, and the
    `doctor COMMAND` to type instead)."""
    if compose.files:
        return
    from doctor.project.compose_hint import compose_hint
    from doctor.project.types import ProblemKind

    discovery = [p.message for p in compose.problems if p.kind is ProblemKind.DISCOVERY]
    said = discovery[0] if discovery else "no configuration file provided: not found"
    raise UsageError(
        f"{path}: {said} (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml "
        f"here and in the parent folders; {compose_hint(path, command)})"
    )


def preflight(opts: PreflightOptions, out: TextIO | None = None) -> int:
    """Run the checks, print the report in the chosen format, return 0/1/2."""
    out = sys.stdout if out is None else out  # now, not at import: a caller may have swapped it
    from doctor.report import Format, RenderOptions, renderer

    # the automatic format is the log's (GitHub annotations); a file asked for without --format is the report
    fmt = Format(opts.format) if opts.format else Format.CONSOLE if opts.output else _auto_format(opts.env, out)
    if opts.format is None and fmt is Format.GITHUB:  # chosen here: its paths are named as --format github names them
        from doctor.records import replace

        opts = replace(opts, format=fmt.value)
    tty = out.isatty()
    color = opts.color if opts.color is not None else wants_color(out, opts.env)
    progress = None
    given, given_file = _given(opts), _given_file(opts)
    console_options = RenderOptions(color=color, version=__version__, given=given, given_file=given_file)
    if fmt is Format.CONSOLE and opts.output is None:
        from doctor.report import console

        console_options = RenderOptions(color=color, version=__version__, header=False, given=given,
                                        given_file=given_file,
                                        width=console.terminal_width(opts.env) if tty else None,
                                        links=tty and console.supports_hyperlinks(opts.env))
        progress = console.Progress(out, console_options, live=tty and opts.env.get("TERM") != "dumb")
    done, config = run_preflight(opts, progress=progress)
    report = done.report
    fail_on = config.fail_on.value  # known once the configuration is read: what each summary says fails the run
    from doctor.records import replace as with_fields

    console_options = with_fields(console_options, fail_on=fail_on)
    _note_partial_input(done)
    redactor = redactor_for(done.project)
    # where doctor runs is a fact of the report (the console header, JSON facts), never a finding
    report.facts["where"] = done.host.context.describe()
    mount = done.host.platform.windows_mount(done.project.root)
    if mount is not None:
        from doctor.host.platform import windows_mount_advice

        report.facts["notices"] = [windows_mount_advice(mount)]
    if fmt is Format.JSON:
        report.facts["context"] = done.host.context.as_dict()
        report.facts["platform"] = done.host.platform.as_dict(done.project.root)
    if opts.output is not None:
        # the report goes to the file; the console gets its summary line (and where the report is)
        text = renderer(fmt)(report, redactor, RenderOptions(version=__version__, given=given, given_file=given_file,
                                                             fail_on=fail_on))
        write_atomic(opts.output, _border(redactor, fmt, text))
        from doctor.report.console import summary

        out.write(redactor.text(f"{summary(report, fail_on)} · report in {opts.output}\n"))
    else:
        options = console_options if fmt is Format.CONSOLE else RenderOptions(version=__version__, fail_on=fail_on)
        out.write(_border(redactor, fmt, renderer(fmt)(report, redactor, options)))
    return report.exit_code(config.fail_on.value)


def _border(redactor: Redactor, fmt: Format, text: str) -> str:
    """The report as it leaves doctor, redacted once more whole: a JSON one string by string."""
    from doctor.report import Format

    return redactor.document(text) if fmt in (Format.JSON, Format.SARIF) else redactor.text(text)


def _given(opts: PreflightOptions) -> str:
    """What the command line named beside the path, as the header shows it: `-f a.yml -f b.yml
    --env-file dev.env --profile dev -p name` (files as typed: compose reads them from the current
    directory)."""
    if not (opts.files or opts.env_files or opts.profiles or opts.project_name is not None):
        return ""
    import shlex

    words = [f"-f {shlex.quote(str(f))}" for f in opts.files or ()]
    words += [f"--env-file {shlex.quote(str(f))}" for f in opts.env_files or ()]
    words += [f"--profile {shlex.quote(p)}" for p in opts.profiles or ()]
    if opts.project_name is not None:
        words.append(f"-p {shlex.quote(opts.project_name)}")
    return " ".join(words)


def _given_file(opts: PreflightOptions) -> Path | None:
    """PATH when it is a compose file, absolute as typed (a symlink keeps the name given), for the
    header to name in place of its folder (None: PATH is a folder).

    os.path.isdir answers False where PATH cannot be looked at: the run stops on that before any header.
    """
    return None if os.path.isdir(opts.path) else Path(os.path.normpath(Path.cwd() / opts.path))


# checks that judge no compose service (the repository's files and owners, PATH, compose itself)
NO_SERVICE_CHECKS = frozenset({"compose-config", "compose-version", "path-gap", "root-owned-files"})


def _note_partial_input(done: Run) -> None:
    """A fact for the report: the files were read only in part, so the checks saw part of them.

    The checks whose findings are those problems are named (they saw everything there was).
    """
    problems = list(done.project.compose.problems)
    if done.project.dotenv is not None:
        problems.extend(done.project.dotenv.problems)
    build = done.project.unreadable_inputs  # files a build needs that this user cannot read
    model = done.project.compose
    if not problems and not build and model.files and not model.services and model.disabled_services:
        # docker-django-example without its .env: every service in a profile that is off; compose-config
        # says so, and the checks that judge services judged none: never a ✓ (those that judge no
        # service, the files' owners and PATH, saw all they look at)
        done.report.facts["partial_input"] = {
            "reason": f"every service ({len(model.disabled_services)}) sits in a profile that is off",
            "reported_by": sorted(NO_SERVICE_CHECKS)}
        return
    if not problems and not build:
        return
    keys = {(done.project.shown_problem(p), p.location) for p in (*problems, *build)}
    # a finding may say more after the problem's words (compose-config's `env file .env not found: 'db',
    # 'web' load it`, one finding for every service's line): it still reports that problem
    reporters = sorted({f.check for f in done.report.findings
                        if any(f.location == where and f.message.startswith(said) for said, where in keys)})
    what = "the compose files" if done.project.compose.problems else "the .env file"
    reason = f"{what} did not fully load" if problems else build[0].message + (
        f" (and {len(build) - 1} more)" if len(build) > 1 else "")
    if problems and not reporters:
        # no check of this run says what did not load (compose-config not selected, a doctor.yaml's
        # `compose-files:` naming a file not there): the reason does, or `~` would be all a user saw
        first = problems[0]
        where = "" if first.location is None else done.project.shown(first.location.path) + (
            f":{first.location.line}" if first.location.line else "")
        said = done.project.shown_problem(first)
        reason += f": {where}: {said}" if where and where not in said else f": {said}"
        reason += f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    done.report.facts["partial_input"] = {"reason": reason, "reported_by": reporters}


def _auto_format(env: dict[str, str], out: TextIO) -> Format:
    from doctor.report import Format
    from doctor.report.github import auto_format

    return auto_format(env, out.isatty()) or Format.CONSOLE


def wants_color(out: TextIO, env: dict[str, str]) -> bool:
    return out.isatty() and not env.get("NO_COLOR") and env.get("TERM") != "dumb"  # no-color.org: set and non-empty


def redactor_for(project: Project) -> Redactor:
    """The Redactor of everything printed about the project: every secret value it defines, masked
    (built once for the last project asked: a preflight builds it before its checks run)."""
    if _REDACTOR and _REDACTOR[0][0] is project:
        return _REDACTOR[0][1]
    from doctor.known_secrets import project_redactor

    redactor = project_redactor(project)
    _REDACTOR[:] = [(project, redactor)]
    return redactor


_REDACTOR: list[tuple[Project, Redactor]] = []  # the last project's redactor


def require_valid_project_name(name: str | None) -> None:
    """A `-p` name compose refuses is one line (UsageError), as compose says it: `why` and `ports`
    looked at `upper` for `-p UPPER`, and at `x` for `-p ../x`."""
    from doctor.project.discover import invalid_project_name, is_valid_project_name

    if name is not None and not is_valid_project_name(name):
        raise UsageError(invalid_project_name(name, "given with -p"))


def write_atomic(path: Path, text: str) -> None:
    """Write the report only once it is complete (atomically, like every file doctor writes; a
    device, a FIFO or /dev/stdout written through: atomic.write_output); a target doctor cannot
    write is a UsageError naming it (never the temp file's name)."""
    from doctor.atomic import write_output

    try:
        # a file name that is not UTF-8 as its own bytes, as the console prints it (JSON escapes it)
        write_output(path, text.encode("utf-8", "surrogateescape"))
    except IsADirectoryError:
        raise UsageError(f"cannot write {path}: it is a directory") from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise UsageError(f"cannot write {path}: {reason}") from None


def guarded(func: object, *args: object) -> int:
    """Call a command; map UsageError and any unexpected crash to one line on stderr and exit 2."""
    assert callable(func)
    fit_streams()
    try:
        status: int = func(*args)
        return status
    except UsageError as exc:
        sys.stderr.write(_scrubbed(f"doctor: {exc}\n"))
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", 2)  # commands.Terminated: a SIGTERM or SIGHUP during a fix
        sys.stderr.write("doctor: interrupted\n" if signum == 2 else f"doctor: stopped by signal {signum}\n")
        return 128 + signum
    except BrokenPipeError:
        # the reader went away (`doctor preflight | head`): end quietly, as a program killed by
        # SIGPIPE does (128 + 13)
        output_to_null()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the top-level border: a bug becomes one line, not a traceback
        if os.environ.get("DOCTOR_DEBUG"):
            raise
        line = f"doctor: internal error: {type(exc).__name__}: {exc} (set DOCTOR_DEBUG=1 for details)\n"
        import errno  # only on this path

        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):  # a full disk
            line = f"doctor: cannot write the output: {(exc.strerror or str(exc)).lower()}\n"
        sys.stderr.write(_scrubbed(line))
        return EXIT_USAGE


def _scrubbed(line: str) -> str:
    """An error line with every secret of its shape, or of this environment, masked, and its
    control characters in caret notation (a folder named with an escape sequence or a line break
    in `doctor preflight DIR/nope`): one line, never driving the terminal."""
    from doctor.model import shown_text
    from doctor.redact import Redactor

    return shown_text(Redactor.from_environment(dict(os.environ)).text(line.removesuffix("\n"))) + "\n"
