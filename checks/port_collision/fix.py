"""`doctor fix --ports`: choose a free host port for a colliding mapping, and write it where compose reads it.

Where it goes: a published port written as a variable (`"${TRAEFIK_PORT:-8094}:80"`) is set
in the project's `.env` (that line's value only, or a new line); a literal one goes to the dev
override as `ports: !override [...]` - compose appends an override's ports to the base list,
so without the tag (compose < 2.24.4) the old binding would stay; where only the override
writes the service's ports there is nothing to append to, and the list stays untagged
(override_tag.py) - or, where the tag is not supported or no override would be read
(-f / COMPOSE_FILE), into the mapping's own line.
Only the host side moves; the container side, and every peer that reaches the service on
the network, are untouched (a peer that reads the same variable keeps today's value in the dev
override's environment: checks/port_collision/pins.py; where today's value is the host port,
a leak, the server's container port instead). Where the author wrote one variable on both sides
(`"${DB_PORT:-5432}:${DB_PORT:-5432}"`, DefectDojo's `target:` and `published:
${DD_DATABASE_PORT:-5432}`) the variable is left alone - a new value would move the container
port too, where postgres does not listen - and the mapping is rewritten with literals instead
(`published: 5433`, `target: 5432`), in the dev override or on its own lines; unless the service's
environment gets the variable (jitsi's jvb: `JVB_PORT`, the port it listens on and tells clients):
then the .env value moves both sides, as the author tied them. A tcp+udp pair on one host port
and container port (hedgedoc's HTTPS and HTTP/3 on 443: checks/port_collision/pair.py) moves
together, to a port free for both. The port chosen is
deterministic: the first one above the old port (or in the configured range) that is >= 1024,
outside the kernel's ephemeral range, published by no container on this machine nor elsewhere
in the project (its own `docker compose run -p X:Y` recipes included: doctor.project.command_ports)
nor by another worktree of its repository (its override and .env as written: siblings.py, what
`doctor ports` reads), and bindable now.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import weakref
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.host.portregistry import side_by_side
from doctor.lazyre import lazy
from doctor.model import Edit, Fix, Safety, Unavailable, record, relative_to, replace, service_names
from doctor.project.edits import edit_root, interpolated_at
from doctor.project.gitrepo import tracked
from doctor.project.portplan import edited_name, untracked_edits
from doctor.project.ports import last_colon
from doctor.project.reading import COMPOSE_LIMIT, is_dir, read_text
from doctor.project.types import PortMapping, Service
from doctor.project.wholefile import is_whole_file

from .code_ports import old_port_in_code
from .follow import follow_edits, host_follow_edits, into_override, own_port_notes, shared_note, template_hints
from .override_tag import needs_override_tag, others_may_publish
from .pair import protocol_partner
from .pins import pin_edit
from .plan_file import pending_title, plan_file_edits, planned_port

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.host import Host
    from doctor.project import Project

OVERRIDE_TAG_SINCE = (2, 24, 4)
# ports already chosen for other findings of the same preflight (one Project per run), so two
# collisions fixed together never move onto the same free port
_RESERVED: weakref.WeakKeyDictionary[Project, set[tuple[int, str]]] = weakref.WeakKeyDictionary()
_TAKEN: weakref.WeakKeyDictionary[Project, tuple[Host, set[tuple[int, str]]]] = weakref.WeakKeyDictionary()
# a tcp+udp pair's move by (service, host address, port, container port): when both protocols are
# held, both findings carry the one move (the fixer plans a fix several findings share once)
_PAIRS: weakref.WeakKeyDictionary[Project, dict[tuple[str, str, int, int], PortMove]] = weakref.WeakKeyDictionary()
MAX_PROBES = 500  # bind probes per port before giving up (each takes microseconds)


@record
class PortMove(Fix):
    """A Fix that moves `service`'s host port `old` (container `target`) to `new`.

    Its `alternatives` are other repairs (stopping the container that holds the port) that the
    fixer offers on a terminal only: never by default, never with --yes alone. Its verify step
    proves that the reloaded project (and `docker compose config`) publish the new port, for
    `protocol` and, when a tcp+udp pair moved together, `paired`.
    """

    service: str = ""
    target: int = 0
    protocol: str = "tcp"
    old: int = 0
    new: int = 0
    paired: str = ""  # the other protocol of a tcp+udp pair on the same ports, moved with it
    # what the worktree's shell must still export for compose to read the edits (COMPOSE_FILE naming
    # compose.ports.yaml where .env is tracked): the fixer verifies with it set, and prints it once
    shell: tuple[tuple[str, str], ...] = ()
    pending: str = ""  # an earlier run wrote the move, compose does not read it yet: the one line saying so
    target_moves: bool = False  # one variable on both sides, which the server is told: its port moves too

    @property
    def protocols(self) -> tuple[str, ...]:
        """The protocols the move publishes on `new`: its own, and its pair's."""
        return (self.protocol, self.paired) if self.paired else (self.protocol,)

    def __post_init__(self) -> None:
        if self.verify is None and self.new:
            object.__setattr__(self, "verify", lambda project: verify_port_move(project, self))


