"""A live volume older than its image (the note's warning, with the volume's name and age), and the
fix that renews it: the containers holding it removed first, then created again on a fresh one."""

from __future__ import annotations

from doctor.host import Host
from doctor.model import Fix, Safety, Unavailable, service_names
from doctor.project import Project
from doctor.project.types import Mount, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import timedelta  # only a stale volume's age is one


def _stale(project: Project, host: Host, svc: Service, mount: Mount) -> tuple[str, str] | None:
    """(volume name, how much older than the image) when the live volume predates the image; else None.
    Unavailable when the engine cannot be asked (the note then says its age was not compared)."""
    images = host.images
    image = images.image(svc.image or f"{project.compose.project_name}-{svc.name}")
    if image is None or image.created is None:
        return None
    name = _volume_name(project, host, svc, mount)
    volume = images.volumes.get(name) if name else None
    # the engine gives a volume's time to the second, an image's to the nanosecond: a volume made
    # in the same second as its image is not older than it
    if volume is None or volume.created is None or volume.created >= image.created.replace(microsecond=0):
        return None
    return volume.name, _age(image.created - volume.created)


def _renew_named(project: Project, host: Host, base: tuple[str, ...], name: str) -> Fix:
    """Remove a stale named volume so that the next `up` refills it from the image.

    The engine refuses `docker volume rm` while any container holds the volume, a stopped one too
    ("volume is in use"): the containers of the services mounting it are removed first and
    created again on the fresh volume, in one command so that a refusal stops it before the volume goes.
    """
    try:
        mounts = host.images.project_mounts(project.compose.project_name)
    except Unavailable:
        mounts = []
    holders = sorted({m.service for m in mounts if m.volume == name and m.service in project.services})
    remove = ("docker", "volume", "rm", name)
    if not holders:  # no container holds it (after a `down`): removing it is enough
        return Fix(f"remove volume '{name}'; the next up refills it", Safety.UNSAFE, command=remove)
    import shlex  # only for this fix's one shell line

    steps = ((*base, "rm", "--stop", "--force", *holders), remove, (*base, "up", "-d", *holders))
    return Fix(f"recreate {service_names(holders)} on a fresh volume '{name}' (a container holds its volume, "
               "even stopped)", Safety.UNSAFE,
               command=("sh", "-c", " && ".join(shlex.join(step) for step in steps)))


def _volume_name(project: Project, host: Host, svc: Service, mount: Mount) -> str | None:
    compose_project = project.compose.project_name
    if mount.source:
        for volume in host.images.volumes.values():
            labels = volume.labels
            if labels.get("com.docker.compose.project") == compose_project and \
                    labels.get("com.docker.compose.volume") == mount.source:
                return volume.name
        return f"{compose_project}_{mount.source}"
    for used in host.images.project_mounts(compose_project):
        if used.service == svc.name and used.target == mount.target:
            return used.volume
    return None


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"
