"""runtime-drift: Python/Node versions that disagree across the files a project declares them in."""

from __future__ import annotations

import functools
import os
import posixpath
import shlex
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, relative_to, replace
from doctor.project import Project
from doctor.project.ciimages import default_directory, workflows_folder
from doctor.project.recipe import Recipe, arg_names, expand_args
from doctor.project.release_images import release_dockerfiles
from doctor.project.runtime_locks import is_lock, locked_reference, relock_advice
from doctor.project.runtime_series import says, shown_source
from doctor.project.runtime_target import excluded_by, lowest_admitted, target, to_change
from doctor.project.runtimes import (
    Declared,
    FolderVersions,
    image_declared_at,
    manifest_folders,
    parse_version,
    pins_agree,
    read_venvs,
    read_workflows,
    satisfies,
)
from doctor.project.sibling_builds import SiblingBuild, sibling_builds
from doctor.project.types import Build, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

# a Dockerfile, compose's build args and the stage it builds (`build.target`, None for the last)
Image = tuple[Path, tuple[tuple[str, str, Location | None], ...], "str | None"]


class RuntimeDrift(Check):
    """Python/Node versions that disagree across .python-version, pyproject, Dockerfile FROM, CI, .nvmrc

    What it finds
        The Python and Node versions a project states in several places: `.python-version`, `.nvmrc`
        / `.node-version`, `.tool-versions`, mise.toml's `[tools]`, Heroku's `runtime.txt`
        (`python-3.12.1`), tox's env list (`envlist = py{310,311}-django52, lint` in tox.ini, else
        pyproject's `[tool.tox]`, else tox.toml: the interpreters the tests run on, a matrix, at the
        line of `envlist` / `env_list`; factors `py310`, `py3.10`, `3.12` read with tox's braces and
        ranges, `py3{9-11}`; `pypy3` and envs with no interpreter factor name none), the `FROM python:X` / `FROM
        node:X` of the Dockerfiles compose builds (also the dev container images,
        `mcr.microsoft.com/devcontainers/python:1-3.12`, and astral's uv images,
        `ghcr.io/astral-sh/uv:0.11-python3.12-trixie-slim`; `FROM python:${PYTHON_VERSION}` read
        with compose's `build.args` over the ARG default, and reported where that value is written;
        also the Dockerfiles at the project root and in its `docker/` folder that no service builds,
        with their ARG defaults: the image CI releases, umami's root Dockerfile, linkding's
        `docker/default.Dockerfile`), the `image: node:X` / `python:X` of a service with no build
        that runs the project's code (a command or an entrypoint, in a working folder a bind of the
        project mounts: treeherder's `frontend` on node 23.5.0 with `.:/app` and `pnpm start`,
        BookStack's `node` started by its `entrypoint.node.sh`),
        the images of `.circleci/config.yml`'s jobs (`cimg/python:3.10`, `circleci/node:18`, `python:3.12`),
        the images of `.gitlab-ci.yml`'s jobs and its `default:` (cookiecutter-django's lint job on
        `ghcr.io/astral-sh/uv:python3.14-bookworm`; `python:$PYTHON_VERSION` read from the job's, then the
        pipeline's `variables:`, where that value is written; a `parallel: matrix:` list is a matrix; a job
        that `extends:` a template runs its image, counted once at the template's line, with the job's
        variables over the template's; the files a local `include:` names are read as the pipeline's own,
        `include: 'ci/python.yml'`, `- local: /ci/*.yml`: a remote, project or template include is not),
        GitHub workflow `python-version` / `node-version` (those of the checkout's top when the
        compose files live in a folder such as `docker/` that builds from the top; not a job whose
        `defaults.run.working-directory` is a folder none of the builds uses, like an e2e package,
        nor one whose node/python commands run mostly in such folders, where its steps' `cd`,
        `working-directory:` or the tool's own option (`pnpm --dir ${{ env.DESKTOP_PATH }}`,
        `npm --prefix`, `yarn --cwd`) take them: hoppscotch's agent and desktop release builds;
        nor a job whose every `actions/checkout` takes another repository (`repository:
        internetarchive/openlibrary.wiki`: its `npm ci` runs on that one's package.json);
        a matrix value only where a step of its job uses it, `${{ matrix.node-version }}`; a value
        `${{ env.PYTHON_VERSION }}` from the step's, the job's, then the workflow's `env:`, as
        GitHub reads it, and reported at the line of that `env:`),
        the project's own virtualenv (`.venv/`, `venv/` or the active one inside the project: its
        pyvenv.cfg `version`, read, never run), and the ranges `requires-python` (pyproject; else
        Poetry's `[tool.poetry.dependencies] python`, `^3.11` read as `>=3.11,<4.0`) and
        `engines.node` (package.json). A pinned version that disagrees with the others, or a range
        that excludes what the others pin, is reported at the place that differs, with every other
        place that says the version agreed on (a range that admits that series alone,
        `requires-python = "==3.12.*"`, says 3.12; past three places, the rest counted). A pin
        inside a range (`requires-python = ">=3.11"` with `FROM
        python:3.12`) and `3.12` next to `3.12.4` agree. Dockerfiles that only disagree with each
        other (separate services) are not compared; one service's are: a compose file beside the
        loaded one and not loaded (any `*compose*.y*ml` there: flask-on-docker's
        `docker-compose.prod.yml`) that builds a loaded service from another Dockerfile
        (`web/Dockerfile.prod`) is read for that `build:` alone, and the FROM its image runs (its
        target stage's, with that file's build args) is a place like the loaded build's FROMs,
        also compared with the loaded build's image: the one apart from the project's version (the
        newest, when neither says it) is reported, naming the other with its compose file.
        One workflow job's pin that a workflow matrix (or tox's env list)
        also tests (paperless-ngx lints on 3.14 and tests 3.11-3.14; mathesar's `py-version:
        [3.10-bookworm, ...]`, a matrix key of its own name a step feeds to the image's build arg) is
        that job's choice, not a
        version the project states against the others; nor is a pin wider than the comparison
        (a docs job's `python-version: 3.x`, tox's `py3`, any Python 3: Tandoor's hid its tests' 3.12
        against the image's 3.13). A matrix (tox's env list too) agrees when one of its versions does.
        A service's own folders count too: its build
        context, its Dockerfile's folder, the folders its Dockerfile COPYs a dependency manifest
        from (`COPY assets/package.json ./`: the install runs with that folder's `.nvmrc` and
        engines) and the folders between them and the project root, where (as pyenv, nvm, asdf, uv
        and npm read them) the nearest file of each kind wins. Such a file is compared with the FROM
        of that service's Dockerfile and reported at its own line, naming the service. A Dockerfile
        whose services pin the version in their own folders answers to those files, not to the
        root's; a service's range that says what the root already says adds no second finding.

    Why it matters
        Local runs, CI and the container then use different interpreters: a test passes on the
        laptop's 3.12 and fails in the 3.10 image, a lockfile resolved for one version does not
        install on the other, and nobody knows which one the project really supports.

    Example
        backend/Dockerfile:1  python 3.10 (FROM python:3.10-slim), elsewhere 3.12: .python-version:1
        result/.nvmrc:1  node 20 (.nvmrc 20) but service 'result' builds FROM node:18-slim at result/Dockerfile:1

    Fix
        Advice: change the version at the reported place to the one the other places agree on
        (the majority, among the versions every declared range admits; on a tie the newest); a pin a
        declared range excludes names that range (`outside requires-python >=3.13 (pyproject.toml:6)`).
        For a service's file against its FROM, the version is settled among every pin that speaks for
        the services reading the file: the file, their FROM lines, and the CI jobs working in their
        folders (the majority, each file once, among the versions their ranges admit; on a tie the
        newest), and the advice names every one of them to change, so that following it leaves none
        apart (mealie: `.python-version` 3.12 against `FROM python:3.10-slim` and CI's 3.10 changes the
        file to 3.10; were `^3.12` required, the FROM and the CI pin both move to 3.12). Else widen the
        range, or move the pins to the lowest series it allows (both are named: `widen poetry python
        ^3.12 ... to allow 3.11, or move .python-version:1, Dockerfile:1 to python 3.12`); a
        virtualenv is recreated on the agreed version. doctor edits nothing: which version is
        right is a decision for the team.

    Fix safety
        Advice only: nothing is written.
    """

    id = "runtime-drift"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    severity = Severity.WARNING
    fix_family = ""  # advice only: no `doctor fix` flag

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        root = project.root
        files = FolderVersions(root)
        images: dict[Image, list[Declared]] = {}
        written: dict[Location, tuple[str, str]] = {}  # an ARG line or compose build arg writing a FROM's version
        builds: dict[tuple[Image, tuple[Path, ...]], list[str]] = {}  # (Dockerfile, its folders) -> services
        for name, service in project.services.items():
            path = service.build.dockerfile_path if service.build else None
            if path is None or service.build is None:
                continue
            image = (path, service.build.args, service.build.target)
            recipe = project.recipe(path, service.build.target) if image not in images else None
            if recipe is not None:
                # the FROMs of the stages its image is made of: AdventureLog's `web` (target frontend-build, node)
                # builds from no python:3.13-slim, though its Dockerfile's backend stages do
                images[image] = image_declared_at(_froms(_used_stages(recipe), service.build.args))
                written.update(_arg_values(recipe, service.build.args))
            if image in images:
                # the folders whose manifest the build installs from are the service's own too (assets/)
                dockerfile = project.dockerfile(service)
                copies = (*dockerfile.copies, *dockerfile.staged) if dockerfile is not None else ()
                context = Path(service.build.context)
                starts = (context, path.parent, *manifest_folders(context, copies))
                builds.setdefault((image, starts), []).append(name)
        near = {key: files.nearest(key[1]) for key in builds}  # each service's own version files
        # the Dockerfiles no service builds (the image CI releases: umami's, linkding's docker/), ARG defaults read
        built = [s.build.dockerfile_path for s in project.services.values() if s.build and s.build.dockerfile_path]
        released = [d for path in release_dockerfiles(root, built) if (recipe := project.recipe(path)) is not None
                    for d in image_declared_at(_froms(recipe, ()))]
        # the checkout's workflows folder, found once (it walks up to the checkout's top) for every reader below
        contexts = [Path(s.build.context) for s in project.services.values() if s.build is not None]
        ci_folder = workflows_folder(project.root, contexts)
        workflows = self._workflows(project, ci_folder, [start for _, starts in builds for start in starts])
        workflows += _circleci(project)
        # the CI jobs that work in a service's own folders speak for that service's version files too
        service_ci = {key: self._workflows(project, ci_folder, list(key[1]), with_root=False) for key in builds}
        # compose.prod.yaml's web on Dockerfile.prod: each with its image's FROM pins and the loaded build's
        siblings = [(sibling, _image_pins(project, sibling.build), _image_pins(project, service.build))
                    for sibling in sibling_builds(project.compose)
                    if (service := project.services[sibling.service]).build is not None]
        ran = _image_runners(project)
        for runtime in ("python", "node"):
            # a service whose own folder pins the runtime answers to that file (nearest wins), not the root's
            loose = {path for (path, _), found in near.items()
                     if not any(d.runtime == runtime and d.versions for d in found)}
            # once each: services building one Dockerfile with build args written apart (nickjj's
            # x-app and x-assets anchors) are two images of the same FROM lines
            # a sibling's build of a service that answers to the root's files is a place like its loaded build
            declared = list(dict.fromkeys([
                *files.folder(root), *(d for path, found in images.items() if path in loose for d in found), *released,
                *(d for sibling, pins, _ in siblings if _image_of(project.services[sibling.service]) in loose
                  for d in pins),
                *workflows, *ran, *(read_venvs(root, host.env.get("VIRTUAL_ENV")) if runtime == "python" else ())]))
            # the ranges of a build's own folders (saleor's pyproject above its .devcontainer) for its FROM pins
            applying: dict[Location, list[Declared]] = {}
            for (built_image, _), found in near.items():
                ranges = [d for d in found if d.spec and d.runtime == runtime]
                for pin in images[built_image] if built_image in loose else ():
                    applying.setdefault(pin.location, []).extend(r for r in ranges if r not in applying[pin.location])
            findings, reference = self._drift(project, [d for d in declared if d.runtime == runtime], runtime,
                                              applying, written)
            yield from findings
            flagged = {f.location for f in findings}
            groups = [(names, images[path], near[path, starts], [d for d in _voices(
                [d for d in service_ci[path, starts] if d.runtime == runtime], runtime) if len(d.versions) == 1])
                for (path, starts), names in builds.items()]
            yield from self._services(project, runtime, groups, reference, flagged, files.folder(root))
            # a service pinning the runtime in its own folders answers to those files, not to the root's reference
            own = {name: [d for d in near[key] if d.runtime == runtime and d.versions and not d.spec]
                   for key, names in builds.items() if key[0] not in loose for name in names}
            references = {s.service: target(own[s.service], [], runtime) if s.service in own else reference
                          for s, _, _ in siblings}
            yield from self._siblings(project, runtime, siblings, references, flagged, declared)

    @staticmethod
    def _workflows(project: Project, found: Path | None, folders: list[Path], with_root: bool = True) -> list[Declared]:
        """The CI pins of the checkout around the project (also for compose files in docker/ that
        build from the top: mealie, paperless-ngx), each job's only where it works in one of the
        project's folders: a job at the top speaks for a project in examples/demo only when that
        project builds from the top. `with_root=False`: in one of `folders` alone (a service's).
        `found`: the checkout's `.github/workflows` (ciimages.workflows_folder), None when it has none."""
        if found is None:
            return []
        top = found.parent.parent
        places = [Path(os.path.normpath(f)) for f in [*([project.root] if with_root else []), *folders]]
        mine = {f.relative_to(top).as_posix() or "." for f in places if f.is_relative_to(top)}
        mine |= {"."} if any(top.is_relative_to(f) for f in places) else set()
        # a job whose steps run the runtime mostly in other folders is no voice either: hoppscotch's
        # agent and desktop builds (`cd packages/hoppscotch-agent`, `pnpm --dir ${{ env.DESKTOP_PATH }}`)
        # pin node 20 while its tests, devenv.nix and the packages' `engines` say 22
        # (its pins are left out with the `env:` they read: a workflow-wide NODE_VERSION it alone uses)
        elsewhere = {(path, runtime, first) for path in [*found.glob("*.yml"), *found.glob("*.yaml")]
                     for first, _, runtime, worked in job_folders(path)
                     if 2 * sum(f is not None and f not in mine for f in worked) > len(worked)}
        return read_workflows(top, mine, elsewhere)

    def _drift(self, project: Project, declared: list[Declared], runtime: str,
               applying: dict[Location, list[Declared]], written: dict[Location, tuple[str, str]],
               ) -> tuple[list[Finding], str]:
        """The project-wide comparison: root files, CI and every Dockerfile; its reference version.
        `applying`: per FROM pin, the ranges of its build's own folders; `written`: per ARG line or
        compose build arg that writes a FROM's version, its name and value."""
        root = project.root
        declared = _voices(declared, runtime)
        depth = 2 if runtime == "python" else 1
        single = [d for d in declared if len(d.versions) == 1]
        # Dockerfiles alone are separate services (a polyglot repo's node:18 tool and node:22 app);
        # drift needs a place that speaks for the project: a version file, pyproject, package.json, CI
        if not single or all(d.source.startswith("FROM ") for d in declared):
            return [], ""
        reference = _reference([d.versions[0] for d in single], depth)
        reference = locked_reference(declared, _most_admitted(declared, reference, runtime), runtime)
        # every place that says the reference: a pin, or a range of that series alone (`==3.12.*`)
        agreeing = [d for d in declared if (len(d.versions) == 1 or d.spec) and says(d, reference, runtime)] or [
            d for d in declared if _agrees(d, reference, runtime)]
        findings = []
        for place in declared:
            if _agrees(place, reference, runtime):
                continue
            if place.spec:
                message = f"{place.source} excludes {runtime} {reference} pinned at {_shown(agreeing, project)}"
                advice = f"widen {place.source} in {_where(place.location, project)} to allow {reference}"
                advice += _or_move(place, reference, runtime, agreeing, project)
                if is_lock(place):  # a lock is resolved again, not edited
                    message = f"{place.location.path.name} {message}"
                    advice = relock_advice(place, declared, reference, _where(place.location, project))
            else:
                version = ", ".join(place.versions)
                # a range the pin is outside is named as such (django-example's .python-version 3.12 under
                # `requires-python >=3.13`; saleor's pyproject above the .devcontainer it builds) unless
                # named already as saying the reference (`==3.12.*`)
                ranges = [*declared, *(r for r in applying.get(place.location, ()) if r not in declared)]
                outside = [r for r in excluded_by(place, ranges, runtime) if r not in agreeing[:3]]
                message = (f"{runtime} {version} ({place.source}){_outside(outside, project)}, "
                           f"elsewhere {reference}: {_shown(agreeing, project)}")
                advice = f"change {_written(place, written, reference) or f'{runtime} {version} to {reference}'}"
                advice += f" in {_where(place.location, project)}" + _variant_note(place.source, runtime, reference)
                if place.location.path.name == "pyvenv.cfg":  # a virtualenv is rebuilt, not edited
                    folder, minor = project.shown(place.location.path.parent), ".".join(reference.split(".")[:2])
                    advice = (f"recreate {folder}/ on Python {minor} (`uv venv --python {minor}`, or "
                              f"`python{minor} -m venv {folder}`), then reinstall the project into it")
            subject = f"{runtime}:{relative_to(place.location.path, root)}"
            findings.append(self.finding(message, place.location, subject, Fix(advice, Safety.ADVICE)))
        return findings, reference

    def _services(self, project: Project, runtime: str,
                  groups: list[tuple[list[str], list[Declared], list[Declared], list[Declared]]],
                  reference: str, flagged: set[Location | None], top: list[Declared]) -> Iterator[Finding]:
        """Each version file in a service's own folders against the FROM of that service's Dockerfile,
        settled among every pin that speaks for the services reading it (`top`: the root's files,
        which apply where the service's folders have no file of that kind)."""
        root = project.root
        against: dict[Declared, list[tuple[list[str], Declared]]] = {}
        voters: dict[Declared, list[Declared]] = {}  # per file: the FROMs and CI pins of the services reading it
        ranges: dict[Declared, list[Declared]] = {}  # per file: the ranges those services answer to
        for names, image_pins, own, ci in groups:
            pinned = [d for d in image_pins if d.runtime == runtime]
            mine = [d for d in own if d.runtime == runtime]
            kinds = {d.location.path.name for d in mine}
            applying = [d for d in [*mine, *top] if d.spec and d.runtime == runtime
                        and (d in mine or d.location.path.name not in kinds)]
            # a service folder's lock names the range it was locked for (in `applying`); it is no place to widen
            for place in [d for d in mine if not is_lock(d)] if pinned else ():
                voters.setdefault(place, [place]).extend(d for d in [*pinned, *ci] if d not in voters[place])
                ranges.setdefault(place, []).extend(d for d in applying if d not in ranges[place])
                if any(_agrees(place, image.versions[0], runtime) for image in pinned):
                    continue
                # the project-wide comparison already reported this FROM against the same version
                if reference and all(i.location in flagged for i in pinned) and _agrees(place, reference, runtime):
                    continue
                against.setdefault(place, []).append((names, pinned[0]))
        # the pins first: a range whose clashing FROMs their advice moves into it has nothing left to widen
        # (mealie's `python = "^3.12"` against FROM python:3.10 once the FROM is made 3.12)
        moved: dict[Location, str] = {}
        found: list[tuple[Declared, str, str]] = []
        for place, clashes in sorted(against.items(), key=lambda item: bool(item[0].spec)):
            names = sorted({n for group, _ in clashes for n in group})
            image = clashes[0][1]
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            whose = f"service{'s' if len(names) > 1 else ''} {', '.join(repr(n) for n in names[:3])}{more}"
            pin, at = image.versions[0], f"{image.source} at {_where(image.location, project)}"
            if place.spec:
                if all(i.location in moved and satisfies(moved[i.location], place.spec, runtime) for _, i in clashes):
                    continue
                message = f"{place.source} excludes {runtime} {pin} of {whose} ({at})"
                advice = f"widen {place.source} in {_where(place.location, project)} to allow {pin}"
                advice += _or_move(place, pin, runtime, [image for _, image in clashes], project)
            else:
                version = ", ".join(place.versions)
                outside = _outside(excluded_by(place, ranges[place], runtime), project)
                builds_at = f"build{'s' if len(names) == 1 else ''} {at}"
                message = (f"{runtime} {version} ({place.source}){outside} but {whose} {builds_at}"
                           f"{_outside(excluded_by(image, ranges[place], runtime), project)}")
                # every pin of the services reading the file on one version: mealie's FROM made 3.12 alone
                # left its CI on 3.10
                chosen = target(voters[place], ranges[place], runtime)
                changes = to_change(voters[place], chosen)
                moved.update((c.location, chosen) for c in changes)
                advice = "change " + _listed([_change(c, runtime, chosen, project) for c in changes])
            found.append((place, message, advice))
        order = {place: index for index, place in enumerate(against)}
        for place, message, advice in sorted(found, key=lambda item: order[item[0]]):
            subject = f"{runtime}:{relative_to(place.location.path, root)}"
            yield self.finding(message, place.location, subject, Fix(advice, Safety.ADVICE))


    def _siblings(self, project: Project, runtime: str, siblings: list[tuple[SiblingBuild, list[Declared],
                  list[Declared]]], references: dict[str, str], flagged: set[Location | None],
                  declared: list[Declared]) -> Iterator[Finding]:
        """A service built from another Dockerfile by a compose file beside the loaded ones (a
        production file's Dockerfile.prod) against the Dockerfile the loaded files build: the FROM
        of each build's image (its target stage's base), settled on the project's version (the
        service's own version files' where it has some) where one of the two says it, else as
        `target` settles the two (on a tie the newest). A pin the project-wide comparison
        reported already is not reported again."""
        found: dict[Location, tuple[Declared, str, str]] = {}  # per pin to change: its clash, the version to take
        ranges = [d for d in declared if d.spec and d.runtime == runtime]
        for sibling, pins, loaded_pins in siblings:
            other = next((d for d in pins if d.runtime == runtime), None)
            loaded = next((d for d in loaded_pins if d.runtime == runtime), None)
            if loaded is None or other is None or any(pins_agree(v, other.versions[0]) for v in loaded.versions):
                continue
            pair, reference = (loaded, other), references.get(sibling.service, "")
            agreeing = [d for d in pair if reference and _agrees(d, reference, runtime)]
            chosen = reference if len(agreeing) == 1 else target(pair, ranges, runtime)
            build = project.services[sibling.service].build
            main_file = project.shown(build.location.path) if build and build.location else "the compose file"
            files = (main_file, project.shown(sibling.file))
            for index, place in enumerate(pair):
                if place.location in flagged or _agrees(place, chosen, runtime):
                    continue
                against = pair[1 - index]  # a Dockerfile two sibling files build is named once, with the first
                found.setdefault(place.location, (place, f"for '{sibling.service}' in {files[index]}, but "
                                 f"{files[1 - index]} builds it {against.source} at "
                                 f"{_where(against.location, project)}", chosen))
        for location, (place, clash, chosen) in found.items():
            message = f"{runtime} {place.versions[0]} ({place.source}) {clash}"
            advice = "change " + _change(place, runtime, chosen, project)
            subject = f"{runtime}:{relative_to(location.path, project.root)}"
            yield self.finding(message, location, subject, Fix(advice, Safety.ADVICE))


