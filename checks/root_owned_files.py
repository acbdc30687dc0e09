"""root-owned-files: files and folders in the repo (and .git) not owned by the repo's owner."""

from __future__ import annotations

import heapq
import os
import posixpath
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.host import Host
from doctor.host.owner_walk import path_order
from doctor.host.owners import Owner, OwnerScan
from doctor.host.which import which_on
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, Unavailable
from doctor.project import Project

SHOWN = 3
MAX_OPERANDS = 20
Row = tuple[str, int, int, bool]  # a stray as OwnerScan.rows holds it: (path, uid, gid, is_dir)


class RootOwnedFiles(Check):
    """files and dirs in the repo (and .git) not owned by the repo's owner

    What it finds
        Files and folders of the project folder, .git included, whose owner is not the project's:
        the owner of the folder scanned, or the user who ran sudo. Containers write into the host
        tree only through bind mounts, so where a service bind-mounts a folder beside the
        project folder in the same git work tree, the scan widens to hold it: a compose file in
        `.devcontainer/` that mounts `..` lets a container write the whole checkout, so all of
        it is scanned, .git included; never beyond the work tree's top. A linked
        worktree's or submodule's `.git` file is checked itself, not followed. Symlinks are
        checked themselves and never followed, so a link out of the repo reports nothing outside
        it. Grouped by top folder (`../src` for one beside the project folder), with the compose
        service whose bind mount covers them.
        With a rootless engine (container root is you), the strays are files of your subuid
        range (/etc/subuid): a container's non-root user wrote them. On macOS (Docker Desktop,
        OrbStack, Colima) the VM's file sharing writes bind-mount files as you, so the check
        does not scan and says so in one line. A folder unchanged since the last walk (same
        inode, mtime and ctime) is not listed again: its known strays and subfolders are looked
        at again, so a stray chowned back, a new file, a new folder or a `chown -R` is seen at
        once; an existing file chowned in place is found by the next full walk, at most an hour
        later (DOCTOR_NO_CACHE=1 walks everything).

    Why it matters
        A container running as root writes `__pycache__`, `node_modules`, `.pytest_cache` or
        even git objects into a bind mount; afterwards the developer cannot edit, delete or
        `git pull` them without sudo, and tools fail with "Permission denied".

    Example
        backend  37 paths in 'backend' owned by root (uid 0), not uid 1000: backend/.pytest_cache, ...

    Fix
        `chown -hR UID:GID` the paths back (`-h`: a symlink itself, never its target): directly
        when doctor may, else with sudo, else through the docker engine (`docker run --rm -v
        DIR:/w IMAGE chown ...`). Then run the service as you (`user: "${UID}:${GID}"`) so it
        does not happen again. Only the listed paths are touched, never an excluded one. With
        a rootless engine the chown runs through the engine to 0:0 inside its user namespace,
        which is you outside (or `podman unshare chown`).

    Fix safety
        Unsafe: it changes owners and may need sudo or the engine, so it runs only with `--yes`
        or when you agree on a terminal. It never follows a symlink and never leaves the repo.
    """

    id = "root-owned-files"
    fix_family = "owners"
    severity = Severity.WARNING

    def __init__(self, severity: Severity | None = None, exclude: Sequence[str] = ()) -> None:
        super().__init__(severity)
        self.exclude = tuple(exclude)

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        cannot = host.platform.bind_mounts_write_as_user()
        if cannot:
            raise Unavailable(cannot)  # skipped, with the one line that says why
        folder = os.path.realpath(project.root)
        binds = [m.source for service in project.services.values() for m in service.volumes
                 if m.type == "bind" and m.source]
        root = host.owners.scope(Path(folder), binds)  # the project, widened to bind sources beside it
        expected = host.owners.expected(root)
        scan = host.owners.scan(root, _from_root(self.exclude + project.config.exclude.value, folder, str(root)))
        place = _Places(folder, str(scan.root))
        groups: dict[str, list[Row]] = {}
        for row in scan.rows:
            groups.setdefault(place.group(row[0], row[3]), []).append(row)
        # a recursive chown of a group's folder must not touch what the user excluded below it
        protected = {place.group(str(d), True) for d in scan.excluded_in}
        subuids = _rootless_subuids(host, expected) if groups else ()
        for top, rows in sorted(groups.items()):
            yield self._group(project, host, scan, expected, folder, top, rows, subuids, top in protected)

    def _group(self, project: Project, host: Host, scan: OwnerScan, expected: Owner, folder: str, top: str,
               rows: list[Row], subuids: tuple[tuple[int, int], ...], protected: bool) -> Finding:
        base = str(scan.root)
        owners = sorted({uid for _, uid, _, _ in rows})
        who = Owner(owners[0], 0, "").display() if len(owners) == 1 else "other users"
        mapped = [uid - first for uid in owners for first, count in subuids if first <= uid < first + count]
        if mapped and len(mapped) == len(owners):
            # a rootless engine maps container root to you and container uid N to subuid first+N-1
            shown_uids = ", ".join(str(n + 1) for n in sorted(set(mapped))[:3])
            who = f"container uid {shown_uids} of the rootless engine (your subuid range)"
        within = os.path.normpath(os.path.join(folder, top))
        above = top.rpartition("/")[2] == ".."  # a parent of the project folder: its own entries only
        where = "the project folder" if top == "." else repr(top)
        if above and within == base:
            where = f"the repo root {where}"
        count = f"{len(rows)} path{'s' if len(rows) != 1 else ''}"
        message = f"{count} in {where} owned by {who}, not uid {expected.uid}"
        # the shallowest first, by name: a heap, not a sort of every stray (text, not a Path each)
        first = [p for p, _, _, _ in heapq.nsmallest(SHOWN, rows, key=lambda r: (r[0].count("/"), path_order(r)))]
        shown = [_shown(p, folder) for p in first]
        message += ": " + ", ".join(shown[:1])
        listed = 1
        for more in shown[1:]:
            if len(message) + len(more) > 100:
                break
            message += f", {more}"
            listed += 1
        if len(rows) > listed or len(message) >= 100:
            message += ", ..."
        # who wrote them: the service whose bind mount covers the folder, else one covering a stray
        candidates = [Path(within)] if top != "." else []
        service = next(filter(None, (_covering_service(project, p) for p in [*candidates, *map(Path, first)])),
                       None)
        operands = _operands(scan, within, rows, protected or top == "." or above)
        fix = _fix(project, host, expected, operands, service, base, folder, rootless=bool(subuids))
        return self.finding(message, Location(Path(within)), f"owner:{top}", fix)


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
    a pattern with a slash is a path (`data/pg`); one without, a name anywhere (as exclusion() reads them)."""
    prefix = os.path.relpath(folder, root)
    if prefix == ".":
        return tuple(patterns)
    return tuple(posixpath.normpath(f"{prefix}/{p.strip('/')}") if "/" in p.strip("/") else p for p in patterns)


def _shown(path: str, folder: str) -> str:
    """`path` (absolute) as the project folder reaches it: `backend/x` below it, `../src` beside it."""
    if path.startswith(folder.rstrip("/") + "/"):
        return path[len(folder.rstrip("/")) + 1:]
    return os.path.relpath(path, folder)


def _rel(path: str, root: str) -> str:
    """`path` (absolute, under `root`) relative to `root`: "." for the root itself."""
    return path[len(root.rstrip("/")) + 1:] if path != root else "."


def _operands(scan: OwnerScan, within: str, rows: list[Row], protected: bool) -> tuple[bool, list[str]]:
    """(recursive, paths): the fewest chown operands covering the group, never an excluded path
    (`protected`: a chown -R of `within` would reach one, or more than the group)."""
    roots = scan.chown_operands(within, rows)
    # a stray's own lstat says whether it is a folder (a symlink to one is not: chown -h takes the link)
    folders = {p for p, _, _, is_dir in rows if is_dir}
    if all(recursive or path not in folders for path, recursive in roots) or not roots:
        if len(roots) > MAX_OPERANDS and not protected:
            return True, [within]
        return True, [path for path, _ in roots]
    return False, [p for p, _, _, _ in sorted(rows, key=path_order)]  # an impure folder: list each stray, no -R


def _fix(project: Project, host: Host, expected: Owner, operands: tuple[bool, list[str]],
         service: str | None, root: str, folder: str, rootless: bool = False) -> Fix:
    recursive, paths = operands
    flags = "-hR" if recursive else "-h"
    owner = f"{expected.uid}:{expected.gid}"
    then = f" (and run {service!r} with user: \"${{UID}}:${{GID}}\")" if service else ""
    shown = ", ".join(_shown(p, folder) for p in paths[:2]) + (", ..." if len(paths) > 2 else "")
    if rootless:
        # container root is you: a chown to 0:0 inside the engine's user namespace gives them back
        then = f" (and run {service!r} as root inside, which is you)" if service else ""
        image = _local_image(project, host, service)
        if image is not None:
            inside = [f"/w/{_rel(p, root)}" if p != root else "/w" for p in paths]
            return Fix(f"chown {shown} back to you through the rootless engine{then}", Safety.UNSAFE,
                       command=("docker", "run", "--rm", "--user", "0:0", "--entrypoint", "chown", "-v",
                                f"{root}:/w", image, flags, "0:0", *inside))
        pasted = _pasteable(paths)
        title = f"podman unshare chown {flags} 0:0 -- {pasted} (or as root: chown {flags} {owner} -- {pasted})"
        return Fix(title + then, Safety.ADVICE)
    if host.owners.euid == 0:
        command: tuple[str, ...] = ("chown", flags, owner, *paths)
        return Fix(f"chown {shown} to {owner}{then}", Safety.UNSAFE, command=command)
    if which_on("sudo", host.env.get("PATH")):
        return Fix(f"sudo chown {shown} to {owner}{then}", Safety.UNSAFE,
                   command=("sudo", "chown", flags, owner, *paths))
    image = _local_image(project, host, service)
    if image is None:
        return Fix(f"as root: chown {flags} {owner} -- {_pasteable(paths)}{then}", Safety.ADVICE)
    inside = [f"/w/{_rel(p, root)}" if p != root else "/w" for p in paths]
    command = ("docker", "run", "--rm", "--user", "0:0", "--entrypoint", "chown", "-v", f"{root}:/w", image,
               flags, owner, *inside)
    return Fix(f"chown {shown} to {owner} through the docker engine{then}", Safety.UNSAFE, command=command)


def _pasteable(paths: Sequence[str]) -> str:
    """The operands of an advice's command as a shell reads them: absolute, each quoted (a stray
    named `$(touch x)` or with spaces must not run or split when the line is pasted), after `--`
    in the title (a name starting with `-`); past two, how many more (the command is then partial)."""
    import shlex

    quoted = " ".join(shlex.quote(p) for p in paths[:2])
    return quoted + (f" (and {len(paths) - 2} more)" if len(paths) > 2 else "")


def _rootless_subuids(host: Host, expected: Owner) -> tuple[tuple[int, int], ...]:
    """The project owner's subuid ranges when the engine is rootless (else none)."""
    # /etc/subuid first: a user without a range needs no answer from the engine (its /info
    # takes ~20 ms to build, a wait at the end of every walk that found strays)
    ranges = host.platform.subuid_ranges(expected.display().split(" (uid ")[0], expected.uid)
    engine = host.engine
    if not ranges or not engine.available or not engine.rootless:
        return ()
    return ranges


def _covering_service(project: Project, path: Path) -> str | None:
    """The service whose bind mount covers `path` most closely (it probably wrote the files)."""
    best: tuple[int, str] | None = None
    for service in project.services.values():
        for mount in service.volumes:
            covers = mount.type == "bind" and mount.source and path.is_relative_to(mount.source)
            if covers and mount.source and (best is None or len(mount.source) > best[0]):
                best = (len(mount.source), service.name)
    return best[1] if best else None


def _local_image(project: Project, host: Host, service: str | None) -> str | None:
    """An image the engine already has (never pulled): the service's own, else any tagged one."""
    try:
        tags = list(host.image_tags())
    except Unavailable:
        return None
    if service is not None:
        spec = project.services[service]
        wanted = spec.image or f"{project.compose.project_name}-{service}"
        for tag in tags:
            if tag == wanted or tag == f"{wanted}:latest":
                return tag
    return tags[0] if tags else None
