"""Ports free now that another worktree's running stack publishes too: the port plan's clashes to come.

fastapi-template in three worktrees, track A up with proxy, db, adminer and mailpit: `doctor fix --ports`
in track B moved the six ports A's containers held into B's block and left backend's and playwright's,
which A publishes too but had not started; `doctor ports` still listed them as B's clashes, the step it
gave named only track C, and A's `up backend` failed once B's ran. Where another worktree of the
repository runs a stack of this compose folder (tracks side by side), a port of ours its model publishes
is a clash to come, moved into this worktree's block with the others.

That worktree's ports are the engine's: its running (or paused) containers' bindings, and for a service it
has not started, its model read as its containers were started (their compose labels' files: a
`compose.ports.yaml` it reads is its block, not the committed ports) with its own `.env` or env files and no
variable of our shell (docker-django-example's `${DOCKER_WEB_PORT_FORWARD:-...}` exported in track B's shell is
B's port, not the main worktree's), in the profiles its `up` enables (its `.env`'s COMPOSE_PROFILES, and those
of the services it runs). Only stacks with a container `up` started count (a one-off `run` container alone
publishes nothing of the service), at most 16 of them. Only a port nothing holds now is judged here (a held
one is the live half's, and one our own container holds is ours to keep): the running track keeps the
committed ports, an idle one moves. Where both run, the one with a block of the plan (it moved before) moves
again, never the one still on the committed ports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.host import Host
from doctor.host.containers import (
    COMPOSE_CONFIG_FILES,
    COMPOSE_ONEOFF,
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
    COMPOSE_WORKING_DIR,
)
from doctor.host.ports import HostSocket
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable

from .ranges import Target
from .static import PortMover

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project import Project

MAX_RUNNING = 16  # other worktrees' running projects read, at most
COMPOSE_ENV_FILE = "com.docker.compose.project.environment_file"  # the env files its `up` read


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
    repository's other worktrees publish: their running containers' bindings as the engine has them, and for
    a service not started, its ports in their model read with their files and env files, never our shell."""
    repo = project.repo()
    if repo is None:
        return []
    top = repo.top.resolve()  # once, not once per worktree (a repository with a dozen of them)
    inside = project.root.resolve().relative_to(top)
    folders = {(wt.path / inside).resolve(): wt.path.name for wt in repo.worktrees()
               if wt.exists and wt.path.resolve() != top}
    if not folders:
        return []
    try:
        listed = host.ports.running_containers()  # the listing the live half read, not a request of its own
    except Unavailable:
        return []
    from doctor.host.portregistry import owner_blocks

    planned = {Path(owner).resolve() for owner in owner_blocks(project.options.env)}
    mine = project.root.resolve() in planned
    stacks: dict[str, _Stack] = {}
    for item in listed:
        labels = item.get("Labels") or {}
        name = str(labels.get(COMPOSE_PROJECT, ""))
        if not name or name == project.compose.project_name or not labels.get(COMPOSE_WORKING_DIR):
            continue
        stack = stacks.get(name)
        if stack is None:
            there = Path(str(labels[COMPOSE_WORKING_DIR])).resolve()
            if there not in folders or (there in planned and not mine):
                continue  # a worktree that moved into a block of the plan leaves the committed ports to us
            stack = stacks[name] = _Stack(name, there, folders[there], labels, project.options.env)
        stack.add(str(labels.get(COMPOSE_SERVICE, "")), item.get("Ports") or [], labels.get(COMPOSE_ONEOFF) == "True")
    found: list[tuple[HostSocket, str, str]] = []
    # a stack with only a `run` container (`docker compose run -d --rm web`) runs no service of it
    running = [stack for stack in stacks.values() if stack.started]
    for stack in sorted(running, key=lambda s: s.name)[:MAX_RUNNING]:
        found += stack.published()
    return found


# doctor's own locations (its model cache), which the sibling's model is read with: no port comes from them
_OWN_ENV = ("HOME", "XDG_CACHE_HOME", "DOCTOR_NO_CACHE")


class _Stack:
    """One running compose project of another worktree: its labels, and the ports its containers publish."""

    def __init__(self, name: str, there: Path, worktree: str, labels: dict[str, Any], env: Mapping[str, str]) -> None:
        self.name, self.there, self.worktree, self.labels = name, there, worktree, labels
        self.env = {key: value for key, value in env.items() if key in _OWN_ENV}
        self.started: set[str] = set()
        self.sockets: list[tuple[HostSocket, str, str]] = []

    def add(self, service: str, ports: list[dict[str, Any]], one_off: bool) -> None:
        if not one_off:  # a `run` container publishes none of the service's ports (without --service-ports)
            self.started.add(service)
        self.sockets += [(HostSocket(str(p.get("IP", "")), int(p["PublicPort"]), str(p.get("Type", "tcp"))),
                          self.worktree, service) for p in ports if p.get("PublicPort")]

    def published(self) -> list[tuple[HostSocket, str, str]]:
        """The running containers' bindings, then the ports its services not started publish in its model."""
        found = list(self.sockets)
        files = _existing(self.labels.get(COMPOSE_CONFIG_FILES))
        if not files:
            return found
        from doctor.project import Project as Sibling
        from doctor.project import ProjectOptions

        sibling = Sibling(ProjectOptions(path=self.there, files=files, profiles=("*",), project_name=self.name,
                                         env=self.env, env_files=_existing(self.labels.get(COMPOSE_ENV_FILE)) or None))
        # the profiles its `up` enables: its own .env's COMPOSE_PROFILES (compose's default [""] when unset),
        # and those of the services it runs (named on `up`, a service's profile is enabled), never every one
        active = {p.strip() for p in sibling.compose.variables.get("COMPOSE_PROFILES", "").split(",")}
        active |= {p for name in self.started if name in sibling.services for p in sibling.services[name].profiles}
        for name, svc in sibling.services.items():
            if name in self.started:
                continue  # its container's bindings are the truth: the model would be read without its shell
            if svc.profiles and active.isdisjoint(svc.profiles):
                continue  # a profile its `up` does not enable: the service will not start there
            for port in svc.ports:
                span = port.published_range
                if span is not None and span[0] == span[1]:
                    found.append((HostSocket(port.host_ip, span[0], port.protocol), self.worktree, name))
        return found


def _existing(label: object) -> tuple[Path, ...]:
    """The files of a compose label's comma-separated list that exist here."""
    return tuple(Path(f) for f in str(label or "").split(",") if f and os.path.isfile(f))
