"""A bind of a missing node_modules/ whose service's image keeps its packages elsewhere, on NODE_PATH.

Buuntu/fastapi-react's frontend: `ADD package.json /package.json`, `RUN npm install` (into /node_modules),
`ENV NODE_PATH=/node_modules` and PATH's /node_modules/.bin, then `./frontend/node_modules:/app/node_modules`.
The empty folder docker makes there hides nothing the app needs: Node looks in /app/node_modules, then in
/node_modules, where the image's packages are. No host install is needed (the project asks for docker alone),
and one would put the host's packages, built by the host's Node, before the image's.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase

from doctor.project import Project
from doctor.project.types import Mount, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from doctor.project.recipe import Step

_INSTALLS = {"npm": ("install", "i", "ci"), "yarn": ("", "install"), "pnpm": ("install", "i")}


def packages_elsewhere(project: Project, service: Service, mount: Mount) -> str:
    """The folder on the container's NODE_PATH (the image's ENV, or compose's `environment:` over it; not an
    ARG, gone after the build) that is not the bind's target, nor inside it, beside which the image puts a
    package.json (`COPY package*.json /` too) and runs its install (`RUN npm ci`, `yarn`, `pnpm install` in
    that folder): its packages ("/node_modules"); "" when there is none."""
    build = service.build
    dockerfile = project.dockerfile(service) if build is not None else None
    if build is None or dockerfile is None or not mount.target.startswith("/"):
        return ""
    recipe = project.recipe(build.dockerfile_path, build.target) if build.dockerfile_path is not None else None
    if recipe is None:
        return ""
    given = service.environment.get("NODE_PATH")
    node_path = (given.value or "") if given is not None else dict(recipe.env).get("NODE_PATH", "")
    target = posixpath.normpath(mount.target)
    placed = {posixpath.normpath(copy.destination if not copy.destination.endswith("/") and len(copy.sources) == 1
                                 else posixpath.join(copy.destination, "package.json"))
              for copy in dockerfile.copies if copy.destination.startswith("/")
              for source in copy.sources if fnmatchcase("package.json", posixpath.basename(source.rstrip("/")))}
    for folder in node_path.split(":"):
        folder = posixpath.normpath(folder) if folder.startswith("/") else ""
        if not folder or folder == target or folder.startswith(f"{target}/") or target.startswith(f"{folder}/"):
            continue
        home = posixpath.dirname(folder)
        if posixpath.basename(folder) == "node_modules" and posixpath.join(home, "package.json") in placed \
                and _installs_in(recipe.runs, home):
            return folder
    return ""


def _installs_in(runs: Sequence[Step], folder: str) -> bool:
    """Whether a RUN of the image installs a package.json's packages in `folder` (`npm ci`, `npm install`, a bare
    `yarn`, `pnpm install`), by its WORKDIR or a `cd` before it."""
    from pathlib import Path

    from doctor.project.shellwords import split_command

    for step in runs:
        for segment, tool, cwd in split_command(step.text, Path(step.workdir or "/")):
            words = segment.split()
            verbs = _INSTALLS.get(posixpath.basename(tool))
            if verbs is None or posixpath.normpath(str(cwd)) != folder:
                continue
            at = words.index(tool) if tool in words else 0
            verb = next((w for w in words[at + 1:] if not w.startswith("-")), "")
            if verb in verbs:
                return True
    return False
