"""The files a local build needs that this user cannot read: the build context, its Dockerfile and
what the Dockerfile COPYs (BuildKit sends only those), minus what `.dockerignore` keeps out.

`docker compose config` reads none of them, but `docker compose build` / `up --build` stops at the
first one ("failed to read dockerfile", "error from sender: open app/entry.sh: permission
denied"), and every check that reads a Dockerfile sees less. Root reads through any mode, so a
run as root finds none (as the build, run as root by the engine's client, would).
"""

from __future__ import annotations

import collections
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Location
from doctor.project.types import Problem, ProblemKind, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.codepaths import DockerIgnore

# entries looked at per run, all COPY'd folders together (~8 µs each, every preflight of a non-root
# user): a `COPY . .` of a context with node_modules is not walked to the end; its top levels are
WALK_LIMIT = 2_000
_GLOB = frozenset("*?[")


def unreadable_build_inputs(project: Project) -> tuple[Problem, ...]:
    """One Problem per unreadable build context, Dockerfile or COPY'd file/folder, each path once."""
    found: dict[Path, Problem] = {}
    if os.geteuid() == 0:
        return ()  # root reads through any mode
    budget = [WALK_LIMIT]  # shared by every service's folders; a folder two services COPY is walked once
    walked: set[Path] = set()
    for name in sorted(project.services):
        service = project.services[name]
        for path, reason in _service_inputs(project, service, budget, walked):
            if path not in found:
                shown = project.shown(path)
                location = service.build.location if service.build is not None else None
                found[path] = Problem(ProblemKind.UNREADABLE, f"cannot read {shown}: {reason}",
                                      location or Location(path))
    return tuple(found.values())


def _service_inputs(project: Project, service: Service, budget: list[int],
                    walked: set[Path]) -> Iterator[tuple[Path, str]]:
    build = service.build
    if build is None or build.dockerfile_path is None:
        return
    context = Path(build.context)
    reason = unreadable(context, folder=True)
    if reason:
        yield context, reason
        return
    reason = unreadable(build.dockerfile_path)
    if reason:
        yield build.dockerfile_path, reason
        return
    dockerfile = project.dockerfile(service)
    if dockerfile is None:
        return
    from doctor.project.codepaths import read_dockerignore

    ignore = read_dockerignore(context, build.dockerfile_path)
    for copy in dockerfile.copies:
        for source in copy.sources:
            yield from _copied(context, source, ignore, budget, walked)


def _copied(context: Path, source: str, ignore: DockerIgnore, budget: list[int],
            walked: set[Path]) -> Iterator[tuple[Path, str]]:
    relative = source.lstrip("/")
    if any(c in _GLOB for c in relative):
        paths = sorted(context.glob(relative)) if relative and not relative.startswith("..") else []
    else:
        paths = [Path(os.path.normpath(context / relative))]
    for path in paths:
        if not path.is_relative_to(context):
            continue
        inside = path.relative_to(context).as_posix()
        if inside != "." and ignore.excludes(inside):
            continue
        reason = unreadable(path, folder=_is_dir(path))
        if reason:
            yield path, reason
        elif _is_dir(path) and path not in walked:
            walked.add(path)
            yield from _walk(context, path, ignore, budget)


def _walk(context: Path, top: Path, ignore: DockerIgnore, budget: list[int]) -> Iterator[tuple[Path, str]]:
    """The unreadable entries below a COPY'd folder (folders not entered, files not readable), from
    the mode bits scandir's stat gives (no access() call per file), breadth first (the top levels,
    where a database's data folder sits, before the depths of node_modules) while `budget[0]`
    entries are left."""
    uid, groups = os.geteuid(), {os.getegid(), *os.getgroups()}
    base = len(str(context)) + 1
    queue = collections.deque([str(top)])
    while queue and budget[0] > 0:
        folder = queue.popleft()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Path(folder), (exc.strerror or str(exc)).lower()
            continue
        for entry in entries:
            budget[0] -= 1
            if ignore.rules and ignore.excludes(entry.path[base:]):
                continue
            try:
                if entry.is_symlink():
                    continue  # the build sends the link itself, never its target
                is_dir = entry.is_dir(follow_symlinks=False)
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone meanwhile
            if not _may(info, uid, groups, stat.S_IRUSR | (stat.S_IXUSR if is_dir else 0)):
                yield Path(entry.path), "permission denied"
            elif is_dir:
                queue.append(entry.path)


def _may(info: os.stat_result, uid: int, groups: set[int], wanted: int) -> bool:
    """Whether the owner / group / other bits that apply to this user grant `wanted` (owner bits)."""
    if info.st_uid == uid:
        return info.st_mode & wanted == wanted
    if info.st_gid in groups:
        return info.st_mode & (wanted >> 3) == wanted >> 3
    return info.st_mode & (wanted >> 6) == wanted >> 6


def unreadable(path: Path, folder: bool = False) -> str:
    """Why this user cannot read `path` (list and enter it, for a folder); "" when it can, or when
    it does not exist (a missing path is another finding's)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ""
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    if os.path.islink(path) and not os.path.exists(path):
        return ""
    wanted = os.R_OK | os.X_OK if folder else os.R_OK
    return "" if os.access(path, wanted) else "permission denied"


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
