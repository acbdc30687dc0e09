"""The user a service's image runs as, where its compose entry sets none: a bind source docker makes
root-owned is as unwritable to a non-root image USER as to a non-root `user:`.

The Simple-Data-Engineering projects build `FROM apache/airflow`, turn root for their apt-get and go back
with `USER airflow`, and bind `./airflow/logs`, which a checkout lacks (git keeps no empty folder):
docker makes it as root and airflow cannot write its logs. Only the Dockerfile the service is built from
is read (its `build.target` stage); the image on the engine is not asked.
"""

from __future__ import annotations

import posixpath

from doctor.project import Project
from doctor.project.types import Mount, Service

_ROOT = ("", "root", "0", "0:0", "root:root")


def image_writer(project: Project, uses: list[tuple[Service, Mount]]) -> tuple[Service, str, str] | None:
    """(the service, where it mounts the source, its image's USER) for the first of `uses` with no `user:`
    whose image runs as a non-root USER, where that is a fault: not a target in the tree the image COPYs
    the code to, nor a source a root service of `uses` chowns itself; else None."""
    # a read-only mount is never written: the folder docker makes is harmless there (and a chown of it fails,
    # `chown: /data: Read-only file system`)
    found = next(((svc, mount.target, user) for svc, mount in uses if not mount.read_only
                  and (user := image_user(project, svc)) is not None
                  and not _in_copied_tree(project, svc, mount.target)), None)
    if found is not None and any(_hands_over(project, svc) for svc, _ in uses):
        return None  # CTFd's `permissions` (root) runs `chown -R 1001:1001 /var/uploads ...` before 'ctfd' starts
    return found


def image_user(project: Project, service: Service) -> str | None:
    """The non-root USER the service's image runs as, where it has no `user:` of its own: the last USER
    of the Dockerfile stage it is built at (`build.target`, else the last, through the stages it is
    built FROM; an image builder's for a service running that image), `airflow` of a `FROM
    apache/airflow` that turns root for its apt-get and back. None for root, for none set, for a
    variable (`USER ${APP_USER}`), or with no local build."""
    if (service.user or "").strip():
        return None
    recipe = project.image_recipe(service)
    user = recipe.user.strip() if recipe is not None else ""
    return user if user and user not in _ROOT and "$" not in user else None


def _hands_over(project: Project, svc: Service) -> bool:
    """Whether the service runs as root (no `user:` or root's, and no non-root image USER: a chown by a
    user can only fail on a folder root owns) a chown over its mounts: its entrypoint or command (CTFd's
    `permissions`: `chown -R 1001:1001 /var/uploads /var/log/CTFd`; airflow-init's `bash -c` text): the
    project gives the folders docker makes to their user itself."""
    from doctor.project.shipped import shell_words

    if (svc.user or "").strip() not in _ROOT or image_user(project, svc) is not None:
        return False
    words = shell_words(svc.entrypoint) + shell_words(svc.command)
    return any(posixpath.basename(word) == "chown" or "chown " in word for word in words)


def _in_copied_tree(project: Project, svc: Service, target: str) -> bool:
    """Whether the target lies in a tree the image COPYs from the build context (open-prices' `COPY .
    /opt/open-prices` under its stale `./tests:/opt/open-prices/tests`): a place of source, which the app
    reads, not its output, so an image user that cannot write it is no fault of its own."""
    target = posixpath.normpath(target) if target else ""
    return bool(target) and any(target == p.container or target.startswith(p.container.rstrip("/") + "/")
                                for p in project.code_map(svc).copies)
