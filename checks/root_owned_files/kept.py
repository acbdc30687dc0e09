"""root-owned-files: when a group of strays is a service's own data, kept as its own user by design."""

from __future__ import annotations

from pathlib import Path

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project


def _server_data(project: Project, host: Host, service: str, within: str, owners: list[int],
                 held: bool) -> str | None:
    """What a group is when it lies in a bind mount of a database or server image (postgres,
    mysql, redis, ...), of a service whose `user:` is the one owner (lemmy's pictrs, `991:991`),
    or of a service whose local image runs as a user of its own (mattermost's `USER mattermost`,
    uid 2000): that service's data, kept as its own user (never root) by design, not a stray
    write. None otherwise."""
    from doctor.project.service_network import server_family

    svc = project.services.get(service)
    if svc is None:
        return None
    place = Path(within)
    # `held`: the group is the service's own mounts and the folders between them (see _by_bind_mount)
    if not held and not any(m.type == "bind" and m.source and place.is_relative_to(m.source) for m in svc.volumes):
        return None
    uid = (svc.user or "").partition(":")[0].strip()
    if uid.isdigit() and owners == [int(uid)]:
        return f"{service!r} runs as {svc.user} and keeps its files there"
    family = server_family(svc)
    if family:
        return f"{service!r} ({family}) keeps its data there as its own user"
    return _image_user(project, host, service, owners)


def _image_user(project: Project, host: Host, service: str, owners: list[int]) -> str | None:
    """The note for files of one owner in a bind mount of a service whose image (already on the
    engine: it ran to write them) declares a non-root USER that is that owner, or a name (its
    uid is in the image's /etc/passwd, which doctor does not open). None when the engine cannot
    say, the image is absent or runs as root."""
    svc = project.services[service]
    try:
        facts = host.images.image(svc.image or f"{project.compose.project_name}-{service}")
    except Unavailable:
        return None
    user = facts.user.partition(":")[0].strip() if facts is not None else ""
    if user in ("", "0", "root") or len(owners) != 1 or (user.isdigit() and owners != [int(user)]):
        return None
    return f"{service!r} runs as its image's user {user!r} and keeps its files there"
