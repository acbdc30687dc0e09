"""env-drift's image half: a database image started without the password its entrypoint requires.

The official postgres, mysql and mariadb images refuse to initialize an empty data folder without a
superuser password (or an explicit opt-out): linkwarden's `.env.sample` lists `POSTGRES_PASSWORD=`
empty, so a newcomer who copies it gets a `db` that exits at once with "Database is uninitialized
and superuser password is not specified". compose passes the empty value on without a word.
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.model import Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.digits import written_number
from doctor.project.edits import interpolated_at
from doctor.project.reading import is_file
from doctor.project.types import ProblemKind, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.recipe import Recipe

# the image's last path segment -> (the variables any one of which, set non-empty, satisfies the
# entrypoint; an opt-out (variable, value)). What the entrypoint logs without one is doctor why's
# `database-uninitialized` signature
NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {
    "postgres": (("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"), ("POSTGRES_HOST_AUTH_METHOD", "trust")),
    "mysql": (("MYSQL_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD_FILE", "MYSQL_ALLOW_EMPTY_PASSWORD",
               "MYSQL_RANDOM_ROOT_PASSWORD"), None),
    "mariadb": (("MARIADB_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD_FILE", "MARIADB_ROOT_PASSWORD_HASH",
                 "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD",
                 "MYSQL_ROOT_PASSWORD_FILE", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"), None),
}
# images built FROM postgres with its entrypoint
NEEDS["postgis"] = NEEDS["pgvector"] = NEEDS["postgres"]
# publishers whose images of these servers start by other rules (other variables, no refusal)
REPACKAGERS = ("linuxserver", "bitnami", "bitnamicharts", "cimg", "circleci")
# what the entrypoint initializes the data folder for: the server, or options to it (`-c fsync=off`); any
# other command runs as given (huginn's data-only `mysqldata` with `command: /bin/true`)
SERVERS = frozenset({"postgres", "mysqld", "mariadbd", "mysqld_safe", "mariadbd-safe"})

# (message, where, subject, fix, severity), as EnvDrift.finding takes them
Found = tuple[str, Location | None, str, Fix, Severity]


def image_name(image: str) -> str:
    """`postgres` of `docker.io/library/postgres:16-alpine@sha256:...` or of a mirror's
    `registry.example.com/postgres:16`, `postgis` of `postgis/postgis:16-3.4`: the image's last name;
    the whole path of a re-packager's image (`lscr.io/linuxserver/mariadb`, whose init script reads other
    variables and starts without a password; bitnami's, which read their own), which no NEEDS key is."""
    path = image.split("@", 1)[0].lower()
    last = path.rsplit("/", 1)[-1]
    path = path[:len(path) - len(last)] + last.split(":", 1)[0]
    if any(f"/{namespace}/" in f"/{path}" for namespace in REPACKAGERS):
        return path
    return path.rsplit("/", 1)[-1]


def unpassworded(project: Project) -> Iterator[Found]:
    """A service of a postgres, mysql or mariadb image, or built FROM one (ckan-docker's `db`) by a
    Dockerfile that sets none of the variables and keeps the image's entrypoint, whose environment
    sets none of the password variables its entrypoint requires."""
    for service in project.compose.services.values():
        image = _image(project, service)
        if image is None or "$" in image:
            continue
        if any(not is_file(path) for path in service.env_files if path not in service.optional_env_files):
            continue  # compose stops first ("env file not found"): the copy env-drift asks for comes first
        kind = image_name(image)
        needs = NEEDS.get(kind)
        if needs is None:
            continue
        names, opt_out = needs
        if service.build is not None and not _keeps_entrypoint(project, service, names):
            continue
        if _own_entrypoint(service):
            continue  # formbricks' hub-db-create: `entrypoint: ["sh", "-c"]` runs psql, never initdb
        if not _runs_the_server(service):
            continue  # huginn's `mysqldata`: `command: /bin/true`, a data-only container
        if _unfinished(project, service):
            continue  # documenso's `POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?err}` unset: compose-config says so
        env = service.environment
        if any((var := env.get(name)) is not None and var.value for name in names):
            continue
        if any(var.variables and not _set(project, var.variables) for name in names if (var := env.get(name))):
            continue  # `${DBROOT}` unset: env-drift's finding about that variable says so
        if opt_out is not None and (var := env.get(opt_out[0])) is not None and var.value == opt_out[1]:
            continue
        if kind == "postgres" and _trusts_by_default(image):
            continue
        written = next((name for name in names if name in env), names[0])  # the one it sets empty, if any
        yield _finding(project, service, kind, written, opt_out)


# the first postgres image of each series that refuses an empty data folder without a password
# (docker-library/postgres#658, February 2020): older ones start with trust auth and only warn
_REFUSES_FROM = {(9, 4): (9, 4, 26), (9, 5): (9, 5, 21), (9, 6): (9, 6, 17), (10,): (10, 12), (11,): (11, 7),
                 (12,): (12, 2)}


