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

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from doctor.host import Host
from doctor.host.platform import container_listers, forwarder_of, proxy_engine_hosts, rootless_socket, same_engine
from doctor.host.ports import BindFailure, ContainerPort, HostSocket
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable, replace
from doctor.project.types import ComposeModel

from .holder import held_by, shorten
from .names import taken_name_findings
from .namesake import namesake_finding
from .pick import Judge, picked_findings, picked_ranges
from .ranges import Owned, Published, Target, fold, published
from .shared_network import shared_network_findings
from .static import PortMover

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

    from .range_move import RangeMover

    Mover = PortMover | RangeMover | None  # RangeMover: a port of a range entry, whose whole range moves

Verdict = tuple[tuple[object, ...], Finding]  # (owner key, finding about one port)
WorktreeOf = Callable[[str], str]  # a compose working_dir -> the other worktree of this repository it lies in, or ""


def live_findings(check: Check, model: ComposeModel, host: Host, mover: PortMover | None = None,
                  found_before: bool = False, cli: tuple[str, ...] = (),
                  project: Project | None = None) -> Iterator[Finding]:
    """Bind probes plus owners, and one info line when the engine could not be asked.

    `cli` is this project's compose command line as the run read it (doctor.project.service_home.
    compose_cli: its folder, -p, -f, --env-file and --profile), for the commands a finding advises;
    without it they name the project alone. `project` tells where a taken container_name is
    written (names.py: a variable's env file line); without it the advice is the override's.

    Without the engine, other projects' containers (running or stopped) went unseen: when
    nothing else was found (`found_before`: the static half found something) that raises
    Unavailable, so the check is Skipped with the reason instead of reading as a pass.
    """
    wanted, picked = published(model), picked_ranges(model)
    count = sum(len(group.ports) for group in (*wanted, *picked))
    if not count:  # no port to probe; the engine's containers (one listing) still tell the names
        namesake = namesake_finding(check, model, host, cli or ("docker", "compose", "-p", model.project_name),
                                    project)
        if namesake is not None:
            yield namesake
        yield from taken_name_findings(check, model, host, project)
        yield from shared_network_findings(check, model, host, project)
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
        if project is not None and project.options.mirrors is not None:
            # a dry run's copy: the stack this folder started is the copy's own, never another folder's
            containers = tuple(replace(c, working_dir=project.as_copied(c.working_dir)) for c in containers)
        checkouts = _worktree_of(project)
        engine_note = ""
    except Unavailable as exc:
        containers, engine_note, checkouts = (), exc.reason, _worktree_of(None)
    cli = cli or ("docker", "compose", "-p", model.project_name)
    if not engine_note:
        namesake = namesake_finding(check, model, host, cli, project)
        if namesake is not None:
            yield namesake
        yield from taken_name_findings(check, model, host, project)
        yield from shared_network_findings(check, model, host, project)
    by_port: dict[tuple[int, str], list[ContainerPort]] = {}
    for held in containers:
        by_port.setdefault((held.socket.port, held.socket.protocol), []).append(held)
    prober = _Prober(host, remote, table=count > TABLE_FROM)
    found: list[Finding] = []
    idle: list[Target] = []  # single ports nobody holds: another worktree's running stack may publish them
    for group in wanted:
        if len(group.ports) > 1:
            # the whole range moves (range_move.py) where a mover may act, each owner's finding saying so
            from .range_move import RangeMover  # here: only a project publishing a range of ports moves one

            ranged = None if mover is None or mover.project is None or mover.host is None else \
                RangeMover(mover.project, mover.host, group)
            found += fold(check, group, _range_owners(check, model, host, group, prober, by_port, cli, checkouts,
                                                      ranged))
            continue
        target = group.target(0)
        failures = prober.failures(target.socket)
        clashing = [c for c in by_port.get((target.socket.port, target.socket.protocol), ())
                    if c.socket.overlaps(target.socket)]
        found += [finding for _, finding in _judge(check, model, host, target, failures, clashing,
                                                   mover or PortMover(), cli, checkouts)]
        if not failures and not clashing:
            idle.append(target)
        if not remote:
            found += [finding for _, finding in _kernel_findings(check, host, target, free=not failures)]
    if idle and not remote and project is not None:
        from .planned import planned_findings  # here: only a port nobody holds asks the other worktrees

        found += planned_findings(check, project, host, idle, mover or PortMover())
    for group in picked if not remote else ():
        found += picked_findings(check, host, group, by_port, prober.failures, _range_judge(check, model, host, group,
                                                                                            cli, checkouts))
    yield from found
    if engine_note:
        # without the engine no other project's container (running or stopped) was seen: the
        # check looked only halfway, which must never read as a pass
        prefix = "" if engine_note.startswith("docker engine") else "docker engine unavailable: "
        if not found_before and not found:
            looked = "" if remote else f"; bind probes of {count} port{'s' if count > 1 else ''} passed"
            raise Unavailable(f"{prefix}{engine_note}{looked}")
        yield check.finding(prefix + engine_note, None, "engine", severity=Severity.INFO)


