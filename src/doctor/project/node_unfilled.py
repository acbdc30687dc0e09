"""A service whose node packages nothing has installed yet: the install a command there needs first.

framasoft/mobilizon's 'api' is built `FROM elixir:1.15-alpine` with npm from apk, binds `.:/app`, and
starts `mix phx.server`: its image runs no `npm ci` and its start none, so its node_modules is the
checkout's, which only the project's `make setup` (`docker compose run --rm api ... npm ci`) makes. On
a fresh clone `docker compose run --rm api npm run lint` fails as the host does (`eslint: not found`):
the packages must be installed there first. Read from files, never run.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.project import Project
from doctor.project.filled import _NODE
from doctor.project.manifests import Language
from doctor.project.reading import read_regular_text
from doctor.project.service_home import ServiceHome

# the lockfile beside package.json names the install that follows it
LOCKS = (("package-lock.json", ("npm", "ci")), ("npm-shrinkwrap.json", ("npm", "ci")),
         ("yarn.lock", ("yarn", "install", "--frozen-lockfile")), ("pnpm-lock.yaml", ("pnpm", "install")),
         ("bun.lock", ("bun", "install")), ("bun.lockb", ("bun", "install")))


def install_first(project: Project, home: ServiceHome, cwd: Path) -> tuple[tuple[str, ...], Path] | None:
    """The install (`npm ci`) to run in the service before a node command in `cwd`, and the bound folder
    that holds no node_modules, where nothing else fills them: the service gets `cwd` by a bind mount,
    no node_modules lies between `cwd` and that mount's folder, its Dockerfile (every stage) runs no
    node install and sets no NODE_PATH, and its start installs nothing. None otherwise, or where the
    service has no Dockerfile to read (a pulled image may hold its packages elsewhere)."""
    from doctor.project.service_start import start_installs

    service = project.services.get(home.service)
    if home.language is not Language.NODE or service is None or service.build is None:
        return None
    binds = [c.host for c in home.carriers if c.via == "bind" and (cwd == c.host or c.host in cwd.parents)]
    path = service.build.dockerfile_path
    if not binds or path is None:
        return None
    bound = max(binds, key=lambda host: len(host.parts))
    if any(os.path.isdir(folder / "node_modules") for folder in (cwd, *cwd.parents) if folder.is_relative_to(bound)):
        return None
    recipe = project.recipe(path, service.build.target)
    text = read_regular_text(path) or ""
    if recipe is None or not text or _NODE.search(text) or "NODE_PATH" in text:
        return None
    if start_installs(project, service, recipe):
        return None
    folder = next((f for f in (cwd, *cwd.parents) if (f / "package.json").is_file()), cwd)
    words = next((words for name, words in LOCKS if (folder / name).is_file()), ("npm", "install"))
    return words, bound
