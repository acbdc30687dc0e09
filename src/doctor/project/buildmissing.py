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
    """A service's build input that does not exist: `what` is "build context", "Dockerfile" or
    "additional context NAME";
    `submodule` is the repo-relative path of the git submodule not checked out, or "";
    `services`: every service building from the path (`service` the first by name).
    `context`: the build context the path is read in."""

    service: str
    what: str
    path: Path
    location: Location | None
    submodule: str = ""
    services: tuple[str, ...] = ()
    context: Path | None = None


def missing_builds(services: Mapping[str, Service]) -> list[MissingBuild]:
    """One entry per absent build context or Dockerfile (each path once, services by name)."""
    found: dict[Path, MissingBuild] = {}
    users: dict[Path, list[str]] = {}
    for name in sorted(services):
        build = services[name].build
        if build is None:
            continue
        # a named additional context (compose 2.17's `additional_contexts: {shared: ../shared}`): `build`
        # stops with `failed to get build context shared: stat ...: no such file or directory`
        absent = [(Path(path), f"additional context {extra}", at) for extra, path, at in build.contexts
                  if _absent(Path(path))]
        context = Path(build.context)
        if build.dockerfile_path is None:
            pass  # a remote context or an inline Dockerfile
        elif _absent(context):
            absent.insert(0, (context, "build context", build.location))
        elif _absent(build.dockerfile_path) and (build.dockerfile != "Dockerfile" or _absent(context / "dockerfile")):
            # with no `dockerfile:` the builder also takes a lowercase `dockerfile`
            absent.insert(0, (build.dockerfile_path, "Dockerfile", build.location))
        for path, what, at in absent:
            users.setdefault(path, []).append(name)
            if path not in found:
                folder = context if what == "Dockerfile" else path
                found[path] = MissingBuild(name, what, path, at, _submodule(folder), context=context)
    return [MissingBuild(m.service, m.what, m.path, m.location, m.submodule, tuple(users[p]), m.context)
            for p, m in found.items()]


def close_dockerfile(missing: Path, folders: tuple[Path, ...]) -> Path | None:
    """The Dockerfile in one of `folders` whose name is closest to a missing one's path (./Dockerfile.dev
    for docker/dev/Dockerfile: the `dev` of its folders; else one of the same name), or None when none
    or several fit as well."""
    words = {w for part in missing.parts[-3:] for w in re.split(r"[^a-z0-9]+", part.lower()) if w}
    scored: dict[Path, int] = {}
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries if _dockerfile_name(e.name) and os.path.isfile(e.path)]
        except OSError:
            continue
        for name in names:
            path = Path(os.path.normpath(folder / name))
            if path == missing:
                continue
            own = {w for w in re.split(r"[^a-z0-9]+", name.lower()) if w} - {"dockerfile", "containerfile"}
            scored[path] = len(own & words) * 2 + (name == missing.name)
    if not scored:
        return None
    best = max(scored.values())
    top = [p for p, score in scored.items() if score == best]
    return top[0] if best > 0 and len(top) == 1 else None


def _dockerfile_name(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(("dockerfile", "containerfile")) or lower.endswith((".dockerfile", ".containerfile"))


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