# Past this many published ports the socket table (one read, ~10-40 ms) is cheaper than a bind per
# port (a few microseconds each); below it the binds alone answer and the table is read only to
# name the owner of a port that failed.
TABLE_FROM = 256


class _Prober:
    """Bind probes only where they can fail: with `table`, ports the socket table shows busy and
    the first port of each specific host IP (is the address this machine's?); otherwise every port.
    """

    def __init__(self, host: Host, remote: bool, table: bool = True) -> None:
        self.host, self.remote, self.table = host, remote, table
        self.addresses: set[tuple[str, str]] = set()

    def busy(self, protocol: str) -> frozenset[int] | None:
        """The ports the socket table shows busy; None when every port must be bound to tell."""
        return self.host.ports.busy_ports(protocol) if self.table else None

    def failures(self, sock: HostSocket) -> tuple[BindFailure, ...]:
        if self.remote:
            return ()
        busy = self.busy(sock.protocol)
        specific = sock.ip not in ("", "0.0.0.0", "::")
        if busy is None or sock.port in busy or (specific and (sock.ip, sock.protocol) not in self.addresses):
            if specific:
                self.addresses.add((sock.ip, sock.protocol))
            return self.host.ports.probe(sock)
        return ()


def _range_owners(check: Check, model: ComposeModel, host: Host, group: Published, prober: _Prober,
                  by_port: dict[tuple[int, str], list[ContainerPort]],
                  cli: tuple[str, ...], checkouts: WorktreeOf,
                  mover: RangeMover | None = None) -> dict[tuple[object, ...], Owned]:
    """Who holds which ports of one range entry (moved whole by `mover`, else advice): a port is judged only
    where the socket table or the engine shows something (and the first, which proves the address); the kernel's facts
    (ephemeral range, rootless limit) are counted over plain port numbers. Linear, and a
    65,535-port range builds a handful of findings, not tens of thousands.
    """
    owners: dict[tuple[object, ...], Owned] = {}
    busy = prober.busy(group.protocol)
    failed: set[int] = set()
    for index, port in enumerate(group.ports):
        if index and busy is not None and port not in busy and (port, group.protocol) not in by_port:
            continue
        target = group.target(index)
        failures = prober.failures(target.socket)
        clashing = [c for c in by_port.get((port, group.protocol), ()) if c.socket.overlaps(target.socket)]
        if failures:
            failed.add(port)
        judged = _judge(check, model, host, target, failures, clashing, mover, cli, checkouts) \
            if failures or clashing else ()
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


def _range_judge(check: Check, model: ComposeModel, host: Host, group: Published, cli: tuple[str, ...],
                 checkouts: WorktreeOf) -> Judge:
    """_judge of the port at an index of `group`, a range mapping (advice: never a single-port move)."""
    def judge(index: int, failures: tuple[BindFailure, ...], clashing: list[ContainerPort]) -> list[Verdict]:
        return list(_judge(check, model, host, group.target(index), failures, clashing, None, cli, checkouts))

    return judge


def _say(check: Check, target: Target, message: str, fix: Fix, severity: Severity | None = None) -> Finding:
    """A finding about `target`, its message led by the socket and the service that publishes it."""
    lead = f"{target.socket} ('{target.service}')"
    return check.finding(f"{lead} {message}", target.mapping.location, f"port:{target.socket}", fix, severity)


