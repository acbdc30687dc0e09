"""Who can resolve whom, and who listens where, on a compose project's networks.

Shared by service-name-drift and leaked-host-port. Follows compose's DNS rules: a peer is
reachable by its service name, container name (`container_name` or `<project>-<svc>-<n>`),
per-network aliases and link aliases, only on a network both services join; `hostname:`
resolves for the container itself only; `extra_hosts` are the container's own /etc/hosts.
"""

from __future__ import annotations

import difflib
import re
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from doctor.project.env_hosts import FAMILIES, HostRef, family_of, image_family
from doctor.project.types import ComposeModel, Service

FAMILY_PORTS = frozenset(port for port, _ in FAMILIES.values())
# Network modes whose DNS is not compose's: the host's resolver, none, or the legacy bridge.
UNJUDGED_MODES = ("host", "none", "bridge")


@dataclass(frozen=True)
class NetworkView:
    """What one service can resolve: name (lowercased) -> the service it reaches, or "" for extra_hosts."""

    service: Service
    names: Mapping[str, str]
    peers: tuple[Service, ...]
    peer_names: frozenset[str] = frozenset()


class _NetworkIndex:
    """Per network: the names answered there and the services on it, built once per model.

    A view then costs O(its networks), not O(services): an `extends` chain of 1,000 services
    would otherwise take a million name lookups per check.
    """

    def __init__(self, model: ComposeModel) -> None:
        self.model = model
        self.order = {name: i for i, name in enumerate(model.services)}
        names: dict[str, dict[str, str]] = {}
        peers: dict[str, list[Service]] = {}
        for peer in model.services.values():
            if peer.network_mode:
                continue
            for network in networks_of(peer):
                peers.setdefault(network, []).append(peer)
                on = names.setdefault(network, {})
                for name in _names_on(model, peer, {network}):
                    on.setdefault(name.lower(), peer.name)
        self.names = names
        self.peers = {n: tuple(found) for n, found in peers.items()}
        self.peer_names = {n: frozenset(p.name for p in found) for n, found in peers.items()}
        self._published: set[int] | None = None

    def on(self, networks: set[str]) -> tuple[list[dict[str, str]], tuple[Service, ...], frozenset[str]]:
        ordered = sorted(networks)
        maps = [self.names[n] for n in ordered if n in self.names]
        if len(ordered) == 1:
            return maps, self.peers.get(ordered[0], ()), self.peer_names.get(ordered[0], frozenset())
        found = {p.name: p for n in ordered for p in self.peers.get(n, ())}
        peers = tuple(sorted(found.values(), key=lambda p: self.order[p.name]))
        return maps, peers, frozenset(found)

    def published(self) -> set[int]:
        if self._published is None:
            self._published = _published_ports(self.model)
        return self._published


_INDEXES: list[_NetworkIndex] = []  # the last few models' indexes, found by identity


def _index(model: ComposeModel) -> _NetworkIndex:
    for index in _INDEXES:
        if index.model is model:
            return index
    index = _NetworkIndex(model)
    _INDEXES[:] = [index, *_INDEXES[:3]]
    return index


def namespace_owner(model: ComposeModel, service: Service) -> Service | None:
    """The service whose network namespace this one uses (itself, or X for `service:X`); None if unjudged."""
    mode = service.network_mode or ""
    if not mode:
        return service
    if mode.startswith("service:"):
        return model.services.get(mode.partition(":")[2])
    return None


def networks_of(service: Service) -> set[str]:
    return set(service.networks) or {"default"}


def network_view(model: ComposeModel, service: Service) -> NetworkView | None:
    """The names this service resolves, or None where compose's DNS does not apply (host networking)."""
    owner = namespace_owner(model, service)
    if owner is None or (owner.network_mode or "").split(":")[0] in (*UNJUDGED_MODES, "container"):
        return None
    maps, peers, peer_names = _index(model).on(networks_of(owner))
    local: dict[str, str] = {}
    for link in (*owner.links, *service.links):
        target, _, alias = link.partition(":")
        local.setdefault((alias or target).lower(), target)
    for entry in (*owner.extra_hosts, *service.extra_hosts):
        host = re.split(r"[=:]", entry, maxsplit=1)[0].strip()
        local.setdefault(host.lower(), "")
    local.setdefault(service.name.lower(), service.name)
    if service.hostname:
        local.setdefault(service.hostname.lower(), service.name)
    return NetworkView(service, ChainMap(*maps, local), peers, peer_names)


def _names_on(model: ComposeModel, peer: Service, networks: set[str]) -> Iterable[str]:
    yield peer.name
    if peer.container_name:
        yield peer.container_name
    for name, joined in peer.networks.items():
        if name in networks:
            yield from joined.aliases
    # Services sharing this one's namespace answer on its addresses under its names only.


def default_container_name(model: ComposeModel, host: str) -> str | None:
    """The service a `<project>-<service>-<n>` container name stands for, if any."""
    match = re.fullmatch(re.escape(model.project_name) + r"[-_](.+)[-_]\d+", host, re.IGNORECASE)
    if match and match.group(1) in model.services:
        return match.group(1)
    return None


def all_names(model: ComposeModel) -> dict[str, str]:
    """Every name any enabled service answers to on any network, lowercased -> service."""
    names: dict[str, str] = {}
    for service in model.services.values():
        for name in _names_on(model, service, set(service.networks) or {"default"}):
            names.setdefault(name.lower(), service.name)
    return names


def listen_ports(service: Service) -> set[int]:
    """Container ports a service listens on: its published targets, `expose`, its image's default."""
    ports = {p.target for p in service.ports}
    for item in service.expose:
        first = item.split("/")[0].split("-")[0]
        if first.isdigit():
            ports.add(int(first))
    family = image_family(service.image)
    if family:
        ports.add(FAMILIES[family][0])
    return ports


def published_ports(model: ComposeModel) -> set[int]:
    """Every host port the project publishes (each port of a range); computed once per model."""
    return _index(model).published()


def _published_ports(model: ComposeModel) -> set[int]:
    ports: set[int] = set()
    for service in model.services.values():
        for mapping in service.ports:
            try:
                span = mapping.published_range
            except ValueError:
                continue
            if span is not None and span[1] - span[0] < 1024:
                ports.update(range(span[0], span[1] + 1))
    return ports


def service_family(service: Service) -> str | None:
    return image_family(service.image) or family_of(service.name)


def suggest(view: NetworkView, ref: HostRef, env: Mapping[str, str | None], exclude: str = "") -> str | None:
    """The peer the reference most likely meant: by its port, then its server family, then by name."""
    peers = [p for p in view.peers if p.name != exclude]
    wanted = ref.expected_port(env)
    # Only a well-known server port says which service was meant; 8080 or 3000 says nothing.
    known = wanted is not None and wanted in FAMILY_PORTS
    by_port = [p for p in peers if known and wanted in listen_ports(p)]
    family = ref.family or family_of(ref.host)
    by_family = [p for p in peers if family and service_family(p) == family]
    for group in (by_port, by_family):
        if group:
            return _closest(ref.host, [p.name for p in group]) or group[0].name
    names = [p.name for p in peers] + [n for n, s in view.names.items() if s and s != exclude]
    close = difflib.get_close_matches(ref.host.lower(), sorted(set(names)), n=1, cutoff=0.75)
    return str(close[0]) if close else None


def _closest(host: str, names: list[str]) -> str | None:
    if len(names) == 1:
        return names[0]
    ranked = sorted(names, key=lambda n: (-difflib.SequenceMatcher(None, host.lower(), n.lower()).ratio(), n))
    return ranked[0] if ranked else None
