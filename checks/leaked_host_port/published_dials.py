"""leaked-host-port's URL half: a peer dialled by name on the port it publishes on the host.

`postgresql://postgres@db:${POSTGRES_PORT}/app` with db publishing `"${POSTGRES_PORT}:5432"` and
POSTGRES_PORT=5433 resolves to db:5433, but inside the network db listens on 5432. A URL's host
(or a `*_HOST` value's `host:port`) is judged when it is a name of a peer on a shared network,
its port is a host port that peer publishes, and the peer does not listen on that port inside
the network. localhost is the other half's; host.docker.internal names the host, where the
published port is right. So is a bare `*_PORT` beside the `*_HOST` that names the peer
(SQL_HOST=db, SQL_PORT=5433).

A port the peer neither publishes nor listens on is judged too, where doctor knows what the peer
listens on (a server image of a known family that moves no port of its own, reads no config file
of its own): `SQL_PORT: '5433'` beside SQL_HOST=db once `fix --ports` moved db's host port to
5434 (a pin written as it was) dials nothing, and is no less wrong than before the move.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.digits import written_number
from doctor.project.env_hosts import FAMILIES, HostRef, host_refs
from doctor.project.service_network import NetworkIndex, listen_ports, published_target, server_family
from doctor.project.types import EnvVar, Service, words_of

from .target_ports import moves_its_port

PORT_KEY = lazy(r"(.*?_?)PORT", re.IGNORECASE)  # SQL_PORT -> SQL_, DBPORT -> DB
HOST_SUFFIXES = ("HOST", "SERVER", "HOSTNAME", "ADDR", "ADDRESS")


@record
class PublishedDial:
    """A container env value dialing `server` on a host port; `container_value` is the repair."""

    var: EnvVar
    address: str  # host:port as the value writes it
    server: str
    target: int  # the container port the host port maps to (or the one port the server listens on)
    container_value: str
    published: bool = True  # False: the server neither publishes nor listens on the port dialled


def published_dials(index: NetworkIndex, service: Service) -> Iterator[PublishedDial]:
    """The service's env values naming a peer with a host port that peer only publishes."""
    view = index.view(service)
    if view is None:
        return
    for var in service.environment.values():
        found: list[tuple[HostRef, int, str, int, bool]] = []
        for ref in host_refs(var.name, var.value):
            if ref.port is None or ref.is_local:
                continue
            server = index.model.services.get(view.names.get(ref.host.lower()) or "")
            if server is None:
                continue
            target = published_target(server, ref.port)
            unheard = unheard_port(server, ref.port) if target is None and server is not service else None
            if target is not None or unheard is not None:
                found.append((ref, ref.port, server.name, target or unheard or 0, target is not None))
        value = var.value or ""
        for ref, port, _, target, _ in found:  # every wrong address of a multi-host DSN at once
            if ref.conn and ref.field is not None:  # `Server=sqlserver,1434;...`, Npgsql's `Port=5433`
                from doctor.project.conn_strings import rewrite_address  # here: only a connection string's

                value = rewrite_address(value, ref.field, ref.host, port, ref.host, target)
                continue
            value = re.sub(rf"(?<![\w.-]){re.escape(ref.host)}:{port}(?!\d)", f"{ref.host}:{target}", value, count=1)
        for ref, port, server_name, target, published in found:
            yield PublishedDial(var, f"{ref.host}:{port}", server_name, target, value, published)
    yield from _paired_ports(index, service, view.names)


def _paired_ports(index: NetworkIndex, service: Service, names: Mapping[str, str]) -> Iterator[PublishedDial]:
    """A bare `*_PORT` beside the `*_HOST` naming its peer: django-on-docker's `.env.dev` with
    SQL_HOST=db and SQL_PORT=5433 behind db's `"5433:5432"` dials db:5433."""
    env = service.environment
    for var in env.values():
        prefix = PORT_KEY.fullmatch(var.name)
        port = (var.value or "").strip()
        number = written_number(port)
        if prefix is None or number is None:
            continue
        written = var.name[len(prefix[1]):]  # `PORT`, or listmonk's `port` (LISTMONK_db__port beside __host)
        for suffix in HOST_SUFFIXES:
            host_var = env.get(prefix[1] + (suffix.lower() if written.islower() else suffix))
            host = (host_var.value or "").strip() if host_var is not None else ""
            server = index.model.services.get(names.get(host.lower()) or "") if host else None
            if server is None and host and _no_address(host):
                # a host that names no service (SQL_HOST=database beside `db`: service-name-drift's) with
                # the host port one peer publishes: once the name is right it dials that peer there
                server = _sole_publisher(index, service, number)
            target = None if server is None or server is service else published_target(server, number)
            unheard = None
            if target is None and server is not None and server is not service and host_var is not None:
                unheard = unheard_port(server, number) if names.get(host.lower()) == server.name else None
            if server is not None and (target or unheard):
                found = target or unheard or 0
                yield PublishedDial(var, f"{host}:{port}", server.name, found, str(found), target is not None)
                break


def _no_address(host: str) -> bool:
    """A bare name (no dot, no IP, not localhost): a compose service name someone mistyped, maybe."""
    return host.replace("-", "").replace("_", "").isalnum() and not host.isdigit() and host.lower() not in (
        "localhost", "host.docker.internal")


def _sole_publisher(index: NetworkIndex, service: Service, port: int) -> Service | None:
    """The one service on `service`'s networks that publishes host port `port` to another container
    port (from the index's publishers: a scan of every peer per variable was services squared);
    None when none or several do."""
    view = index.view(service)
    found = sorted({name for network in (view.networks if view is not None else ())
                    for _, name, _ in index.publishers.get(network, {}).get(str(port), ()) if name != service.name})
    servers = [s for name in found if (s := index.model.services.get(name)) is not None
               and published_target(s, port) is not None]
    return servers[0] if len(servers) == 1 else None


# a server's own config file moves its port where doctor does not read it (redis.conf's `port 6380`)
_CONFIG_WORDS = (".conf", ".cnf", ".cfg", "config")


def unheard_port(server: Service, port: int) -> int | None:
    """The port a known server listens on (postgres 5432) when `port`, which it does not publish
    (published_target said so), is none it listens on: a dial of `port` reaches nothing. None where
    doctor cannot tell: an image of no known family, a server moving its port (PGPORT, `-p`), or
    one given a config file (command or mount)."""
    family = server_family(server)
    if family is None or family not in FAMILIES or port in listen_ports(server) or moves_its_port(server, family):
        return None
    said = " ".join((*words_of(server.command), *words_of(server.entrypoint), *(m.target for m in server.volumes)))
    if any(word in said.lower() for word in _CONFIG_WORDS):
        return None
    return FAMILIES[family][0]
