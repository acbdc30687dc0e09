"""Who can resolve whom, and who listens where, on a compose project's networks.

Shared by service-name-drift and leaked-host-port. Follows compose's DNS rules: a peer is
reachable by its service name, container name (`container_name` or `<project>-<svc>-<n>`),
per-network aliases and link aliases, only on a network both services join; `hostname:`
resolves for the container itself only; `extra_hosts` are the container's own /etc/hosts.
Which peer a host naming none of them meant: doctor.project.host_suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.digits import written_number
from doctor.project.env_hosts import FAMILIES, family_of, image_family
from doctor.project.host_suggestions import CandidateTable, NameGroup

# suggest is re-exported: service-name-drift imports it from here
from doctor.project.host_suggestions import suggest as suggest
from doctor.project.types import ComposeModel, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project.dotted_names import DottedNames

# Network modes whose DNS is not compose's: the host's resolver, none, or the legacy bridge.
UNJUDGED_MODES = ("host", "none", "bridge")


class NetworkView:
    """What one service can resolve: name (lowercased) -> the service it reaches, or "" for extra_hosts.

    Built from a NetworkIndex in O(networks of the service); `names` and `peers` are looked up
    in the index on demand, so a view per service costs no scan of every other service.
    """

    def __init__(self, index: NetworkIndex, service: Service, owner: Service) -> None:
        self.service = service
        self.index = index
        self.networks = tuple(sorted(networks_of(owner)))
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
        self.names = _ViewNames(self, local)

    def resolve(self, name: str) -> str | None:
        """The peer a lowercased name reaches on a shared network (the first in file order), else None."""
        best: tuple[int, str] | None = None
        for network in self.networks:
            hit = self.index.names.get(network, {}).get(name)
            if hit is not None and (best is None or hit < best):
                best = hit
        return best[1] if best else None

    def has_peer(self, name: str | None) -> bool:
        """Whether the service `name` shares a network with this one (and so is in `peers`)."""
        peer = self.index.model.services.get(name or "")
        return peer is not None and not peer.network_mode and bool(networks_of(peer) & set(self.networks))

    @property
    def peers(self) -> tuple[Service, ...]:
        """The services on a network this one joins, in file order (itself included when it has networks)."""
        return self.index.peers_of(self.networks)

    def candidates(self, exclude: str, word: str, cutoff: float) -> list[str]:
        """The names a drifted host `word` is compared with: the peers' and every
        name this view resolves to a peer (not `exclude`), once each. Only lengths difflib's
        real_quick_ratio lets reach `cutoff` are handed on (2 * min(a, b) / (a + b) >= cutoff), a
        superset of what it keeps, so the same match. The peers' names come from a table shared
        by every view of the same networks (CandidateTable); the view adds its own links."""
        low = int(len(word) * cutoff / (2 - cutoff))  # floor and ceiling of non-negative numbers
        span = len(word) * (2 - cutoff) / cutoff
        high = int(span) + (span > int(span))
        table = self.index.candidate_table(self.networks)
        found = table.between(low, high, exclude, word)
        for name, target in self.names.local.items():  # links' aliases (extra_hosts reach no peer)
            if target and target != exclude and low <= len(name) <= high and name not in table.owners:
                found.append(name)
        return found

    def listener(self, port: int, exclude: str, prefer: Iterable[str] = ()) -> tuple[str, int] | None:
        """The first peer (not `exclude`) listening on `port` inside the network, else the first
        publishing it on the host, with the container port to dial; of several, one in `prefer`
        (what the service depends on: mathesar's `dev-db`, not `dev-db-base` before it, the
        `extends:` base no `up` of the service starts) before the first."""
        tables: tuple[Mapping[str, Mapping[object, list[tuple[int, str, int]]]], ...] = (
            self.index.listeners, self.index.publishers)
        wanted = set(prefer)
        for table, key in zip(tables, (port, str(port)), strict=True):
            best: tuple[int, str, int] | None = None
            chosen: tuple[int, str, int] | None = None
            for network in self.networks:
                for hit in table.get(network, {}).get(key, ()):
                    if hit[1] == exclude:
                        continue
                    best = hit if best is None or hit[0] < best[0] else best
                    if hit[1] in wanted:
                        chosen = hit if chosen is None or hit[0] < chosen[0] else chosen
                    if not wanted:
                        break
            if chosen is not None or best is not None:
                found = chosen or best
                assert found is not None
                return found[1], found[2]
        return None


class _ViewNames(Mapping[str, str]):
    """A view's names: the peers' names on shared networks first, then its own links and extra_hosts."""

    def __init__(self, view: NetworkView, local: dict[str, str]) -> None:
        self.view, self.local = view, local

    def __getitem__(self, name: str) -> str:
        found = self.view.resolve(name)
        if found is not None:
            return found
        return self.local[name]

    def __iter__(self) -> Iterator[str]:
        seen = dict.fromkeys(n for net in self.view.networks for n in self.view.index.names.get(net, {}))
        return iter({**seen, **dict.fromkeys(self.local)})

    def __len__(self) -> int:
        return sum(1 for _ in self)


class NetworkIndex:
    """Every service's names, listen ports and published ports, per network: built once per model."""

    def __init__(self, model: ComposeModel) -> None:
        self.model = model
        self.order = {name: i for i, name in enumerate(model.services)}
        self.names: dict[str, dict[str, tuple[int, str]]] = {}
        self.members: dict[str, list[Service]] = {}
        self.listeners: dict[str, dict[object, list[tuple[int, str, int]]]] = {}
        self.publishers: dict[str, dict[object, list[tuple[int, str, int]]]] = {}
        self._views: dict[str, NetworkView | None] = {}
        # built on demand and shared by every view of the same networks: per view, they made a
        # project with a drifted host in each service on one network quadratic in services
        self._peers: dict[tuple[str, ...], tuple[Service, ...]] = {}
        self._groups: dict[tuple[str, tuple[str, ...], object], NameGroup] = {}
        self._tables: dict[tuple[str, ...], CandidateTable] = {}
        for i, peer in enumerate(model.services.values()):
            if peer.network_mode:
                continue
            listens = sorted(listen_ports(peer))
            published = [((m.published or "").strip(), m.target) for m in peer.ports]
            for network in networks_of(peer):
                self.members.setdefault(network, []).append(peer)
                names = self.names.setdefault(network, {})
                for name in _names_on(model, peer, {network}):
                    names.setdefault(name.lower(), (i, peer.name))
                listeners = self.listeners.setdefault(network, {})
                for port in listens:
                    listeners.setdefault(port, []).append((i, peer.name, port))
                publishers = self.publishers.setdefault(network, {})
                for host_port, target in published:
                    publishers.setdefault(host_port, []).append((i, peer.name, target))

    @cached_property
    def families(self) -> dict[str, dict[str, list[tuple[int, str]]]]:
        """network -> server family -> its members (file order, name); built when a drifted host asks."""
        found: dict[str, dict[str, list[tuple[int, str]]]] = {}
        for network, members in self.members.items():
            for peer in members:
                family = service_family(peer)
                if family:
                    found.setdefault(network, {}).setdefault(family, []).append((self.order[peer.name], peer.name))
        return found

    @cached_property
    def dotted(self) -> DottedNames:
        """The project's own dotted names, by their labels but the last (a drifted `edx.devstack.mysql`
        beside devstack's alias `edx.devstack.mysql80`): every name on a network, and the hostnames."""
        from doctor.project.dotted_names import DottedNames

        names = [name for table in self.names.values() for name in table]
        return DottedNames([*names, *(s.hostname for s in self.model.services.values() if s.hostname)])

    @cached_property
    def published(self) -> set[int]:
        """Every host port the project publishes (each port of a range)."""
        return published_ports(self.model)

    @cached_property
    def tcp_publishers(self) -> dict[int, str]:
        """Host port -> the first service publishing it over tcp (each port of a range): whom a URL to
        localhost:PORT opens from the host."""
        return {port: name for (port, protocol), name in published_by(self.model).items() if protocol == "tcp"}

    def candidate_table(self, networks: tuple[str, ...]) -> CandidateTable:
        """The names the views of `networks` resolve to a peer, and the peers' own: built once."""
        if networks not in self._tables:
            owners: dict[str, set[str]] = {}
            for peer in self.peers_of(networks):
                owners.setdefault(peer.name, set()).add(peer.name)
            tables = [self.names.get(network, {}) for network in networks]
            for name in dict.fromkeys(n for table in tables for n in table):
                # the first in file order on these networks, as NetworkView.resolve answers
                owners.setdefault(name, set()).add(min(t[name] for t in tables if name in t)[1])
            self._tables[networks] = CandidateTable(owners)
        return self._tables[networks]

    def peers_of(self, networks: tuple[str, ...]) -> tuple[Service, ...]:
        """The services on any of `networks`, in file order."""
        if networks not in self._peers:
            found = {p.name: p for net in networks for p in self.members.get(net, ())}
            self._peers[networks] = tuple(sorted(found.values(), key=lambda p: self.order[p.name]))
        return self._peers[networks]

    def group(self, table: str, networks: tuple[str, ...], key: object) -> NameGroup:
        """The peers of `networks` in one entry of a per-network table ("listeners": port ->
        listeners, "families": server family -> members; "kin": (port, family) -> the listeners of
        that family), merged in file order: built once."""
        wanted = (table, networks, key)
        if wanted not in self._groups and table == "kin" and isinstance(key, tuple):
            port, family = key
            members = set(self.group("families", networks, family).order)
            self._groups[wanted] = NameGroup([n for n in self.group("listeners", networks, port).order if n in members])
        if wanted not in self._groups:
            entries: Mapping[str, Mapping[Any, Sequence[tuple[Any, ...]]]] = (
                self.listeners if table == "listeners" else self.families)
            found = {(order, name) for net in networks for order, name, *_ in entries.get(net, {}).get(key, ())}
            self._groups[wanted] = NameGroup([name for _, name in sorted(found)])
        return self._groups[wanted]

    def view(self, service: Service) -> NetworkView | None:
        """The names this service resolves, or None where compose's DNS does not apply (host networking)."""
        if service.name not in self._views:
            owner = namespace_owner(self.model, service)
            mode = (owner.network_mode or "").split(":")[0] if owner is not None else ""
            unjudged = owner is None or mode in (*UNJUDGED_MODES, "container")
            self._views[service.name] = None if unjudged or owner is None else NetworkView(self, service, owner)
        return self._views[service.name]


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
    """One service's view (builds an index of the whole model: in a loop, use NetworkIndex.view)."""
    return NetworkIndex(model).view(service)


