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
from doctor.project.edits import interpolated_at
from doctor.project.reading import is_file
from doctor.project.types import Service

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

# (message, where, subject, fix, severity), as EnvDrift.finding takes them
Found = tuple[str, Location | None, str, Fix, Severity]


def image_name(image: str) -> str:
    """`postgres` of `docker.io/library/postgres:16-alpine@sha256:...`, `postgis` of `postgis/postgis:16-3.4`."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0].lower()


def unpassworded(project: Project) -> Iterator[Found]:
    """A service of a postgres, mysql or mariadb image (not one it builds: a Dockerfile may set the
    variables) whose environment sets none of the password variables its entrypoint requires."""
    for service in project.compose.services.values():
        if not service.image or service.build is not None:
            continue
        if any(not is_file(path) for path in service.env_files if path not in service.optional_env_files):
            continue  # compose stops first ("env file not found"): the copy env-drift asks for comes first
        kind = image_name(service.image)
        needs = NEEDS.get(kind)
        if needs is None or "$" in service.image:
            continue
        names, opt_out = needs
        env = service.environment
        if any((var := env.get(name)) is not None and var.value for name in names):
            continue
        if any(var.variables and not _set(project, var.variables) for name in names if (var := env.get(name))):
            continue  # `${DBROOT}` unset: env-drift's finding about that variable says so
        if opt_out is not None and (var := env.get(opt_out[0])) is not None and var.value == opt_out[1]:
            continue
        written = next((name for name in names if name in env), names[0])  # the one it sets empty, if any
        yield _finding(project, service, kind, written, opt_out)


def _set(project: Project, variables: tuple[str, ...]) -> bool:
    """Whether every variable compose interpolated into a value is set (the shell, or the env file)."""
    values = project.compose.variables
    return all(name in project.options.env or name in values for name in variables)


def _finding(project: Project, service: Service, kind: str, name: str, opt_out: tuple[str, str] | None) -> Found:
    var = service.environment.get(name)
    written = var.location if var is not None and var.location is not None else service.location
    state = "sets it empty" if var is not None else "does not set it"
    message = (f"'{service.name}' ({kind} image) gets no {name} (its environment {state}): on its first start, "
               "with an empty data volume, the image refuses to initialize without one and the container exits")
    where = f" on {project.shown(written.path)}:{written.line}" if written is not None and written.line else ""
    if var is not None and var.variables:  # `POSTGRES_PASSWORD: ${DB_PASSWORD}`: the value is the variable's
        found = interpolated_at(project, var.variables[0])
        shown = f"{project.shown(found[0])}:{found[1].line}" if found is not None else ".env"
        where = f" through {var.variables[0]} on {shown}"
    other = f", or {opt_out[0]}={opt_out[1]} for a throwaway local database" if opt_out else ""
    if var is None:  # written nowhere: where it goes is the service's environment (or an env_file it loads)
        fix = Fix(f"set {name} in the environment of '{service.name}'{other}", Safety.ADVICE)
    else:
        fix = Fix(f"give {name} a value{where}{other}", Safety.ADVICE)
    return message, written, f"{service.name}:image-needs:{name}", fix, Severity.WARNING
