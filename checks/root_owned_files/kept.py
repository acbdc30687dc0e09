"""root-owned-files: when a group of strays is a service's own data, kept as its own user by design."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project
from doctor.project.digits import written_number
from doctor.project.types import Mount, Service
from doctor.regular import text_lines

from .places import Row, _under


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
    number = written_number(uid, 10)  # a uid is 32 bits: `user: "1²"` or thousands of digits is none
    if number is not None and owners == [number]:
        return f"{service!r} runs as {svc.user} and keeps its files there"
    # shlink's mariadb with `user: 1000:1000` and 999's files: another user's, which it cannot use
    if number is not None:
        return None
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
    if user in ("", "0", "root") or len(owners) != 1 or (user.isdigit() and owners != [written_number(user, 10)]):
        return None
    return f"{service!r} runs as its image's user {user!r} and keeps its files there"


def _before_the_pull(project: Project, host: Host, service: str, rows: list[Row]) -> str | None:
    """The note for folders alone, of one non-root owner, in a bind mount of a service whose image (no build) is not
    on the engine yet: no container of it ran here, and folders with nothing written in them were made and given to
    that user by hand, as mattermost/docker's guide has `mkdir -p ./volumes/app/mattermost/{config,...}` and `chown
    -R 2000:2000 ./volumes/app/mattermost` done before the first pull (they were strays, chowned back to you: the
    image's USER is read only from an image on the engine). None otherwise, or when the engine cannot say."""
    svc = project.services[service]
    owners = {r[1] for r in rows}
    if svc.build is not None or not svc.image or len(owners) != 1 or 0 in owners or not all(r[3] for r in rows):
        return None
    try:
        if host.images.image(svc.image) is not None:
            return None
    except Unavailable:
        return None
    return (f"{service!r} image {svc.image!r} is not on the engine, so no container of it made them: folders alone, "
            f"given to uid {rows[0][1]} by hand, likely the user it runs as")


def _designed(project: Project, host: Host, within: str) -> list[tuple[str, int, str]]:
    """(bind source, uid, why) for each bind mount at, below or above `within` whose files a
    service keeps as a non-root user of its own by design: the numeric uid the service runs as
    (its `user:`, its Dockerfile's `USER`, its image's on the engine), or the one a service that
    only sets owners gives the mount to (CTFd's `permissions`: `chown -R 1001:1001 /var/uploads
    /var/log/CTFd`, over the `.data/CTFd/uploads` that `ctfd`, its Dockerfile's `USER 1001`, writes)."""
    from .writers import _gives_away

    place = Path(within)
    found: list[tuple[str, int, str]] = []
    for svc in project.services.values():
        binds = [m for m in svc.volumes if m.type == "bind" and m.source
                 and (Path(m.source).is_relative_to(place) or place.is_relative_to(m.source))]
        if not binds:
            continue
        if _gives_away(svc):
            for mount in binds:
                for given, targets in _chowns(svc):
                    if given and any(_covers(t, mount.target) for t in targets):
                        found.append((os.path.realpath(str(mount.source)), given,
                                      f"{svc.name!r} gives them to uid {given} (its chown of {mount.target})"))
            continue
        uid, how = _runs_as(project, host, svc)
        if uid:
            found += [(os.path.realpath(str(m.source)), uid, f"{svc.name!r} runs as uid {uid} ({how})") for m in binds]
        found += _started_chowns(project, svc, binds, place)
    return found


# users of the official images by name, and their uids there: www-data of the Debian-based images
# (php, httpd) and of the Alpine ones, node of the node images
NAMED_UIDS = {"www-data": (33, 82), "node": (1000,), "nobody": (65534,)}


def _started_chowns(project: Project, svc: Service, binds: list[Mount], place: Path) -> list[tuple[str, int, str]]:
    """(host folder, uid, why) for each `chown [-R] OWNER[:GROUP] PATH...` of the script a service starts
    with (BookStack's dev/docker/entrypoint.app.sh: `chown -R www-data:www-data storage` on every start)
    whose path lies in one of its bind mounts `binds`: that folder is the service's to own, given away on
    each start. A relative path is from the service's working folder; a named owner counts by NAMED_UIDS."""
    from doctor.project.reading import read_regular_text
    from doctor.project.shipped import ScriptFinder

    workdir = svc.working_dir or ""
    if not workdir and svc.build is not None and svc.build.dockerfile_path is not None:
        recipe = project.recipe(svc.build.dockerfile_path, svc.build.target)
        workdir = recipe.workdir if recipe is not None else "/"
    found: list[tuple[str, int, str]] = []
    for script, _ in ScriptFinder(project).run_by(svc)[:4]:
        text = read_regular_text(script) or ""
        for number, line in enumerate(text_lines(text), 1):
            words = line.split("#", 1)[0].split()
            given = _chown(words[1:] if words[:1] == ["sudo"] else words)
            if given is None:
                continue
            owner, targets = given
            uid_given = written_number(owner, 10)
            uids = (uid_given,) if uid_given is not None else () if owner.isdigit() else NAMED_UIDS.get(owner, ())
            for target in targets:
                inside = posixpath.normpath(posixpath.join(workdir or "/", target))
                for mount in binds:
                    host_path = _host_path(inside, mount)
                    if host_path is None or not (Path(host_path).is_relative_to(place)
                                                 or place.is_relative_to(host_path)):
                        continue
                    why = (f"{svc.name!r} gives them to {owner} on each start "
                           f"({project.shown(script)}:{number}: {' '.join(words)})")
                    found += [(os.path.realpath(host_path), uid, why) for uid in uids if uid]
    return found


def _host_path(inside: str, mount: Mount) -> str | None:
    """The host path of container path `inside` through bind `mount`, None when it lies outside it."""
    target = posixpath.normpath(mount.target)
    if not mount.source or not (inside == target or inside.startswith(target.rstrip("/") + "/")):
        return None
    return os.path.normpath(os.path.join(str(mount.source), posixpath.relpath(inside, target)))


def _kept_rows(project: Project, host: Host, within: str, rows: list[Row]) -> tuple[list[Row], str]:
    """The strays of a group that a service keeps as its own non-root user by design (`_designed`),
    and why (the first reason); none when no service mounting there runs as, or gives files to, a
    uid of the strays. Only rows of such a uid are looked at: a big group of root's strays costs
    one set lookup each."""
    designed = _designed(project, host, within)
    uids = {uid for _, uid, _ in designed}
    if not uids:
        return [], ""
    kept: list[Row] = []
    why: list[str] = []
    for row in rows:
        if row[1] not in uids:
            continue
        reason = next((w for source, uid, w in designed if uid == row[1] and _under(row[0], source)), None)
        if reason is not None:
            kept.append(row)
            if reason not in why:
                why.append(reason)
    return kept, "; ".join(why[:2])


def _runs_as(project: Project, host: Host, svc: Service) -> tuple[int | None, str]:
    """The numeric uid a service runs as, and where that is said: its `user:`, its Dockerfile's
    `USER` (the stage it builds), else the image on the engine; (None, "") for root, a name
    (its uid is in the image's /etc/passwd, which doctor does not open) or no answer."""
    from .writers import _image_user as dockerfile_user

    user = (svc.user or "").partition(":")[0].strip()
    if user and len(NAMED_UIDS.get(user, ())) == 1:  # `user: node` of a node image: uid 1000
        return NAMED_UIDS[user][0], f"user: {svc.user}, uid {NAMED_UIDS[user][0]} in the official images"
    if user:
        number = written_number(user, 10)
        return (number, f"user: {svc.user}") if number else (None, "")
    built = (dockerfile_user(project, svc) or "").partition(":")[0].strip()
    if (number := written_number(built, 10)) is not None:
        return number, f"its Dockerfile's USER {built}"
    name = svc.image or f"{project.compose.project_name}-{svc.name}"
    try:
        facts = host.images.image(name) if host.images.present([name]) else None
    except Unavailable:
        return None, ""
    image_user = facts.user.partition(":")[0].strip() if facts is not None else ""
    if number := written_number(image_user, 10):
        return number, f"its image's USER {image_user}"
    return None, ""


def _chowns(svc: Service) -> list[tuple[int, list[str]]]:
    """(uid, container paths) of each `chown [-R] UID[:GID] PATH...` in a service's command (or
    entrypoint, or each command of its `sh -c` text); a user named, not numbered, is skipped."""
    from .writers import _commands

    found = []
    for command in _commands(svc):
        given = _chown(command)
        if given is not None and (number := written_number(given[0], 10)) is not None:
            found.append((number, given[1]))
    return found


def _chown(command: list[str]) -> tuple[str, list[str]] | None:
    """The owner (its user part, a name or a uid) and the paths of a `chown [-R] OWNER[:GROUP] PATH...`
    command's words; None for another command, or one without a path."""
    if not command or posixpath.basename(command[0]) != "chown":
        return None
    operands = [w for w in command[1:] if not w.startswith("-")]
    return (operands[0].partition(":")[0], operands[1:]) if len(operands) > 1 else None


def _covers(path: str, target: str) -> bool:
    """Whether container path `path` is `target` or a folder above it."""
    path, target = posixpath.normpath(path), posixpath.normpath(target)
    return target == path or target.startswith(path.rstrip("/") + "/")
