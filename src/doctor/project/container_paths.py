"""Where a service's host files appear in its container: each bind mount and each build-context COPY
as a mapping (host path, container target, how, and the `.dockerignore` that keeps files out of the
image), and the host file a container path or a command's word names through them (a bare name
looked up in the folders of the container's PATH)."""

from __future__ import annotations

import os
import posixpath
from functools import cache
from pathlib import Path

from doctor.model import record
from doctor.project import Project
from doctor.project.codepaths import DockerIgnore
from doctor.project.reading import glob, is_dir, is_file
from doctor.project.recipe import Recipe
from doctor.project.script_files import SCRIPT_SUFFIXES, _is_text_script
from doctor.project.types import CopyInstruction, Service

# the PATH of the official base images (debian, alpine, ubuntu...), used when no ENV PATH says otherwise
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@record
class _Mapped:
    """A host file or folder that appears at `target`, how, and for a COPY its line and the build
    context's `.dockerignore` (what it names never reaches the image)."""

    host: Path
    target: str
    how: str
    line: int = 0
    context: Path | None = None
    ignore: DockerIgnore | None = None
    bind: bool = False

    def keeps_out(self, path: Path) -> bool:
        """Whether the `.dockerignore` keeps this file (below `host`) out of the build context."""
        if self.ignore is None or not self.ignore.rules or self.context is None:
            return False
        relative = os.path.relpath(path, self.context)
        return not relative.startswith("..") and self.ignore.excludes(relative)


def _covers(target: str, inside: str) -> bool:
    """Whether a mount at `target` covers the container path `inside` (the path itself or one below it)."""
    top = target.rstrip("/") or "/"
    return inside == top or inside.startswith(top.rstrip("/") + "/")


def _mappings(project: Project, svc: Service, dockerfile: Path | None) -> list[_Mapped]:
    """Each bind mount and each context COPY of the service (its built stage's). Worked out once per run
    and service: the script finder's run_by and started_by and shipped_scripts each ask for every service
    (a stat per COPY source, a glob per wildcard), and a new list each time, as a caller may keep one."""
    made: dict[tuple[str, Path | None], tuple[Service, list[_Mapped]]] = project.once("container-mappings", dict)
    known = made.get((svc.name, dockerfile))
    if known is None or known[0] is not svc:  # another record of that name: worked out anew
        known = made[svc.name, dockerfile] = (svc, _service_mappings(project, svc, dockerfile))
    return list(known[1])


def _service_mappings(project: Project, svc: Service, dockerfile: Path | None) -> list[_Mapped]:
    found: list[_Mapped] = []
    for mount in svc.volumes:
        if mount.type == "bind" and mount.source:
            line = f":{mount.location.line}" if mount.location and mount.location.line else ""
            where = mount.location.path.name if mount.location else "compose"
            found.append(_Mapped(Path(mount.source), mount.target, f"bind mount, {where}{line}", bind=True))
    parsed = project.dockerfile(svc)
    build = project.build_of(svc)  # an image builder's for a service on the image another builds
    if parsed is not None and build is not None and dockerfile is not None:
        codes = project.code_map(svc)  # its .dockerignore, read once per build
        # and what a `COPY --from` brings of a builder stage's context copies (umap's `COPY --from=build
        # /srv/umap/docker/ /srv/umap/docker/` of the build stage's `COPY . /srv/umap`: its CMD's entrypoint.sh)
        copies = _copy_mappings(Path(build.context), (*parsed.copies, *parsed.relayed), dockerfile, codes.context,
                                codes.ignore)
        found += _not_overwritten(copies)
    return found


def _not_overwritten(copies: list[_Mapped]) -> list[_Mapped]:
    """The COPYs of files whose place in the image no later COPY of a file takes: laravel-docker-examples'
    `development` stage COPYs docker/development/php-fpm/entrypoint.sh to /usr/local/bin/entrypoint.sh,
    where its parent stage put docker/production/php-fpm/entrypoint.sh, which its container never holds."""
    last: dict[str, int] = {}
    for way in copies:
        if is_file(way.host):
            target = posixpath.normpath(way.target)
            last[target] = max(last.get(target, 0), way.line)
    return [way for way in copies if not is_file(way.host) or way.line >= last[posixpath.normpath(way.target)]]


def _copy_mappings(context: Path, copies: tuple[CopyInstruction, ...], dockerfile: Path, root: Path | None,
                   ignore: DockerIgnore) -> list[_Mapped]:
    found: list[_Mapped] = []
    for copy in copies:
        for source in copy.sources:
            for host in glob(context, source.lstrip("/")) if _is_glob(source) else [context / source]:
                target = copy.destination  # a folder's contents land in the destination itself
                if is_file(host) and (target.endswith("/") or len(copy.sources) > 1 or _is_glob(source)):
                    target = posixpath.join(target, host.name)
                found.append(_Mapped(host, target, f"COPY, {dockerfile.name}:{copy.line}", copy.line, root, ignore))
    return found


