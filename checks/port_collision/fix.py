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

import json
import os
import subprocess
import weakref
from collections.abc import Mapping
from pathlib import Path

from doctor.host.portregistry import side_by_side
from doctor.model import Edit, Fix, Safety, record, replace, service_names
from doctor.project.gitrepo import tracked
from doctor.project.portplan import edited_name, untracked_edits
from doctor.project.reading import is_dir
from doctor.project.types import PortMapping, Service
from doctor.project.wholefile import is_whole_file

from .code_ports import old_port_in_code
from .compose_file import compose_edits, override_twin
from .follow import follow_edits, into_override, override_values, own_port_notes, template_hints
from .free_port import RESERVED, choose_port, none_free, taken_in_run
from .host_follow import host_follow_edits, shared_note, tracks_share
from .pair import protocol_partner
from .pins import pin_edit
from .plan_file import pending_title, plan_file_edits, planned_port
from .port_variable import container_side_is, env_edits, is_told, port_variable, sharing, variable_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.host import Host
    from doctor.project import Project


# a tcp+udp pair's move by (service, host address, port, container port): when both protocols are
# held, both findings carry the one move (the fixer plans a fix several findings share once)
_PAIRS: weakref.WeakKeyDictionary[Project, dict[tuple[str, str, int, int], PortMove]] = weakref.WeakKeyDictionary()
# the new override each move would leave for `git add -A`, by the move (service, old port, protocol) that says
# to keep it out of commits: ELK's three moves into one compose.override.yaml say it once, not three times
_EXCLUDE_SAID: weakref.WeakKeyDictionary[Project, dict[str, tuple[str, int, str]]] = weakref.WeakKeyDictionary()


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
    twin = override_twin(project, host, svc, mapping)
    if twin is not None:  # the author already moved it in the override: keep their port, drop ours
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = compose_edits(project, svc, mapping, None, version)
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
    handed_out = RESERVED.setdefault(project, set())
    taken = taken_in_run(project, host)
    # the port the worktree's ports file already gives it (the export pending): kept while it is free
    planned = planned_port(project, service, mapping)
    new = choose_port(host, mapping, taken, (planned, planned), protocols) if planned else None
    new = new or choose_port(host, mapping, taken, ports_range, protocols)
    if new is not None:
        handed_out.update((new, protocol) for protocol in protocols)
        taken.update((new, protocol) for protocol in protocols)
    if new is None:
        title = f"publish '{service}' on another host port ({none_free(old, ports_range, range_name)})"
        return PortMove(title, Safety.ADVICE, alternatives=alternatives, service=service, target=mapping.target,
                        protocol=mapping.protocol, old=old)
    told = bool(variable) and is_told(svc, variable)
    # monica's laravel.queue and laravel.cron merge laravel.test (`<<: *app`) with its `${APP_PORT:-80}:80`:
    # a new APP_PORT moves all three, the clash with it; this service's mapping gets a literal instead
    sharers = [] if not variable else sharing(project, service, variable)
    if sharers:
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = compose_edits(project, svc, mapping, new, version, partner)
        where += f"; {variable} kept, which {service_names(sharers)} publish{'es' if len(sharers) == 1 else ''} too"
        variable = ""
    elif variable and container_side_is(mapping, variable) and not told:
        # `${DB_PORT:-5432}:${DB_PORT:-5432}`: a new value would move postgres's container port too,
        # where it does not listen; the mapping is written with literals instead, the variable kept
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = compose_edits(project, svc, mapping, new, version, partner)
        where += f"; container port {mapping.target} kept, not ${{{variable}}}, which would move it too"
        variable = ""
    elif variable:
        edits, where = env_edits(project, variable, variable_value(project, mapping, variable, new))
        if told and container_side_is(mapping, variable):
            # jitsi's jvb: `${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp` and `JVB_PORT` in its environment:
            # the server listens on (and tells clients) the port it is told, so both sides move together
            where += f"; the container side too: both sides are ${{{variable}}}, which {service!r} is told"
        elif edits and (pinned := pin_edit(project, variable, old, svc, mapping.target)) is not None:
            # containers dial the container port; a reader building the site's address follows (public_port)
            edits, where = (*edits, *filter(None, (pinned[0],))), f"{where}; {pinned[1]}"
    else:  # only an override edit depends on the compose version: asked only then
        version = host.compose_version if version == "detect" else version
        assert not isinstance(version, str)
        edits, where = compose_edits(project, svc, mapping, new, version, partner)
    exclude = ""
    shell: tuple[tuple[str, str], ...] = ()
    # with tracks side by side, a track's own port never goes into a file git shares with the others
    shared = sorted({edited_name(e.path) for e in edits if tracked(e.path, project)})
    routed = False  # moved off the tracked files into the untracked override (tracks side by side)
    if shared and side_by_side(project.root, host, project) is not None:
        version = host.compose_version if compose_version == "detect" else compose_version
        assert not isinstance(version, str)
        override_route = compose_edits(project, svc, mapping, new, version, partner, in_place=False)
        edits, where = untracked_edits(edits, override_route, new, variable, project)
        routed = bool(edits)
        if not edits and not variable:  # the tracked files stay as they are: the worktree's own file holds it
            edits, where, shell = plan_file_edits(project, svc, mapping, new, partner, where)
    elif shared and not within:  # one checkout: the edit is right here, and is this machine's port, not the team's
        where += f"; {', '.join(shared)} is tracked by git: this port is {_whose_port(host)}, keep it out of commits"
    if ((routed or not shared) and not within
            and (made := _new_unignored(project, edits, (service, old, mapping.protocol)))):
        # a new override: `git add -A` would commit it (said once per file, with the repository's exclude file)
        exclude = f"add {made} to {_exclude_file(project)}: this port is {_whose_port(host)}, keep it out of commits"
    manual: list[str] = []  # what the developer still does: named after the edits, never as if applied
    if edits:  # the site's own URL (`TAIGA_DOMAIN=localhost:9000`) follows its host port
        # the variable the move writes where compose reads it: values built from it follow by themselves
        sets = frozenset({variable}) if variable and any(e.path in project.interpolation_files for e in edits) \
            else frozenset()
        written = {e.path for e in edits}
        edits, where, manual = _follow(project, host, edits, where, old, new, svc, sets)
        # a file that follows the move (a host tool's `.env`: prisma/.env committed with `git add -f`) is this
        # machine's port too: named as a tracked compose file or .env the move writes is
        followed = sorted({project.shown(e.path) for e in edits if e.path not in written and tracked(e.path, project)})
        if followed and not within:
            where += (f"; {', '.join(followed)} {'is' if len(followed) == 1 else 'are'} tracked by git: this port is "
                      f"{_whose_port(host)}, keep it out of commits")
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
                    target_moves=told and container_side_is(mapping, variable),
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


