"""The project's own Dockerfiles that no compose service builds: the image its CI releases.

umami's compose pulls `ghcr.io/umami-software/umami:latest`, which CI builds from the root
`Dockerfile` (`ARG NODE_IMAGE_VERSION="22-alpine"`, then `FROM node:${NODE_IMAGE_VERSION}`);
linkding's pulls `sissbruecker/linkding`, built from `docker/default.Dockerfile` (node:22 for
its assets, python:3.13 for the app). The versions there are what production runs, so
runtime-drift hears them beside `.nvmrc`, CI and pyproject. Only the project folder and its
`docker/` folder are looked at (where such a file is kept), never deeper: a Dockerfile in
`examples/` or a tool's folder speaks for something else.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

FOLDERS = ("", "docker")
MAX_FILES = 8


def release_dockerfiles(root: Path, built: Collection[Path]) -> list[Path]:
    """The Dockerfiles (`Dockerfile`, `Dockerfile.x`, `x.Dockerfile`, `Containerfile`) at the
    project root and in its `docker/` folder that no compose service builds, in name order."""
    seen = {p.resolve() for p in built}
    found: list[Path] = []
    for folder in (root / name if name else root for name in FOLDERS):
        try:
            names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for name in names:
            path = folder / name
            if _is_dockerfile(name) and path.is_file() and path.resolve() not in seen and len(found) < MAX_FILES:
                found.append(path)
    return found


def _is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower in ("dockerfile", "containerfile") or lower.startswith(("dockerfile.", "containerfile.")) or \
        lower.endswith((".dockerfile", ".containerfile"))
