"""The live half of port-collision: can each published host port be bound right now, and if not, by whom.

Owners, in the order they are recognised:
1. a container of another compose project, or a leftover non-compose container (from the
   engine's port bindings: docker-proxy holds the socket, so its pid names no container);
2. a running container of this very project (compose label) - the port is ours, no finding,
   unless that service is no longer enabled (an orphan that `up` does not stop);
3. a host process (pid, name, command line), or one the kernel hides from us;
4. unknown, with the bind error.
Without an engine the bind probes still run; owners are then processes or unknown. When the
engine publishes elsewhere (a remote DOCKER_HOST, or a host socket mounted into doctor's
container) a local bind proves nothing: probes are skipped with one info line, and only the
engine's own port bindings count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from doctor.host import Host
from doctor.host.platform import forwarder_of
from doctor.host.ports import BindFailure, ContainerPort, HostSocket
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.project.types import ComposeModel, PortMapping

from .static import PortMover, shares_network

MAX_OWNERS = 10  # folded findings per range mapping; the rest are counted in one line
Verdict = tuple[tuple[object, ...], Finding]  # (owner key, finding about one port)
Owned = tuple[Finding, list[int]]  # an owner's finding about its first port, and every port it holds


@dataclass(frozen=True)
class Target:
    """One host socket the effective model publishes, and the mapping that asks for it."""

    socket: HostSocket
    service: str
    mapping: PortMapping


@dataclass(frozen=True)
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
    """Every fixed host port the enabled services publish (the engine picks from a host range
    mapped onto one container port), grouped by the entry (file, line, text) it was written in.
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


def live_findings(check: Check, model: ComposeModel, host: Host, mover: PortMover | None = None,
                  found_before: bool = False) -> Iterator[Finding]:
    """Bind probes plus owners, and one info line when the engine could not be asked.

    Without the engine, other projects' containers (running or stopped) went unseen: when
    nothing else was found (`found_before`: the static half found something) that raises
    Unavailable, so the check is Skipped with the reason instead of reading as a pass.
    """
    wanted = published(model)
    count = sum(len(group.ports) for group in wanted)
    if not count:
        return
    engine = host.engine
    remote = engine.endpoint is not None and not engine.endpoint.is_local
    where = engine.endpoint.url if engine.endpoint else "?"
    if remote:
        yield check.finding(f"ports publish on the remote engine {where}: bind probes skipped", None, "engine",
                            severity=Severity.INFO)
    elif host.ports.engine_elsewhere:
        remote = True  # a socket mounted into our container: the ports appear in the engine's namespace
        yield check.finding(f"the engine behind {where} publishes outside this container: bind probes skipped",
                            None, "engine", severity=Severity.INFO)
    try:
        containers: tuple[ContainerPort, ...] = host.ports.container_ports(exclude_project=model.project_name)
        engine_note = ""
    except Unavailable as exc:
        containers, engine_note = (), exc.reason
    by_port: dict[tuple[int, str], list[ContainerPort]] = {}
    for held in containers:
        by_port.setdefault((held.socket.port, held.socket.protocol), []).append(held)
    prober = _Prober(host, remote)
    found: list[Finding] = []
    for group in wanted:
        if len(group.ports) > 1:
            found += _fold(check, group, _range_owners(check, model, host, group, prober, by_port))
            continue
        target = group.target(0)
        failures = prober.failures(target.socket)
        clashing = [c for c in by_port.get((target.socket.port, target.socket.protocol), ())
                    if c.socket.overlaps(target.socket)]
        found += [finding for _, finding in _judge(check, model, host, target, failures, clashing,
                                                   mover or PortMover())]
        if not remote:
            found += [finding for _, finding in _kernel_findings(check, host, target, free=not failures)]
    yield from found
    if engine_note:
        # without the engine no other project's container (running or stopped) was seen: the
        # check looked only halfway, which must never read as a pass
        prefix = "" if engine_note.startswith("docker engine") else "docker engine unavailable: "
        if not found_before and not found:
            looked = "" if remote else f"; bind probes of {count} port{'s' if count > 1 else ''} passed"
            raise Unavailable(f"{prefix}{engine_note}{looked}")
        yield check.finding(prefix + engine_note, None, "engine", severity=Severity.INFO)


