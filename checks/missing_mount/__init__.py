"""missing-mount: COPY'd source folders the dev mounts forgot, and bind sources that do not exist."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.edits import dev_override, override_edit
from doctor.project.types import Mount, Service

from .bind_sources import absent_sources


class MissingMount(Check):
    """dev bind mounts that cover some of an image's COPY'd source folders but not others

    What it finds
        A service whose bind mounts cover most of the folders its Dockerfile COPYs or ADDs from
        the build context but not all: `app/` and `tests/` are mounted, `scripts/` is not, so
        edits to scripts/ never reach the container (a service mounting only a few chosen
        folders, like a worker mounting `src/`, is left alone). It also finds bind sources
        inside the project that do not exist: docker creates them as root-owned directories,
        even where a file was meant. A file-looking source (`./nginx.conf`) or a service that
        runs as a non-root `user:` is a warning, `create_host_path: false` an error (the
        container cannot start), a plain data or log directory only info (often intended).

    Why it matters
        The container runs the copy of scripts/ baked into the image at build time, so a fix on
        the host "does nothing" until someone rebuilds. A bind source docker had to create is
        a root-owned directory in the checkout that the developer cannot delete.

    Example
        compose.override.yaml:6  'backend' mounts backend/app, backend/tests but not backend/scripts

    Fix
        Add the missing mount to the dev override with the same layout as its siblings
        (`./backend/scripts:/app/scripts`). For a missing bind source: create it (a directory,
        or the file that was meant) before `docker compose up`.

    Fix safety
        Safe: it only adds a bind mount to the dev override that compose loads, with the layout
        of the mounts already there; without such an override it is advice.
    """

    id = "missing-mount"
    fix_family = "mounts"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        for service in model.services.values():
            yield from self._uncovered_copies(project, service)
        yield from absent_sources(self, model)

    def _uncovered_copies(self, project: Project, service: Service) -> Iterator[Finding]:
        dockerfile = project.dockerfile(service)
        binds = [m for m in service.volumes if m.type == "bind" and m.source and "$" not in m.source]
        if dockerfile is None or service.build is None or not binds:
            return
        context = Path(os.path.normpath(service.build.context))
        covered: dict[Path, tuple[Mount, str]] = {}
        missing: dict[Path, str] = {}
        for copy in dockerfile.copies:
            for source in copy.sources:
                folder = Path(os.path.normpath(context / source))
                if not _judged(folder, context, source) or not copy.destination.startswith("/"):
                    continue
                mount = _mount_over(folder, binds)
                if mount is not None:
                    covered.setdefault(folder, (mount, copy.destination))
                elif not any(_inside(Path(m.source or ""), folder) for m in binds):
                    missing.setdefault(folder, copy.destination)
        # Only a service that mounts most of its source tree forgot a folder; one that mounts a
        # few chosen folders (a worker mounting app/ and src/ of a shared image) chose them.
        if len(covered) <= len(missing):
            return
        root = project.compose.project_dir
        shown = ", ".join(sorted(_rel(f, root) for f in covered))
        first = next(iter(covered.values()))[0]
        for folder, destination in missing.items():
            target = _target(folder, destination, covered)
            message = f"'{service.name}' mounts {shown} but not {_rel(folder, root)}"
            subject = f"{service.name}:{_rel(folder, root)}"
            title = f"mount ./{_rel(folder, root)} at {target} in the dev override"
            override = dev_override(project)
            entry = f"./{_rel(folder, root)}:{target}" if _inside(folder, root) else f"{folder}:{target}"
            edit = override_edit(override, "volumes", {service.name: [entry]}) if override else None
            fix = Fix(title, Safety.SAFE, (edit,)) if edit else Fix(title, Safety.ADVICE)
            yield self.finding(message, first.location, subject, fix)


def _judged(folder: Path, context: Path, source: str) -> bool:
    """A named folder inside the context: not the whole context, not a glob, not a file."""
    if any(c in source for c in "*?[$") or folder == context or not _inside(folder, context):
        return False
    return folder.is_dir()


def _inside(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def _mount_over(folder: Path, binds: list[Mount]) -> Mount | None:
    """The bind mount whose source is the folder or one of its parents."""
    for mount in binds:
        if _inside(folder, Path(os.path.normpath(mount.source or ""))):
            return mount
    return None


def _target(folder: Path, destination: str, covered: dict[Path, tuple[Mount, str]]) -> str:
    """Where the folder belongs: its COPY destination, moved the way the sibling mounts moved theirs."""
    for sibling, (mount, copied_to) in covered.items():
        below = sibling.relative_to(os.path.normpath(mount.source or "")).as_posix()
        inside = posixpath.normpath(posixpath.join(mount.target, below))
        if inside == posixpath.normpath(copied_to):
            continue
        if posixpath.dirname(copied_to.rstrip("/")) == posixpath.dirname(destination.rstrip("/")):
            return posixpath.join(posixpath.dirname(inside), posixpath.basename(destination.rstrip("/")))
    return posixpath.normpath(destination)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
