"""Can a host port be bound right now, and who holds it if not.

The probe binds as the engine would (the mapping's host IP; for all interfaces both IPv4
`0.0.0.0` and, where the machine has IPv6, `::` with IPV6_V6ONLY) and closes at once. It
never connects to, signals or kills a holder. Holders are named from two sources: the
engine's container list (the published side of a container is held by `docker-proxy`, whose
pid says nothing about which container, so containers are matched by their port bindings)
and the kernel's socket table through psutil (pid, name, command line where visible, and the
address each holder's socket sits on).
"""

from __future__ import annotations

import _socket  # the C module alone: socket.py's enums and its selectors import cost ~3 ms of a preflight
import errno
import os
import stat
from functools import cached_property
from pathlib import Path

from doctor.host.engine import CONTAINER_LIST
from doctor.model import Unavailable, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.host import Host
    from doctor.host.stopped_ports import StoppedPorts

COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"
COMPOSE_WORKING_DIR = "com.docker.compose.project.working_dir"
MAX_INSPECTED = 40  # stopped containers inspected for declared ports; bounds the time on crowded hosts


def normalize_ip(ip: str) -> str:
    """"" for all interfaces, else the canonical text of the address (brackets stripped)."""
    ip = ip.strip().strip("[]")
    if not ip:
        return ""
    import ipaddress  # only for an address given

    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def ip_family(ip: str) -> int | None:
    """4 or 6 for an address, None for "" (all interfaces of both families)."""
    ip = normalize_ip(ip)
    if not ip:
        return None
    return 6 if ":" in ip else 4


def ips_overlap(a: str, b: str) -> bool:
    """Whether binds on host IPs `a` and `b` compete: "" meets all, 0.0.0.0 all IPv4, :: all IPv6."""
    a, b = normalize_ip(a), normalize_ip(b)
    if not a or not b or a == b:
        return True
    if ip_family(a) != ip_family(b):
        return False
    return a in ("0.0.0.0", "::") or b in ("0.0.0.0", "::")


@record
class HostSocket:
    """One host address a published port would bind: host IP ("" = all interfaces), port, protocol."""

    ip: str
    port: int
    protocol: str = "tcp"

    @property
    def shown_ip(self) -> str:
        ip = normalize_ip(self.ip) or "0.0.0.0"
        return f"[{ip}]" if ":" in ip else ip

    def __str__(self) -> str:
        return f"{self.shown_ip}:{self.port}/{self.protocol}"

    def overlaps(self, other: HostSocket) -> bool:
        return self.port == other.port and self.protocol == other.protocol and ips_overlap(self.ip, other.ip)


@record
class BindFailure:
    """A bind the engine would also attempt, and why it failed (errno name and text)."""

    address: str
    errno: int
    error: str

    @property
    def in_use(self) -> bool:
        return self.errno == errno.EADDRINUSE

    @property
    def no_such_address(self) -> bool:
        return self.errno == errno.EADDRNOTAVAIL

    @property
    def denied(self) -> bool:
        return self.errno in (errno.EACCES, errno.EPERM)


@record
class ProcessHolder:
    """A host process whose socket holds the port; pid None when the kernel hides it from us."""

    pid: int | None
    name: str = ""
    cmdline: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()  # its sockets' addresses on the port, as the socket table shows them (`::1`, not `::`)

    @property
    def hidden(self) -> bool:
        return self.pid is None


@record
class ContainerPort:
    """A host port a container publishes (running or paused) or declares (stopped), with its compose labels."""

    container: str
    name: str
    project: str
    service: str
    running: bool
    socket: HostSocket
    working_dir: str = ""  # the compose project's folder, as its `up` saw it (com.docker.compose.project.working_dir)
    paused: bool = False  # `docker pause`d: it keeps its ports (docker-proxy and the engine's allocation) while frozen

    @property
    def folder_gone(self) -> bool:
        """Its compose project's folder was removed while it ran (`git worktree remove --force` with the stack
        up, a deleted clone): an absolute path that is not there while its parent is (a dev container, which
        sees none of its host's folders, sees neither)."""
        folder = self.working_dir
        return bool(folder) and os.path.isabs(folder) and not os.path.isdir(folder) \
            and os.path.isdir(os.path.dirname(folder))