def _judge(check: Check, model: ComposeModel, host: Host, target: Target, failures: tuple[BindFailure, ...],
           clashing: list[ContainerPort], mover: Mover,
           cli: tuple[str, ...], checkouts: WorktreeOf) -> Iterator[Verdict]:
    """What holds `target` (`clashing`: the containers publishing its port), keyed by owner.

    `checkouts`: the other worktree of this repository a container's compose working_dir lies in
    (_worktree_of), named with the owner.

    `mover` None: the port is one of a range mapping no move can edit (advice); a RangeMover moves its range.
    """
    others = [c for c in clashing if c.project != model.project_name and c.running]
    ours = [c for c in clashing if c.project == model.project_name and c.running]
    stopped = [c for c in clashing if c.project not in ("", model.project_name) and not c.running]
    in_use = next((f for f in failures if f.in_use), None)
    if any(f.no_such_address for f in failures):
        yield ("address",), _say(check, target, f"names host IP {target.socket.shown_ip}, not an address of "
                                 "this machine", Fix(f"publish '{target.service}' on an address this machine has",
                                                     Safety.ADVICE))
    elif others and _ran_here(others[0], model):
        yield ("container", others[0].name), _own_stack_finding(check, target, others[0], model)
    elif others:
        from .co_owner import second_owner, with_second_owner  # here: only a port another container holds

        # the engine refuses a port another container publishes even when our bind succeeds
        # (userland-proxy off): its allocator, not the socket, decides
        yield ("container", others[0].name), with_second_owner(_container_finding(check, target, others[0], mover,
                                                                                   checkouts),
                                                                second_owner(stopped, others[0].name))
    elif in_use is not None and ours:
        orphan = next((c for c in ours if c.service not in model.services), None)
        if orphan is not None:
            # its own files, env files and profiles: with others (compose.yaml alone, from another
            # folder) --remove-orphans would take the services only they define for orphans
            command = (*cli, "up", "-d", "--remove-orphans")
            yield ("orphan", orphan.name), _say(
                check, target, f"is held by '{orphan.name}', an orphan container of this project",
                Fix("remove the orphan containers", Safety.UNSAFE, command=command))
    elif (looping := _looping(host, stopped)) is not None:
        # listed as not running, yet it binds the port again at its next start (within seconds), and
        # docker-proxy may hold it already: the bind probe's pass, or its pid, says nothing here
        owner, policy = looping
        yield ("container", owner.name), _container_finding(check, target, owner, mover, checkouts, restarting=policy)
    elif in_use is not None:
        from .co_owner import second_owner, with_second_owner  # here: only a port a process holds

        key, held = _process_finding(check, host, target, failures, in_use, mover)
        yield key, with_second_owner(held, second_owner(stopped, ""))
    elif stopped:
        yield ("stopped", stopped[0].name), _stopped_finding(check, target, stopped[0], mover)


def _worktree_of(project: Project | None) -> WorktreeOf:
    """The name of the other worktree of this project's repository a compose working_dir lies in (the folder
    itself or one below it), as `doctor ports` names it, else "": the worktrees read at the first ask, only
    once a port is found held by a container."""
    known: dict[str, str] = {}
    listed: list[tuple[Path, dict[Path, str]]] = []

    def worktree(folder: str) -> str:
        if project is None or not folder:
            return ""
        if folder not in known:
            if not listed:
                repo = project.repo()
                top = repo.top.resolve() if repo is not None else Path("/")
                listed.append((top, {w.path.resolve(): w.path.name for w in (repo.worktrees() if repo else ())
                                     if w.exists and w.path.resolve() != top}))
            top, worktrees = listed[0]
            known[folder] = ""
            for there in (resolved := Path(os.path.realpath(folder)), *resolved.parents):
                if there == top:  # this checkout (a worktree may be nested in the main one): not another's
                    break
                if there in worktrees:
                    known[folder] = worktrees[there]
                    break
        return known[folder]

    return worktree


def _looping(host: Host, stopped: list[ContainerPort]) -> tuple[ContainerPort, str] | None:
    """The first of the `stopped` containers that is in a restart loop, with its restart policy."""
    from .restarting import restart_loop  # here: only a port a stopped container would publish asks

    for owner in stopped:
        policy = restart_loop(host, owner.container)
        if policy:
            return owner, policy
    return None


