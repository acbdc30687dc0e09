"""The host port a move goes to: the first free one above the old port, or in the configured range.

Deterministic: >= 1024, outside the kernel's ephemeral range, published by no container on this
machine nor elsewhere in the project (by a service of any profile, and by its own
`docker compose run -p X:Y` recipes: doctor.project.command_ports) nor by another worktree of its
repository (its override and .env as written: siblings.py, what `doctor ports` reads), and bindable
now. The ports handed out to a run's earlier findings count as taken: two collisions fixed together
never move onto the same free port.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Iterator

from doctor.model import Unavailable
from doctor.project.types import PortMapping, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project


# ports already chosen for other findings of the same preflight (one Project per run), so two
# collisions fixed together never move onto the same free port
RESERVED: weakref.WeakKeyDictionary[Project, set[tuple[int, str]]] = weakref.WeakKeyDictionary()
_TAKEN: weakref.WeakKeyDictionary[Project, tuple[Host, set[tuple[int, str]]]] = weakref.WeakKeyDictionary()


MAX_PROBES = 500  # bind probes per port before giving up (each takes microseconds)


def none_free(old: int, ports_range: tuple[int, int] | None, range_name: str) -> str:
    """Why no port was chosen: the configured range (or the worktree's block) has none free, named,
    since widening it is the user's fix; else the search around `old` gave up."""
    if ports_range is None:
        return f"no free port found near {old}"
    named = range_name or f"the range {ports_range[0]}-{ports_range[1]}"
    if ports_range[1] - ports_range[0] + 1 > MAX_PROBES:
        return f"none of the first {MAX_PROBES} ports tried in {named} is free"
    return f"every port of {named} is taken: widen it"


def taken_in_run(project: Project, host: Host) -> set[tuple[int, str]]:
    """taken_ports and the ports handed out so far, gathered once per (project, host) of a run: every
    clash asking the engine and summing every service's ports again was quadratic in clashes x services."""
    cached = _TAKEN.get(project)
    if cached is None or cached[0] is not host:
        cached = (host, taken_ports(project, host) | RESERVED.get(project, set()))
        _TAKEN[project] = cached
    return cached[1]


def taken_ports(project: Project, host: Host) -> set[tuple[int, str]]:
    """(port, protocol) published anywhere in the project - by a service of any profile, active or
    not: `--profile extra` later starts those too - by the project's own commands (kitsune's `make docs`
    runs `docker compose run -p 8001:8001 web ...`: web moved to 8001 collided with it), by another
    worktree of the repository (pythondotorg's: the first worktree's fix had moved redis to 6380, the
    second's chose 6380 too), or by any container on this machine."""
    from doctor.project.command_ports import command_ports

    from .siblings import sibling_ports

    taken: set[tuple[int, str]] = set()
    for svc in every_service(project):
        for port in svc.ports:
            span = port.published_range
            if span is not None:
                taken.update((p, port.protocol) for p in range(span[0], span[1] + 1))
    taken.update((published.port, published.protocol) for published in command_ports(project))
    taken.update(sibling_ports(project))
    try:
        for held in host.ports.container_ports(exclude_project=project.compose.project_name):
            taken.add((held.socket.port, held.socket.protocol))
    except Unavailable:
        pass  # no engine: the bind probe still sees what running containers hold
    return taken


def every_service(project: Project) -> list[Service]:
    """The project's services of every profile: the enabled ones, then those the active profiles
    leave out, from a second load with every profile on (only when some are left out)."""
    services = list(project.services.values())
    disabled = project.compose.disabled_services
    if disabled:
        from doctor.project import Project as ProjectOfAll
        from doctor.records import replace

        everything = ProjectOfAll(replace(project.options, profiles=("*",))).services
        services += [everything[name] for name in disabled if name in everything]
    return services


def candidates(old: int, ports_range: tuple[int, int] | None,
               ephemeral: tuple[int, int] | None) -> Iterator[int]:
    """Ports to try, in order: a configured range from its start (from above `old` when `old` lies
    inside it, wrapping round); without one, every port above `old`, then below it. A privileged
    `old` (below 1024, which only root binds) starts at old + 8000, the unprivileged twin people
    know (80 -> 8080, 443 -> 8443, 25 -> 8025), not at 1024, which says nothing of what it serves.
    """
    ordered: Iterable[int]
    if ports_range is not None:
        low, high = max(ports_range[0], 1024), ports_range[1]
        start = old + 1 if low <= old <= high else low
        ordered = [p for p in (*range(start, high + 1), *range(low, min(start, high + 1))) if p != old]
    else:  # lazily: the first few are nearly always free, and the list was 64k ports per finding
        start = old + 8000 if old < 1024 else old + 1
        ordered = itertools.chain(range(start, 65536), range(min(start - 1, 65535), 1023, -1))
    for port in ordered:
        if ephemeral is not None and ephemeral[0] <= port <= ephemeral[1]:
            continue
        yield port


def choose_port(host: Host, mapping: PortMapping, taken: set[tuple[int, str]],
                ports_range: tuple[int, int] | None = None, protocols: tuple[str, ...] = ()) -> int | None:
    """The first candidate port that nothing publishes and that binds now on the mapping's address,
    for each of `protocols` (the mapping's own when none are given: a tcp+udp pair asks for both)."""
    from doctor.host.ports import HostSocket

    span = mapping.published_range
    old = span[0] if span else 1024
    ephemeral = host.ports.ephemeral_range
    wanted = protocols or (mapping.protocol,)
    for tried, port in enumerate(candidates(old, ports_range, ephemeral)):
        if tried >= MAX_PROBES:
            break
        if any((port, protocol) in taken for protocol in wanted):
            continue
        if not any(host.ports.probe(HostSocket(mapping.host_ip, port, protocol)) for protocol in wanted):
            return port
    return None
