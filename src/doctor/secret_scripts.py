"""The scripts a service runs from a bind mount of the very file, which script-line-endings reads anyway: one
its entrypoint, command or healthcheck names by its path in the container (`./docker/entrypoint.sh:/entrypoint.sh`
with `entrypoint: /entrypoint.sh`), or one bound into a folder the image's entrypoint runs
(`./init-db.sh:/docker-entrypoint-initdb.d/init-db.sh`). `doctor.known_secrets` scans their text for secrets
(`export API_TOKEN=...`), no other file: a bound config file no check reads is not read for this.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.project.types import Service

# the folders an official image's entrypoint runs each script of (postgres, mysql, mariadb, mongo; nginx)
RUN_FOLDERS = ("/docker-entrypoint-initdb.d", "/docker-entrypoint.d")


def _words(value: tuple[str, ...] | str | None) -> set[str]:
    if not value:
        return set()
    text = value if isinstance(value, str) else " ".join(value)
    return {word.strip("'\"") for word in text.replace(";", " ").split()}


def run_scripts(service: Service) -> list[Path]:
    """The host files of the service's single-file bind mounts that it runs (see the module docs)."""
    named = _words(service.entrypoint) | _words(service.command) | _words(service.healthcheck)
    found = []
    for mount in service.volumes:
        if mount.type != "bind" or not mount.source or "$" in mount.source:
            continue
        target = mount.target.rstrip("/")
        if target in named or posixpath.dirname(target) in RUN_FOLDERS:
            found.append(Path(mount.source))
    return found
