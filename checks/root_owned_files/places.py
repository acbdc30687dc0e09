"""Where root-owned-files groups and shows its strays: the project folder and its parents up to
the scan root, the services' bind mounts below a top folder, and paths as the project folder
reaches them."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence

from doctor.host.owner_walk import exclude_pattern

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

Row = tuple[str, int, int, bool]  # a stray as OwnerScan.rows holds it: (path, uid, gid, is_dir)


class _Places:
    """Where strays are grouped and shown from: the project folder, and each of its parents up to
    the scan root (the git work tree's top) for strays outside it, as `..`, `../..`."""

    def __init__(self, folder: str, root: str) -> None:
        self.anchors = [(folder.rstrip("/") + "/", ".")]
        up, shown = folder, "."
        while up != root and up.startswith(root) and os.path.dirname(up) != up:
            up, shown = os.path.dirname(up), (".." if shown == "." else shown + "/..")
            self.anchors.append((up.rstrip("/") + "/", shown))

    def group(self, path: str, is_dir: bool) -> str:
        """The folder a stray is grouped under, relative to the project folder: the first name
        below the deepest anchor holding it; the anchor itself for it and the files right in it."""
        for prefix, shown in self.anchors:
            if path.startswith(prefix):
                first, slash, _ = path[len(prefix):].partition("/")
                if slash or is_dir:
                    return first if shown == "." else f"{shown}/{first}"
                return shown
            if path.rstrip("/") + "/" == prefix:
                return shown
        return "."


def _from_root(patterns: Sequence[str], folder: str, root: str) -> tuple[str, ...]:
    """Exclude patterns written relative to the project folder, made relative to the scan root:
    a pattern with a slash is a path (`data/pg`); one without, a name anywhere (as exclusion() reads them,
    `./data` as `data`: exclude_pattern)."""
    plain = [exclude_pattern(p) for p in patterns]
    prefix = os.path.relpath(folder, root)
    if prefix == ".":
        return tuple(plain)
    return tuple(posixpath.normpath(f"{prefix}/{p}") if "/" in p else p for p in plain)


def _shown(path: str, folder: str) -> str:
    """`path` (absolute) as the project folder reaches it: `backend/x` below it, `../src` beside it."""
    if path.startswith(folder.rstrip("/") + "/"):
        return path[len(folder.rstrip("/")) + 1:]
    return os.path.relpath(path, folder)


def _rel(path: str, root: str) -> str:
    """`path` (absolute, under `root`) relative to `root`: "." for the root itself."""
    return path[len(root.rstrip("/")) + 1:] if path != root else "."


def _by_bind_mount(groups: dict[str, list[Row]], folder: str, project: Project,
                   ) -> tuple[dict[str, list[Row]], dict[str, str]]:
    """The groups with each top folder's strays split by the service whose bind mount below it
    holds them (mattermost's `./volumes/db/...` and `./volumes/app/mattermost/*`: postgres's data
    and the app's, two owners, two services), and {key: service} of those groups. A service's
    group is the folder its mounts there share (the one mount, else their common parent), which
    also takes the strays between them (the `volumes/app/mattermost` its docs chown); a stray in
    no such folder stays in its top folder's group. A top folder holding one service's mounts
    stays one group, that service's when all its strays lie where the service's mounts are."""
    from .writers import _gives_away

    # the deepest first; of two services mounting one folder, the one that writes there before one
    # that only sets its owners (CTFd's `ctfd` before `permissions`), then by name: never the order
    # of a set, which changes from run to run
    mounts = sorted({(os.path.realpath(m.source), name) for name, svc in project.services.items()
                     for m in svc.volumes if m.type == "bind" and m.source},
                    key=lambda pair: (-len(pair[0]), pair[0], _gives_away(project.services[pair[1]]), pair[1]))
    split: dict[str, list[Row]] = {}
    services: dict[str, str] = {}
    for top, rows in groups.items():
        within = os.path.normpath(os.path.join(folder, top))
        inner = [pair for pair in mounts if pair[0].startswith(within + "/")] if top != "." else []
        if not inner:
            split.setdefault(top, []).extend(rows)
            continue
        held: dict[str, list[Row]] = {}  # service -> its rows
        used: dict[str, set[str]] = {}  # service -> the mount sources holding them
        rest: list[Row] = []
        for row in rows:
            found = next(((s, n) for s, n in inner if _under(row[0], s)), None)
            if found is None:
                rest.append(row)
            else:
                held.setdefault(found[1], []).append(row)
                used.setdefault(found[1], set()).add(found[0])
        homes = {name: os.path.commonpath(sorted(sources)) for name, sources in used.items()}
        if len(held) == 1:  # one service's mounts: the group stays the top folder's, and is that service's
            (name,) = held
            split.setdefault(top, []).extend(rows)
            if all(_under(row[0], homes[name]) for row in rest):
                services[top] = name
            continue
        placed: list[tuple[str, str]] = []  # (folder, key) of this top folder's service groups
        for name in sorted(held):
            home = homes[name]
            shared = sum(h == home for h in homes.values()) > 1 or home == within
            places = sorted(used[name]) if shared else [home]  # two services' common parent: each mount
            for place in places:
                key = _shown(place, folder)
                services[key] = name
                placed.append((place, key))
                split.setdefault(key, []).extend(r for r in held[name] if _under(r[0], place))
        keep: list[Row] = []
        for row in rest:  # a folder between a service's mounts (volumes/app/mattermost/client)
            owner = next((key for place, key in placed if _under(row[0], place)), None)
            (split.setdefault(owner, []) if owner else keep).append(row)
        if keep:
            split.setdefault(top, []).extend(keep)
    for key in services.keys() - groups.keys():
        split[key].sort(key=lambda r: r[0])
    return split, services


def _under(path: str, place: str) -> bool:
    """Whether `path` is `place` or below it (both absolute and normalized)."""
    return path == place or path.startswith(place + "/")


def no_root_writer(paths: Sequence[str]) -> str:
    """Why a group no service could have written as root is root's: of a git folder (`.git/index`), a
    `git` run as root, on the host (`sudo git pull`) or in a container whose git runs as root."""
    said = "no service mounting it runs as root"
    if paths and all(".git" in posixpath.normpath(p).split("/") for p in paths):
        return f"{said}: a git run as root wrote it, on the host (sudo git ...) or in a container running git as root"
    return said


def unlisted(rows: Sequence[Row], unreadable: Sequence[object], folder: str) -> list[str]:
    """The folders the walk could not list (`OwnerScan.unreadable`), as the project folder reaches
    them, that are no strays: a stray folder is reported itself, and the chown -R of it covers what
    it holds (a database's own 700 data folder is its by design); what one of yours, mode 000, holds
    was never looked at. O(n) in the strays."""
    strays = {path for path, _, _, is_dir in rows if is_dir}
    return sorted(_shown(str(p), folder) for p in unreadable if str(p) not in strays)
