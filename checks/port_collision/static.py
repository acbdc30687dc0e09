"""The static half of port-collision: host ports the project itself publishes twice.

Pure: reads only the compose model, never a socket or the engine.

Severity rule (compose's `config` accepts all of these; the engine fails at `up`):

- **error** (the check's severity) when the clash is certain whenever the clashing services
  run: one service publishes the port twice, or the services are *started together* - one is
  in the other's dependency closure (`depends_on`, `links`, `network_mode: service:X`), or a
  third service needs both, so `docker compose up THAT` starts both and the second bind fails.
- **warning** when the services are not linked: a plain `docker compose up` (every enabled
  service) still fails, but starting a subset by name works.
- A *catalogue of alternatives* lowers both by one level (error -> warning, warning -> info):
  a project with unlinked clashes among at least `CATALOGUE_GROUPS` different groups of
  services (laradock: nginx / apache2 / caddy on 80, mysql / mariadb / percona on 3306, ...)
  is meant to be started a few services at a time by name, so an unlinked clash is a fact to
  know, and a linked one breaks only the entry that starts both (laradock's `haproxy` links
  `proxy` and `proxy2`, both on 6081: a real fault, for those who start `haproxy`).
  One accidental copy-paste (even on several ports of the same two services) is one group.
- A fixed port inside another service's host *range* (`9000-9010:90`, from which the engine
  picks a free port) collides only if the engine picks it, so it counts as unlinked.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doctor.host.portregistry import worktree_range
from doctor.host.ports import HostSocket, ips_overlap
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project.types import PortMapping, Service

if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project

CATALOGUE_GROUPS = 3


@dataclass(frozen=True)
class Claim:
    """One host port (or host range) a service publishes."""

    service: str
    mapping: PortMapping
    first: int
    last: int

    @property
    def floating(self) -> bool:
        return self.first != self.last


@dataclass(frozen=True)
class Clash:
    """The claims that compete for one host port, and whether their services start together."""

    port: int
    claims: tuple[Claim, ...]
    starter: str  # a service whose `up` starts two of the claimants ("" when none does)
    via_range: bool

    @property
    def linked(self) -> bool:
        return bool(self.starter)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.service for c in self.claims))


def shares_network(service: Service) -> bool:
    """True when a service has no network of its own, so `ports:` cannot publish anything."""
    mode = service.network_mode or ""
    return mode == "host" or mode.startswith(("service:", "container:"))


def find_clashes(services: Mapping[str, Service]) -> list[Clash]:
    """Every host port claimed by two overlapping mappings, in declaration order."""
    claims = [
        Claim(name, m, *m.published_range)
        for name, svc in services.items() if not shares_network(svc)
        for m in svc.ports if m.published_range is not None
    ]
    closures = {name: _closure(name, services) for name in services}
    covering = _covering(claims)
    clashes: list[Clash] = []
    reported: set[int] = set()  # ids of fixed claims already part of a reported clash
    for index, fixed in enumerate(claims):
        if fixed.floating or id(fixed) in reported:
            continue
        group = [
            claims[i] for i in covering[index]
            if claims[i].mapping.protocol == fixed.mapping.protocol
            and ips_overlap(claims[i].mapping.host_ip, fixed.mapping.host_ip)
        ]
        if len(group) < 2:
            continue
        reported.update(id(c) for c in group if not c.floating)
        names = list(dict.fromkeys(c.service for c in group))
        # one container publishing a port twice fails whenever it starts
        starter = names[0] if len(names) < len(group) else _starter(names, closures)
        clashes.append(Clash(fixed.first, tuple(group), starter, any(c.floating for c in group)))
    return clashes


def _covering(claims: list[Claim]) -> dict[int, list[int]]:
    """For each fixed claim (by index), the indexes of every claim whose span holds its port.

    A sweep over the claims sorted by first port, O(n log n) plus the output: `1-65535:1-65535`
    is 65,535 claims, which a pairwise comparison would take minutes over.
    """
    by_first = sorted(range(len(claims)), key=lambda i: claims[i].first)
    queries = sorted((i for i, c in enumerate(claims) if not c.floating), key=lambda i: claims[i].first)
    ending: list[tuple[int, int]] = []  # (last port, index) of the claims started so far
    active: set[int] = set()
    found: dict[int, list[int]] = {}
    started = 0
    for query in queries:
        port = claims[query].first
        while started < len(by_first) and claims[by_first[started]].first <= port:
            index = by_first[started]
            heapq.heappush(ending, (claims[index].last, index))
            active.add(index)
            started += 1
        while ending and ending[0][0] < port:
            active.discard(heapq.heappop(ending)[1])
        found[query] = sorted(active)
    return found


class PortMover:
    """Builds the `fix --ports` repair of a colliding mapping (.fix), else keeps the advice."""

    def __init__(self, project: Project | None = None, host: Host | None = None) -> None:
        self.project, self.host = project, host

    def __call__(self, service: str, mapping: PortMapping, advice: Fix, alternatives: tuple[Fix, ...] = ()) -> Fix:
        """The move of our host port; else `advice`. `alternatives` (stopping whoever holds the port)
        are never the primary fix: the fixer offers them as a question on a terminal, never with --yes.
        """
        from .fix import port_fix

        assert advice.safety is Safety.ADVICE, "the fallback must never act on its own"
        moved = None
        if self.project is not None and self.host is not None:
            ports_range = worktree_range(self.project, self.host)  # the worktree's block when tracks run side by side
            moved = port_fix(self.project, self.host, service, mapping, ports_range=ports_range,
                             alternatives=alternatives)
        if moved is not None:
            return moved  # a move, or advice saying why no edit can be written (shell variable wins)
        if alternatives:
            return Fix(advice.title, Safety.ADVICE, advice.edits, advice.command, alternatives=alternatives)
        return advice


def static_findings(check: Check, services: Mapping[str, Service], mover: PortMover | None = None) -> Iterator[Finding]:
    """Findings for duplicate host ports and for `ports:` that a shared network namespace drops."""
    for name, svc in services.items():
        if shares_network(svc) and svc.ports:
            yield _shared_network_finding(check, name, svc)
    clashes = find_clashes(services)
    unlinked_groups = {frozenset(c.services) for c in clashes if not c.linked}
    catalogue = len(unlinked_groups) >= CATALOGUE_GROUPS
    for clash in clashes:
        yield _clash_finding(check, clash, catalogue, mover or PortMover())


def _clash_finding(check: Check, clash: Clash, catalogue: bool, mover: PortMover) -> Finding:
    first, last = clash.claims[0], clash.claims[-1]
    where = HostSocket(first.mapping.host_ip, clash.port, first.mapping.protocol)
    names = quoted(clash.services)
    if len(clash.services) == 1:
        message = f"'{first.service}' publishes {where} twice"
    elif clash.via_range:
        ranged = next(c for c in clash.claims if c.floating)
        pinned = next(c for c in clash.claims if not c.floating)
        message = (f"{where} of '{pinned.service}' lies in the host range {ranged.mapping.published} "
                   f"'{ranged.service}' picks from")
    elif clash.linked:
        message = f"{where} is published by {names}, all started by 'docker compose up {clash.starter}'"
    elif catalogue:
        message = f"{where} is published by alternative services {names}: start only one of them"
    else:
        message = f"{where} is published by {names}: 'docker compose up' cannot start them all"
    certain = clash.linked and not clash.via_range
    # (certain, catalogue) -> severity; None is the check's own: it fails whenever these services run
    severity = {(True, False): None, (False, False): Severity.WARNING,
                (True, True): Severity.WARNING, (False, True): Severity.INFO}[(certain, catalogue)]
    variable = f"set {last.mapping.variables[0]} to" if last.mapping.variables else "publish"
    fix = Fix(f"{variable} another host port for '{last.service}'", Safety.ADVICE)
    if severity is not Severity.INFO:  # a catalogue's alternatives are not moved: users start one at a time
        fix = mover(last.service, last.mapping, fix)
    return check.finding(message, last.mapping.location, f"port:{where}", fix, severity)


def quoted(names: tuple[str, ...]) -> str:
    """'a' and 'b' / 'a', 'b' and 'c'."""
    shown = [f"'{n}'" for n in names]
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else "".join(shown)


def _shared_network_finding(check: Check, name: str, svc: Service) -> Finding:
    mode = svc.network_mode or ""
    raws = ", ".join(m.raw or str(m.target) for m in svc.ports)
    if mode == "host":
        message = f"'{name}' uses network_mode: host, so its ports ({raws}) are ignored"
        severity = Severity.WARNING
    else:
        message = f"'{name}' uses network_mode: {mode}, which cannot publish ports ({raws})"
        severity = None
    fix = Fix(f"remove 'ports' from '{name}' (its network is not its own)", Safety.ADVICE)
    return check.finding(message, svc.ports[0].location, f"service:{name}:ports", fix, severity)


def _dependencies(service: Service) -> set[str]:
    deps = set(service.depends_on) | {link.partition(":")[0] for link in service.links}
    if (service.network_mode or "").startswith("service:"):
        deps.add((service.network_mode or "").partition(":")[2])
    return deps


def _closure(name: str, services: Mapping[str, Service]) -> frozenset[str]:
    """The service and every service `docker compose up NAME` starts with it."""
    todo, seen = [name], {name}
    while todo:
        current = services.get(todo.pop())
        for dep in _dependencies(current) if current else ():
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return frozenset(seen)


def _starter(names: list[str], closures: Mapping[str, frozenset[str]]) -> str:
    """A service whose `docker compose up` starts at least two of `names` (one of them first), or ""."""
    wanted = set(names)
    for name in [*names, *closures]:
        if len(wanted & closures.get(name, frozenset())) >= 2:
            return name
    return ""