def _deepest_first(mapped: list[_Mapped]) -> list[_Mapped]:
    """The mappings as `_inside` and `_to_host` take them: the deepest target first, a bind mount before
    any COPY (mounted over the image when the container starts, it hides what a COPY put there: a
    `.:/app` bind over `COPY . /app/` brings the host's file, no rebuild needed), and of two COPYs to
    one place the later (laravel-docker-examples' `development` stage COPYs its own entrypoint.sh over
    the one its parent stage `production` put at /usr/local/bin/entrypoint.sh)."""
    return sorted(mapped, key=lambda m: (m.bind, len(m.target.rstrip("/") or "/"), m.line), reverse=True)


def _to_host(word: str, mapped: list[_Mapped], workdir: str, search: tuple[str, ...],
             on_path: list[_Mapped]) -> tuple[Path, str] | None:
    """The host file a word of a command names, and its path in the container: a path (against the
    working directory), or a bare name a folder of the container's PATH holds when that file is a
    script (a binary is no concern).
    `mapped`: deepest target first (`_deepest_first`); `on_path`: those of them that put something
    in a folder of `search` (`_reaches_path`), the only ones a bare name can reach."""
    if word.startswith("/bin/") or not word or word.startswith("-"):
        return None
    if word.endswith(SCRIPT_SUFFIXES) or word.startswith(("./", "/")):
        inside = posixpath.normpath(posixpath.join(workdir or "/", word))
        host = _inside(inside, mapped)
        return (host, inside) if host is not None else None
    if "$" in word or "=" in word or ":" in word:
        return None
    if "/" in word:  # docker-django-example's `RUN chmod 0755 bin/* && bin/uv-install`: against the WORKDIR
        inside = posixpath.normpath(posixpath.join(workdir or "/", word))
        host = _inside(inside, mapped)
        return (host, inside) if host is not None and _is_text_script(host) else None
    if not on_path:
        return None  # no COPY or bind lands in a PATH folder: no bare name is one of these files
    for folder in search:  # `exec docker-entrypoint`: the shell looks the name up in PATH's folders, in order
        inside = posixpath.join(folder, word)
        host = _inside(inside, on_path)
        if host is not None:
            return (host, inside) if _is_text_script(host) else None
    return None


def _reaches_path(way: _Mapped, search: tuple[str, ...]) -> bool:
    """Whether the mapping puts something in a folder of `search` (a file into it, or a folder over it)."""
    return _target_reaches(way.target, search)


@cache
def _target_reaches(target: str, search: tuple[str, ...]) -> bool:
    """_reaches_path of a target: asked for every mapping of every service and RUN line, of a few
    targets and PATHs (shipped_scripts' `_stage_runs` asks again for each RUN of a build)."""
    target = target.rstrip("/") or "/"
    return posixpath.dirname(target) in search or any(
        folder == target or folder.startswith(target.rstrip("/") + "/") for folder in search)


def _inside(inside: str, mapped: list[_Mapped]) -> Path | None:
    """The host file at a container path, through the deepest mapping that brings it (`mapped`:
    deepest target first)."""
    found = _reached(inside, mapped)
    return found[0] if found is not None else None


def _through(inside: str, mapped: list[_Mapped]) -> _Mapped | None:
    """The mapping `_inside` finds the file at a container path through."""
    found = _reached(inside, mapped)
    return found[1] if found is not None else None


def _reached(inside: str, mapped: list[_Mapped]) -> tuple[Path, _Mapped] | None:
    for way in mapped:
        target = way.target.rstrip("/") or "/"
        if inside == target:
            if way.keeps_out(way.host):
                continue
            return (way.host, way) if is_file(way.host) else None
        if inside.startswith(target.rstrip("/") + "/") and is_dir(way.host):
            candidate = way.host / posixpath.relpath(inside, target)
            if way.keeps_out(candidate):
                continue
            return (candidate, way) if is_file(candidate) else None
    return None


def _image_path(recipe: Recipe | None) -> str:
    return dict(recipe.env).get("PATH", "") if recipe is not None else ""


def _path_dirs(value: str) -> tuple[str, ...]:
    """The folders of a PATH value (`/app/bin:$PATH`); the base images' own without one."""
    if not value:
        return DEFAULT_PATH
    folders: list[str] = []
    for part in value.split(":"):
        if part in ("$PATH", "${PATH}"):
            folders.extend(DEFAULT_PATH)
        elif part.startswith("/") and "$" not in part:
            folders.append(posixpath.normpath(part))
    return tuple(dict.fromkeys(folders))


def _is_glob(text: str) -> bool:
    return "*" in text or "?" in text or "[" in text  # no generator: asked for each source of each COPY
