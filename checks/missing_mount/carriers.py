"""What brings host edits into a service's container (its bind mounts and `develop.watch` syncs),
the mode options the added mount shares with them, and what a bind hides of the image."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.model import Location, record
from doctor.project.types import Service


@record
class Carrier:
    """What brings host edits of `source` into the container at `target`: a bind or a watch sync."""

    source: Path
    target: str
    location: Location | None
    watch: bool = False
    raw: str = ""  # a short-syntax bind as written (its `:z,cached` options: _options, read only for a fix)


def _carriers(service: Service) -> list[Carrier]:
    """The bind mounts and watch sync rules that bring host folders into the container."""
    found = [Carrier(Path(os.path.normpath(m.source or "")), m.target, m.location, raw=m.raw)
             for m in service.volumes if m.type == "bind" and m.source and "$" not in m.source]
    found += [Carrier(Path(os.path.normpath(r.path)), r.target or "", r.location, watch=True)
              for r in service.watch if r.syncs and "$" not in r.path]
    return found


def _options(raw: str) -> tuple[str, ...] | None:
    """The mode options of a short-syntax bind (`./dojo:/app/dojo:z` gives ("z",)); None for the long syntax."""
    from doctor.project.volumes import VolumeError, split_short

    try:
        return tuple(o for o in split_short(raw)[2].split(",") if o) if raw else None
    except VolumeError:
        return None


def _shared_mode(covered: dict[Path, tuple[Carrier, str]]) -> str:
    """The mode the sibling mounts all share (`:z`, `:Z`, `:cached`, `:delegated`, `:consistent`, `:ro`),
    as the added mount's suffix: SELinux relabels only what is marked, so a folder without DefectDojo's
    `:z` is unreadable under enforcing SELinux. `ro` only where every sibling is read-only: the author
    keeps the sources from the container; one writable sibling says the container may write there."""
    # parsed here, for a fix only: doctor.project.volumes imports the YAML loader, which a warm
    # preflight (the model from its cache) never needs
    modes = [_options(c.raw) for c, _ in covered.values() if not c.watch]
    if not modes or any(m is None for m in modes):
        return ""
    first = modes[0] or ()
    shared = [o for o in first if o in _COPIED_MODES and all(o in (m or ()) for m in modes)]
    return ":" + ",".join(shared) if shared else ""


_COPIED_MODES = frozenset(("z", "Z", "cached", "delegated", "consistent", "ro"))


def _hidden_by(destination: str, carriers: list[Carrier]) -> Carrier | None:
    """The bind mount whose target holds the COPY destination (`./backend:/app` over `/app/bin`)
    while its source has nothing there: the container sees neither the image's copy nor an edit."""
    landed = posixpath.normpath(destination)
    for carrier in carriers:
        top = posixpath.normpath(carrier.target) if carrier.target else ""
        if carrier.watch or not top or top == "/" or not landed.startswith(f"{top}/"):
            continue
        if not (carrier.source / posixpath.relpath(landed, top)).exists():
            return carrier
    return None


def _same_image(one: Service, other: Service) -> bool:
    a, b = one.build, other.build
    return a is not None and b is not None and (a.context, a.dockerfile) == (b.context, b.dockerfile)


def _image(service: Service) -> tuple[str, str] | None:
    """What _same_image compares: the build's context and Dockerfile."""
    build = service.build
    return (build.context, build.dockerfile) if build is not None else None
