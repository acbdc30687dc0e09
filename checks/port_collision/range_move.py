"""`fix --ports` for a host range mapped onto a container range (`"18100-18102:8100-8102"`): the block moves.

Compose expands such an entry into one mapping per port, but it is one entry: a single port of it
cannot be moved, so the fix was advice ("publish 'web' on a host port range that avoids 18100-18102")
and two worktrees of one repository never settled. The range moves whole, its container side kept,
to the first run of as many ports (above the old one, or in the worktree's block or doctor.yaml's
ports.range) that nothing publishes and that binds now (free_port's rules, port by port):
`"20008-20010:8100-8102"`, written where a literal port's move goes (the dev override's
`ports: !override`, with tracks side by side the worktree's compose.ports.yaml, else the entry's own
line). A range written with a variable, or in long syntax, stays advice. A host env file's `localhost:4511`
follows to the same offset in the new range, by the rules of one port's move (host_follow.host_follow_range).
"""

from __future__ import annotations

from doctor.model import Edit, Fix, Safety, replace
from doctor.project.types import PortMapping, Service

from .ranges import Published

TYPE_CHECKING = False
if TYPE_CHECKING:

    from doctor.host import Host
    from doctor.project import Project

    from .fix import PortMove


class RangeMover:
    """The mover of one range entry's findings (static.PortMover's call): every owner of its ports gets
    the one move of the whole range, built once; the advice where none can be written."""

    def __init__(self, project: Project, host: Host, group: Published) -> None:
        self.project, self.host, self.group = project, host, group
        self.built: list[PortMove | None] = []

    def __call__(self, service: str, mapping: PortMapping, advice: Fix, alternatives: tuple[Fix, ...] = (),
                 within: bool = False) -> Fix:
        if not self.built:
            self.built.append(range_move(self.project, self.host, self.group))
        move = self.built[0] or advice
        return replace(move, alternatives=alternatives) if alternatives or move is not advice else move


def range_move(project: Project, host: Host, group: Published) -> PortMove | None:
    """The move of `group`'s whole host range to a free run of as many ports; None where it cannot be written."""
    from doctor.host.portregistry import side_by_side, worktree_range
    from doctor.project.gitrepo import tracked
    from doctor.project.portplan import edited_name, untracked_edits

    from .compose_file import _is_long, compose_edits
    from .fix import PortMove, _exclude_file, _new_unignored
    from .free_port import RESERVED, taken_in_run
    from .plan_file import plan_file_edits

    first, count = group.mappings[0], len(group.ports)
    svc = project.services.get(group.service)
    if svc is None or not first.raw or first.variables or first.target_variables or _is_long(first):
        return None
    if (group.ports != list(range(group.ports[0], group.ports[0] + count))
            or [m.target for m in group.mappings] != list(range(first.target, first.target + count))
            or sum(p.raw == first.raw and p.location == first.location for p in svc.ports) != count):
        return None  # part of the entry is published elsewhere too: no one block to move
    ports_range = worktree_range(project, host)
    taken = taken_in_run(project, host)
    planned = _planned_start(project, svc, first, count)
    start = _free_run(host, first, count, taken, (planned, planned + count - 1)) if planned else None
    start = start or _free_run(host, first, count, taken, ports_range)
    if start is None:
        return None
    block = {(port, first.protocol) for port in range(start, start + count)}
    RESERVED.setdefault(project, set()).update(block)
    taken.update(block)
    new_raw = _range_raw(first, start, count)
    specs = range_specs(svc, first.raw, new_raw)
    version = host.compose_version
    edits, where = compose_edits(project, svc, first, start, version, specs=specs)
    if not edits:
        edits, where = _own_line(project, first, new_raw, where)
    shell: tuple[tuple[str, str], ...] = ()
    shared = sorted({edited_name(e.path) for e in edits if tracked(e.path, project)})
    routed = False  # moved off the tracked files into the untracked override (tracks side by side)
    if shared and side_by_side(project.root, host, project) is not None:
        route = compose_edits(project, svc, first, start, version, in_place=False, specs=specs)
        edits, where = untracked_edits(edits, route, start, project=project)
        routed = bool(edits)
        if not edits:
            edits, where, shell = plan_file_edits(project, svc, first, start, None, where, specs=(specs, [new_raw]))
    elif shared:
        where += f"; {', '.join(shared)} is tracked by git: this range is this machine's, keep it out of commits"
    manual: list[str] = []  # what the developer still does, named after the edits
    if edits:  # the host's env files naming a port of the range (`localhost:4510`) follow it
        edits, where, manual = _host_follow(project, host, edits, where, group.ports[0], start, count)
    named_by = (group.service, group.ports[0], first.protocol)
    if (routed or not shared) and (made := _new_unignored(project, edits, named_by)):
        manual.append(f"add {made} to {_exclude_file(project)}: this range is this machine's, keep it out of commits")
    then = f" (then, by hand: {'; '.join(manual)})" if manual else ""
    old, new = f"{group.ports[0]}-{group.ports[-1]}", f"{start}-{start + count - 1}"
    title = f"move '{group.service}' from host ports {old} to {new} ({where}){then}"
    pending = ""
    if shell and not edits:  # written by an earlier run: nothing moves again, the export is named once
        from doctor.project.portsfile import PORTS_FILE

        title = (f"publish '{group.service}' on {new}, not {old}, as {PORTS_FILE} does once compose reads it "
                 "(export COMPOSE_FILE)")
        pending = where
    elif not edits:
        return None
    return PortMove(title, Safety.SAFE if edits else Safety.ADVICE, edits, service=group.service,
                    target=first.target, protocol=first.protocol, old=group.ports[0], new=start, shell=shell,
                    pending=pending)


