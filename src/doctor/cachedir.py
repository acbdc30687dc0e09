"""Where doctor keeps its caches (login PATH, compose model, compose version): one folder for all.

$XDG_CACHE_HOME/doctor, else ~/.cache/doctor; DOCTOR_NO_CACHE=1 turns every cache off. Imports
nothing but os: the login shell's cache is asked before the shell starts, first thing in a run.
No cache is written inside the project a run reads (`keep_out`, `in_project`): HOME is the repo
in some containers and CI jobs, and ~/.cache/doctor would then show in `git status`.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def cache_dir(env: Mapping[str, str]) -> str | None:
    """The cache folder for this environment; None when caching is off or there is no HOME."""
    if env.get("DOCTOR_NO_CACHE", "").lower() in ("1", "true", "yes"):
        return None
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    return os.path.join(base, "doctor") if base else None


_PROJECTS: list[str] = []  # the real paths of the project folders this process read


def keep_out(project_dir: str | os.PathLike[str]) -> None:
    """Note a project folder of this run, and the git work tree it lies in: no cache file is
    written inside either (HOME is the repository and the compose file in `.devcontainer/`)."""
    here = os.path.realpath(project_dir)
    if here not in _PROJECTS:
        _PROJECTS.append(here)
    while not os.path.lexists(os.path.join(here, ".git")):
        parent = os.path.dirname(here)
        if parent == here:
            return  # in no git work tree: the folder alone
        here = parent
    if here not in _PROJECTS:
        _PROJECTS.append(here)


def in_project(path: str | os.PathLike[str]) -> bool:
    """Whether `path` (a cache file or folder) lies in a project folder of this run."""
    here = os.path.realpath(path)
    return any(here == root or here.startswith(root.rstrip(os.sep) + os.sep) for root in _PROJECTS)
