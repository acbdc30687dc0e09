"""leaked-host-port's first half: the services given a peer's host port, grouped by the line that writes it.

A port variable the publisher maps (`"${POSTGRES_PORT}:5432"`, POSTGRES_PORT=5433) in the env of a
service that dials that publisher (or a bare POSTGRES_PORT=5433 behind a literal `"5433:5432"`),
and a URL or `host:port` naming a peer on a port it only
publishes (doctor.checks.leaked_host_port.published_dials): one group per (line, variable,
peer:port), with the message of its first consumer and why doctor thinks it dials; a service
loading the same line of an env_file written for the containers joins a group another one opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.env_hosts import family_of, host_refs, is_browser_key
from doctor.project.service_network import NetworkIndex, service_family
from doctor.project.types import ComposeModel, EnvVar, PortMapping, Service

from .clients import Clients
from .published_dials import published_dials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .override_fix import Consumer

HOST_KEY = lazy(r"(HOST|SERVER|ADDR|ADDRESS|HOSTNAME)$", re.IGNORECASE)
_PORT_SUFFIX = lazy(r"_?PORT$", re.IGNORECASE)
_UNDERSCORES = lazy(r"_+")
GENERIC_WORDS = frozenset({"port", "host", "published", "external", "public", "local"})
Key = tuple[Location | None, str, str]  # the line, the variable, the peer:port it should dial


def consumer_groups(model: ComposeModel, index: NetworkIndex, clients: Clients,
                    written: Callable[[EnvVar, str], Location | None] | None = None,
                    ) -> tuple[dict[Key, list[Consumer]], dict[Key, str]]:
    """(the consumers of each group, each group's message). `written(var, address)`: the line that
    writes a dialed address (the `.env` line four services' `DD_DATABASE_URL: ${DD_DATABASE_URL:-...}`
    interpolate: one group there, as DefectDojo writes it once), else the variable's own line."""
    users: dict[str, list[tuple[Service, EnvVar]]] = {}  # variable -> the services whose env has it
    ports: dict[str, list[tuple[Service, EnvVar]]] = {}  # a bare `*_PORT`'s number -> the services given it
    for service in model.services.values():
        for name, var in service.environment.items():
            users.setdefault(name, []).append((service, var))
            if _PORT_SUFFIX.search(name) and (number := (var.value or "").strip()).isdigit():
                ports.setdefault(number, []).append((service, var))
    groups: dict[tuple[Location | None, str, str], list[Consumer]] = {}
    why: dict[tuple[Location | None, str, str], str] = {}  # key -> the message, then why
    for server in model.services.values():
        for mapping in server.ports:
            for consumer in port_consumers(index, users, server, mapping, ports):
                reason = clients.reason(consumer[0], consumer[1].name, server)
                name, where = consumer[1].name, f"{server.name}:{mapping.target}"
                key = (consumer[1].location, name, where)
                if reason is None:
                    if clients.loads_line(consumer[0], consumer[1]) is not None:
                        groups.setdefault(key, []).append(consumer)  # reported if another service is
                    continue
                groups.setdefault(key, []).append(consumer)
                why.setdefault(key, f"{name}={consumer[1].value} is the host port of '{server.name}', which listens"
                                    f" on {mapping.target} inside the network ('{consumer[0].name}' {reason})")
    for service in model.services.values():
        for dialled in published_dials(index, service):
            name = dialled.var.name
            if is_browser_key(name) and clients.dials_from_inside(service) is None:
                continue  # the developer's browser opens it (a hosts-file name, the published port)
            reason = clients.local_reason(service, name, dialled.server)
            at = written(dialled.var, dialled.address) if written is not None else None
            key = (at or dialled.var.location, name, f"{dialled.server}:{dialled.target}")
            if reason is None and clients.loads_line(service, dialled.var) is None:
                continue
            groups.setdefault(key, []).append((service, dialled.var, dialled.container_value))
            if reason is None:
                continue  # it loads a line of an env_file written for the containers: reported with them
            # the address only: the value may carry a URL password
            what = f"the host port of '{dialled.server}', which" if dialled.published else (
                f"where '{dialled.server}' neither listens nor publishes: it")
            why.setdefault(key, f"{name} dials {dialled.address}, {what} listens on {dialled.target} inside the "
                                f"network ('{service.name}' {reason})")
    # a group is reported when one of its services has a reason of its own; the others loading the
    # same env_file line (Clients.loads_line) only join it
    return {key: consumers for key, consumers in groups.items() if key in why}, why


def port_consumers(index: NetworkIndex, users: dict[str, list[tuple[Service, EnvVar]]], server: Service,
                    mapping: PortMapping, ports: dict[str, list[tuple[Service, EnvVar]]] | None = None,
                    ) -> Iterator[Consumer]:
    """The services given the host side of `mapping` for dialing `server`: a variable the mapping
    interpolates (`"${POSTGRES_PORT}:5432"`), or where the host side is a literal (`"5433:5432"`) a
    bare `*_PORT` of that number whose name says the server's kind (`ports`: number -> holders)."""
    published = (mapping.published or "").strip()
    if not published.isdigit() or int(published) == mapping.target:
        return
    for name in mapping.variables:
        for service, var in users.get(name, ()):
            if service is server or (var.value or "").strip() != published:
                continue
            if _related(index, name, server, service):
                yield service, var, str(mapping.target)
    if mapping.variables or ports is None:
        return
    for service, var in ports.get(published, ()):
        if service is not server and _bare_dial(index, var.name, server, service):
            yield service, var, str(mapping.target)


def _bare_dial(index: NetworkIndex, name: str, server: Service, consumer: Service) -> bool:
    """docker-rails-example's POSTGRES_PORT=5433 behind postgres's `"5433:5432"`: the name says the
    server's family, the consumer shares a network with it, and no `*_HOST` of the same prefix
    says where it dials (one naming the server is published_dials' pair; host.docker.internal or
    another server takes the host port rightly), so the code's default host is the server."""
    prefix = _PORT_SUFFIX.sub("", name).upper()
    if any(other != name and HOST_KEY.search(other) and HOST_KEY.sub("", other).rstrip("_").upper() == prefix
           for other in consumer.environment):
        return False
    family = service_family(server)
    words = [w for w in _UNDERSCORES.split(prefix.lower()) if w and w not in GENERIC_WORDS]
    if not family or not any(family_of(w) == family for w in words):
        return False
    view = index.view(consumer)
    return view is not None and view.names.get(server.name.lower()) == server.name


def _related(index: NetworkIndex, name: str, server: Service, consumer: Service) -> bool:
    """Whether the consumer dials the server with this port.

    Yes when the variable's prefix names a server family clients dial (POSTGRES_PORT and a
    postgres image), or names the server and sits beside a host variable of the same prefix
    (API_PORT with API_HOST) or in a service that depends on it (DB_PORT in a Go backend that
    `depends_on: db` and writes `@db:%s` itself), or when the consumer names the server as a host.
    A lone TRAEFIK_PORT that an env_file hands to every service names the proxy but dials nothing.
    """
    prefix = _PORT_SUFFIX.sub("", name)
    paired = prefix != name and (server.name in consumer.depends_on or any(
        other != name and other.upper().startswith(prefix.upper()) and HOST_KEY.search(other)
        for other in consumer.environment
    ))
    words = [w for w in _UNDERSCORES.split(name.lower()) if w and w not in GENERIC_WORDS]
    family = service_family(server)
    if any((family and family_of(w) == family) or (paired and w == server.name.lower()) for w in words):
        return True
    view = index.view(consumer)
    if view is None:
        return False
    refs = (ref for v in consumer.environment.values() for ref in host_refs(v.name, v.value))
    return any(view.names.get(ref.host.lower()) == server.name for ref in refs)