def _host_follow(project: Project, host: Host, edits: tuple[Edit, ...], where: str, old: int, new: int,
                 count: int) -> tuple[tuple[Edit, ...], str, list[str]]:
    """The move's edits plus those of the host env files' values naming a port of the old range
    (host_follow.host_follow_range), what they say, and the steps left by hand; with tracks side by side, a
    file git tracks is every track's: named, never written (fix._follow's rule)."""
    from .host_follow import host_follow_range, tracks_share

    followed, said, by_hand = host_follow_range(project, old, new, count, {(e.path, e.line) for e in edits},
                                                tracks_share(project, host))
    return (*edits, *followed), f"{where}; {said}" if said else where, [by_hand] if by_hand else []


def range_specs(svc: Service, raw: str, new_raw: str) -> list[str | dict[str, object]]:
    """The service's whole effective ports list (compose_file.port_specs), the range entry `raw` written once
    as `new_raw`."""
    from .compose_file import _is_long, _long, _short

    specs: list[str | dict[str, object]] = []
    seen: set[str] = set()
    for port in svc.ports:
        if _is_long(port):
            specs.append(_long(port))
        elif port.raw not in seen:
            seen.add(port.raw)
            specs.append(new_raw if port.raw == raw else port.raw or _short(port, None))
    return specs


def _range_raw(mapping: PortMapping, start: int, count: int) -> str:
    """`[IP:]START-END:TARGET-TARGET_END[/udp]`."""
    ip = mapping.host_ip
    head = f"[{ip}]:" if ":" in ip else f"{ip}:" if ip else ""
    proto = "" if mapping.protocol == "tcp" else f"/{mapping.protocol}"
    return f"{head}{start}-{start + count - 1}:{mapping.target}-{mapping.target + count - 1}{proto}"


def _free_run(host: Host, mapping: PortMapping, count: int, taken: set[tuple[int, str]],
              ports_range: tuple[int, int] | None) -> int | None:
    """The first start (free_port.candidates' order) of `count` ports that nothing publishes and that bind now."""
    from doctor.host.ports import HostSocket

    from .free_port import MAX_PROBES, candidates

    span = mapping.published_range
    old = span[0] if span else 1024
    ephemeral = host.ports.ephemeral_range
    high = ports_range[1] if ports_range is not None else 65535
    for tried, start in enumerate(candidates(old, ports_range, ephemeral)):
        if tried >= MAX_PROBES:
            break
        run = range(start, start + count)
        if start + count - 1 > high or any((p, mapping.protocol) in taken for p in run):
            continue
        if ephemeral is not None and any(ephemeral[0] <= p <= ephemeral[1] for p in run):
            continue
        if not any(host.ports.probe(HostSocket(mapping.host_ip, p, mapping.protocol)) for p in run):
            return start
    return None


def _planned_start(project: Project, svc: Service, mapping: PortMapping, count: int) -> int | None:
    """The first host port the worktree's ports file already gives the range (the COMPOSE_FILE export pending):
    a second `fix --ports` keeps it, as plan_file.planned_port does for one port."""
    from doctor.project import portsfile
    from doctor.project.ports import last_colon

    path = project.root / portsfile.PORTS_FILE
    if not path.is_file() or portsfile.reads_plan(project.compose.files, project.root):
        return None
    key = (mapping.host_ip, f"{mapping.target}-{mapping.target + count - 1}", mapping.protocol)
    for spec in portsfile.read_plan(path).get(svc.name, ()):
        if isinstance(spec, str) and portsfile.entry_key(spec) == key:
            head = spec.partition("/")[0]
            head = head[:last_colon(head)]
            first, _, last = head[last_colon(head) + 1:].partition("-")
            if first.isdigit() and last.isdigit() and int(last) - int(first) + 1 == count:
                return int(first) if first != mapping.published else None
    return None


def _own_line(project: Project, mapping: PortMapping, new_raw: str, why: str) -> tuple[tuple[Edit, ...], str]:
    """The entry's own line with `new_raw` in place of its text (no dev override is read)."""
    from .compose_file import _where, line_at

    loc = mapping.location
    line = line_at(loc.path, loc.line) if loc is not None and loc.line else None
    if loc is None or loc.line is None or line is None or line.count(mapping.raw) != 1:
        return (), why
    return (Edit(loc.path, line, line.replace(mapping.raw, new_raw), loc.line),), f"{_where(project, mapping)}, {why}"
