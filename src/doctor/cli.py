"""The command line: parse, build an immutable options record, call doctor.app, exit with its status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from doctor import __version__, app

cli = typer.Typer(
    name="doctor",
    help="Diagnose and repair Docker Compose development environments.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FORMATS = ("console", "json", "sarif", "junit", "github")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"doctor {__version__}")
        raise typer.Exit(0)


@cli.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Diagnose and repair Docker Compose development environments."""


def _ids(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


def _severity(text: str) -> app.Severity:
    try:
        return app.Severity.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@cli.command()
def preflight(
    path: Annotated[Path, typer.Argument(help="Project directory (like the cwd of docker compose) or compose file.")] = Path(),
    file: Annotated[Optional[list[Path]], typer.Option("--file", "-f", help="Compose file, like docker compose -f.")] = None,  # noqa: UP045
    profile: Annotated[Optional[list[str]], typer.Option("--profile", help="Activate a compose profile.")] = None,  # noqa: UP045
    project_name: Annotated[Optional[str], typer.Option("--project-name", "-p", help="Compose project name.")] = None,  # noqa: UP045
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Run only these check ids (comma list).")] = None,  # noqa: UP045
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these check ids (comma list).")] = None,  # noqa: UP045
    fail_on: Annotated[str, typer.Option("--fail-on", help="Exit 1 on findings at or above: error, warning, info.")] = "error",
    format: Annotated[Optional[str], typer.Option("--format", help=f"Output format: {', '.join(FORMATS)}.")] = None,  # noqa: UP045
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,  # noqa: UP045
    no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the console report.")] = False,
) -> None:
    """Run every check on the project and this machine; exit 0 (clean), 1 (findings) or 2 (usage)."""
    if format is not None and format not in FORMATS:
        raise typer.BadParameter(f"unknown format {format!r} (choose from {', '.join(FORMATS)})", param_hint="--format")
    options = app.PreflightOptions(
        path=path,
        files=tuple(file or ()),
        profiles=tuple(profile or ()),
        project_name=project_name,
        select=_ids(select),
        ignore=_ids(ignore),
        fail_on=_severity(fail_on),
        format=format,
        output=output,
        color=False if no_color else None,
    )
    raise typer.Exit(app.guarded(app.preflight, options))


@cli.command("list")
def list_checks() -> None:
    """List the checks with their ids and one-line summaries."""
    raise typer.Exit(app.guarded(app.list_checks))


@cli.command()
def explain(check: Annotated[str, typer.Argument(help="A check id from 'doctor list'.")]) -> None:
    """Explain a check: what it finds, why it matters, an example, and the fix."""
    raise typer.Exit(app.guarded(app.explain, check))


@cli.command("exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(
    command: Annotated[list[str], typer.Argument(help="The command, after --.")],
    path: Annotated[Path, typer.Option("--project", help="Project directory.")] = Path(),
) -> None:
    """Run a command where it belongs: on the host, or in the service container that has its deps."""
    raise typer.Exit(app.guarded(app.exec_command, tuple(command), path))


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli())