def port_fix(project: Project, host: Host, service: str, mapping: PortMapping, *,
             ports_range: tuple[int, int] | None = None, alternatives: tuple[Fix, ...] = (),
             compose_version: tuple[int, int, int] | str | None = "detect", range_name: str = "",
             within: bool = False) -> Fix | None:
    """The Fix that publishes `mapping` of `service` on a free host port; None when it has no fixed port.

    An ADVICE Fix says why no edit can be written (shell variable wins over .env, host
    range, nothing free). `compose_version` "detect" asks the host (`docker compose version`),
    only for an override edit. `range_name` says where `ports_range` comes from (static.range_origin),
    for the advice when none of its ports is free. `within`: two services of the project publish
    the port (mathesar's dev-service and test-service on 8000), the same clash on every machine:
    the move is the team's to commit, not this machine's alone.
    """
    old_range = mapping.published_range
    svc = project.services.get(service)
    if old_range is None or svc is None:
        return None
    if old_range[0] != old_range[1]:
        return Fix(f"publish '{service}' on another host port range than {mapping.published}", Safety.ADVICE)
    old = old_range[0]
    version: tuple[int, int, int] | str | None = compose_version
    twin = _override_twin(project, host, svc, mapping)
    if twin is not None:  # the author already moved it in the override: keep their port, drop ours
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = _compose_edits(project, svc, mapping, None, version)
        title = (f"publish '{service}' only on {twin.published}, the port its override already gives it, "
                 f"not also on {old} ({where})")
        return PortMove(title, Safety.SAFE if edits else Safety.ADVICE, edits, alternatives=alternatives,
                        service=service, target=mapping.target, protocol=mapping.protocol, old=old,
                        new=int(twin.published or 0))
    variable = port_variable(project, mapping)
    # HTTPS and HTTP/3 on one port (hedgedoc's "443:443" and "443:443/udp") move together, to a port
    # free for both; unless only one of them is written with the variable (then each moves on its own)
    partner = protocol_partner(svc, mapping)
    if partner is not None and port_variable(project, partner) != variable:
        partner = None
    protocols = (mapping.protocol, *([partner.protocol] if partner is not None else []))
    pair_key = (service, mapping.host_ip, old, mapping.target)
    if partner is not None and (moved := _PAIRS.get(project, {}).get(pair_key)) is not None:
        return replace(moved, alternatives=alternatives)
    handed_out = _RESERVED.setdefault(project, set())
    taken = _taken(project, host)
    # the port the worktree's ports file already gives it (the export pending): kept while it is free
    planned = planned_port(project, service, mapping)
    new = choose_port(host, mapping, taken, (planned, planned), protocols) if planned else None
    new = new or choose_port(host, mapping, taken, ports_range, protocols)
    if new is not None:
        handed_out.update((new, protocol) for protocol in protocols)
        taken.update((new, protocol) for protocol in protocols)
    if new is None:
        title = f"publish '{service}' on another host port ({_none_free(old, ports_range, range_name)})"
        return PortMove(title, Safety.ADVICE, alternatives=alternatives, service=service, target=mapping.target,
                        protocol=mapping.protocol, old=old)
    told = bool(variable) and _told(svc, variable)
    # monica's laravel.queue and laravel.cron merge laravel.test (`<<: *app`) with its `${APP_PORT:-80}:80`:
    # a new APP_PORT moves all three, the clash with it; this service's mapping gets a literal instead
    sharers = [] if not variable else _sharing(project, service, variable)
    if sharers:
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = _compose_edits(project, svc, mapping, new, version, partner)
        where += f"; {variable} kept, which {service_names(sharers)} publish{'es' if len(sharers) == 1 else ''} too"
        variable = ""
    elif variable and _container_side_is(mapping, variable) and not told:
        # `${DB_PORT:-5432}:${DB_PORT:-5432}`: a new value would move postgres's container port too,
        # where it does not listen; the mapping is written with literals instead, the variable kept
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = _compose_edits(project, svc, mapping, new, version, partner)
        where += f"; container port {mapping.target} kept, not ${{{variable}}}, which would move it too"
        variable = ""
    elif variable:
        edits, where = env_edits(project, variable, variable_value(project, mapping, variable, new))
        if told and _container_side_is(mapping, variable):
            # jitsi's jvb: `${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp` and `JVB_PORT` in its environment:
            # the server listens on (and tells clients) the port it is told, so both sides move together
            where += f"; the container side too: both sides are ${{{variable}}}, which {service!r} is told"
        elif edits and (pinned := pin_edit(project, variable, old, svc, mapping.target)) is not None:
            # containers dial the container port; a reader building the site's address follows (public_port)
            edits, where = (*edits, *filter(None, (pinned[0],))), f"{where}; {pinned[1]}"
    else:  # only an override edit depends on the compose version: asked only then
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = _compose_edits(project, svc, mapping, new, version, partner)
    exclude = ""
    shell: tuple[tuple[str, str], ...] = ()
    # with tracks side by side, a track's own port never goes into a file git shares with the others
    shared = sorted({edited_name(e.path) for e in edits if tracked(e.path)})
    if shared and side_by_side(project.root, host) is not None:
        version = host.compose_version if compose_version == "detect" else compose_version
        assert not isinstance(version, str)
        override_route = _compose_edits(project, svc, mapping, new, version, partner, in_place=False)
        edits, where = untracked_edits(edits, override_route, new, variable)
        if not edits and not variable:  # the tracked files stay as they are: the worktree's own file holds it
            edits, where, shell = plan_file_edits(project, svc, mapping, new, partner, where)
    elif shared and not within:  # one checkout: the edit is right here, and is this machine's port, not the team's
        where += f"; {', '.join(shared)} is tracked by git: this port is {_whose_port(host)}, keep it out of commits"
    elif not within and (made := _new_unignored(edits)):  # a new override: `git add -A` would commit it
        exclude = f"add {made} to .git/info/exclude: this port is {_whose_port(host)}, keep it out of commits"
    manual: list[str] = []  # what the developer still does: named after the edits, never as if applied
    if edits:  # the site's own URL (`TAIGA_DOMAIN=localhost:9000`) follows its host port
        edits, where, manual = _follow(project, host, edits, where, old, new, svc)
        where += _default_port_note(svc, old, new)
        # what the move leaves to the developer, apart from what it writes (an "applied" line must not
        # read as if doctor had set them): a key the env template shows commented out for the old port
        # (docker-flask-example's SERVER_NAME), the code naming the old address (djangoproject's
        # PARENT_HOST, a webpack publicPath)
        manual += [m for m in (template_hints(project, old, new), old_port_in_code(project, svc, old, new)) if m]
    safety = Safety.SAFE if edits else Safety.ADVICE
    together = f", {' and '.join(sorted(protocols))} together" if partner is not None else ""
    manual += [exclude] if exclude else []
    then = f" (then, by hand: {'; '.join(manual)})" if manual else ""
    title = f"move '{service}' from host port {old} to {new}{together} ({where}){then}"
    pending = ""
    if shell and not edits:  # written by an earlier run: nothing moves again, the export is named once
        title, pending = pending_title(service, old, new), where
    move = PortMove(title, safety, edits, alternatives=alternatives, service=service, target=mapping.target,
                    protocol=mapping.protocol, old=old, new=new,
                    target_moves=told and _container_side_is(mapping, variable),
                    paired=partner.protocol if partner is not None else "", shell=shell, pending=pending)
    if partner is not None:
        _PAIRS.setdefault(project, {})[pair_key] = move
    return move


