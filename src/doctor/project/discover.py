"""Which compose files, project directory, interpolation environment and name compose would use.

Follows docker compose v2.40.3's option order (COMPOSE-SEMANTICS.md §1): OS env, the first
`.env` pass (cwd, or the first -f file's directory), COMPOSE_FILE, default discovery upward
from the cwd, the second `.env` pass (project directory, lower precedence), profiles, name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, field, record
from doctor.project import ProjectOptions
from doctor.project.inputs import env_copy, probed
from doctor.project.types import EnvFile, Problem, ProblemKind

MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
_VALID_NAME = lazy(r"^[a-z0-9][a-z0-9_-]*$")
_TRUE = ("1", "t", "T", "TRUE", "true", "True")


@record(frozen=False)
class Discovery:
    """The outcome of finding a project: files, directory, environment and what went wrong."""

    cwd: Path
    files: list[Path]
    project_dir: Path
    environment: dict[str, str]
    env_files: list[Path] = field(default_factory=list)
    origins: dict[str, Location] = field(default_factory=dict)  # where .env keys were defined
    profiles: tuple[str, ...] = ()
    project_name: str | None = None  # from -p or COMPOSE_PROJECT_NAME (already validated)
    problems: list[Problem] = field(default_factory=list)


def normalize_project_name(name: str) -> str:
    """compose-go NormalizeProjectName: lowercase, keep [a-z0-9_-], trim leading '_' and '-'."""
    kept = "".join(c for c in name.lower() if c.isascii() and (c.isalnum() or c in "_-"))
    return kept.lstrip("_-")


def is_valid_project_name(name: str) -> bool:
    return bool(_VALID_NAME.match(name))


def invalid_project_name(name: str, source: str) -> str:
    """What compose's rule is, for a name it refuses (`source`: where the name came from)."""
    return (f"invalid project name {name!r} ({source}): use only lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit")


def find_default_files(start: Path) -> list[Path]:
    """The main file (and override twin in the same directory) found from `start` upward."""
    directory = start
    while True:
        mains = [directory / name for name in MAIN_NAMES if _is_file(directory / name)]
        if mains:
            found = [mains[0]]
            overrides = [directory / name for name in OVERRIDE_NAMES if _is_file(directory / name)]
            if overrides:
                found.append(overrides[0])
            return found
        if directory.parent == directory:
            return []
        directory = directory.parent


def _is_file(path: Path) -> bool:
    """Exists, or is a symlink (a dangling or looping one is reported when it is read)."""
    probed(path)
    return os.path.lexists(path)


def absolute(path: Path | str, base: Path) -> Path:
    """filepath.Abs against `base`: joined and lexically cleaned, symlinks not resolved."""
    text = os.path.expanduser(str(path)) if str(path).startswith("~") else str(path)
    return Path(os.path.normpath(os.path.join(base, text)))


def discover(options: ProjectOptions) -> Discovery:
    """Files, project directory, interpolation env and profiles for these options."""
    here = Path.cwd()
    target = absolute(options.path, here)
    probed(target)
    explicit = [absolute(f, target if target.is_dir() else target.parent) for f in options.files]
    if not target.is_dir():
        cwd = target.parent
        explicit = [target, *explicit]
    else:
        cwd = target
    os_env = env_copy(options.env)
    if cwd != here:
        # the path names the folder compose runs in: a shell that cds there gives compose that PWD,
        # which `${PWD}/configuration_files/x.yml` reads (openedx/devstack's mounts; `doctor preflight
        # devstack` from its parent read the parent's and called the files missing)
        os_env["PWD"] = str(cwd)
    else:
        os_env.setdefault("PWD", str(cwd))
    found = Discovery(cwd=cwd, files=explicit, project_dir=cwd, environment=env_copy(os_env))
    env_files = chosen_env_files(options)  # () when COMPOSE_DISABLE_ENV_FILE turns .env off
    use_dotenv = env_files is None

    # pass 1: the cwd's .env, or the first -f file's directory
    first_dir = explicit[0].parent if explicit else cwd
    if env_files is not None:
        for path in env_files:  # read in order into one map: a later file's key wins, the shell's over all
            _merge_env(found, path, os_env, required=True, later_wins=True)
    elif use_dotenv:
        _merge_env(found, first_dir / ".env", os_env, required=False)

    if not found.files:
        found.files = _compose_file_env(found, cwd)
    if not found.files:
        found.files = find_default_files(cwd)
    if not found.files:
        found.problems.append(Problem(ProblemKind.DISCOVERY, "no configuration file provided: not found",
                                      Location(cwd)))
    found.project_dir = found.files[0].parent if found.files else cwd

    # pass 2: the project directory's .env adds only keys still missing
    if use_dotenv and found.project_dir != first_dir:
        _merge_env(found, found.project_dir / ".env", os_env, required=False)

    env = found.environment
    if options.profiles:
        found.profiles = tuple(options.profiles)
    elif env.get("COMPOSE_PROFILES"):
        # compose splits and trims but keeps empty names: "prod," enables prod and ''
        found.profiles = tuple(p.strip() for p in env["COMPOSE_PROFILES"].split(","))
    name = options.project_name or env.get("COMPOSE_PROJECT_NAME") or None
    if name is not None:
        if is_valid_project_name(name):
            found.project_name = name
        else:
            # where the value came from: -p, an env file's line (its location), else the shell's environment
            origin = None if options.project_name else found.origins.get("COMPOSE_PROJECT_NAME")
            source = ("given with -p" if options.project_name else
                      f"COMPOSE_PROJECT_NAME in {origin.path.name}" if origin is not None else
                      "COMPOSE_PROJECT_NAME in the shell's environment")
            found.problems.append(Problem(ProblemKind.SCHEMA, invalid_project_name(name, source),
                                          origin or Location(cwd)))
            found.project_name = normalize_project_name(name) or None
    return found