def _new_unignored(project: Project, edits: tuple[Edit, ...], move: tuple[str, int, str]) -> str:
    """The files the edits create in a git work tree that git does not ignore, named ('' if none), but for
    those another move of the project already names (the first move into a file says it, and says it again)."""
    from doctor.project.portplan import git_ignored

    made = {e.path.name for e in edits if not os.path.exists(e.path) and git_ignored(e.path, project) is False}
    said = _EXCLUDE_SAID.setdefault(project, {})
    return ", ".join(sorted(name for name in made if said.setdefault(name, move) == move))


def _follow(project: Project, host: Host, edits: tuple[Edit, ...], where: str, old: int,
            new: int, svc: Service, sets: frozenset[str] = frozenset()) -> tuple[tuple[Edit, ...], str, list[str]]:
    """The move's edits plus those of the values naming `localhost:old` (checks/port_collision/follow.py),
    what they say, and the steps left to the developer; with tracks side by side, none in a file git
    shares (the other tracks keep their port). The moved service's own values naming it that do not
    follow (follow.own_port_notes) and the host env files doctor may not write are such steps; a value
    built from a variable in `sets` (the move's own, polar's `http://localhost:${API_PORT:-8000}`) is no step."""
    from doctor.project.edits import dev_override

    edited = {(e.path, e.line) for e in edits}
    # with tracks side by side, a file git tracks is every track's: its lines are left to the developer
    shared = tracks_share(project, host)

    override = dev_override(project)
    # the override's whole text (its ports list set); a line of it moved in place is a line edit
    move = next((e for e in edits if e.path == override and is_whole_file(e)), None)
    # a value of a tracked compose file (saleor's DASHBOARD_URL) is every track's, but the move's untracked
    # override sets it for this track alone, as it does with no track beside it
    takes = None if move is None else (lambda edit: bool(override_values(project, edit, move.path, old, new, svc.name)))
    for asked in (takes, None):
        followed, said, left = follow_edits(project, old, new, svc.name, frozenset(edited), shared, asked)
        followed = tuple(e for e in followed if (e.path, e.line) not in edited)
        combined, rest = move, followed
        if move is not None and followed:  # moved in the override: what follows goes there too
            combined, rest = into_override(project, move, followed, old, new, svc.name)
        if asked is None or not any(shared(e.path) for e in rest):
            break  # else the override could not take them: never written into a shared file, left by hand
    moving = edited | {(e.path, e.line) for e in followed}  # what follows, here or set in the override
    followed, joined = rest, combined is not move
    if joined:
        assert combined is not None
        edits = tuple(combined if e is move else e for e in edits)
        said += f" (in {project.shown(combined.path)})"
    # and the host's own env files: an app run on the host dials the published port itself (a line left by
    # hand above, wild-workouts' tracked `.env` that its containers read too, is named once)
    on_host, host_said, by_hand = host_follow_edits(project, old, new,
                                                    edited | {(e.path, e.line) for e in followed} | set(left), shared)
    followed, said = (*followed, *on_host), "; ".join(filter(None, (said, host_said)))
    if left:
        by_hand = "; ".join(filter(None, (shared_note(old, new, list(left.values())), by_hand)))
    # pontoon's `8000:8000` with server.env's `LOG_URL=http://localhost:8000`: its own port, or the browser's?
    noted = own_port_notes(project, svc, old, new, moving | {(e.path, e.line) for e in followed}, sets)
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


def _exclude_file(project: Project) -> str:
    """The repository's info/exclude as the developer opens it: `.git/info/exclude` in a main checkout, the main
    checkout's file from a linked worktree (whose `.git` is a file: `git rev-parse --git-path info/exclude`)."""
    from doctor.project.portsfile import exclude_path

    path = exclude_path(project.root, project)
    if path is None:
        return ".git/info/exclude"
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)
