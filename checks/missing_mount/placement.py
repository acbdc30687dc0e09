"""Where a COPY'd folder no mount brings goes: the folders judged (a partly mounted folder's
subfolders), the folders one mount covers instead of several, its target beside the sibling
mounts and its source as the compose file writes it, and the services of the image fixed alike."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.project.types import CopyInstruction, Service

from .carriers import Carrier, _image
from .copied import folders_in, inside, loose_code


def _brought_beside(copies: Iterable[CopyInstruction], context: Path, folder: Path, target: str) -> list[str]:
    """What the image puts at or below `target` from outside `folder` (its paths there, sorted): a bind of
    `folder` at `target` would hide each."""
    found: set[str] = set()
    top = posixpath.normpath(target)
    for copy in copies:
        landing = posixpath.normpath(copy.destination)
        if landing != top and not landing.startswith(top.rstrip("/") + "/"):
            continue
        for source in copy.sources:
            path = Path(os.path.normpath(context / source))
            if inside(path, folder) or inside(folder, path):
                continue
            into_folder = copy.destination.endswith("/") or landing == top or len(copy.sources) > 1
            found.add(posixpath.join(landing, path.name) if into_folder else landing)
    return sorted(found)


def _few(items: list[str], most: int = 4) -> str:
    """`a, b, c`; past `most`, the first three and how many more."""
    return ", ".join(items) if len(items) <= most else f"{', '.join(items[:3])} and {len(items) - 3} more"


def _for_each(services: Mapping[str, Service], names: list[str], folders: list[tuple[str, str]],
              lacking: Mapping[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    """The volume entries to add, per service: those of `names`, and of each other service of
    their image missing some of the same folders with the same entry (in the model's order, so
    that the findings of web and of its worker carry one and the same edit)."""
    images = {_image(services[n]) for n in names}
    wanted: dict[str, list[str]] = {n: [e for _, e in folders] for n in names}
    for key in folders:
        for name in lacking.get(key, ()):
            if name not in names and _image(services[name]) in images:
                wanted.setdefault(name, []).append(key[1])
    return {n: wanted[n] for n in services if n in wanted}


def _split(service: Service, context: Path, carriers: list[Carrier], copied: Iterable[tuple[Path, str]],
           loose: dict[Path, tuple[str, tuple[str, ...]]] | None = None) -> Iterator[tuple[Path, str]]:
    """Each copied folder, or, where mounts bring some of its subfolders but not the folder itself
    (`COPY backend/ ./` with ./backend/src and ./backend/test mounted), its subfolders, each where
    it lands: judged as the top folders of a `COPY .` are (docker-node-example's backend/config).
    Such a folder's own code files no mount brings go to `loose` (bakerydemo's urls.py, wsgi.py)."""
    for folder, destination in copied:
        inner = [c for c in carriers if c.source != folder and inside(c.source, folder)]
        if inner and not any(inside(folder, c.source) for c in carriers):
            subfolders = folders_in(service, context, folder)
            if subfolders:
                files = loose_code(service, context, folder) if loose is not None and folder != context else ()
                unmounted = tuple(f for f in files if not any(inside(folder / f, c.source) for c in carriers))
                if unmounted and loose is not None:
                    loose.setdefault(folder, (destination, unmounted))
                yield from ((sub, posixpath.join(destination, sub.name)) for sub in subfolders)
                continue
        yield folder, destination


def _beside(folder: str, parents: set[str]) -> bool:
    """Copied next to a mounted folder, or below such a folder's parent (a monorepo's
    `libs/common` at /app/libs/common beside app/ at /app/app); never judged from `/` alone."""
    return folder in parents or any(p != "/" and folder.startswith(f"{p}/") for p in parents)


def _target(folder: Path, destination: str, covered: dict[Path, tuple[Carrier, str]]) -> str:
    """Where the folder belongs: its COPY destination, moved the way the sibling mounts moved theirs."""
    for sibling, (carrier, copied_to) in covered.items():
        below = sibling.relative_to(carrier.source).as_posix()
        inside = posixpath.normpath(posixpath.join(carrier.target, below))
        if inside == posixpath.normpath(copied_to):
            continue
        moved = posixpath.join(posixpath.dirname(inside), posixpath.basename(destination.rstrip("/")))
        # never moved up to the root: `./bin:/bin` would hide the container's own /bin
        if posixpath.dirname(copied_to.rstrip("/")) == posixpath.dirname(destination.rstrip("/")) and (
                posixpath.dirname(moved) != "/"):
            return moved
    return posixpath.normpath(destination)


def _written(path: Path, root: Path, context: Path) -> str:
    """A folder as the compose file writes it: from the build context where the context lies above
    the compose folder (`../../../tools` beside `context: ../../..`, not the `../..` it comes to from
    tools/deploy/docker), else relative to the project dir."""
    if context != root and root.is_relative_to(context) and path.is_relative_to(context) and path != context:
        return "../" * len(root.relative_to(context).parts) + path.relative_to(context).as_posix()
    return _rel(path, root)


MAX_GATHERED = 200  # entries a folder is listed through to see that the image has it whole


def _gathered(service: Service, context: Path, missing: dict[Path, str], carriers: list[Carrier],
              copies: Iterable[CopyInstruction]) -> dict[Path, str]:
    """`missing` with the folders that all lie in one folder of the context (not the context itself)
    which the image has whole, where its own COPYs put it, and no mount brings any of: that folder
    once (litestar-fullstack's src/, COPY'd as src/js/web, src/js/templates and src/py, is one
    `../../../src` mount as its author wrote it, not three)."""
    if len(missing) < 2:
        return missing
    common = Path(os.path.commonpath([str(f) for f in missing]))
    if common == context or not inside(common, context) or common in missing or any(
            inside(c.source, common) or inside(common, c.source) for c in carriers):
        return missing
    landing = {posixpath.normpath(posixpath.join(d, *[".."] * len(f.relative_to(common).parts)))
               for f, d in missing.items()}
    if len(landing) != 1:
        return missing
    destination = landing.pop()
    sources: dict[Path, str] = {}
    for copy in copies:
        if copy.destination.startswith("/"):
            for src in copy.sources:
                if not any(c in src for c in "*?[$"):
                    sources.setdefault(Path(os.path.normpath(context / src)), posixpath.normpath(copy.destination))
    budget = [MAX_GATHERED]
    if not _had_whole(service, context, common, destination, sources, budget):
        return missing
    return {common: destination}


def _had_whole(service: Service, context: Path, folder: Path, destination: str, sources: Mapping[Path, str],
               budget: list[int]) -> bool:
    """Whether the image has `folder` whole at `destination`: COPY'd there itself, or each entry of
    it (as `.dockerignore` keeps them) a folder the image has whole where it lies."""
    if sources.get(folder) == destination:
        return True
    from .copied import listing

    entries = listing(service, context, folder)
    budget[0] -= len(entries or ())
    if not entries or budget[0] < 0:
        return False
    return all(entry.is_dir(follow_symlinks=False) and _had_whole(
        service, context, Path(entry.path), posixpath.join(destination, entry.name), sources, budget)
        for entry in entries)


def _rel(path: Path, root: Path) -> str:
    """The path as the override writes it: relative to the project dir, which every relative path of
    every compose file resolves against (`../services/api/app` from a `docker/` project)."""
    return Path(os.path.relpath(path, root)).as_posix()
