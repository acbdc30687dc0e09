"""`.env` hosts (or the --env-file's) that reach a container through what it runs, not its environment.

`entrypoint: [/wait-for-it.sh, '${DD_DATABASE_HOST:-postgres}:5432', --, ...]` (DefectDojo):
compose interpolates the `.env` value into the command line, and the container dials it.
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.model import Location
from doctor.project import Project
from doctor.project.edits import Bounded, interpolated_at
from doctor.project.env_hosts import HOST_KEY, is_dial_key
from doctor.project.types import EnvSource, EnvVar, Service


def run_hosts(project: Project) -> Iterator[tuple[Service, EnvVar]]:
    """Each service and `.env` host key (`*_HOST`, `*_SERVER`) whose value its entrypoint,
    command or healthcheck holds, when the compose files interpolate that key and the service's
    environment does not carry it (there it is judged with the environment)."""
    model = project.compose
    names = sorted({u.name for u in model.variable_uses if HOST_KEY.match(u.name) and is_dial_key(u.name)})
    for name in names:
        found = interpolated_at(project, name)  # `.env`'s line, or the --env-file's
        value = model.variables.get(name)
        if found is None or not value or value != found[1].value:
            continue  # not from an env file (the shell set it), or empty
        word = Bounded(value, ".$-", ".-")  # the value as a word: found without compiling a pattern
        var = EnvVar(name, value, Location(found[0], found[1].line), EnvSource.ENV_FILE, value, (name,))
        for service in model.services.values():
            if any(name in v.variables for v in service.environment.values()):
                continue
            if any(word.spans(text) for text in _runs(service)):
                yield service, var


def _runs(service: Service) -> Iterator[str]:
    for part in (service.entrypoint, service.command, service.healthcheck):
        if isinstance(part, str):
            yield part
        elif part:
            yield " ".join(part)
