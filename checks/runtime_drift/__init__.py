"""runtime-drift: Python/Node versions that disagree across the files a project declares them in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.app_top import app_top
from doctor.project.ciimages import workflows_folder
from doctor.project.release_images import release_dockerfiles
from doctor.project.runtime_locks import is_lock, locked_reference, relock_advice
from doctor.project.runtime_series import says
from doctor.project.runtime_target import excluded_by, target, to_change
from doctor.project.runtimes import Declared, manifest_folders, read_venvs
from doctor.project.sibling_builds import SiblingBuild, sibling_builds
from doctor.project.version_specs import pins_agree, satisfies

from .agreement import _agrees, _in_workflow, _most_admitted, _one_per_dockerfile, _reference, _voices, subject_of
from .ci_jobs import _circleci, _workflows
from .folders import RememberedVersions
from .images import Image, _arg_values, _image_of, _image_pins, _image_runners, _stage_pins
from .own_ranges import unpinned_images


class RuntimeDrift(Check):
    """Python/Node versions that disagree across .python-version, pyproject, Dockerfile FROM, CI, .nvmrc

    What it finds
        The Python and Node versions a project states in several places: `.python-version`, `.nvmrc`
        / `.node-version`, `.tool-versions`, mise.toml's `[tools]`, Heroku's `runtime.txt`
        (`python-3.12.1`), tox's env list (`envlist = py{310,311}-django52, lint` in tox.ini, else
        setup.cfg's `[tox:tox]`, else pyproject's `[tool.tox]`, else tox.toml: the interpreters the
        tests run on, a matrix, at the line of `envlist` / `env_list`; factors `py310`, `py3.10`,
        `3.12` read with tox's braces and ranges, `py3{9-11}`; `pypy3` and envs with no interpreter
        factor name none), the `FROM python:X` / `FROM
        node:X` of the Dockerfiles compose builds (also the dev container images,
        `mcr.microsoft.com/devcontainers/python:1-3.12`, and astral's uv images,
        `ghcr.io/astral-sh/uv:0.11-python3.12-trixie-slim`; `FROM python:${PYTHON_VERSION}` read
        with compose's `build.args` over the ARG default, and reported where that value is written
        (of several ARGs, the one the tag starts with: `node:${NODE_VERSION}-alpine${ALPINE_VERSION}`
        at `ARG NODE_VERSION=16`);
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
        a matrix value only where a step of its job uses it, `${{ matrix.node-version }}`, and only
        where its major is a release's (Python 2 or 3, Node below 100: fastapi-nano's
        `python-version: [313, 314]`, fed to `.env` to pick dockerfiles/python313/, is none); a value
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
        A matrix's `include:` entries are its own versions (uptime-kuma's `node: [20, 24]` with
        `include: [{node: 25}]` tests 20, 24 and 25, at the list's line; an `exclude:` entry naming
        the version alone drops it), and the one-version pins
        several jobs hand one reusable workflow (changedetection.io's five jobs calling
        test-stack-reusable-workflow.yml `with: python-version:` 3.10 to 3.14) are one matrix, at the
        first job's pin (testing none of the project's version, the advice adds a job calling the
        workflow with it). A step using one of the repository's composite actions in
        `.github/actions/` (rallly's `uses: ./.github/actions/setup-node`, whose setup-node step takes
        `${{ inputs.node-version }}`, the input's `default: "24"`) pins what the action's steps pin:
        a literal at its line, an input from the step's `with:` (a literal, or the job's matrix),
        else the input's default at its line.
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
        engines) or copies whole with one at their top (meet's `COPY src/backend /app`: its CI job
        working in src/backend speaks for the image) and the folders between them and the project
        root, where (as pyenv, nvm, asdf, uv and npm read them) the nearest file of each kind wins.
        Such a file is compared with the FROM of that service's Dockerfile and reported at its own
        line, naming the service; where no FROM
        pins the runtime (baserow's backend/ on debian:bookworm-slim's python3), a pin there that the
        folder's range excludes (`.python-version` 3.10 beside `requires-python = ">=3.11"`) is
        reported so, naming the range and the services built there. A Dockerfile
        whose services pin the version in their own folders answers to those files, not to the
        root's; a service's range that says what the root already says adds no second finding.
        Compose files kept in a side folder of the app's git checkout (a folder under docker/,
        .devcontainer/, deploy/, dev/ and the like; not a folder of another name, which may be a
        project of its own)
        that holds no manifest or version file of its own, below a top that holds the app (a
        package.json, pyproject.toml, `.python-version`, `.nvmrc`...), are that app's: the top's
        version files, manifests, CI, the Dockerfiles at the top and in its docker/ folder and its
        virtualenv count as the project's, each reported at its own file:line (documenso's
        docker/development/compose.yml runs postgres and minio for an app started on the host with
        `npm run dev`: an `.nvmrc` of 20 at the top is apart from package.json's `engines.node
        >=22.0.0`, CI's `v22.x` and the released docker/Dockerfile's node 22). A monorepo package
        with a manifest of its own (apps/web/package.json beside apps/web/compose.yaml) answers to
        its own files, not to the tools of the top; a build from the top (mealie's docker/, `context:
        ..`) reads the top's files already, as its own folder's, compared with its FROM. A
        version with a part of more than nine digits (an `.nvmrc` of `v` and 5000 nines, a tox range
        `py{38-3²}`) is no version and is passed over, and a tox env list naming more than 500 envs
        (`py{1-30000000}`) lists no versions and is read as nothing.

    Why it matters
        Local runs, CI and the container then use different interpreters: a test passes on the
        laptop's 3.12 and fails in the 3.10 image, a lockfile resolved for one version does not
        install on the other, and nobody knows which one the project really supports.

    Example
        backend/Dockerfile:1  python 3.10 (FROM python:3.10-slim), elsewhere 3.12: .python-version:1
        result/.nvmrc:1  node 20 (.nvmrc 20) but service 'result' builds FROM node:18-slim at result/Dockerfile:1

    Fix
        Advice: change the version at the reported place to the one the other places agree on
        (the majority, each Dockerfile once by the stage its image runs, among the versions every
        declared range admits; on a tie the newest: a `.python-version` on 3.15 against a two-stage
        Dockerfile on 3.14 changes the FROMs, as it would a one-stage one's); a pin a
        declared range excludes names that range (`outside requires-python >=3.13 (pyproject.toml:6)`).
        For a service's file against its FROM, the version is settled among every pin that speaks for
        the services reading the file: the file, their FROM lines, and the CI jobs working in their
        folders (the majority, each file once, among the versions their ranges admit; on a tie the
        newest), and the advice names every one of them to change, so that following it leaves none
        apart (mealie: `.python-version` 3.12 against `FROM python:3.10-slim` and CI's 3.10 changes the
        file to 3.10; were `^3.12` required, the FROM and the CI pin both move to 3.12). Else widen the
        range, or move the pins to the lowest series it allows (both are named: `widen poetry python
        ^3.12 ... to allow 3.11, or move .python-version:1, Dockerfile:1 to python 3.12`); a
        virtualenv is recreated on the agreed version. A FROM that pins a digest as well (excalidraw's
        `node:24@sha256:8530...`) is told to re-pin the digest with the tag: docker pulls the digest
        whatever the tag says, so a tag changed alone changes nothing. A CI matrix (tox's env list,
        GitLab's `parallel: matrix:`) that tests none of the agreed version gains it, written as the
        matrix writes its versions, or the pins move to the version it tests nearest theirs (the lowest
        above them, else its newest); never is the matrix replaced by one version: healthchecks' image
        on 3.13.7 against a 3.10-3.12 matrix, `add python 3.13 to the matrix in
        .github/workflows/tests.yml:15, or move docker/Dockerfile:1, docker/Dockerfile:18 to python
        3.12, which it tests` (upstream added 3.13). doctor edits nothing: which version is right is a
        decision for the team.

    Fix safety
        Advice only: nothing is written.
    """

    id = "runtime-drift"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    severity = Severity.WARNING
    fix_family = ""  # advice only: no `doctor fix` flag

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        root = project.root
        files = RememberedVersions(root)
        images: dict[Image, list[Declared]] = {}
        runs: dict[Image, list[Declared]] = {}  # per image: the FROM of the stage it runs (its target's, else the last)
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
                images[image], runs[image] = _stage_pins(recipe, service.build.args)
                written.update(_arg_values(recipe, service.build.args))
            if image in images:
                # the folders whose manifest the build installs from are the service's own too (assets/)
                dockerfile = project.dockerfile(service)
                copies = (*dockerfile.copies, *dockerfile.staged) if dockerfile is not None else ()
                context = Path(service.build.context)
                starts = (context, path.parent, *manifest_folders(context, copies))
                builds.setdefault((image, starts), []).append(name)
        near = {key: files.nearest(key[1]) for key in builds}  # each service's own version files
        # compose files in a side folder of the app's checkout (documenso's docker/development): the top's
        # version files, manifests, CI, release Dockerfiles and virtualenv are the project's, as at the top
        # (a build from the top reads them already, as its own folder's: mealie's docker/)
        contexts = [Path(s.build.context) for s in project.services.values() if s.build is not None]
        top = app_top(root, project.repo(), [start for _, starts in builds for start in starts])
        home = [*files.folder(root), *(files.folder(top) if top else ())]  # what applies project-wide
        # the Dockerfiles no service builds (the image CI releases: umami's, linkding's docker/), ARG defaults read
        built = [s.build.dockerfile_path for s in project.services.values() if s.build and s.build.dockerfile_path]
        releases = dict.fromkeys([*release_dockerfiles(root, built), *(release_dockerfiles(top, built) if top else ())])
        released_pins = {path: _stage_pins(recipe, (), every_stage=True) for path in releases
                         if (recipe := project.recipe(path)) is not None}
        released = [d for found, _ in released_pins.values() for d in found]
        # each Dockerfile is one voice in the vote, by the stage its image runs: healthchecks' builder and
        # final stages on python:3.13.7 are one decision, which a `.python-version` ties, not outvoted 2-1
        silent = _one_per_dockerfile([*((path[0], images[path], runs[path]) for path in images),
                                      *((path, found, run) for path, (found, run) in released_pins.items())])
        # the checkout's workflows folder, found once (it walks up to the checkout's top) for every reader below
        ci_folder = workflows_folder(project.root, contexts, project.repo)
        workflows = _workflows(project, ci_folder, [*(start for _, starts in builds for start in starts),
                                                    *([top] if top else [])])
        workflows += _circleci(project)
        # the CI jobs that work in a service's own folders speak for that service's version files too
        service_ci = {key: _workflows(project, ci_folder, list(key[1]), with_root=False) for key in builds}
        # compose.prod.yaml's web on Dockerfile.prod: each with its image's FROM pins and the loaded build's
        siblings = [(sibling, _image_pins(project, sibling.build), _image_pins(project, service.build))
                    for sibling in sibling_builds(project.compose)
                    if (service := project.services[sibling.service]).build is not None]
        ran = _image_runners(project)
        venvs = list(dict.fromkeys([*read_venvs(root, host.env.get("VIRTUAL_ENV")),
                                    *(read_venvs(top, host.env.get("VIRTUAL_ENV")) if top else ())]))
        for runtime in ("python", "node"):
            # a service whose own folder pins the runtime answers to that file (nearest wins), not the root's
            loose = {path for (path, _), found in near.items()
                     if not any(d.runtime == runtime and d.versions for d in found)}
            # once each: services building one Dockerfile with build args written apart (nickjj's
            # x-app and x-assets anchors) are two images of the same FROM lines
            # a sibling's build of a service that answers to the root's files is a place like its loaded build
            declared = list(dict.fromkeys([
                *home, *(d for path, found in images.items() if path in loose for d in found), *released,
                *(d for sibling, pins, _ in siblings if _image_of(project.services[sibling.service]) in loose
                  for d in pins),
                *workflows, *ran, *(venvs if runtime == "python" else ())]))
            # the ranges of a build's own folders (saleor's pyproject above its .devcontainer) for its FROM pins
            applying: dict[Location, list[Declared]] = {}
            for (built_image, _), found in near.items():
                ranges = [d for d in found if d.spec and d.runtime == runtime]
                for pin in images[built_image] if built_image in loose else ():
                    applying.setdefault(pin.location, []).extend(r for r in ranges if r not in applying[pin.location])
            findings, reference = self._drift(project, [d for d in declared if d.runtime == runtime], runtime,
                                              applying, written, silent)
            yield from findings
            flagged = {f.location for f in findings}
            groups = [(names, images[path], near[path, starts], [d for d in _voices(
                [d for d in service_ci[path, starts] if d.runtime == runtime], runtime) if len(d.versions) == 1])
                for (path, starts), names in builds.items()]
            yield from self._services(project, runtime, groups, reference, flagged, home)
            yield from unpinned_images(self, project, runtime, groups, flagged, home)
            # a service pinning the runtime in its own folders answers to those files, not to the root's reference
            own = {name: [d for d in near[key] if d.runtime == runtime and d.versions and not d.spec]
                   for key, names in builds.items() if key[0] not in loose for name in names}
            references = {s.service: target(own[s.service], [], runtime) if s.service in own else reference
                          for s, _, _ in siblings}
            yield from self._siblings(project, runtime, siblings, references, flagged, declared)

    def _drift(self, project: Project, declared: list[Declared], runtime: str,
               applying: dict[Location, list[Declared]], written: dict[Location, tuple[str, str]],
               silent: set[Declared]) -> tuple[list[Finding], str]:
        """The project-wide comparison: root files, CI and every Dockerfile; its reference version.
        `applying`: per FROM pin, the ranges of its build's own folders; `written`: per ARG line or
        compose build arg that writes a FROM's version, its name and value; `silent`: the FROMs that
        do not vote (their Dockerfile's voice is another stage's), each still compared."""
        declared = _voices(declared, runtime)
        depth = 2 if runtime == "python" else 1
        voting = [d for d in declared if d not in silent]
        single = [d for d in voting if len(d.versions) == 1]
        # Dockerfiles alone are separate services (a polyglot repo's node:18 tool and node:22 app);
        # drift needs a place that speaks for the project: a version file, pyproject, package.json, CI
        if not single or all(d.source.startswith("FROM ") for d in declared):
            return [], ""
        reference = _reference([d.versions[0] for d in single], depth)
        reference = locked_reference(declared, _most_admitted(declared, reference, runtime, voting), runtime)
        # every place that says the reference: a pin, or a range of that series alone (`==3.12.*`)
        agreeing = [d for d in declared if (len(d.versions) == 1 or d.spec) and says(d, reference, runtime)] or [
            d for d in declared if _agrees(d, reference, runtime)]
        findings = []
        for place in declared:
            if _agrees(place, reference, runtime):
                continue
            from .advice import _or_move, _outside, _pin_notes, _shown, _where, _written  # here: a place apart
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
                advice += f" in {_where(place.location, project)}" + _pin_notes(place, runtime, reference)
                if len(place.versions) > 1 and _in_workflow(place):  # a matrix: it gains the version
                    from .advice import _add_to_matrix
                    advice = _add_to_matrix(place, reference, runtime, agreeing,
                                            [d.spec for d in declared if d.spec], project)
                if place.location.path.name == "pyvenv.cfg":  # a virtualenv is rebuilt, not edited
                    folder, minor = project.shown(place.location.path.parent), ".".join(reference.split(".")[:2])
                    advice = (f"recreate {folder}/ on Python {minor} (`uv venv --python {minor}`, or "
                              f"`python{minor} -m venv {folder}`), then reinstall the project into it")
            subject = subject_of(runtime, place.location.path, project)
            findings.append(self.finding(message, place.location, subject, Fix(advice, Safety.ADVICE)))
        return findings, reference

    def _services(self, project: Project, runtime: str,
                  groups: list[tuple[list[str], list[Declared], list[Declared], list[Declared]]],
                  reference: str, flagged: set[Location | None], top: list[Declared]) -> Iterator[Finding]:
        """Each version file in a service's own folders against the FROM of that service's Dockerfile,
        settled among every pin that speaks for the services reading it (`top`: the root's files,
        which apply where the service's folders have no file of that kind)."""
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
            from .advice import _change, _listed, _or_move, _outside, _where  # here: a file apart from its FROM
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
            subject = subject_of(runtime, place.location.path, project)
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
            from .advice import _change, _where  # here: two builds apart (what `found` holds comes from here)
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
            subject = subject_of(runtime, location.path, project)
            yield self.finding(message, location, subject, Fix(advice, Safety.ADVICE))