def _whose_port(host: Host) -> str:
    """Whose the moved port is: this machine's, or, with a remote engine (which publishes it on its own
    machine: live.py compares only its bindings), that machine's, named as DOCKER_HOST or the context does."""
    endpoint = host.engine.endpoint  # read from DOCKER_HOST or the context: nothing connects
    if endpoint is None or endpoint.is_local:
        return "this machine's"
    from urllib.parse import urlsplit

    return f"{urlsplit(endpoint.url).hostname or endpoint.url}'s (the remote engine's machine)"


def with_alternatives(project: Project, move: Fix, service: str, mapping: PortMapping) -> Fix:
    """The move of a held port with the services that publish it too as alternatives of `service`
    (a catalogue's mailcatcher and mailhog, neither starting the other: users run one at a time)
    moved with it to the same new port, in the same edit of the dev override: moved one by one, the
    second kept the held port (the finding stayed, "NOT fixed"), and the pair no longer clashing
    turned the catalogue's other alternatives (apache beside nginx) from notes into moves. `move`
    unchanged where it is no single rewrite of the override, or no alternative publishes the port."""
    from doctor.project.edits import dev_override
    from doctor.project.yamledit import YamlEditError, override_ports, whole_file_edit

    from .static import find_clashes

    if not isinstance(move, PortMove) or not move.new or not move.edits:
        return move
    clash = next((c for c in find_clashes(project.services) if c.port == move.old and service in c.services
                  and not c.linked and not c.via_range), None)
    others = [c for c in clash.claims if c.service != service and c.mapping.protocol == mapping.protocol] if (
        clash is not None) else []
    if not others:
        return move
    override = dev_override(project)
    first = move.edits[0]
    if len(move.edits) == 1 and first.path == override and isinstance(first.new, str) and is_whole_file(first):
        text = first.new  # the override's whole text: the others' lists set in it too
        try:
            for claim in others:
                svc = project.services[claim.service]
                text = override_ports(text, claim.service, port_specs(svc, claim.mapping, move.new),
                                      use_override_tag=needs_override_tag(project, svc, override))
        except (YamlEditError, KeyError):
            return move
        edit = whole_file_edit(override, text)
        if edit is None:
            return move
        edits: tuple[Edit, ...] = (edit,)
    elif not any(is_whole_file(e) for e in move.edits):
        # each mapping's own line (laradock's mailcatcher/compose.yml and mailhog/compose.yml, no override read)
        own = _own_lines([claim.mapping for claim in others], move.new)
        if own is None or {(e.path, e.line) for e in own} & {(e.path, e.line) for e in move.edits}:
            return move
        edits = (*move.edits, *own)
    else:
        return move
    names = " and ".join(repr(c.service) for c in others)
    title = move.title.replace(f"move '{service}' from host port {move.old} to {move.new}",
                               f"move '{service}' and its alternative{'s' if len(others) > 1 else ''} {names} "
                               f"from host port {move.old} to {move.new}", 1)
    return replace(move, title=title, edits=edits)


