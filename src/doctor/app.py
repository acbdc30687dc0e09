"""What each command does, given an immutable options record; returns the exit status.

cli.py parses and calls these; nothing here knows about typer. Exceptions become exit codes
here and only here: UsageError -> 2, anything unexpected -> a one-line error and 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from doctor import __version__
from doctor.model import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line or an unreadable project: exit 2 with this one line."""


@dataclass(frozen=True)
class PreflightOptions:
    """A `doctor preflight` run as the user asked for it."""

    path: Path
    files: tuple[Path, ...] = ()
    profiles: tuple[str, ...] = ()
    project_name: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    format: str | None = None
    output: Path | None = None
    color: bool | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def _project_options(opts: PreflightOptions) -> object:
    from doctor.project import ProjectOptions

    path = opts.path
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: permission denied")
    return ProjectOptions(
        path=path.resolve(), files=opts.files, profiles=opts.profiles, project_name=opts.project_name, env=opts.env
    )


def preflight(opts: PreflightOptions, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the checks, print the report in the chosen format, return 0/1/2."""
    from doctor.engine import RunOptions
    from doctor.engine import preflight as run
    from doctor.project.types import ProblemKind
    from doctor.redact import Redactor
    from doctor.report import Format, RenderOptions, renderer

    try:
        done = run(RunOptions(project=_project_options(opts), select=opts.select, ignore=opts.ignore))
    except ValueError as exc:  # unknown check ids
        raise UsageError(str(exc)) from None
    report, project, host = done.report, done.project, done.host
    compose = project.compose
    if not compose.files:
        discovery = [p.message for p in compose.problems if p.kind is ProblemKind.DISCOVERY]
        raise UsageError(discovery[0] if discovery else f"{opts.path}: no compose file found")
    fmt = Format(opts.format) if opts.format else _auto_format(opts.env, out)
    redactor = _redactor(project)
    if fmt is Format.JSON:
        report.facts["context"] = host.context.as_dict()
    color = opts.color if opts.color is not None else _wants_color(out, opts.env)
    text = renderer(fmt)(report, redactor, RenderOptions(color=color and fmt is Format.CONSOLE, version=__version__))
    if opts.output is not None:
        _write_atomic(opts.output, text)
        if fmt is not Format.CONSOLE:
            text = renderer(Format.CONSOLE)(report, redactor, RenderOptions(color=color, version=__version__))
    out.write(text)
    return report.exit_code(opts.fail_on)


def _auto_format(env: dict[str, str], out: TextIO) -> object:
    from doctor.report import Format

    if env.get("GITHUB_ACTIONS") == "true" and not out.isatty():
        return Format.GITHUB
    return Format.CONSOLE


def _wants_color(out: TextIO, env: dict[str, str]) -> bool:
    return out.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"


def _redactor(project: object) -> object:
    from doctor.redact import Redactor

    compose = getattr(project, "compose", None)
    if compose is None:
        return Redactor()
    envs: list[dict[str, str | None]] = [dict(compose.variables)]
    for service in compose.services.values():
        envs.append({k: v.value for k, v in service.environment.items()})
    dotenv = getattr(project, "dotenv", None)
    if dotenv is not None:
        envs.append(dict(dotenv.as_dict()))
    return Redactor.from_environment(*envs)


def _write_atomic(path: Path, text: str) -> None:
    """Write the report only once it is complete: temp file in the same directory, then rename."""
    import tempfile

    path = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def list_checks(out: TextIO = sys.stdout) -> int:
    """`doctor list`: every check id with its one-line summary, and plugins that failed to load."""
    from doctor.engine import COMPOSE_CONFIG, COMPOSE_CONFIG_SUMMARY, load_registry

    registry = load_registry()
    rows = [(COMPOSE_CONFIG, COMPOSE_CONFIG_SUMMARY)] + [(i, c.summary()) for i, c in sorted(registry.checks.items())]
    width = max(len(name) for name in [*(i for i, _ in rows), *(e.name for e in registry.errors)])
    for check_id, summary in rows:
        out.write(f"{check_id:<{width}}  {summary}\n")
    for error in registry.errors:
        out.write(f"{error.name:<{width}}  error: plugin from {error.distribution} {error.message}\n")
    return EXIT_FINDINGS if registry.errors else EXIT_OK


def explain(check_id: str, out: TextIO = sys.stdout) -> int:
    """`doctor explain ID`: the check's own documentation (its docstring; there is no second copy)."""
    from doctor.engine import COMPOSE_CONFIG, load_registry

    if check_id == COMPOSE_CONFIG:
        from doctor.engine import COMPOSE_CONFIG_DOC

        out.write(COMPOSE_CONFIG_DOC.strip() + "\n")
        return EXIT_OK
    registry = load_registry()
    check = registry.checks.get(check_id)
    if check is None:
        known = ", ".join(sorted([COMPOSE_CONFIG, *registry.checks]))
        raise UsageError(f"unknown check {check_id!r} (known: {known})")
    out.write(f"{check_id}\n\n{check.documentation()}\n")
    return EXIT_OK


def exec_command(argv: Sequence[str], path: Path) -> int:
    """`doctor exec -- CMD`: run CMD on the host or in the service container it belongs in."""
    from doctor.execute import execute
    from doctor.host import Host
    from doctor.project import Project, ProjectOptions

    if not argv:
        raise UsageError("doctor exec needs a command: doctor exec -- pytest -q")
    project = Project(ProjectOptions(path=path.resolve()))
    return execute(list(argv), project, Host())


def guarded(func: object, *args: object) -> int:
    """Call a command; map UsageError and any unexpected crash to one line on stderr and exit 2."""
    assert callable(func)
    try:
        status: int = func(*args)
        return status
    except UsageError as exc:
        sys.stderr.write(f"doctor: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("doctor: interrupted\n")
        return 130
    except Exception as exc:  # the top-level border: a bug becomes one line, not a traceback
        if os.environ.get("DOCTOR_DEBUG"):
            raise
        sys.stderr.write(f"doctor: internal error: {type(exc).__name__}: {exc} (set DOCTOR_DEBUG=1 for details)\n")
        return EXIT_USAGE
