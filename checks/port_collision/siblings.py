"""Host ports the other worktrees of the project's repository publish, as `doctor ports` reads them.

pythondotorg's trial: redis's 6379 held, `doctor fix --ports` in one worktree and then in the
other moved both to 6380, and `doctor ports` reported `6380/tcp published by wt-main ('redis'),
wt-feature ('redis')`. A worktree's compose model (its override and `.env` as written, every
profile's services) is read at the same place relative to its top as this project is, with the
same `-f` files and `--env-file`s, as doctor.portmap reads every checkout; a port any of them
publishes is taken for this one. Read only when a port move is chosen, never in a preflight
without one, and for at most MAX_WORKTREES of them.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.project.reading import is_dir, is_file
from doctor.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

MAX_WORKTREES = 16  # the other worktrees read, at most, in `git worktree list` order


def sibling_ports(project: Project) -> dict[tuple[int, str], str]:
    """(port, protocol) -> the name of the first other worktree of the repository that publishes it."""
    from doctor.project import Project as Sibling
    from doctor.project.gitrepo import repo_of

    options = project.options
    given = Path(options.path).resolve()
    folder = given if is_dir(given) else given.parent
    repo = repo_of(folder, project)
    if repo is None:
        return {}
    top = repo.top.resolve()
    inside = folder.relative_to(top)
    # the compose files and env files named, at the same place in each worktree (like `doctor ports -f`)
    named = ([given] if is_file(given) else []) + [f if f.is_absolute() else folder / f for f in options.files]
    files = tuple(os.path.relpath(f, folder) for f in named)
    env_files = None if options.env_files is None else tuple(os.path.relpath(f, folder) for f in options.env_files)
    others = [wt for wt in repo.worktrees() if wt.exists and wt.path.resolve() != top][:MAX_WORKTREES]
    found: dict[tuple[int, str], str] = {}
    for worktree in others:
        there = worktree.path / inside
        moved = tuple(Path(os.path.normpath(there / f)) for f in files)
        if not is_dir(there) or not all(is_file(f) for f in moved):
            continue  # a worktree of a branch without this project: nothing of it is published
        sibling = Sibling(replace(options, path=there, files=moved, profiles=("*",), project_name=None,
                                  config=None, cwd=None,
                                  env_files=None if env_files is None else tuple(
                                      Path(os.path.normpath(there / f)) for f in env_files)))
        for svc in sibling.services.values():
            for port in svc.ports:
                span = port.published_range
                for number in range(span[0], span[1] + 1) if span is not None else ():
                    found.setdefault((number, port.protocol), worktree.path.name)
    return found
