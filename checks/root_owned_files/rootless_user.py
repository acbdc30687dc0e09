"""root-owned-files: a service told to run as you (`user:` of your uid) under a rootless engine.

A rootless engine maps container root to you and container uid N to subuid first+N-1, so the usual
`user: "${UID}:${GID}"` (openfun/joanie's Makefile: `DOCKER_USER=$(id -u):$(id -g) docker compose`)
runs the service as a stranger here: it cannot write its bind mounts of your files, and what it
writes where it can you cannot edit. Seen on a real rootless dockerd 20.10.24 with joanie's app-dev:
`touch: /data/media/x: Permission denied`, `touch: /app/y: Permission denied`. Root inside is you.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.host.owners import Owner
from doctor.model import Check, Finding, Fix, Location, Safety
from doctor.project import Project
from doctor.project.digits import written_number
from doctor.project.types import Service

SHOWN = 3  # services and mounts named in a message before "and N more"


def as_you_findings(check: Check, project: Project, host: Host, expected: Owner, root: Path) -> Iterator[Finding]:
    """One warning for the services whose `user:` is your uid and that bind-mount your files (inside
    `root`) writable, when the engine maps uids (rootless, Docker Desktop for Linux); none otherwise.
    The engine is asked only once such a service is found."""
    if not expected.uid:
        return
    mine = [svc for svc in project.services.values() if _uid(svc) == expected.uid and _binds(svc, root)]
    if not mine:
        return
    from .fix import _in_place, _mapper, _rootless_subuids, _user_variable  # here: past the common case

    ranges = _rootless_subuids(host, expected)
    if not ranges:
        return
    here = ranges[0][0] + expected.uid - 1
    names = [repr(svc.name) for svc in mine]
    who = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
    folders = list(dict.fromkeys(project.shown(Path(m)) for svc in mine for m in _binds(svc, root)))
    shown = ", ".join(folders[:SHOWN]) + (", ..." if len(folders) > SHOWN else "")
    one = len(mine) == 1
    verb, they, their = ("runs", "it", "its") if one else ("run", "they", "their")
    message = (f"{who} {verb} as your uid {expected.uid} (user: {mine[0].user}), which {_mapper(host)} maps to "
               f"uid {here} here: {they} cannot write your files in {their} bind mounts ({shown})")
    variable = _user_variable(project, mine)
    how = (f"set {variable}=0:0 where it is set ({their} user: reads it)" if variable is not None
           else f'user: "0:0"{_in_place(project, mine)}')
    title = f"run {who if one else 'them'} as root inside, which is you here: {how}"
    yield check.finding(message, _user_at(project, mine[0]), f"user:{mine[0].name}", Fix(title, Safety.ADVICE))


def _uid(svc: Service) -> int | None:
    uid = (svc.user or "").partition(":")[0].strip().strip("'\"")
    return written_number(uid, 10)


def _binds(svc: Service, root: Path) -> list[str]:
    """The writable bind sources of `svc` inside `root` (your files)."""
    return [str(m.source) for m in svc.volumes if m.type == "bind" and m.source and not m.read_only
            and Path(os.path.realpath(m.source)).is_relative_to(root)]


def _user_at(project: Project, svc: Service) -> Location | None:
    from doctor.project.keyat import service_key_at

    return service_key_at(project, svc.name, "user")
