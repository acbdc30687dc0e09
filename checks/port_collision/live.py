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


@dataclass(frozen=True)
class Target:
    """One host socket the effective model publishes, and the mapping that asks for it."""

    socket: HostSocket
    service: str
    mapping: PortMapping


def targets(model: ComposeModel) -> list[Target]:
    """Every fixed host port the enabled services publish (ranges are chosen by the engine)."""
    found: dict[HostSocket, Target] = {}
    for name, svc in model.services.items():
        if shares_network(svc):
            continue
        for m in svc.ports:
            span = m.published_range
            if span is not None and span[0] == span[1]:
                sock = HostSocket(m.host_ip, span[0], m.protocol)
                found.setdefault(sock, Target(sock, name, m))
    return list(found.values())


def live_findings(check: Check, model: ComposeModel, host: Host, mover: PortMover | None = None,
                  found_before: bool = False) -> Iterator[Finding]:
    """Bind probes plus owners, and one info line when the engine could not be asked.

    Without the engine, other projects' containers (running or stopped) went unseen: when
    nothing else was found (`found_before`: the static half found something) that raises
    Unavailable, so the check is Skipped with the reason instead of reading as a pass.
    """
    wanted = targets(model)
    if not wanted:
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
    found: list[Finding] = []
    for target in wanted:
        failures = () if remote else host.ports.probe(target.socket)
        found += _judge(check, model, host, target, failures, containers, mover or PortMover())
        if not remote:
            found += _kernel_findings(check, host, target, free=not failures)
    yield from found
    if engine_note:
        # without the engine no other project's container (running or stopped) was seen: the
        # check looked only halfway, which must never read as a pass
        prefix = "" if engine_note.startswith("docker engine") else "docker engine unavailable: "
        if not found_before and not found:
            looked = "" if remote else f"; bind probes of {len(wanted)} port{'s' if len(wanted) > 1 else ''} passed"
            raise Unavailable(f"{prefix}{engine_note}{looked}")
        yield check.finding(prefix + engine_note, None, "engine", severity=Severity.INFO)


def _say(check: Check, target: Target, message: str, fix: Fix, severity: Severity | None = None) -> Finding:
    """A finding about `target`, its message led by the socket and the service that publishes it."""
    lead = f"{target.socket} ('{target.service}')"
    return check.finding(f"{lead} {message}", target.mapping.location, f"port:{target.socket}", fix, severity)


def _judge(check: Check, model: ComposeModel, host: Host, target: Target, failures: tuple[BindFailure, ...],
           containers: tuple[ContainerPort, ...], mover: PortMover) -> Iterator[Finding]:
    clashing = [c for c in containers if c.socket.overlaps(target.socket)]
    others = [c for c in clashing if c.project != model.project_name and c.running]
    ours = [c for c in clashing if c.project == model.project_name and c.running]
    stopped = [c for c in clashing if c.project not in ("", model.project_name) and not c.running]
    in_use = next((f for f in failures if f.in_use), None)
    if any(f.no_such_address for f in failures):
        yield _say(check, target, f"names host IP {target.socket.shown_ip}, not an address of this machine",
                   Fix(f"publish '{target.service}' on an address this machine has", Safety.ADVICE))
    elif others:
        # the engine refuses a port another container publishes even when our bind succeeds
        # (userland-proxy off): its allocator, not the socket, decides
        yield _container_finding(check, target, others[0], mover)
    elif in_use is not None and ours:
        orphan = next((c for c in ours if c.service not in model.services), None)
        if orphan is not None:
            command = ("docker", "compose", "-p", model.project_name, "up", "-d", "--remove-orphans")
            yield _say(check, target, f"is held by '{orphan.name}', an orphan container of this project",
                       Fix("remove the orphan containers", Safety.UNSAFE, command=command))
    elif in_use is not None:
        yield _process_finding(check, host, target, in_use, mover)
    elif stopped:
        yield _say(check, target, f"is also published by stopped '{stopped[0].project}' service "
                   f"'{stopped[0].service}': both cannot run at once",
                   Fix(f"publish another host port for '{target.service}'", Safety.ADVICE), Severity.WARNING)


def _container_finding(check: Check, target: Target, owner: ContainerPort, mover: PortMover) -> Finding:
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
    return _say(check, target, message, mover(target.service, target.mapping, advice, alternatives=(stop,)))


def _process_finding(check: Check, host: Host, target: Target, failure: BindFailure, mover: PortMover) -> Finding:
    finding = _process_owner(check, host, target, failure)
    assert finding.fix is not None
    return replace(finding, fix=mover(target.service, target.mapping, finding.fix))


def _process_owner(check: Check, host: Host, target: Target, failure: BindFailure) -> Finding:
    sock = target.socket
    holders = host.ports.process_holders(sock)
    visible = [h for h in holders if not h.hidden]
    flag = "-lunp" if sock.protocol == "udp" else "-ltnp"
    find = Fix("find the process that holds the port", Safety.ADVICE,
               command=("sudo", "ss", flag, f"sport = :{sock.port}"))
    if not visible:
        if holders:
            return _say(check, target, f"is held by a process hidden from doctor (sudo ss {flag} "
                        f"'sport = :{sock.port}')", find)
        return _say(check, target, f"cannot be bound on {failure.address}: {failure.error}", find)
    holder = visible[0]
    stop = Fix(f"stop '{holder.name}' (pid {holder.pid}) or publish another host port", Safety.ADVICE,
               command=("kill", str(holder.pid)))
    engine = forwarder_of(holder.name, holder.cmdline)
    if engine:
        # Docker Desktop, Colima, OrbStack... forward published ports through one process: the
        # container is the owner, and only the engine that runs it can name it
        ask = Fix(f"ask {engine} which container publishes {sock.port}", Safety.ADVICE,
                  command=("docker", "ps", "--filter", f"publish={sock.port}"))
        return _say(check, target, f"is published by a container of {engine} (forwarded by '{holder.name}', "
                    f"pid {holder.pid}): docker ps --filter publish={sock.port} names it", ask)
    shown = shorten(holder.cmdline) or holder.name
    return _say(check, target, f"is held by pid {holder.pid} '{holder.name}' ({shown})", stop)


def _kernel_findings(check: Check, host: Host, target: Target, free: bool = True) -> Iterator[Finding]:
    port, prober, engine = target.socket.port, host.ports, host.engine
    if port < prober.unprivileged_port_start and engine.available and engine.rootless:
        yield _say(check, target, f"is below {prober.unprivileged_port_start}, which a rootless engine "
                   "cannot bind", Fix("publish a port above 1024", Safety.ADVICE), Severity.WARNING)
    span = prober.ephemeral_range
    # free now, it is only a risk (an outgoing connection may take it before `up`): info; taken,
    # the bind failure above already says so
    if span is not None and span[0] <= port <= span[1] and free:
        yield _say(check, target, f"lies in the ephemeral range {span[0]}-{span[1]}: free now, but an "
                   "outgoing connection may take it", Fix("publish a port below the ephemeral range",
                                                          Safety.ADVICE), Severity.INFO)


def shorten(cmdline: tuple[str, ...], width: int = 40) -> str:
    """The command line on one line, the program's directory dropped, cut to `width` characters."""
    if not cmdline:
        return ""
    text = " ".join(" ".join((cmdline[0].rsplit("/", 1)[-1], *cmdline[1:])).split())
    return text if len(text) <= width else text[: width - 1] + "…"
