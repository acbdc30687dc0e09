"""`doctor ports`' map as text and JSON: per checkout its block, its ports as runs, who holds each; then the clashes.

Consecutive ports one service publishes onto consecutive targets with one holder are one line (_folded: a host
range mapped onto a container range is not thousands of lines), as are the consecutive ports of one command's
line (_folded_commands). A port bound on one address shows it (`127.0.0.1:15432/tcp`, `[::1]:16379/tcp`; JSON's
host_ip, None on all interfaces). A checkout the port registry has no block for shows the span its compose.ports.yaml
publishes (_block_shown). The JSON map holds the same, a holder as None when free (as_dict).
"""

from __future__ import annotations

from doctor.portmap_checkout import FORWARDED
from doctor.portmap_clashes import next_step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from doctor.host.ports import ContainerPort
    from doctor.portmap_checkout import Checkout, Published, RunPublished


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


def lines(command: str, origin: str, checkouts: list[Checkout], clashes: list[str], unavailable: str = "",
          gone: list[tuple[str, str, list[ContainerPort]]] | None = None,
          stale: list[tuple[Path, str, str, str, Path, Path | None]] | None = None) -> list[str]:
    """The port map as the console shows it: `command` (the run as typed, its paths quoted as a shell reads
    them, as preflight's header: it pastes as the command that ran), then the repository (its origin,
    else its folder), then each checkout, then the stacks still running from a folder that is gone."""
    head = f"{command} ({len(checkouts)} checkout{'s' if len(checkouts) != 1 else ''})"
    lines = [head, f"repository {origin}", ""]
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
            rows.append((f"{first.bound_on}{ports}/{first.protocol}", f"{first.service}:{target}",
                         _held_by(first.holder)))
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
    for project, folder, holding in gone or ():
        lines.append(f"{folder}  (gone: its folder was removed, project '{project}' still runs)")
        for port, protocol, service, container in _gone_ports(holding):
            lines.append(f"    {port}/{protocol} held by '{service}' (container {container})")
        lines.append(f"    no checkout runs it any more: `{_stop(project)}` stops it")
        lines.append("")
    for path, name, branch, block, top, locked in stale or ():
        on = f", branch {branch}" if branch else ""
        if locked:  # `git worktree lock` (a removable disk, a network share): prune keeps it, and so does doctor
            lines.append(f"{path}  (worktree '{name}'{on}, locked, whose folder is not here: a disk or share not "
                         "mounted?)")
            lines.append(f"    not a checkout now: no port of it counted; once it is gone for good, "
                         f"`{_unlock(top, locked)}` and `{_prune(top)}` forget it")
            lines.append("")
            continue
        lines.append(f"{path}  (stale: worktree '{name}'{on}, whose folder is gone; git still lists it)")
        kept = f"; its block {block} goes back to the pool at the next claim" if block else ""
        lines.append(f"    not a checkout: no port of it counted{kept}; `{_prune(top)}` forgets it")
        lines.append("")
    unread = sum(c.unread for c in checkouts)
    unknown = f" ({unread} compose cannot read or refuses: their ports are not sure)" if unread else ""
    if clashes:
        lines.append(f"✗ {len(clashes)} clash{'es' if len(clashes) != 1 else ''}{unknown}")
        lines.extend(f"    {line}" for line in clashes)
        lines.extend(next_step(checkouts))
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


def _gone_ports(ports: list[ContainerPort]) -> list[tuple[int, str, str, str]]:
    """A gone stack's host ports, once each (the engine lists a port bound on 0.0.0.0 and [::] twice)."""
    return sorted({(p.socket.port, p.socket.protocol, p.service, p.name) for p in ports})


def gone_dict(project: str, folder: str, ports: list[ContainerPort]) -> dict[str, object]:
    """A stack whose folder is gone in the JSON map: `gone`, beside the checkouts."""
    return {"project": project, "working_dir": folder,
            "ports": [{"port": port, "protocol": protocol, "service": service, "container": container}
                      for port, protocol, service, container in _gone_ports(ports)],
            "stop": _stop(project)}


def stale_dict(folder: Path, name: str, branch: str, block: str, top: Path,
               locked: Path | None = None) -> dict[str, object]:
    """A worktree git lists whose folder is gone, in the JSON map: `stale`, beside the checkouts (`locked`: git's
    `worktree lock`, which prune keeps: `locked` is then the worktree's folder, which the commands that forget it
    unlock first)."""
    prune = f"{_unlock(top, locked)} && {_prune(top)}" if locked is not None else _prune(top)
    return {"path": str(folder), "name": name, "branch": branch or None, "block": block or None,
            "locked": locked is not None, "prune": prune}


def _unlock(top: Path, folder: Path) -> str:
    """What lets `git worktree prune` forget a locked worktree (git finds it by the path it recorded, gone or not)."""
    import shlex

    return f"git -C {shlex.quote(str(top))} worktree unlock {shlex.quote(str(folder))}"


def _prune(top: Path) -> str:
    """What makes git forget the worktrees whose folders are gone."""
    import shlex

    return f"git -C {shlex.quote(str(top))} worktree prune"


def _stop(project: str) -> str:
    """What stops a gone stack without its files, as the text and the JSON map say it."""
    import shlex

    return f"docker compose -p {shlex.quote(project)} down"


def _held_by(holder: str) -> str:
    if holder.startswith(FORWARDED):
        return f"held by a container ('{holder[len(FORWARDED):]}' forwards it; the engine did not say whose)"
    return {"": "free", "ours": "held by its own container"}.get(holder, f"held by {holder}")



def _folded(ports: tuple[Published, ...]) -> list[tuple[Published, Published]]:
    """The ports as (first, last) runs, each at its first port's place: consecutive ports one
    service publishes onto consecutive targets with one holder (`20000-29999/tcp -> web:20000-29999
    free`), so a host range mapped onto a container range is one line, not thousands.
    """
    groups: dict[tuple[str, str, str, str, int], list[Published]] = {}
    for p in ports:
        groups.setdefault((p.service, p.protocol, p.bound_on, p.holder, p.target - p.port), []).append(p)
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


def as_dict(checkout: Checkout) -> dict[str, object]:
    return {
        "path": str(checkout.path), "name": checkout.name, "kind": checkout.kind, "branch": checkout.branch,
        "project": checkout.project,
        "block": checkout.block, "problem": checkout.problem or None,
        "ports": [{"service": p.service, "port": p.port, "target": p.target, "protocol": p.protocol,
                   "host_ip": p.bound_on.rstrip(":").strip("[]") or None, "holder": _json_holder(p.holder)}
                  for p in checkout.ports],
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