def _new_unignored(edits: tuple[Edit, ...]) -> str:
    """The files the edits create in a git work tree that git does not ignore, named ('' if none)."""
    from doctor.project.portplan import git_ignored

    made = {e.path.name for e in edits if not os.path.exists(e.path) and git_ignored(e.path) is False}
    return ", ".join(sorted(made))


def _none_free(old: int, ports_range: tuple[int, int] | None, range_name: str) -> str:
    """Why no port was chosen: the configured range (or the worktree's block) has none free, named,
    since widening it is the user's fix; else the search around `old` gave up."""
    if ports_range is None:
        return f"no free port found near {old}"
    named = range_name or f"the range {ports_range[0]}-{ports_range[1]}"
    if ports_range[1] - ports_range[0] + 1 > MAX_PROBES:
        return f"none of the first {MAX_PROBES} ports tried in {named} is free"
    return f"every port of {named} is taken: widen it"


def _follow(project: Project, host: Host, edits: tuple[Edit, ...], where: str, old: int,
            new: int, svc: Service) -> tuple[tuple[Edit, ...], str, list[str]]:
    """The move's edits plus those of the values naming `localhost:old` (checks/port_collision/follow.py),
    what they say, and the steps left to the developer; with tracks side by side, none in a file git
    shares (the other tracks keep their port). The moved service's own values naming it that do not
    follow (follow.own_port_notes) and the host env files doctor may not write are such steps."""
    from doctor.project.edits import dev_override

    edited = {(e.path, e.line) for e in edits}
    # with tracks side by side, a file git tracks is every track's: its lines are left to the developer
    # (the engine is asked only for a tracked file)
    beside: list[bool] = []

    def shared(path: Path) -> bool:
        if not tracked(path):
            return False
        if not beside:
            beside.append(side_by_side(project.root, host) is not None)
        return beside[0]

    followed, said, left = follow_edits(project, old, new, svc.name, frozenset(edited), shared)
    followed = tuple(e for e in followed if (e.path, e.line) not in edited)
    moving = edited | {(e.path, e.line) for e in followed}  # what follows, here or set in the override
    override = dev_override(project)
    # the override's whole text (its ports list set); a line of it moved in place is a line edit
    move = next((e for e in edits if e.path == override and is_whole_file(e)), None)
    joined = False
    if move is not None and followed:  # moved in the override: what follows goes there too
        combined, followed = into_override(project, move, followed, old, new, svc.name)
        if combined is not move:
            edits, joined = tuple(combined if e is move else e for e in edits), True
            said += f" (in {project.shown(combined.path)})"
    # and the host's own env files: an app run on the host dials the published port itself
    on_host, host_said, by_hand = host_follow_edits(project, old, new,
                                                    edited | {(e.path, e.line) for e in followed}, shared)
    followed, said = (*followed, *on_host), "; ".join(filter(None, (said, host_said)))
    if left:
        by_hand = "; ".join(filter(None, (shared_note(old, new, left), by_hand)))
    # pontoon's `8000:8000` with server.env's `LOG_URL=http://localhost:8000`: its own port, or the browser's?
    noted = own_port_notes(project, svc, old, new, moving | {(e.path, e.line) for e in followed})
    manual = [m for m in (by_hand, noted) if m]
    if not followed:
        said = said if host_said or by_hand or joined else ""
        return edits, f"{where}; {said}" if said else where, manual
    return (*edits, *followed), f"{where}; {said}" if said else where, manual


def _default_port_note(svc: Service, old: int, new: int) -> str:
    """What the move means for programs on the host when `old` is the server's default port: a
    host-run app (spring-petclinic's `jdbc:postgresql://localhost/petclinic`, a Rails database.yml
    without a port) dials it without naming it, and after the move reaches whatever holds it."""
    from doctor.project.env_hosts import FAMILIES
    from doctor.project.service_network import service_family

    family = service_family(svc)
    if family is None or FAMILIES[family][0] != old:
        return ""
    # a dev mail catcher (mailpit, mailhog) takes SMTP on 1025: no default of SMTP's own (25)
    port = f"{svc.image.split(':')[0].rsplit('/', 1)[-1] if svc.image else 'the mail catcher'}'s SMTP port" if (
        family == "smtp") else f"{family}'s default port"
    return f"; host programs using {port} {old} must now name {new}"


