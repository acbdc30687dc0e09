"""leaked-host-port's second half: `localhost` in a container's env where a peer listens.

Inside a container, localhost (127.0.0.1, ::1) is the container itself. A value is judged only
when the answer is certain enough to name: the port it dials is not the container's own, it is
not a browser URL (a browser-facing key, or an http URL to a port the project publishes on the
host), and a peer on a shared network listens on that port or publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from doctor.project.env_hosts import BROWSER_SCHEMES, HostRef, host_refs, is_browser_key
from doctor.project.service_network import listen_ports, namespace_owner, network_view, published_ports
from doctor.project.types import ComposeModel, EnvVar, Service


@dataclass(frozen=True)
class LocalDial:
    """A container env value dialing localhost where `peer` listens; `container_value` is the repair."""

    var: EnvVar
    ref: HostRef
    peer: str
    container_value: str


def localhost_dials(model: ComposeModel, service: Service) -> Iterator[LocalDial]:
    """The service's env values that dial localhost where a peer, not the container, listens."""
    owner = namespace_owner(model, service)
    view = network_view(model, service)
    if owner is None or view is None:
        return
    env = {n: v.value for n, v in service.environment.items()}
    own, published = listen_ports(owner), published_ports(model)
    for var in service.environment.values():
        for ref in host_refs(var.name, var.value):
            port = ref.expected_port(env)
            if not ref.is_local or is_browser_key(var.name) or port is None or port in own:
                continue
            browser = ref.scheme is not None and ref.scheme.lower() in BROWSER_SCHEMES
            if browser and port in published:
                continue
            meant = _listener(view.peers, service, port)
            if meant is not None:
                yield LocalDial(var, ref, meant[0], _rewrite(var.value or "", ref, *meant))


def _listener(peers: tuple[Service, ...], me: Service, port: int) -> tuple[str, int] | None:
    """The peer that listens on the port (or publishes it on the host) and its container port."""
    others = [p for p in peers if p.name != me.name]
    for peer in others:
        if port in listen_ports(peer):
            return peer.name, port
    for peer in others:
        for mapping in peer.ports:
            if (mapping.published or "").strip() == str(port):
                return peer.name, mapping.target
    return None


def _rewrite(value: str, ref: HostRef, peer: str, port: int) -> str:
    """The value with the local host (and a published port) replaced by the peer and its container port."""
    host = re.escape(ref.host)
    if ":" in ref.host:  # an IPv6 literal sits in brackets inside a URL
        host = rf"\[?{host}\]?"
    if ref.port is None:
        return re.sub(rf"(?<![\w.-]){host}(?![\w.-])", peer, value, count=1)
    return re.sub(rf"(?<![\w.-]){host}:{ref.port}(?!\d)", f"{peer}:{port}", value, count=1)