class _Prober:
    """Bind probes only where they can fail: ports the socket table shows busy, and the first
    port of each specific host IP (is the address this machine's?). Without the table, every port.
    """

    def __init__(self, host: Host, remote: bool) -> None:
        self.host, self.remote = host, remote
        self.addresses: set[tuple[str, str]] = set()

    def failures(self, sock: HostSocket) -> tuple[BindFailure, ...]:
        if self.remote:
            return ()
        busy = self.host.ports.busy_ports(sock.protocol)
        specific = sock.ip not in ("", "0.0.0.0", "::")
        if busy is None or sock.port in busy or (specific and (sock.ip, sock.protocol) not in self.addresses):
            if specific:
                self.addresses.add((sock.ip, sock.protocol))
            return self.host.ports.probe(sock)
        return ()


def _range_owners(check: Check, model: ComposeModel, host: Host, group: Published, prober: _Prober,
                  by_port: dict[tuple[int, str], list[ContainerPort]]) -> dict[tuple[object, ...], Owned]:
    """Who holds which ports of one range entry: a port is judged only where the socket table or
    the engine shows something (and the first, which proves the address); the kernel's facts
    (ephemeral range, rootless limit) are counted over plain port numbers. Linear, and a
    65,535-port range builds a handful of findings, not tens of thousands.
    """
    owners: dict[tuple[object, ...], Owned] = {}
    busy = host.ports.busy_ports(group.protocol)
    failed: set[int] = set()
    for index, port in enumerate(group.ports):
        if index and busy is not None and port not in busy and (port, group.protocol) not in by_port:
            continue
        target = group.target(index)
        failures = prober.failures(target.socket)
        clashing = [c for c in by_port.get((port, group.protocol), ()) if c.socket.overlaps(target.socket)]
        if failures:
            failed.add(port)
        judged = _judge(check, model, host, target, failures, clashing, None) if failures or clashing else ()
        for key, finding in judged:
            owners.setdefault(key, (finding, []))[1].append(port)
            if key == ("address",):
                return owners  # no port of the range binds on an address this machine lacks
    if prober.remote:
        return owners
    kernel, engine = host.ports, host.engine
    if engine.available and engine.rootless:
        low = [i for i, p in enumerate(group.ports) if p < kernel.unprivileged_port_start]
        if low:
            owners[("rootless",)] = (_rootless(check, kernel.unprivileged_port_start, group.target(low[0])),
                                     [group.ports[i] for i in low])
    span = kernel.ephemeral_range
    if span is not None:
        free = [i for i, p in enumerate(group.ports) if span[0] <= p <= span[1] and p not in failed]
        if free:
            owners[("ephemeral",)] = (_ephemeral(check, span, group.target(free[0])), [group.ports[i] for i in free])
    return owners


def _fold(check: Check, group: Published, owners: dict[tuple[object, ...], Owned]) -> list[Finding]:
    """One finding per owner of a range entry's ports: `N host ports of 'web' (0.0.0.0/tcp:
    20000-20010, 20500 and 3 more ranges) are taken by ...`; past `MAX_OWNERS`, one line counts the rest.
    """
    order = sorted(owners.values(), key=lambda owned: (-_rank(owned[0].severity), min(owned[1])))
    first = group.target(0)
    span = f"{first.socket.shown_ip}/{group.protocol}"
    folded: list[Finding] = []
    for finding, ports in order[:MAX_OWNERS]:
        if len(ports) == 1:
            folded.append(finding)
            continue
        runs = _runs(sorted(ports))
        tail = _plural(finding.message.partition(f"('{group.service}') ")[2])
        fix = finding.fix and replace(finding.fix, title=f"publish '{group.service}' on a host port range that "
                                      f"avoids {_shown_runs(runs)}", safety=Safety.ADVICE, edits=())
        folded.append(replace(finding, message=f"{len(ports)} host ports of '{group.service}' "
                              f"({span}: {_shown_runs(runs)}) {tail}", fix=fix,
                              subject=f"port:{first.socket.shown_ip}:{runs[0][0]}-{runs[0][1]}/{group.protocol}"))
    rest = order[MAX_OWNERS:]
    if rest:
        worst = max((finding.severity for finding, _ in rest), key=_rank)
        count = sum(len(ports) for _, ports in rest)
        folded.append(check.finding(
            f"{count} more host ports of '{group.service}' ({span}) are held by {len(rest)} more owners",
            first.mapping.location, f"port:{first.socket.shown_ip}:{first.mapping.raw}/{group.protocol}",
            Fix(f"publish '{group.service}' on a host port range nothing holds", Safety.ADVICE), worst))
    return folded


