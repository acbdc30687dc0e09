"""missing-mount: COPY'd source folders the dev mounts forgot, and bind sources that do not exist."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.edits import override_edit
from doctor.project.types import Service

from .bare_peers import bare_runs
from .bind_sources import absent_sources
from .carriers import Carrier, _carriers, _hidden_by, _same_image, _shared_mode
from .copied import copied_folders, inside, live_code, manifests_only, whole_context
from .devices import absent_devices
from .docs_build import docs_build_of
from .made_as import made_as
from .made_dirs import made_directories
from .mounts_file import mounts_file, retitled
from .placement import _beside, _brought_beside, _few, _for_each, _gathered, _split, _target, _written
from .remote_binds import remote_endpoint
from .run_paths import unprovided_runs
from .run_time import RunTimeReads

GROUP_AFTER = 3  # folders one mount line misses, past which they are one finding


class MissingMount(Check):
    """dev bind mounts that cover some of an image's COPY'd source folders but not others

    What it finds
        A service whose dev setup edits the image's sources live (a bind mount, or a
        `develop.watch` sync rule, over any folder its Dockerfile COPYs from the build context)
        while another COPY'd source folder of the same build context is neither mounted nor
        synced (nor rebuilt by a watch rule): `app/` is mounted, `scripts/` is not, so edits to
        scripts/ never reach the container, however many folders are mounted. The mounts must bring
        code (a Python package, or code, template or front-end files: pontoon's ./translate, a React
        app): a lone bind of dependency lists, data, config or documentation chose no code to edit,
        and leaves no folder "missing". A `COPY . /code` of
        a service's own context (`context: backend`) counts as a COPY of each of its top folders
        (not dot folders, what `.dockerignore` keeps out, deploy/docs folders that are no Python
        package: djangoproject.com's docs/ app counts, or a folder with its own Dockerfile); of a
        repo-root context only the Python packages (a top folder with an `__init__.py`: robotoff's
        dev.yml mounts tests/ and migrations/ but not robotoff/; in a PHP app, a composer.json there,
        the top folders holding PHP code: laravel-docker-examples' bootstrap/ and config/; in a Ruby app, a
        Gemfile there, those holding Ruby code: hackclub/hcb's lib/, which Rails autoloads; in a Go
        module, a go.mod there, those holding Go code: go-clean-template's config/, which the `go run
        ./cmd/app` of its dev override compiles in beside the mounted internal/ and pkg/; not a folder of
        `_test.go` files alone, nor of `//go:build ignore` generators or a `//go:build tools` pin), the
        folders the service mounts
        whole (pontoon's ./requirements and ./translate, beside the package pontoon/ it forgets) and the
        folders the service reads while it runs: a migrations folder (an alembic or Flask-Migrate
        layout, `env.py` beside `versions/`, or one an alembic.ini's `script_location` names:
        CTFd's entrypoint runs `flask db upgrade` on migrations/) and a folder its command,
        entrypoint or the script they run names as a path (`/app/bin/docker-entrypoint`,
        `--directory db`), not its deployment, docs and host-only scripts. A service that builds
        documentation (its run is sphinx-build, sphinx-autobuild, mkdocs, `python -m sphinx`, or a
        Makefile goal whose recipe runs one, and its mounts bring the docs' conf.py or mkdocs.yml)
        misses only the folders its docs read: a module autodoc or mkdocstrings documents, one
        conf.py's code imports or names (`"config.settings.local"`), a path its config or run names
        (`sys.path.insert(0, os.path.abspath("../src"))`, a recipe of the make it runs, and of the
        makes that recipe runs, `$(MAKE) livehtml`); not what the config tells the build to skip
        (`exclude_patterns = ["tests"]`, `autodoc_mock_imports`, mkdocs' `exclude_docs`, nor the
        documents exclude_patterns matches), a label (`html_theme`), a comment or a docstring;
        cookiecutter-django's `docs` service, whose `/start-docs` runs `make livehtml` beside
        ./config and the package autodoc documents, is not told to mount tests/. Services sharing the
        same mount lines (eleven merging one YAML anchor) are one finding, fixed for each. A
        COPY'd folder some of whose subfolders are mounted, but not the folder itself (`COPY backend/ ./` with
        ./backend/src and ./backend/test mounted), counts as a COPY of each of its subfolders,
        judged the same way (backend/config); its own code files (`.py`, `.js`, `.ts`, ...; not an
        empty `__init__.py`) that no mount brings make it one finding, whose fix mounts the folder
        whole, its missing subfolders with it (bakerydemo's `urls.py` and `wsgi.py` beside the app
        folders its override mounts one by one), unless the image puts more there from elsewhere
        (tubearchivist's `COPY ./docker_assets/run.sh /app`, its CMD), which that mount would hide
        and the container could not start: then each missing subfolder is mounted where the image
        has it, and the loose files are named for the developer (advice). A folder of placeholder
        files alone (`.gitignore`, `.gitkeep`: Laravel's storage/, also COPY'd to
        /var/www/storage-init) is a skeleton the app fills at run time, no source to mount. Only the built
        image's folders count: the `build.target` stage (else the last) and the stages it is
        built FROM, not a builder stage or a later stage (`FROM development AS tests`), unless a
        `COPY --from` brings what the builder took from the context whole (healthchecks' builder
        `COPY . /opt/healthchecks/`, then `COPY --from=builder /opt/healthchecks/ /opt/healthchecks/`),
        less what a RUN deletes after the COPY (its `rm -rf /opt/healthchecks/stuff`: no stuff/ to
        mount; `rm -r`, a path from the WORKDIR or a `cd` alike). A folder that such a stage takes by
        name and builds, the image keeping only its output (IntelOwl's
        node stage `COPY frontend/ .`, then `COPY --from=frontend-build /build /var/www/reactapp`), is
        dead where a `COPY .` also puts it: not judged, unless it is a Python package or the service's
        run names it. Build
        output, static or vendored folders (`dist/`, `static/`, `vendor/`...), a folder of
        dependency lists only (`requirements/` of base.txt and local.txt, lockfiles: the image
        installs from them when built, a mount changes nothing) and single files are not judged.
        A COPY'd folder that a bind over its parent hides (`./backend:/app` over
        `COPY bin/ /app/bin`, the image's ENTRYPOINT) is reported whatever other services of the
        image mount, and goes back where the image has it (`./bin:/app/bin`).
        It also finds bind sources inside the project that do not exist (and those written relative
        to it, `../x`, `${PWD}/../x`, or by a variable whose value is relative: devstack's
        `${DEVSTACK_WORKSPACE}/edx-platform` with it `..`): docker creates them as
        root-owned directories, even where a file was meant; a rootless engine (a plain local engine
        whose socket a user owns) as its user, root in its containers (CTFd's `.data/redis` came out
        1001:1001 under Debian's rootless dockerd 20.10.24 of uid 1001: "docker will create it owned
        by you (root in the rootless engine)"). A source deep in a folder beside
        the checkout that is missing whole (openedx/devstack's `../edx-platform/common/test/data`)
        is another repository not cloned yet: a warning whose advice is to clone it (naming a
        Makefile target that clones, `make dev.clone`), never to create the folder, which the clone
        would then refuse. A file-looking source
        (`./nginx.conf`, `./app.jar`, `./.env.local`: any name with an extension, a known
        dotfile like `.env` or `.npmrc`, a known extensionless file like `Makefile` or `Procfile`,
        or one mounted at such a target, bar a folder named like a file, acme.sh's `/etc/acme.sh`,
        or where the image COPYs a file) or a service that runs as a
        non-root `user:` is a warning; so is one whose service has no `user:` and whose image runs as
        a non-root `USER` (of the stage it is built at: Simple-Data-Engineering's `FROM
        apache/airflow` ... `USER airflow`, whose ./airflow/logs airflow cannot write once docker made
        it root's), unless the target lies in the tree the image COPYs the code to (open-prices'
        stale `./tests:/opt/open-prices/tests` under `COPY . /opt/open-prices`: source, read, not
        written) or a root service mounting it chowns it first (CTFd's `permissions`, `chown -R
        1001:1001 ...`); a folder that a root service every writer waits for the end of gives to
        their `user:` first, through a bind mount of its own (Apache Airflow's `airflow-init`, which
        each writer or a service it depends on names with `condition:
        service_completed_successfully`, the project at /sources: `chown -R "${AIRFLOW_UID}:0"
        /sources/{logs,dags,plugins}`, braces expanded), is info naming that chown (./config, which
        it does not chown, stays a warning; a plain `depends_on: [init]` waits only for the init's
        start, so the writer may meet the folder still root's: a warning; so is a chown of a folder
        nothing made before it, `No such file or directory`: the init's own bind of it, or a
        `mkdir` before the chown, as Airflow's `mkdir -p /sources/logs ...`, makes it).
        `create_host_path: false` is an error (the container cannot
        start), a plain data or log directory only info (often intended). After the first `up`,
        the empty directory docker made for a file-looking source mounted at a file-looking
        target (`./nginx.conf:/etc/nginx/nginx.conf`) is an error: the service gets a directory.
        With a remote engine (DOCKER_HOST `tcp://` or `ssh://` to another machine, or a docker
        context naming one) a bind source is a path of the engine's machine (compose sends the
        absolute path it resolved here), so one missing here proves nothing there: it is info
        saying the engine looks it up on its machine (a warning where create_host_path is false),
        and the advice names that machine and the absolute path (`ssh HOST 'mkdir -p PATH'` for an
        ssh:// engine); nothing is created here. A named volume whose local driver binds a host
        folder (`driver_opts: {type: none, o: bind, device: /mnt/data/jupyterlab}`) that does not
        exist is an error at its `device:` line: docker makes no folder for a volume's device, and
        each service mounting it fails to start ("failed to mount local volume: ... no such file or
        directory"); so is a relative device compose sends as written (it resolves one against the
        project only under `driver: local` with `o: bind` exactly, not with no `driver:` or `o:
        bind,ro`), which the engine cannot find wherever the folder is. Such a volume with no `type:`
        (`driver_opts: {o: bind, device: /abs/data}`) is an error at its `driver_opts:` line, the folder
        there or not: the local driver refuses to create it (`create P_dv: missing required option:
        "type"`, engine 20.10), and its safe fix writes `type: none` beside the device.

        An absolute path a service's entrypoint or command runs (compose's, else the image's) that
        falls in a tree the service has from the project (the folder above `./dojo:/app/dojo` is the
        project's `.` at /app) while no mount, COPY (nor `COPY --from`) or RUN line provides it,
        and the host has the file at the matching place, is an error: DefectDojo's unit-test mode
        narrows `.:/app:z` to ./dojo and keeps `/app/docker/entrypoint-unit-tests-devDocker.sh`,
        which only the wide bind brought ("no such file or directory").

        A service that runs a command (not an idle `sleep infinity`) in a working folder its image
        leaves empty (its Dockerfile COPYs nothing there, and no RUN clones, copies, unpacks or
        downloads into it: `RUN git clone ... .`; a `mkdir` or `chown` puts no code there) and that
        it mounts nothing at (nor takes, with `volumes_from`, the mounts of a service that has one
        there), while a
        service built from the same Dockerfile binds the project there, is an error: maybe's
        devcontainer 'worker' runs `bundle exec sidekiq` in /workspace beside 'app''s
        `..:/workspace:cached` ("Could not locate Gemfile"); the fix gives it that bind and the
        peer's volumes inside it or at a path its environment names (`bundle_cache:/bundle` for
        BUNDLE_PATH=/bundle).

        More than three folders one mount line misses are one finding naming the first three
        and how many more, whose fix adds every mount (djangoproject.com's override mounting
        `./accounts` alone beside twelve sibling apps).

    Why it matters
        The container runs the copy of scripts/ baked into the image at build time, so a fix on
        the host "does nothing" until someone rebuilds. A bind source docker had to create is
        a root-owned directory in the checkout that the developer cannot delete.

    Example
        compose.override.yaml:6  'backend' mounts backend/app but not backend/scripts

    Fix
        Add the missing mount beside the service's other mounts, in the override compose reads them
        from (IntelOwl's docker/test.override.yml, not the last -f file nginx.override.yml, which the
        prod stack reads too), else in the dev override, else, where no dev override is read
        (peeringdb's `-f Ctl/dev/docker-compose.yml` alone), in the file that holds the other mounts
        (`- ../../tests:/srv/www.peeringdb.com/tests:Z`), with the same layout as its siblings
        (`./backend/scripts:/app/scripts`; never moved up to `/`, where `./bin:/bin` would hide
        the container's own /bin), quoted as they are and with the mode they all share (`:z`,
        `:Z`, `:cached`, `:delegated`; `:ro` only when every sibling is read-only), in long syntax
        where every sibling bind is (`- type: bind`, `source:`, `target:`, with the `read_only` and
        `bind:` options they all share), for every service of the image that misses the folder in
        the same edit (web and its worker: fixed for web alone, the worker's gap would read as
        chosen), or, where the siblings reach the container through `develop.watch`, a sync rule
        beside theirs (advice). Missing folders that all lie in one folder the image has whole
        (litestar-fullstack's src/js/web, src/js/templates and src/py) are that folder, mounted once;
        paths are written as the compose file writes them (`../../../tools` beside `context: ../../..`,
        not `../..`). For a run path only
        the host has: mount its folder (`./docker:/app/docker`). For a missing bind source: create
        it (a directory, or the file that was meant) before `docker compose up`, unless the path
        exists from a folder above the compose folder (its checkout's top, or up to three above:
        `did you mean ../../src?`, the path to write), or an empty folder would hide the image's code
        (a target at its WORKDIR or COPY destinations: point the mount at the code; not where the
        image has only placeholders there, pixelfed's bootstrap/cache of a `.gitignore`, nor where the
        service's start copies the content back: its entrypoint, a script that runs by its path, or
        each of a folder it runs, `run-parts`, a loop over `/docker-entrypoint.d/*.sh`, pixelfed's
        /docker/entrypoint.d/10-storage.sh running `cp --force --recursive storage.skel/. ./storage/`:
        then a data folder like any other), or the path
        lies in a package manager's install folder that an install fills, in a package not installed
        yet that its manifest or lockfile names (monica's Laravel Sail
        `./vendor/laravel/sail/database/mysql/create-testing-database.sh`: `composer install` from
        the composer.json beside `vendor/`, a warning, as the root-owned folder docker would make
        there stands in the install's way; `node_modules/` beside package.json alike, except where the
        image of every service mounting it keeps its packages on NODE_PATH, Buuntu/fastapi-react's
        `ADD package.json /package.json`, `RUN npm install` there and `ENV NODE_PATH=/node_modules`,
        which Node finds past the empty folder: an info with `mkdir -p`, only for an ENV, not an ARG,
        that compose's `environment:` does not replace, with a package.json copied beside that
        node_modules, `COPY package*.json /` too, and an install run in that folder); for a service
        that runs as a numeric `user:` (lemmy's pictrs, `991:991`) or image `USER`, then chown it to
        that user (a named image USER, whose uid only the image knows, inside it: `docker compose run
        --rm --no-deps --user 0:0 --entrypoint chown airflow-webserver airflow /opt/airflow/logs`); under
        a rootless engine, where that uid is a subuid of yours that no chown on the host gives, inside
        the engine (`docker compose run --rm --no-deps --user 0:0 --entrypoint chown pictrs 991:991
        /mnt`).
        Where that number is an unset variable's default (airflow's `${AIRFLOW_UID:-50000}:0`), set
        the variable to your own id in .env instead (`echo "AIRFLOW_UID=$(id -u)" >> .env`: compose
        runs no `$(...)` written in .env; under `--env-file`, in the last file given, compose reading
        no .env then): a chown to 50000 would
        take the folder from you. A file git tracks but this checkout lacks is restored
        (`git checkout -- FILE`), not created.

    Fix safety
        Safe: it only adds a bind mount to a file that compose loads, the dev override, the override
        holding the service's mounts, or, where no dev override is read, the file holding them (its
        title says "in a new dev override compose.override.yaml" when the fix creates that file, "in
        test.override.yml beside its other mounts"), with the layout of the mounts already there; where
        the siblings are synced by `develop.watch`, it is advice. Creating a missing bind-source folder
        inside the project (`mkdir -p`) where `create_host_path: false` stops the service without it is
        safe: the folder is yours; so is the `mkdir -p` of a volume's missing device inside the
        project, which the service cannot start without. For a data or log folder docker makes on first `up` (a note:
        mitxonline's `.localstack/mounted`) it is advice: a `fix` making the output folders of services
        you may never start would change what other checks read. A folder outside the project (itself
        or through a symlink), one for a service that runs as another user, a file, a path above, or
        a package manager's install are advice; so is every folder of a remote engine's machine.
    """

    id = "missing-mount"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    fix_family = "mounts"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        # services whose mounts are the same lines (robotoff's eleven merging one `x-robotoff-dev`
        # anchor) missing the same folder: one finding there, naming them all, one fix for each
        groups: dict[tuple[Location | None, str, str, str, str], list[str]] = {}
        lacking: dict[tuple[str, str], list[str]] = {}  # (folder, volume entry): the services missing it
        reads = RunTimeReads(project)
        for service in model.services.values():
            for location, rel, said, title, entry in self._uncovered_copies(project, service, reads):
                groups.setdefault((location, rel, said, title, entry), []).append(service.name)
                if entry:
                    lacking.setdefault((rel, entry), []).append(service.name)
        # and the folders one mount line misses: djangoproject.com's `./accounts` alone in the override
        # misses twelve sibling apps, one finding (and one edit) rather than twelve of the same words
        misses: dict[tuple[Location | None, tuple[str, ...], str, bool], list[tuple[str, str, str, str]]] = {}
        for (location, rel, said, title, entry), names in groups.items():
            head, cut, rest = said.partition(f" but not {rel}")
            key = (location, tuple(names), head if cut and not rest else said, bool(entry))  # not a hidden one's
            misses.setdefault(key, []).append((rel, said, title, entry))
        # up to three stay findings of their own, each with its own mount to add
        spread = [(key, [f]) for key, folders in misses.items() if len(folders) <= GROUP_AFTER for f in folders]
        for (location, names_key, head, _), folders in [*spread, *((k, f) for k, f in misses.items()
                                                                    if len(f) > GROUP_AFTER)]:
            names = list(names_key)
            rels = [rel for rel, _, _, _ in folders]
            said = folders[0][1] if len(folders) == 1 else \
                f"{head} but not {len(folders)} of its COPY'd folders: {_few(rels)}"
            if len(names) == 1:
                message = f"'{names[0]}' {said}"
            else:
                shown = ", ".join(map(repr, names[:3])) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                verb, _, rest = said.partition(" ")  # `mounts x but not y`: the plural
                message = f"{shown} ({len(names)} services sharing these mounts) {verb.removesuffix('s')} {rest}"
            entries = [entry for _, _, _, entry in folders if entry]
            title = folders[0][2] if len(folders) == 1 else (
                f"mount {_few([e.split(':', 1)[0] for e in entries])} in the dev override, each where the image has it"
                if entries else f"add develop.watch sync rules for {_few(rels)}")
            # every service of the image missing these folders gets them in the same edit: fixed one
            # service at a time, a worker's gap would look chosen once its sibling mounts the folder
            wanted = _for_each(model.services, names, [(rel, e) for rel, _, _, e in folders if e], lacking)
            if len(wanted) > len(names):
                title += f" for {_few([repr(n) for n in wanted])}"
            override = mounts_file(project, location) if entries else None
            edit = override_edit(override, "volumes", wanted) if override else None
            if edit is not None and override is not None:
                title = retitled(project, title, override)
            fix = Fix(title, Safety.SAFE, (edit,)) if edit else Fix(title, Safety.ADVICE)
            yield self.finding(message, location, f"{','.join(names)}:{','.join(rels)}", fix)
        yield from absent_sources(self, project, reads, remote_endpoint(host), made_as(host))
        yield from absent_devices(self, project, remote_endpoint(host))
        yield from unprovided_runs(self, project)
        yield from bare_runs(self, project)
        yield from made_directories(self, model)

    def _uncovered_copies(self, project: Project, service: Service, reads: RunTimeReads
                          ) -> Iterator[tuple[Location | None, str, str, str, str]]:
        """(where, the folder, what the service mounts and misses, the fix's title, the override's
        volume entry or "" for a watch rule) of each COPY'd folder no mount or sync brings."""
        dockerfile = project.dockerfile(service)
        carriers = _carriers(service)
        if dockerfile is None or service.build is None or not carriers:
            return
        context = Path(os.path.normpath(service.build.context))
        rebuilt = [Path(os.path.normpath(r.path)) for r in service.watch if r.action == "rebuild"]
        covered: dict[Path, tuple[Carrier, str]] = {}
        missing: dict[Path, str] = {}
        listed: dict[str, tuple[Path, ...]] = {}
        # a folder judged by its subfolders whose own code files no mount brings (bakerydemo's urls.py)
        loose: dict[Path, tuple[str, tuple[str, ...]]] = {}

        def whole(destination: str) -> tuple[Path, ...]:
            """The context's top folders, listed at its first `COPY . destination` (most Dockerfiles have none)."""
            if destination not in listed:
                listed[destination] = whole_context(project, service, context, destination, reads,
                                                    {c.source for c in carriers})
            return listed[destination]

        # and what a builder stage took from the context, where a `COPY --from` brings it whole
        for copy in (*dockerfile.copies, *dockerfile.relayed):
            for folder, destination in _split(service, context, carriers,
                                              copied_folders(copy, context, whole),
                                              loose if copy.destination.startswith("/") else None):
                if not copy.destination.startswith("/"):
                    continue
                carrier = next((c for c in carriers if inside(folder, c.source)), None)
                if carrier is not None:
                    covered.setdefault(folder, (carrier, destination))
                elif not any(inside(c.source, folder) for c in carriers) and not any(
                        inside(folder, r) for r in rebuilt) and folder not in missing and not manifests_only(folder):
                    missing.setdefault(folder, destination)
        # the mounts must bring code (a package, sources, templates) for a folder they leave out to be
        # a gap: a lone `./requirements`, `./docs` or `./config` bind edits no code live (searched
        # only where there is a gap to report: the mounted folders are walked, up to MAX_LIVE_ENTRIES)
        if not covered or ((missing or loose) and not any(live_code(folder) for folder in covered)):
            return
        # A service sharing the image that mounts the folder shows the author chose which folders
        # this one (a worker of the same image) gets. Not one that mounts the whole build context
        # or more (flask-celery's worker `.:/usr/src/app`): that chose no folder.
        chosen = {c.source for peer in project.services.values() if peer is not service
                  and _same_image(peer, service) for c in _carriers(peer) if not inside(context, c.source)}
        parents = {posixpath.dirname(d.rstrip("/")) for _, d in covered.values()}
        # a folder the bind hides is no choice, whatever a peer mounts (docker-node-example's js
        # service mounts `.`, its web `./backend:/app` over the image's /app/bin entrypoint)
        missing = {f: d for f, d in missing.items() if _hidden_by(d, carriers) or (
                   not any(inside(f, c) for c in chosen) and _beside(posixpath.dirname(d.rstrip("/")), parents))}
        # a service building docs (cookiecutter-django's Sphinx `docs`, ./docs, ./config and the package
        # mounted) reads what its docs name: its image's tests/ is no gap, a module autodoc documents is
        docs = docs_build_of(project, service, reads, context, [c.source for c in carriers]) if missing else None
        if docs is not None:
            missing = {f: d for f, d in missing.items() if _hidden_by(d, carriers) or docs.reads(f)}
        # folders that all lie in one the image has whole (`COPY src ./src/`, or each of its folders
        # COPY'd where it lies): that folder, once, as the author wrote it before (litestar-fullstack)
        missing = _gathered(service, context, missing, carriers, (*dockerfile.copies, *dockerfile.relayed))
        root = project.compose.project_dir
        shown = ", ".join(sorted(_written(f, root, context) for f in covered))
        first = next(iter(covered.values()))[0]
        verb = "syncs" if all(c.watch for c, _ in covered.values()) else "mounts"
        # a folder whose own files are missing is mounted whole: its missing subfolders come with it
        whole_folders = [f for f in loose if not first.watch and f not in missing
                         and not any(inside(f, c.source) for c in carriers)]
        within: dict[Path, list[str]] = {}
        # the missing folders inside each whole one, where the image has them
        held: dict[Path, list[tuple[Path, str]]] = {}
        for folder, destination in missing.items():
            rel = _written(folder, root, context)
            holder = next((w for w in whole_folders if inside(folder, w)), None)
            if holder is not None:
                within.setdefault(holder, []).append(rel)
                held.setdefault(holder, []).append((folder, destination))
                continue
            message = f"{verb} {shown} but not {rel}"
            over = _hidden_by(destination, carriers)
            # a hidden folder goes back where the image has it, not where the siblings moved to
            target = _target(folder, destination, covered) if over is None else posixpath.normpath(destination)
            if over is not None:  # docker-node-example's `./backend:/app` over `COPY bin/ /app/bin`
                message += f": the mount over {over.target} hides the image's {target}"
            source = rel if rel.startswith("../") else f"./{rel}"
            if first.watch:
                yield first.location, rel, message, f"add a develop.watch sync rule for {source} to {target}", ""
            else:
                title = f"mount {source} at {target} in the dev override"
                yield first.location, rel, message, title, f"{source}:{target}{_shared_mode(covered)}"
        copies = (*dockerfile.copies, *dockerfile.relayed)
        for folder in whole_folders:
            # mounted whole: its subfolder mounts stay, nested inside it (a bind may lie in a bind)
            destination, files = loose[folder]
            rel = _written(folder, root, context)
            source = rel if rel.startswith("../") else f"./{rel}"
            target = _target(folder, destination, covered)
            hidden = _brought_beside(copies, context, folder, target)
            if hidden:
                # the image puts more there than this folder (tubearchivist's `COPY ./docker_assets/run.sh /app`,
                # its CMD): a mount of the folder whole would hide it and the container could not start. Each
                # missing subfolder is mounted where the image has it, and the loose files are the developer's
                for sub, landing in sorted(held.get(folder, [])):
                    subrel = _written(sub, root, context)
                    subsource = subrel if subrel.startswith("../") else f"./{subrel}"
                    at = _target(sub, landing, covered)
                    yield (first.location, subrel, f"{verb} {shown} but not {subrel}",
                           f"mount {subsource} at {at} in the dev override", f"{subsource}:{at}{_shared_mode(covered)}")
                message = (f"{verb} {shown} but not the files directly in {rel} ({_few(list(files))}); a mount of "
                           f"{source} at {target} would hide what the image puts there from elsewhere "
                           f"({_few(hidden)})")
                each = [f"{source}/{name}:{posixpath.join(target, name)}" for name in files]
                title = f"mount each of them ({_few(each)}) in the dev override, or rebuild the image after edits"
                yield first.location, rel, message, title, ""
                continue
            nor = f", nor {_few(sorted(within[folder]))}" if folder in within else ""
            message = f"{verb} {shown} but not the files directly in {rel} ({_few(list(files))}){nor}"
            title = f"mount {source} at {target} in the dev override (its files with its folders)"
            yield first.location, rel, message, title, f"{source}:{target}{_shared_mode(covered)}"
