"""A checkout in `doctor ports`' map: the host ports its compose model and its own commands publish, who holds each.

A checkout's compose project is read as compose reads it there (checkout: the same -f files, --env-file and
profiles in every checkout, its block of the port plan, its compose.ports.yaml); a project compose cannot read or
refuses says so instead of publishing no port. Who holds a port now (holder): the checkout's own container ("ours"),
another container with its compose project, a host process, or nobody; a docker-proxy of an engine that did not
answer is FORWARDED, whose not known.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host
    from doctor.host.ports import ContainerPort
    from doctor.project import Project
    from doctor.project.portplan import Block


@record
class Published:
    """One host port a checkout's compose model publishes, and who holds it now."""

    service: str
    port: int
    target: int
    protocol: str
    holder: str  # "" = free; "ours" = this checkout's own container; else a description
    host_ip: str = ""  # the interface it binds ("" = all of them): 127.0.0.1 or ::1 is not every client's

    @property
    def bound_on(self) -> str:
        """`127.0.0.1:` or `[::1]:` before the port where it binds one address, "" on all interfaces."""
        from doctor.host.ports import normalize_ip

        ip = normalize_ip(self.host_ip)
        if ip in ("", "0.0.0.0", "::"):
            return ""
        return f"[{ip}]:" if ":" in ip else f"{ip}:"


@record
class RunPublished:
    """One host port a command of the checkout publishes while it runs (kitsune's `make docs`:
    `docker compose run -p 8001:8001 web ...`), where it is written, and who holds it now."""

    origin: str  # make target 'docs'
    where: str  # Makefile:9
    port: int
    target: int
    protocol: str
    holder: str


@record
class Checkout:
    """A worktree or clone: its compose project folder, project name, branch, block, published ports."""

    path: Path
    name: str  # the checkout's top folder name (track-a), what the clash lines call it
    kind: str  # worktree / clone
    branch: str
    project: str
    block: str
    ports: tuple[Published, ...]
    problem: str = ""
    containers: tuple[str, ...] = ()  # the fixed `container_name`s of its services
    # (container_name, the variable it is written with): linkding's `${LD_CONTAINER_NAME:-linkding}`
    named_by: tuple[tuple[str, str], ...] = ()
    # (name, key) of the networks compose creates under a fixed `name:` (ComposeModel.fixed_networks)
    networks: tuple[tuple[str, str], ...] = ()
    unread: bool = False  # compose cannot read its files: what it publishes is not known
    # the ports its own commands publish (doctor.project.command_ports): shown, never a clash of their
    # own (the same recipe is in every checkout, and `fix --ports` only keeps off them)
    commands: tuple[RunPublished, ...] = ()
    plan: str = ""  # its compose.ports.yaml (doctor.project.portsfile.plan_state): read, or the export pending
    export: str = ""  # the COMPOSE_FILE to export there for compose to read it ("" once it does, or without one)
    planned: tuple[int, ...] = ()  # the host ports its compose.ports.yaml publishes, sorted