def _names_on(model: ComposeModel, peer: Service, networks: set[str]) -> Iterable[str]:
    yield peer.name
    if peer.container_name:
        yield peer.container_name
    for name, joined in peer.networks.items():
        if name in networks:
            yield from joined.aliases
    # Services sharing this one's namespace answer on its addresses under its names only.


_CONTAINER_TAIL = lazy(r"[-_](.+)[-_]\d+", re.IGNORECASE)  # after the project's name: `-web-1`


def default_container_name(model: ComposeModel, host: str) -> str | None:
    """The service a `<project>-<service>-<n>` container name stands for, if any."""
    prefix = model.project_name
    head = host[:len(prefix)]
    if prefix.isascii() and head.isascii():
        # the project's name compared as IGNORECASE compares ASCII, the rest with a static
        # pattern: no pattern spliced from the name is compiled anew each run
        match = _CONTAINER_TAIL.fullmatch(host, len(prefix)) if head.lower() == prefix.lower() else None
    else:  # IGNORECASE also folds a few non-ASCII letters onto ASCII ones (K, the Kelvin sign)
        match = re.fullmatch(re.escape(prefix) + r"[-_](.+)[-_]\d+", host, re.IGNORECASE)
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


def published_target(server: Service, port: int) -> int | None:
    """The container port `server` publishes host port `port` to, unless it listens on `port` inside too
    (a value dialling `server:port` from a peer then dials nothing: leaked-host-port's fault, and the
    port service-name-drift's fix writes with the host it means)."""
    if port in listen_ports(server):
        return None
    for mapping in server.ports:
        span = mapping.published_range
        if span is not None and span[0] <= port <= span[1]:
            return mapping.target
    return None


