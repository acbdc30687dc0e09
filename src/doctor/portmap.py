"""`doctor ports [PATH]`: this repository's port map across its worktrees and clones.

Which checkouts: every worktree of the repository (as `git worktree list` lists them) and
every compose project on the engine whose `com.docker.compose.project.working_dir` lies in
a clone with the same origin. For each: the host ports its compose model publishes (running
or not), its block of the port plan, and who holds each port now (a container with its
compose project, a host process, or nobody). A clash is a port two checkouts publish, or a
port held by someone other than the checkout's own containers.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

from doctor import app
from doctor.model import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from doctor.host import Host
    from doctor.host.ports import ContainerPort
    from doctor.project import Project
    from doctor.project.gitrepo import GitRepo
    from doctor.project.portplan import Block


@record
class PortsOptions:
    """A `doctor ports` run."""

    path: Path
    as_json: bool = False
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    files: tuple[Path, ...] = ()  # -f: the compose files, read in every checkout at the same relative place
    profiles: tuple[str, ...] = ()  # --profile, like preflight's (else COMPOSE_PROFILES, as compose reads it)
    env_files: tuple[Path, ...] | None = None  # --env-file, read in every checkout at the same place, like -f
    # -p: the compose project name of the checkout PATH names (a stack started with `up -p NAME`: its
    # containers are its own, not a clash); the other checkouts keep theirs
    project_name: str | None = None


@record
class Published:
    """One host port a checkout's compose model publishes, and who holds it now."""

    service: str
    port: int
    target: int
    protocol: str
    holder: str  # "" = free; "ours" = this checkout's own container; else a description


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
    unread: bool = False  # compose cannot read its files: what it publishes is not known
    # the ports its own commands publish (doctor.project.command_ports): shown, never a clash of their
    # own (the same recipe is in every checkout, and `fix --ports` only keeps off them)
    commands: tuple[RunPublished, ...] = ()
    plan: str = ""  # its compose.ports.yaml (doctor.project.portsfile.plan_state): read, or the export pending
    export: str = ""  # the COMPOSE_FILE to export there for compose to read it ("" once it does, or without one)
    planned: tuple[int, ...] = ()  # the host ports its compose.ports.yaml publishes, sorted


def ports(opts: PortsOptions, out: TextIO = sys.stdout) -> int:
    """Print the port map; exit 1 when a port clashes, 0 otherwise, 2 when PATH is no project."""
    from doctor.host import Host
    from doctor.host.portregistry import owner_blocks
    from doctor.project.gitrepo import find_repo

    start = opts.path.resolve()
    app.require_valid_project_name(opts.project_name)
    if not start.exists():
        raise app.UsageError(f"{opts.path}: no such file or directory")
    folder = start if start.is_dir() else start.parent
    # a compose file named (`doctor ports docker-compose.images.yml`, -f: from the current directory, as
    # compose and preflight read it) is read in each checkout at the same place relative to the folder
    named = ([start] if start.is_file() else []) + [f.resolve() for f in app.given_compose_files(opts.files)]
    for file in named:
        if not file.is_file():
            raise app.UsageError(f"{file}: no such compose file")
    relative = tuple(os.path.relpath(f, folder) for f in named)
    # --env-file as compose reads it (from the current directory), then at the same place in every checkout
    env_relative = None if opts.env_files is None else tuple(
        os.path.relpath(Path.cwd() / f.expanduser(), folder) for f in opts.env_files)
    if not named:  # no project here: compose's line and exit 2, as preflight says it (compose looks upwards)
        from doctor.project import Project, ProjectOptions

        app.require_compose_files(Project(ProjectOptions(path=folder, env=opts.env)).compose, opts.path, "ports")
    host = Host(env=opts.env)
    repo = find_repo(folder)
    folders = _checkouts(folder, repo, host)
    if opts.project_name is not None:  # as `docker compose -p` in this folder: the name, whatever the labels say
        folders = [(p, n, k, b, files, opts.project_name if p == folder else name)
                   for p, n, k, b, files, name in folders]
    blocks = owner_blocks(opts.env)
    held, homes = _container_ports(host)
    projects: list[Project] = []  # each checkout's: what the output masks (redacted at the one write below)
    checkouts = [_checkout(path, name, kind, branch, blocks.get(str(path)), held, homes, host,
                           opts.env if path == folder else _elsewhere(opts.env),
                           running or tuple(path / r for r in relative), project, opts.profiles,
                           None if env_relative is None else tuple(Path(os.path.normpath(path / r))
                                                                   for r in env_relative), projects)
                 for path, name, kind, branch, running, project in folders]
    clashes = find_clashes(checkouts)
    origin = (repo.origin or str(repo.top)) if repo is not None else str(folder)
    unavailable = host.engine.reason  # "" when it answered: clones it runs and its containers were read
    if opts.as_json:
        text = json.dumps({"repository": origin, "checkouts": [_as_dict(c) for c in checkouts],
                           "clashes": clashes, "engine": f"unavailable: {unavailable}" if unavailable
                           else "available"}, indent=2) + "\n"
    else:
        from doctor.report.console import visible  # a folder or branch name may hold escape sequences

        text = visible("\n".join(_lines(origin, checkouts, clashes, unavailable))) + "\n"
    from doctor.known_secrets import projects_redactor

    # the engine's address (a DOCKER_HOST with a password), a compose file's problem, a path
    out.write(projects_redactor(projects, opts.env).text(text))
    return 1 if clashes else 0