def _moved(mover: Mover, target: Target, advice: Fix, alternatives: tuple[Fix, ...] = ()) -> Fix:
    """The move of our host port (`fix --ports`), else `advice` carrying the `alternatives`."""
    if mover is not None:
        return mover(target.service, target.mapping, advice, alternatives=alternatives)
    return replace(advice, alternatives=alternatives) if alternatives else advice


def _stopped_finding(check: Check, target: Target, owner: ContainerPort, mover: Mover) -> Finding:
    """A stopped container of another compose project declares the port (a leftover of a renamed
    folder, or a project stopped for now): `up` fails on it only once both run, so ours moves
    (the same mover as for a running owner); removing the leftover is only ever asked.
    """
    remove = Fix(f"remove the leftover container '{owner.name}'", Safety.UNSAFE,
                 command=("docker", "rm", owner.name))
    advice = Fix(f"publish another host port for '{target.service}'", Safety.ADVICE)
    return _say(check, target, f"is also published by stopped '{owner.project}' service '{owner.service}': "
                "both cannot run at once", _moved(mover, target, advice, (remove,)), Severity.WARNING)


def _ran_here(owner: ContainerPort, model: ComposeModel) -> bool:
    """Whether another project's container was started from this folder (its compose working_dir label)."""
    from .namesake import same_folder

    return bool(owner.project) and bool(owner.working_dir) and same_folder(owner.working_dir, model.project_dir)


def _own_stack_finding(check: Check, target: Target, owner: ContainerPort, model: ComposeModel) -> Finding:
    """This folder's own stack, started under another project name (`-p`, or COMPOSE_PROJECT_NAME in another
    shell or an IDE): `up` here starts a second copy, whose ports clash with the first. Running compose under
    that name is the fix (advice); stopping that copy the other way; moving the port would run two copies."""
    name = owner.project
    use = Fix(f"run compose here as project '{name}': `export COMPOSE_PROJECT_NAME={name}` (or -p {name} on each "
              "command)", Safety.ADVICE,
              alternatives=(Fix(f"stop the copy running as '{name}'", Safety.UNSAFE,
                                command=("docker", "compose", "-p", name, "down")),))
    return _say(check, target, f"is taken by this folder's own stack, started as project '{name}' (service "
                f"'{owner.service}', container {owner.name}): `up` as project '{model.project_name}' starts a second "
                "copy", use)


def _container_finding(check: Check, target: Target, owner: ContainerPort, mover: Mover,
                       checkouts: WorktreeOf, restarting: str = "") -> Finding:
    """Another project's container holds the port: move ours (fix --ports), or stop theirs when asked.

    `restarting`: the restart policy of a container in a restart loop, which holds the port as a
    running one does (and which `docker rm` refuses: stopping it is the way).
    """
    if owner.project:
        command = ("docker", "compose", "-p", owner.project, "stop", owner.service)
        stop = Fix(f"stop '{owner.service}' of project '{owner.project}'", Safety.UNSAFE, command=command)
        message = f"is taken by '{owner.project}' service '{owner.service}' (container {owner.name})"
        if owner.paused:
            message += ", which is paused (it keeps the port while paused)"
        if restarting:
            message += f", which is restarting (restart: {restarting})" if restarting != "restart" else \
                ", which is restarting"
        if owner.folder_gone:  # the zombie of a removed worktree: its stack was never brought down
            message += f", started from {owner.working_dir}, which is gone (a removed worktree or clone)"
        elif worktree := checkouts(owner.working_dir):  # tracks side by side: the folder to go to, to stop it
            message += f", started from {owner.working_dir} (worktree '{worktree}')"
    else:
        stop = Fix(f"remove the leftover container '{owner.name}'", Safety.UNSAFE,
                   command=("docker", "rm", "-f", owner.name))
        message = f"is taken by container '{owner.name}' (not a compose container)"
        if owner.paused:
            message = f"is taken by container '{owner.name}' (not a compose container), which is paused (it keeps " \
                      "the port while paused)"
    advice = Fix(f"publish another host port for '{target.service}'", Safety.ADVICE)
    return _say(check, target, message, _moved(mover, target, advice, (stop,)))


