"""Where a variable compose needs is set for the runs of the project's own tooling: a Makefile that
exports it to its recipes (openedx/devstack's options.mk), or a script that runs compose (Laravel
Sail's vendor/bin/sail), so only a plain `docker compose` run lacks it."""

from __future__ import annotations

import functools

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def make_sets(project: Project, name: str) -> str | None:
    """`options.mk:18`: where the Makefile of the project's folder, or of its checkout's top, sets and
    exports `name` to its recipes; None where none does."""
    from doctor.project.gitrepo import find_repo
    from doctor.project.make_env import make_exported

    repo = find_repo(project.root)
    for folder in dict.fromkeys([project.root, *([repo.top] if repo is not None else [])]):
        found = project.once(f"make-exported:{folder}", functools.partial(make_exported, folder)).get(name)
        if found is not None:
            return f"{project.shown(found[0])}:{found[1]}"
    return None


def wrapper_sets(project: Project, name: str) -> str | None:
    """`vendor/bin/sail:142`: where a script of the project's folder, or of its checkout's top, that runs
    compose exports `name` with a value (wrapper_scripts.wrapper_exports); None where none does."""
    from doctor.project.gitrepo import find_repo
    from doctor.project.wrapper_scripts import wrapper_exports

    repo = find_repo(project.root)
    for folder in dict.fromkeys([project.root, *([repo.top] if repo is not None else [])]):
        found = project.once(f"wrapper-exported:{folder}", functools.partial(wrapper_exports, folder)).get(name)
        if found is not None:
            return f"{project.shown(found[0])}:{found[1]}"
    return None