Found = tuple[Path, str, str, str, tuple[Path, ...], "str | None"]


def _checkouts(folder: Path, repo: GitRepo | None, host: Host) -> list[Found]:
    """(compose project folder, checkout name, kind, branch, compose files, project name) of every
    checkout of the repository holding `folder`; the files and the name are those a clone's running
    project was started with (its compose labels), else () and None (what the command line names)."""
    from doctor.host.containers import compose_projects
    from doctor.model import Unavailable
    from doctor.project.gitrepo import find_repo

    if repo is None:
        return [(folder, folder.name, "folder", "", (), None)]
    relative = folder.relative_to(repo.top)
    found: dict[Path, tuple[str, str, str, tuple[Path, ...], str | None]] = {
        wt.path / relative: (wt.path.name, "worktree", wt.branch, (), None) for wt in repo.worktrees() if wt.exists}
    try:
        on_engine = compose_projects(host.engine)
    except Unavailable:
        on_engine = ()
    started: dict[Path, list[tuple[tuple[Path, ...], str]]] = {}
    for labels in on_engine:
        working = Path(labels.working_dir) if labels.working_dir else None
        if working is not None and working in found:
            # a worktree whose stack was started under a name of its own (`up -p tracka`): that
            # project's containers are its own, not a clash with another checkout
            files = tuple(Path(f) for f in labels.config_files if Path(f).is_file())
            started.setdefault(working, []).append((files, labels.name))
            continue
        if working is None or not working.is_dir():
            continue
        other = find_repo(working)
        if other is not None and other.identity == repo.identity:
            files = tuple(Path(f) for f in labels.config_files if Path(f).is_file())
            found[working] = (other.top.name, "clone", "", files, labels.name)
    for working, projects in started.items():
        if len(projects) == 1:  # more than one name from one folder: the command line's says which
            name, kind, branch, _, _ = found[working]
            found[working] = (name, kind, branch, *projects[0])
    return [(path, *facts) for path, facts in found.items()]


def _container_ports(host: Host) -> tuple[dict[tuple[int, str], list[ContainerPort]], dict[str, str]]:
    """Running containers' host ports, and each compose project's working dir (whose containers are whose)."""
    from doctor.host.containers import compose_projects
    from doctor.model import Unavailable

    held: dict[tuple[int, str], list[ContainerPort]] = defaultdict(list)
    try:
        for port in host.ports.container_ports():
            if port.running:
                held[(port.socket.port, port.socket.protocol)].append(port)
        homes = {p.name: p.working_dir for p in compose_projects(host.engine)}
    except Unavailable:
        homes = {}
    return held, homes