def _sharing(project: Project, service: str, variable: str) -> list[str]:
    """The other enabled services whose published port is `variable` too (a mapping a YAML merge key
    copies: `<<: *app`), which a new value would move along."""
    return sorted(name for name, other in project.services.items() if name != service
                  and any(variable in m.variables and _interpolates(_sides(m)[0], variable) for m in other.ports))


def _interpolates(side: str, name: str) -> bool:
    """Whether a side of a port mapping (`${WEB_PORT:-8000}`) interpolates the variable `name`."""
    return re.search(rf"\$\{{?{re.escape(name)}\b", side) is not None


def _told(svc: Service, variable: str) -> bool:
    """Whether the service's own environment gets `variable` (jitsi's jvb lists `JVB_PORT`): the
    server is told the port, and listens where it says."""
    return any(var.name == variable or variable in var.variables for var in svc.environment.values())


def _container_side_is(mapping: PortMapping, variable: str) -> bool:
    """Whether the container side is `variable` as well (`${P:-10000}:${P:-10000}/udp`; in long
    syntax, a `target: ${P}` beside `published: ${P}`, never DefectDojo's literal `target: 8080`)."""
    return variable in mapping.target_variables


def _sides(mapping: PortMapping) -> tuple[str, str]:
    """A short spec's host side and container side, split at the last `:` outside `${...}` (`:-` is
    inside); a bare port is all container side. A long entry's raw text is its `published:` value
    alone (DefectDojo's `published: ${DD_PORT:-8080}` beside `target: 8080`): all host side."""
    last = last_colon(mapping.raw)
    if last >= 0:
        return mapping.raw[:last], mapping.raw[last + 1:]
    return (mapping.raw, "") if mapping.published is not None else ("", mapping.raw)


def _is_long(port: PortMapping) -> bool:
    """Whether `port` was written in long syntax: it publishes a port and its raw text (the
    `published:` value) has no `:` outside `${...}`, as every short spec publishing one has."""
    return port.published is not None and last_colon(port.raw) < 0


def _taken(project: Project, host: Host) -> set[tuple[int, str]]:
    """taken_ports and the ports handed out so far, gathered once per (project, host) of a run: every
    clash asking the engine and summing every service's ports again was quadratic in clashes x services."""
    cached = _TAKEN.get(project)
    if cached is None or cached[0] is not host:
        cached = (host, taken_ports(project, host) | _RESERVED.get(project, set()))
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


def port_variable(project: Project, mapping: PortMapping) -> str:
    """The project variable that holds the published port (`${TRAEFIK_PORT:-8094}`), or ""."""
    values = project.compose.variables
    found = []
    host_side = _sides(mapping)[0]
    for name in mapping.variables:
        if host_side and not _interpolates(host_side, name):
            continue  # the container side's `${PORT:-8000}` in `${WEB_PORT:-8000}:${PORT:-8000}`
        held = _held(values, mapping, name)
        if held is not None and held in _published_forms(mapping):
            found.append(name)
    return found[0] if len(found) == 1 else ""


def _published_forms(mapping: PortMapping) -> tuple[str, ...]:
    """What a variable holding the published port may hold: the port, or with its host address
    (docker-flask-example's `DOCKER_WEB_PORT_FORWARD=127.0.0.1:8000` in `${...}:${PORT:-8000}`)."""
    port = mapping.published or ""
    if not mapping.host_ip:
        return (port,)
    return port, f"{mapping.host_ip}:{port}", f"[{mapping.host_ip}]:{port}"


def _held(values: Mapping[str, str | None], mapping: PortMapping, name: str) -> str | None:
    """What the variable holds: its value, else the default the mapping gives it (`${NAME:-8094}`);
    that default too where `:-` stands for an empty value (frappe_docker's example.env
    `HTTP_PUBLISH_PORT=` under `${HTTP_PUBLISH_PORT:-8080}`: its line is where the port is set)."""
    value = values.get(name)
    default = re.search(rf"\$\{{{re.escape(name)}(:?)-([^}}]*)\}}", mapping.raw)
    if value == "" and default is not None and default[1]:
        return default[2]
    return value if value is not None else default[2] if default else None


def variable_value(project: Project, mapping: PortMapping, name: str, new: int) -> str:
    """The variable's new value: the new port, with the host address it held (`127.0.0.1:8001`)."""
    held = _held(project.compose.variables, mapping, name)
    address, colon, _ = (held or "").rpartition(":")
    return f"{address}{colon}{new}" if colon else str(new)


