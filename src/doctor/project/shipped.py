"""Which of the project's script files reach a container, how, and in which image.

A script reaches a container when a service's Dockerfile COPY/ADDs it (or a folder holding it),
when a bind mount carries it, when the service's entrypoint/command (compose or Dockerfile)
names it, or when a Makefile recipe runs it through `docker compose exec|run SERVICE`. Folders
are walked for `*.sh` / `*.bash` files and executables without a suffix that start with `#!`
(skipping dependency and VCS folders, at most MAX_FILES
per folder); a file named by an entrypoint, command or Makefile counts whatever its name.
"""

from __future__ import annotations

import os
import posixpath
import shlex
import stat
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.reading import read_bytes
from doctor.project.recipe import Recipe
from doctor.project.tasks import CommandKind
from doctor.project.types import Service

SCRIPT_SUFFIXES = (".sh", ".bash")
SKIP_DIRS = frozenset((".git", "node_modules", ".venv", "venv", "__pycache__", "vendor", "dist", "build", ".tox"))
MAX_FILES = 5000
_COMPOSE_RUN = lazy(r"\bdocker(?:\s+compose|-compose)\b.*?\b(?:exec|run)\b\s+(.*)")


@record
class Shipped:
    """A host file that reaches `service`'s container: how (`COPY, Dockerfile:5`), and the image recipe."""

    path: Path
    service: str
    how: str
    recipe: Recipe | None
    image: str


def shipped_scripts(project: Project) -> Iterator[Shipped]:
    """Every script reaching a container, once per file: a service that runs it (command,
    entrypoint, healthcheck) wins over one that merely has it (a bind mount or COPY of its folder),
    so voting-app's redis.sh reaches 'redis', whose healthcheck runs it, not 'db', which mounts the
    same folder; else the first service by name."""
    seen: set[Path] = set()
    walked: dict[Path, list[Path]] = {}  # services often bind the same folder: walk it once
    # services share folders and files: resolve each path once (a resolve is an lstat per component)
    real: Callable[[Path], Path] = cache(Path.resolve)
    services = sorted(project.services.values(), key=lambda s: s.name)
    root = _scope(project)
    facts = []
    for svc in services:
        dockerfile = svc.build.dockerfile_path if svc.build else None
        recipe = project.recipe(dockerfile, svc.build.target) if dockerfile is not None and svc.build else None
        image = recipe.base if recipe is not None else svc.image or ""
        facts.append((svc, dockerfile, recipe, image, _mappings(project, svc, dockerfile)))
    for named in (True, False):
        for svc, _, recipe, image, mapped in facts:
            ways = (_named_ways(project, svc, recipe, mapped, real, root) if named
                    else _held_ways(mapped, walked, real, root))
            for path, how in ways:
                resolved = real(path)
                if resolved not in seen and path.is_file():
                    seen.add(resolved)
                    yield Shipped(path, svc.name, how, recipe, image)


def _named_ways(project: Project, svc: Service, recipe: Recipe | None, mapped: list[tuple[Path, str, str]],
                real: Callable[[Path], Path], root: Path) -> Iterator[tuple[Path, str]]:
    """The project files the service runs: named by its command, entrypoint or healthcheck."""
    for words, how in _named(project, svc, recipe):
        for word in words:
            host = _to_host(word, mapped, svc.working_dir or (recipe.workdir if recipe else "/"))
            if host is not None and real(host).is_relative_to(root):
                yield host, how


def _held_ways(mapped: list[tuple[Path, str, str]], walked: dict[Path, list[Path]],
               real: Callable[[Path], Path], root: Path) -> Iterator[tuple[Path, str]]:
    """The scripts the service's bind mounts and COPYs bring into it (a folder's scripts, walked once)."""
    for host, _, how in mapped:
        if host.is_file() and host.suffix in SCRIPT_SUFFIXES and real(host).is_relative_to(root):
            yield host, how
        elif host.is_dir() and real(host).is_relative_to(root):
            key = real(host)
            if key not in walked:
                walked[key] = list(_walk(host))
            for found in walked[key]:
                yield found, how