def _elsewhere(env: dict[str, str]) -> dict[str, str]:
    """The environment another checkout is judged in: without a COMPOSE_FILE naming the port plan's
    own file, which `doctor fix --ports` asked this worktree's shell to export (compose.ports.yaml:
    each checkout has its own, and the one it has is read through that checkout's shell). Applied to
    the main checkout it named a file it lacks ("COMPOSE_FILE names 'compose.ports.yaml', which does
    not exist"). A COMPOSE_FILE of any other files is the user's for every project, kept."""
    from doctor.project.portsfile import PORTS_FILE

    value = env.get("COMPOSE_FILE", "")
    separator = env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
    if PORTS_FILE not in (os.path.basename(part) for part in value.split(separator)):
        return env
    return {k: v for k, v in env.items() if k != "COMPOSE_FILE"}


def _checkout(path: Path, name: str, kind: str, branch: str, block: Block | None,
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
            published.append(Published(service_name, span[0], mapping.target, mapping.protocol, holder))
    containers = tuple(sorted({s.container_name for s in model.services.values() if s.container_name}))
    named_by = tuple(sorted({(s.container_name, variables[0]) for s in model.services.values()
                             if s.container_name and len(variables := name_variables(project, s)) == 1}))
    off = len(model.disabled_services)
    # hoppscotch puts every service in a profile: "publishes no fixed host port" alone hid why
    hint = "" if published or not off else (
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
                    commands=_command_ports(project, held, host), plan=plan, export=export,
                    planned=tuple(planned_ports(path)) if plan else ())


def _block_shown(checkout: Checkout) -> str:
    """The checkout's block, and where the port registry has none but compose reads its ports file (the
    registry is this user's, in XDG_STATE_HOME: sudo, another HOME or a CI state dir sees none), the span
    of the ports that file publishes: its claim, whoever runs doctor."""
    from doctor.project.portsfile import PORTS_FILE

    ports = checkout.planned
    if checkout.block != "none" or not ports or checkout.export:
        return checkout.block
    runs: list[list[int]] = []  # consecutive ports as one run: 20300-20307, an entry kept as committed apart
    for port in ports:
        if runs and port == runs[-1][-1] + 1:
            runs[-1].append(port)
        else:
            runs.append([port])
    spans = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"none remembered; {PORTS_FILE} publishes {spans}"


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


def _clashing(holder: str) -> bool:
    """Whether a port's holder is someone else than the checkout's containers, as far as doctor could see."""
    return holder not in ("", "ours") and not holder.startswith(FORWARDED)


PortUsers = list[tuple[Checkout, Published]]


def _by_port(checkouts: list[Checkout]) -> dict[tuple[int, str], PortUsers]:
    """Each published (port, protocol) with the checkouts (and their entries) that publish it, sorted."""
    by_port: dict[tuple[int, str], PortUsers] = defaultdict(list)
    for checkout in checkouts:
        for published in checkout.ports:
            by_port[(published.port, published.protocol)].append((checkout, published))
    return dict(sorted(by_port.items()))


def _shared(users: PortUsers) -> bool:
    """Whether two checkouts publish the port (two services of one checkout are its own duplicate)."""
    return len({checkout.path for checkout, _ in users}) > 1


def find_clashes(checkouts: list[Checkout]) -> list[str]:
    """One line per port published by two checkouts, or held by someone else than the checkout's containers."""
    named = Counter(c.name for c in checkouts)
    label = {c.path: c.name if named[c.name] == 1 else str(c.path) for c in checkouts}  # app vs app
    by_port: list[tuple[int, str, str]] = []  # (port, protocol, the rest of its clash line)
    for (port, protocol), users in _by_port(checkouts).items():
        if _shared(users):
            publishers = ", ".join(f"{label[c.path]} ('{p.service}')" for c, p in users)
            holder = next((p.holder for _, p in users if _clashing(p.holder)), "")
            running = next((label[c.path] for c, p in users if p.holder == "ours"), "")
            now = f"; held by {running}" if running else (f"; held by {holder}" if holder else "")
            by_port.append((port, protocol, f" published by {publishers}{now}"))
        else:
            for checkout, published in users:
                if _clashing(published.holder):
                    by_port.append((port, protocol, f" of {label[checkout.path]} ('{published.service}') "
                                                    f"is held by {published.holder}"))
    clashes = [f"{first}-{last}/{protocol}{rest}" if last != first else f"{first}/{protocol}{rest}"
               for first, last, protocol, rest in _port_runs(by_port)]
    by_name: dict[str, list[Checkout]] = defaultdict(list)
    for checkout in checkouts:
        if checkout.project:
            by_name[checkout.project].append(checkout)
    for name, sharing in sorted(by_name.items()):
        if len(sharing) > 1:
            folders = ", ".join(label[c.path] for c in sharing)
            clashes.append(f"compose project name '{name}' is used by {folders}: 'up' in one replaces the "
                           "other's containers (give each its own: `docker compose -p NAME`, or "
                           "COMPOSE_PROJECT_NAME in a .env git does not track)")
    # documenso's dev compose names its containers (`container_name: database`): one engine holds one
    by_container: dict[str, list[str]] = defaultdict(list)
    for checkout in checkouts:
        for container in checkout.containers:
            by_container[container].append(label[checkout.path])
    shared: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for container, holders in sorted(by_container.items()):
        if len(holders) > 1:
            shared[(tuple(holders), _name_variable(checkouts, container))].append(container)
    for (users_of, variable), names in shared.items():
        listed = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        verb = "is" if len(names) == 1 else "are"
        how = (f"set {variable} in each checkout's .env to a name of its own" if variable else
               "drop container_name: compose then names each PROJECT-SERVICE-1")
        clashes.append(f"container_name {listed} {verb} used by {', '.join(users_of)}: the second 'up' fails, the "
                       f"name being in use ({how})")
    return clashes


def _port_runs(lines: list[tuple[int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The per-port clash lines as (first, last, protocol, rest) runs of consecutive ports with the
    same rest (the same checkouts, services and holder): localstack's `4563-4599:4563-4599` in two
    worktrees is one `4563-4599/tcp` line, not 37. `lines` come sorted by port."""
    runs: list[tuple[int, int, str, str]] = []
    growing: dict[tuple[str, str], int] = {}  # (protocol, rest) -> the index of its last run
    for port, protocol, rest in lines:
        at = growing.get((protocol, rest))
        if at is not None and runs[at][1] == port - 1:
            runs[at] = (runs[at][0], port, protocol, rest)
            continue
        growing[(protocol, rest)] = len(runs)
        runs.append((port, port, protocol, rest))
    return runs


def _name_variable(checkouts: list[Checkout], container: str) -> str:
    """The variable every checkout naming a container `container` writes that name with (linkding's
    LD_CONTAINER_NAME), "" when one of them writes it literally or they use different ones."""
    found = {dict(c.named_by).get(container, "") for c in checkouts if container in c.containers}
    return found.pop() if len(found) == 1 else ""


def _lines(origin: str, checkouts: list[Checkout], clashes: list[str], unavailable: str = "") -> list[str]:
    import shlex

    # quoted as a shell reads it, as preflight's header: a repository without a remote is named by its folder
    head = f"doctor ports {shlex.quote(origin)} ({len(checkouts)} checkout{'s' if len(checkouts) != 1 else ''})"
    lines = [head, ""]
    for checkout in checkouts:
        branch = f", branch {checkout.branch}" if checkout.branch else ""
        lines.append(f"{checkout.path}  ({checkout.kind}, project '{checkout.project}'{branch}, "
                     f"block {_block_shown(checkout)})")
        if checkout.problem:
            lines.append(f"    {checkout.problem}")
        if checkout.plan:
            lines.append(f"    {checkout.plan}")
        rows = []
        for first, last in _folded(checkout.ports):
            ports = f"{first.port}-{last.port}" if last is not first else str(first.port)
            target = f"{first.target}-{last.target}" if last is not first else str(first.target)
            rows.append((f"{ports}/{first.protocol}", f"{first.service}:{target}", _held_by(first.holder)))
        run = []  # the ports its commands publish while they run (`make docs`), below the compose ones
        for start, end in _folded_commands(checkout.commands):
            ports = f"{start.port}-{end.port}" if end is not start else str(start.port)
            run.append((f"{ports}/{start.protocol}", f"{start.origin} ({start.where})", _held_by(start.holder)))
        left = max((len(row[0]) for row in (*rows, *run)), default=0)  # ranges (4317-4318/tcp) line up
        middle = max([24, *(len(row[1]) for row in (*rows, *run))])
        lines.extend(f"    {port:>{left}} -> {where:<{middle}} {holder}" for port, where, holder in rows)
        if not checkout.ports and not checkout.problem:
            lines.append("    publishes no fixed host port")
        if run:
            lines.append("    and while its own commands run (docker run -p):")
            lines.extend(f"    {port:>{left}} -> {where:<{middle}} {holder}" for port, where, holder in run)
    lines.append("")
    unread = sum(c.unread for c in checkouts)
    unknown = f" ({unread} compose cannot read or refuses: their ports are not sure)" if unread else ""
    if clashes:
        lines.append(f"✗ {len(clashes)} clash{'es' if len(clashes) != 1 else ''}{unknown}")
        lines.extend(f"    {line}" for line in clashes)
        lines.extend(_next_step(checkouts))
        if unavailable:
            lines.append(f"- docker engine unavailable: {unavailable}: clones it runs and their containers "
                         "are not shown")
    elif unavailable:  # never a ✓ for what doctor could not look at
        lines.append(f"~ no clashes among the worktrees and this machine's binds (docker engine unavailable: "
                     f"{unavailable}: clones it runs and their containers are not shown)" + unknown)
    elif unread:
        lines.append(f"~ no clashes among the checkouts compose can read{unknown}")
    else:
        lines.append("✓ no clashes")
    return lines


def _held_by(holder: str) -> str:
    if holder.startswith(FORWARDED):
        return f"held by a container ('{holder[len(FORWARDED):]}' forwards it; the engine did not say whose)"
    return {"": "free", "ours": "held by its own container"}.get(holder, f"held by {holder}")


def _next_step(checkouts: list[Checkout]) -> list[str]:
    """How the port plan is applied where checkouts publish the same port: `doctor fix --ports` in a
    checkout moves its ports into its block once another one holds them (port-collision then sees
    them bound: until then, nothing is taken and there is nothing to fix)."""
    sharing = {c.path for users in _by_port(checkouts).values() if _shared(users) for c, _ in users}
    if not sharing:
        return []
    running = [c for c in checkouts if c.path in sharing and any(p.holder == "ours" for p in c.ports)]
    idle = [c for c in checkouts if c.path in sharing and c not in running]
    # its ports file written, the export not done: another `fix --ports` moves nothing, the export is the step
    exports = [f"    fix: in {c.path}, export COMPOSE_FILE={c.export}: the fix wrote its ports already"
               for c in idle if c.export]
    idle = [c for c in idle if not c.export]
    return exports + _fix_step(checkouts, sharing, running, idle) if idle else exports


def _fix_step(checkouts: list[Checkout], sharing: set[Path], running: list[Checkout],
              idle: list[Checkout]) -> list[str]:
    """The `doctor fix --ports` step for the `idle` checkouts sharing ports with others (see _next_step)."""
    projects = [c.project for c in checkouts if c.path in sharing and c.project]
    names = [n for c in checkouts if c.path in sharing for n in c.containers]
    # one project name (or container name) for two checkouts: the ports are not their first clash;
    # only what they share is asked for (linkding's worktrees have their own project names already)
    give: list[str] = []
    if len(set(projects)) < len(projects):
        give.append("its own project name")
    shared = {n for n, count in Counter(names).items() if count > 1}
    if shared and all(_name_variable(checkouts, n) for n in shared):
        give.append("container names of its own")  # the clash line names the variable to set
    first = [f"give each checkout {' and '.join(give)}"] if give else []
    if shared and "container names of its own" not in give:
        first.append("drop fixed container names")
    if first:
        return [f"    fix: first {' and '.join(first)} (above); then, once one runs, `doctor fix --ports` in each "
                "other moves its clashing ports into a block of its own"]
    if running:
        where = " and ".join(str(c.path) for c in idle)
        beside = ", ".join(f"'{c.project or c.name}'" for c in running)
        return [f"    fix: run `doctor fix --ports` in {where}: it moves the clashing ports into a block of "
                f"its own (kept from run to run), so it comes up beside {beside}"]
    return ["    fix: they clash once two run at once: `up` one, then `doctor fix --ports` in each other "
            "moves its clashing ports into a block of its own (kept from run to run)"]


def _folded(ports: tuple[Published, ...]) -> list[tuple[Published, Published]]:
    """The ports as (first, last) runs, each at its first port's place: consecutive ports one
    service publishes onto consecutive targets with one holder (`20000-29999/tcp -> web:20000-29999
    free`), so a host range mapped onto a container range is one line, not thousands.
    """
    groups: dict[tuple[str, str, str, int], list[Published]] = {}
    for p in ports:
        groups.setdefault((p.service, p.protocol, p.holder, p.target - p.port), []).append(p)
    first_of: dict[int, tuple[Published, Published]] = {}
    for members in groups.values():
        run: list[Published] = []
        for p in sorted(members, key=lambda p: p.port):
            if run and p.port != run[-1].port + 1:
                first_of[id(run[0])] = (run[0], run[-1])
                run = []
            run.append(p)
        first_of[id(run[0])] = (run[0], run[-1])
    return [first_of[id(p)] for p in ports if id(p) in first_of]


def _folded_commands(ports: tuple[RunPublished, ...]) -> list[tuple[RunPublished, RunPublished]]:
    """The command ports as (first, last) runs of consecutive ports of one line (`-p 7000-7002:7000-7002`)."""
    runs: list[tuple[RunPublished, RunPublished]] = []
    for p in ports:
        if runs:
            first, last = runs[-1]
            if (p.port == last.port + 1 and (p.origin, p.where, p.protocol, p.holder)
                    == (first.origin, first.where, first.protocol, first.holder)):
                runs[-1] = (first, p)
                continue
        runs.append((p, p))
    return runs


def _as_dict(checkout: Checkout) -> dict[str, object]:
    return {
        "path": str(checkout.path), "name": checkout.name, "kind": checkout.kind, "branch": checkout.branch,
        "project": checkout.project,
        "block": checkout.block, "problem": checkout.problem or None,
        "ports": [{"service": p.service, "port": p.port, "target": p.target, "protocol": p.protocol,
                   "holder": _json_holder(p.holder)} for p in checkout.ports],
        "commands": [{"origin": p.origin, "where": p.where, "port": p.port, "target": p.target,
                      "protocol": p.protocol, "holder": _json_holder(p.holder)} for p in checkout.commands],
        "ports_file": _json_ports_file(checkout),
    }


def _json_ports_file(checkout: Checkout) -> dict[str, object] | None:
    """The checkout's compose.ports.yaml in the JSON map (None without one): what the text's plan line says."""
    from doctor.project.portsfile import PORTS_FILE

    if not checkout.plan:
        return None
    return {"path": str(checkout.path / PORTS_FILE), "read_by_compose": not checkout.export,
            "export": f"COMPOSE_FILE={checkout.export}" if checkout.export else None, "ports": list(checkout.planned)}


def _json_holder(holder: str) -> str | None:
    """A port's holder in the JSON map: None when free, `ours`, or who holds it."""
    return _held_by(holder).removeprefix("held by ") if holder.startswith(FORWARDED) else holder or None