def env_edits(project: Project, name: str, new: str) -> tuple[tuple[Edit, ...], str]:
    """The edit that sets `name` to `new` where compose reads it (its line in the env file, else a new one),
    and where that is; no edit, and what to do by hand, where the shell sets it or the file is elsewhere."""
    env = project.options.env
    if name in env:
        return (), f"{name} is set in your shell, which wins over .env: set {name}={new} there"
    files = project.interpolation_files  # `.env`, or what --env-file / COMPOSE_ENV_FILES choose
    if not files:  # COMPOSE_DISABLE_ENV_FILE
        return (), f"compose reads no env file here (COMPOSE_DISABLE_ENV_FILE): set {name}={new} in your shell"
    found = interpolated_at(project, name)
    path, entry = found if found is not None else (files[-1], None)  # a new key: the file read last wins
    shown = project.shown(path)  # `../.env` for `--env-file ../.env` beside `-f docker/dev.yml`
    if not path.is_relative_to(edit_root(project)):  # a fix writes only in the project
        return (), f"set {name}={new} in {shown}" + (f" line {entry.line}" if entry is not None else "")
    if entry is None:
        # beside the author's commented default (minio's `# MINIO_CONSOLE_PORT=9091` in its Host Ports
        # section), not at the end of the file
        try:
            text = read_text(path, COMPOSE_LIMIT)
        except OSError:
            text = ""
        commented = _commented_line(text, name)
        prefix = _export_style(text)  # docker-django-example's .env: `export NAME=value` on every line
        if commented is not None:
            number, text = commented
            return (Edit(path, text, f"{text}\n{prefix}{name}={new}", number),), f"{shown} {name}"
        return (Edit(path, "", f"{prefix}{name}={new}\n"),), f"{shown} {name}"
    line = _line(path, entry.line)
    edit = env_line_with_value(line, name, new) if line is not None else None
    if edit is None:
        return (), f"set {name}={new} in {shown} line {entry.line}"
    return (Edit(path, line or "", edit, entry.line),), f"{shown} {name}"


def _export_style(text: str) -> str:
    """`export ` when most assignments of the env file's text are written `export NAME=value`
    (compose reads both forms; a line added in the other stands out), else ""."""
    lines = [line.strip() for line in text.splitlines()]
    assignments = [line for line in lines if line and not line.startswith("#") and "=" in line]
    exported = sum(line.startswith("export ") for line in assignments)
    return "export " if assignments and exported * 2 > len(assignments) else ""


def _commented_line(text: str, name: str) -> tuple[int, str] | None:
    """The last line of `.env`'s text that comments out an assignment of `name` (`# NAME=9091`), if any."""
    found = None
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*#+\s*(?:export\s+)?{re.escape(name)}\s*=", line):
            found = (number, line)
    return found


def env_line_with_value(line: str, name: str, value: str) -> str | None:
    """The .env line with its value replaced, keeping `export`, quotes and an inline comment."""
    found = re.match(rf"^(\s*(?:export\s+)?{re.escape(name)}\s*[=:]\s*)(['\"]?)([^'\"#\s]*)\2(.*)$", line)
    if found is None:
        return None
    head, quote, _, tail = found.groups()
    return f"{head}{quote}{value}{quote}{tail}"


def _override_twin(project: Project, host: Host, svc: Service, mapping: PortMapping) -> PortMapping | None:
    """The mapping the dev override adds for the same container port, when `mapping` comes from
    another file and the override's host port is free: compose appends an override's ports, so
    the author's move left the old port published too.
    """
    from doctor.host.ports import HostSocket
    from doctor.project.edits import dev_override

    override = dev_override(project)
    if override is None or mapping.location is None or mapping.location.path == override:
        return None
    for port in svc.ports:
        span = port.published_range
        same = port is not mapping and port.target == mapping.target and port.protocol == mapping.protocol
        if same and port.location is not None and port.location.path == override and span and span[0] == span[1]:
            return None if host.ports.probe(HostSocket(port.host_ip, span[0], port.protocol)) else port
    return None


def _compose_edits(project: Project, svc: Service, mapping: PortMapping, new: int | None,
                   version: tuple[int, int, int] | None,
                   partner: PortMapping | None = None, in_place: bool = True) -> tuple[tuple[Edit, ...], str]:
    """The compose-file edits publishing `mapping` (and its tcp/udp `partner`) on `new`: the mapping's
    own line where the dev override writes it (`in_place`), else the override's whole ports list,
    else the mapping's own line; removed instead when `new` is None."""
    from doctor.project.edits import dev_override
    from doctor.project.yamledit import YamlEditError, override_ports, whole_file_edit

    override = dev_override(project)
    moved = (mapping, *([partner] if partner is not None else []))
    if in_place and new is not None and override is not None and _override_alone(project, svc, override, moved):
        # appwrite's traefik: `9520:80` written in the override, below the base file's own ports: its
        # line is the edit, where the whole list (the base's entries copied in, `!override`) was
        own = _own_lines(moved, new)
        if own is not None:
            return own, ", ".join(dict.fromkeys(_where(project, p) for p in moved))
    # ports only the override writes have no base list to be appended to: rewritten untagged
    tag = override is None or needs_override_tag(project, svc, override)
    tag_ok = not tag or version is None or version >= OVERRIDE_TAG_SINCE
    why = "no dev override compose would read" if override is None else "compose < 2.24.4 has no !override"
    if tag_ok and override is not None:
        try:
            specs = port_specs(svc, mapping, new, partner if new is not None else None)
            text = override_ports(override, svc.name, specs, use_override_tag=tag)
        except YamlEditError as exc:
            text, why = None, f"{project.shown(override)}: {exc}"
        edit = whole_file_edit(override, text) if text is not None else None
        if edit is not None and not tag:
            return (edit,), f"{project.shown(override)} ports"
        if edit is not None:
            assumed = "" if version is not None else "; compose not found, assuming >= 2.24.4 for !override"
            return (edit,), f"{project.shown(override)} ports !override{assumed}"
    if new is None:
        return (), f"remove {mapping.published} from {_where(project, mapping)}, {why}"
    own = _own_lines(moved, new)
    if own is None:
        return (), f"set the host port to {new} in {', '.join(dict.fromkeys(_where(project, p) for p in moved))}"
    # the mapping's own line is edited: the override's "edit it by hand" is not this fix's advice
    # (the title read "...; edit it by hand) (fixed)" after a run that had edited it)
    return own, f"{', '.join(_where(project, p) for p in moved)}, {why.removesuffix('; edit it by hand')}"


