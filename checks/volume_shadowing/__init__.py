"""volume-shadowing: volumes over image-filled paths that keep stale content; binds hiding image content."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable, service_names
from doctor.project import Project
from doctor.project.devcontainer import DevInstall, installs
from doctor.project.filled import FilledPath, hides, image_filled, within
from doctor.project.service_start import not_node, start_installs
from doctor.project.types import Mount, Service

from .hidden_start import _hidden_start

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.recipe import Recipe

DEPENDENCY_DIRS = frozenset(("node_modules", ".venv", "venv"))


class VolumeShadowing(Check):
    """volumes over image-filled paths (node_modules, venvs) that keep stale content; binds hiding image content

    What it finds
        A named or anonymous volume mounted where the service's image installs dependencies
        (`/app/node_modules` after `npm ci`, a virtualenv after `uv sync` or `python -m venv`, its
        path also as `${VIRTUAL_ENV}` from the image's ENV; the project's `.venv` after `poetry
        install` when Poetry keeps it in the project: `poetry config virtualenvs.in-project true`,
        `POETRY_VIRTUALENVS_IN_PROJECT` in ENV or an ARG, or a poetry.toml saying so, while without
        that Poetry's venv lies under its cache folder, outside any bind of the project):
        docker copies the image's content into the volume once, when it is created, and never again
        — a note. A volume over a folder that holds such a path keeps it as stale, and is a note
        naming the path inside and the Dockerfile line that fills it (a compose `- /workspace/app`
        over the image's `/workspace/app/.venv`), unless a deeper mount takes that path. The image's
        own `VOLUME` lines count as anonymous volumes of each container, at the Dockerfile line,
        where no compose mount has the same target: compose keeps them when it recreates the
        container, as it keeps its own anonymous ones (litestar-fullstack's Dockerfile.dev ends with
        `VOLUME /workspace/app` after `uv venv` and `bun install` filled it), and one deeper than a
        bind keeps what it holds visible. A node_modules or venv the RUN steps do not show filled
        (copied from a deps stage) counts only in the working folder of the stage compose builds.
        Live: when that volume exists and is older than the image, a warning naming the volume and
        its age; where the engine cannot be asked, the note says its age is not known, and why. A
        volume the project's dev container fills itself is judged by who fills it: a
        devcontainer.json (`.devcontainer/devcontainer.json`, `.devcontainer.json` or
        `.devcontainer/<name>/devcontainer.json`, in the compose folder or one above it in the
        checkout) that starts these compose files, attaches to the service and runs a lifecycle
        command (`onCreateCommand`, `updateContentCommand`, `postCreateCommand`, `postStartCommand`,
        `postAttachCommand`) installing there from its `workspaceFolder`. Where no image is seen to
        fill the path (wiki.js: a dev Dockerfile with no install, `"postCreateCommand": ["yarn",
        "install"]` into the anonymous /wiki/node_modules) nothing is reported: this check is about
        image content a volume keeps, and there is none; the volume holds what the command
        installed, refreshed each time the dev container is created, and `up -V` would renew it
        empty, with nothing to fill it until the command runs again. Where the image fills it too,
        the note stays (a plain `up` after a rebuild keeps the first content) with that command as
        its advice, and no age is read: the command refreshed the volume, whatever its age. Also a
        bind mount over
        a folder the image filled (an install, or another stage's output a `COPY --from` put there:
        paperless-ngx's compiled frontend), with no volume keeping it and no such folder on the
        host: the bind hides what the image holds (a note for a stage's output: a dev build may skip
        it on purpose, as redash's does; its three services merging one anchor's `.:/app` are one
        note, naming them). A node_modules hidden from a service whose command runs a program that
        is not node (nautobot's `../:/source` over /source/nautobot/ui/node_modules, in `nautobot`
        running `nautobot-server`; its `ui_build` service runs npm; openlibrary's `covers` running
        `docker/ol-covers-start.sh`, a project script that names no node tool, no wrapper such as
        make and no other script) is a note naming that program: only a node command started
        there misses it; where a dev container's lifecycle command installs it into the bind (a
        container running `tail`, as wiki.js's does, and a postCreateCommand `yarn install`), the
        note names that command (a start that runs node fails before that command runs: a
        warning). Nothing is reported where the service's own start installs it again before its
        program runs (AdventureLog's dev `web` under `./frontend:/app`, its command `... pnpm
        install --frozen-lockfile && pnpm exec vite dev`; BookStack's `node`, whose entrypoint
        script runs `npm install` first, read from the host), nor for a volume the start installs
        into: it is refreshed at each start. A `cd` to a folder doctor cannot place before the
        install, or a yarn running a script (`yarn dev`), installs nothing known there. An
        anonymous volume under the bind (`- /app/node_modules`) keeps the image's copy visible: the
        bind hides nothing there, and the volume is judged on its own. The image is the stage the service builds
        (`build.target`); a yarn install goes where the `.yarnrc` beside its package.json sends it
        (`--modules-folder /node_modules`: outside a bind of /app), and installs no node_modules
        under Plug'n'Play (`nodeLinker: pnp`). A service with no build whose `image:` is the one
        another service builds (same name and tag: pythondotorg's `worker` on the
        `pythondotorg:docker-compose` that `web` builds) runs that build's stage and is judged
        with it. Services on one mount line (warehouse's `*base_volumes`) are one finding naming
        them, and so are all the services of one named volume: removing it means stopping each.
        A `uv sync` venv goes where UV_PROJECT_ENVIRONMENT says, which a base image's own ENV may set
        (mitxonline's `FROM mitodl/ol-python-base:3.11` sets /opt/venv): under a base that is no
        official image (python, debian, ...; nor astral's uv), with no such ENV in the project's
        Dockerfile, the image's ENV is read from the engine where it has the image; where it lacks it,
        the hiding bind is a note "unless the base image sets UV_PROJECT_ENVIRONMENT". `uv sync
        --active` syncs the active virtualenv, the VIRTUAL_ENV the image sets, not WORKDIR/.venv
        (code4romania/redirectioneaza's /opt/venv, which its `./backend` bind does not hide); each
        RUN is read with the ENV in force at its line (an ENV before it in its stage or in the stage
        it is FROM): an `ENV VIRTUAL_ENV=...` after the `uv sync --active` leaves it WORKDIR/.venv.
        An error: a bind over the folder holding the file the container starts (its entrypoint or
        command, or the image's ENTRYPOINT or CMD, an absolute path; `sh /code/start.sh`'s script; the
        program an init starts, tubearchivist's `/bin/tini -- ./run.sh`, a relative one from the WORKDIR),
        where the image's file comes from a COPY of a host file that exists and the bound folder on
        the host has no such file (AdventureLog's dev `../backend/server:/code` over the
        `/code/entrypoint.sh` COPY'd from backend/entrypoint.sh): `up` fails with `exec ... no such
        file or directory`.

    Why it matters
        After adding a dependency and rebuilding, the container still sees the old node_modules
        or venv ("Cannot find module", "No module named ...") because compose reuses the volume;
        a bind of the source tree over /app hides the image's node_modules altogether.

    Example
        compose.yaml:9  volume 'shop_node_modules' over /app/node_modules is 12 days older than image 'shop-web'

    Fix
        For a stale volume: `docker compose up -d --renew-anon-volumes SERVICE` (anonymous, an
        image VOLUME's too) or
        `docker volume rm NAME` (named: `-V` renews anonymous volumes only, the note says so too),
        after `docker compose rm --stop --force` of the services whose containers mount it (the
        engine refuses to remove a volume any container holds, a stopped one too), then `up -d`
        of those services: it is refilled from the image. For a volume the dev
        container's lifecycle command fills: that command run again in its container (`docker compose
        exec wiki yarn install`, with the -p, `-u` and `-w` the dev container runs it with), or a
        rebuild of the dev container. For a hiding bind:
        advice to add an anonymous volume for the folder, or to install the dependencies on the
        host.

    Fix safety
        Unsafe: the volume's content is thrown away (asks first; only with --yes unattended).
        The notes and the bind advice change nothing.
    """

    id = "volume-shadowing"
    severity = Severity.WARNING
    fix_family = "volumes"
    fork_safe = True  # reads no probe the run starts early: may run beside the run (doctor.forked)

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        from doctor.project.image_builders import reference_key

        services = sorted(project.services.values(), key=lambda s: s.name)
        # a service with no build on the image another service builds runs that build's recipe
        # (pythondotorg's `worker` on the `pythondotorg:docker-compose` that `web` builds)
        builders: dict[str, Service] = {}
        for svc in services:
            if svc.build is not None and svc.image:
                builders.setdefault(reference_key(svc.image), svc)
        # services that share one mount line (redash's three, merging one YAML anchor; warehouse's
        # `*base_volumes`) are hidden or kept stale alike: one finding there, naming them all
        binds: dict[tuple[object, ...],
                    tuple[list[Service], Mount, FilledPath, Path, str | None, DevInstall | None]] = {}
        kept: dict[tuple[object, ...], tuple[list[Service], Mount, Path, dict[str, FilledPath]]] = {}
        # of those, the volumes an image is seen to fill, and those a dev container's lifecycle command fills
        seen: set[tuple[object, ...]] = set()
        refilled: dict[tuple[object, ...], DevInstall] = {}
        fresh: set[tuple[object, ...]] = set()  # named volumes a user's own start installs into
        # a bind hiding the program the container starts with (its mount line, the program): that start fails
        starts: dict[tuple[Mount, str], tuple[list[Service], Mount, str, str]] = {}
        for svc in services:
            maker = svc if svc.build is not None else builders.get(reference_key(svc.image)) if svc.image else None
            build = maker.build if maker is not None else None
            path = build.dockerfile_path if build is not None else None
            recipe = project.recipe(path, build.target) if path is not None and build is not None else None
            if maker is None or path is None or recipe is None:
                continue
            filled = image_filled(project, maker, recipe)
            mounts = [*svc.volumes, *_image_volumes(svc, recipe)]
            volumes = [m for m in mounts if m.type == "volume"]
            home = posixpath.normpath(svc.working_dir or recipe.workdir)
            # read only where a mount needs them (the dev containers' configurations, the start's scripts):
            # what the dev container's lifecycle commands install, and what its own start installs
            # (`pnpm install && pnpm exec vite dev`), there each time it runs
            dev = functools.cache(functools.partial(installs, project, svc, recipe))
            start = functools.cache(functools.partial(start_installs, project, svc, recipe))
            for mount in volumes:
                target = posixpath.normpath(mount.target)
                origin = next((f for f in filled if f.path == target), None)
                # a volume over a folder holding installs keeps them as stale as one over each
                # (litestar-fullstack's `VOLUME /workspace/app` over its .venv): those no deeper mount takes
                inside = [] if origin is not None else [f for f in filled if _kept_by(mount, f.path, mounts)]
                # a node_modules the RUN steps do not show filled (a COPY --from a deps stage) is
                # counted in the image's working folder only: hoppscotch's 'backend' target runs
                # in /dist/backend, and its volume over /usr/src/app/node_modules holds nothing
                if origin is None and not inside and (posixpath.basename(target) not in DEPENDENCY_DIRS
                                                      or posixpath.dirname(target) != home):
                    continue
                if target in start() or (inside and all(f.path in start() for f in inside)):
                    if mount.source:  # a rebuild's new dependencies reach it at the next start: fresh for each user
                        fresh.add((mount.source, target))
                    continue
                inside = [f for f in inside if f.path not in start()]
                # a named volume is one volume whichever lines mount it (warehouse's node_modules, in
                # `*base_volumes` and in worker's own list): renewing it means stopping every user
                where: tuple[object, ...] = (mount.source, target) if mount.source else (mount.location, target, path)
                refill = dev().get(target)
                if refill is not None:
                    # the dev container's command fills its own container's anonymous volume, no other's
                    where = where if mount.source else (*where, svc.name)
                    refilled.setdefault(where, refill)
                if origin is not None or inside:
                    seen.add(where)
                entry = kept.setdefault(where, ([], mount, path, {}))
                entry[0].append(svc)
                entry[3].update((f.path, f) for f in inside)
            for mount in (m for m in svc.volumes if m.type == "bind" and m.source):
                for filled_path in filled:
                    hidden = _placed(host, recipe.base, filled_path) if filled_path.unless else filled_path
                    # the start installs it again, into the bind: AdventureLog's dev 'web' under ./frontend:/app
                    if hides(mount, hidden, volumes) and hidden.path not in start():
                        program = (not_node(svc, recipe, project) if posixpath.basename(hidden.path) == "node_modules"
                                   else None)
                        # a dev container's lifecycle command installs it into the bind, after the start: a
                        # start that runs node fails first, one that does not (wiki.js's `tail`) waits for it
                        refill = dev().get(hidden.path) if program else None
                        key = (mount.location, mount.source, mount.target, hidden.path, hidden.line, path, program,
                               refill)
                        binds.setdefault(key, ([], mount, hidden, path, program, refill))[0].append(svc)
            hidden_start = _hidden_start(svc, recipe, mounts, project.code_map(maker).copies)
            if hidden_start is not None:
                starts.setdefault(hidden_start[:2], ([], *hidden_start))[0].append(svc)
        for where, (users, mount, dockerfile, held) in kept.items():
            refill = refilled.get(where)
            # a node_modules or venv no image is seen to fill, which the dev container's own command
            # installs (wiki.js's postCreateCommand `yarn install` into /wiki/node_modules): no image
            # content is kept there, and a renewed volume stays empty until that command runs again
            if (refill is not None and where not in seen) or where in fresh:
                continue
            yield from self._volume(project, host, users, mount, _holding(project, dockerfile, held), refill)
        for users, mount, program, how in starts.values():
            source = project.shown(Path(mount.source or ""))
            names = service_names([u.name for u in users])
            message = (f"{names} bind {source}:{mount.target} hides {program}, which {how}: {source} has no "
                       f"{posixpath.relpath(program, posixpath.normpath(mount.target))}, so the container cannot "
                       "start (`exec ... no such file or directory`)")
            fix = Fix(f"bind only the folders you edit below {mount.target} (not the one holding {program}), or put "
                      f"the script in {source}", Safety.ADVICE)
            yield self.finding(message, mount.location, f"{','.join(u.name for u in users)}:{program}", fix,
                               Severity.ERROR)
        for users, mount, hidden, path, program, refill in binds.values():
            yield self._bind(project, users, mount, hidden, path, program, refill)

    def _volume(self, project: Project, host: Host, services: list[Service], mount: Mount,
                holding: str, refill: DevInstall | None = None) -> Iterator[Finding]:
        kind = (f"volume '{mount.source}'" if mount.source else "anonymous volume" if mount.raw != _VOLUME_RAW
                else "anonymous volume (image VOLUME)")
        target = posixpath.normpath(mount.target)
        if refill is not None:  # the dev container refills it at each creation: its age says nothing
            names = service_names([s.name for s in services])
            sep = " " if len(services) == 1 else ": "
            title = (f"after a dependency change run {refill.rerun} (the {refill.key} of "
                     f"{project.shown(refill.config)}), or rebuild the dev container")
            message = f"{names}{sep}{kind} over {target} keeps its first content after image rebuilds{holding}"
            yield self.finding(message, mount.location, f"{','.join(s.name for s in services)}:{target}",
                               Fix(title, Safety.ADVICE), Severity.INFO)
            return
        from .stale_volumes import _renew_named, _stale  # here: only a volume reported is asked its age

        # each service's volume against its image: a named volume is one for all, anonymous ones each their own
        ages: dict[tuple[str, str] | None, list[Service]] = {}
        unknown = ""  # why the engine could not be asked: the note says its age was not compared
        for svc in services:
            try:
                stale = None if unknown else _stale(project, host, svc, mount)
            except Unavailable as exc:
                stale, unknown = None, exc.reason
            ages.setdefault(stale, []).append(svc)
        for stale, users in ages.items():
            names = service_names([s.name for s in users])
            sep = " " if len(users) == 1 else ": "  # `'web' volume ...`, `'base', 'tests': volume ...`
            args = " ".join(s.name for s in users)
            subject = f"{','.join(s.name for s in users)}:{target}"
            if stale is None:
                message = f"{names}{sep}{kind} over {target} keeps its first content after image rebuilds{holding}"
                if unknown:
                    message += f"; whether it is older than its image is not known ({unknown})"
                if mount.source:  # -V renews anonymous volumes only: a named one is removed, the next up refills it
                    title = (f"after a dependency change stop {names} and remove volume '{mount.source}' "
                             f"({project.compose_words()} down {args}, then docker volume rm "
                             f"{project.compose.project_name}_{mount.source}, unless it has a name: of its own)")
                else:
                    title = f"after a dependency change run {project.compose_words()} up -d -V {args}"
                yield self.finding(message, mount.location, subject, Fix(title, Safety.ADVICE), Severity.INFO)
                continue
            name, age = stale
            message = f"{names}{sep}volume '{name}' over {target} is {age} older than its image: stale content{holding}"
            base = ("docker", "compose", "-p", project.compose.project_name,
                    *(arg for f in project.compose.files for arg in ("-f", str(f))))
            if mount.source:
                fix = _renew_named(project, host, base, name)
            else:
                fix = Fix(f"recreate {names} with fresh anonymous volumes (up -V)", Safety.UNSAFE,
                          command=(*base, "up", "-d", "--force-recreate", "--renew-anon-volumes",
                                   *(s.name for s in users)))
            # its own subject: the note about the same mount stays after the fix, this must not
            yield self.finding(message, mount.location, f"{subject}:stale", fix)

    def _bind(self, project: Project, services: list[Service], mount: Mount, hidden: FilledPath,
              dockerfile: Path, program: str | None, refill: DevInstall | None) -> Finding:
        shown = _relative(project, Path(mount.source or ""))
        where = f"{project.shown(dockerfile)}:{hidden.line}"
        names = ", ".join(f"'{svc.name}'" for svc in services)
        message = f"{names} bind {shown}:{mount.target} hides {hidden.path} ({hidden.tool}, {where})"
        made = "build" if hidden.tool.startswith("COPY --from") else "install"  # a stage's output is built
        whose = f"the volumes of {names}" if len(services) == 1 else f"the volumes of each of {names}"
        fix = Fix(f"add '- {hidden.path}' to {whose}, or {made} it on the host", Safety.ADVICE)
        # a stage's output may be a stand-in the dev build skips on purpose (redash builds with
        # skip_frontend_build and has the developer build client/dist on the host): a note
        severity = Severity.INFO if made == "build" else None
        if hidden.unless:  # mitxonline's base mitodl/ol-python-base sets UV_PROJECT_ENVIRONMENT=/opt/venv
            message += f", unless the base image sets {hidden.unless}"
            severity = Severity.INFO
        if program:  # nautobot's Django server under `../:/source`: its ui_build service runs npm, with them
            runs = f"{names} {'runs' if len(services) == 1 else 'run'} {program}, not node"
            message += (f"; {runs}, and the {refill.key} of {project.shown(refill.config)} installs them into the bind"
                        if refill is not None else f"; {runs}: only a node command started there misses them")
            severity = Severity.INFO
        subject = f"{','.join(svc.name for svc in services)}:{hidden.path}"
        return self.finding(message, mount.location, subject, fix, severity)


_VOLUME_RAW = "VOLUME"  # the `raw` of a mount the image's VOLUME makes


def _placed(host: Host, base: str, filled: FilledPath) -> FilledPath:
    """A filled path whose place a base image's ENV may change (`uv sync` under a base doctor does
    not know), placed by that image's ENV where the engine has it (its UV_PROJECT_ENVIRONMENT, or
    the default kept, known either way); unchanged, still unsure, where the engine lacks it."""
    try:
        image = host.images.image(base) if base else None
    except Unavailable:
        return filled
    if image is None:
        return filled
    value = dict(image.env).get(filled.unless)
    if value is None or not value.strip():
        return FilledPath(filled.path, filled.line, filled.tool)
    if "$" in value:
        return filled
    path = posixpath.normpath(posixpath.join(posixpath.dirname(filled.path), value.strip()))
    return FilledPath(path, filled.line, filled.tool)


def _image_volumes(svc: Service, recipe: Recipe) -> list[Mount]:
    """The anonymous volumes the image's VOLUME lines give each container of the service: one per
    path that no compose mount of the same target replaces. Compose keeps them when it recreates
    the container, as it keeps its own anonymous volumes, unless `up -V` (compose's
    buildContainerMountOptions: "inherit previous container's anonymous volume")."""
    from doctor.model import Location

    taken = {posixpath.normpath(m.target) for m in svc.volumes}
    return [Mount("volume", None, path, location=Location(recipe.path, line), raw=_VOLUME_RAW)
            for path, line in dict(recipe.volumes).items() if path not in taken]


def _kept_by(volume: Mount, path: str, mounts: list[Mount]) -> bool:
    """Whether `path` lies strictly inside the volume's target and no deeper mount of the
    container takes it (a bind of ./src over /workspace/app/src takes its node_modules)."""
    target = posixpath.normpath(volume.target)
    if path == target or not within(path, target):
        return False
    return not any(m is not volume and len(posixpath.normpath(m.target)) > len(target) and within(path, m.target)
                   for m in mounts)


def _holding(project: Project, dockerfile: Path, inside: dict[str, FilledPath]) -> str:
    """`, with /app/.venv in it (venv, Dockerfile:4)` for the installs a volume over their folder
    keeps; "" for none."""
    if not inside:
        return ""
    first, *more = inside.values()
    also = f" and {len(more)} more" if more else ""
    return f", with {first.path}{also} in it ({first.tool}, {project.shown(dockerfile)}:{first.line})"


def _relative(project: Project, path: Path) -> str:
    """A bind's source as a compose file writes it: `./web`, `.`, `../` for the repo around a
    project in `development/` (nautobot's `../:/source`), else absolute."""
    shown = project.shown(path)
    if shown == "..":
        return "../"
    return shown if shown.startswith(("/", ".")) else f"./{shown}"
