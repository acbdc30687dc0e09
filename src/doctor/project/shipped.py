"""Which of the project's script files reach a container, how, and in which image.

A script reaches a container when a service's Dockerfile COPY/ADDs it (or a folder holding it),
when a bind mount carries it, when the service's entrypoint/command (compose or Dockerfile)
names it, or when a Makefile recipe runs it through `docker compose exec|run SERVICE`. Folders
are walked for `*.sh` / `*.bash` files and executables without a suffix that start with `#!`
(skipping dependency and VCS folders, at most MAX_FILES
per folder); a file named by an entrypoint, command or Makefile counts whatever its name, and a
bare name (`docker-entrypoint`) is looked up in the folders of the container's PATH. A file the
build context's `.dockerignore` keeps out reaches no image. A script that the built stage, or a
builder stage (one the built stage copies from), COPYs and RUNs is run while building: it breaks
the build. A way is `stripped` when the copy it brings is one a RUN of the image stripped of its CRs
(doctor.project.lf_rewrites) after the last COPY that put a file there, with no bind mount over it.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record, replace
from doctor.project import Project
from doctor.project.codepaths import DockerIgnore
from doctor.project.lf_rewrites import Rewritten, lf_rewrites
from doctor.project.reading import glob, is_dir, is_file, read_bytes
from doctor.project.recipe import Recipe
from doctor.project.tasks import CommandKind
from doctor.project.types import CopyInstruction, Service

SCRIPT_SUFFIXES = (".sh", ".bash")
SKIP_DIRS = frozenset((".git", "node_modules", ".venv", "venv", "__pycache__", "vendor", "dist", "build", ".tox"))
# folders of host tooling a bind of the whole repository carries along: CI, git hooks, editors and
# agents (DefectDojo's .claude/hooks/branch-guard.sh): nothing in a container runs them
HOST_TOOL_DIRS = frozenset((".github", ".gitlab", ".circleci", ".buildkite", ".husky", ".githooks", ".vscode",
                            ".idea", ".claude", ".cursor"))
MAX_FILES = 5000
# folders whose scripts an image's entrypoint runs by itself (nginx's /docker-entrypoint.d, postgres's
# initdb.d, s6-overlay's cont-init.d): a file put there is one that runs
RUN_FOLDERS = frozenset(("/docker-entrypoint.d", "/docker-entrypoint-initdb.d", "/etc/cont-init.d",
                         "/custom-cont-init.d", "/etc/my_init.d"))
# the PATH of the official base images (debian, alpine, ubuntu...), used when no ENV PATH says otherwise
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_COMPOSE_RUN = lazy(r"\bdocker(?:\s+compose|-compose)\b.*?\b(?:exec|run)\b\s+(.*)")
_SHELL_SEPARATOR = lazy(r"&&|\|\||[;|&()\n]")
_RUN_WORD = lazy(r"""'[^']*'|"[^"]*"|[^\s'"]+""")
# what may come before a command's own word: `if`, `then /build.sh`, `exec ./start.sh`
_BEFORE_COMMAND = frozenset(("if", "then", "else", "elif", "while", "until", "do", "!", "{", "exec", "time"))
# a program that runs the script it is given: `bash ./build.sh`, `. ./env.sh`
_SCRIPT_RUNNERS = frozenset(("sh", "bash", "ash", "dash", "zsh", "ksh", ".", "source"))


@record
class Shipped:
    """A host file that reaches `service`'s container: how (`COPY, Dockerfile:5`), and the image recipe.

    For a script a stage runs while building (the built one or a builder), `stage` names that stage,
    `run` is the RUN's text and `recipe`/`image` are the stage's. `stripped`: what this way brings
    is a copy a RUN rewrote with LF line endings (`RUN sed -i 's/\\r$//' /e.sh` after `COPY e.sh
    /e.sh`), that no later COPY nor a bind mount replaces."""

    path: Path
    service: str
    how: str
    recipe: Recipe | None
    image: str
    stage: str = ""
    run: str = ""
    stripped: bool = False
    also: tuple[str, ...] = ()  # the other services it reaches the same way (redash's ENTRYPOINT: three)
    # the copy it brings is the image's (a COPY, not a bind mount): a fixed file reaches the container
    # only when the image is built again
    baked: bool = False
    # a folder's COPY or mount brings it along, and nothing names it (snipe-it's `COPY . /var/www/html`
    # brings docker/startup.sh, which only its Ubuntu Dockerfile runs)
    carried: bool = False

    @property
    def services(self) -> tuple[str, ...]:
        return (self.service, *self.also)


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


