"""The static half of port-collision: host ports the project itself publishes twice.

Pure: reads only the compose model and, for a clash of services nothing links, the project's own
compose starts (doctor.project.compose_starts: its commands, docs and CI), never a socket or the engine.

Severity rule (compose's `config` accepts all of these; the engine fails at `up`):

- **error** (the check's severity) when the clash is certain whenever the clashing services
  run: one service publishes the port twice, or the services are *started together* - one is
  in the other's dependency closure (`depends_on`, `links`, `network_mode: service:X`), or a
  third service needs both, so `docker compose up THAT` starts both and the second bind fails.
- **warning** when the services are not linked: a plain `docker compose up` (every enabled
  service) still fails, but starting a subset by name works. The project's own commands decide
  further (together.py): one that starts two of them (a Makefile's bare `up`) makes the clash
  certain, as a link does; where they start each alone and none both (mathesar's docs `up
  dev-service`, its CI `up test-service`, both on 8000), only a user's bare `up` clashes: **info**,
  naming those starts, and no port is moved.
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

from collections.abc import Iterator, Mapping

from doctor.host.ports import HostSocket, ips_overlap
from doctor.model import Check, Finding, Fix, Safety, Severity, and_list, record
from doctor.project.types import PortMapping, Service

from .together import Verdict, judge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.project import Project
    from doctor.project.compose_starts import OwnStart

CATALOGUE_GROUPS = 3


@record
class Claim:
    """One host port (or host range) a service publishes."""

    service: str
    mapping: PortMapping
    first: int
    last: int

    @property
    def floating(self) -> bool:
        return self.first != self.last


@record
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
    """Every host port claimed by two overlapping mappings, in declaration order.

    Claims are bucketed by (protocol, port): a fixed port meets only its own bucket, and a
    host range is added to the buckets of the fixed ports it covers (found by bisection), so
    the cost grows with the claims and the clashes, never with their pairs.
    """
    claims = [
        Claim(name, m, *span)
        for name, svc in services.items() if not shares_network(svc)
        for m in svc.ports if (span := m.published_range) is not None
    ]
    buckets: dict[tuple[str, int], list[int]] = {}  # (protocol, fixed port) -> indexes of claims
    for i, claim in enumerate(claims):
        if not claim.floating:
            buckets.setdefault((claim.mapping.protocol, claim.first), []).append(i)
    fixed_ports: dict[str, list[int]] = {}
    for protocol, port in buckets:
        fixed_ports.setdefault(protocol, []).append(port)
    for ports in fixed_ports.values():
        ports.sort()
    for i, claim in enumerate(claims):
        if claim.floating:
            from bisect import bisect_left, bisect_right  # here: only a published port range needs it

            ports = fixed_ports.get(claim.mapping.protocol, [])
            for port in ports[bisect_left(ports, claim.first):bisect_right(ports, claim.last)]:
                buckets[(claim.mapping.protocol, port)].append(i)
    closures = _Closures(services)
    clashes: list[Clash] = []
    reported: set[int] = set()  # indexes of fixed claims already part of a reported clash
    for i, fixed in enumerate(claims):
        if fixed.floating or i in reported:
            continue
        bucket = buckets[(fixed.mapping.protocol, fixed.first)]
        if len(bucket) < 2:
            continue
        members = sorted(bucket)
        group = [claims[k] for k in members if ips_overlap(claims[k].mapping.host_ip, fixed.mapping.host_ip)]
        if len(group) < 2:
            continue
        reported.update(k for k in members if not claims[k].floating
                        and ips_overlap(claims[k].mapping.host_ip, fixed.mapping.host_ip))
        names = list(dict.fromkeys(c.service for c in group))
        # one container publishing a port twice fails whenever it starts
        starter = names[0] if len(names) < len(group) else _starter(names, closures)
        clashes.append(Clash(fixed.first, tuple(group), starter, any(c.floating for c in group)))
    return clashes


class PortMover:
    """Builds the `fix --ports` repair of a colliding mapping (.fix), else keeps the advice."""

    def __init__(self, project: Project | None = None, host: Host | None = None) -> None:
        self.project, self.host = project, host

    def __call__(self, service: str, mapping: PortMapping, advice: Fix, alternatives: tuple[Fix, ...] = (),
                 within: bool = False) -> Fix:
        """The move of our host port; else `advice`. `alternatives` (stopping whoever holds the port)
        are never the primary fix: the fixer offers them as a question on a terminal, never with --yes.
        """
        from doctor.host.portregistry import worktree_range  # here: only a clash needs it (fcntl, portplan)

        from .fix import port_fix

        assert advice.safety is Safety.ADVICE, "the fallback must never act on its own"
        moved = None
        if self.project is not None and self.host is not None:
            ports_range = worktree_range(self.project, self.host)  # the worktree's block when tracks run side by side
            named = range_origin(self.project, ports_range) if ports_range is not None else ""
            moved = port_fix(self.project, self.host, service, mapping, ports_range=ports_range,
                             alternatives=alternatives, range_name=named, within=within)
            if not within and moved is not None:
                from .alternatives import with_alternatives

                moved = with_alternatives(self.project, moved, service, mapping)
        if moved is not None:
            return moved  # a move, or advice saying why no edit can be written (shell variable wins)
        if alternatives:
            return Fix(advice.title, Safety.ADVICE, advice.edits, advice.command, alternatives=alternatives)
        return advice


def range_origin(project: Project, chosen: tuple[int, int]) -> str:
    """How to name the range `fix --ports` picks from (doctor.host.portregistry.worktree_range chose
    it): doctor.yaml's key with its file and line, else this worktree's block of the port plan."""
    import fnmatch

    from doctor.project.portplan import DEFAULT_POOL

    setting = project.config.ports
    shown = f"{chosen[0]}-{chosen[1]}"
    where = f" in {setting.origin}" if setting.origin.line else ""
    for pattern, per_folder in setting.value.ranges:
        if fnmatch.fnmatchcase(project.root.name, pattern):
            if (per_folder.start, per_folder.end) == chosen:
                return f"ports.ranges '{pattern}' {shown}{where}"
            break
    configured = setting.value.range
    if configured is not None and (configured.start, configured.end) == chosen:
        return f"ports.range {shown}{where}"
    if chosen == DEFAULT_POOL:
        return f"the port plan's pool {shown}"
    return f"this worktree's block {shown} of the port plan"


def static_findings(check: Check, services: Mapping[str, Service], mover: PortMover | None = None,
                    project: Project | None = None) -> Iterator[Finding]:
    """Findings for duplicate host ports and for `ports:` that a shared network namespace drops;
    with `project`, a clash of services nothing links is judged by the project's own starts."""
    for name, svc in services.items():
        if shares_network(svc) and svc.ports:
            yield _shared_network_finding(check, name, svc)
    clashes = find_clashes(services)
    verdicts = _verdicts(clashes, services, project)
    unlinked_groups = {frozenset(c.services) for c, v in zip(clashes, verdicts, strict=True)
                       if not c.linked and v.together is None}
    catalogue = len(unlinked_groups) >= CATALOGUE_GROUPS
    for clash, verdict in zip(clashes, verdicts, strict=True):
        yield _clash_finding(check, clash, catalogue, mover or PortMover(), verdict, project)


