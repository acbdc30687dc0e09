"""A `ports:` entry's fixed host ports, and the report of a host range entry folded per owner.

Compose expands a host range mapped onto a container range (`20000-29999:20000-29999`) into one
mapping per port. Judged port by port, `1-65535:1-65535` would print tens of thousands of
lines; instead the ports one owner holds fold into one finding (`11 host ports of 'web'
(0.0.0.0/tcp: 20000-20010) are held by ...`), at most `MAX_OWNERS` per entry, then one line
counting the rest.
"""

from __future__ import annotations

from doctor.host.ports import HostSocket
from doctor.model import Check, Finding, Fix, Safety, Severity, record, replace
from doctor.project.types import ComposeModel, PortMapping

from .static import shares_network

MAX_OWNERS = 10  # folded findings per range entry; the rest are counted in one line
Owned = tuple[Finding, list[int]]  # an owner's finding about its first port, and every port it holds


@record
class Target:
    """One host socket the effective model publishes, and the mapping that asks for it."""

    socket: HostSocket
    service: str
    mapping: PortMapping


@record
class Published:
    """The fixed host ports one `ports:` entry publishes: one, or a host range onto a container
    range (`20000-29999:20000-29999`), which compose expands into one mapping per port.
    `ports` and `mappings` run in step; a port becomes a Target only where it is judged.
    """

    service: str
    ip: str
    protocol: str
    ports: list[int]
    mappings: list[PortMapping]

    def target(self, index: int) -> Target:
        return Target(HostSocket(self.ip, self.ports[index], self.protocol), self.service, self.mappings[index])


def published(model: ComposeModel) -> list[Published]:
    """Every fixed host port the enabled services publish, grouped by the entry (file, line, text)
    it was written in. A host range mapped onto one container port is not one: the engine picks a
    port of it (pick.py judges which ports it may pick).
    """
    groups: dict[tuple[object, ...], Published] = {}
    seen: set[tuple[str, int, str]] = set()
    for name, svc in model.services.items():
        if shares_network(svc):
            continue
        for m in svc.ports:
            span = m.published_range
            if span is None or span[0] != span[1] or (m.host_ip, span[0], m.protocol) in seen:
                continue
            seen.add((m.host_ip, span[0], m.protocol))
            key = (name, m.location, m.raw or id(m), m.host_ip, m.protocol)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Published(name, m.host_ip, m.protocol, [], [])
            group.ports.append(span[0])
            group.mappings.append(m)
    return list(groups.values())


def fold(check: Check, group: Published, owners: dict[tuple[object, ...], Owned]) -> list[Finding]:
    """One finding per owner of a range entry's ports: `N host ports of 'web' (0.0.0.0/tcp:
    20000-20010, 20500 and 3 more ranges) are taken by ...`; past `MAX_OWNERS`, one line counts the rest.
    """
    order = sorted(owners.values(), key=lambda owned: (-rank(owned[0].severity), min(owned[1])))
    first = group.target(0)
    span = f"{first.socket.shown_ip}/{group.protocol}"
    folded: list[Finding] = []
    for finding, ports in order[:MAX_OWNERS]:
        if len(ports) == 1:
            folded.append(finding)
            continue
        spans = runs(sorted(ports))
        tail = plural(finding.message.partition(f"('{group.service}') ")[2])
        fix = finding.fix
        # range_move's move of the whole range (or its export still pending) is kept as it is
        if fix is not None and not fix.edits and not getattr(fix, "pending", ""):
            fix = replace(fix, title=f"publish '{group.service}' on a host port range that avoids "
                          f"{shown_runs(spans)}", safety=Safety.ADVICE, edits=())
        folded.append(replace(finding, message=f"{len(ports)} host ports of '{group.service}' "
                              f"({span}: {shown_runs(spans)}) {tail}", fix=fix,
                              subject=f"port:{first.socket.shown_ip}:{spans[0][0]}-{spans[0][1]}/{group.protocol}"))
    rest = order[MAX_OWNERS:]
    if rest:
        worst = max((finding.severity for finding, _ in rest), key=rank)
        count = sum(len(ports) for _, ports in rest)
        folded.append(check.finding(
            f"{count} more host ports of '{group.service}' ({span}) are held by {len(rest)} more owners",
            first.mapping.location, f"port:{first.socket.shown_ip}:{first.mapping.raw}/{group.protocol}",
            Fix(f"publish '{group.service}' on a host port range nothing holds", Safety.ADVICE), worst))
    return folded


def rank(severity: Severity) -> int:
    return {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}[severity]


def runs(ports: list[int]) -> list[tuple[int, int]]:
    """Sorted ports as contiguous (first, last) runs."""
    found: list[tuple[int, int]] = []
    for port in ports:
        if found and port == found[-1][1] + 1:
            found[-1] = (found[-1][0], port)
        else:
            found.append((port, port))
    return found


def shown_runs(spans: list[tuple[int, int]], shown: int = 2) -> str:
    """`20000-20010, 20500 and 3 more ranges`."""
    parts = [f"{a}-{b}" if a != b else str(a) for a, b in spans[:shown]]
    more = len(spans) - shown
    if more > 0:
        return ", ".join(parts) + f" and {more} more range{'s' if more > 1 else ''}"
    return " and ".join(parts)


def plural(tail: str) -> str:
    """A one-port message tail said of many ports: `is taken by` -> `are taken by`."""
    verb, _, rest = tail.partition(" ")
    verb = {"is": "are", "lies": "lie", "names": "name"}.get(verb, verb)
    rest = rest.replace("may take it", "may take them").replace("fails on it", "fails on them")
    return f"{verb} {rest}"
