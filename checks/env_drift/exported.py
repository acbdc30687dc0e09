"""Where a variable compose needs is set for the runs of the project's own tooling: a Makefile that
exports it to its recipes (openedx/devstack's options.mk), or a script that runs compose (Laravel
Sail's vendor/bin/sail), so only a plain `docker compose` run lacks it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project


def make_sets(project: Project, name: str) -> str | None:
    """`options.mk:18`: where the Makefile of the project's folder, or of its checkout's top, sets and
    exports `name` to its recipes; None where none does."""
    from doctor.project.make_env import make_exported

    return _exported_at(project, name, "make-exported", make_exported)


def wrapper_sets(project: Project, name: str) -> str | None:
    """`vendor/bin/sail:142`: where a script of the project's folder, or of its checkout's top, that runs
    compose exports `name` with a value (wrapper_scripts.wrapper_exports); None where none does."""
    from doctor.project.wrapper_scripts import wrapper_exports

    return _exported_at(project, name, "wrapper-exported", wrapper_exports)


def _exported_at(project: Project, name: str, memo: str,
                 exported: Callable[[Path], Mapping[str, tuple[Path, int]]]) -> str | None:
    """The first `file:line` where `exported(folder)` (read once per project and folder) says `name` is
    exported, for the project's folder, then its checkout's top; None where it is not."""
    repo = project.repo()
    for folder in dict.fromkeys([project.root, *([repo.top] if repo is not None else [])]):
        found = project.once(f"{memo}:{folder}", functools.partial(exported, folder)).get(name)
        if found is not None:
            return f"{project.shown(found[0])}:{found[1]}"
    return None