def checkout(path: Path, name: str, kind: str, branch: str, block: Block | None,
              held: dict[tuple[int, str], list[ContainerPort]], homes: dict[str, str], host: Host,
              env: dict[str, str], files: tuple[Path, ...] = (), project_name: str | None = None,
              profiles: tuple[str, ...] = (), env_files: tuple[Path, ...] | None = None,
              projects: list[Project] | None = None) -> Checkout:
    from doctor.project import Project, ProjectOptions
    from doctor.project.container_names import name_variables
    from doctor.project.portsfile import plan_state

    if not path.is_dir():
        return Checkout(path, name, kind, branch, "", str(block or "none"), (), "no such folder in this checkout")
    missing = next((f for f in files if not f.is_file()), None)
    if missing is not None:
        return Checkout(path, name, kind, branch, "", str(block or "none"), (),
                        f"no {os.path.relpath(missing, path)} in this checkout")
    project = Project(ProjectOptions(path=path, files=files, profiles=profiles, project_name=project_name, env=env,
                                     env_files=env_files))
    model = project.compose
    if projects is not None:
        projects.append(project)
    if not model.files:
        return Checkout(path, name, kind, branch, "", str(block or "none"), (), "no compose file")
    published = []
    for service_name, service in sorted(model.services.items()):
        for mapping in service.ports:
            span = mapping.published_range
            if span is None or span[0] != span[1]:
                continue
            ours = model.project_name if homes.get(model.project_name, str(path)) == str(path) else ""
            holder = _holder(span[0], mapping.protocol, mapping.host_ip, ours, held, host)
            published.append(Published(service_name, span[0], mapping.target, mapping.protocol, holder,
                                       mapping.host_ip))
    containers = tuple(sorted({s.container_name for s in model.services.values() if s.container_name}))
    named_by = tuple(sorted({(s.container_name, variables[0]) for s in model.services.values()
                             if s.container_name and len(variables := name_variables(project, s)) == 1}))
    off = len(model.disabled_services)
    # hoppscotch puts every service in a profile: "publishes no fixed host port" alone hid why
    names = sorted({p for service in model.profiled.values() for p in service.profiles})
    shown = ", ".join(f"'{n}'" for n in names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    hint = "" if published or not off else (
        f"publishes no fixed host port with the active profiles ({off} service{'s' if off != 1 else ''} "
        f"in profiles that are off: add --profile NAME, one of {shown})" if names else
        f"publishes no fixed host port with the active profiles ({off} service{'s' if off != 1 else ''} "
        "in profiles that are off: add --profile NAME)")
    from doctor.project.portsfile import planned_ports
    from doctor.project.types import ProblemKind

    plan, export = plan_state(path, model.files, env)
    unread = next((p for p in model.problems if p.kind in (ProblemKind.YAML, ProblemKind.UNREADABLE)), None)
    # a project compose refuses (`ports: ["abc:80"]`, services as a list, an include cycle) was a ✓
    refused = unread or next((p for p in model.problems if p.kind is not ProblemKind.LIMIT), None)
    if refused is not None:  # not "no fixed host port": what it publishes is not known
        where = ""
        if refused.location and refused.location.path:  # compose.yaml:6, as preflight names it
            line = refused.location.line
            where = f"{project.shown(refused.location.path)}{f':{line}' if line else ''}: "
        hint = (f"compose cannot read it ({where}{refused.message}): its ports are not known" if unread else
                f"compose refuses it ({where}{refused.message}): `up` fails there, its ports are not sure")
    return Checkout(path, name, kind, branch, model.project_name, str(block or "none"), tuple(published), hint,
                    containers=containers, unread=refused is not None, named_by=named_by,
                    networks=tuple(sorted((name, key) for key, name in model.fixed_networks.items())),
                    commands=_command_ports(project, held, host), plan=plan, export=export,
                    planned=tuple(planned_ports(path)) if plan else ())


def _command_ports(project: Project, held: dict[tuple[int, str], list[ContainerPort]],
                   host: Host) -> tuple[RunPublished, ...]:
    from doctor.project.command_ports import command_ports

    ours = project.compose.project_name
    return tuple(RunPublished(p.origin, project.shown(p.location.path) + f":{p.location.line}", p.port, p.target,
                              p.protocol, _holder(p.port, p.protocol, "", ours, held, host))
                 for p in command_ports(project))


def _holder(port: int, protocol: str, ip: str, project: str, held: dict[tuple[int, str], list[ContainerPort]],
            host: Host) -> str:
    from doctor.host.ports import HostSocket

    containers = held.get((port, protocol), [])
    if project and any(c.project == project for c in containers):
        return "ours"
    if containers:
        c = containers[0]
        return f"'{c.project}' service '{c.service}' ({c.name})" if c.project else f"container {c.name}"
    busy = host.ports.busy_ports(protocol)  # one socket-table read: a port no socket sits on binds
    if (busy is not None and port not in busy) or not host.ports.probe(HostSocket(ip, port, protocol)):
        return ""
    owners = host.ports.process_holders(HostSocket(ip, port, protocol))
    seen = [o for o in owners if not o.hidden]
    if seen and host.engine.reason:
        from doctor.host.platform import forwarder_of

        engines = {forwarder_of(o.name, o.cmdline) for o in seen}
        if "" not in engines:  # docker-proxy for a container of an engine that did not answer: whose, not known
            return f"{FORWARDED}{', '.join(sorted({o.name for o in seen}))}"
    named = [f"pid {o.pid} {o.name}" for o in seen]
    return ", ".join(named) if named else "a process hidden from doctor"


# a holder that forwards a container's port (docker-proxy) while the engine could not be asked which one: maybe
# the checkout's own, so no clash; `?` and the forwarders' names
FORWARDED = "?"
