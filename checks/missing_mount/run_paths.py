"""missing-mount's view of the files a service runs by absolute path: one only a wider bind brought.

DefectDojo's unit-test mode narrows `.:/app:z` to ./dojo and ./unittests while its entrypoint stays
`/app/docker/entrypoint-unit-tests-devDocker.sh`; the image never COPYs docker/ there, so the
container dies with "no such file or directory". A path counts when it falls in a tree the service
has from the project (the folder above a bind `./dojo:/app/dojo` or a COPY `dojo/ ./dojo/` is the
project's `.` at /app), the host has the file at the matching place, and no mount, COPY (of the
context, or brought by `COPY --from`) or RUN line can be what puts it there.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.edits import override_edit
from doctor.project.keyat import written_in
from doctor.project.reading import is_dir, is_file
from doctor.project.shipped import run_words, shell_words
from doctor.project.types import CopyInstruction, Service

from .copied import inside
from .mounts_file import mounts_file, retitled


def unprovided_runs(check: Check, project: Project) -> Iterator[Finding]:
    """An error for each absolute path a service runs that only the host has, at a place its trees map."""
    root = Path(os.path.normpath(project.compose.project_dir))
    for service in project.compose.services.values():
        for path, host in _unprovided(project, service, root):
            rel = Path(os.path.relpath(host, root)).as_posix()
            folder = posixpath.dirname(path)
            # the file's folder, unless that is the tree the narrowing left out (`.:/app`): then the file
            source, target = (f"./{posixpath.dirname(rel)}", folder) if "/" in rel else (f"./{rel}", path)
            message = (f"'{service.name}' runs {path}, which no mount or COPY provides "
                       f"(the host has {rel})")
            title = f"mount {source} at {target} in the dev override"
            # beside the mounts the service has (the override that narrowed them), else the dev override
            override = mounts_file(project, next((m.location for m in service.volumes if m.type == "bind"), None))
            edit = override_edit(override, "volumes", {service.name: [f"{source}:{target}"]}) if override else None
            fix = Fix(retitled(project, title, override), Safety.SAFE, (edit,)) if edit and override else \
                Fix(title, Safety.ADVICE)
            word = _escaped(path)
            location = (written_in(project, service, "entrypoint", word)
                        or written_in(project, service, "command", word) or service.location)
            yield check.finding(message, location, f"{service.name}:{path}", fix, Severity.ERROR)


def _escaped(path: str) -> str:
    import re

    return re.escape(path)


def _unprovided(project: Project, service: Service, root: Path) -> Iterator[tuple[str, Path]]:
    """(the path in the container, the host file) of each absolute path the service runs that no
    mount, COPY or RUN provides while a tree of the service maps it to a file of the project."""
    paths = sorted({p for word in run_words(project, service) for p in shell_words(word)
                    if p.startswith("/") and "$" not in p})
    if not paths:
        return
    build = service.build
    dockerfile = project.dockerfile(service) if build is not None else None
    context = Path(os.path.normpath(build.context)) if build is not None else None
    copies = (*dockerfile.copies, *dockerfile.relayed) if dockerfile is not None else ()
    recipe = project.recipe(build.dockerfile_path, build.target) if build is not None and build.dockerfile_path \
        else None
    trees: list[tuple[str, Path]] = []  # (container folder, host folder) the service has from the project
    for mount in service.volumes:
        if mount.type == "bind" and mount.source and "$" not in mount.source:
            trees.append((posixpath.normpath(mount.target), Path(os.path.normpath(mount.source))))
    for copy in copies:
        if context is not None and len(copy.sources) == 1 and copy.destination.startswith("/"):
            trees.append((posixpath.normpath(copy.destination), Path(os.path.normpath(context / copy.sources[0]))))
    # the folder above a tree that keeps its name (`./dojo:/app/dojo`): the project's `.` at /app
    trees += [(posixpath.dirname(target), host.parent) for target, host in trees
              if posixpath.basename(target) == host.name and posixpath.dirname(target) != "/"]
    trees = [(t, h) for t, h in trees if inside(h, root) and is_dir(h)]
    held = [posixpath.normpath(m.target) for m in service.volumes]
    built = [posixpath.normpath(d) for d, _, _ in recipe.built] if recipe is not None else []
    runs = " ".join(step.text for step in recipe.runs) if recipe is not None else ""
    for path in paths:
        path = posixpath.normpath(path)
        if any(_at_or_above(t, path) for t in (*held, *built)) or posixpath.basename(path) in runs:
            continue  # a mount, another stage's output or a RUN line may put it there
        host = next((h / posixpath.relpath(path, t) for t, h in trees if path != t and _at_or_above(t, path)), None)
        if host is None or not is_file(host) or not inside(host, root):
            continue
        if context is not None and any(_provides(copy, context, path) for copy in copies):
            continue
        yield path, host


def _at_or_above(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _provides(copy: CopyInstruction, context: Path, path: str) -> bool:
    """Whether the COPY may put `path` in the image: a source folder holding the file where it
    lands, a file landing there, a glob or variable that may be either."""
    destination = posixpath.normpath(copy.destination)
    if path == destination:
        return True
    if not _at_or_above(destination, path):
        return False
    rel = posixpath.relpath(path, destination)
    for source in copy.sources:
        if "$" in source:
            return True
        if any(c in source for c in "*?["):
            if fnmatch.fnmatch(rel.split("/")[0], posixpath.basename(source.rstrip("/"))):
                return True
            continue
        host = Path(os.path.normpath(context / source))
        if is_dir(host):
            if os.path.lexists(host / rel):
                return True
        elif rel == posixpath.basename(source.rstrip("/")):
            return True
    return False