_ALIASED_PORTS = lazy(r"^\s*(?:ports:\s*[*&]|<<:)", re.MULTILINE)


def _override_alone(project: Project, svc: Service, override: Path, moved: tuple[PortMapping, ...]) -> bool:
    """Whether the dev override alone publishes the moved ports: written there, on a line no other
    service shares (an anchor's list, `ports: *p`, would move them all onto one port), and no other
    file may publish the same host port (compose would merge the two entries, and the other's would
    stay)."""
    lines = {(p.location.path, p.location.line) for p in moved if p.location is not None}
    shared = any((m.location.path, m.location.line) in lines for other in project.compose.services.values()
                 if other is not svc for m in other.ports if m.location is not None)
    # a list reached through an alias or a merge (`ports: *p`, `<<: *common`) is another service's
    # line too, now or after this run's other moves: those get lists of their own instead
    try:
        aliased = bool(_ALIASED_PORTS.search(read_text(override)))
    except OSError:
        return False
    return not shared and not aliased and all(
        p.location is not None and p.location.path == override and (p.published or "").isdigit()
        and not others_may_publish(project, svc, override, int(p.published or 0)) for p in moved)


def port_specs(svc: Service, moved: PortMapping, new: int | None,
               partner: PortMapping | None = None) -> list[str | dict[str, object]]:
    """The service's whole effective ports list, with `moved` (and its tcp/udp `partner`) published
    on `new` instead (left out when `new` is None).
    """
    specs: list[str | dict[str, object]] = []
    seen: set[str] = set()
    movers = [moved, *([partner] if partner is not None else [])]
    raws = {m.raw for m in movers}
    for port in svc.ports:
        long = _is_long(port)
        is_moved = any(port is m for m in movers)
        if new is None and is_moved:
            continue
        if is_moved and long:
            specs.append(_long(port, new))
        elif is_moved or (port.raw in raws and not long):
            specs.append(_short(port, new if is_moved else None))
        elif long:
            specs.append(_long(port))
        elif port.raw not in seen:
            seen.add(port.raw)
            specs.append(port.raw or _short(port, None))
    return specs


def _short(port: PortMapping, new: int | None) -> str:
    ip = port.host_ip
    head = f"[{ip}]:" if ":" in ip else f"{ip}:" if ip else ""
    published = str(new) if new is not None else port.published
    proto = "" if port.protocol == "tcp" else f"/{port.protocol}"
    return f"{head}{published}:{port.target}{proto}" if published else f"{port.target}{proto}"


def _long(port: PortMapping, new: int | None = None) -> dict[str, object]:
    """The long-syntax entry of `port` (published on `new` instead, when given), its name and
    app_protocol kept."""
    spec: dict[str, object] = {"name": port.name} if port.name else {}
    spec.update(target=port.target, published=str(new) if new is not None else port.raw or port.published)
    if port.host_ip:
        spec["host_ip"] = port.host_ip
    if port.protocol != "tcp":
        spec["protocol"] = port.protocol
    if port.app_protocol:
        spec["app_protocol"] = port.app_protocol
    if port.mode != "ingress":
        spec["mode"] = port.mode
    return spec


def _own_lines(moved: Iterable[PortMapping], new: int) -> tuple[Edit, ...] | None:
    """Each mapping's own lines publishing `new` (_inline_edits), or None where one cannot be
    written so, or two would edit one line."""
    inline = [_inline_edits(port, new) for port in moved]
    written = [e for edits in inline if edits is not None for e in edits]
    if None in inline or len({(e.path, e.line) for e in written}) < len(written):
        return None
    return tuple(written)