def _rank(severity: Severity) -> int:
    return {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}[severity]


def _runs(ports: list[int]) -> list[tuple[int, int]]:
    """Sorted ports as contiguous (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for port in ports:
        if runs and port == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], port)
        else:
            runs.append((port, port))
    return runs


def _shown_runs(runs: list[tuple[int, int]], shown: int = 2) -> str:
    """`20000-20010, 20500 and 3 more ranges`."""
    parts = [f"{a}-{b}" if a != b else str(a) for a, b in runs[:shown]]
    more = len(runs) - shown
    if more > 0:
        return ", ".join(parts) + f" and {more} more range{'s' if more > 1 else ''}"
    return " and ".join(parts)


def _plural(tail: str) -> str:
    """A one-port message tail said of many ports: `is taken by` -> `are taken by`."""
    verb, _, rest = tail.partition(" ")
    verb = {"is": "are", "lies": "lie", "names": "name"}.get(verb, verb)
    rest = rest.replace("may take it", "may take them")
    return f"{verb} {rest}"


def _say(check: Check, target: Target, message: str, fix: Fix, severity: Severity | None = None) -> Finding:
    """A finding about `target`, its message led by the socket and the service that publishes it."""
    lead = f"{target.socket} ('{target.service}')"
    return check.finding(f"{lead} {message}", target.mapping.location, f"port:{target.socket}", fix, severity)


def _judge(check: Check, model: ComposeModel, host: Host, target: Target, failures: tuple[BindFailure, ...],
           clashing: list[ContainerPort], mover: PortMover | None) -> Iterator[Verdict]:
    """What holds `target` (`clashing`: the containers publishing its port), keyed by owner.

    `mover` None: the port is one of a range mapping, which a single-port move cannot edit (advice).
    """
    others = [c for c in clashing if c.project != model.project_name and c.running]
    ours = [c for c in clashing if c.project == model.project_name and c.running]
    stopped = [c for c in clashing if c.project not in ("", model.project_name) and not c.running]
    in_use = next((f for f in failures if f.in_use), None)
    if any(f.no_such_address for f in failures):
        yield ("address",), _say(check, target, f"names host IP {target.socket.shown_ip}, not an address of "
                                 "this machine", Fix(f"publish '{target.service}' on an address this machine has",
                                                     Safety.ADVICE))
    elif others:
        # the engine refuses a port another container publishes even when our bind succeeds
        # (userland-proxy off): its allocator, not the socket, decides
        yield ("container", others[0].name), _container_finding(check, target, others[0], mover)
    elif in_use is not None and ours:
        orphan = next((c for c in ours if c.service not in model.services), None)
        if orphan is not None:
            command = ("docker", "compose", "-p", model.project_name, "up", "-d", "--remove-orphans")
            yield ("orphan", orphan.name), _say(
                check, target, f"is held by '{orphan.name}', an orphan container of this project",
                Fix("remove the orphan containers", Safety.UNSAFE, command=command))
    elif in_use is not None:
        yield _process_finding(check, host, target, in_use, mover)
    elif stopped:
        yield ("stopped", stopped[0].name), _stopped_finding(check, target, stopped[0], mover)


def _moved(mover: PortMover | None, target: Target, advice: Fix, alternatives: tuple[Fix, ...] = ()) -> Fix:
    """The move of our host port (`fix --ports`), else `advice` carrying the `alternatives`."""
    if mover is not None:
        return mover(target.service, target.mapping, advice, alternatives=alternatives)
    return replace(advice, alternatives=alternatives) if alternatives else advice


def _stopped_finding(check: Check, target: Target, owner: ContainerPort, mover: PortMover | None) -> Finding:
    """A stopped container of another compose project declares the port (a leftover of a renamed
    folder, or a project stopped for now): `up` fails on it only once both run, so ours moves
    (the same mover as for a running owner); removing the leftover is only ever asked.
    """
    remove = Fix(f"remove the leftover container '{owner.name}'", Safety.UNSAFE,
                 command=("docker", "rm", owner.name))
    advice = Fix(f"publish another host port for '{target.service}'", Safety.ADVICE)
    return _say(check, target, f"is also published by stopped '{owner.project}' service '{owner.service}': "
                "both cannot run at once", _moved(mover, target, advice, (remove,)), Severity.WARNING)


def _container_finding(check: Check, target: Target, owner: ContainerPort, mover: PortMover | None) -> Finding:
    """Another project's container holds the port: move ours (fix --ports), or stop theirs when asked."""
    if owner.project:
        command = ("docker", "compose", "-p", owner.project, "stop", owner.service)
        stop = Fix(f"stop '{owner.service}' of project '{owner.project}'", Safety.UNSAFE, command=command)
        message = f"is taken by '{owner.project}' service '{owner.service}' (container {owner.name})"
    else:
        stop = Fix(f"remove the leftover container '{owner.name}'", Safety.UNSAFE,
                   command=("docker", "rm", "-f", owner.name))
        message = f"is taken by container '{owner.name}' (not a compose container)"
    advice = Fix(f"publish another host port for '{target.service}'", Safety.ADVICE)
    return _say(check, target, message, _moved(mover, target, advice, (stop,)))


