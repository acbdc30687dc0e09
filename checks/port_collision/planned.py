"""Ports free now that another worktree's running stack publishes too: the port plan's clashes to come.

fastapi-template in three worktrees, track A up with proxy, db, adminer and mailpit: `doctor fix --ports`
in track B moved the six ports A's containers held into B's block and left backend's and playwright's,
which A publishes too but had not started; `doctor ports` still listed them as B's clashes, the step it
gave named only track C, and A's `up backend` failed once B's ran. Where another worktree of the
repository runs a stack of this compose folder (tracks side by side), a port of ours its model publishes
is a clash to come, moved into this worktree's block with the others.

That worktree's model is read as its containers were started (their compose labels' files: a
`compose.ports.yaml` it reads is its block, not the committed ports), with every profile. Only a port
nothing holds now is judged here (a held one is the live half's, and one our own container holds is
ours to keep): the running track keeps the committed ports, an idle one moves. Where both run, the one
with a block of the plan (it moved before) moves again, never the one still on the committed ports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.host.ports import HostSocket
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.records import replace

from .ranges import Target
from .static import PortMover

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

MAX_RUNNING = 16  # other worktrees' running projects read, at most


def planned_findings(check: Check, project: Project, host: Host, idle: list[Target],
                     mover: PortMover) -> Iterator[Finding]:
    """A warning per port in `idle` (published by us, bound by nobody) that a running worktree publishes."""
    if not idle:
        return
    theirs = _running_siblings(project, host)
    if not theirs:
        return
    by_port: dict[tuple[int, str], list[tuple[HostSocket, str, str]]] = {}
    for socket, worktree, service in theirs:
        by_port.setdefault((socket.port, socket.protocol), []).append((socket, worktree, service))
    for target in idle:
        sock = target.socket
        met = next((t for t in by_port.get((sock.port, sock.protocol), ()) if t[0].overlaps(sock)), None)
        if met is None:
            continue
        _, worktree, service = met
        advice = Fix(f"publish another host port for '{target.service}'", Safety.ADVICE)
        message = (f"{sock} ('{target.service}') is also published by worktree '{worktree}' (service '{service}'), "
                   "whose stack runs: both cannot run at once")
        yield check.finding(message, target.mapping.location, f"port:{sock}",
                            mover(target.service, target.mapping, advice), Severity.WARNING)


def _running_siblings(project: Project, host: Host) -> list[tuple[HostSocket, str, str]]:
    """(socket, worktree folder name, service) of every host port the running compose projects of the
    repository's other worktrees publish, read with the files their containers were started with."""
    from doctor.host.containers import compose_projects
    from doctor.project import Project as Sibling
    from doctor.project.gitrepo import find_repo

    repo = find_repo(project.root)
    if repo is None:
        return []
    inside = project.root.resolve().relative_to(repo.top.resolve())
    folders = {(wt.path / inside).resolve(): wt.path.name for wt in repo.worktrees()
               if wt.exists and wt.path.resolve() != repo.top.resolve()}
    if not folders:
        return []
    try:
        running = [p for p in compose_projects(host.engine) if p.working_dir and p.name != project.compose.project_name]
    except Unavailable:
        return []
    from doctor.host.portregistry import owner_blocks

    planned = {Path(owner).resolve() for owner in owner_blocks(project.options.env)}
    mine = project.root.resolve() in planned
    found: list[tuple[HostSocket, str, str]] = []
    for labels in running[:MAX_RUNNING]:
        there = Path(labels.working_dir).resolve()
        if there not in folders or (there in planned and not mine):
            continue  # a worktree that moved into a block of the plan leaves the committed ports to us
        files = tuple(Path(f) for f in labels.config_files if os.path.isfile(f))
        if not files:
            continue
        sibling = Sibling(replace(project.options, path=there, files=files, profiles=("*",), project_name=labels.name,
                                  config=None, cwd=None, env_files=None))
        for name, svc in sibling.services.items():
            for port in svc.ports:
                span = port.published_range
                if span is not None and span[0] == span[1]:
                    found.append((HostSocket(port.host_ip, span[0], port.protocol), folders[there], name))
    return found