def _inline_edits(mapping: PortMapping, new: int) -> tuple[Edit, ...] | None:
    """The mapping's own lines publishing `new`: the published port replaced; where a variable is
    written on the container side too, both sides as literals (`${P:-5432}:${P:-5432}` -> `5433:5432`)."""
    if not mapping.target_variables:
        edit = _inline_edit(mapping, new)
        return (edit,) if edit is not None else None
    if mapping.location is None or mapping.location.line is None or mapping.published is None:
        return None
    path, first = mapping.location.path, mapping.location.line
    if not _is_long(mapping):
        line = _line(path, first)
        if line is None or not mapping.raw or line.count(mapping.raw) != 1:
            return None
        return (Edit(path, line, line.replace(mapping.raw, _short(mapping, new)), first),)
    sides = {"target": (mapping.target_raw, str(mapping.target)), "published": (mapping.raw, str(new))}
    edits: dict[str, Edit] = {}
    for number in range(first, first + 8):
        line = _line(path, number)
        if line is None or (number > first and re.match(r"\s*-", line)):
            break  # the next entry of the list
        for key, (written, literal) in sides.items():
            found = re.match(rf"^(\s*(?:-\s+)?{key}:\s*)(['\"]?){re.escape(written)}\2(\s*(?:#.*)?)$", line)
            if found is not None and key not in edits:
                edits[key] = Edit(path, line, f"{found[1]}{literal}{found[3]}", number)
    return tuple(edits.values()) if len(edits) == 2 else None


def _inline_edit(mapping: PortMapping, new: int) -> Edit | None:
    """Replace the published port on the mapping's own line (or its `published:` line below)."""
    if mapping.location is None or mapping.location.line is None or mapping.published is None:
        return None
    path, first = mapping.location.path, mapping.location.line
    for number in range(first, first + 6):
        line = _line(path, number)
        if line is None:
            return None
        short = re.compile(rf"(?<![\w.$]){mapping.published}(?=:\d)")
        long = re.compile(rf"(?<=published:)(\s*['\"]?){mapping.published}(?=['\"]?\s*(#.*)?$)")
        if number == first and len(short.findall(line)) == 1:
            return Edit(path, line, short.sub(str(new), line), number)
        if long.search(line):
            return Edit(path, line, long.sub(lambda m: f"{m[1]}{new}", line), number)
    return None


def _line(path: Path, number: int) -> str | None:
    try:
        lines = read_text(path, COMPOSE_LIMIT, errors="strict").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[number - 1] if 1 <= number <= len(lines) else None


def _where(project: Project, mapping: PortMapping) -> str:
    """`compose.yaml:13`; `redis/compose.yml:13` for a file laradock includes from a folder of its
    own (each of dozens is a compose.yml)."""
    loc = mapping.location
    return f"{relative_to(loc.path, project.root)}:{loc.line}" if loc is not None and loc.line else "the compose file"


def verify_port_move(project: Project, move: PortMove) -> str:
    """"" when the reloaded project - and `docker compose config`, where installed - publish the new
    port, for the moved protocol (and its pair's) only: hedgedoc's `443:443/udp` staying on 443 does
    not make a moved `443:443` unfixed."""
    svc = project.services.get(move.service)
    for protocol in move.protocols:
        published = {p.published for p in _ports(svc, move, protocol)}
        named = f"{move.new}/{protocol}" if move.paired else str(move.new)
        if str(move.new) not in published:
            return f"'{move.service}' does not publish {named} after the fix"
        if str(move.old) in published:
            old = f"{move.old}/{protocol}" if move.paired else str(move.old)
            return f"'{move.service}' still publishes {old} (compose merged the override's ports?)"
    config = compose_config(project)
    if config is None:
        return ""
    service = (config.get("services") or {}).get(move.service) or {}
    target = move.new if move.target_moves else move.target
    for protocol in move.protocols:
        seen = {str(p.get("published")) for p in service.get("ports") or []
                if p.get("target") == target and (p.get("protocol") or "tcp") == protocol}
        if str(move.new) not in seen or str(move.old) in seen:
            which = f" ({protocol})" if move.paired else ""
            return f"docker compose config publishes {sorted(seen)} for '{move.service}'{which}, not {move.new}"
    return ""


def _ports(svc: Service | None, move: PortMove, protocol: str) -> list[PortMapping]:
    target = move.new if move.target_moves else move.target
    return [p for p in (svc.ports if svc else ()) if p.target == target and p.protocol == protocol]


def compose_config(project: Project) -> Mapping[str, Any] | None:
    """`docker compose config --format json` for the project, None when compose is absent or fails."""
    options = project.options
    path = Path(options.path)
    cwd = path if is_dir(path) else path.parent
    argv = ["docker", "compose"]
    for file in ([path] if not is_dir(path) else []) + list(options.files):
        argv += ["-f", str(file)]
    for profile in options.profiles:
        argv += ["--profile", profile]
    if options.project_name:
        argv += ["-p", options.project_name]
    for env_file in options.env_files or ():  # as the run read them (COMPOSE_ENV_FILES comes with env)
        argv += ["--env-file", os.path.abspath(env_file)]
    try:
        done = subprocess.run([*argv, "config", "--format", "json"], cwd=cwd, env=dict(options.env),
                              capture_output=True, text=True, timeout=30)
        found = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return found if isinstance(found, dict) else None
