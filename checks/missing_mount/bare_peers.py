"""missing-mount's view of a service that runs in a folder its image leaves empty, where a peer of the
same build mounts the project.

maybe-finance/maybe's .devcontainer/docker-compose.yml builds 'app' and 'worker' from one Dockerfile that
COPYs nothing (`WORKDIR /workspace`); 'app' mounts `..:/workspace:cached` and the gems' `bundle_cache:/bundle`,
'worker' mounts neither and runs `bundle exec sidekiq` in the empty /workspace: "Could not locate Gemfile or
.bundle/ directory", restarted for ever (we-promise/sure#95 added the two mounts).
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.edits import override_edit
from doctor.project.filled import within
from doctor.project.types import Mount, Service

from .carriers import _image
from .copied import inside
from .mounts_file import mounts_file, retitled

# a command that keeps a container up and reads nothing of the project (a dev container's `sleep infinity`)
_IDLE = frozenset({"sleep", "tail", "true", "cat", "wait"})


def bare_runs(check: Check, project: Project) -> Iterator[Finding]:
    """An error for each service that runs a command in a working folder its image leaves empty and it
    mounts nothing at, while a peer built from the same Dockerfile mounts the project there."""
    root = Path(os.path.normpath(project.compose.project_dir))
    services = project.compose.services
    # each build's binds of the project by target, in compose's order: a service's peers are looked up by its
    # working folder and the folders above it, never by a walk of every service (no loop over pairs)
    # (two peers suffice per build and folder: the first in compose's order, and the next for that one itself)
    binds_at: dict[tuple[tuple[str, str], str], list[tuple[int, Service, Mount]]] = {}
    for order, peer in enumerate(services.values()):
        image = _image(peer)
        if image is None or peer.build is None:
            continue
        context = Path(os.path.normpath(peer.build.context))
        for m in peer.volumes:
            if m.type == "bind" and m.source and "$" not in m.source and m.raw and m.target.startswith("/") and (
                    _project_tree(Path(os.path.normpath(m.source)), root, context)):
                at = binds_at.setdefault((image, posixpath.normpath(m.target)), [])
                if len({p.name for _, p, _ in at} | {peer.name}) <= 2:
                    at.append((order, peer, m))
    for service in services.values():
        words = _run_words(service)
        image = _image(service)
        if image is None or not words or words[0] in _IDLE:
            continue
        dockerfile = project.dockerfile(service)
        workdir = service.working_dir or (dockerfile.workdir if dockerfile is not None else None)
        if dockerfile is None or not workdir or not workdir.startswith("/"):
            continue
        workdir = posixpath.normpath(workdir)
        if any(_over(m.target, workdir) for m in service.volumes):
            continue  # it has something there
        copies = (*dockerfile.copies, *dockerfile.relayed, *dockerfile.staged)
        if any(not c.destination.startswith("/") or _over(c.destination, workdir) or _over(workdir, c.destination)
               for c in copies):
            continue  # the image puts files of the project there (or may)
        if _written_by_run(project, service, workdir):
            continue  # a RUN there, or naming it, may fill it (`RUN git clone ... .`)
        found = sorted(((order, peer.name, m) for folder in _folders(workdir)
                        for order, peer, m in binds_at.get((image, folder), ()) if peer is not service),
                       key=lambda one: one[0])
        if found and not _shares_volumes(project, service, workdir):
            peer = services[found[0][1]]
            context = Path(os.path.normpath(peer.build.context)) if peer.build is not None else root
            binds = [m for m in peer.volumes if m.type == "bind" and m.source and "$" not in m.source and m.raw
                     and _over(m.target, workdir) and _project_tree(Path(os.path.normpath(m.source)), root, context)]
            yield _finding(check, project, service, peer, binds, workdir, " ".join(words))


# what writes files of its own into a folder: a clone, a copy, an archive unpacked, a download saved there
_WRITERS = frozenset({"git", "cp", "rsync", "tar", "unzip", "wget", "curl", "mv", "ln", "bsdtar", "7z"})


def _written_by_run(project: Project, service: Service, workdir: str) -> bool:
    """Whether a RUN of the service's image may put files in its working folder: a clone, copy, unpacked archive
    or download (`git clone https://... .` run there, `git clone ... /workspace`, `tar -xf app.tgz -C
    /workspace`); not a `mkdir`, `chown` or an install elsewhere (`gem install rails`); so too where the recipe
    cannot be read."""
    path = service.build.dockerfile_path if service.build is not None else None
    recipe = project.recipe(path, service.build.target if service.build is not None else None) if path else None
    if recipe is None:
        return True
    for step in recipe.runs:
        for command in re.split(r"&&|\|\||[;|\n]", step.text):
            words = command.split()
            if not words or posixpath.basename(words[0]) not in _WRITERS:
                continue
            here = step.workdir and _over(workdir, step.workdir)
            if any(_names_folder(word, workdir) or (here and word in (".", "./")) for word in words[1:]):
                return True
    return False


def _names_folder(word: str, folder: str) -> bool:
    """Whether a word of a command is the folder or a path inside it (`/workspace`, `-C/workspace`, `/workspace/.`),
    a whole path: not `/workspace2`."""
    word = word.strip("'\"").split("=", 1)[-1]
    word = word[2:] if word.startswith(("-C", "-O", "-o")) and word[2:3] == "/" else word
    return _over(folder, word) if word.startswith("/") else False


def _shares_volumes(project: Project, service: Service, workdir: str) -> bool:
    """Whether the service takes the mounts of another service that has one over its folder (`volumes_from:
    [app]`, app binding the project there), in any compose file as written."""
    services = project.compose.services
    for written in project.compose_documents():
        for doc in written.docs:
            entries = doc.get("services") if isinstance(doc, dict) else None
            entry = entries.get(service.name) if isinstance(entries, dict) else None
            taken = entry.get("volumes_from") if isinstance(entry, dict) else None
            for source in taken if isinstance(taken, list) else ():
                name = str(source).split(":", 1)[0]
                other = services.get(name)
                if name.startswith("container") or other is None or any(
                        _over(m.target, workdir) for m in other.volumes):
                    return True  # a container's mounts (`container:NAME`) are unknown here: it may have them
    return False


def _folders(path: str) -> Iterator[str]:
    """`/a/b` -> /a/b, /a, /: the container folders a mount over `path` may target."""
    while True:
        yield path
        if path == "/":
            return
        path = posixpath.dirname(path)


def _finding(check: Check, project: Project, service: Service, peer: Service, binds: list[Mount],
             workdir: str, run: str) -> Finding:
    """The finding at the service's line, with the fix adding the peer's binds and the volumes they need."""
    entries = [m.raw for m in binds]
    # the peer's named volumes inside the project's tree (node_modules kept from the bind), or at a path
    # the service's own environment points at (BUNDLE_PATH=/bundle: the gems `bundle install` put there)
    named = " ".join(v.value or "" for v in service.environment.values())
    entries += [m.raw for m in peer.volumes if m.type == "volume" and m.raw and m.raw not in entries and (
        any(_over(b.target, m.target) for b in binds) or _named_in(m.target, named))]
    shown = f"{run[:40]}…" if len(run) > 41 else run
    message = (f"'{service.name}' runs `{shown}` in {workdir}, empty in its image: "
               f"'{peer.name}' (same build) mounts {binds[0].raw.split(':', 1)[0]} there")
    listed = ", ".join(entries[:-1]) + f" and {entries[-1]}" if len(entries) > 1 else entries[0]
    title = f"mount {listed} for '{service.name}' as '{peer.name}' does, in the dev override"
    override = mounts_file(project, binds[0].location)
    edit = override_edit(override, "volumes", {service.name: entries}) if override else None
    fix = Fix(retitled(project, title, override), Safety.SAFE, (edit,)) if edit and override else \
        Fix(title, Safety.ADVICE)
    return check.finding(message, service.location, f"{service.name}:{workdir}", fix, Severity.ERROR)


def _run_words(service: Service) -> list[str]:
    """The words of what compose says the service runs: its entrypoint, else its command; a `sh -c` line's own."""
    written = service.entrypoint or service.command
    if not written:
        return []
    try:
        words = shlex.split(written) if isinstance(written, str) else list(written)
    except ValueError:
        return []
    if len(words) >= 3 and posixpath.basename(words[0]) in ("sh", "bash") and words[1] == "-c":
        return _run_words(Service(name=service.name, location=None, command=words[2]))
    return words


def _project_tree(source: Path, root: Path, context: Path) -> bool:
    """Whether a bind brings the project: a folder of it, or the build context or a folder holding it (a
    devcontainer's `..:/workspace` beside `context: ..`, above the compose folder)."""
    return inside(source, root) or inside(source, context) or inside(context, source)


def _over(folder: str, path: str) -> bool:
    """Whether container `folder` is `path` or holds it, however either is written (`/app/`, `/app/./x`)."""
    return within(posixpath.normpath(path), posixpath.normpath(folder))


def _named_in(target: str, text: str) -> bool:
    target = posixpath.normpath(target)
    return target != "/" and any(word == target or word.startswith(target + "/")
                                 for word in text.replace("=", " ").replace(":", " ").split())
