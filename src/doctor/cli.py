"""The command line: parse, build an immutable options record, call doctor.app or .commands, exit with its status.

typer is imported only when a command needs parsing: `doctor --version` and `doctor list`
answer before that import (it costs ~50 ms, the whole budget of those two commands). For the
same reason this module does not use `from __future__ import annotations`: typer reads the
parameter annotations at definition time, inside build_cli(), where `typer` is in scope.
"""

import gc
import os
import sys

from doctor import __version__

TYPE_CHECKING = False  # typing and inspect cost more than `doctor --version` may: imported in build_cli
if TYPE_CHECKING:
    from collections.abc import Mapping

    import typer


# the subcommands build_cli defines (a test compares them): an argument of another name is no command
COMMANDS = frozenset({"preflight", "fix", "info", "config", "baseline", "list", "explain", "why", "ports", "exec"})
ENV_FILE_HELP = "Env file that interpolates the compose files, like docker compose --env-file (instead of .env)."


def _ids(values: list[str] | None) -> tuple[str, ...]:
    """`--select a,b --select c` -> ("a", "b", "c")."""
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


def _check_ids() -> list[str]:
    """Every check id, from the registry (so a plugin's checks complete too)."""
    from doctor.engine import load_registry

    return sorted(load_registry().checks)


def complete_check_id(incomplete: str) -> list[str]:
    """`doctor explain <TAB>`: the check ids starting with what was typed."""
    return [i for i in _check_ids() if i.startswith(incomplete)]


def complete_check_ids(incomplete: str) -> list[str]:
    """`--select a,<TAB>`: the ids for the last item of a comma list, the items before kept."""
    done, _, last = incomplete.rpartition(",")
    taken = set(done.split(",")) if done else set()
    prefix = f"{done}," if done else ""
    return [prefix + i for i in _check_ids() if i.startswith(last) and i not in taken]


def complete_format(incomplete: str) -> list[str]:
    from doctor.report import Format

    return [f.value for f in Format if f.value.startswith(incomplete)]


def complete_severity(incomplete: str) -> list[str]:
    from doctor.model import Severity

    return [s.label for s in sorted(Severity, reverse=True) if s.label.startswith(incomplete)]