def chosen_env_files(options: ProjectOptions) -> tuple[Path, ...] | None:
    """The env files that interpolate the compose files in place of `.env` (--env-file, else
    COMPOSE_ENV_FILES), absolute, in order (a later file's key wins); () when
    COMPOSE_DISABLE_ENV_FILE leaves compose with none; None when compose reads `.env`."""
    if options.env_files is not None:
        return tuple(options.env_files)
    target = absolute(options.path, Path.cwd())
    found = _explicit_env_files(options.env, target if target.is_dir() else target.parent)
    if found is not None:
        return tuple(found)
    return () if options.env.get("COMPOSE_DISABLE_ENV_FILE", "") in _TRUE else None


def _explicit_env_files(os_env: Mapping[str, str], cwd: Path) -> list[Path] | None:
    """COMPOSE_ENV_FILES (the default of --env-file): split on ',' with no trimming, relative to the
    directory compose runs in."""
    value = os_env.get("COMPOSE_ENV_FILES")
    if not value:
        return None
    return [absolute(part, cwd) for part in value.split(",")]


def _compose_file_env(found: Discovery, cwd: Path) -> list[Path]:
    value = found.environment.get("COMPOSE_FILE")
    if not value:
        return []
    separator = found.environment.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
    # reported where it is set: an env file's line is the one to correct (laradock's .env selects its
    # files there); the shell's variable has no line, so the folder stands in
    origin = found.origins.get("COMPOSE_FILE")
    source = f"set in {origin.path.name}" if origin is not None else "set in the shell's environment"
    files = []
    for part in value.split(separator):
        path = absolute(part, cwd)
        if not _is_file(path):
            message = f"COMPOSE_FILE names {part!r}, which does not exist ({source})"
            found.problems.append(Problem(ProblemKind.DISCOVERY, message, origin or Location(cwd)))
            continue
        files.append(path)
    return files


def _merge_env(found: Discovery, path: Path, os_env: Mapping[str, str], required: bool,
               later_wins: bool = False) -> None:
    """Read one .env file; its keys are added only where the environment has none yet (`later_wins`:
    where the shell has none: an earlier env file's key is replaced)."""
    if not _is_file(path) or path.is_dir():
        if required:
            message = f"env file {path} is a directory" if path.is_dir() else f"couldn't find env file: {path}"
            found.problems.append(Problem(ProblemKind.ENV_FILE, message, Location(path)))
        return
    from doctor.project.envfile import read_env_file

    known = found.environment

    def lookup(name: str) -> str | None:
        # ${X} inside a .env: the OS env first, then keys already read (this and earlier files)
        return os_env.get(name, known.get(name))

    parsed: EnvFile = read_env_file(path, lookup)
    found.env_files.append(path)
    found.problems.extend(parsed.problems)
    mine: set[str] = set()  # keys this file set (looked up one by one: the model cache keys on names)
    for entry in parsed.entries:  # within one file the last definition wins, as in compose
        if entry.key in mine or entry.key not in known or (later_wins and entry.key not in os_env):
            mine.add(entry.key)
            found.origins[entry.key] = Location(path, entry.line)
            known[entry.key] = entry.value
