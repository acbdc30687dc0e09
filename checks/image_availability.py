"""image-availability: images with no build that the engine lacks, or has for another platform."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.host import Host
from doctor.host.images import ImageFacts
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, service_names
from doctor.project import Project
from doctor.project.ciimages import CiJob, ComposeStart, ci_jobs
from doctor.project.gitlab_jobs import gitlab_jobs
from doctor.project.image_builders import reference_key
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.jvm_images import JvmImageBuild

_PLAIN_REFERENCE = lazy(r"[\w./:@-]+")
_TAG = lazy(r":[^/]+$")

# tags nobody publishes to a registry: an image tagged so was meant to be built on this machine
LOCAL_TAGS = frozenset(("test", "local", "dev", "ci", "snapshot", "localdev"))
# pull policies under which compose's `up` never pulls the service's image (compose's mustPull)
_NO_PULL = frozenset(("never", "build"))


def _local_tag(image: str, tag: str) -> bool:
    """Whether a tag names a local build: one of LOCAL_TAGS on a bare name (`app:dev`, which Docker
    Hub's library has not) or in a registry on this machine (`localhost:5000/app:dev`). A
    namespaced image's `:dev` is often published: ArchiveBox's README says `docker pull
    archivebox/archivebox:dev`, which compose pulls on up."""
    if tag not in LOCAL_TAGS:
        return False
    name = image.split("@", 1)[0].rsplit(":", 1)[0] if image.rsplit("/", 1)[-1].count(":") else image
    return "/" not in name or name.split("/", 1)[0].split(":")[0] in ("localhost", "127.0.0.1")


class ImageAvailability(Check):
    """images with no build that are absent on the engine, or present for another platform

    What it finds
        Services with `image:` and no `build:` whose image the engine does not have: compose will
        pull it on `up`. It is a warning when no registry is likely to have it — another service of
        the project builds that very tag, the tag is a local one (`:test`, `:local`, `:dev`) on a
        bare name, a registry on this machine or a repository the project builds (a namespaced
        `archivebox/archivebox:dev` is published), or the service says `pull_policy: never` — and
        a note otherwise. A tag another service builds under
        a namespace (`defectdojo/defectdojo-django:latest`) is a note too: `up` builds it with that
        service (compose ignores the failed pull of an image another service builds), and the
        service started alone pulls what the project publishes. So is a tag another service builds
        when every service on it depends on that builder (openfun/joanie's `celery` on the
        `joanie:production` that `app` builds): even `up celery` builds it first. A tag a compose file
        beside the loaded ones builds (ghostfolio's docker-compose.build.yml tagging
        `ghostfolio/ghostfolio:local`) gets that file's build command (`docker compose -f
        docker-compose.build.yml build ghostfolio`), a warning for a local tag (`:local`, `:dev`...),
        else a note. A tag the repository's Maven or Gradle build makes on the engine (jib's `<to><image>`
        or `to.image`, Spring Boot's `<image><name>` or `imageName`, else their default
        `artifactId:version`, Gradle's `project.name:version`; read from pom.xml and build.gradle(.kts) in
        the project's folder, the folders above it up to the checkout's top and the folders right inside
        them, never run; a pom's `<build><plugins>` builds, with the configuration its `<pluginManagement>`
        and its parent poms in the checkout give the same plugin, `${project.artifactId}` and the like the
        module's own; pluginManagement alone and a `pom` packaging build nothing: a parent's jib
        `<to><image>${project.artifactId}` is each module's name) gets that build's command (jhipster's
        `jhipstersampleapplication` from the pom's jib: `./mvnw compile jib:dockerBuild`; the Polar
        Bookshop's `catalog-service`: `cd catalog-service && ./gradlew bootBuildImage`), a warning where
        the pull fails (a bare name no official image bears, a local tag, `pull_policy: never`), else a
        note. Services on one absent image are one finding naming them; when any of them lets compose
        pull (no `pull_policy`, `missing`, `always`), it is a note even if others say `never`: `up` pulls
        every service's missing image before it creates any container, so the `never` ones find it
        (they fail only started alone, `up SERVICE`; the note says so). Also images present for another
        platform than the engine's (`linux/arm64` on an `linux/amd64` engine) with no `platform:` on the service, and a
        `platform:` the local image is not for (`up` pulls that platform's image): a warning where the
        pull fails (the image was made here, with no registry digest, or `pull_policy: never`), else a note;
        platforms are compared as docker normalises them (`linux/x86_64`, `x86_64` and `amd64` are
        `linux/amd64`; `aarch64` and `arm64/v8` are `arm64`), so another spelling is no mismatch.
        Also a build FROM an image no registry has (a bare name no official image bears, or a local
        tag) that the engine lacks, where a shell script or Makefile of the project (its folder or
        the checkout's top, and their scripts/, bin/, tools/, build/) builds that tag with `docker
        build -t`: EdwinVW/pitstop's services build `FROM pitstop-dotnet-sdk-base:1.0`, which
        `scripts/RebuildAllDockerImages.sh` builds first, and `docker compose build` on a fresh
        engine fails on its pull (a warning at the FROM line, one per image, naming its services;
        only the stages the build's target uses count). A bare name no script builds is not judged.
        Live: asks the engine; skipped when it cannot be reached. Also, read from
        `.github/workflows` (never run; the checkout's top for compose files in `docker/`) and from
        the GitLab pipeline (`.gitlab-ci.yml` at the repository's top, its local `include:` files and
        `extends:` templates: a job's `before_script`, its own or `default:`'s, then `script`, on a
        `docker:dind` service, whose engine starts empty; a shell runner's keeps other jobs' images,
        so those jobs are not judged): a CI job
        that builds images itself (`docker build -t`, `docker tag`, `docker/build-push-action` tags,
        `docker compose build`) and then starts a service whose local image (a `:ci`/`:test` tag, the tag it
        builds for the others, one only another service builds, or another tag of an image the job
        builds: `docker build -t app:ci`, then `image: app:latest`) no step of the job builds:
        compose then tries to pull it. Docker's default tag `latest` is the job's own only on a
        name no registry publishes: after `docker build -t adventurelog-smoke`, AdventureLog's
        `ghcr.io/seanmorley15/adventurelog:latest` (or `redis`) is pulled as usual. A start counts
        where it runs this project: in its folder (the top, a `working-directory:`, `cd docker`) or
        with exactly its files (`-f docker/compose.yaml`). Jobs that load or pull images, bake
        them (`docker buildx bake`, `docker/bake-action`: the tags are a bake file's), name other
        compose files, build with kaniko, buildah or podman, take lines from another job (GitLab's
        `!reference`), change directory in a way the text does not tell (`cd "$DIR"`, a checkout
        `path:`; GitLab's `cd $CI_PROJECT_DIR/docker` is told), or set a variable the compose
        files interpolate (a step's `env:`, a GitLab job's or pipeline's `variables:`) are not judged.

    Why it matters
        A pull fails offline, behind a proxy, or in CI before the job has built the image
        ("pull access denied for csv-analyst-runner"); an image for another architecture starts
        and dies with "exec format error", or runs slowly under emulation.

    Example
        compose.yaml:7  'runner' image 'csv-analyst-runner:test' is not on the engine and only 'builder' builds it
        .github/workflows/ci.yml:8  CI job 'e2e' never builds 'shop-worker:ci', which 'worker' needs:
        'docker compose up' tries to pull it
        .github/workflows/ci.yml:8  CI job 'e2e' builds 'app:ci' (line 7), 'app' needs 'app:latest':
        'docker compose up' tries to pull it
        .gitlab-ci.yml:36  CI job 'pytest' never builds 'my_awesome_project_local_celeryworker', which
        'celeryworker' needs: 'docker compose up' tries to pull it

    Fix
        Advice: the command that makes the image present — `docker compose build SERVICE` for
        the service that builds it, the Maven or Gradle command for an image the repository's build
        makes (`./mvnw compile jib:dockerBuild`, `./mvnw spring-boot:build-image`, `./gradlew
        bootBuildImage`, `./gradlew jibDockerBuild`: its wrapper where it has one, run in its folder),
        `docker pull` for a registry image under `pull_policy:
        never`, for a local base image the script line that builds it (`docker build -t
        pitstop-dotnet-sdk-base:1.0 . -f dotnet-sdk-base-dockerfile`, as
        scripts/RebuildAllDockerImages.sh:20 does), else build or load the local tag first (in CI, a step of
        that job before the compose start; for another tag of the image the job builds, tag
        that build with the one compose needs, or name the built tag in `image:`) — or, for a platform
        mismatch, `platform: linux/ARCH` on the service (or pull the engine's platform). An
        image compose will simply pull is a note with no fix.

    Fix safety
        Advice only: nothing is run or written.
    """

    id = "image-availability"
    severity = Severity.WARNING
    fix_family = ""  # advice only: no `doctor fix` flag
    prefetch = ("images",)  # the engine lists its images while the other checks run

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        yield from self.ci_findings(project)
        yield from self._local_bases(project, host)
        pulled = [svc for svc in project.services.values() if svc.image and svc.build is None
                  and _PLAIN_REFERENCE.fullmatch(svc.image) and not svc.image.endswith((":", "/"))]
        if not pulled:
            return
        builders = {_canonical(svc.image): svc.name for svc in project.services.values() if svc.image and svc.build}
        # one image list for the whole project; an inspect only for what is present and has no platform:
        present = host.images.present(_canonical(svc.image or "") for svc in pulled)
        # one finding per image: getsentry/self-hosted runs 20 services on one `snuba:nightly` with
        # pull_policy never, which is one image to pull, not 20 faults
        absent: dict[str, list[Service]] = {}
        for svc in sorted(pulled, key=lambda s: s.name):
            image = svc.image or ""
            if _canonical(image) not in present:
                absent.setdefault(_canonical(image), []).append(svc)
            elif not svc.platform:
                facts = host.images.image(_canonical(image))
                if facts is not None:
                    yield from self._platform(svc, facts, host.images.platform)
            elif (facts := host.images.image(_canonical(image))) is not None:
                yield from self._not_for(svc, facts, host.images.platform)
        # the repositories the project builds, once (per absent image it was images x services)
        own = {image.rsplit(":", 1)[0] for image in builders}
        for image, svcs in absent.items():
            yield self._absent(project, svcs, svcs[0].image or image, builders.get(image), own)

    def _local_bases(self, project: Project, host: Host) -> Iterator[Finding]:
        """A build FROM an image no registry has (a bare name no official image bears, or a local tag) that
        the engine lacks, where a script of the project builds it first (pitstop's
        `scripts/RebuildAllDockerImages.sh`): `docker compose build` fails on the pull."""
        from doctor.project.base_images import base_images, script_builds

        own = {_canonical(s.image) for s in project.services.values() if s.image and s.build is not None}
        wanted: dict[str, list[tuple[Service, Path, int, str]]] = {}
        for svc in sorted(project.services.values(), key=lambda s: s.name):
            path = svc.build.dockerfile_path if svc.build is not None else None
            if path is None or (svc.pull_policy or "").strip() == "never":
                continue
            for image, line in base_images(path, svc.build.target if svc.build else None):
                tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
                if "$" in image or "@" in image or _canonical(image) in own or (
                        _published(image) and not _local_tag(image, tag)):
                    continue
                wanted.setdefault(_canonical(image), []).append((svc, path, line, image))
        if not wanted:
            return
        repo = project.repo()
        folders = tuple(dict.fromkeys([project.compose.project_dir, *([repo.top] if repo is not None else [])]))
        built = {_canonical(t): v for t, v in script_builds(folders).items() if "$" not in t}
        wanted = {k: v for k, v in wanted.items() if k in built}
        if not wanted:
            return
        present = host.images.present(wanted)
        for canonical, uses in wanted.items():
            if canonical in present:
                continue
            svc, path, line, image = uses[0]
            script, at, command = built[canonical]
            names = sorted({u[0].name for u in uses})
            head = f"{service_names(names)} build{'s' if len(names) == 1 else ''}"
            message = (f"{head} FROM '{image}', which the engine lacks and no registry has: the build fails on "
                       f"its pull ({project.shown(script)}:{at} builds it)")
            title = f"build '{image}' first, as {project.shown(script)}:{at} does: {command}"
            subject = f"{','.join(names)}:{image}:base"
            yield self.finding(message, Location(path, line), subject, Fix(title, Safety.ADVICE))

    def ci_findings(self, project: Project) -> Iterator[Finding]:
        """A CI job that builds some local images and starts a service whose local image no step
        builds (static: read from the workflow, whatever this machine's engine holds)."""
        services = project.services
        plain = {n: s.image for n, s in services.items() if s.image and s.build is None and "$" not in s.image}
        if not plain:
            return
        uses = {u.name for u in project.compose.variable_uses}
        builders = {_canonical(s.image) for s in services.values() if s.image and s.build is not None}
        contexts = [Path(s.build.context) for s in services.values() if s.build is not None]
        for job in [*ci_jobs(project.root, uses, contexts, project.repo),
                    *gitlab_jobs(project.root, uses, contexts, project.repo)]:
            starts = _own_starts(project, job)
            built = {_canonical(t) for t in job.built if "$" not in t}
            if job.unknown or starts is None or any("$" in t for t in job.built) or not (built or any(
                    s.verb.startswith("build") for s in starts)):
                continue
            # the tags the job gives its builds (`:ci` for all of them); `latest` is no choice but
            # docker's default: AdventureLog's `docker build -t adventurelog-smoke` made every published
            # `:latest` (`ghcr.io/seanmorley15/adventurelog:latest`, `redis`) look like a CI-only tag
            tags = {t.rsplit(":", 1)[1] for t in built}
            # repository -> (tag as written, where) of what the job's own build steps make
            repositories = {_canonical(t).rsplit(":", 1)[0]: (t, n) for t, n in
                            reversed(list(zip(job.built, job.built_at, strict=True))) if "@" not in t}
            reported: set[str] = set()
            for start in starts:
                started = _started(services, start.services) if start.verb != "build" else set(
                    start.services or services)
                # compose builds what a started service (or `compose build`) has a build: for
                built |= {_canonical(services[n].image or "") for n in started if services[n].image
                          and services[n].build is not None and not start.verb.endswith("--no-build")}
                if start.verb == "build":
                    continue
                for name in sorted(started):
                    image = plain.get(name)
                    if image is None or name in reported or _canonical(image) in built:
                        continue
                    repository, tag = _canonical(image).rsplit(":", 1)
                    # the job built this repository under another tag: the project's own image, never
                    # a published one (a bare `app` is no Docker Hub official image because of it)
                    other = repositories.get(repository) if "@" not in image else None
                    named = tag in tags and (tag != "latest" or not _published(image))
                    local = _local_tag(image, tag) or named or _canonical(image) in builders
                    if other is None and not local:
                        continue  # a published tag: the pull works
                    reported.add(name)
                    where = f"{project.shown(start.location.path)}:{start.location.line}"
                    message = (f"CI job '{job.name}' never builds '{image}', which '{name}' needs: "
                               f"'docker compose {start.verb}' tries to pull it")
                    title = f"build '{image}' in job '{job.name}' before {where} (or run docker compose build)"
                    if other is not None:
                        # a GitLab template in an included file builds it: that file's line
                        line = f"line {other[1].line}" if other[1].path == start.location.path else \
                            f"{project.shown(other[1].path)}:{other[1].line}"
                        message = (f"CI job '{job.name}' builds '{other[0]}' ({line}), '{name}' needs "
                                   f"'{image}': 'docker compose {start.verb}' tries to pull it")
                        title = (f"also tag '{image}' where {project.shown(other[1].path)}:{other[1].line} builds "
                                 f"'{other[0]}', or set image: {other[0]} on '{name}'")
                    yield self.finding(message, start.location, f"{name}:{image}:ci", Fix(title, Safety.ADVICE))

    def _absent(self, project: Project, svcs: list[Service], image: str, builder: str | None,
                own: set[str]) -> Finding:
        svc = svcs[0]
        # the `image:` line the user edits (an override's, DefectDojo's), else the service's key
        at = svc.image_location or svc.location
        subject = f"{','.join(s.name for s in svcs)}:{image}"
        head = f"'{svc.name}' image '{image}'" if len(svcs) == 1 else f"{_names(svcs)}: image '{image}'"
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        # a local tag of a repository the project builds under another tag (`acme-shop/shop-django:test`
        # beside `web`'s `:latest`) is the project's own build, namespaced or not
        local = (tag in LOCAL_TAGS and _canonical(image).rsplit(":", 1)[0] in own) or _local_tag(image, tag)
        # compose's `up` pulls, before it creates any container, the image of every service whose policy
        # lets it (mustPull: all but never and build); a `never` service on the same image then finds it
        # present (getsentry/self-hosted's symbolicator beside symbolicator-cleanup), started alone it fails
        pullers = [s for s in svcs if (s.pull_policy or "").strip() not in _NO_PULL]
        stuck = [s for s in svcs if (s.pull_policy or "").strip() in _NO_PULL]  # not `in pullers`: a deep compare each
        if builder is not None:
            from doctor.project.command_home import compose_cli

            # the project as this run read it (`-f docker-compose.dev.yml`: lago's dev file is the
            # one where 'migrate' has a build; a bare `docker compose build migrate` built nothing)
            fix = Fix(f"run docker compose build {builder}", Safety.ADVICE,
                      command=(*compose_cli(project), "build", builder))
            if pullers and not local and _published(image):
                # `up` builds it with the builder (compose ignores the pull failure of an image another
                # service builds); started alone, the service pulls the tag its project publishes
                alone = "each" if len(pullers) > 1 else f"'{pullers[0].name}'"
                message = (f"{head} is not on the engine: '{builder}' builds it on up, "
                           f"{alone} started alone pulls it (needs the registry){_alone_fails(stuck)}")
                return self.finding(message, at, subject, fix, Severity.INFO)
            if pullers and all(_depends_on(project, s, builder) for s in svcs):
                # openfun/joanie's celery on the `joanie:production` that `app`, which it depends on, builds:
                # `up celery` starts (and builds) app first, as plain `up` does
                message = (f"{head} is not on the engine: '{builder}' builds it on up, and "
                           f"{'each' if len(svcs) > 1 else repr(svcs[0].name)} depends on '{builder}', so even "
                           "started alone it is built first")
                return self.finding(message, at, subject, fix, Severity.INFO)
            message = f"{head} is not on the engine and only '{builder}' builds it"
            return self.finding(message, at, subject, fix)
        jvm = self._jvm_builds(project).get(reference_key(image))
        if jvm is not None:
            return self._jvm_absent(project, svcs, image, jvm, failing=not pullers or local or not _published(image))
        if not pullers or local:
            why = f"pull_policy is {svc.pull_policy}" if not local else f"tag ':{tag}' is a local build"
            message = f"{head} is not on the engine and {why}: nothing will pull it"
            how = f"pull it first (docker pull {image}), or build or load it" if (
                not local and _published(image)) else f"build or load '{image}' first"
            return self.finding(message, at, subject, Fix(how, Safety.ADVICE))
        sibling = self._sibling_builds(project).get(image) or self._sibling_builds(project).get(_canonical(image))
        if sibling is not None:
            # ghostfolio's `image: ghostfolio/ghostfolio:local`, which only docker-compose.build.yml builds: a
            # local tag is no registry's, so `up` fails on the pull; any other may be published too (a note)
            file, builder_name = sibling
            shown = project.shown(file)
            from doctor.project.command_home import compose_cli

            command = (*compose_cli(project)[:2], "-f", str(file), "build", builder_name)
            message = (f"{head} is not on the engine, and {shown} builds it ('{builder_name}'), which this run does "
                       "not read: compose pulls it on up" + (f", and ':{tag}' is a local tag no registry has"
                                                              if tag in LOCAL_TAGS else " (needs the registry)"))
            import shlex  # the title's command is pasted too: a folder named `my stack` stays one word

            fix = Fix(f"build it first: docker compose -f {shlex.quote(shown)} build {builder_name}", Safety.ADVICE,
                      command=command)
            return self.finding(message, at, subject, fix, None if tag in LOCAL_TAGS else Severity.INFO)
        # a note without a fix: pulling on `up` is compose's normal way, nothing to repair
        by = f" for {_names(pullers)}" if stuck else ""
        message = f"{head} is not on the engine: compose pulls it on up{by} (needs the registry){_alone_fails(stuck)}"
        return self.finding(message, at, subject, None, Severity.INFO)

    def _jvm_absent(self, project: Project, svcs: list[Service], image: str, jvm: JvmImageBuild,
                    failing: bool) -> Finding:
        """An absent image the repository's Maven or Gradle build makes (jib, Spring Boot's build-image): a
        warning where compose's pull fails (a name no registry has, a local tag, pull_policy never), else a note."""
        import shlex

        head = f"'{svcs[0].name}' image '{image}'" if len(svcs) == 1 else f"{_names(svcs)}: image '{image}'"
        where = f"{project.shown(jvm.file)}:{jvm.line} builds it ({jvm.tool})"
        folder = project.shown(jvm.folder)
        command = jvm.command if folder == "." else f"cd {shlex.quote(folder)} && {jvm.command}"
        fix = Fix(f"build it first: {command}", Safety.ADVICE)
        at = svcs[0].image_location or svcs[0].location
        subject = f"{','.join(s.name for s in svcs)}:{image}"
        if failing:
            message = f"{head} is not on the engine and no registry has it: {where}, else up's pull fails"
            return self.finding(message, at, subject, fix)
        message = f"{head} is not on the engine: {where}, else compose pulls it on up (needs the registry)"
        return self.finding(message, at, subject, fix, Severity.INFO)

    def _jvm_builds(self, project: Project) -> dict[str, JvmImageBuild]:
        """The images the Maven and Gradle builds around the project make (read once a run, only when an image is
        absent): from the project's folder up to the checkout's top (jvm_images.search_top)."""
        def read() -> dict[str, JvmImageBuild]:
            from doctor.project.jvm_images import jvm_image_builds, search_top

            root = project.compose.project_dir
            repo = project.repo()
            return jvm_image_builds(root, search_top(root, repo.top if repo is not None else None))

        return project.once("jvm-image-builds", read)

    def _sibling_builds(self, project: Project) -> dict[str, tuple[Path, str]]:
        """The images the compose files beside the loaded ones build (read once a run, only when an image is absent)."""
        if getattr(self, "_siblings_of", None) is not project:
            from doctor.project.sibling_builds import sibling_image_builds

            self._siblings_of, self._siblings = project, sibling_image_builds(project.compose)
        return self._siblings

    def _platform(self, svc: Service, facts: ImageFacts, engine: str) -> Iterator[Finding]:
        mine = _os_arch(facts.platform)
        if len(mine) < 2 or not mine[1] or mine == _os_arch(engine):
            return
        message = f"'{svc.name}' image '{facts.name}' is {facts.platform}, the engine {engine}: exec format error"
        title = f"pull '{facts.name}' for {engine} (docker pull --platform {engine}) or set platform: {facts.platform}"
        yield self.finding(message, svc.location, f"{svc.name}:{facts.name}:platform", Fix(title, Safety.ADVICE))


    def _not_for(self, svc: Service, facts: ImageFacts, engine: str) -> Iterator[Finding]:
        """A `platform:` the local image is not for: compose's up then pulls that platform's image (with
        `--pull never`: "image ... was found but does not match the specified platform"), which fails for an
        image built, imported or loaded here (no registry digest) or under `pull_policy: never`."""
        wanted, has = svc.platform or "", facts.platform
        if len(_os_arch(has)) < 2 or not _os_arch(has)[1] or _os_arch(wanted) == _os_arch(has):
            return
        head = f"'{svc.name}' wants '{facts.name}' for {wanted}, the engine has it for {has} only"
        title = f"build or load '{facts.name}' for {wanted}"
        if _os_arch(has) == _os_arch(engine):  # the image runs here natively: the platform: line is the odd one
            title = f"set platform: {has} (the image's and the engine's), or {title}"
        subject = f"{svc.name}:{facts.name}:platform:{wanted}"
        at = svc.image_location or svc.location
        if (svc.pull_policy or "").strip() in _NO_PULL:
            yield self.finding(f"{head} and pull_policy is {svc.pull_policy}: up fails", at, subject,
                               Fix(title, Safety.ADVICE))
        elif facts.pulled is False:
            yield self.finding(f"{head} (made here, no registry digest): up's pull fails", at, subject,
                               Fix(title, Safety.ADVICE))
        else:
            yield self.finding(f"{head}: compose pulls it for {wanted} on up (needs the registry)", at, subject, None,
                               Severity.INFO)


def _depends_on(project: Project, svc: Service, name: str) -> bool:
    """Whether the service depends on `name`, itself or through the services it depends on."""
    seen, todo = {svc.name}, list(svc.depends_on)
    while todo:
        current = todo.pop()
        if current == name:
            return True
        if current not in seen and current in project.services:
            seen.add(current)
            todo.extend(project.services[current].depends_on)
    return False


def _own_starts(project: Project, job: CiJob) -> list[ComposeStart] | None:
    """The job's compose starts that run this project: in its folder with compose's own lookup, or
    naming exactly its compose files (`-f docker/compose.yaml` from the checkout's top); None when
    a start names other compose files (an override, an e2e file): what those hold is not read."""
    own = {Path(os.path.normpath(f)) for f in project.compose.files}
    starts = []
    for start in job.starts:
        folder = Path(os.path.normpath(job.checkout / start.directory))
        if start.files:
            if {Path(os.path.normpath(folder / f)) for f in start.files} != own:
                return None
            starts.append(start)
        elif folder == Path(os.path.normpath(project.root)):
            starts.append(start)
    return starts


def _started(services: Mapping[str, Service], named: tuple[str, ...]) -> set[str]:
    """The services a compose start brings up: those named and what they depend on, else all."""
    todo = [n for n in named if n in services] if named else list(services)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [d for d in services[name].depends_on if d in services]
    return seen


def _alone_fails(stuck: list[Service]) -> str:
    """What `pull_policy: never` services of an image other services pull do: `up` creates them after
    its pulls, so they use that image; started alone (`up SERVICE`) nothing pulls it for them."""
    if not stuck:
        return ""
    one = len(stuck) == 1
    return (f"; {_names(stuck)} (pull_policy {stuck[0].pull_policy}) use{'s' if one else ''} that pull, "
            f"started alone {'it fails' if one else 'they fail'}")


def _names(svcs: list[Service], shown: int = 3) -> str:
    """`'a', 'b' and 'c'`, or `'a', 'b', 'c' and 17 more services`."""
    names = [f"'{s.name}'" for s in svcs]
    if len(names) == 1:
        return names[0]
    if len(names) <= shown:
        return ", ".join(names[:-1]) + f" and {names[-1]}"
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more services"


def _published(image: str) -> bool:
    """Whether a registry plausibly has the reference: a namespace or registry (`org/app`,
    `ghcr.io/org/app`). A bare `app:latest` means docker.io/library/app: official images only
    (kitsune's `node:22-bookworm`: `docker pull`, not "build or load")."""
    name = image.split("@")[0]
    return "/" in name or name.split(":", 1)[0].lower() in OFFICIAL_IMAGES


# Docker Hub's official images a project commonly names bare (docker.io/library/NAME)
OFFICIAL_IMAGES = frozenset({
    "adminer", "alpine", "almalinux", "amazonlinux", "bash", "busybox", "caddy", "cassandra", "centos",
    "clojure", "composer", "couchbase", "couchdb", "dart", "debian", "docker", "drupal",
    "eclipse-mosquitto", "eclipse-temurin", "elasticsearch", "elixir", "emqx", "erlang", "fedora", "flink",
    "gcc", "ghost", "golang", "gradle", "haproxy", "haskell", "httpd", "influxdb", "jetty", "joomla",
    "julia", "kibana", "kong", "logstash", "mariadb", "matomo", "maven", "mediawiki", "memcached", "mongo",
    "mongo-express", "mysql", "neo4j", "nextcloud", "nginx", "node", "odoo", "openjdk", "oraclelinux",
    "percona", "perl", "php", "phpmyadmin", "postgres", "pypy", "python", "rabbitmq", "redis", "redmine",
    "registry", "rockylinux", "ruby", "rust", "sonarqube", "solr", "swift", "telegraf", "tomcat",
    "traefik", "ubuntu", "varnish", "wordpress", "zookeeper",
})


def _canonical(image: str) -> str:
    """`redis` -> `redis:latest`; a digest or an explicit tag stays as written."""
    if "@" in image or _TAG.search(image):
        return image
    return f"{image}:latest"


_ARCHES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm", "i386": "386"}
_OSES = {"linux", "darwin", "macos", "windows", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "android",
         "ios", "aix", "plan9", "js", "wasip1", "dragonfly"}


def _os_arch(platform: str) -> tuple[str, ...]:
    """(os, arch) as containerd's platforms.Parse and Normalize read them, so that `linux/x86_64`,
    `x86_64` or `amd64` is the engine's `linux/amd64` (docker runs the local image for each), `aarch64`
    and `arm64/v8` are `arm64`, `armhf`/`armel` are `arm`; a lone arch is the engine's OS, linux. A
    variant is not compared (as before: the engine's image list says too little of one)."""
    parts = [part.strip().lower() for part in platform.split("/")]
    if not parts or not parts[0]:
        return ()
    if parts[0] not in _OSES:
        parts.insert(0, "linux")
    if len(parts) < 2 or not parts[1]:
        return (parts[0],)
    os_name = "darwin" if parts[0] == "macos" else parts[0]
    return (os_name, _ARCHES.get(parts[1], parts[1]))
