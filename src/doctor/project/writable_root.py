"""The folder `doctor fix` may write in (edit_root): the project directory, widened to the repo
around it, to the env files its services load and to the bind sources and build contexts its
compose files point at within the same checkout, never past its top nor to the home folder.
doctor.project.edits re-exports edit_root for the fixer and the checks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from doctor.project import Project
from doctor.system_folders import home_folder


def edit_root(project: Project) -> Path:
    """The folder fixes may write in: the project directory, or the repo around it when a service
    builds from or bind-mounts that parent (a compose project in `.devcontainer/` or `docker/`),
    widened to the env files compose reads from beside it within the same git work tree (wger's
    `dev/docker-compose.yml` loads `../config/prod.env`: a drifted host there is fixed where it is
    written), and to the bind sources and build contexts the compose files point at within the
    checkout (its git work tree, or the top `archive_top` finds for one without .git: peeringdb's
    `Ctl/dev` compose binds `../docker/entrypoint.sh` and builds from `../..`), never past that
    top nor to the home folder."""
    root = project.root
    outer = root.parent
    if outer == outer.parent or outer == home_folder():
        return root
    pointed: list[str] = []
    for service in project.services.values():
        pointed += [m.source for m in service.volumes if m.type == "bind" and m.source]
        if service.build is not None and "://" not in service.build.context:
            pointed.append(service.build.context)
    if any(Path(os.path.normpath(source)) == outer for source in pointed):
        # the parent is bound or built from; still widened to the env files and other sources beyond it
        # (polar's dev/docker binds `../../dev`, builds from `../..` and loads `../../server/.env`)
        root = outer
    return _with_pointed(project, _with_env_files(project, root), pointed)


def _with_pointed(project: Project, root: Path, sources: Sequence[str]) -> Path:
    """`root`, or the folder holding it and the bind sources and build contexts beside it that lie
    in the project's checkout (a source past the checkout's top, such as /var/run/docker.sock or
    ~/.ssh, widens nothing)."""
    beside = {Path(os.path.normpath(source)) for source in sources if os.path.isabs(source)}
    beside = {source for source in beside if not source.is_relative_to(root)}
    if not beside:
        return root
    from doctor.project.gitrepo import archive_top

    repo = project.repo()
    found = repo.top if repo is not None else archive_top(project.root)
    if found is None:
        return root
    top = Path(os.path.realpath(found))
    home = Path(os.path.realpath(home_folder()))
    if top == top.parent or home.is_relative_to(top):
        return root
    real = [Path(os.path.realpath(source)) for source in beside]
    within = [source for source in real if source.is_relative_to(top)]
    if not within:
        return root
    return Path(os.path.commonpath([os.path.realpath(root), *within]))


def _with_env_files(project: Project, root: Path) -> Path:
    """`root`, or the folder holding it and the env files its services load from outside it, when
    one git work tree holds them all (a checkout's own files; a path out of it stays refused)."""
    outside = {Path(os.path.normpath(path)).parent for service in project.services.values()
               for path in service.env_files if not Path(os.path.normpath(path)).is_relative_to(root)}
    if not outside:
        return root
    from doctor.project.gitrepo import find_repo

    repo = find_repo(root)
    top = repo.top.resolve() if repo is not None else None
    if top is None or top == home_folder() or top == top.parent:
        return root
    real = [Path(os.path.realpath(folder)) for folder in outside]
    if not all(folder.is_relative_to(top) for folder in real):
        return root
    return Path(os.path.commonpath([root.resolve(), *real]))