def _image_runners(project: Project) -> list[Declared]:
    """The runtime of each service that runs the project's own code on an official image with no
    build: mozilla/treeherder's `frontend` (`image: node:23.5.0-alpine3.20`, `.:/app`, `working_dir:
    /app`, `pnpm install && pnpm start`) runs node 23 on the code CI tests on node 22. Only a service
    with a command whose working folder is a bind mount of the project's folders counts (an image
    run for a tool of its own, a database, does not); an `entrypoint:` counts as a command."""
    from doctor.records import replace

    found: list[Declared] = []
    root = str(project.root)
    for name, service in sorted(project.services.items()):
        # its command, or an entrypoint that runs the project's code (BookStack's node service:
        # `entrypoint: /app/dev/docker/entrypoint.node.sh`, its npm install and watch)
        runs = service.command is not None or service.entrypoint is not None
        if service.build is not None or not service.image or not runs or not service.working_dir:
            continue
        home = posixpath.normpath(service.working_dir)
        mounted = any(m.type == "bind" and m.source and (m.source == root or m.source.startswith(root + os.sep))
                      and (home == posixpath.normpath(m.target) or home.startswith(posixpath.normpath(m.target) + "/"))
                      for m in service.volumes)
        if mounted:
            at = service.image_location or service.location or Location(project.root)
            found += [replace(d, source=f"'{name}' image {service.image}")
                      for d in image_declared_at([(service.image, at)])]
    return found