def _scope(project: Project) -> Path:
    """Where the project's own scripts live: its git checkout (immich's docker/ compose binds
    ../server, whose bin/immich-dev is the command), else the compose project's folder; a bind of
    $HOME or / is never walked."""
    from doctor.project.gitrepo import find_repo

    repo = find_repo(project.root)
    return repo.top if repo is not None else project.root.resolve()


def _mappings(project: Project, svc: Service, dockerfile: Path | None) -> list[tuple[Path, str, str]]:
    """(host path, container path, how) for each bind mount and each context COPY of the service."""
    found: list[tuple[Path, str, str]] = []
    for mount in svc.volumes:
        if mount.type == "bind" and mount.source:
            line = f":{mount.location.line}" if mount.location and mount.location.line else ""
            where = mount.location.path.name if mount.location else "compose"
            found.append((Path(mount.source), mount.target, f"bind mount, {where}{line}"))
    parsed = project.dockerfile(svc)
    if parsed is not None and svc.build is not None and dockerfile is not None:
        context = Path(svc.build.context)
        for copy in parsed.copies:
            for source in copy.sources:
                for host in sorted(context.glob(source.lstrip("/"))) if _is_glob(source) else [context / source]:
                    target = copy.destination  # a folder's contents land in the destination itself
                    if host.is_file() and (target.endswith("/") or len(copy.sources) > 1 or _is_glob(source)):
                        target = posixpath.join(target, host.name)
                    found.append((host, target, f"COPY, {dockerfile.name}:{copy.line}"))
    return found


def _named(project: Project, svc: Service, recipe: Recipe | None) -> Iterator[tuple[list[str], str]]:
    """Word lists that may name a script: the command/entrypoint, the healthcheck, and Makefile
    `compose exec|run` lines."""
    command = svc.command
    if command:
        yield (_words(command) if isinstance(command, str) else list(command)), "command"
    entrypoint = svc.entrypoint
    if entrypoint:
        yield (_words(entrypoint) if isinstance(entrypoint, str) else list(entrypoint)), "entrypoint"
    if svc.healthcheck:
        check = svc.healthcheck
        yield (_words(check) if isinstance(check, str) else list(check)), "healthcheck"
    # compose's `entrypoint:`, even `[]` (docker-rails-example's cable and worker), replaces the
    # image's ENTRYPOINT and drops its CMD: neither runs in that service
    if recipe is not None and entrypoint is None:
        if recipe.entrypoint:
            yield list(recipe.entrypoint), "ENTRYPOINT"
        if recipe.cmd and not command:
            yield list(recipe.cmd), "CMD"
    for cmd in project.commands:
        if cmd.kind is not CommandKind.MAKE:
            continue
        match = _COMPOSE_RUN.search(cmd.text)
        words = _words(match.group(1)) if match else []
        options = [w for w in words if not w.startswith("-")]
        if options and options[0] == svc.name:
            yield options[1:], f"{cmd.origin}, {cmd.location.path.name}:{cmd.location.line}"


def _to_host(word: str, mapped: list[tuple[Path, str, str]], workdir: str) -> Path | None:
    if not (word.endswith(SCRIPT_SUFFIXES) or word.startswith(("./", "/"))) or word.startswith("/bin/"):
        return None
    inside = posixpath.normpath(posixpath.join(workdir or "/", word))
    for host, target, _ in sorted(mapped, key=lambda m: len(m[1]), reverse=True):
        target = target.rstrip("/") or "/"
        if inside == target:
            return host if host.is_file() else None
        if inside.startswith(target.rstrip("/") + "/") and host.is_dir():
            candidate = host / posixpath.relpath(inside, target)
            return candidate if candidate.is_file() else None
    return None


def _walk(folder: Path) -> Iterator[Path]:
    count = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            count += 1
            if count > MAX_FILES:
                return
            if name.endswith(SCRIPT_SUFFIXES) or ("." not in name and _shebang_executable(Path(current) / name)):
                yield Path(current) / name


def _shebang_executable(path: Path) -> bool:
    """An executable file without a suffix that starts with `#!` (after a BOM): a script by another
    name, like the s6-overlay `run` scripts paperless-ngx COPYs from docker/rootfs."""
    try:
        if not os.stat(path).st_mode & stat.S_IXUSR:
            return False
        return read_bytes(path, 5, head=True).removeprefix(b"\xef\xbb\xbf").startswith(b"#!")
    except OSError:
        return False


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")

