"""Env files a service's app reads from a bind mount, as values of its environment.

fastapi-practices/fastapi_best_architecture binds `./deploy/backend/docker-compose/.env.server` to
`/fba/backend/.env`, the file its pydantic-settings (`env_file=BASE_PATH / '.env'`) read in the
container: `DATABASE_HOST='fba_postgres'` there is the address the app dials, as if compose had set
it, though compose never reads the file. A bind of one file onto a dotenv-named target (`.env`,
`.env.local`, `app.env`; not an `.env.example`) is read so, with compose's env file rules; a key the
service's own environment sets is left out: the process environment wins over such a file, in
pydantic-settings and in python-dotenv without `override=True` (dotenv-override judges that one).
What a Node or Laravel app loads from a `.env` that reaches its container is added too
(doctor.project.loaded_env).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, replace
from doctor.project.types import ComposeModel, EnvSource, EnvVar, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

_DOTENV_TARGET = lazy(r"(?:\.env(?:\.[\w.-]+)?|[\w.-]+\.env)")
_TEMPLATE = lazy(r"(?:^|[._-])(?:example|sample|template|dist|tpl)(?:$|[._-])", re.IGNORECASE)


def with_mounted_env(project: Project) -> ComposeModel:
    """The project's model with each service's environment extended by the env files bound into it
    (mounted_env) and the `.env` its Node or Laravel app loads (loaded_env); the model itself where
    no service has either."""
    from doctor.project.loaded_env import loaded_env

    model = project.compose
    changed: dict[str, Service] = {}
    for name, service in model.services.items():
        extra = {**loaded_env(project, service), **mounted_env(project, service)}
        if extra:
            changed[name] = replace(service, environment={**service.environment, **extra})
    return replace(model, services={**model.services, **changed}) if changed else model


def mounted_files(service: Service) -> list[Path]:
    """The host files bound onto a dotenv-named target of the service (whether they exist or not)."""
    found = []
    for mount in service.volumes:
        if mount.type != "bind" or not mount.source or "$" in mount.source:
            continue
        name = posixpath.basename(mount.target.rstrip("/"))
        if _DOTENV_TARGET.fullmatch(name) and not _TEMPLATE.search(name):
            found.append(Path(mount.source))
    return found


def mounted_env(project: Project, service: Service) -> dict[str, EnvVar]:
    """The keys of the env files bound onto a dotenv-named target in the service that its own
    environment does not set, each with its file's line (the last line of a key wins)."""
    found: dict[str, EnvVar] = {}
    for path in mounted_files(service):
        env = project.env_file(path)  # None unless a regular file
        for entry in env.entries if env is not None else ():
            if entry.key not in service.environment:
                found[entry.key] = EnvVar(entry.key, entry.value, Location(path, entry.line), EnvSource.ENV_FILE,
                                          raw=entry.raw or entry.value)
    return found
