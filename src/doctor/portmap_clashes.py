"""The clashes in `doctor ports`' map, and the step that resolves them.

A clash is a port two checkouts publish (a run of consecutive ports with the same users is one line), a port held
by someone other than the checkout's own containers, a compose project name two checkouts share, or a fixed
`container_name` or network `name:` two checkouts use (find_clashes). Where checkouts publish the same port, the map
ends with the step that applies the port plan: `doctor fix --ports` in the idle ones, or first what they share
besides the ports, or the export of the COMPOSE_FILE a fix wrote (next_step).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from doctor.portmap_checkout import FORWARDED, Checkout, Published

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


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


def _meeting(users: PortUsers) -> PortUsers:
    """The users of one port whose host IP meets another checkout's (two services of one checkout are its
    own duplicate): `127.0.0.1:5432` in one worktree and `192.168.1.5:5432` in another both bind, while
    all interfaces ("" or 0.0.0.0, :: for IPv6) meets every address of its family. Linear in the users:
    the checkouts on each address and on each family are gathered once."""
    from doctor.host.ports import ip_family, normalize_ip

    on_ip: dict[str, set[Path]] = defaultdict(set)
    in_family: dict[int | None, set[Path]] = defaultdict(set)  # None: all interfaces of both families
    for checkout, published in users:
        ip = normalize_ip(published.host_ip)
        on_ip[ip].add(checkout.path)
        in_family[ip_family(ip)].add(checkout.path)
    everyone = {checkout.path for checkout, _ in users}
    met: PortUsers = []
    for checkout, published in users:
        ip = normalize_ip(published.host_ip)
        family = ip_family(ip)
        if family is None:
            others = everyone
        elif ip in ("0.0.0.0", "::"):
            others = in_family[family] | in_family[None]
        else:
            others = on_ip[ip] | on_ip["0.0.0.0" if family == 4 else "::"] | in_family[None]
        if others - {checkout.path}:
            met.append((checkout, published))
    return met


def _shared(users: PortUsers) -> bool:
    """Whether two checkouts publish the port on host IPs that meet (see _meeting)."""
    return bool(_meeting(users))


def find_clashes(checkouts: list[Checkout]) -> list[str]:
    """One line per port published by two checkouts, or held by someone else than the checkout's containers."""
    named = Counter(c.name for c in checkouts)
    label = {c.path: c.name if named[c.name] == 1 else str(c.path) for c in checkouts}  # app vs app
    by_port: list[tuple[int, str, str]] = []  # (port, protocol, the rest of its clash line)
    for (port, protocol), users in _by_port(checkouts).items():
        met = _meeting(users)
        if met:
            # each with its interface where they differ: 127.0.0.1 in one and all of them in another meet
            ips = len({p.bound_on for _, p in met}) > 1
            publishers = ", ".join(f"{label[c.path]} ('{p.service}'{' on ' + _interface(p) if ips else ''})"
                                   for c, p in met)
            holder = next((p.holder for _, p in met if _clashing(p.holder)), "")
            running = next((label[c.path] for c, p in met if p.holder == "ours"), "")
            now = f"; held by {running}" if running else (f"; held by {holder}" if holder else "")
            by_port.append((port, protocol, f" published by {publishers}{now}"))
        meeting = {id(p) for _, p in met}
        for checkout, published in users:  # those on an address of their own: only a holder clashes
            if id(published) not in meeting and _clashing(published.holder):
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
    return clashes + _network_clashes(checkouts, label)


def _network_clashes(checkouts: list[Checkout], label: dict[Path, str]) -> list[str]:
    """One line per network `name:` two checkouts declare (dittofeed's `name: dittofeed-network-dev`): the second
    `up` finds the network and joins it, compose only warning that it `was not created for project`, so every
    service name there answers for both checkouts' containers (track B's `postgres` may be track A's)."""
    by_network: dict[tuple[str, str], list[str]] = defaultdict(list)
    for checkout in checkouts:
        for name, key in checkout.networks:
            by_network[(name, key)].append(label[checkout.path])
    return [f"network {name!r} (`networks: {key}: name:`) is used by {', '.join(users)}: the second 'up' joins the "
            "first's, where each service name answers for both checkouts' containers (in all but one, "
            f"`networks: {key}: name: !reset null` in the dev override: compose then names it PROJECT_{key})"
            for (name, key), users in sorted(by_network.items()) if len(users) > 1]


def _interface(published: Published) -> str:
    """The host IP a port binds: `127.0.0.1`, `::1`, or `0.0.0.0` for all interfaces."""
    return published.bound_on.rstrip(":").strip("[]") or "0.0.0.0"


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



def next_step(checkouts: list[Checkout]) -> list[str]:
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
    """The `doctor fix --ports` step for the `idle` checkouts sharing ports with others (see next_step)."""
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
    networks = [name for c in checkouts if c.path in sharing for name, _ in c.networks]
    if len(set(networks)) < len(networks):
        first.append("drop fixed network names")
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