def _image_of(service: Service) -> Image | None:
    """A service's build as `run` keys its images: the Dockerfile and compose's build args."""
    path = service.build.dockerfile_path if service.build else None
    return (path, service.build.args, service.build.target) if path is not None and service.build is not None \
        else None


def _circleci(project: Project) -> list[Declared]:
    """The versions of the CircleCI jobs and of the GitLab pipeline's job images of the checkout around the
    project (its git work tree's top, else the project folder)."""
    from doctor.project.gitlab_ci import read_gitlab_ci
    from doctor.project.gitrepo import find_repo
    from doctor.project.runtimes import read_circleci

    repo = find_repo(project.root)
    top = repo.top if repo is not None else project.root
    return read_circleci(top) + read_gitlab_ci(top)


def _used_stages(recipe: Recipe) -> Recipe:
    """The recipe with the FROMs of the stages its image is made of: the one its target descends from and
    those it copies from (`COPY --from=backend-builder`); the recipe itself when that is not known."""
    if recipe.base_line is None:
        return recipe
    pulled = {name.lower() for _, _, name in recipe.built}
    lines = {recipe.base_line} | {line for name, line in recipe.stages if name.lower() in pulled}
    kept = [(pair, raw) for pair, raw in zip(recipe.froms, recipe.raw_froms, strict=False) if pair[1] in lines]
    return replace(recipe, froms=tuple(p for p, _ in kept), raw_froms=tuple(r for _, r in kept))


