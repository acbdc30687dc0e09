"""compose-config's advice for a missing env file: the Makefile rule that makes it, the target a
dangling symlink needs, the same path written from a folder above, or creating it (or making it
optional at its line)."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Fix, Safety, service_names
from doctor.project import Project
from doctor.project.types import Problem

_ENV_FILE_MISSING = lazy(r"^(?:env file (.+) not found|couldn't find env file: (.+))$")


def _env_file_maker(project: Project, message: str) -> Fix | None:
    """`make .env` for a missing env file a Makefile rule makes or a recipe writes
    (doctor.project.env_makers); None when none does (env-drift gives the template's copy)."""
    from doctor.project.env_makers import env_file_maker

    found = _ENV_FILE_MISSING.match(message)
    made = env_file_maker(project, Path(found[1] or found[2])) if found is not None else None
    return made[0] if made is not None else None


def _loaded_by(project: Project, problem: Problem) -> str:
    """`: 'db', 'web' and 5 more services load it`, for a missing env file more than one enabled service
    requires (not those with `required: false`); "" for one: compose-config's one finding names them."""
    found = _ENV_FILE_MISSING.match(problem.message)
    if found is None:
        return ""
    path = Path(found[1] or found[2])
    users = [name for name, service in project.compose.services.items()
             if path in service.env_files and path not in service.optional_env_files]
    return f": {service_names(users, 3)} load it" if len(users) > 1 else ""


def _also_loaded_by(project: Project, problem: Problem) -> str:
    """` ('web', 'db', 'server' load it too)` for a missing `--env-file` services also load as env_file:
    compose stops at the --env-file, and compose-config's one finding stands for their lines too."""
    found = _ENV_FILE_MISSING.match(problem.message)
    if found is None:
        return ""
    path = os.path.normpath(found[1] or found[2])
    users = [name for name, service in project.compose.services.items()
             if any(os.path.normpath(p) == path for p in service.env_files)
             and not any(os.path.normpath(p) == path for p in service.optional_env_files)]
    if not users:
        return ""
    return f" ({service_names(users, 3)} load{'s' if len(users) == 1 else ''} it too)"


def _env_file_advice(project: Project, problem: Problem) -> Fix | None:
    """What to do about a missing env file no Makefile makes and no template beside it gives
    (env-drift copies a template): create it (the target of a dangling symlink, not the link),
    or make it optional where compose allows that."""
    found = _ENV_FILE_MISSING.match(problem.message)
    if found is None:
        return None
    path = Path(found[1] or found[2])
    users = sorted(name for name, service in project.compose.services.items() if path in service.env_files)
    # a missing --env-file that services also load: compose stops at the --env-file, so an optional
    # env_file line would not get it further (AdventureLog's `--env-file .env.advanced`)
    chosen = found[2] is not None
    linked = _linked_env_file(project, problem, path, users, chosen)
    if linked is not None:
        return linked
    moved = _moved_env_file(project, path, users)
    if moved is not None:
        return moved
    if _template_beside(path) is not None:
        return None
    shown = project.shown(path)
    if not users:  # `--env-file`, COMPOSE_ENV_FILES: the files compose interpolates with, which no `env_file:` names
        return Fix(f"create {shown} (no template beside it to copy), or name env files that exist "
                   "(--env-file, COMPOSE_ENV_FILES)", Safety.ADVICE)
    # the services are the readers, not the variables: "the variables that 'db', 'server', 'web' read from it"
    whose = f" with the variables that {service_names(users)} read{'s' if len(users) == 1 else ''} from it"
    if chosen:
        return Fix(f"create {shown}{whose} (no template beside it to copy)", Safety.ADVICE)
    return Fix(f"create {shown}{whose} (no template beside it to copy), or {_optional(project, problem, path)}",
               Safety.ADVICE)


def _optional(project: Project, problem: Problem, path: Path) -> str:
    """`make it optional at compose.yaml:4: `env_file: [{path: .env, required: false}]` (...)`; at each of
    its lines (compose.yaml:4, 7) where more services load it: compose-config's one finding stands for all."""
    where = _lines_of(project, problem)
    # the line's text is compose's: a path from the folder compose resolves that file's paths from (the
    # project's for every -f file; an included or extended file's own), whatever folder doctor names paths from
    declared = problem.location.path if problem.location else None
    base = project.compose.project_dir if declared is None or declared in project.compose.files else declared.parent
    written = os.path.relpath(path, base) if path.is_absolute() else str(path)
    return (f"make it optional{where}: `env_file: [{{path: {written}, required: false}}]` "
            "(Docker Compose 2.24 or later)")


def _lines_of(project: Project, problem: Problem) -> str:
    """` at compose.yaml:4`, or ` at each of its lines (compose.yaml:4, 7)`: the env_file lines compose
    stops at for the same missing file, by file; "" when none is known."""
    lines: dict[Path, list[str]] = {}
    for other in (p for p in project.compose.problems if (p.kind, p.message) == (problem.kind, problem.message)):
        if other.location is not None and other.location.line:
            lines.setdefault(other.location.path, []).append(str(other.location.line))
    places = [f"{project.shown(path)}:{', '.join(numbers)}" for path, numbers in lines.items()]
    if not places and problem.location is not None and problem.location.line:  # one the loader did not record
        places = [f"{project.shown(problem.location.path)}:{problem.location.line}"]
    if len(places) == 1 and "," not in places[0]:
        return f" at {places[0]}"
    return f" at each of its lines ({'; '.join(places)})" if places else ""


def _linked_env_file(project: Project, problem: Problem, path: Path, users: list[str],
                     chosen: bool) -> Fix | None:
    """The file to create for a missing env file that is a symlink whose target does not exist
    (formbricks' tracked `apps/web/.env -> ../../.env`, the root `.env` copied from `.env.example`):
    the link's last target, from the template beside it, the Makefile's rule or by hand. Never the
    link's own path: a file written there replaces the project's link (or fails), and the file the
    rest of the project reads through it is still missing. None when `path` is no dangling link, or
    has a template beside it: env-drift's copy of that is written through the link (doctor.fixfiles)."""
    from doctor.project.env_makers import env_file_maker

    if not os.path.islink(path) or os.path.exists(path) or _template_beside(path) is not None:
        return None
    target = Path(os.path.realpath(path))
    link, shown = project.shown(path), project.shown(target)
    if os.path.lexists(target):  # a loop (os.path.realpath stops in it): no file to create, a link to correct
        return Fix(f"{link} is a symlink loop: point it (or a link it goes through) at an env file", Safety.ADVICE)
    template = _template_beside(target)
    readers = f"{service_names(users)} read{'s' if len(users) == 1 else ''}" if users else "compose reads"
    if template is not None:
        return Fix(f"copy {project.shown(template)} to {shown}, which {link} links to (keep the link: {readers} "
                   f"{shown} through it)", Safety.ADVICE)
    made = env_file_maker(project, target)
    if made is not None:  # `make .env`: the Makefile's rule for the target
        return Fix(f"create {shown}, which {link} links to, {made[0].title.removeprefix('create it ')}",
                   Safety.ADVICE, command=made[0].command)
    if not users or chosen:  # `--env-file`, COMPOSE_ENV_FILES: an optional `env_file:` line would not do
        return Fix(f"create {shown}, which {link} links to (no template beside it to copy; keep the link)",
                   Safety.ADVICE)
    return Fix(f"create {shown}, which {link} links to, with the variables that {readers} from it (no template beside "
               f"it to copy; keep the link), or {_optional(project, problem, path)}", Safety.ADVICE)


def _template_beside(path: Path) -> Path | None:
    """The env file's template beside it (`.env.example` of `.env`: doctor.project.template_names), if any."""
    from doctor.project import template_names

    if not path.name:
        return None
    return next((path.with_name(n) for n in template_names(path.name) if os.path.isfile(path.with_name(n))), None)


def _moved_env_file(project: Project, path: Path, users: list[str]) -> Fix | None:
    """`did you mean ../../.env.local.example?` for a missing env file that exists at the same path
    written from a folder above the compose folder (litestar-fullstack's compose moved down into
    deploy/docker/ keeps `../.env.local.example`): that file is the one meant, not a new empty one."""
    from doctor.project.moved_paths import found_above, written_from

    folder = project.compose.project_dir
    above = found_above(path, folder, directory=False)
    if above is None:
        return None
    moved, written = above
    whose = f" of {service_names(users)}" if users else ""
    return Fix(f"did you mean {written}? write it in env_file{whose} instead of {written_from(path, folder)} "
               f"({project.shown(moved)} exists)", Safety.ADVICE)
