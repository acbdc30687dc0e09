"""A host range published onto one container port (`18090-18092:82`): every port held, or an engine before 27.0.

The engine picks one port of such a range. Since 27.0 (moby PR #47871, "Portmapper
improvements") it tries each port until one binds, so a port another process holds is skipped.
Before it, its port allocator knows only docker's own allocations: it takes the ports of the
range in turn (the first port docker does not hold at the range's first request since the
engine started, the next one at each later request: `up`, `down`, `up` walks the range), and the
userland proxy's bind then fails on a port a process outside docker holds (moby issue #44136):
`Error starting userland proxy: listen tcp4 0.0.0.0:18090: bind: address already in use`.
With every port of the range held (by processes, or other projects' containers), no engine finds
one to bind: that is an error whatever the release, and the engine is not asked its version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from doctor.host import Host
from doctor.host.engine_version import moby_release
from doctor.host.ports import BindFailure, ContainerPort, HostSocket, normalize_ip
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable, replace
from doctor.project.types import ComposeModel

from .ranges import Owned, Published, fold, runs
from .static import shares_network

FIXED_IN = (27, 0)  # moby PR #47871: a busy port of a range is skipped
Judge = Callable[[int, tuple[BindFailure, ...], list[ContainerPort]], list[tuple[tuple[object, ...], Finding]]]


def picked_ranges(model: ComposeModel) -> list[Published]:
    """Every host range entry of the enabled services mapped onto one container port, its mapping
    repeated for each port of the range (compose passes it to the engine as it is)."""
    found: list[Published] = []
    for name, svc in model.services.items():
        if shares_network(svc):
            continue
        for m in svc.ports:
            span = m.published_range
            if span is not None and span[0] != span[1]:
                ports = list(range(span[0], span[1] + 1))
                found.append(Published(name, m.host_ip, m.protocol, ports, [m] * len(ports)))
    return found


def allocated(group: Published, containers: Iterable[ContainerPort]) -> bool:
    """Whether docker's allocator holds the port for this range: a running container publishes it on
    the same host address (the allocator keeps one table per address, "" being 0.0.0.0)."""
    ours = normalize_ip(group.ip) or "0.0.0.0"
    return any(c.running and c.socket.protocol == group.protocol and (normalize_ip(c.socket.ip) or "0.0.0.0") == ours
               for c in containers)


def picked_findings(check: Check, host: Host, group: Published, by_port: dict[tuple[int, str], list[ContainerPort]],
                    failures_of: Callable[[HostSocket], tuple[BindFailure, ...]], judge: Judge) -> list[Finding]:
    """Ports of `group` held outside docker, where the engine does not skip them: the one it picks
    first is an error (`up` fails), the others warnings (a later `up` walks onto them); nothing from 27.0,
    unless every port of the range is held (by processes or other projects' containers): an error per
    owner on any engine.

    `judge` names the owner of one port (live._judge for a port of a range mapping).
    """
    free = [i for i, port in enumerate(group.ports) if not allocated(group, by_port.get((port, group.protocol), ()))]
    verdicts: list[tuple[tuple[object, ...], int, Finding]] = []
    for index in free:
        sock = group.target(index).socket
        failures = failures_of(sock)
        clashing = [c for c in by_port.get((sock.port, sock.protocol), ()) if c.running and c.socket.overlaps(sock)]
        if failures or clashing:
            # an address this machine lacks fails on every engine, and is not this finding's to tell
            verdicts += [(key, sock.port, f) for key, f in judge(index, failures, clashing) if key != ("address",)]
    if not verdicts and free:
        return []
    held = _every_port_held(group, by_port, free, verdicts, judge)
    if held is not None:  # no port of it binds: `up` fails on any engine, no /info asked
        return _all_held(check, group, held)
    if not verdicts:
        return []
    try:  # asked only now: /info is a round trip, and most ranges have no port held outside docker
        release, unknown = moby_release(host.engine), False
    except Unavailable:
        release, unknown = None, True
    if not unknown and (release is None or not release.before(*FIXED_IN)):
        return []
    said = f"engine {release.text} (before 27.0) " if release else "an engine before 27.0 "
    advice = _advice(group, [port for _, port, _ in verdicts])
    first = group.ports[free[0]]
    found: list[Finding] = []
    later: dict[tuple[object, ...], Owned] = {}
    for key, port, finding in verdicts:
        fix = replace(advice, alternatives=finding.fix.alternatives if finding.fix else ())
        if port == first:
            tail = f"{said}picks it first from {_span(group)} and fails, never trying the next"
            found.append(_told(finding, tail, unknown, fix, Severity.WARNING if unknown else Severity.ERROR))
        elif key in later:
            later[key][1].append(port)
        else:
            tail = (f"{said}takes the ports of {_span(group)} in turn, never skipping a busy one: a later `up` "
                    "fails on it")
            later[key] = (_told(finding, tail, unknown, fix, Severity.WARNING), [port])
    return found + fold(check, group, later)


def _every_port_held(group: Published, by_port: dict[tuple[int, str], list[ContainerPort]], free: list[int],
                     verdicts: list[tuple[tuple[object, ...], int, Finding]], judge: Judge) -> dict[tuple[object, ...],
                                                                                                   Owned] | None:
    """Who holds each port of `group`, by owner, when every one is held: the ports docker does not hold
    by a process (`verdicts`), the others by another project's container; None when a port is left,
    free, or held by this project's own container (`up` recreates it there), or when the owner of one is
    unsure (a warning: docker-proxy with the engine silent may forward this project's own container)."""
    if len({port for _, port, _ in verdicts}) < len(free):
        return None
    owners: dict[tuple[object, ...], Owned] = {}
    judged = {port: (key, finding) for key, port, finding in reversed(verdicts)}  # each port's first owner
    undocked = set(free)
    for index, port in enumerate(group.ports):
        if index not in undocked:  # docker's: another project's container is an owner, ours none
            sock = group.target(index).socket
            clashing = [c for c in by_port.get((port, sock.protocol), ()) if c.running and c.socket.overlaps(sock)]
            theirs = [(key, finding) for key, finding in judge(index, (), clashing) if key[0] == "container"]
            if not theirs:
                return None
            judged[port] = theirs[0]
        key, finding = judged[port]
        if key[0] == "forwarder" and finding.severity is Severity.WARNING:
            return None
        owners.setdefault(key, (finding, []))[1].append(port)
    return owners


def _all_held(check: Check, group: Published, owners: dict[tuple[object, ...], Owned]) -> list[Finding]:
    """An error per owner: the engine, whatever its release, finds no port of the range to bind
    (27.0 tries each one; before it the first fails), so publishing another range is the fix."""
    advice = _advice(group, list(group.ports))
    tail = f"every port of {_span(group)} is held, so `up` fails on any engine"
    told = {key: (replace(finding, message=f"{finding.message}: {tail}", severity=Severity.ERROR,
                          fix=replace(advice, alternatives=finding.fix.alternatives if finding.fix else ())), ports)
            for key, (finding, ports) in owners.items()}
    return fold(check, group, told)


def _told(finding: Finding, tail: str, unknown: bool, fix: Fix, severity: Severity) -> Finding:
    if unknown:
        tail += " (the engine did not answer: its version is unknown)"
    return replace(finding, message=f"{finding.message}: {tail}", fix=fix, severity=severity)


def _span(group: Published) -> str:
    return f"{group.ports[0]}-{group.ports[-1]}"


def _advice(group: Published, held: list[int]) -> Fix:
    """Publish the longest run of the range's ports nothing outside docker holds now, else another range."""
    taken = set(held)
    free = runs([port for port in group.ports if port not in taken])
    if not free:
        return Fix(f"publish '{group.service}' on a host port range nothing else holds", Safety.ADVICE)
    start, end = max(free, key=lambda run: (run[1] - run[0], -run[0]))
    ports = f"ports {start}-{end}" if start != end else f"port {start}"
    return Fix(f"publish '{group.service}' on host {ports} instead of {_span(group)} (held by no other process now)",
               Safety.ADVICE)