def _image_pins(project: Project, build: Build) -> list[Declared]:
    """The runtime versions the image a build makes runs: the FROM its target stage descends from
    (a builder stage's FROM is not what runs), with compose's build args over the ARG defaults."""
    recipe = project.recipe(build.dockerfile_path, build.target) if build.dockerfile_path is not None else None
    if recipe is None or recipe.base_line is None:
        return []
    froms = _froms(recipe, build.args)
    at = [index for index, (_, line) in enumerate(recipe.froms) if line == recipe.base_line]
    return [d for d in image_declared_at([froms[at[0]]]) if d.versions] if at and at[0] < len(froms) else []


def _voices(declared: list[Declared], runtime: str) -> list[Declared]:
    """The places that speak for the project's version: not a CI job's pin a CI matrix also tests,
    nor a CI pin wider than the comparison."""
    # one job's pin that a CI matrix also tests is that job's choice within what CI covers
    # (paperless-ngx lints on 3.14 and tests 3.11-3.14): it is no voice against .python-version
    tested = {v for d in declared if _in_workflow(d) and len(d.versions) > 1 for v in d.versions}
    declared = [d for d in declared if not (_in_workflow(d) and len(d.versions) == 1
                                            and any(pins_agree(d.versions[0], v) for v in tested))]
    # a CI pin wider than the comparison (`python-version: 3.x`, a docs job's: any Python 3) is
    # no voice: counted, it outweighed Tandoor's tests on 3.12 against its image's 3.13
    depth = 2 if runtime == "python" else 1
    return [d for d in declared if not (_in_workflow(d) and len(d.versions) == 1 and not d.spec
                                        and len(parse_version(d.versions[0])) < depth)]