def listen_ports(service: Service) -> set[int]:
    """Container ports a service listens on: its published targets, `expose`, its image's default."""
    ports = {p.target for p in service.ports}
    for item in service.expose:
        first = item.split("/")[0].split("-")[0]
        if (port := written_number(first)) is not None:  # a run of thousands of digits is no port
            ports.add(port)
    family = server_family(service)
    if family:
        ports.add(FAMILIES[family][0])
    return ports


def published_ports(model: ComposeModel) -> set[int]:
    """Every host port the project publishes (each port of a range)."""
    return {port for port, _ in published_by(model)}


def published_by(model: ComposeModel) -> dict[tuple[int, str], str]:
    """(host port, protocol) -> the first service publishing it, for every port the project
    publishes (each port of a range below 1,024 ports long)."""
    found: dict[tuple[int, str], str] = {}
    for service in model.services.values():
        for mapping in service.ports:
            try:
                span = mapping.published_range
            except ValueError:
                continue
            if span is not None and span[1] - span[0] < 1024:
                for port in range(span[0], span[1] + 1):
                    found.setdefault((port, mapping.protocol), service.name)
    return found


def service_family(service: Service) -> str | None:
    return server_family(service) or family_of(service.name)


def server_family(service: Service) -> str | None:
    """The server family of what a service runs: its `image:`, else the external base its
    Dockerfile's final stage (or `target`) descends from (ckan-docker's `db`: `build: postgresql/`,
    `FROM postgres:16-alpine`); None for anything else."""
    family = image_family(service.image)
    if family is not None or service.build is None:
        return family
    path = service.build.dockerfile_path
    return image_family(_built_base(path, service.build.target)) if path is not None else None


def _built_base(path: Path, target: str | None) -> str | None:
    """The literal external base image of a Dockerfile's final stage (None: unreadable, or a base
    written with an ARG this reading cannot settle); the recipe Project.recipe read, if it did."""
    from doctor.project.recipe import recipe_of

    recipe = recipe_of(path, target)
    base = recipe.base if recipe is not None else ""
    return base if base and "$" not in base else None


