"""service-name-drift: a service on the host's network (`network_mode: host`) dialing a compose name.

A host-network container joins no compose network: its resolver is the host's, and compose's DNS,
which answers `db` on the project's network, never sees its queries. paperless-ngx's webserver
moved to `network_mode: host` (to reach a scanner or a host service) keeps `PAPERLESS_DBHOST: db`
and `PAPERLESS_REDIS: redis://broker:6379`, and fails with "could not translate host name". Only a
value naming exactly a name of a bridged peer of this project is judged (never a public name), and
not one the service's `extra_hosts` maps; the peer reaches it, if at all, on a port it publishes.
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.model import Fix, Location, Safety
from doctor.project import Project
from doctor.project.env_hosts import host_refs
from doctor.project.service_network import all_names, listen_ports
from doctor.project.types import Service

from .edits import host_shown, written_at


def host_mode_findings(project: Project) -> Iterator[tuple[str, Location | None, str, Fix]]:
    """(message, location, subject, fix) of each compose name a host-network service's env dials."""
    model = project.app_compose
    names = all_names(model)
    for service in model.services.values():
        if (service.network_mode or "") != "host":
            continue
        mapped = {entry.replace("=", ":").partition(":")[0].strip().lower() for entry in service.extra_hosts}
        env = {n: v.value for n, v in service.environment.items()}
        for var in service.environment.values():
            for ref in host_refs(var.name, var.value, json=True):
                peer = model.services.get(names.get(ref.host.lower(), ""))
                if peer is None or peer.network_mode or ref.host.lower() in mapped:
                    continue
                shown = host_shown(var, ref)
                reach = _published(peer, ref.expected_port(env))
                message = (f"{shown} does not resolve in '{service.name}': on the host's network "
                           f"(network_mode: host) compose's names are unknown")
                if reach:
                    title = (f"dial '{peer.name}' as {reach} (the port it publishes) in {var.name}, "
                             f"or drop network_mode: host from '{service.name}'")
                else:
                    title = (f"drop network_mode: host from '{service.name}', or publish the port of "
                             f"'{peer.name}' and dial it on localhost in {var.name}")
                yield message, written_at(project, var, ref), f"{service.name}:{var.name}", Fix(title, Safety.ADVICE)


def _published(peer: Service, port: int | None) -> str:
    """`localhost:H` where the peer publishes the port dialed (its one listen port where none is
    named) on host port H, on all interfaces or loopback; "" where it publishes none there."""
    listens = listen_ports(peer)
    wanted = {port} if port is not None else listens if len(listens) == 1 else set()
    for mapping in peer.ports:
        published = (mapping.published or "").strip()
        if mapping.target in wanted and published.isdigit() and mapping.host_ip in ("", "0.0.0.0", "127.0.0.1"):
            return f"localhost:{published}"
    return ""