def _shown(places: list[Declared], project: Project) -> str:
    """The places that say a version, as a message lists them (past three, the rest counted)."""
    shown = ", ".join(shown_source(d, _where(d.location, project)) for d in places[:3])
    return shown + (f" and {len(places) - 3} more" if len(places) > 3 else "")


def _outside(ranges: list[Declared], project: Project) -> str:
    """`, outside requires-python >=3.13 (pyproject.toml:6)`: the declared ranges a pin violates, a
    lock beside one of them named with it (`(pyproject.toml:6, locked in uv.lock:3)`)."""
    locks = [r for r in ranges if is_lock(r)]
    said = []
    for r in ranges:
        if is_lock(r) and any(not is_lock(o) and o.location.path.parent == r.location.path.parent for o in ranges):
            continue
        beside = [lock for lock in locks if lock is not r and lock.location.path.parent == r.location.path.parent]
        locked = "".join(f", locked in {_where(lock.location, project)}" for lock in beside)
        said.append(f", outside {r.source} ({_where(r.location, project)}{locked})")
    return "".join(said)


def _arg_values(recipe: Recipe, overrides: tuple[tuple[str, str, Location | None], ...],
                ) -> dict[Location, tuple[str, str]]:
    """Per place a FROM's version may be written (an ARG line, a compose build arg): its name and value."""
    found = {Location(recipe.path, line): (name, value) for name, value, line in recipe.global_args}
    found.update({where: (name, value) for name, value, where in overrides if where is not None})
    return found