def build_cli(fix_families: "Mapping[str, tuple[str, ...]] | None" = None) -> "typer.Typer":
    """The typer application with every command.

    `fix_families` (family -> check ids, from the registry) become the `doctor fix --FAMILY`
    flags; main() loads the registry for them only when the command is `fix`.
    """
    import inspect
    from pathlib import Path
    from typing import Annotated

    import typer

    from doctor import app, commands
    from doctor.model import Severity
    from doctor.report import Format

    formats = tuple(f.value for f in Format)
    fix_families = fix_families or {}
    cli = typer.Typer(
        name="doctor",
        help="Diagnose and repair Docker Compose development environments.",
        add_completion=True,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    def show_version(value: bool) -> None:
        if value:
            typer.echo(f"doctor {__version__}")
            raise typer.Exit(0)

    def severity(text: str) -> Severity:
        try:
            return Severity.parse(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--fail-on") from None

    @cli.callback()
    def root(
        version: Annotated[
            bool, typer.Option("--version", callback=show_version, is_eager=True, help="Print the version and exit.")
        ] = False,
    ) -> None:
        """Diagnose and repair Docker Compose development environments."""

    @cli.command(short_help="Run every check on the project and this machine; print findings.")
    def preflight(
        path: Annotated[Path, typer.Argument(help="Project directory (the cwd of docker compose) or compose file.")] = Path(),
        file: Annotated[list[Path] | None, typer.Option("--file", "-f", help="Compose file, like docker compose -f.")] = None,
        env_file: Annotated[list[Path] | None, typer.Option("--env-file", help=ENV_FILE_HELP)] = None,
        profile: Annotated[list[str] | None, typer.Option("--profile", help="Activate a compose profile.")] = None,
        project_name: Annotated[str | None, typer.Option("--project-name", "-p", help="Compose project name.")] = None,
        select: Annotated[list[str] | None, typer.Option("--select", help="Run only these check ids (a,b).",
                                                          autocompletion=complete_check_ids)] = None,
        ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these check ids (a,b).",
                                                          autocompletion=complete_check_ids)] = None,
        fail_on: Annotated[
            str | None, typer.Option("--fail-on", help="Exit 1 on findings at or above: error|warning|info [error].",
                                     autocompletion=complete_severity)
        ] = None,
        format: Annotated[str | None, typer.Option(
            "--format", help=f"Output: {', '.join(formats)} (default: github on a GitHub Actions log without --output, else console).",
            autocompletion=complete_format)] = None,
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write the report to this file; print only its summary line.")] = None,
        no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the console report.")] = False,
    ) -> None:
        """Run every check on the project and this machine; exit 0 (clean), 1 (findings) or 2 (usage error or unreadable project)."""
        if format is not None and format not in formats:
            raise typer.BadParameter(f"unknown format {format!r} (choose from {', '.join(formats)})", param_hint="--format")
        options = app.PreflightOptions(
            path=path,
            files=tuple(file) if file else None,
            env_files=tuple(env_file) if env_file else None,
            profiles=tuple(profile) if profile else None,
            project_name=project_name,
            select=_ids(select) if select else None,
            ignore=_ids(ignore) if ignore else None,
            fail_on=severity(fail_on) if fail_on else None,
            format=format,
            output=output,
            color=False if no_color else None,
        )
        raise typer.Exit(app.guarded(app.preflight, options))

    def fix(path: Path, file: list[Path] | None, env_file: list[Path] | None, profile: list[str] | None,
            project_name: str | None, dry_run: bool, yes: bool, **families: bool) -> None:
        """Apply the fixes doctor can make: safe ones always, the others when you agree (or --yes)."""
        command = commands.FixCommand(
            target=app.PreflightOptions(
                path=path,
                files=tuple(file) if file else None,
                env_files=tuple(env_file) if env_file else None,
                profiles=tuple(profile) if profile else None,
                project_name=project_name,
            ),
            families=frozenset(flags[name] for name, wanted in families.items() if wanted),
            dry_run=dry_run,
            yes=yes,
        )
        raise typer.Exit(app.guarded(commands.fix, command))

    keyword = inspect.Parameter.KEYWORD_ONLY
    flags = {f"family_{family.replace('-', '_')}": family for family in fix_families}
    fix.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("path", keyword, default=Path(), annotation=Annotated[Path, typer.Argument(help="Project directory (the cwd of docker compose) or compose file.")]),
        inspect.Parameter("file", keyword, default=None, annotation=Annotated[list[Path] | None, typer.Option("--file", "-f", help="Compose file, like docker compose -f.")]),
        inspect.Parameter("env_file", keyword, default=None, annotation=Annotated[list[Path] | None, typer.Option("--env-file", help=ENV_FILE_HELP)]),
        inspect.Parameter("profile", keyword, default=None, annotation=Annotated[list[str] | None, typer.Option("--profile", help="Activate a compose profile.")]),
        inspect.Parameter("project_name", keyword, default=None, annotation=Annotated[str | None, typer.Option("--project-name", "-p", help="Compose project name.")]),
        *(inspect.Parameter(name, keyword, default=False, annotation=Annotated[bool, typer.Option(f"--{family}", help=f"Only the fixes of {', '.join(ids)}.")])
          for name, (family, ids) in zip(flags, fix_families.items(), strict=True)),
        inspect.Parameter("dry_run", keyword, default=False, annotation=Annotated[bool, typer.Option("--dry-run", help="Print every file the run would write (one diff each, all rounds) and the commands; change nothing.")]),
        inspect.Parameter("yes", keyword, default=False, annotation=Annotated[bool, typer.Option("--yes", "-y", help="Apply unsafe fixes too, without asking.")]),
    ])
    cli.command(short_help="Apply the fixes doctor can make (--dry-run shows them first).")(fix)

    @cli.command(short_help="Versions, context, engine endpoint, PATH diff (for bug reports).")
    def info(
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for bug reports and scripts).")] = False,
    ) -> None:
        """Print the facts a bug report needs: versions, context, engine endpoint, PATH diff (secrets masked)."""
        raise typer.Exit(app.guarded(commands.info, as_json))

    @cli.command("config", short_help="The effective configuration, and where each value came from.")
    def config_(
        path: Annotated[Path, typer.Argument(help="Project directory.")] = Path(),
    ) -> None:
        """Print the effective configuration and where each value came from."""
        raise typer.Exit(app.guarded(commands.show_config, app.PreflightOptions(path=path)))

    @cli.command(short_help="Accept today's findings; later runs report only new ones.")
    def baseline(
        path: Annotated[Path, typer.Argument(help="Project directory (the cwd of docker compose) or compose file.")] = Path(),
        file: Annotated[list[Path] | None, typer.Option("--file", "-f", help="Compose file, like docker compose -f.")] = None,
        env_file: Annotated[list[Path] | None, typer.Option("--env-file", help=ENV_FILE_HELP)] = None,
        profile: Annotated[list[str] | None, typer.Option("--profile", help="Activate a compose profile.")] = None,
        project_name: Annotated[str | None, typer.Option("--project-name", "-p", help="Compose project name.")] = None,
    ) -> None:
        """Accept today's findings into .doctor-baseline.json; later runs report only new ones."""
        options = app.PreflightOptions(path=path, files=tuple(file) if file else None,
                                       env_files=tuple(env_file) if env_file else None,
                                       profiles=tuple(profile) if profile else None, project_name=project_name)
        raise typer.Exit(app.guarded(commands.write_baseline_file, options))

    @cli.command("list", short_help="The check ids with one-line summaries.")
    def list_checks() -> None:
        """List the checks with their ids and one-line summaries."""
        raise typer.Exit(app.guarded(commands.list_checks))

    @cli.command(short_help="What a check finds, why it matters, an example, the fix.")
    def explain(check: Annotated[str, typer.Argument(help="A check id from 'doctor list'.",
                                                                 autocompletion=complete_check_id)]) -> None:
        """Explain a check: what it finds, why it matters, an example, and the fix."""
        raise typer.Exit(app.guarded(commands.explain, check))

    @cli.command(short_help="After a failed `up`: each failed service's symptom and its cause.")
    def why(
        path: Annotated[Path, typer.Argument(help="Project directory (the cwd of docker compose) or compose file.")] = Path(),
        service: Annotated[str | None, typer.Option(
            "--service", help="Only this service; another's failures only where they stopped `up` before it.")] = None,
        file: Annotated[list[Path] | None, typer.Option("--file", "-f", help="Compose file, like docker compose -f.")] = None,
        env_file: Annotated[list[Path] | None, typer.Option("--env-file", help=ENV_FILE_HELP)] = None,
        profile: Annotated[list[str] | None, typer.Option(
            "--profile", help="Activate a compose profile, as the `up` it looks at did.")] = None,
        project_name: Annotated[str | None, typer.Option(
            "--project-name", "-p", help="Compose project name, as the `up` it looks at used.")] = None,
        format: Annotated[str | None, typer.Option(
            "--format", help=f"Output: {', '.join(formats)} (default: github on a GitHub Actions log without --output, else console).")] = None,
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write the report to this file too; the console report is still printed.")] = None,
    ) -> None:
        """After a failed `up` (its containers, else its output piped in): each failed service's symptom and the finding that explains it; exit 0 up, 1 failed, 2 could not look."""
        from doctor.why.command import WhyOptions
        from doctor.why.command import why as run_why

        if format is not None and format not in formats:
            raise typer.BadParameter(f"unknown format {format!r} (choose from {', '.join(formats)})", param_hint="--format")
        options = WhyOptions(path=path, service=service, files=tuple(file) if file else None,
                             env_files=tuple(env_file) if env_file else None,
                             profiles=tuple(profile) if profile else None,
                             project_name=project_name, format=format, output=output, stdin=0)
        raise typer.Exit(app.guarded(run_why, options))

    @cli.command(short_help="The port map of this repo's worktrees and clones, with clashes.")
    def ports(
        path: Annotated[Path, typer.Argument(help="Project directory (the cwd of docker compose) or compose file.")] = Path(),
        file: Annotated[list[Path] | None, typer.Option(
            "--file", "-f", help="Compose file, like docker compose -f; read at the same place in every checkout.")] = None,
        env_file: Annotated[list[Path] | None, typer.Option(
            "--env-file", help="Env file, like docker compose --env-file; read at the same place in every checkout.")] = None,
        profile: Annotated[list[str] | None, typer.Option("--profile", help="Activate a compose profile.")] = None,
        project_name: Annotated[str | None, typer.Option(
            "--project-name", "-p",
            help="Compose project name of this checkout (its stack's containers are its own, not clashes).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """The port map of this repo's worktrees and clones: published ports, who holds them, clashes, port blocks."""
        from doctor.portmap import PortsOptions
        from doctor.portmap import ports as run_ports

        options = PortsOptions(path=path, as_json=as_json, files=tuple(file or ()), profiles=tuple(profile or ()),
                               env_files=tuple(env_file) if env_file else None, project_name=project_name)
        raise typer.Exit(app.guarded(run_ports, options))

    @cli.command("exec", short_help="Run a command where its deps are: here or in a service container.")
    def exec_(
        command: Annotated[list[str], typer.Argument(help="The command to run, after --.")],
        project: Annotated[Path, typer.Option(
            "--project", help="Project directory (the cwd of docker compose) or compose file.")] = Path(),
        file: Annotated[list[Path] | None, typer.Option("--file", "-f", help="Compose file, like docker compose -f.")] = None,
        env_file: Annotated[list[Path] | None, typer.Option("--env-file", help=ENV_FILE_HELP)] = None,
        profile: Annotated[list[str] | None, typer.Option("--profile", help="Activate a compose profile.")] = None,
        project_name: Annotated[str | None, typer.Option("--project-name", "-p", help="Compose project name.")] = None,
    ) -> None:
        """Run a command where it belongs: on the host, or in the service container that has its deps."""
        target = app.PreflightOptions(path=project, files=tuple(file) if file else None,
                                      env_files=tuple(env_file) if env_file else None,
                                      profiles=tuple(profile) if profile else None, project_name=project_name)
        raise typer.Exit(app.guarded(commands.exec_command, tuple(command), target))

    return cli


def console() -> None:
    """The `doctor` program (console script, `python -m doctor`): main(), ending the process itself.

    A preflight's process then ends without the interpreter's teardown (doctor.fast_exit). main()
    leaves that to its caller: code calling it in-process may go on after its SystemExit.
    """
    _standard_streams()  # first: before any file doctor opens could take fd 0, 1 or 2
    from doctor import codecache

    codecache.install()  # the modules imported from here on: their code from one file
    if sys.argv[1:2] == ["preflight"]:
        from doctor.forked import note_start

        note_start()  # the cores' idle time so far, as early as the run can (forked.core_idle)
    try:
        try:
            main(owns_process=True)
        finally:
            sys.stdout.flush()  # here, where a reader gone or a full disk can still be said in one line
    except BrokenPipeError:
        # the reader went away (`doctor list | head -1`, `doctor --version | true`): quietly, as
        # guarded() ends a command
        from doctor.fast_exit import EXIT_BROKEN_PIPE, output_to_null

        output_to_null()
        raise SystemExit(EXIT_BROKEN_PIPE) from None
    except OSError as exc:
        import errno  # only on this path

        from doctor.fast_exit import output_to_null

        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        output_to_null()  # `doctor list > /dev/full`: one line, not a traceback
        sys.stderr.write(f"doctor: cannot write the output: {(exc.strerror or str(exc)).lower()}\n")
        raise SystemExit(2) from None


def _standard_streams() -> None:
    """Standard input, output and error that were closed when doctor started (`doctor why <&-`,
    `doctor preflight >&-`) become /dev/null, as daemons make them: else the first file doctor
    opens takes that number (`why` read its own code cache as the output piped to it, and made a
    diagnosis of it), and Python's stream for it is None (`'NoneType' object has no attribute
    'isatty'`). Output written there is lost, as a closed descriptor already meant."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one, or a lower one just made
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own, never closed
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115


def main(argv: list[str] | None = None, owns_process: bool = False) -> None:
    """Console-script entry point."""
    # A run is short and almost everything it allocates (parsed files, the model, findings) lives
    # until it ends: the cyclic collector would walk those objects again and again and free next
    # to nothing (a fifth of the CPU time at 2,000 services). Off for the run, as it was after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _run(sys.argv[1:] if argv is None else argv, whole_process=owns_process)
    finally:
        if collecting:
            if argv is None:  # the process ends next: its exit collection need not walk what the run built
                gc.freeze()
            gc.enable()


_SIMPLE_OPTIONS = ("--select", "--ignore", "--format", "--env-file")


def _simple_preflight(args: list[str], formats: bool = True) -> "tuple[str, dict[str, list[str]]] | None":
    """`preflight [PATH] [--select X] [--ignore Y] [--format F] [--env-file E]` (`--opt=value` too) as (path, values);
    None for anything else (typer parses it, and says what is wrong). `formats=False`: any
    `--format` value passes (the caller asks `_known_formats` later)."""
    path: str | None = None
    values: dict[str, list[str]] = {name: [] for name in _SIMPLE_OPTIONS}
    rest = iter(args[1:])
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name in values:
            if not equals:
                value = next(rest, "-")
                if value.startswith("-"):
                    return None
            values[name].append(value)
        elif arg.startswith("-") or path is not None:
            return None
        else:
            path = arg
    if formats and not _known_formats(values["--format"]):
        return None
    return path or ".", values


def _known_formats(formats: list[str]) -> bool:
    """Whether every `--format` is one doctor writes (typer says what is wrong with another)."""
    if not formats:
        return True
    from doctor.lean_imports import import_pathlib

    import_pathlib()  # first: doctor.report takes pathlib, which would import urllib.parse whole
    from doctor.report import Format

    return all(f in {f.value for f in Format} for f in formats)


def _project_path(typed: str) -> bool:
    """Whether a word typed where a command goes names a project: a folder holding a compose file, or a file
    named like one (`doctor examples/broken-stack`, `doctor compose.dev.yaml`); not `doctor LICENSE`, nor an
    empty folder that happens to be called `help`."""
    import glob

    if os.path.isdir(typed):
        return any(glob.glob(os.path.join(glob.escape(typed), pattern))
                   for pattern in ("compose.y*ml", "docker-compose.y*ml", "compose.*.y*ml", "docker-compose.*.y*ml"))
    name = os.path.basename(typed).lower()
    return os.path.isfile(typed) and "compose" in name and name.endswith((".yml", ".yaml"))


def _run(args: list[str], whole_process: bool = False) -> None:
    if args == ["--version"]:
        sys.stdout.write(f"doctor {__version__}\n")
        sys.exit(0)
    if args == ["list"] or (len(args) == 2 and args[0] == "explain"):
        from doctor import check_index  # summaries and docs without importing a check

        status = check_index.answer(args)
        if status is not None:
            sys.exit(status)
    if args == ["list"]:
        from doctor import app, commands

        sys.exit(app.guarded(commands.list_checks))
    try:
        os.getcwd()
    except FileNotFoundError:  # every path doctor reads or shows is resolved against it (a path given too)
        sys.stderr.write("doctor: the current folder no longer exists (removed since this shell entered it, as "
                         "`git worktree remove` or a branch switch does): cd to one that does\n")
        sys.exit(2)
    from doctor.lean_imports import import_pathlib, seed_stdlib_patterns

    simple = _simple_preflight(args, formats=False) if args[:1] == ["preflight"] else None
    if simple is not None:
        # the first ownership walk on a project runs beside all that follows (doctor.host.owner_early)
        from doctor.host import owner_early

        select, ignore = simple[1]["--select"], simple[1]["--ignore"]
        selected, ignored = (_ids(select) if select else None), (_ids(ignore) if ignore else None)
        owner_early.start(os.environ, simple[0], selected, ignored, ahead=True)
        if not _known_formats(simple[1]["--format"]):
            owner_early.discard()
            owner_early.forget_ahead()
            simple = None
    if simple is not None:
        # `doctor preflight [PATH] [--select A,B] [--ignore C] [--format F] [--env-file E]`, the forms Makefiles
        # and hooks run before every `up`: typer would parse them to exactly this, and costs a
        # sixth of the whole run to import
        from doctor.host.early import start_early

        path, values = simple
        formats = values["--format"]
        # the login shell runs while doctor imports (pathlib too: ~5 ms of a start it would delay)
        seed_stdlib_patterns()  # the login shell's cached PATH is JSON
        start_early(os.environ, path, selected, ignored, ahead=True)
        import_pathlib()  # without urllib.parse: ~3.5 ms of a start
        from pathlib import Path

        from doctor import app

        env_files = tuple(Path(f) for f in values["--env-file"]) or None
        options = app.PreflightOptions(path=Path(path), select=selected, ignore=ignored,
                                       format=formats[-1] if formats else None, env_files=env_files)
        try:
            status = app.guarded(app.preflight, options)
        finally:
            from doctor.host import early

            early.forget_ahead()
            owner_early.forget_ahead()
        if whole_process:  # the process ends next: without tearing down every module first
            from doctor.fast_exit import exit_now

            exit_now(status)
        sys.exit(status)
    import_pathlib()
    if args and args[0] not in COMMANDS and not args[0].startswith("-") and _project_path(args[0]):
        # `doctor examples/broken-stack`, `doctor .`: a project where a command was expected (click would say
        # only "No such command"): the command meant, to paste
        from shlex import quote

        sys.stderr.write(f"doctor: {quote(args[0])} is no command: to check that project, run "
                         f"`doctor preflight {quote(args[0])}` (see `doctor --help` for the others)\n")
        sys.exit(2)
    families = None
    if args[:1] == ["fix"] or "_DOCTOR_COMPLETE" in os.environ:
        from doctor.engine import load_registry
        from doctor.fixer import fix_families

        families = fix_families(load_registry())
    try:
        sys.exit(build_cli(families)(args=args, prog_name="doctor"))
    except SystemExit as exc:
        # click answers a reader gone while it writes (`doctor --help | true`) with status 1, having
        # wrapped stdout to stay quiet: the status every other command gives there instead
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            from doctor.fast_exit import EXIT_BROKEN_PIPE, output_to_null

            output_to_null()
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        raise