def _process_finding(check: Check, host: Host, target: Target, failure: BindFailure,
                     mover: PortMover | None) -> Verdict:
    key, finding = _process_owner(check, host, target, failure)
    assert finding.fix is not None
    return key, replace(finding, fix=_moved(mover, target, finding.fix))


def _process_owner(check: Check, host: Host, target: Target, failure: BindFailure) -> Verdict:
    sock = target.socket
    holders = host.ports.process_holders(sock)
    visible = [h for h in holders if not h.hidden]
    flag = "-lunp" if sock.protocol == "udp" else "-ltnp"
    find = Fix("find the process that holds the port", Safety.ADVICE,
               command=("sudo", "ss", flag, f"sport = :{sock.port}"))
    if not visible:
        if holders:
            return ("hidden",), _say(check, target, f"is held by a process hidden from doctor (sudo ss {flag} "
                                     f"'sport = :{sock.port}')", find)
        return ("unbound", failure.error), _say(check, target, f"cannot be bound on {failure.address}: "
                                                f"{failure.error}", find)
    holder = visible[0]
    stop = Fix(f"stop '{holder.name}' (pid {holder.pid}) or publish another host port", Safety.ADVICE,
               command=("kill", str(holder.pid)))
    engine = forwarder_of(holder.name, holder.cmdline)
    if engine:
        # Docker Desktop, Colima, OrbStack... forward published ports through one process: the
        # container is the owner, and only the engine that runs it can name it
        ask = Fix(f"ask {engine} which container publishes {sock.port}", Safety.ADVICE,
                  command=("docker", "ps", "--filter", f"publish={sock.port}"))
        return ("forwarder", engine), _say(
            check, target, f"is published by a container of {engine} (forwarded by '{holder.name}', "
            f"pid {holder.pid}): docker ps --filter publish={sock.port} names it", ask)
    shown = shorten(holder.cmdline) or holder.name
    return ("pid", holder.pid), _say(check, target, f"is held by pid {holder.pid} '{holder.name}' ({shown})", stop)


def _kernel_findings(check: Check, host: Host, target: Target, free: bool = True) -> Iterator[Verdict]:
    port, prober, engine = target.socket.port, host.ports, host.engine
    if port < prober.unprivileged_port_start and engine.available and engine.rootless:
        yield ("rootless",), _rootless(check, prober.unprivileged_port_start, target)
    span = prober.ephemeral_range
    # free now, it is only a risk (an outgoing connection may take it before `up`): info; taken,
    # the bind failure above already says so
    if span is not None and span[0] <= port <= span[1] and free:
        yield ("ephemeral",), _ephemeral(check, span, target)


def _rootless(check: Check, start: int, target: Target) -> Finding:
    return _say(check, target, f"is below {start}, which a rootless engine cannot bind",
                Fix("publish a port above 1024", Safety.ADVICE), Severity.WARNING)


def _ephemeral(check: Check, span: tuple[int, int], target: Target) -> Finding:
    return _say(check, target, f"lies in the ephemeral range {span[0]}-{span[1]}: free now, but an outgoing "
                "connection may take it", Fix("publish a port below the ephemeral range", Safety.ADVICE),
                Severity.INFO)


def shorten(cmdline: tuple[str, ...], width: int = 40) -> str:
    """The command line on one line, the program's directory dropped, cut to `width` characters."""
    if not cmdline:
        return ""
    text = " ".join(" ".join((cmdline[0].rsplit("/", 1)[-1], *cmdline[1:])).split())
    return text if len(text) <= width else text[: width - 1] + "…"