def _written(place: Declared, written: dict[Location, tuple[str, str]], version: str) -> str:
    """A FROM pin written by an ARG line or build arg, as its advice names the new value
    (`python_version=3.12-slim to python_version=3.13-slim`); "" where the value does not show it."""
    name, value = written.get(place.location, ("", ""))
    if not place.source.startswith("FROM ") or not place.versions or place.versions[0] not in value:
        return ""
    return f"{name}={value} to {name}={value.replace(place.versions[0], version, 1)}"


def _change(place: Declared, runtime: str, version: str, project: Project) -> str:
    """One pin to change, as advice names it: `FROM python:3.10-slim to python 3.12 in docker/Dockerfile:20`."""
    where = _where(place.location, project)
    if place.source.startswith("FROM "):
        return f"{place.source} to {runtime} {version} in {where}" + _variant_note(place.source, runtime, version)
    return f"{runtime} {', '.join(place.versions)} to {version} in {where}"


def _listed(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _froms(recipe: Recipe, overrides: tuple[tuple[str, str, Location | None], ...]) -> list[tuple[str, Location]]:
    """Each FROM with compose's build args over the Dockerfile's ARG defaults, at the place that
    writes its version: the compose arg or the ARG line when one ARG makes it, else the FROM."""
    given = {name: (value, where) for name, value, where in overrides}
    scope = {name: given.get(name, (value, Location(recipe.path, line))) for name, value, line in recipe.global_args}
    found = []
    for (image, line), raw in zip(recipe.froms, recipe.raw_froms, strict=False):
        names = [n for n in arg_names(raw) if n in scope and scope[n][0]]
        expanded = expand_args(raw, {n: v for n, (v, _) in scope.items()}) if names else image
        where = scope[names[0]][1] if len(names) == 1 else None
        found.append((expanded, where or Location(recipe.path, line)))
    return found


# the commands that run each runtime (its package managers and test runners), each with the options
# that name the folder it works in (`pnpm --dir`, `npm --prefix`, `yarn --cwd`, `uv --directory`)
_TOOLS = {
    "node": {"node": (), "npm": ("--prefix", "-C"), "npx": (), "pnpm": ("--dir", "-C"), "pnpx": (),
             "yarn": ("--cwd",), "corepack": ()},
    "python": {"python": (), "python3": (), "pip": (), "pip3": (), "uv": ("--directory", "--project"),
               "uvx": (), "poetry": ("-C", "--directory", "-P", "--project"), "pipenv": (),
               "pdm": ("-p", "--project"), "hatch": (), "tox": (), "nox": (), "pytest": ()},
}
_PREFIXES = frozenset(("sudo", "env", "time", "exec", "command"))  # `sudo npm ...` runs npm
_EXPRESSION = lazy(r"\$\{\{\s*(?:env\.(\w+)|github\.workspace)\s*\}\}|\$\{?GITHUB_WORKSPACE\b\}?")


def job_folders(path: Path) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    """Per job of a workflow and runtime: the job's lines (first, last) and, for each command of
    its steps that runs that runtime's tools, the folder (relative to the checkout's top) it runs
    in - where a `working-directory:`, a `cd` or the tool's own folder option takes it, with
    `${{ env.X }}` and `${{ github.workspace }}` read from the workflow's text; None where the
    text does not tell."""
    from doctor.project.memo import remember

    return remember("workflow-job-folders", (path,), None, functools.partial(_job_folders, path))


def _job_folders(path: Path) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    from doctor.project.yamlload import YamlError, YList, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return []
    found = []
    for doc in docs:
        jobs = doc.get("jobs") if isinstance(doc, YMap) else None
        if not isinstance(doc, YMap) or not isinstance(jobs, YMap):
            continue
        top_env, top_default = _strings(doc.get("env")), default_directory(doc, ".")
        starts = sorted(((where.line or 0), name) for name in jobs if (where := jobs.loc_of(name)) is not None)
        for index, (first, name) in enumerate(starts):
            job = jobs.get(name)
            steps = job.get("steps") if isinstance(job, YMap) else None
            if not isinstance(job, YMap) or not isinstance(steps, YList):
                continue
            worked: dict[str, list[str | None]] = {runtime: [] for runtime in _TOOLS}
            default = default_directory(job, top_default)
            for step in steps:
                run = step.get("run") if isinstance(step, YMap) else None
                if not isinstance(step, YMap) or not isinstance(run, str):
                    continue
                env = {**top_env, **_strings(job.get("env")), **_strings(step.get("env"))}
                directory = _join(".", step.get("working-directory")) if "working-directory" in step else default
                for words in _commands(_expand(run, env)):
                    if words[0] in ("cd", "pushd", "popd"):
                        directory = _join(directory, words[1]) if words[0] != "popd" and len(words) == 2 else None
                    for runtime, tools in _TOOLS.items():
                        if words[0] in tools:
                            worked[runtime].append(_join(directory, _option(words, tools[words[0]]) or "."))
            last = starts[index + 1][0] - 1 if index + 1 < len(starts) else 1 << 30
            found += [(first, last, runtime, tuple(folders)) for runtime, folders in worked.items() if folders]
    return found


def _option(words: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` among a command's options (`--dir X`, `--dir=X`)."""
    for index, word in enumerate(words):
        if word in names and index + 1 < len(words):
            return words[index + 1]
        if word.split("=", 1)[0] in names and "=" in word:
            return word.split("=", 1)[1]
    return None


def _strings(node: object) -> dict[str, str]:
    from doctor.project.yamlload import YMap

    return {str(k): str(v) for k, v in node.items() if isinstance(v, (str, int))} if isinstance(node, YMap) else {}


def _expand(text: str, env: dict[str, str]) -> str:
    """`${{ env.X }}` as the workflow sets it, and the workspace (`${{ github.workspace }}`,
    `$GITHUB_WORKSPACE`) as the checkout's top, `.`; any other expression stays (and is not read)."""
    def value(found: re.Match[str]) -> str:
        if found[1] is None:
            return "."
        return _EXPRESSION.sub(lambda inner: "." if inner[1] is None else inner[0], env.get(found[1], found[0]))

    return _EXPRESSION.sub(value, text)


def _commands(script: str) -> Iterator[list[str]]:
    """The words of each simple command of a shell script (continuations joined, a Windows path's
    backslashes read as slashes), a leading `sudo` or `VAR=value` dropped."""
    for line in script.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line.replace("\\", "/"), comments=True)
        except ValueError:
            words = line.split()
        command: list[str] = []
        for word in [*words, ";"]:
            if word not in ("&&", "||", ";", "|"):
                command += [word] if command or (word not in _PREFIXES and "=" not in word) else []
            elif command:
                yield command
                command = []


def _join(directory: str | None, value: object) -> str | None:
    """`directory` then `value` (a `working-directory:`, `cd` or `--dir` operand) relative to the
    checkout's top; None where the text does not tell (`$DIR`, `${{ ... }}`, `~`, an absolute path)."""
    if directory is None or not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.startswith(("/", "~", "-")) or any(c in value for c in "$`*?"):
        return None
    joined = posixpath.normpath(posixpath.join(directory, value))
    return None if joined == ".." or joined.startswith("../") else joined


def _in_workflow(place: Declared) -> bool:
    """Whether the place is a GitHub workflow's `python-version` / `node-version`, a GitLab job's image
    (in the pipeline or a file it includes; a matrix there, `parallel: matrix:`, is one as well), or
    tox's env list (the interpreters the tests run on: a matrix of its own, `py3` in it any Python 3)."""
    from doctor.project.gitlab_ci import GITLAB_CI

    path = place.location.path
    return ((path.parent.name == "workflows" and path.parent.parent.name == ".github") or path.name == GITLAB_CI
            or place.source.startswith(("GitLab CI ", "tox ")))  # (a pipeline's included files too)


def _agrees(place: Declared, version: str, runtime: str) -> bool:
    """Whether a place admits `version`: a range it satisfies, or one of its pins."""
    if place.spec:
        return satisfies(version, place.spec, runtime)
    return any(pins_agree(v, version) for v in place.versions)


def _most_admitted(declared: list[Declared], reference: str, runtime: str) -> str:
    """The pinned version the most places admit (ranges and CI matrices included), so that one
    Dockerfile's 3.11 against `requires-python >=3.12` and a 3.12/3.13 matrix is the odd one out,
    not the two places that agree; the single pins' majority (`reference`) wins a tie."""
    def admitted(version: str) -> int:
        return sum(_agrees(d, version, runtime) for d in declared)

    candidates = sorted({v for d in declared for v in d.versions}, key=parse_version, reverse=True)
    # a declared range is a requirement (engines, requires-python): hoppscotch's ten node 20 build jobs
    # do not outvote `engines >=22` and the test job on 22
    specs = [d.spec for d in declared if d.spec]
    allowed = [v for v in candidates if all(satisfies(v, spec, runtime) for spec in specs)]
    if allowed and not all(satisfies(reference, spec, runtime) for spec in specs):
        reference = max(allowed, key=admitted)  # the first of the most admitted: the newest on a tie
    best = admitted(reference)
    for version in allowed or candidates:
        if admitted(version) > best:
            reference, best = version, admitted(version)
    return reference


def _reference(versions: list[str], depth: int) -> str:
    """The version most places agree on (Python by major.minor, Node by major); on a tie the newest."""
    series = Counter(parse_version(v)[:depth] for v in versions)
    best = max(series.items(), key=lambda item: (item[1], item[0]))[0]
    members = [v for v in versions if parse_version(v)[:depth] == best]
    return min(members, key=lambda v: (len(parse_version(v)), v))


def _or_move(place: Declared, pinned: str, runtime: str, pins: list[Declared], project: Project) -> str:
    """The other way out of a range that excludes the pins: move them into it (django-react's poetry
    `python = "^3.12"` against `.python-version` 3.11 and `FROM python:3.11`, whose README asks for
    3.12): which way is right is the team's decision, so the advice names both."""
    into = lowest_admitted(place.spec, runtime, pinned) if place.spec else ""
    return f", or move {_shown(pins, project)} to {runtime} {into}, which it allows" if into and pins else ""


def _where(location: Location, project: Project) -> str:
    """A place as the user opens it (from where doctor runs, like the finding's location)."""
    shown = project.shown(location.path)
    return shown if location.line is None else f"{shown}:{location.line}"


# Debian releases the official python and node images stopped at before a version: no python:3.12
# or node:20 image was ever published on buster (django-on-docker's `python:3.11.4-slim-buster` made
# 3.12 reads `python:3.12-slim-buster`, a tag that does not exist)
_RETIRED = {"python": ((3, 12), ("buster", "stretch", "jessie")), "node": ((20,), ("buster", "stretch", "jessie"))}


def _variant_note(source: str, runtime: str, target: str) -> str:
    """Where the FROM's tag names a Debian release the target version has no image on: which to use."""
    retired = _RETIRED.get(runtime)
    if retired is None or not source.startswith("FROM "):
        return ""
    first, releases = retired
    tag = source.split(":", 1)[1].split()[0] if ":" in source else ""
    release = next((r for r in releases if tag.endswith("-" + r)), None)
    try:
        wanted = tuple(int(part) for part in target.split(".")[:len(first)])
    except ValueError:
        return ""
    if release is None or wanted < first:
        return ""
    slim = "-slim" if "-slim-" in tag else ""
    return f" (no {runtime}:{target} image was published on {release}: take {runtime}:{target}{slim}-bookworm)"