def _process_finding(check: Check, host: Host, target: Target, failures: tuple[BindFailure, ...],
                     failure: BindFailure, mover: Mover) -> Verdict:
    key, finding = _process_owner(check, host, target, failures, failure)
    assert finding.fix is not None
    return key, replace(finding, fix=_moved(mover, target, finding.fix))


def _process_owner(check: Check, host: Host, target: Target, failures: tuple[BindFailure, ...],
                   failure: BindFailure) -> Verdict:
    """Who holds `target` on this machine (`failure`: the first of its binds that found the port in use)."""
    sock = target.socket
    holders = host.ports.process_holders(sock)
    visible = [h for h in holders if not h.hidden]
    flag = "-lunp" if sock.protocol == "udp" else "-ltnp"
    find = Fix("find the process that holds the port", Safety.ADVICE,
               command=("sudo", "ss", flag, f"sport = :{sock.port}"))
    if not visible:
        if holders:
            who = f"a process hidden from doctor (sudo ss {flag} 'sport = :{sock.port}')"
            return ("hidden",), _say(check, target, held_by(failures, sock, holders[0], who), find)
        return ("unbound", failure.error), _say(check, target, f"cannot be bound on {failure.address}: "
                                                f"{failure.error}", find)
    holder = visible[0]
    stop = Fix(f"stop '{holder.name}' (pid {holder.pid}) or publish another host port", Safety.ADVICE,
               command=("kill", str(holder.pid)))
    engine = forwarder_of(holder.name, holder.cmdline)
    if engine:
        # Docker Desktop, Colima, OrbStack... forward published ports through one process: the
        # container is the owner, and only the engine that runs it can name it
        listers = container_listers(engine, sock.port, rootless_socket(holder.pid) if engine == "a rootless engine"
                                    and holder.name in ("rootlesskit", "slirp4netns") else "")
        forwarder = f"forwarded by '{holder.name}', pid {holder.pid}"
        other, asked = _other_engine(host, holder.pid) if holder.name == "docker-proxy" else ("", "")
        if other:  # a dockerd beside the one a context or DOCKER_HOST names: `docker ps` there lists nothing
            listers = (("docker", "-H", other, "ps", "--filter", f"publish={sock.port}"),)
            engine = f"the docker engine at {other}"
            forwarder += f"), not of the engine compose uses here ({asked}"
        ask = Fix(f"ask {engine} which container publishes {sock.port}", Safety.ADVICE, command=listers[0])
        said = (f"is published by a container of {engine} ({forwarder}): "
                f"{' or '.join(' '.join(argv) for argv in listers)} names it")
        if not host.engine.available:  # not asked which: it may be this project's own, which `up` recreates
            return ("forwarder", engine), _say(check, target, said + "; the engine did not answer, so it may be "
                                               "this project's own container", ask, Severity.WARNING)
        return ("forwarder", engine), _say(check, target, said, ask)
    who = f"pid {holder.pid} '{holder.name}' ({shorten(holder.cmdline) or holder.name})"
    return ("pid", holder.pid), _say(check, target, held_by(failures, sock, holder, who), stop)


def _other_engine(host: Host, pid: int | None) -> tuple[str, str]:
    """The address of the dockerd whose docker-proxy `pid` is, and what names the engine doctor (and compose)
    asks, when the two differ: a context or DOCKER_HOST naming a user's rootless engine beside the system's;
    ("", "") otherwise."""
    endpoint = host.engine.endpoint
    hosts = proxy_engine_hosts(pid)
    if endpoint is None or not hosts or same_engine(endpoint.url, hosts):
        return "", ""
    return next((h for h in hosts if h.startswith("unix://")), hosts[0]), endpoint.source


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
    title = (f"publish a host port of {start} or above, or lower net.ipv4.ip_unprivileged_port_start "
             f"to {target.socket.port} (sysctl, as root)")
    return _say(check, target, f"is below {start}, which a rootless engine cannot bind",
                Fix(title, Safety.ADVICE), Severity.WARNING)


def _ephemeral(check: Check, span: tuple[int, int], target: Target) -> Finding:
    return _say(check, target, f"lies in the ephemeral range {span[0]}-{span[1]}: free now, but an outgoing "
                "connection may take it", Fix("publish a port below the ephemeral range", Safety.ADVICE),
                Severity.INFO)
