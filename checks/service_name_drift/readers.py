"""Which services a host written in an env file is theirs to judge: the ones that read the line and use it.

An env_file line every service loads (dify's middleware.env `DB_HOST=db_postgres`) is for those that reach
the host it names, and a line a service loading the file replaces in its own `environment:` (linkwarden's
.env DATABASE_URL) is not that service's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from doctor.model import Location
from doctor.project.types import EnvSource, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .edits import Use



def unreached(hosts: dict[str, list[Use]], reached: set[tuple[Location | None, str]],
               everywhere: dict[str, str]) -> dict[str, list[Use]]:
    """The uses left once an env_file line that another service resolves is dropped: it is theirs;
    unless the service depends on the one the host names, which it then dials (saleor-platform's
    `worker`, off the network of `cache` that `api`, sharing backend.env, resolves)."""
    kept = {name: [use for use in uses if use[2].source is not EnvSource.ENV_FILE
                   or (use[2].location, name) not in reached or everywhere.get(name) in use[0].depends_on]
            for name, uses in hosts.items()}
    return {name: uses for name, uses in kept.items() if uses}


def overridden_by_their_readers(services: Iterable[Service]) -> set[tuple[Path, str]]:
    """(env file, key) of each env_file line a service loading that file sets in its own `environment:`
    (linkwarden's .env DATABASE_URL, which its app service replaces with `@postgres`): the line is
    that service's, which never uses it; the others (postgres, meilisearch) only get it with the
    rest of the file. Gathered once per run: asked for each service's lines, it was services squared."""
    return {(path, key) for service in services for key, own in service.environment.items()
            if own.source is not EnvSource.ENV_FILE for path in service.env_files}
