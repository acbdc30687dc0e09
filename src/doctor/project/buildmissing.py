"""Local builds whose context folder or Dockerfile is not there.

`docker compose config` accepts `build: ./api` whatever is on disk, but `docker compose up` /
`build` stops with "unable to prepare context: path \"./api\" not found" or "failed to read
dockerfile: open Dockerfile.dev: no such file or directory". The usual cause on a fresh clone is a
git submodule that was never checked out (getlago/lago's `api/` and `front/`: empty folders until
`git submodule update --init`), so the fix names that command when `.gitmodules` lists the path.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, record
from doctor.project.gitrepo import find_repo
from doctor.project.types import Service
from doctor.regular import read_text

# a template's stand-in for a path each developer fills in (wger/docker's dev/.env.example:
# `WGER_CODEPATH=/path/to/wger/server`, `<path to your checkout>`, `/your/path`): a value to set,
# never a folder to create
PLACEHOLDER_PATH = lazy(r"^(?:/?path/to/|<[^<>]+>$|/?your[-_/]?(?:own[-_/])?(?:path|folder|dir|code)\b)",
                        re.IGNORECASE)


@record
class MissingBuild:
    """A service's build input that does not exist: `what` is "build context" or "Dockerfile";
    `submodule` is the repo-relative path of the git submodule not checked out, or ""."""

    service: str
    what: str
    path: Path
    location: Location | None
    submodule: str = ""


def missing_builds(services: Mapping[str, Service]) -> list[MissingBuild]:
    """One entry per absent build context or Dockerfile (each path once, services by name)."""
    found: dict[Path, MissingBuild] = {}
    for name in sorted(services):
        build = services[name].build
        if build is None or build.dockerfile_path is None:
            continue  # a remote context or an inline Dockerfile
        context = Path(build.context)
        if _absent(context):
            path, what = context, "build context"
        elif _absent(build.dockerfile_path) and (build.dockerfile != "Dockerfile" or _absent(context / "dockerfile")):
            # with no `dockerfile:` the builder also takes a lowercase `dockerfile`
            path, what = build.dockerfile_path, "Dockerfile"
        else:
            continue
        if path not in found:
            found[path] = MissingBuild(name, what, path, build.location, _submodule(context))
    return list(found.values())


def _absent(path: Path) -> bool:
    """Whether `path` surely does not exist (one that cannot be looked at is compose-config's
    unreadable finding, not a missing one)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _submodule(context: Path) -> str:
    """The submodule path (as .gitmodules writes it) holding `context`, when it is not checked out."""
    try:
        present = next((p for p in (context, *context.parents) if not _absent(p)), None)  # calcom/apps/api/v2
        repo = find_repo(present) if present is not None else None
        top = repo.top if repo is not None else None
        if top is None and present is not None:  # files without their .git (an archive): its .gitmodules
            top = next((p for p in (present, *present.parents) if (p / ".gitmodules").is_file()), None)
        if top is None or not context.is_relative_to(top):
            return ""
        import configparser  # only for a build context that is missing: never on a clean run

        parser = configparser.ConfigParser(interpolation=None, strict=False)
        with contextlib.suppress(OSError, configparser.Error, UnicodeDecodeError):
            parser.read_string(read_text(top / ".gitmodules", errors="strict"))
        inside = context.relative_to(top)
        for section in parser.sections():
            sub = parser.get(section, "path", fallback="").strip().strip("/")
            if sub and (inside == Path(sub) or Path(sub) in inside.parents):
                folder = top / sub
                if _absent(folder) or not any(os.scandir(folder)):
                    return sub
    except OSError:
        pass
    return ""
