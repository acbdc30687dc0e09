"""What to say when a folder has no compose file compose would read: the files it could mean.

The compose-looking files the folder holds, the COMPOSE_FILE its justfile, Makefile or .envrc
hands compose, or the compose files in the folders below. Read only when `doctor.app` stops
a run for want of a compose file.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from doctor.project.reading import folders_below
from doctor.regular import read_text


def compose_hint(path: Path, command: str = "preflight") -> str:
    """How to name the compose file: the compose-looking files the folder holds, and the one its
    justfile, Makefile or .envrc hands compose as COMPOSE_FILE (cookiecutter-django's justfile
    exports `COMPOSE_FILE := "docker-compose.local.yml"`, which compose alone never reads). A folder
    below is named as it opens from where doctor runs (`ac/nginx-nodejs-redis` for `ac`), in the
    `doctor COMMAND` the user typed."""
    folder = path if path.is_dir() else path.parent
    typed = str(folder) if str(path) != "." else ""  # as given: -f is read from where doctor runs

    def given(name: str) -> str:  # quoted as a shell reads it: the command is there to be pasted
        return shlex.quote(os.path.join(typed, name) if typed else name)

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
            files = " ".join(f"-f {given(f)}" for f in found[1].split(":") if f)
            return f"its {name} sets COMPOSE_FILE={found[1]}: give `doctor {command} {files}`"
    if len(names) == 1:
        return f"here is {names[0]}: give it, `doctor {command} -f {given(names[0])}`"
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        first = next((n for n in names if re.search(_DEVELOPMENT, n)), names[0])
        return f"here are {shown}: give one with -f, `doctor {command} -f {given(first)}`"
    below = _compose_folders_below(folder)
    if below:
        shown = ", ".join(below[:3]) + (f" and {len(below) - 3} more" if len(below) > 3 else "")
        first = below[0]
        folder_of, _, name = first.rpartition("/")
        give = (f"give the folder, `doctor {command} {given(folder_of)}`" if name in _DEFAULT_NAMES
                else f"give the file, `doctor {command} -f {given(first)}`")
        return f"compose files are in {shown}: {give}"
    return "give one with -f"


COMPOSE_LIKE = r"[\w.-]*compose[\w.-]*\.ya?ml"  # a file name that looks like a compose file
_DEVELOPMENT = r"(?:^|[/._-])(?:dev|devenv|development|local)(?:$|[/._-])"  # a development stack's file or folder
_DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
# a compose service's own keys, one at least in a file of another name (not Symfony's `autowire:`, `arguments:`)
_SERVICE_KEYS = (r"^[ \t]+(?:image|build|ports|volumes|environment|command|depends_on|networks|container_name"
                 r"|extends|env_file|entrypoint|restart|healthcheck|expose|profiles):")
_NOT_PROJECTS = frozenset({"node_modules", "vendor", "venv", ".venv", "dist", "build", "target", "site-packages"})


def _compose_folders_below(folder: Path, depth: int = 2, budget: int = 400) -> list[str]:
    """The compose files in the folders below (dify's `docker/docker-compose.yaml`, penpot's
    `docker/devenv/docker-compose.main.yml`, IntelOwl's `docker/default.yml` with its
    `docker/*.override.yml`: a YAML file with a top-level `services:` and a key of a compose service,
    `image:`, `ports:`..., counts whatever its name; kimai's Symfony `config/services.yaml` does not): a
    development one first (`dev`, `local` in its path), then the shallowest, then a name compose finds
    by itself, then a base file before its overrides. At most `depth` levels and `budget` folders looked
    into, hidden ones and dependency folders skipped (`.devcontainer` is looked into), and at most
    MAX_READ other YAML files read (64 KiB of each)."""
    # each file's count of `image:`/`build:` lines (a base file has most; one named like a compose
    # file counts at least 1)
    found: dict[str, int] = {}
    reads = MAX_READ
    for below in folders_below(folder, _NOT_PROJECTS, depth, budget, enter=(".devcontainer",)):
        try:
            names = sorted(n for n in os.listdir(below) if n.endswith((".yml", ".yaml")) and "example" not in n)
        except OSError:
            continue
        for name in names:
            named = re.fullmatch(COMPOSE_LIKE, name) is not None
            if reads <= 0:
                if named:
                    found[os.path.relpath(os.path.join(below, name), folder)] = 1
                continue
            reads -= 1
            try:
                head = read_text(Path(below, name), 64 * 1024)
            except OSError:
                head = ""
            if not named and not (re.search(r"^services:[ \t]*(?:#.*)?$", head, re.MULTILINE)
                                  and re.search(_SERVICE_KEYS, head, re.MULTILINE)):
                continue  # kimai's config/services.yaml: Symfony's `services:` (`_defaults:`, `autowire:`)
            weight = len(re.findall(r"^[ \t]+(?:image|build):", head, re.MULTILINE))
            found[os.path.relpath(os.path.join(below, name), folder)] = max(weight, 1) if named else weight

    def order(path: str) -> tuple[bool, int, int, int, str]:
        # an override that builds and pulls nothing (IntelOwl's docker/traefik_local.yml) is no
        # development stack of its own, whatever its name
        development = found[path] > 0 and re.search(_DEVELOPMENT, path) is not None
        name = path.rpartition("/")[2]
        kind = 0 if name in _DEFAULT_NAMES else 2 if "override" in name else 1
        return (not development, path.count("/"), kind, -found[path], path)

    return sorted(found, key=order)

MAX_READ = 64
