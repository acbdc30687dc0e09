"""Who reads an env file: the services that load it (and whether `up` stops without it), a
container's app it reaches through a bind or a COPY, and a Makefile that includes it.

Checked against docker compose v2.40.3 (`config`, `up --no-start`): a missing `env_file:` entry
stops the load (`env file ... not found`) unless it has `required: false`, whatever the file's
name (`.env` too); a missing `--env-file` / COMPOSE_ENV_FILES file stops it too (`couldn't find
env file`); a missing `.env` that compose only interpolates from, and an env_file of a service a
profile leaves off, are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.project import Project, real_path


def loaders(project: Project, path: Path, *, required: bool) -> list[str]:
    """The services that start and load `path` as their env_file (links followed), with
    `required: false` or without it, as a message names them: `'api'`, or `'cube' (through
    apps/web/.env)` for one that loads it through a link."""
    wanted = real_path(path)
    found: list[str] = []
    for name, service in sorted(project.compose.services.items()):
        written = [p for p in service.env_files
                   if real_path(p) == wanted and (p not in service.optional_env_files) is required]
        if not written:
            continue
        direct = any(os.path.abspath(p) == os.path.abspath(path) for p in written)
        found.append(repr(name) if direct else f"{name!r} (through {project.shown(written[0])})")
    return found


def needed_by(project: Project, path: Path, chosen: bool) -> str | None:
    """What stops `docker compose up` when `path` is missing, as a message says it (`'api' loads
    it`, `'api' and 'web' load it`, `--env-file names it`); None where compose goes on without it.
    `chosen`: `path` is one of the files `--env-file` or COMPOSE_ENV_FILES names."""
    names = loaders(project, path, required=True)
    if names:
        return load_it(names)
    if chosen:
        return f"{'--env-file' if project.options.env_files is not None else 'COMPOSE_ENV_FILES'} names it"
    return None


def load_it(names: list[str]) -> str:
    """`'api' loads it`, `'api' and 'web' load it`."""
    return f"{listed(names)} {'loads' if len(names) == 1 else 'load'} it"


def skipped_by(names: list[str]) -> str:
    """`'api' loads it only if it exists (required: false), so compose skips it`."""
    return f"{load_it(names)} only if it exists (required: false), so compose skips it"


def listed(names: list[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def made_reads(project: Project, dotenv: Path) -> bool:
    """Whether the Makefile of the project folder (or of the env file's own) includes the env file."""
    from doctor.project.make_env import make_env_files

    real = real_path(dotenv)
    return any(real_path(p) == real for folder in dict.fromkeys((project.root, dotenv.parent))
               for p in make_env_files(folder))


def reaches_app(project: Project, dotenv: Path) -> bool:
    """Whether .env reaches a container's app, where dotenv can read it: a bind mount or watch sync
    that carries it, or a COPY of its folder that the .dockerignore lets it through."""
    # the engine mounts what a bind's source names, links followed (`./app/.env:/app/.env` with
    # `app/.env -> ../.env` carries `.env`), and a folder's entries as they are: `.env` in its real folder
    whole, entry = Path(real_path(dotenv)), Path(real_path(dotenv.parent)) / dotenv.name
    carries: dict[Path, bool] = {}  # services share their binds (`.:/app`): each source resolved once
    for service in project.compose.services.values():
        codes = project.code_map(service)
        for p in codes.live:
            if p.host not in carries:
                host = Path(real_path(p.host))
                carries[p.host] = host in (whole, entry) or host in entry.parents
            if carries[p.host]:
                return True
        # a build context sends a link as a link, not the file it names: COPYs compare paths as written
        if any(p.host == dotenv or p.host in dotenv.parents for p in codes.copies):
            context = codes.context
            if context is None or not dotenv.is_relative_to(context) or not codes.ignore.excludes(
                    dotenv.relative_to(context).as_posix()):
                return True
    return False
