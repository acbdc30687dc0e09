"""leaked-host-port: `localhost` in a container's env where the server runs on the host's network.

forem's docker-compose.yml runs postgres and redis with `network_mode: host` and dials them from
`web` and `sidekiq`, on the project's bridge network, as `localhost:5432` and `localhost:6379`.
Inside those containers localhost is the container itself: the server is on the host, and no
compose name reaches it (a host-network service joins no network). Judged only where such a
peer listens on the port dialed, for a value that is not a browser URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from doctor.model import record
from doctor.project.env_hosts import BROWSER_SCHEMES, HostRef, host_refs, is_browser_key
from doctor.project.service_network import NetworkIndex, listen_ports
from doctor.project.types import ComposeModel, EnvVar, Service


@record
class HostNetworkDial:
    """`var` of a bridged service dialing localhost:`port`, where `peer` (network_mode: host) listens."""

    var: EnvVar
    ref: HostRef
    peer: str
    port: int


def host_network_servers(model: ComposeModel) -> dict[int, str]:
    """{port: service} for the services on the host's network, by the ports they listen on."""
    found: dict[int, str] = {}
    for service in sorted(model.services.values(), key=lambda s: s.name):
        if (service.network_mode or "") == "host":
            for port in sorted(listen_ports(service)):
                found.setdefault(port, service.name)
    return found


def host_network_dials(index: NetworkIndex, service: Service, servers: Mapping[int, str],
                       ) -> Iterator[HostNetworkDial]:
    """The service's env values dialing localhost on a port only a host-network peer listens on."""
    view = index.view(service)
    if service.network_mode or view is None:  # host mode: localhost is the host; `service:X`: X's
        return
    env = {n: v.value for n, v in service.environment.items()}
    own = listen_ports(service)
    for var in service.environment.values():
        if is_browser_key(var.name):
            continue
        for ref in host_refs(var.name, var.value):
            if not ref.is_local or (ref.scheme is not None and ref.scheme.lower() in BROWSER_SCHEMES):
                continue
            port = ref.expected_port(env)
            peer = servers.get(port) if port is not None else None
            if port is None or peer is None or port in own or view.listener(port, service.name) is not None:
                continue
            yield HostNetworkDial(var, ref, peer, port)
