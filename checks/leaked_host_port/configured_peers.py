"""Which of several servers a host key means: the one compose configures from the key's siblings.

mobidata-bw/ipl-dagster-pipeline's 'dagster_pipeline' reads IPL_POSTGRES_HOST beside IPL_POSTGRES_USER,
_PASSWORD, _DB and _PORT, and two postgres servers listen on 5432: 'dagster_postgresql', its own
storage (`POSTGRES_USER: "${DAGSTER_POSTGRES_USER}"`), and 'ipl_postgis' (`POSTGRES_USER:
"${IPL_POSTGRES_USER}"`, `${IPL_POSTGRES_PORT}:5432`). The server whose settings come from the same
project variables as the key's siblings is the one those credentials open; the first one listening
on the port is not.
"""

from __future__ import annotations

from doctor.project.env_hosts import key_prefix
from doctor.project.types import ComposeModel, Service


def configured_peers(model: ComposeModel, service: Service, key: str) -> tuple[str, ...]:
    """The peers (not `service`) whose environment or published ports compose interpolates from a
    variable that also gives one of the key's siblings (`IPL_POSTGRES_USER` beside `IPL_POSTGRES_HOST`),
    in the files' order; () for a key with no role suffix or with no such sibling."""
    prefix = key_prefix(key).rstrip("_")
    if not prefix or prefix == key.upper():
        return ()
    stem = prefix + "_"
    siblings = {used for name, var in service.environment.items()
                if name != key and name.upper().startswith(stem) for used in (name, *var.variables)}
    if not siblings:
        return ()
    return tuple(name for name, peer in model.services.items() if name != service.name and (
        any(not siblings.isdisjoint(var.variables) for var in peer.environment.values())
        or any(not siblings.isdisjoint(mapping.variables) for mapping in peer.ports)))