def _verdicts(clashes: list[Clash], services: Mapping[str, Service], project: Project | None) -> list[Verdict]:
    """Each clash of two services or more nothing links (no host range) judged by the project's
    starts, read only then; every other clash's verdict is empty."""
    judged = [not c.linked and not c.via_range and len(c.services) > 1 for c in clashes]
    if project is None or not any(judged):
        return [Verdict() for _ in clashes]
    from doctor.project.compose_starts import own_starts

    starts, closures = own_starts(project), _Closures(services)
    return [judge(c.services, starts, services, closures.of) if j else Verdict()
            for c, j in zip(clashes, judged, strict=True)]


def _clash_finding(check: Check, clash: Clash, catalogue: bool, mover: PortMover, verdict: Verdict,
                   project: Project | None) -> Finding:
    first, last = clash.claims[0], clash.claims[-1]
    where = HostSocket(first.mapping.host_ip, clash.port, first.mapping.protocol)
    shown, names = _publishers(clash, where)
    if len(clash.services) == 1:
        # `${API_PORT:-21101}` and `"[::1]:${DBG_PORT:-21101}:9229"`: both sides, not the first one's twice
        sides = list(dict.fromkeys(str(HostSocket(c.mapping.host_ip, clash.port, c.mapping.protocol))
                                   for c in clash.claims))
        message = (f"'{first.service}' publishes {where} twice" if len(sides) == 1 else
                   f"'{first.service}' publishes {and_list(sides)}: one port twice")
    elif clash.via_range:
        ranged = next(c for c in clash.claims if c.floating)
        pinned = next(c for c in clash.claims if not c.floating)
        message = (f"{where} of '{pinned.service}' lies in the host range {ranged.mapping.published} "
                   f"'{ranged.service}' picks from")
    elif clash.linked:
        message = f"{shown} is published by {names}, all started by 'docker compose up {clash.starter}'"
    elif verdict.together is not None and project is not None:
        message = (f"{shown} is published by {names}, all started by the project's "
                   f"'docker compose {verdict.together.shown}' ({_place(project, verdict.together)})")
    elif verdict.alone and project is not None:
        return _alone_finding(check, clash, verdict, project, where, shown, names)
    elif catalogue:
        message = f"{shown} is published by alternative services {names}: start only one of them"
    else:
        message = f"{shown} is published by {names}: 'docker compose up' cannot start them all"
    certain = (clash.linked or verdict.together is not None) and not clash.via_range
    # (certain, catalogue) -> severity; None is the check's own: it fails whenever these services run
    severity = {(True, False): None, (False, False): Severity.WARNING,
                (True, True): Severity.WARNING, (False, True): Severity.INFO}[(certain, catalogue)]
    variable = f"set {last.mapping.variables[0]} to" if last.mapping.variables else "publish"
    fix = Fix(f"{variable} another host port for '{last.service}'", Safety.ADVICE)
    if severity is not Severity.INFO:  # a catalogue's alternatives are not moved: users start one at a time
        fix = mover(last.service, last.mapping, fix, within=True)  # the same on every machine
    # not the live half's `port:{where}`: one fingerprint for both would let the fixer (which plans
    # one fix per fingerprint, once per run) move the clash's last service and never the first,
    # whose port a process holds as well; and the service it moves: with three on the port (monica's
    # laravel.queue and laravel.cron merging laravel.test's ports), moving the last leaves a clash of
    # the other two, the next round's to fix, which one fingerprint for both had taken for unfixed
    return check.finding(message, last.mapping.location, f"port:{where}:clash:{last.service}", fix, severity)