class PortProber:
    """Bind probes, socket owners and container port bindings, each looked up on demand."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._tables: dict[str, list[tuple[str, int, bool, int | None]] | None] = {}
        self._busy: dict[str, frozenset[int] | None] = {}
        self.probes = 0  # bind() calls made: the cost of a run, which tests bound
        # every container's name -> (compose project, running, project folder), from the listing
        # container_ports reads (one request serves both)
        self._names: dict[str, tuple[str, bool, str]] | None = None
        self._listed: list[dict[str, Any]] | None = None  # that listing itself, for running_containers

    @cached_property
    def ipv6(self) -> bool:
        """Whether this machine can bind IPv6 at all (docker then also publishes on `::`)."""
        if not _socket.has_ipv6:
            return False
        try:
            probe = _socket.socket(_socket.AF_INET6, _socket.SOCK_STREAM)
        except OSError:
            return False
        try:
            probe.bind(("::1", 0))
        except OSError:
            return False
        finally:
            probe.close()
        return True

    def bind_addresses(self, ip: str) -> tuple[str, ...]:
        """The addresses the engine binds for a mapping's host IP."""
        ip = normalize_ip(ip)
        if ip:
            return (ip,)
        return ("0.0.0.0", "::") if self.ipv6 else ("0.0.0.0",)

    def probe(self, target: HostSocket) -> tuple[BindFailure, ...]:
        """Bind each address of `target` and close at once; empty when every bind succeeded."""
        if target.protocol not in ("tcp", "udp"):
            return ()  # sctp: no portable probe; the engine will tell at start
        failures = []
        for address in self.bind_addresses(target.ip):
            self.probes += 1
            failure = _try_bind(address, target.port, target.protocol)
            if failure is not None:
                failures.append(failure)
        return tuple(failures)

    def process_holders(self, target: HostSocket) -> tuple[ProcessHolder, ...]:
        """The host processes whose sockets sit on `target` (pid None where hidden from us).

        psutil's socket table is read once per run and protocol; where it hides the pids
        (macOS without root, a /proc mounted hidepid, another user's socket) the platform's
        own tool answers instead: `lsof` on macOS, `ss` on Linux.
        """
        table = self._socket_table("udp" if target.protocol == "udp" else "tcp")
        holders: dict[int | None, ProcessHolder] = {}
        if table is not None:
            matches = [c for c in table if c[1] == target.port and ips_overlap(c[0], target.ip)]
            listening = [c for c in matches if c[2]]
            ips: dict[int | None, dict[str, None]] = {}  # each pid's addresses, in table order
            for ip, _, _, pid in listening or matches:
                ips.setdefault(pid, {})[ip] = None
            holders = {pid: _describe_process(pid, ips=tuple(where)) for pid, where in ips.items()}
            if holders and None not in holders:
                return tuple(holders.values())
        found = self.host.platform.port_holders(target.port, target.protocol)
        if found:
            # lsof/ss list every socket on the port: one on another address (127.0.0.2:P for a bind on
            # 127.0.0.1:P) does not stop ours; all are kept when none is left to name
            found = tuple(h for h in found if not h.ips or _facing(h.ips, target.ip)) or found
            # the table saw where the hidden sockets sit, not whose: a lone holder lsof/ss names holds them
            where = holders[None].ips if None in holders and len(found) == 1 else ()
            named = {h.pid: _describe_process(h.pid, h.name, _facing(h.ips, target.ip) or where)
                     for h in found if h.pid is not None}
            if named:
                return tuple(named.values())
        if table is None:
            return (ProcessHolder(None),)
        return tuple(holders.values())

    def busy_ports(self, protocol: str) -> frozenset[int] | None:
        """Every local port some socket of `protocol` sits on now (any address, any state), from the
        socket table read once per run; None when the table is hidden (then only a bind can tell).

        A port outside this set binds (in our network namespace): the live check probes only
        the ports inside it, so a 65,535-port range costs one table read, not 131,070 binds.
        """
        if protocol not in ("tcp", "udp"):
            return frozenset()  # sctp: probe() cannot judge it either
        key = f"busy:{protocol}"
        if key not in self._busy:
            table = self._socket_table(protocol)
            self._busy[key] = None if table is None else frozenset(port for _, port, _, _ in table)
        return self._busy[key]

    def _socket_table(self, kind: str) -> list[tuple[str, int, bool, int | None]] | None:
        """(ip, port, listening, pid) of every socket of `kind`, read once per run; None when hidden."""
        if kind not in self._tables:
            import psutil

            try:
                connections = psutil.net_connections(kind=kind)
            except (psutil.AccessDenied, OSError):  # macOS without root: the table itself is hidden
                self._tables[kind] = None
            else:
                self._tables[kind] = [(c.laddr.ip, c.laddr.port, kind == "udp" or c.status == psutil.CONN_LISTEN, c.pid)
                                      for c in connections if c.laddr]
        return self._tables[kind]

    def container_ports(self, exclude_project: str = "") -> tuple[ContainerPort, ...]:
        """Host ports published by running (or paused) containers, and declared by stopped compose containers.

        Stopped containers of `exclude_project` are not inspected (their ports are ours).
        Raises Unavailable when the engine cannot be asked.
        """
        engine = self.host.engine
        self._listed = None  # a listing of before is no answer now (a fix's next round reads anew)
        listed = engine.get_json(CONTAINER_LIST)
        self._listed = [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []
        found: list[ContainerPort] = []
        inspected = 0
        remembered: StoppedPorts | None = None
        self._names = {}
        # the stopped containers the loop below inspects, all asked now: the engine answers them side by side,
        # and the run waits for the slowest instead of their sum (the engine holds the inspection of a
        # container that `up` is creating or starting: 160-400 ms each, where another project was starting)
        stopped = [str(item.get("Id")) for item in self._listed if item.get("State") not in ("running", "paused")
                   and str((item.get("Labels") or {}).get(COMPOSE_PROJECT, "")) not in ("", exclude_project)]
        if stopped:
            from doctor.host.stopped_ports import StoppedPorts

            remembered = StoppedPorts(self.host.env, engine.endpoint.url if engine.endpoint else "")
            for container_id in stopped[:MAX_INSPECTED]:
                if remembered.get(container_id) is None:
                    engine.prefetch(f"/containers/{container_id}/json")
        for item in listed if isinstance(listed, list) else []:
            labels = item.get("Labels") or {}
            project = str(labels.get(COMPOSE_PROJECT, ""))
            names = item.get("Names") or [item.get("Id", "")[:12]]
            self._names[str(names[0]).lstrip("/")] = (project, item.get("State") in ("running", "paused"),
                                                      str(labels.get(COMPOSE_WORKING_DIR, "")))
            base = (str(item.get("Id", ""))[:12], str(names[0]).lstrip("/"), project,
                    str(labels.get(COMPOSE_SERVICE, "")))
            if item.get("State") in ("running", "paused"):  # a paused one holds its ports as a running one
                for port in item.get("Ports") or []:
                    if port.get("PublicPort"):
                        target = HostSocket(str(port.get("IP", "")), int(port["PublicPort"]),
                                            str(port.get("Type", "tcp")))
                        found.append(ContainerPort(*base, True, target, str(labels.get(COMPOSE_WORKING_DIR, "")),
                                                   item.get("State") == "paused"))
            elif project and project != exclude_project and inspected < MAX_INSPECTED and remembered is not None:
                inspected += 1
                found.extend(ContainerPort(*base, False, s) for s in _declared(engine, str(item.get("Id")), remembered))
        if remembered is not None:
            remembered.save({str(item.get("Id")) for item in listed if isinstance(item, dict)})
        return tuple(dict.fromkeys(found))

    def running_containers(self) -> list[dict[str, Any]]:
        """The running (or paused: it keeps its ports) compose containers as the engine lists them (their
        labels and port bindings): from the listing container_ports last read, else asked now. The run's
        port-collision asked the engine again, filtered, right after that listing: a round trip the run
        waited for (~1.5 ms of a warm preflight, every run of a project in a repository with worktrees).
        Raises Unavailable when the engine cannot be asked."""
        listed = self._listed
        if listed is None:
            import json

            from doctor.host.engine import quote

            running = quote(json.dumps({"label": [COMPOSE_PROJECT], "status": ["running", "paused"]}))
            answer = self.host.engine.get_json(f"/containers/json?filters={running}")
            listed = [item for item in answer if isinstance(item, dict)] if isinstance(answer, list) else []
        return [item for item in listed if item.get("State") in ("running", "paused")
                and (item.get("Labels") or {}).get(COMPOSE_PROJECT)]

    def container_names(self) -> dict[str, tuple[str, bool, str]]:
        """Every container on the engine by name: (its compose project or "", running, the project's
        folder). From the listing `container_ports` read; raises Unavailable like it."""
        if self._names is None:
            self.container_ports()
        return self._names or {}

    @cached_property
    def engine_elsewhere(self) -> bool:
        """True when doctor runs in a container and the engine listens in another network namespace.

        Then published ports appear in the engine's namespace (the host, with the socket
        mounted in), not ours, and a local bind proves nothing. The listening socket of an
        engine in our namespace shows in /proc/net/unix; a rootless engine's does not (it is in
        rootlesskit's), whose ports publish in rootlesskit's namespace (rootless_netns.py)."""
        endpoint = self.host.engine.endpoint
        if endpoint is None or not endpoint.socket_path:
            return False
        try:
            if not stat.S_ISSOCK(os.stat(endpoint.socket_path).st_mode):
                return False  # a regular file or a folder is no engine anywhere
        except OSError:
            return False
        table = _read_proc("/proc/net/unix")
        if not table:
            return False  # not Linux, or hidden: assume the ordinary case
        wanted = {endpoint.socket_path, os.path.realpath(endpoint.socket_path)}
        for fields in (line.split() for line in table.splitlines()[1:]):
            # a listener's (flag __SO_ACCEPTCON): a connection from here to an engine elsewhere lists the path too
            if len(fields) >= 8 and int(fields[3], 16) & 0x10000 and {fields[7], os.path.realpath(fields[7])} & wanted:
                return False
        if not self.host.context.in_container:
            return False
        from doctor.host.rootless_netns import publishes_here  # here: only inside a container

        return not publishes_here(endpoint.socket_path)

    @cached_property
    def ephemeral_range(self) -> tuple[int, int] | None:
        """The kernel's local port range for outgoing connections, when this is Linux."""
        text = _read_proc("/proc/sys/net/ipv4/ip_local_port_range")
        parts = text.split()
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return int(parts[0]), int(parts[1])
        return None

    @cached_property
    def unprivileged_port_start(self) -> int:
        """The lowest port an unprivileged process (a rootless engine) may bind."""
        text = _read_proc("/proc/sys/net/ipv4/ip_unprivileged_port_start").strip()
        return int(text) if text.isdigit() else 1024


def _try_bind(address: str, port: int, protocol: str) -> BindFailure | None:
    family = _socket.AF_INET6 if ":" in address else _socket.AF_INET
    kind = _socket.SOCK_DGRAM if protocol == "udp" else _socket.SOCK_STREAM
    try:
        sock = _socket.socket(family, kind)
    except OSError as exc:
        return BindFailure(address, exc.errno or 0, exc.strerror or str(exc))
    try:
        if kind == _socket.SOCK_STREAM:
            # a TIME_WAIT leftover is no collision (the engine sets it too); for udp the same
            # option would let us share a port its holder also opened with it, so not there
            sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        if family == _socket.AF_INET6:
            sock.setsockopt(_socket.IPPROTO_IPV6, _socket.IPV6_V6ONLY, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            return BindFailure(address, exc.errno or 0, exc.strerror or str(exc))
    finally:
        sock.close()
    return None


def _facing(ips: tuple[str, ...], target_ip: str) -> tuple[str, ...]:
    """The addresses of `ips` whose sockets can stop a bind on `target_ip`; `::` may be dual-stack (ss
    shows it `*`), which takes every IPv4 address too."""
    return tuple(ip for ip in ips if ips_overlap(ip, target_ip) or normalize_ip(ip) == "::")


def _describe_process(pid: int | None, name: str = "", ips: tuple[str, ...] = ()) -> ProcessHolder:
    """The process's name and command line where visible (`name`, from lsof/ss, when not); `ips`, where
    its sockets on the port sit."""
    if pid is None:
        return ProcessHolder(None, ips=ips)
    import psutil

    try:
        proc = psutil.Process(pid)
        if name and proc.name() != name:  # lsof/ss named another process: trust the tool that saw the socket
            return ProcessHolder(pid, name, ips=ips)
        return ProcessHolder(pid, proc.name(), tuple(proc.cmdline()), ips)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ProcessHolder(pid, name, ips=ips)


def _declared(engine: Any, container_id: str, remembered: StoppedPorts) -> list[HostSocket]:
    """The fixed host ports a stopped container would publish when started (HostConfig.PortBindings).

    Asked of the engine once per container ever (`remembered`: they cannot change); an engine that
    cannot tell now is asked again next time.
    """
    known = remembered.get(container_id)
    if known is None:
        try:
            detail = engine.get_json(f"/containers/{container_id}/json")
        except Unavailable:
            return []
        bindings = ((detail or {}).get("HostConfig") or {}).get("PortBindings") or {}
        found = []
        for key, hosts in bindings.items():
            protocol = str(key).partition("/")[2] or "tcp"
            for binding in hosts or []:
                first, _, last = str(binding.get("HostPort") or "").partition("-")
                if first.isdigit() and not last:  # a range or an ephemeral port is chosen at start
                    found.append((str(binding.get("HostIp") or ""), int(first), protocol))
        known = tuple(found)
        remembered.add(container_id, known)
    return [HostSocket(ip, port, protocol) for ip, port, protocol in known]


def _read_proc(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""

