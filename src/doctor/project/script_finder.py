"""The project's scripts each service runs by name: its command, entrypoint or healthcheck (compose's,
else the image's ENTRYPOINT, CMD and HEALTHCHECK) or a Makefile's `docker compose exec|run SERVICE`,
the scripts those run by their path, and the folders of scripts a start runs one by one; the scope
of the project's own files (its checkout and local build contexts). ScriptFinder answers this once
per run and per alike service."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.container_paths import (
    _covers,
    _deepest_first,
    _image_path,
    _Mapped,
    _mappings,
    _path_dirs,
    _reaches_path,
    _through,
    _to_host,
)
from doctor.project.reading import is_dir, is_file, read_bytes
from doctor.project.recipe import Recipe
from doctor.project.script_words import _run_commands, _words, shell_words
from doctor.project.tasks import CommandKind
from doctor.project.types import Service
from doctor.regular import text_lines
from doctor.system_folders import home_folder

_COMPOSE_RUN = lazy(r"\bdocker(?:\s+compose|-compose)\b.*?\b(?:exec|run)\b\s+(.*)")


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
        made = self.project.build_of(svc)  # its own, else the build of the image it runs (an image builder's)
        build = (made.context, made.dockerfile, made.target) if made else None
        mounts = tuple((m.type, m.source, m.target) for m in svc.volumes)
        return (build, mounts, svc.command, svc.entrypoint, svc.healthcheck, svc.healthcheck_set, svc.working_dir,
                found.value if found is not None else None, svc.name if self.by_name else None)

    def _run_by(self, svc: Service) -> list[tuple[Path, str]]:
        project = self.project
        recipe, dockerfile = project.image_recipe(svc), _dockerfile_path(project, svc)
        mapped = _mappings(project, svc, dockerfile)
        found = _named_ways(project, svc, recipe, mapped, self.real, self.roots)
        return [(path, how) for path, how, _, _ in found if is_file(path)]

    def _started_by(self, svc: Service) -> list[tuple[Path, str]]:
        from doctor.project.run_folders import folders_run

        project = self.project
        recipe, dockerfile = project.image_recipe(svc), _dockerfile_path(project, svc)
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


def _dockerfile_path(project: Project, svc: Service) -> Path | None:
    """The Dockerfile that builds the image the service runs (its own build's, else its image builder's)."""
    build = project.build_of(svc)
    return build.dockerfile_path if build is not None else None


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
    for number, line in enumerate(text_lines(text), 1):
        line = line.strip().rstrip("\r")
        if line and not line.startswith("#") and "/" in line:
            found += [(number, word) for word in _run_commands(line) if "/" in word]
    return tuple(found)


def _scope(project: Project, among: Mapping[str, Service]) -> tuple[Path, ...]:
    """Where the project's own scripts live: its git checkout (immich's docker/ compose binds
    ../server, whose bin/immich-dev is the command), else the compose project's folder; and each
    local build context, whatever git says: a checkout downloaded as a ZIP has no .git, and
    IntelOwl's docker/ compose builds from `..`, whose `COPY . /srv` brings docker/entrypoints/. A
    bind of $HOME or / is never walked, nor a context there. Without .git, the top of the checkout
    `archive_top` finds stands for the work tree's (peeringdb's Ctl/dev compose binds
    ../docker/entrypoint.sh, run as the entrypoint of a service without a build)."""
    from doctor.project.gitrepo import archive_top

    repo = project.repo()
    top = repo.top if repo is not None else archive_top(project.root)
    roots = [top.resolve() if top is not None else project.root.resolve()]
    never = {Path("/"), home_folder().resolve()}
    # each context once: services build from one (otel-demo's 16 builds of `./`), and a folder looked at
    # again is within the roots already, or was passed over for the same reason (a resolve, an lstat a part)
    contexts = dict.fromkeys(svc.build.context for svc in among.values()
                             if svc.build is not None and svc.build.dockerfile_path is not None)
    for context in contexts:
        if context:
            folder = Path(context).resolve()
            if folder not in never and not _within(folder, tuple(roots)) and is_dir(folder):
                roots = [root for root in roots if not root.is_relative_to(folder)] + [folder]
    return tuple(roots)


def _within(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def run_words(project: Project, svc: Service) -> list[str]:
    """The words of what the service runs: compose's command and entrypoint, and the image's
    ENTRYPOINT and CMD where compose leaves them in place (a local build's Dockerfile, or the one
    that builds the image it runs)."""
    recipe = project.image_recipe(svc)  # an image builder's for a service on the image another builds
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