def shipped_scripts(project: Project, among: Mapping[str, Service] | None = None) -> Iterator[Shipped]:
    """Every script reaching a container of `among` (default: the enabled services), once per file: a
    build that runs it (a RUN of the built stage or of a builder stage) wins, as the build fails
    before any container starts (getsentry/self-hosted's enhance-image.sh, which sentry/Dockerfile
    runs and the other services bind-mount); then a service that runs it (command, entrypoint,
    healthcheck) wins over one that merely has it, so voting-app's redis.sh reaches 'redis', whose
    healthcheck runs it, not 'db', which mounts the same folder; then a mount or COPY of that very
    file (into a folder an entrypoint runs first: bookwyrm's nginx binds 99-autoreload.sh into
    /docker-entrypoint.d/) wins over a folder that carries it along (its `app` binds `.:/app`;
    ralph's image COPYs build.sh to /opt/build.sh, which its entrypoint runs, and binds `.:/app` as
    well); else the first service by name. The other services it reaches the very same way (the same
    how, image and stripping: redash's ENTRYPOINT in `server`, `scheduler` and `worker`) are its
    `also`."""
    found: dict[Path, tuple[Shipped, int]] = {}  # resolved path -> (its first way, the way's rank)
    walked: dict[Path, list[Path]] = {}  # services often bind the same folder: walk it once
    built: dict[tuple[object, ...], list[Shipped]] = {}  # and build from the same Dockerfile
    # services share folders and files: resolve each path once (a resolve is an lstat per component)
    real: Callable[[Path], Path] = cache(Path.resolve)
    among = project.services if among is None else among
    services = sorted(among.values(), key=lambda s: s.name)
    roots = _scope(project, among)
    from doctor.project.run_by_path import platform_runs, recipe_runs

    # a file a recipe runs by its path is a script whatever its suffix (backend/manage.py); one a
    # hosting platform's build runs (render_build.sh) is no container's, whatever folder it sits in
    by_path, platform = recipe_runs(project), set(platform_runs(project))
    facts = []
    for svc in services:
        dockerfile = svc.build.dockerfile_path if svc.build else None
        recipe = project.recipe(dockerfile, svc.build.target) if dockerfile is not None and svc.build else None
        image = recipe.base if recipe is not None else svc.image or ""
        facts.append((svc, dockerfile, recipe, image, _mappings(project, svc, dockerfile), _strip_runs(recipe)))
    held: dict[str, list[tuple[int, Shipped, str]]] = {}  # per service: its held ways, each with its rank
    for rank in range(_HELD_RANKS[-1] + 1):
        for svc, dockerfile, recipe, image, mapped, strips in facts:
            if rank == 0:
                ways: list[tuple[Shipped, str]] = [
                    (shipped, "") for shipped in _built_ways(project, svc, dockerfile, recipe, real, roots, built)]
            elif rank == 1:
                named = list(_named_ways(project, svc, recipe, mapped, real, roots))
                named += _called_ways(svc, recipe, mapped, named, real, roots)
                ways = [(Shipped(path, svc.name, how, recipe, image, baked=baked), inside)
                        for path, how, inside, baked in named]
            else:
                if svc.name not in held:
                    held[svc.name] = [(at, Shipped(path, svc.name, way.how, recipe, image, baked=not way.bind,
                                                   carried=at == _HELD_RANKS[2]), inside)
                                      for path, way, inside in _held_ways(mapped, walked, real, roots, by_path)
                                      if not (is_dir(way.host) and real(path) in platform)
                                      for at in (_held_rank(way, mapped),)]
                ways = [(shipped, inside) for at, shipped, inside in held[svc.name] if at == rank]
            for shipped, inside in ways:
                resolved = real(shipped.path)
                first = found.get(resolved)
                if first is None and not is_file(shipped.path):
                    continue
                # the container path it reaches: the copy there may be one the image stripped
                if inside and _stripped(inside, mapped, strips):
                    shipped = replace(shipped, stripped=True)
                if first is None:
                    found[resolved] = (shipped, rank)
                elif (first[1] == rank and shipped.service not in first[0].services
                      and (first[0].how, first[0].image, first[0].stripped, first[0].stage, first[0].baked)
                      == (shipped.how, shipped.image, shipped.stripped, shipped.stage, shipped.baked)):
                    found[resolved] = (replace(first[0], also=(*first[0].also, shipped.service)), rank)
    for shipped, _ in found.values():
        yield shipped


# the ranks of a held way (after 0, a build's RUN, and 1, a service's command or entrypoint): the very
# file into a folder an entrypoint runs, the very file elsewhere, a folder that carries it
_HELD_RANKS = (2, 3, 4)


