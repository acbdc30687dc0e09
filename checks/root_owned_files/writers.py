"""Who may have written root's files in the checkout: the services that bind-mount the place and may
run as root (not read-only, no non-root USER, not a service that only gives files away with chown),
the one whose mount covers it most closely, and whether one service alone wrote a group."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project
from doctor.project.types import Service

from .places import Row


def _image_user(project: Project, service: Service) -> str | None:
    """The non-root USER the service's local image runs as (its Dockerfile's `build.target` stage,
    else the last, through the stages it is built FROM); None for root, for none set, or with no
    local build."""
    build = service.build
    path = build.dockerfile_path if build is not None else None
    recipe = project.recipe(path, build.target) if build is not None and path is not None else None
    user = recipe.user if recipe is not None else ""
    return user if user and user not in ("0", "root") and "$" not in user else None


def _may_run_as_root(project: Project, host: Host, svc: Service) -> bool:
    """Whether a service may run as root: its `user:` is root (`0`, `root`), or it has none and
    neither its local Dockerfile nor its image on the engine declares a non-root `USER`. A `user:`
    naming anyone else (kitsune's `${UID:-kitsune}`, `${UID:-1000}`) runs as that user: the
    service cannot have left root's files."""
    user = (svc.user or "").partition(":")[0].strip()
    if user:
        return user in ("0", "root")
    if _image_user(project, svc):
        return False
    name = svc.image or f"{project.compose.project_name}-{svc.name}"
    try:  # one image list for every service; an inspect only for an image the engine has
        facts = host.images.image(name) if host.images.present([name]) else None
    except Unavailable:
        return True
    image_user = facts.user.partition(":")[0].strip() if facts is not None else ""
    return image_user in ("", "0", "root")


def _read_only(project: Project, paths: Sequence[Path]) -> bool:
    """Whether every bind mount covering one of `paths` is read-only (saleor's
    `./replica_user.sql:/docker-entrypoint-initdb.d/replica_user.sql:ro`): no container wrote there."""
    covering = [m.read_only for svc in project.services.values() for m in svc.volumes
                if m.type == "bind" and m.source and any(p.is_relative_to(m.source) for p in paths)]
    return bool(covering) and all(covering)


def _root_writers(project: Project, host: Host, paths: Sequence[Path]) -> list[str]:
    """The services that bind-mount one of `paths` (or a folder above it), not read-only, and may
    run as root: the ones that could have left root's files there, the closest mount first, then by name."""
    depth: dict[str, int] = {}
    for svc in project.services.values():
        covering = [len(m.source) for m in svc.volumes if m.type == "bind" and m.source and not m.read_only
                    and any(p.is_relative_to(m.source) for p in paths)]
        if covering and not _gives_away(svc) and _may_run_as_root(project, host, svc):
            depth[svc.name] = max(covering)
    return sorted(depth, key=lambda name: (-depth[name], name))


_OWNERSHIP_TOOLS = ("chown", "chmod", "chgrp", "setfacl")


def _gives_away(svc: Service) -> bool:
    """Whether the service only sets who owns its mounts (CTFd's `permissions`: `user: root`, `command:
    chown -R 1001:1001 /var/uploads /var/log/CTFd`): it runs as root to give files to a user, writes
    none of root's, and advising it to run as you would make its chown fail. Its command (or
    entrypoint), or each command of an `sh -c` text, is chown, chmod, chgrp, setfacl or mkdir."""
    programs = [posixpath.basename(c[0]) for c in _commands(svc) if c]
    return bool(programs) and any(p in _OWNERSHIP_TOOLS for p in programs) and all(
        p in (*_OWNERSHIP_TOOLS, "mkdir") for p in programs)


def _commands(svc: Service) -> list[list[str]]:
    """The words of each command a service runs: its entrypoint and command, or each command of
    an `sh -c` text (split at `;` and `&&`)."""
    from doctor.project.shipped import shell_words

    words = shell_words(svc.entrypoint) + shell_words(svc.command)
    if len(words) >= 3 and posixpath.basename(words[0]) in ("sh", "bash", "ash") and words[1] == "-c":
        return [c.split() for c in " ".join(words[2:]).replace("&&", ";").split(";")]
    return [words]


def _sole_writer(project: Project, service: str, within: str, rows: Sequence[Row],
                 writers: Sequence[str] | None = None) -> bool:
    """Whether the bind mounts say `service` wrote the group: every stray lies in one of its bind
    mounts, and no other service mounts that same folder. A stray outside its mounts was written
    on the host (a `sudo` of the user's) or by no container of this project; a folder two services
    mount alike (django-react-boilerplate's `frontend` and `backend`, both `.`) is either's.
    `writers`: the only services that could have written the strays (root's files: those that may
    run as root), when known; another's mount does not count."""
    ours: set[str] = set()
    theirs: set[str] = set()
    for name, svc in project.services.items():
        if writers is not None and name != service and name not in writers:
            continue
        for mount in svc.volumes:
            if mount.type == "bind" and mount.source:
                (ours if name == service else theirs).add(os.path.realpath(mount.source))

    def closest(path: str) -> str | None:
        found = [s for s in ours if path == s or path.startswith(s.rstrip("/") + "/")]
        return max(found, key=len) if found else None

    home = closest(within)
    deeper = any(s.startswith(within.rstrip("/") + "/") for s in ours | theirs)
    if home is not None and not deeper:  # the whole group in one mount: no stray to look at
        return home not in theirs
    places = {closest(p) for p, _, _, _ in rows}
    return None not in places and not places & theirs


def _covering_service(project: Project, path: Path) -> str | None:
    """The service whose bind mount covers `path` most closely (it probably wrote the files)."""
    best: tuple[int, str] | None = None
    for service in project.services.values():
        for mount in service.volumes:
            covers = mount.type == "bind" and mount.source and path.is_relative_to(mount.source)
            if covers and mount.source and (best is None or len(mount.source) > best[0]):
                best = (len(mount.source), service.name)
    return best[1] if best else None
