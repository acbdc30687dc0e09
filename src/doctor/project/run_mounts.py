"""What a `run` of a command advised into a service mounts (host-vs-container's advice, and what `doctor
exec` runs): the folders the image's `.dockerignore` keeps out, and the image's node_modules a bind mount hides."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.project import Project
from doctor.project.service_home import ServiceHome


def hidden_modules(project: Project, home: ServiceHome) -> list[str]:
    """The image's node_modules folders a bind mount of the service hides (node-express-boilerplate's
    `.:/usr/src/node-app`, no node_modules on the host): a command run there finds no packages."""
    from doctor.project.filled import hidden_installs
    from doctor.project.manifests import Language

    service = project.services.get(home.service)
    if home.language is not Language.NODE or service is None:
        return []
    return list(dict.fromkeys(f.path for f in hidden_installs(project, service)
                              if posixpath.basename(f.path) == "node_modules"))


def kept_out(project: Project, home: ServiceHome, cwd: Path, words: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The paths the command names that reach the service only by a COPY its `.dockerignore` keeps
    out (`pytest tests`, tests/ ignored, no bind mount), each with where the image would have it:
    in the container the command would find nothing there."""
    service = project.services.get(home.service)
    if service is None or service.build is None:
        return []
    codes = project.code_map(service)
    if codes.context is None or not codes.ignore.rules:
        return []
    found: list[tuple[Path, str]] = []
    for word in words[1:]:
        if not word or word.startswith("-") or not os.path.lexists(cwd / word):
            continue
        host = (cwd / word).resolve()
        if any(host == c.host or c.host in host.parents for c in home.carriers if c.via != "copy"):
            continue  # a bind mount or a sync brings it
        if not host.is_relative_to(codes.context) or not codes.ignore.excludes(
                host.relative_to(codes.context).as_posix()):
            continue
        # the whole folder .dockerignore keeps out (`jest --config ./test/jest-e2e.json`: its specs beside it)
        while host.parent != codes.context and codes.ignore.excludes(host.parent.relative_to(codes.context).as_posix()):
            host = host.parent
        inside = home.container_path(host)
        if inside is not None and (host, inside) not in found:
            found.append((host, inside))
    return found