def _held_rank(way: _Mapped, mapped: list[_Mapped]) -> int:
    """How surely the held way brings the copy that runs: a mount or COPY of the very file (one a
    bind mount of the service does not hide), into a folder of RUN_FOLDERS first; a folder last."""
    if is_dir(way.host):
        return _HELD_RANKS[2]
    target = posixpath.normpath(way.target)
    if not way.bind and any(other.bind and _covers(other.target, target) for other in mapped):
        return _HELD_RANKS[2]  # the service's bind mount hides the image's copy
    return _HELD_RANKS[0] if posixpath.dirname(target) in RUN_FOLDERS else _HELD_RANKS[1]


def _covers(target: str, inside: str) -> bool:
    """Whether a mount at `target` covers the container path `inside` (the path itself or one below it)."""
    top = target.rstrip("/") or "/"
    return inside == top or inside.startswith(top.rstrip("/") + "/")


def script_finder(project: Project) -> ScriptFinder:
    """The run's one ScriptFinder of the project: building one reads every service (its scope), so
    callers asking per service share this one (a new one per service was quadratic: 0.4 s of a
    100-service preflight's host-vs-container)."""
    return project.once("script-finder", lambda: ScriptFinder(project))


class ScriptFinder:
    """The project's files each service runs as its command, entrypoint, healthcheck or image CMD /
    ENTRYPOINT (or a Makefile `compose run` names), each with how: what `shipped_scripts` finds by
    name, without walking the folders a service mounts; `started_by` follows a start further, into
    the scripts those run and the folders of scripts they run one by one. One per run: the project's
    scope (a git lookup) and the paths it resolves are looked up once, and services built and run
    alike (a thousand replicas of one app) share one answer."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.roots = _scope(project, project.services)
        self.real: Callable[[Path], Path] = cache(Path.resolve)
        self.known: dict[object, list[tuple[Path, str]]] = {}
        # a Makefile's `compose run SERVICE script` names a service: then no two services share
        self.by_name = any(c.kind is CommandKind.MAKE and _COMPOSE_RUN.search(c.text) for c in project.commands)

    def run_by(self, svc: Service) -> list[tuple[Path, str]]:
        key = self._key(svc)
        if key not in self.known:  # every part is a str, a tuple of them, or None: hashable
            self.known[key] = self._run_by(svc)
        return self.known[key]

    def started_by(self, svc: Service) -> list[tuple[Path, str]]:
        """The project's scripts the service's start runs: those its command or entrypoint (compose's,
        else the image's ENTRYPOINT and CMD) names, the ones those run by their path (`_called_ways`),
        and each script of a folder they run one by one (doctor.project.run_folders: pixelfed's
        entrypoint runs every file of /docker/entrypoint.d/, whose 10-storage.sh copies its storage
        skeleton back), each with how; not a healthcheck's, nor a Makefile's `compose run`."""
        key = ("started", *self._key(svc))
        if key not in self.known:
            self.known[key] = self._started_by(svc)
        return self.known[key]

    def _key(self, svc: Service) -> tuple[object, ...]:
        """What decides the answer for a service (a mount's source and target, not where it is written)."""
        found = svc.environment.get("PATH")
        build = (svc.build.context, svc.build.dockerfile, svc.build.target) if svc.build else None
        mounts = tuple((m.type, m.source, m.target) for m in svc.volumes)
        return (build, mounts, svc.command, svc.entrypoint, svc.healthcheck, svc.healthcheck_set, svc.working_dir,
                found.value if found is not None else None, svc.name if self.by_name else None)

    def _run_by(self, svc: Service) -> list[tuple[Path, str]]:
        project = self.project
        dockerfile = svc.build.dockerfile_path if svc.build else None
        recipe = project.recipe(dockerfile, svc.build.target) if dockerfile is not None and svc.build else None
        mapped = _mappings(project, svc, dockerfile)
        found = _named_ways(project, svc, recipe, mapped, self.real, self.roots)
        return [(path, how) for path, how, _, _ in found if is_file(path)]

    def _started_by(self, svc: Service) -> list[tuple[Path, str]]:
        from doctor.project.run_folders import folders_run

        project = self.project
        dockerfile = svc.build.dockerfile_path if svc.build else None
        recipe = project.recipe(dockerfile, svc.build.target) if dockerfile is not None and svc.build else None
        mapped = _mappings(project, svc, dockerfile)
        named = [way for way in _named_ways(project, svc, recipe, mapped, self.real, self.roots)
                 if way[1] in _START_WAYS and is_file(way[0])]
        named += _called_ways(svc, recipe, mapped, named, self.real, self.roots)
        found = [(path, how) for path, how, _, _ in named]
        seen = {self.real(path) for path, _ in found}
        workdir = svc.working_dir or (recipe.workdir if recipe else "/")
        values = {**dict(recipe.env if recipe is not None else ()),
                  **{name: var.value for name, var in svc.environment.items() if var.value is not None}}
        ordered = _deepest_first(mapped)
        for path, how in list(found):
            try:
                text = read_bytes(path, 256 * 1024, head=True).decode("utf-8", "replace")
            except OSError:
                continue
            for folder, pattern in folders_run(text, values):
                inside = posixpath.normpath(posixpath.join(workdir or "/", folder))
                for script in _folder_files(inside, pattern, ordered):
                    if self.real(script) not in seen and _within(self.real(script), self.roots):
                        seen.add(self.real(script))
                        found.append((script, f"{inside}/, run by {path.name} ({how.split(',')[0]})"))
        return found


def _named_ways(project: Project, svc: Service, recipe: Recipe | None, mapped: list[_Mapped],
                real: Callable[[Path], Path], roots: tuple[Path, ...]) -> Iterator[tuple[Path, str, str, bool]]:
    """The project files the service runs, named by its command, entrypoint or healthcheck: each
    with how, its path in the container, and whether the copy there is the image's (a COPY)."""
    workdir = svc.working_dir or (recipe.workdir if recipe else "/")
    found = svc.environment.get("PATH")  # compose's environment replaces the image's PATH
    search = _path_dirs(found.value if found is not None and found.value else _image_path(recipe))
    ordered = _deepest_first(mapped)
    on_path = [way for way in ordered if _reaches_path(way, search)]
    for words, how in _named(project, svc, recipe):
        for word in words:
            named = _to_host(word, ordered, workdir, search, on_path)
            if named is not None and _within(real(named[0]), roots):
                way = _through(named[1], ordered)
                yield named[0], how, named[1], way is not None and not way.bind


# how a way runs when the service starts (not its healthcheck, nor a Makefile's `compose run`)
_START_WAYS = frozenset(("command", "entrypoint", "ENTRYPOINT", "CMD"))


def _folder_files(inside: str, pattern: str, mapped: list[_Mapped]) -> list[Path]:
    """The host files that are the container folder `inside`'s files named by `pattern`, by name: a
    folder mapped at or above it (the part below), a file mapped into it. `mapped`: deepest target
    first; the first way to bring a name wins, and a bind mount over the folder hides what is under it."""
    from fnmatch import fnmatchcase

    found: dict[str, Path] = {}
    for way in mapped:
        target = posixpath.normpath(way.target)
        if _covers(target, inside) and is_dir(way.host):
            folder = way.host / posixpath.relpath(inside, target) if target != inside else way.host
            try:
                names = sorted(os.listdir(folder))[:MAX_RUN_FOLDER]
            except OSError:
                names = []
            for name in names:
                host = folder / name
                if fnmatchcase(name, pattern) and is_file(host) and not way.keeps_out(host):
                    found.setdefault(name, host)
            if way.bind:
                break  # the image's files under the bind are hidden
        elif posixpath.dirname(target) == inside and fnmatchcase(posixpath.basename(target), pattern) and (
                is_file(way.host) and not way.keeps_out(way.host)):
            found.setdefault(posixpath.basename(target), way.host)
    return [found[name] for name in sorted(found)]


MAX_RUN_FOLDER = 200  # files of a folder of start scripts looked at


def _called_ways(svc: Service, recipe: Recipe | None, mapped: list[_Mapped], named: list[tuple[Path, str, str, bool]],
                 real: Callable[[Path], Path], roots: tuple[Path, ...]) -> list[tuple[Path, str, str, bool]]:
    """The project files the scripts the service runs (`named`) run by their path in turn, each with
    the calling line (mitxonline's web runs scripts/run-django-dev.sh, whose line 19 runs
    `./scripts/wait-for.sh`): the service that runs the caller runs them too. Followed three calls deep."""
    workdir = svc.working_dir or (recipe.workdir if recipe else "/")
    found = svc.environment.get("PATH")
    search = _path_dirs(found.value if found is not None and found.value else _image_path(recipe))
    ordered = _deepest_first(mapped)
    on_path = [way for way in ordered if _reaches_path(way, search)]
    seen = {real(path) for path, _, _, _ in named}
    todo = [(path, how, 0) for path, how, _, _ in named]
    called: list[tuple[Path, str, str, bool]] = []
    while todo:
        caller, how, depth = todo.pop(0)
        if depth == 3:
            continue
        for number, word in _path_calls(caller):
            at = _to_host(word, ordered, workdir, search, on_path)
            if at is None or real(at[0]) in seen or not _within(real(at[0]), roots):
                continue
            seen.add(real(at[0]))
            way = _through(at[1], ordered)
            place = f"{caller.name}:{number}" + (f", from its {how.split(',')[0]}" if depth == 0 else "")
            called.append((at[0], place, at[1], way is not None and not way.bind))
            todo.append((at[0], how, depth + 1))
    return called


def _path_calls(path: Path) -> tuple[tuple[int, str], ...]:
    """_path_calls_at for the file as it is now (a fix round may have rewritten it)."""
    try:
        info = os.stat(path)
    except OSError:
        return ()
    return _path_calls_at(path, info.st_mtime_ns, info.st_size)


@cache
def _path_calls_at(path: Path, mtime_ns: int, size: int) -> tuple[tuple[int, str], ...]:
    """The programs a script runs by a path (`./scripts/wait-for.sh`), each with its line: read once
    however many services run the script (a thousand replicas of one command)."""
    try:
        text = read_bytes(path, 256 * 1024, head=True).decode("utf-8", "replace")
    except OSError:
        return ()
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().rstrip("\r")
        if line and not line.startswith("#") and "/" in line:
            found += [(number, word) for word in _run_commands(line) if "/" in word]
    return tuple(found)


def _built_ways(project: Project, svc: Service, dockerfile: Path | None, recipe: Recipe | None,
                real: Callable[[Path], Path], roots: tuple[Path, ...],
                built: dict[tuple[object, ...], list[Shipped]]) -> list[Shipped]:
    """The scripts the service's image COPYs from the build context and then RUNs, in its built stage
    or a builder stage (one it copies from, and the ones those copy from): a CRLF script there breaks
    the build. Worked out once per build (Dockerfile and target) however many services share it."""
    if recipe is None or dockerfile is None or svc.build is None:
        return []  # no local build
    # the build args decide the RUNs' tests: services building one Dockerfile with other args differ
    key = (svc.build.context, dockerfile, svc.build.target, tuple((n, v) for n, v, _ in svc.build.args))
    if key not in built:
        built[key] = list(_stage_runs(project, svc, dockerfile, recipe, real, roots))
    return [replace(shipped, service=svc.name) for shipped in built[key]]


def _stage_runs(project: Project, svc: Service, dockerfile: Path, recipe: Recipe,
                real: Callable[[Path], Path], roots: tuple[Path, ...]) -> Iterator[Shipped]:
    from doctor.project.buildvalues import build_values, decided, fill
    from doctor.project.dockerfile import read_dockerfile

    assert svc.build is not None
    codes = project.code_map(svc)
    starts = list(recipe.stages)
    target = svc.build.target  # the built stage (None: the last), then the stages it copies from
    for stage in (target, *_builder_stages(project, dockerfile, recipe, starts, target)):
        builder = project.recipe(dockerfile, stage)
        if builder is None:
            continue
        # the built stage's parse is the project's (read before a helper forks); a builder's its own
        parsed = project.dockerfile(svc) if stage == target else read_dockerfile(dockerfile, stage)
        if parsed is None:
            continue
        mapped = _copy_mappings(Path(svc.build.context), parsed.copies, dockerfile, codes.context, codes.ignore)
        search = _path_dirs(_image_path(builder))
        strips = _strip_runs(builder)
        values: dict[str, str] | None = None
        for step in builder.runs:
            # a RUN runs what an earlier COPY brought
            before = _deepest_first([m for m in mapped if m.line < step.line])
            if not before:
                continue
            on_path = [way for way in before if _reaches_path(way, search)]
            text = step.text
            if "$" in text:  # docker-flask-example: `if [ "${NODE_ENV}" != "development" ]; then ../run ...`
                values = build_values(svc.build, builder) if values is None else values
                text = decided(fill(text, values))
            for word in _run_commands(text):
                found = _to_host(word, before, step.workdir, search, on_path)
                if found is not None and _within(real(found[0]), roots):
                    at = next((name for name, line in reversed(starts) if line <= step.line), stage or "")
                    # a Dockerfile of one stage: its RUN line says where
                    named = f" in stage '{at}'" if len(starts) > 1 else ""
                    how = f"RUN{named}, {dockerfile.name}:{step.line}"
                    stripped = _stripped(found[1], mapped, strips, step.line)  # by an earlier RUN
                    yield Shipped(found[0], svc.name, how, builder, builder.base, at, step.text, stripped, baked=True)


def _builder_stages(project: Project, dockerfile: Path, recipe: Recipe, starts: list[tuple[str, int]],
                    target: str | None) -> list[str]:
    """The stages the built stage copies from (`COPY --from=build`), and the ones those copy from."""
    names = {name.lower(): name for name, _ in starts}
    todo = [source for _, _, source in recipe.built]
    found: list[str] = []
    while todo:
        name = names.get(todo.pop(0).lower())
        if name is None or name in found or (target is not None and name.lower() == target.lower()):
            continue  # an image (`--from=nginx:1`), or read already
        found.append(name)
        builder = project.recipe(dockerfile, name)
        if builder is not None:
            todo.extend(source for _, _, source in builder.built)
    return found


def _held_ways(mapped: list[_Mapped], walked: dict[Path, list[Path]], real: Callable[[Path], Path],
               roots: tuple[Path, ...], by_path: dict[Path, str]) -> Iterator[tuple[Path, _Mapped, str]]:
    """The scripts the service's bind mounts and COPYs bring into it (a folder's scripts, walked
    once, and the files of `by_path` in it: recipes run them by their path), each with the mapping
    that brings it and, for a COPY, its path in the image ("" for a bind mount)."""
    for way in mapped:
        host = way.host
        if is_file(host) and _is_script(host) and _within(real(host), roots) and not way.keeps_out(host):
            yield host, way, "" if way.bind else way.target
        elif is_dir(host) and _within(real(host), roots):
            key = real(host)
            if key not in walked:
                scripts = list(_walk(host))
                seen = {real(script) for script in scripts}
                walked[key] = scripts + [host / path.relative_to(key) for path in by_path
                                         if path.is_relative_to(key) and path not in seen and _is_text_script(path)
                                         and not set(path.relative_to(key).parts) & (SKIP_DIRS | HOST_TOOL_DIRS)]
            for found in walked[key]:
                if not way.keeps_out(found) and not _drives_engine(found):
                    inside = "" if way.bind else posixpath.join(way.target, found.relative_to(host).as_posix())
                    yield found, way, inside


def _strip_runs(recipe: Recipe | None) -> list[tuple[int, tuple[Rewritten, ...]]]:
    """The line of each RUN of the recipe that strips files of their CRs, with those files."""
    if recipe is None:
        return []
    found = ((step.line, lf_rewrites(step.text, step.workdir, recipe.env)) for step in recipe.runs)
    return [(line, rewritten) for line, rewritten in found if rewritten]


def _stripped(inside: str, mapped: list[_Mapped], strips: list[tuple[int, tuple[Rewritten, ...]]],
              before: int | None = None) -> bool:
    """Whether the file at `inside` is a copy a RUN of `strips` (before line `before`) stripped of
    its CRs after the last COPY of `mapped` that put a file there, and no bind mount of `mapped`
    covers it at run time (django-on-docker strips entrypoint.sh, then `COPY . .` puts it back, and
    its compose file binds ./app over it)."""
    lines = [line for line, rewritten in strips if (before is None or line < before) and
             any(each.covers(inside) for each in rewritten)]
    if not lines:
        return False  # no RUN strips it: no file need be looked at
    if any(way.bind and (inside == way.target.rstrip("/") or inside.startswith(way.target.rstrip("/") + "/"))
           for way in mapped):
        return False
    copied = max((way.line for way in mapped if not way.bind and _inside(inside, [way]) is not None), default=0)
    return bool(copied) and max(lines) > copied


def _scope(project: Project, among: Mapping[str, Service]) -> tuple[Path, ...]:
    """Where the project's own scripts live: its git checkout (immich's docker/ compose binds
    ../server, whose bin/immich-dev is the command), else the compose project's folder; and each
    local build context, whatever git says: a checkout downloaded as a ZIP has no .git, and
    IntelOwl's docker/ compose builds from `..`, whose `COPY . /srv` brings docker/entrypoints/. A
    bind of $HOME or / is never walked, nor a context there. Without .git, the top of the checkout
    `archive_top` finds stands for the work tree's (peeringdb's Ctl/dev compose binds
    ../docker/entrypoint.sh, run as the entrypoint of a service without a build)."""
    from doctor.project.gitrepo import archive_top, find_repo

    repo = find_repo(project.root)
    top = repo.top if repo is not None else archive_top(project.root)
    roots = [top.resolve() if top is not None else project.root.resolve()]
    never = {Path("/"), Path.home().resolve()}
    for svc in among.values():
        context = svc.build.context if svc.build is not None and svc.build.dockerfile_path is not None else ""
        if context:
            folder = Path(context).resolve()
            if folder not in never and not _within(folder, tuple(roots)) and is_dir(folder):
                roots = [root for root in roots if not root.is_relative_to(folder)] + [folder]
    return tuple(roots)


def _within(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def _mappings(project: Project, svc: Service, dockerfile: Path | None) -> list[_Mapped]:
    """Each bind mount and each context COPY of the service (its built stage's)."""
    found: list[_Mapped] = []
    for mount in svc.volumes:
        if mount.type == "bind" and mount.source:
            line = f":{mount.location.line}" if mount.location and mount.location.line else ""
            where = mount.location.path.name if mount.location else "compose"
            found.append(_Mapped(Path(mount.source), mount.target, f"bind mount, {where}{line}", bind=True))
    parsed = project.dockerfile(svc)
    if parsed is not None and svc.build is not None and dockerfile is not None:
        codes = project.code_map(svc)  # its .dockerignore, read once per build
        # and what a `COPY --from` brings of a builder stage's context copies (umap's `COPY --from=build
        # /srv/umap/docker/ /srv/umap/docker/` of the build stage's `COPY . /srv/umap`: its CMD's entrypoint.sh)
        found += _copy_mappings(Path(svc.build.context), (*parsed.copies, *parsed.relayed), dockerfile, codes.context,
                                codes.ignore)
    return found


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


def shell_words(value: tuple[str, ...] | str | None) -> list[str]:
    """A `command:`, `entrypoint:` or healthcheck as compose splits it: a list as written, a string
    into shell words (quotes removed; at blanks where a quote is left open)."""
    return _words(value) if isinstance(value, str) else list(value or ())


def run_words(project: Project, svc: Service) -> list[str]:
    """The words of what the service runs: compose's command and entrypoint, and the image's
    ENTRYPOINT and CMD where compose leaves them in place (a local build's Dockerfile)."""
    build = svc.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    return [word for words, _ in _runs(svc, recipe) for word in words]


def _runs(svc: Service, recipe: Recipe | None, healthcheck: bool = False) -> Iterator[tuple[list[str], str]]:
    """The command, the entrypoint (the healthcheck too, when asked: compose's, else the image's
    HEALTHCHECK), then the image's ENTRYPOINT and CMD that compose leaves in place: each word list
    with how it runs."""
    command, entrypoint = svc.command, svc.entrypoint
    if command:
        yield shell_words(command), "command"
    if entrypoint:
        yield shell_words(entrypoint), "entrypoint"
    if healthcheck and svc.healthcheck:
        yield shell_words(svc.healthcheck), "healthcheck"
    elif healthcheck and recipe is not None and recipe.healthcheck and not svc.healthcheck_set:
        yield list(recipe.healthcheck), "HEALTHCHECK"  # the image's, unless compose replaces or disables it
    # compose's `entrypoint:`, even `[]` (docker-rails-example's cable and worker), replaces the
    # image's ENTRYPOINT and drops its CMD: neither runs in that service
    if recipe is not None and entrypoint is None:
        if recipe.entrypoint:
            yield list(recipe.entrypoint), "ENTRYPOINT"
        if recipe.cmd and not command:
            yield list(recipe.cmd), "CMD"


def _named(project: Project, svc: Service, recipe: Recipe | None) -> Iterator[tuple[list[str], str]]:
    """Word lists that may name a script: the command/entrypoint, the healthcheck, the image's
    ENTRYPOINT/CMD, and Makefile `compose exec|run` lines."""
    yield from _runs(svc, recipe, healthcheck=True)
    for cmd in project.commands:
        if cmd.kind is not CommandKind.MAKE:
            continue
        match = _COMPOSE_RUN.search(cmd.text)
        words = _words(match.group(1)) if match else []
        options = [w for w in words if not w.startswith("-")]
        if options and options[0] == svc.name:
            yield options[1:], f"{cmd.origin}, {cmd.location.path.name}:{cmd.location.line}"


def _deepest_first(mapped: list[_Mapped]) -> list[_Mapped]:
    """The mappings as `_inside` and `_to_host` take them: the deepest target first, a bind mount before
    any COPY (mounted over the image when the container starts, it hides what a COPY put there: a
    `.:/app` bind over `COPY . /app/` brings the host's file, no rebuild needed)."""
    return sorted(mapped, key=lambda m: (m.bind, len(m.target.rstrip("/") or "/")), reverse=True)


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
    if any(c in word for c in "$=:"):
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
    target = way.target.rstrip("/") or "/"
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


def _run_commands(text: str) -> list[str]:
    """The words of a RUN line that run as a program: each command's first word (after `if`, `then`,
    `exec`, `VAR=value`), and the script a shell is given (`bash ./build.sh`, `sh -c '/build.sh'`);
    not an argument (`chmod +x /start`, `[ -s /build.sh ]`). Shell form split at `&&`, `;`, `|` outside quotes;
    the exec form's JSON array."""
    from doctor.project.dockerfile import json_array
    from doctor.project.shellwords import split_unquoted

    parsed = json_array(text)
    # a quick split, not shlex's (a tenth of the time on long RUN lines): a script path is one word;
    # never inside quotes (`sh -c "cd /app; ./build.sh"` is one command, its -c text read again)
    commands = [parsed] if parsed is not None else [
        [word.strip("'\"") for word in _RUN_WORD.findall(part)] for part in split_unquoted(text, _SHELL_SEPARATOR)]
    found: list[str] = []
    for words in commands:
        at = 0
        while at < len(words) and (words[at] in _BEFORE_COMMAND or
                                   ("=" in words[at] and words[at].partition("=")[0].isidentifier())):
            at += 1
        if at == len(words):
            continue
        found.append(words[at])
        if posixpath.basename(words[at]) in _SCRIPT_RUNNERS:
            rest = words[at + 1:]
            if "-c" in rest[:-1]:
                found += _run_commands(rest[rest.index("-c") + 1])
            else:
                found += [word for word in rest if not word.startswith("-")][:1]
    return found


def _drives_engine(path: Path) -> bool:
    """_drives_engine_at for the file as it is now (a fix round may have rewritten it)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return _drives_engine_at(path, info.st_mtime_ns, info.st_size)


@cache
def _drives_engine_at(path: Path, mtime_ns: int, size: int) -> bool:
    """Whether a script found in a mounted or copied folder drives docker (a host wrapper such as
    DefectDojo's `run-unittest.sh`, `docker compose exec uwsgi ...`) or sets up the machine (CTFd's
    prepare.sh, `sudo apt-get install ...`; its scripts/install_docker.sh, `sudo systemctl enable
    docker`): it is the host's, whatever folder a service mounts (doctor.project.hostscripts, as exec
    and host-vs-container read it). A devcontainer's scripts run in its container, sudo or not."""
    from doctor.project.hostscripts import provisions_host, runs_docker

    try:
        text = read_bytes(path, 256 * 1024, head=True).decode("utf-8", "replace")
    except OSError:
        return False
    return runs_docker(text) or (".devcontainer" not in path.parts and provisions_host(text))


def _walk(folder: Path) -> Iterator[Path]:
    count = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and d not in HOST_TOOL_DIRS)
        for name in sorted(files):
            count += 1
            if count > MAX_FILES:
                return
            if _is_script(Path(current) / name):
                yield Path(current) / name


def _is_script(path: Path) -> bool:
    """A `*.sh` / `*.bash` file, or an executable without a suffix that starts with `#!`."""
    return path.name.endswith(SCRIPT_SUFFIXES) or ("." not in path.name and _shebang_executable(path))


def _shebang_executable(path: Path) -> bool:
    """An executable file without a suffix that starts with `#!` (after a BOM): a script by another
    name, like the s6-overlay `run` scripts paperless-ngx COPYs from docker/rootfs."""
    try:
        if not os.stat(path).st_mode & stat.S_IXUSR:
            return False
        return _is_text_script(path)
    except OSError:
        return False


def _is_text_script(path: Path) -> bool:
    """A file with a script's suffix, or one that starts with `#!` (after a BOM)."""
    if path.name.endswith(SCRIPT_SUFFIXES):
        return True
    try:
        return read_bytes(path, 5, head=True).removeprefix(b"\xef\xbb\xbf").startswith(b"#!")
    except OSError:
        return False


# a piece of a shell word, or the blanks between words, as shlex.split (POSIX) reads them: plain
# characters, `\x` (x), '...' (as written), "..." (its `\"` and `\\` unescaped); from recache's table
# like every lazy() (doctor/regex-tables list it), not parsed by each process on each run.
_WORD_PIECE = lazy(r"""([^ \t\r\n'"\\]+)|\\(.)|'([^']*)'|"([^"\\]*(?:\\.[^"\\]*)*)"|([ \t\r\n]+)""", re.DOTALL)


def _words(text: str) -> list[str]:
    """The words of a command as shlex.split reads them; split at blanks when a quote is left open
    or a backslash ends it. In one pass: shlex grows a word a character at a time, copying it each
    time (`self.token += c`), so a 1 MB `sh -c "echo ..."` took ~20 s to split."""
    words: list[str] = []
    parts: list[str] = []
    quoted = False  # `""` is a word too
    at = 0
    for match in _WORD_PIECE.finditer(text):
        if match.start() != at:  # an open quote, or a backslash at the end: what shlex refuses
            return text.split()
        at = match.end()
        plain, escaped, single, double, blank = match.groups()
        if blank is not None:
            if parts or quoted:
                words.append("".join(parts))
            parts, quoted = [], False
        elif double is not None:
            parts.append(re.sub(r"\\(.)", _unescape_quoted, double, flags=re.DOTALL) if "\\" in double else double)
            quoted = True
        elif single is not None:
            parts.append(single)
            quoted = True
        else:
            parts.append(plain if plain is not None else escaped)
    if at != len(text):
        return text.split()
    if parts or quoted:
        words.append("".join(parts))
    return words


def _unescape_quoted(match: re.Match[str]) -> str:
    """Inside double quotes a backslash escapes only `"` and itself (POSIX shlex)."""
    return match[1] if match[1] in '"\\' else match[0]


def _is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")

