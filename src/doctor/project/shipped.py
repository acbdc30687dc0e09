"""Which of the project's script files reach a container, how, and in which image.

A script reaches a container when a service's Dockerfile COPY/ADDs it (or a folder holding it),
when a bind mount carries it, when the service's entrypoint/command (compose or Dockerfile)
names it, or when a Makefile recipe runs it through `docker compose exec|run SERVICE`. Folders
are walked for `*.sh` / `*.bash` files and executables without a suffix that start with `#!`
(doctor.project.script_files: skipping dependency and VCS folders, at most MAX_FILES per
folder); a file named by an entrypoint, command or Makefile counts whatever its name, and a
bare name (`docker-entrypoint`) is looked up in the folders of the container's PATH. A file the
build context's `.dockerignore` keeps out reaches no image. A script that the built stage, or a
builder stage (one the built stage copies from), COPYs and RUNs is run while building: it breaks
the build. A way is `stripped` when the copy it brings is one a RUN of the image stripped of its CRs
(doctor.project.lf_rewrites) after the last COPY that put a file there, with no bind mount over it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from doctor.model import record, replace
from doctor.project import Project
from doctor.project.container_paths import (
    _copy_mappings,
    _covers,
    _deepest_first,
    _image_path,
    _inside,
    _Mapped,
    _mappings,
    _path_dirs,
    _reaches_path,
    _to_host,
)
from doctor.project.lf_rewrites import Rewritten, lf_rewrites
from doctor.project.reading import is_dir, is_file, read_bytes
from doctor.project.recipe import Recipe
from doctor.project.script_files import HOST_TOOL_DIRS, SKIP_DIRS, _drives_engine, _is_script, _is_text_script, _walk

# ScriptFinder, script_finder, run_words and shell_words are re-exported: checks and node_dotenv import them here
from doctor.project.script_finder import ScriptFinder as ScriptFinder
from doctor.project.script_finder import _called_ways, _named, _named_ways, _scope, _within
from doctor.project.script_finder import run_words as run_words
from doctor.project.script_finder import script_finder as script_finder
from doctor.project.script_words import _run_commands
from doctor.project.script_words import shell_words as shell_words
from doctor.project.types import Service

# folders whose scripts an image's entrypoint runs by itself (nginx's /docker-entrypoint.d, postgres's
# initdb.d, s6-overlay's cont-init.d): a file put there is one that runs
RUN_FOLDERS = frozenset(("/docker-entrypoint.d", "/docker-entrypoint-initdb.d", "/etc/cont-init.d",
                         "/custom-cont-init.d", "/etc/my_init.d"))


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


def shipped_scripts(project: Project, among: Mapping[str, Service] | None = None) -> Iterator[Shipped]:
    """Every script reaching a container of `among` (default: the enabled services), once per file: a
    build that runs it (a RUN of the built stage or of a builder stage) wins, as the build fails
    before any container starts (getsentry/self-hosted's enhance-image.sh, which sentry/Dockerfile
    runs and the other services bind-mount); then a service that runs it (command, entrypoint,
    healthcheck) wins over one that merely has it, so voting-app's redis.sh reaches 'redis', whose
    healthcheck runs it, not 'db', which mounts the same folder; then a mount or COPY into a folder an
    entrypoint runs (bookwyrm's nginx binds 99-autoreload.sh into /docker-entrypoint.d/; chirpstack's
    postgres binds the folder holding it onto /docker-entrypoint-initdb.d), then of that very file, wins
    over a folder that carries it along (its `app` binds `.:/app`;
    ralph's image COPYs build.sh to /opt/build.sh, which its entrypoint runs, and binds `.:/app` as
    well); else the first service by name. The other services it reaches the very same way (the same
    how, image and stripping: redash's ENTRYPOINT in `server`, `scheduler` and `worker`) are its
    `also`."""
    found: dict[Path, tuple[Shipped, int]] = {}  # resolved path -> (its first way, the way's rank)
    walked: dict[Path, list[Path]] = {}  # services often bind the same folder: walk it once
    built: dict[tuple[object, ...], list[Shipped]] = {}  # and build from the same Dockerfile
    # services share folders and files: resolve each path once (a resolve is an lstat per component), with
    # the run's script finder, which resolves the same ones; its scope is the enabled services' (a git
    # lookup and a resolve per build context): asked again only for others
    finder = script_finder(project)
    real = finder.real
    roots = finder.roots if among is None else _scope(project, among)
    among = project.services if among is None else among
    services = sorted(among.values(), key=lambda s: s.name)
    from doctor.project.run_by_path import platform_runs, recipe_runs

    # a file a recipe runs by its path is a script whatever its suffix (backend/manage.py); one a
    # hosting platform's build runs (render_build.sh) is no container's, whatever folder it sits in
    by_path, platform = recipe_runs(project), set(platform_runs(project))
    facts = []
    for svc in services:
        # a service on the image another builds holds that build's files (its own build's RUNs stay its)
        made = project.build_of(svc)
        dockerfile = made.dockerfile_path if made else None
        recipe = project.image_recipe(svc)
        image = recipe.base if recipe is not None else svc.image or ""
        facts.append((svc, dockerfile, recipe, image, _mappings(project, svc, dockerfile)))
    # the RUNs of each service's image that strip files of their CRs: read at its first copy in the image
    strips: dict[str, list[tuple[int, tuple[Rewritten, ...]]]] = {}
    held: dict[str, list[tuple[int, Shipped, str]]] = {}  # per service: its held ways, each with its rank
    for rank in range(_HELD_RANKS[-1] + 1):
        for svc, dockerfile, recipe, image, mapped in facts:
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
                                      for at in (_held_rank(way, mapped, path),)]
                ways = [(shipped, inside) for at, shipped, inside in held[svc.name] if at == rank]
            for shipped, inside in ways:
                resolved = real(shipped.path)
                first = found.get(resolved)
                if first is None and not is_file(shipped.path):
                    continue
                # the container path it reaches: the copy there may be one the image stripped; a file
                # nothing runs by any name, whose LF twin the image wrote (`dos2unix -n`), is not what runs
                if inside:
                    if svc.name not in strips:
                        strips[svc.name] = _strip_runs(recipe)
                    runs = strips[svc.name]
                    if _stripped(inside, mapped, runs) or (
                            rank > _HELD_RANKS[0] and _stripped(inside, mapped, runs, twins=True)
                            and not _may_run(project, svc, recipe, inside, shipped.path)):
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


def _held_rank(way: _Mapped, mapped: list[_Mapped], path: Path) -> int:
    """How surely the held way brings the copy of `path` that runs (one a bind mount of the service does not
    hide): into a folder of RUN_FOLDERS first, whether a mount or COPY of the very file or of a folder whose
    own files land there (chirpstack's postgres binds `.docker-compose/postgresql/initdb` onto
    /docker-entrypoint-initdb.d, which its entrypoint runs, while its app's `./:/chirpstack` only carries
    the scripts along); then the very file elsewhere; a folder that carries it last."""
    folder = is_dir(way.host)
    target = way.target
    if folder:
        try:
            target = posixpath.join(target, path.relative_to(way.host).as_posix())
        except ValueError:
            return _HELD_RANKS[2]
    target = posixpath.normpath(target)
    if not way.bind and any(other.bind and _covers(other.target, target) for other in mapped):
        return _HELD_RANKS[2]  # the service's bind mount hides the image's copy
    if posixpath.dirname(target) in RUN_FOLDERS:
        return _HELD_RANKS[0]
    return _HELD_RANKS[2] if folder else _HELD_RANKS[1]


def _may_run(project: Project, svc: Service, recipe: Recipe | None, inside: str, path: Path) -> bool:
    """Whether the service may run the copy at `inside` (of host `path`) by some name, so that an LF
    twin the image wrote beside it is no proof the CRLF file never runs: its folder is one an
    entrypoint runs (RUN_FOLDERS), a script the service starts runs it or the folder it is in
    (ScriptFinder.started_by), or its base name is a word of what the service runs (command,
    entrypoint, healthcheck, the image's ENTRYPOINT and CMD, a Makefile's `compose run`: a
    `sh -c "cd / && ./init.sh"`, `bash init.sh`), of a script it starts, or of an environment value
    (`sh -c "$SCRIPT"`). Where doctor cannot tell, it may."""
    import re

    if posixpath.dirname(posixpath.normpath(inside)) in RUN_FOLDERS:
        return True
    finder = script_finder(project)
    started = finder.started_by(svc)
    if any(finder.real(each) == finder.real(path) for each, _ in started):
        return True
    name = re.compile(r"(?<![\w.-])" + re.escape(posixpath.basename(inside)) + r"(?![\w.-])")
    texts = [" ".join(words) for words, _ in _named(project, svc, recipe)]
    texts += [var.value for var in svc.environment.values() if var.value]
    texts += [value for _, value in recipe.env] if recipe is not None else []
    if any(name.search(text) for text in texts):
        return True
    for each, _ in started:
        try:
            if name.search(read_bytes(each, 256 * 1024, head=True).decode("utf-8", "replace")):
                return True
        except OSError:
            return True
    return False


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
        if builder is None or not builder.runs:
            continue  # no RUN: nothing runs while building, whatever its COPYs bring
        # the built stage's parse is the project's (read before a helper forks); a builder's its own
        parsed = project.dockerfile(svc) if stage == target else read_dockerfile(dockerfile, stage)
        if parsed is None:
            continue
        last = max(step.line for step in builder.runs)
        if not any(copy.line < last for copy in parsed.copies):
            continue  # no COPY before a RUN (a final stage of COPY --from): no RUN runs what one brought
        mapped = _copy_mappings(Path(svc.build.context), parsed.copies, dockerfile, codes.context, codes.ignore)
        search = _path_dirs(_image_path(builder))
        strips = None  # the RUNs that strip files of their CRs: read at the first script a RUN runs
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
                    strips = _strip_runs(builder) if strips is None else strips
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
              before: int | None = None, twins: bool = False) -> bool:
    """Whether the file at `inside` is a copy a RUN of `strips` (before line `before`) stripped of
    its CRs after the last COPY of `mapped` that put a file there, and no bind mount of `mapped`
    covers it at run time (django-on-docker strips entrypoint.sh, then `COPY . .` puts it back, and
    its compose file binds ./app over it). `twins`: a file whose LF copy a RUN wrote elsewhere counts
    (piggymetrics' `dos2unix -n /init.sh /initx.sh`, the image running /initx.sh): the caller asks
    for it only for a file nothing runs by any name (`_may_run`)."""
    lines = [line for line, rewritten in strips if (before is None or line < before) and
             any(each.covers(inside) and (twins or not each.twin) for each in rewritten)]
    if not lines:
        return False  # no RUN strips it: no file need be looked at
    if any(way.bind and (inside == way.target.rstrip("/") or inside.startswith(way.target.rstrip("/") + "/"))
           for way in mapped):
        return False
    copied = max((way.line for way in mapped if not way.bind and _inside(inside, [way]) is not None), default=0)
    return bool(copied) and max(lines) > copied


