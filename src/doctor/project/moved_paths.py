"""Where a path a compose file writes, missing from the compose folder, exists from a folder above.

A compose file moved down into `deploy/docker/` keeps the paths written for the checkout's top
(litestar-fullstack's `./src:/workspace/app/src`, `env_file: ../.env.local.example`): the file
or folder meant is there at the same relative path from a folder above, and creating an empty
one where compose looks would hide the real one (a bind over the image's code).
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.system_folders import home_folder

MAX_ABOVE = 6  # folders above the compose folder looked at inside a checkout


def above_folders(folder: Path) -> list[Path]:
    """The folders above `folder`, nearest first: up to the top of the checkout holding it (at most
    MAX_ABOVE), else up to the archive's top or ARCHIVE_DEPTH above; never a system folder (/tmp, /srv)
    nor the home folder or above (a dotfiles repository's top): their `.cache` is the machine's or
    the user's, no path the project meant (doctor.system_folders)."""
    from doctor.project.gitrepo import ARCHIVE_DEPTH, archive_top, find_repo
    from doctor.system_folders import not_project_data

    folder = Path(os.path.abspath(folder))
    home = str(home_folder())
    repo = find_repo(folder)
    if repo is not None:
        # counted where find_repo looked (symlinks resolved), given as the compose folder is written
        inside = sum(1 for p in folder.resolve().parents[:MAX_ABOVE] if p.is_relative_to(repo.top))
        parents = list(folder.parents[:inside])
    else:
        parents = list(folder.parents[:ARCHIVE_DEPTH])
        top = archive_top(folder)
        if top is not None:
            parents = [p for p in parents if p.is_relative_to(top)]
    # nearest first: the folders below the first that holds no project's data
    kept = []
    for above in parents:
        if not_project_data(os.path.realpath(above), home):
            break
        kept.append(above)
    return kept


def found_above(missing: Path, folder: Path, directory: bool | None = None) -> tuple[Path, str] | None:
    """The existing file or folder (`directory` True/False to ask for one kind) that `missing`, as
    written relative to `folder`, names from a folder above `folder` (nearest first), and how the
    compose file in `folder` writes it: `../../../tools` as the author would, never shortened to
    `../..` where the compose folder lies inside it; None when there is none."""
    written = Path(os.path.relpath(os.path.abspath(missing), os.path.abspath(folder))).as_posix()
    aboves = above_folders(folder)
    for up, above in enumerate(aboves, 1):
        candidate = Path(os.path.normpath(above / written))
        if not candidate.is_relative_to(aboves[-1]):  # past the checkout's top
            continue
        if _is(candidate, directory):
            return candidate, "../" * up + written
    return None


def written_from(path: Path, folder: Path) -> str:
    """`path` as a compose file in `folder` writes it (`../src`, `./src`)."""
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(folder))).as_posix()
    return rel if rel.startswith("../") or rel == ".." else f"./{rel}"


def _is(path: Path, directory: bool | None) -> bool:
    """Whether `path` exists (as a folder, as a file); False for one that cannot be looked at (a name
    too long, a folder this user cannot enter)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return True if directory is None else stat.S_ISDIR(mode) if directory else stat.S_ISREG(mode)
