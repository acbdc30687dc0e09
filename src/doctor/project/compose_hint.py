"""What to say when a folder has no compose file compose would read: the files it could mean.

The compose-looking files the folder holds, the COMPOSE_FILE its justfile, Makefile or .envrc
hands compose, or the compose files in the folders below. Read only when `doctor.app` stops
a run for want of a compose file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from doctor.project.reading import folders_below
from doctor.regular import read_text


def compose_hint(path: Path) -> str:
    """How to name the compose file: the compose-looking files the folder holds, and the one its
    justfile, Makefile or .envrc hands compose as COMPOSE_FILE (cookiecutter-django's justfile
    exports `COMPOSE_FILE := "docker-compose.local.yml"`, which compose alone never reads)."""
    folder = path if path.is_dir() else path.parent
    try:
        names = sorted(e.name for e in folder.iterdir() if re.fullmatch(COMPOSE_LIKE, e.name))
    except OSError:
        names = []
    for name in ("justfile", "Justfile", "Makefile", "makefile", ".envrc"):
        try:
            text = read_text(folder / name, 64 * 1024)
        except OSError:
            continue
        found = re.search(r"^\s*(?:export\s+)?COMPOSE_FILE\s*(?::=|\?=|=)\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
        if found:
            files = " ".join(f"-f {f}" for f in found[1].split(":") if f)
            return f"its {name} sets COMPOSE_FILE={found[1]}: give {files}"
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return f"here are {shown}: give one with -f"
    below = _compose_folders_below(folder)
    if below:
        shown = ", ".join(below[:3]) + (f" and {len(below) - 3} more" if len(below) > 3 else "")
        first = below[0]
        folder_of, _, name = first.rpartition("/")
        give = (f"give the folder, `doctor preflight {folder_of}`" if name in _DEFAULT_NAMES
                else f"give the file, `doctor preflight -f {first}`")
        return f"compose files are in {shown}: {give}"
    return "give one with -f"


COMPOSE_LIKE = r"[\w.-]*compose[\w.-]*\.ya?ml"  # a file name that looks like a compose file
_DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_NOT_PROJECTS = frozenset({"node_modules", "vendor", "venv", ".venv", "dist", "build", "target", "site-packages"})


def _compose_folders_below(folder: Path, depth: int = 2, budget: int = 400) -> list[str]:
    """The compose files in the folders below (dify's `docker/docker-compose.yaml`, penpot's
    `docker/devenv/docker-compose.main.yml`): a development one first (`dev`, `local` in its path),
    then a name compose finds by itself, then the shallowest. At most `depth` levels and `budget`
    folders looked into, hidden ones and dependency folders skipped (`.devcontainer` is looked into)."""
    found: list[str] = []
    for below in folders_below(folder, _NOT_PROJECTS, depth, budget, enter=(".devcontainer",)):
        try:
            names = sorted(n for n in os.listdir(below) if re.fullmatch(COMPOSE_LIKE, n) and "example" not in n)
        except OSError:
            continue
        for name in sorted(names, key=lambda n: n not in _DEFAULT_NAMES):
            found.append(os.path.relpath(os.path.join(below, name), folder))

    def order(path: str) -> tuple[bool, bool, int]:
        development = re.search(r"(?:^|[/._-])(?:dev|devenv|development|local)(?:$|[/._-])", path) is not None
        return (not development, path.rpartition("/")[2] not in _DEFAULT_NAMES, path.count("/"))

    return sorted(found, key=order)