def _alone_finding(check: Check, clash: Clash, verdict: Verdict, project: Project, where: HostSocket,
                   shown: str, names: str) -> Finding:
    """A note: the project starts each of the services alone, so only a bare `up` of them all clashes."""
    last = clash.claims[-1]
    bare = f"{project.compose_words()} up"
    each = ", ".join(f"'{own.shown}' ({_place(project, own)})" for own in dict.fromkeys(o for _, o in verdict.alone))
    message = (f"{shown} is published by {names}: a clash only for a bare '{bare}'; "
               f"the project starts each alone: {each}")
    fix = Fix(f"start one at a time by name ('{bare} {verdict.alone[0][0]}'), or publish another host port for "
              f"'{last.service}'", Safety.ADVICE)
    return check.finding(message, last.mapping.location, f"port:{where}:clash:{last.service}", fix, Severity.INFO)


def _publishers(clash: Clash, where: HostSocket) -> tuple[str, str]:
    """The clash's port and its services, each with its host IP where they bind different ones: web's
    `21280:80` and adminer's `127.0.0.1:21280:8080` meet on loopback, and naming only the first's
    interface hid that adminer binds another ("21280/tcp", "'web' on 0.0.0.0 and 'adminer' on 127.0.0.1")."""
    sides = list(dict.fromkeys((c.service, HostSocket(c.mapping.host_ip, clash.port).shown_ip) for c in clash.claims))
    if len({ip for _, ip in sides}) < 2:
        return str(where), quoted(clash.services)
    return f"{clash.port}/{where.protocol}", and_list([f"'{name}' on {ip}" for name, ip in sides])


def _place(project: Project, own: OwnStart) -> str:
    """Where a start is written (`DEVELOPER_GUIDE.md:32`), after what runs it (`make target 'dev', Makefile:4`)."""
    at = f"{project.shown(own.location.path)}:{own.location.line}"
    return at if own.origin == project.shown(own.location.path) else f"{own.origin}, {at}"


def quoted(names: tuple[str, ...]) -> str:
    """'a' and 'b' / 'a', 'b' and 'c'."""
    return and_list([f"'{n}'" for n in names])


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


class _Closures:
    """`docker compose up NAME` starts NAME and its dependencies: each closure computed once, on demand."""

    def __init__(self, services: Mapping[str, Service]) -> None:
        self.services = services
        self._closures: dict[str, frozenset[str]] = {}
        self._dependents: dict[str, list[str]] | None = None

    def of(self, name: str) -> frozenset[str]:
        """The service and every service `docker compose up NAME` starts with it."""
        if name not in self._closures:
            todo, seen = [name], {name}
            while todo:
                current = self.services.get(todo.pop())
                for dep in _dependencies(current) if current else ():
                    if dep not in seen:
                        seen.add(dep)
                        todo.append(dep)
            self._closures[name] = frozenset(seen)
        return self._closures[name]

    def starters_of(self, name: str) -> set[str]:
        """Every service whose `up` starts `name` (itself included): the reverse closure."""
        if self._dependents is None:
            self._dependents = {}
            for other, service in self.services.items():
                for dep in _dependencies(service):
                    self._dependents.setdefault(dep, []).append(other)
        todo, seen = [name], {name}
        while todo:
            for other in self._dependents.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen & self.services.keys()


def _starter(names: list[str], closures: _Closures) -> str:
    """A service whose `docker compose up` starts at least two of `names` (one of them first), or ""."""
    wanted = set(names)
    for name in names:
        if len(wanted & closures.of(name)) >= 2:
            return name
    counts: dict[str, int] = {}
    for name in wanted:
        for starter in closures.starters_of(name):
            counts[starter] = counts.get(starter, 0) + 1
    for name in closures.services:  # the first in file order, as `docker compose config` lists them
        if counts.get(name, 0) >= 2:
            return name
    return ""