def _trusts_by_default(image: str) -> bool:
    """Whether a postgres image's tag pins a release from before the password became required
    (`postgres:11.5-alpine`, fastapi-realworld-example-app's): its entrypoint initializes the data
    folder with trust auth. A tag without the minor release (`postgres:11`, `:latest`) is a current
    one, which refuses."""
    import re

    tag = image.rpartition("/")[2].partition("@")[0].partition(":")[2]
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?(?![\d.])", tag)
    if found is None:
        return False
    parts = tuple(written_number(p, 9) or 0 for p in found.groups() if p is not None)
    if parts[0] < 9 or (parts[0] == 9 and parts[1] < 4):
        return True
    series = parts[:2] if parts[0] == 9 else parts[:1]
    first = _REFUSES_FROM.get(series)
    if first is None or (parts[0] == 9 and len(parts) < 3):
        return False
    return parts < first


def _image(project: Project, service: Service) -> str | None:
    """The image whose entrypoint starts the service: `image:`, or for a build the external base
    of its Dockerfile's final stage (`image:` then only names the result)."""
    if service.build is None:
        return service.image
    recipe = _recipe(project, service)
    return recipe.base if recipe is not None and recipe.base else None


def _recipe(project: Project, service: Service) -> Recipe | None:
    """The recipe of the service's local build (its target stage), or None."""
    build = service.build
    path = build.dockerfile_path if build is not None else None
    return project.recipe(path, build.target) if build is not None and path is not None else None


def _own_entrypoint(service: Service) -> bool:
    """Whether compose replaces the image's entrypoint with one that does not hand on to it (the
    official images' `docker-entrypoint.sh`, which initializes the data folder)."""
    entrypoint = service.entrypoint
    if entrypoint is None:
        return False
    words = entrypoint.split() if isinstance(entrypoint, str) else list(entrypoint)
    return bool(words) and not any("docker-entrypoint" in word for word in words)


def _runs_the_server(service: Service) -> bool:
    """Whether the service's command (compose's; the image's CMD is the server) is the server or its
    options, for which the official entrypoint initializes an empty data folder."""
    command = service.command
    if command is None:
        return True
    words = command.split() if isinstance(command, str) else list(command)
    return not words or words[0].startswith("-") or words[0].rsplit("/", 1)[-1] in SERVERS


def _keeps_entrypoint(project: Project, service: Service, names: tuple[str, ...]) -> bool:
    """Whether a built image still starts as its base does (its Dockerfile sets no ENTRYPOINT; a
    compose `entrypoint:` is `_own_entrypoint`'s) and sets none of `names` itself."""
    recipe = _recipe(project, service)
    return recipe is not None and not recipe.entrypoint and not any(key in names for key, _ in recipe.env)


def _unfinished(project: Project, service: Service) -> bool:
    """Whether compose could not interpolate the service's environment (a required `${X:?err}`
    unset): the entry is missing from the model, not from the file."""
    prefixes = (f" services.{service.name}.environment", f" services.{service.name}.env_file")
    return any(p.kind is ProblemKind.INTERPOLATION and any(x in p.message for x in prefixes)
               for p in project.compose.problems)


def _set(project: Project, variables: tuple[str, ...]) -> bool:
    """Whether every variable compose interpolated into a value is set (the shell, or the env file)."""
    values = project.compose.variables
    return all(name in project.options.env or name in values for name in variables)


def _finding(project: Project, service: Service, kind: str, name: str, opt_out: tuple[str, str] | None) -> Found:
    var = service.environment.get(name)
    written = var.location if var is not None and var.location is not None else service.location
    state = "sets it empty" if var is not None else "does not set it"
    image = f"built FROM {_image(project, service)}" if service.build is not None else f"{kind} image"
    message = (f"'{service.name}' ({image}) gets no {name} (its environment {state}): on its first start, "
               "with an empty data volume, the image refuses to initialize without one and the container exits")
    where = f" on {project.shown(written.path)}:{written.line}" if written is not None and written.line else ""
    if var is not None and var.variables:  # `POSTGRES_PASSWORD: ${DB_PASSWORD}`: the value is the variable's
        found = interpolated_at(project, var.variables[0], var.location.path if var.location else None)
        shown = f"{project.shown(found[0])}:{found[1].line}" if found is not None else ".env"
        # ckan's passthrough `- POSTGRES_PASSWORD` takes .env's line of the same name: "on .env:8"
        where = f" on {shown}" if var.variables[0] == name else f" through {var.variables[0]} on {shown}"
        if found is not None and found[1].line:
            written = Location(found[0], found[1].line)  # the line that sets it empty
    other = f", or {opt_out[0]}={opt_out[1]} for a throwaway local database" if opt_out else ""
    if var is None:  # written nowhere: where it goes is the service's environment (or an env_file it loads)
        fix = Fix(f"set {name} in the environment of '{service.name}'{other}", Safety.ADVICE)
    else:
        fix = Fix(f"give {name} a value{where}{other}", Safety.ADVICE)
    return message, written, f"{service.name}:image-needs:{name}", fix, Severity.WARNING
