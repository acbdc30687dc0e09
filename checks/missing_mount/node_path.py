"""A bind of a missing node_modules/ whose service's image keeps its packages elsewhere, on NODE_PATH.

Buuntu/fastapi-react's frontend: `ADD package.json /package.json`, `RUN npm install` (into /node_modules),
`ENV NODE_PATH=/node_modules` and PATH's /node_modules/.bin, then `./frontend/node_modules:/app/node_modules`.
The empty folder docker makes there hides nothing the app needs: Node looks in /app/node_modules, then in
/node_modules, where the image's packages are. No host install is needed (the project asks for docker alone),
and one would put the host's packages, built by the host's Node, before the image's.
"""

from __future__ import annotations

import posixpath

from doctor.project import Project
from doctor.project.types import Mount, Service


def packages_elsewhere(project: Project, service: Service, mount: Mount) -> str:
    """The folder on the image's NODE_PATH (not the bind's target, nor inside it) beside which the
    image puts a package.json, its install's packages ("/node_modules"); "" when there is none."""
    dockerfile = project.dockerfile(service) if service.build is not None else None
    if dockerfile is None or not mount.target.startswith("/"):
        return ""
    target = posixpath.normpath(mount.target)
    node_path = dict(dockerfile.variables).get("NODE_PATH", "")
    placed = {posixpath.normpath(copy.destination if not copy.destination.endswith("/")
                                 else posixpath.join(copy.destination, posixpath.basename(source)))
              for copy in dockerfile.copies if copy.destination.startswith("/")
              for source in copy.sources if posixpath.basename(source.rstrip("/")) == "package.json"}
    for folder in node_path.split(":"):
        folder = posixpath.normpath(folder) if folder.startswith("/") else ""
        if not folder or folder == target or folder.startswith(f"{target}/") or target.startswith(f"{folder}/"):
            continue
        if posixpath.basename(folder) == "node_modules" and \
                posixpath.join(posixpath.dirname(folder), "package.json") in placed:
            return folder
    return ""
