"""host-vs-container: project commands that belong in a service container."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Finding, Fix, Safety, Severity
from doctor.project import Project
from doctor.project.command_roles import PackageScripts, listening_port, serves
from doctor.project.image_gaps import image_gaps
from doctor.project.image_installs import (
    dev_install,
    listed_for_development,
    not_installed,
    start_install_mode,
    unlisted_in,
)
from doctor.project.service_home import (
    ServiceHome,
    belongs_in,
    compose_argv,
    dispatching_entrypoint,
    entrypoint_branch,
    mapped_words,
    program_entrypoint,
    runner_started,
    service_homes,
)
from doctor.project.tasks import Command, CommandKind
from doctor.project.types import Service


class HostVsContainer(Check):
    """where doctor runs (host/container/CI) and commands that belong in a service container

    What it finds
        Makefile, justfile, Taskfile (a task's `dir:` too) and package.json commands (`make
        test`'s `pytest`, `python backend/tests/x.py`,
        `npm run generate-client`; for a compose folder such as `.devcontainer/` that builds or
        mounts the repo around it, `..`, the repo's own Makefile too; a Makefile's variables expanded
        as make expands them, `$(APP_LIST)` set by `APP_LIST ?= ...`, one doctor cannot know kept
        whole, `$(word 2, $(MAKECMDGOALS))` empty as for `make TARGET`; a project script run by its
        path, `./manage.py test`, and a runner's `uv run` or `poetry run` judged by the program it
        starts) for code that reaches a
        service (bind mount, `develop.watch` sync, or COPY into the image) whose image installs
        dependencies the interpreter running them lacks. What the image installs is read from its
        manifests: the build context's pyproject / requirements (with the files their `-r` lines
        include) / package.json, the members of a uv
        workspace declared there (context = repo root, `backend/pyproject.toml`), and every manifest
        or lockfile the Dockerfile COPYs or a `RUN --mount` binds (from the context, or from a stage
        that COPYed it: DefectDojo's `--mount=from=build,src=/app/requirements.txt`). A requirements
        file beside the one its pip installs by name is not the image's (healthchecks'
        requirements-dev.txt next to `pip install -r /tmp/requirements.txt`). What the service's
        entrypoint or command script installs each time it starts (read, never run: allegro/ralph's
        docker-local-dev-entrypoint.sh, `pip3 install -r .../requirements/dev.txt`) is the image's too,
        its files found in the container through the service's mounts and COPYs. Where an install
        (a RUN, or one at start) installs the project itself (`pip install .`, `-e .` or `-e file:.` in a
        requirements file it installs, a path to the project, `uv sync`, `poetry install`), the console
        scripts the project defines (setup.py's `entry_points` `console_scripts`, read with ast, never
        run; setup.cfg's `[options.entry_points]`; pyproject's `[project.scripts]`, `[tool.poetry.scripts]`)
        are tools the image has and the host lacks, unless on the host's PATH: ralph's `make test` runs
        `test_ralph`, which its requirements/test.txt's `-e .` installs. So are the tools of the
        development groups `uv sync` or `poetry install` installs with the project (uv's
        `[dependency-groups]` dev group, or its `default-groups`; Poetry's groups not optional),
        unless the RUN leaves them out (`--no-dev`, `--only main`): cookiecutter-django's `mypy`
        and `ruff`. Dependencies only a builder stage installs count where the
        final stage copies them (`COPY --from=builder /venv /venv`, pip's `--prefix=/install` or
        `--user` ~/.local, uv's `/app` with its `.venv`, a deps stage's `node_modules`), not where it
        copies only the builder's output (a wheel, `dist/`). A package.json script belongs only in a service whose
        image installs that same package.json (a monorepo root's `husky` and `pnpm -r` scripts are
        not the service of `packages/backend/package.json`). Services built alike from the same
        code (a web app and its celery worker) are one home: a root Makefile's `pytest` goes to the
        first. What a service itself runs (its `command:`, else its image's CMD, what the
        branch of its entrypoint script's `case $1` for that CMD runs (fastapi-react's run.sh:
        `start) npm start`), and the package.json scripts those start, `yarn watch-${NODE_ENV}` under
        any value), in that service or another
        (a css watcher), is not advised: `up` starts it, and run again it starts a second server.
        An image FROM another runtime, a bare OS or a database (`php:8.3-apache`, `ruby`, `debian`,
        mathesar's `postgres` with pgtap) whose
        Dockerfile never names node (or python) holds none of its packages: no home for them. Nor is
        a production image (no bind mount or sync of the code, and the stage it builds, compose's
        `target:` or the Dockerfile's last, named `production`, `prod` or `release`, or setting
        `PRODUCTION=true` or a `*_ENV` of `production`) the home of a command run through an
        environment runner (`poetry run`, `uv run`: the environment the runner makes for the project),
        nor of any command where the checkout has a devcontainer that is not that service: mealie's
        docker-compose.yml builds `target: production`, and its Taskfile's `poetry run pytest` and `poetry
        run python dev/code-generation/main.py` belong to the Poetry environment `task setup:py` makes,
        or to its `.devcontainer/`, not to an image without tests, dev/ or dev dependencies. The
        interpreter is the one `pytest` would use, read from files: the project's `.venv` (or the
        environment `poetry install` made for a locked Poetry project in Poetry's cache), else
        `python3` on PATH through pyenv's shims (`PYENV_VERSION`, `.python-version`, the global
        version); a pyenv pin that names no installed version (`.python-version` = 3.14, no 3.14.x
        under `$PYENV_ROOT/versions`) cannot start at all. It judges the machine doctor runs on: the
        host, or a container that is not that service (a devcontainer, a CI job container, which
        reach the engine's services through compose as the host does); inside the service itself the
        commands are where they belong. Where doctor runs (host, container, CI, WSL) is a fact of
        the report header and `facts.context`, not a finding; `DOCTOR_CONTEXT=host` (or `docker`,
        `podman`...) overrides the detection. `doctor exec -- CMD` follows the same rule: it runs
        CMD in the service this check names for it (its host paths mapped into the container: a word
        with a `/`, or a bare folder or file a test runner or linter is given, `pytest app` ->
        `pytest /usr/src/app`), else here, with the project's virtualenv this check judged the host by
        activated where the shell has not (`uv sync`'s `.venv`, Poetry's: PATH's pytest lacks its packages). A
        project script whose own text runs docker or compose
        (docker-flask-example's `./run`, a wrapper of `docker compose exec web ...`; DefectDojo's
        `run-unittest.sh`) is the host's: the service has no engine to drive, so it is never advised
        into one, and `doctor exec` runs it here. `doctor exec -- make TARGET` runs the target's
        recipe lines (its prerequisites' first, `make NAME=value`'s values in them) in the service
        this check names for them, each as advised; where they belong in different places, or make
        is given an option doctor does not follow (`-j`), it prints this advice and runs nothing.

    Why it matters
        `pytest` on the host fails with ModuleNotFoundError (or, worse, runs against other
        versions of the packages), or pyenv refuses to start it ("version `3.14' is not
        installed"), while the container has everything installed.

    Example
        Makefile:4  'pytest' (make target 'test') needs 'sqlmodel', missing on the host: run it in 'backend'

    Fix
        Run the command in the service: `docker compose exec backend pytest`, or
        `docker compose run --rm backend pytest` when the service is not up; where no bind mount
        brings the code (the image COPYs it, or only `develop.watch` syncs it into the container
        `up` started, which a `run` container never gets), `docker compose run --build --rm
        backend pytest`, so the command sees the host's edits. Where a standalone `docker-compose` is the
        only compose installed (compose v1, or v2 without the docker CLI plugin), the command
        says `docker-compose`. A package.json script is run by its name through the project's
        package manager (`docker compose exec web npm run build`): that puts node_modules/.bin on
        PATH, which the node images do not, and runs the whole script. Where `run` would hand the
        command to the image's entrypoint script and that script dispatches on its first argument
        (`case $1 in`), reads none (`exec gunicorn ...`) or ends in a program that takes none, no line
        running them but to start itself again (mealie's entry.sh: `exec gosu $PUID "$BASH_SOURCE"
        "$@"`, then `exec python /app/mealie/main.py`), or where the service's entrypoint (compose's
        `entrypoint:`, else the Dockerfile's ENTRYPOINT) is a program that would take the command for
        its arguments (flask-redis's `ENTRYPOINT ["python3"]`: `python3 python -m pytest`), the
        command adds `--entrypoint ''`; a wrapper that hands it on (`tini --`, a script ending in
        `exec "$@"`) stays. Where the service's Python packages come from what it runs at start alone
        (ralph's entrypoint `pip3 install`s them, then runs `make run`), `--entrypoint ''` would skip that
        install: the advice is a plain `run --rm` where the entrypoint hands the command on (`exec "$@"`),
        else `docker compose up -d SERVICE` first, then `exec` (an install in the service's command, which
        `run SERVICE CMD` replaces, too); `doctor exec` does the same, starting the service before it
        execs. Where the entrypoint script a `run` would start destroys data before it hands the command
        on (django-on-docker's entrypoint.sh: `python manage.py flush --no-input`, then `exec "$@"`; also
        `reset_db`, `flask db downgrade base`, Rails' `db:drop`/`db:reset`/`db:setup`/`db:schema:load`,
        `prisma migrate reset`, `dropdb`, `DROP DATABASE`/`DROP SCHEMA`/`DROP TABLE`/`TRUNCATE` given to
        psql or mysql, `rm` of a database file or data folder outside /tmp, `sequelize db:drop`, `knex
        migrate:rollback --all`; never `migrate`, `collectstatic` or `rm -rf /tmp/...`), the advised `run`
        adds `--entrypoint ''` and names that line (file:line, the command), as the advice to start it
        first does. `doctor exec` then asks on a terminal (default no) to run past it with `--entrypoint
        ''`, and without one runs nothing: one line naming the file:line and the two ways (`--entrypoint
        ''`, or starting the service first, knowing its start does that), exit 1; an `exec` into a running
        container skips the entrypoint and is not asked about. Before a `run`, `doctor exec` says when
        the engine lacks the image: compose pulls it first
        (no `build:`; that fails without registry access), or builds it. A read-only bind of the
        command's folder is named (CTFd's
        `.:/opt/CTFd:ro`: what the command writes there, `pytest --cov-report=xml`, fails).
        A path the command names that reaches the image only by a COPY its `.dockerignore` keeps
        out (`pytest tests`, tests/ ignored, no bind mount) is mounted by a `run`
        (`-v ./tests:/app/tests`); so is a folder of the build context the image never COPYs
        (an image that COPYs mealie/ and alembic/ alone: `python dev/code-generation/main.py` gets
        `-v ../dev:/app/dev -w /app`, the place its COPYs give the context's folders), and the folders a
        bare `pytest` collects (`testpaths` of pytest.ini, pyproject.toml, tox.ini or setup.cfg: `poetry
        run pytest` gets `-v ../tests:/app/tests`). A runner's
        `run` (`poetry run pytest`) is judged by the tool it starts, and a Taskfile's `{{.CLI_ARGS}}`
        is what `task NAME` passes: nothing. Where the image installs a requirements file or the runtime
        dependencies only (no `uv sync`, Poetry install, extras or dev file) and the tool is listed
        for development alone (pyproject's dependency groups, a requirements-dev.txt), the finding
        says the image lacks it too, and the fix starts with installing it there (CTFd's pytest), or the
        requirements file listing it beside its plugins (plane's requirements/test.txt, with pytest-django
        its pytest.ini needs: `pip install -r requirements/test.txt` in a dev stage, not pytest alone);
        so it does where doctor sees every Python install of the image (a plain base, RUN lines that
        `pip install -r` files the build COPYs) and none of those files names a test or lint tool
        (a `name @ git+...` or `#egg=name` line names its package). The RUN lines are read as the
        compose build runs them: a build arg it passes fills `-r ${REQ_FILE}` (djangoproject.com's
        requirements/tests.txt), an ARG default or ENV too, and a shell test on them is decided
        (wemake-django-template's `poetry sync $(if [ "$DJANGO_ENV" = 'production' ]; then echo
        '--only main'; fi)` under `DJANGO_ENV: development` installs the dev group; `--only main`,
        `--without dev` would not)
        (django-on-docker's pytest; uv's own binaries copied from its image, `COPY --from=uv /uv /uvx
        /bin/`, bring no package): add it to that requirements file, then `run --build`. A path
        inside an option (`--cov=project/app`) is mapped like a path word; the message names the
        package the command's code imports (or an app dependency), not a dev file's first line.
        Where a bind mount hides the image's node_modules and the host has none (the shadowing
        volume-shadowing reports), the `run` puts an anonymous volume there, which the image fills
        (`-v /usr/src/app/node_modules`). A package.json `build` script run where the bind mounts
        bring only part of its folder (`./frontend/src`) is advised with a note: what it writes
        outside them (build/, dist/) stays in the container, which `run --rm` removes.
        A server (`manage.py runserver 0.0.0.0:8000`, `uvicorn`, `flask run`, `vite`, or `npm run dev`,
        `yarn dev`, `pnpm dev` whose package.json script starts one: `"dev": "vite"`, `next dev`,
        `rspack serve`) is advised as a `run --service-ports` (or `-p PORT:PORT` where the service
        publishes none), never `exec`: `run` publishes nothing by itself, and a second server in the
        running container finds its port taken; one told to listen on localhost (`--host localhost`,
        `-b 127.0.0.1:8000`) is advised on 0.0.0.0, as the published port reaches it there. A
        command installing packages (`python -m pip install -r requirements/dev.txt`, `npm ci`) is
        not advised: it is the host's setup, and a `run --rm`
        container would take what it installs away with it. Nor is a recipe that sets up the host
        (data-hub-api's `setup-flake8-hook`: `python3 -m venv env`, then `pre-commit install` and `git config`
        from that venv): in a container it would create ./env through the bind mount, root-owned, with
        hooks running the container's Python; where the host's pyenv pin is not installed, the fix is
        `pyenv install VERSION`, and `doctor exec -- make TARGET` runs such a recipe here.
        Nothing changes on disk; it is advice.

    Fix safety
        Advice: doctor prints the command and runs nothing.
    """

    id = "host-vs-container"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        # inside a container that is not the service (a devcontainer, a CI job container) the
        # commands still run outside the service: judge them as on the host; where doctor runs
        # is a fact of the report (facts.context), not a finding
        here = None
        if host.context.in_container:
            from doctor.host.containers import own_service

            here = own_service(host.engine, host.context, project)
        homes = tuple(h for h in service_homes(project, host.packages) if h.service != here)
        if not homes:
            return
        from doctor.host.containers import service_running  # json, urllib: only when a service may be named

        seen: set[tuple[str, tuple[str, ...]]] = set()
        setups_seen: set[tuple[Path, str]] = set()
        running: dict[str, bool | None] = {}
        started: set[str] | None = None  # what the services themselves run, read once a command has a home
        scripts: PackageScripts | None = None  # the package.json scripts by folder, read once too
        # each package.json's manager, from its implied command (`yarn`: a yarn.lock beside it)
        managers = {c.location.path: c.tool for c in project.commands if c.implied and c.kind is CommandKind.NPM}
        setups = _host_setups(project.commands)
        for command in project.commands:
            home = _home_of(command, homes, project.root)
            if home is None:
                continue
            setup = setups.get((command.location.path, command.name)) if command.kind in _RECIPES else None
            if setup is not None:  # data-hub-api's `python3 -m venv env` then `pre-commit install`: the host's
                if home.unusable is not None and (command.location.path, command.name) not in setups_seen:
                    setups_seen.add((command.location.path, command.name))
                    yield self._unstartable_setup(project, command, home.unusable, setup)
                continue
            if started is None:
                started = {text for name in sorted(project.services) for text in _service_runs(project, name)}
            if command.text in started:  # `up` starts it (in this service or another: a css watcher)
                continue
            if command.kind is CommandKind.NPM and command.name == "eject":
                continue  # create-react-app's one-way rewrite of the project: no container's business
            advised = _advised(managers, command)
            key = (home.service, advised)
            if key in seen:  # the same command again, or another part of the same npm script
                continue
            seen.add(key)
            if home.service not in running:
                running[home.service] = service_running(host.engine, project.compose.project_name,
                                                        home.service) if home.live else False
            if scripts is None:
                scripts = PackageScripts(project.commands, project.root)
            yield self._belongs(project, command, advised, home, running[home.service], host.compose_cli, scripts)

    def _unstartable_setup(self, project: Project, command: Command, unusable: tuple[str, str],
                           setup: str) -> Finding:
        """A recipe setting up the host (a virtualenv, git hooks) whose Python the pyenv pin cannot start:
        the fix is the pinned version, on the host; in a container the recipe would set up the wrong place
        (a root-owned ./env through the bind mount, hooks running the container's Python)."""
        version, pinned_by = unusable
        where = project.shown(Path(pinned_by)) if Path(pinned_by).is_absolute() else pinned_by
        message = (f"{command.tool!r} ({command.origin}) cannot start on the host (pyenv version {version!r}, set "
                   f"by {where}, is not installed); the recipe {setup}: it sets up the host, not a container")
        fix = Fix(f"install the pinned Python {version} on the host", Safety.ADVICE,
                  command=("pyenv", "install", version))
        return self.finding(message, command.location, f"host:{command.origin}", fix)

    def _belongs(self, project: Project, command: Command, advised: tuple[str, ...], home: ServiceHome,
                 running: bool | None, cli: tuple[str, ...], scripts: PackageScripts) -> Finding:
        verb = "run" if running is False else "exec"
        cwd = command.location.path.parent if command.kind is CommandKind.NPM and command.name else command.cwd
        # a pipeline's stage (`psql ... | xargs python update.py`) is judged by its own words, and the
        # whole pipeline is what runs in the service
        own = _command_words(command.text) if command.pipeline else advised
        kept_out = _kept_out(project, home, cwd, own)
        # mealie's `python dev/code-generation/main.py`: the image COPYs mealie/ and alembic/ alone
        gaps = image_gaps(project, home, cwd, own)
        if gaps is not None:
            home, kept_out = gaps.home, [*kept_out, *gaps.mounts]
        words = _mapped_pipeline(advised, cwd, home) if command.pipeline else mapped_words(advised, cwd, home)
        hidden = _hidden_modules(project, home)
        tool = _tool_of(command, own)
        listed = not_installed(project, home, tool)
        unlisted = None if listed is not None else unlisted_in(project, home, tool)
        lacking = listed is not None or unlisted is not None
        # djangoproject.com's `runserver 0.0.0.0:8000`: a server must be reached from the host, which a
        # `run` container is only through `--service-ports` (or `-p`); `exec` would start a second one
        # beside the service's own, on a port it holds
        server = serves(own, scripts, cwd)  # `npm run dev` of `"dev": "vite"` too
        up = server and running is not False
        if kept_out or hidden or lacking or server:
            # only a `run` container can take the folder as a volume; the container `up` started has
            # the old image, without the tool the fix adds
            verb, running = "run", False
        # allegro/ralph: the packages come from what the service runs at start (its entrypoint's `pip3
        # install`), which a `run --entrypoint ''` (or a `run` replacing the command) skips: the command
        # runs in the container `up -d` starts
        up_first = start_install_mode(project, home) == "up" and not (kept_out or hidden or server)
        if up_first:
            verb = "exec"
        # an anonymous volume over the image's node_modules is filled from the image when created
        mounts = [f"{host}:{inside}" for host, inside in kept_out] + hidden
        argv = compose_argv(project, verb, home, cwd, words, tty=True, cli=cli, mounts=mounts)
        replace = program_entrypoint(project, home.service)
        # django-on-docker's entrypoint.sh flushes the database before `exec "$@"`: the advised `run` skips it
        wipe = _start_wipe(project, home, verb, running, up_first, replace)
        # react-express-mysql's `nodemon --inspect-brk=0.0.0.0:9229`: it waits for a debugger the host
        # could not reach through a `run` that publishes nothing
        publish = tuple(int(p) for p in dict.fromkeys(_INSPECT.findall(command.text)))
        service = project.services.get(home.service)
        published = server and service is not None and bool(service.ports)
        port = listening_port(command.text) if server and not published else None
        publish += (port,) if port is not None and port not in publish else ()
        argv = _run_options(argv, verb, len(words), build=lacking, entrypoint=replace or wipe is not None,
                            publish=publish, service_ports=published)
        shown = _short(argv, verb)
        for host, _ in kept_out:  # typed in the project folder, where `run -v ./x` (or `../x`) resolves
            relative = Path(os.path.relpath(host, project.root)).as_posix()
            shown = shown.replace(f"{host}:", relative + ":" if relative.startswith("../") else f"./{relative}:")
        # a command holding a quote of its own (`prettier --write '{**/,}*.js'`) in backticks
        title = f"run it as `{shown}`" if "'" in shown else f"run it as '{shown}'"
        if command.pipeline:  # openlibrary's `psql ... | xargs python update.py`: xargs adds the keys psql prints
            title += (f" (the whole pipeline, not {command.tool!r} alone: what it runs on comes from its input)")
        ignored = [host for host, _ in kept_out if gaps is None or (host, _) not in gaps.mounts]
        if ignored:
            names = ", ".join(project.shown(host) for host in ignored)
            title += f" ({names}: not in the image, .dockerignore keeps it out, so the run mounts it)"
        if gaps is not None:
            names = ", ".join(project.shown(host) for host, _ in gaps.mounts)
            only = ", ".join(project.shown(path) for path in gaps.copied) or "no project folder"
            title += f" ({names}: not in the image, which COPYs {only}, so the run mounts it)"
        if hidden:
            title += (f" (the bind mount hides the image's {', '.join(hidden)}, and the host has none: the run "
                      "puts a volume there, which the image fills)")
        if _output_lost(command, home, cwd):  # react-express-mysql's frontend: only ./frontend/src is mounted
            where = "the container, which --rm removes" if verb == "run" else "the container"
            title += (f" ({project.shown(cwd)} is not bind-mounted whole: what the build writes outside "
                      f"{', '.join(project.shown(c.host) for c in home.carriers if c.via == 'bind')} stays in {where})")
        read_only = _read_only_bind(service, cwd) if service is not None else None
        if read_only is not None:  # CTFd's `.:/opt/CTFd:ro`: `pytest --cov-report=xml` writes coverage.xml there
            title += (f" ({home.service!r} mounts {project.shown(read_only)} read-only: what the command writes "
                      "there, a report or a cache, fails)")
        if up:  # it may be up, serving on the ports the run needs
            title += (f" (stop {home.service!r} first, `{project.compose_words()} stop {home.service}`, if it is up: "
                      "its ports are taken)")
        start = f"{project.compose_words()} up -d{' --force-recreate' if lacking else ''} {home.service}"
        starts = "" if wipe is None else f"; its start runs the entrypoint, and {wipe}"
        if up_first and running is None:
            title += (f" (start it first, `{start}`, if it is not up: what it runs at start installs the packages "
                      f"the command needs, which a `run` would skip{starts})")
        elif up_first and running is False:
            title = (f"start {home.service!r} first, `{start}` (what it runs at start installs the packages the "
                     f"command needs, which a `run` would skip{starts}), then " + title)
        elif running is None:
            run = "run --rm" if home.bound else "run --build --rm"
            if wipe is not None:
                title += (f" (use `{run} --entrypoint ''` instead of 'exec' if it is not up: a `run` starts the "
                          f"entrypoint first, and {wipe})")
            elif replace or dispatching_entrypoint(project, home.service):
                title += f" (use `{run} --entrypoint ''` instead of 'exec' if it is not up)"
            else:
                title += f" (use '{run}' instead of 'exec' if it is not up)"
        elif verb == "run" and wipe is not None:
            title += f" (`--entrypoint ''`: a `run` starts the entrypoint first, and {wipe})"
        if home.unusable is not None:
            version, pinned_by = home.unusable
            where = project.shown(Path(pinned_by)) if Path(pinned_by).is_absolute() else pinned_by
            message = (f"{command.tool!r} ({command.origin}) cannot start on the host (pyenv version {version!r}, "
                       f"set by {where}, is not installed): run it in {home.service!r}")
        elif tool in home.scripts and home.scripts_from is not None:  # allegro/ralph's `test_ralph`
            message = (f"{command.tool!r} ({command.origin}) is a console script of the project "
                       f"({project.shown(home.scripts_from)}), which the image of {home.service!r} installs and "
                       f"the host lacks: run it in {home.service!r}")
        else:
            missing = _reasons(project, home, tool, own, cwd)
            count = len(missing)
            needs = f"{missing[0]!r} and {count - 1} more" if count > 1 else f"{missing[0]!r}, which"
            message = f"{command.tool!r} ({command.origin}) needs {needs} the host lacks: run it in {home.service!r}"
            if command.kind is CommandKind.NPM and command.local and "/" not in command.tool and _no_node_bin(
                    command, project.root):  # a devDependency (`prettier`)
                others = [name for name in missing if name != command.tool]
                nor = "" if not others else (f", nor are {others[0]!r} and {len(others) - 1} more" if len(others) > 1
                                             else f", nor is {others[0]!r}")
                message = (f"{command.tool!r} ({command.origin}) is not installed on the host (no "
                           f"node_modules/.bin/{command.tool}){nor}: run it in {home.service!r}")
        if listed is not None:  # CTFd: the image installs requirements.txt, pytest is in pyproject's dev group
            message += f"; its image does not install {tool!r} either ({listed_for_development(project, listed, tool)})"
            title = f"{dev_install(project, home, listed, tool)}, then " + title  # plane: requirements/test.txt
        elif unlisted is not None:  # django-on-docker: the image installs requirements.txt, which has no pytest
            message += (f"; its image does not install {tool!r} either ({project.shown(unlisted)}, which it "
                        "installs, does not list it)")
            title = (f"add {tool!r} to {project.shown(unlisted)} (or to a dev requirements file the image "
                     "installs), then " + title)
        fix = Fix(title, Safety.ADVICE, command=tuple(argv))
        return self.finding(message, command.location, f"{home.service}:{command.text}", fix)


def _start_wipe(project: Project, home: ServiceHome, verb: str, running: bool | None, up_first: bool,
                replaced: bool) -> str | None:
    """What the service's entrypoint script destroys before it hands the command on, said with its
    file:line, where the advice starts that entrypoint: a `run` (advised, or where the service may be
    down) that keeps it, or the `up` of a service whose start installs the packages."""
    if not up_first and (replaced or (verb != "run" and running is not None)
                         or dispatching_entrypoint(project, home.service)):
        return None
    from doctor.project.entrypoint_wipes import entrypoint_wipe

    wipe = entrypoint_wipe(project, home.service)
    return None if wipe is None else wipe.said(project)


def _output_lost(command: Command, home: ServiceHome, cwd: Path) -> bool:
    """A package.json build script (`build`, `build:prod`) run in a service whose bind mounts bring
    only part of its folder: its output (build/, dist/) is written where no mount takes it back."""
    if command.kind is not CommandKind.NPM or not command.name or command.name.partition(":")[0] != "build":
        return False
    binds = [c.host for c in home.carriers if c.via == "bind"]
    return bool(binds) and not any(cwd == host or host in cwd.parents for host in binds)




def _hidden_modules(project: Project, home: ServiceHome) -> list[str]:
    """The image's node_modules folders a bind mount of the service hides (node-express-boilerplate's
    `.:/usr/src/node-app`, no node_modules on the host): a command run there finds no packages."""
    from doctor.project.filled import hidden_installs
    from doctor.project.manifests import Language

    service = project.services.get(home.service)
    if home.language is not Language.NODE or service is None:
        return []
    return list(dict.fromkeys(f.path for f in hidden_installs(project, service)
                              if posixpath.basename(f.path) == "node_modules"))


def _kept_out(project: Project, home: ServiceHome, cwd: Path, words: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The paths the command names that reach the service only by a COPY its `.dockerignore` keeps
    out (`pytest tests`, tests/ ignored, no bind mount), each with where the image would have it:
    in the container the command would find nothing there."""
    service = project.services.get(home.service)
    if service is None or service.build is None:
        return []
    codes = project.code_map(service)
    if codes.context is None or not codes.ignore.rules:
        return []
    found: list[tuple[Path, str]] = []
    for word in words[1:]:
        if not word or word.startswith("-") or not os.path.lexists(cwd / word):
            continue
        host = (cwd / word).resolve()
        if any(host == c.host or c.host in host.parents for c in home.carriers if c.via != "copy"):
            continue  # a bind mount or a sync brings it
        inside = home.container_path(host)
        if inside is not None and host.is_relative_to(codes.context) and codes.ignore.excludes(
                host.relative_to(codes.context).as_posix()):
            found.append((host, inside))
    return found


def _advised(managers: Mapping[Path, str], command: Command) -> tuple[str, ...]:
    """The words to run in the service: a package.json script by its name through the project's
    package manager (`npm run build`, from the package.json folder), which puts node_modules/.bin
    on PATH as the official node images do not (warehouse's bare `webpack` would not be found
    there) and keeps the script's own prefixes (`NODE_OPTIONS=... jest`); any other command as
    written."""
    if command.kind is CommandKind.NPM and command.name:
        return (managers.get(command.location.path, "npm"), "run", command.name)
    if command.pipeline:  # a stage alone would drop what its input gives it: the pipeline runs in a shell
        return ("sh", "-c", command.pipeline)
    return _command_words(command.text)


def _command_words(text: str) -> tuple[str, ...]:
    """A command's words as the shell splits them."""
    import shlex

    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _mapped_pipeline(advised: tuple[str, ...], cwd: Path, home: ServiceHome) -> list[str]:
    """`sh -c PIPELINE` with each stage's host paths made container paths (mapped_words), a stage whose
    words stay as written kept as written (its quotes, its `$(...)`)."""
    import shlex

    from doctor.project.shellwords import pipelines

    shell, flag, text = advised
    if home.container_path(cwd) is not None:
        return [shell, flag, text]  # it runs in the mapped folder: relative paths stay right
    stages = []
    for stage in (stage for found in pipelines(text) for stage in found):
        words = list(_command_words(stage))
        mapped = mapped_words(words, cwd, home)
        stages.append(stage.strip() if mapped == words else shlex.join(mapped))
    return [shell, flag, " | ".join(stages)]


# the task files whose recipes run their lines in turn, on one machine
_RECIPES = frozenset({CommandKind.MAKE, CommandKind.JUST, CommandKind.TASK})


def _host_setups(commands: tuple[Command, ...]) -> dict[tuple[Path, str], str]:
    """The recipes (file, name) one of whose lines sets up the host (command_roles.sets_up_host: creates
    or activates a virtualenv, installs git hooks, sets git config), each with what its first such line
    does: the rest of the recipe runs there too (data-hub-api's `pre-commit` comes from the venv the
    recipe's `python3 -m venv env` creates)."""
    from doctor.project.command_roles import sets_up_host

    found: dict[tuple[Path, str], str] = {}
    for command in commands:
        if command.kind not in _RECIPES or command.implied or (command.location.path, command.name) in found:
            continue
        words = runner_started(_command_words(command.text))
        setup = sets_up_host(words[0], words[1:]) if words else None
        if setup is not None:
            found[command.location.path, command.name] = setup
    return found


def _home_of(command: Command, homes: tuple[ServiceHome, ...], root: Path) -> ServiceHome | None:
    """The service a command belongs to (the rule `doctor exec` follows too: service_home.belongs_in)."""
    if command.implied or command.kind not in (CommandKind.MAKE, CommandKind.JUST, CommandKind.TASK,
                                               CommandKind.NPM):
        return None
    return belongs_in(command.tool, command.text.split()[1:], command.cwd, homes, root,
                      npm_script=command.kind is CommandKind.NPM, local=command.local)


# a package manager running a package.json script: `npm start`, `yarn watch-${NODE_ENV}`, `pnpm run dev`
_RUNS_SCRIPT = lazy(r"(?:^|[\s;&|(])(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?P<name>[\w:.${}-]+)")
_VARIABLE = lazy(r"\$\{[^}]*\}|\$\w+")


def _service_runs(project: Project, service: str) -> set[str]:
    """The commands the service itself runs: its compose `command:` and `entrypoint:`, and its
    image's ENTRYPOINT and CMD where compose keeps them (a compose entrypoint drops both, a compose
    command the CMD), and the package.json scripts those start (`yarn watch-production`
    runs `watch-production`), with every script of the same text (`start`: `node src/server.js`
    too), and each of them without its trailing options. `docker compose up` starts them; run
    again in the service they start a second server, so they are not advised."""
    spec = project.services.get(service)
    if spec is None:
        return set()
    texts: list[str] = []
    for value in (spec.entrypoint, spec.command, spec.command_template):
        if value:
            texts.append(value if isinstance(value, str) else " ".join(value))
    path = spec.build.dockerfile_path if spec.build is not None else None
    arguments: list[str] = []
    if spec.command:
        arguments = spec.command.split() if isinstance(spec.command, str) else list(spec.command)
    if path is not None and not spec.entrypoint:  # compose's entrypoint: the image's CMD is dropped too
        recipe = project.recipe(path, spec.build.target if spec.build is not None else None)
        if recipe is not None:
            texts += [" ".join(recipe.entrypoint)] + ([] if spec.command else [" ".join(recipe.cmd)])
            arguments = arguments or list(recipe.cmd)
    # fastapi-react's run.sh: `case $1 in start) npm start | cat;;` is what CMD ["start"] runs
    texts += entrypoint_branch(project, service, arguments)
    import fnmatch

    runs = {" ".join(text.split()) for text in texts if text}
    # the same program with fewer options: the script `ng serve` where the image's CMD is `ng
    # serve --host 0.0.0.0` (awesome-compose's angular), `uvicorn app:app` before `--reload`; two
    # words at least (`pytest` is a test run, whatever options a service's watcher adds)
    runs |= {" ".join(words[:i]) for words in map(str.split, list(runs))
             for i in range(2, len(words)) if words[i].startswith("-") and not words[i - 1].startswith("-")}
    patterns = [_VARIABLE.sub("*", m.group("name")) for text in texts for m in _RUNS_SCRIPT.finditer(text)]
    if patterns:
        runs |= {c.text for c in project.commands if c.kind is CommandKind.NPM and c.name and not c.implied
                 and any(fnmatch.fnmatchcase(c.name, pattern) for pattern in patterns)}
    return runs


def _no_node_bin(command: Command, root: Path) -> bool:
    """Whether no node_modules/.bin from the script's folder up to the project root holds its tool."""
    folders = [command.cwd, *(f for f in command.cwd.parents if f.is_relative_to(root))]
    return not any(os.path.lexists(f / "node_modules" / ".bin" / command.tool) for f in folders)


def _short(argv: list[str], verb: str) -> str:
    """The command as a developer types it in the project folder (no -p/-f/--project-directory)."""
    import shlex

    return shlex.join([*argv[:argv.index("--project-directory")], *argv[argv.index(verb):]])


def _tool_of(command: Command, words: tuple[str, ...]) -> str:
    """The tool a command runs: `pytest` of `python -m pytest tests` and of mealie's `poetry run pytest`
    (the program a runner's `run` starts), else its first word's."""
    started = runner_started(words)
    if len(started) > 2 and posixpath.basename(started[0]).startswith("python") and started[1] == "-m":
        return started[2]
    return started[0] if len(started) < len(words) else command.tool


# node's debugger flag with a port: `--inspect-brk=0.0.0.0:9229`, `--inspect=9230`
_INSPECT = lazy(r"--inspect(?:-brk)?=(?:[\w.\[\]:-]*:)?(\d{2,5})\b")


def _read_only_bind(service: Service, cwd: Path) -> Path | None:
    """The host folder of the service's read-only bind mount the command's folder lies in (the
    closest such mount; None when the mount that carries it is writable)."""
    covering = [(Path(m.source), m.read_only) for m in service.volumes
                if m.type == "bind" and m.source and cwd.is_relative_to(m.source)]
    if not covering:
        return None
    source, read_only = max(covering, key=lambda found: len(str(found[0])))
    return source if read_only else None


_LOCAL_BIND = frozenset({"localhost", "127.0.0.1", "::1"})


def _every_interface(words: list[str]) -> list[str]:
    """A server's words with a `--host`/`--bind`/`-b` of localhost (`--host=127.0.0.1`, `-b localhost:8000`)
    listening on 0.0.0.0 instead, as a server in a container must for a published port to reach it."""
    def anywhere(value: str) -> str | None:  # `localhost:8000` -> `0.0.0.0:8000`; None: not a local address
        host, colon, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
        return f"0.0.0.0{colon}{port}" if host in _LOCAL_BIND else None

    out = list(words)
    for at, word in enumerate(out):
        flag, equals, value = word.partition("=")
        if flag in _BIND_FLAGS and equals and (moved := anywhere(value)) is not None:
            out[at] = f"{flag}={moved}"
        elif word in _BIND_FLAGS and at + 1 < len(out) and (moved := anywhere(out[at + 1])) is not None:
            out[at + 1] = moved
    return out


_BIND_FLAGS = frozenset({"--host", "--bind", "-b", "-H"})


def _run_options(argv: list[str], verb: str, count: int, *, build: bool, entrypoint: bool,
                 publish: tuple[int, ...] = (), service_ports: bool = False) -> list[str]:
    """compose_argv's command with `--build` (the image must be rebuilt to hold what the fix adds),
    `--entrypoint ''` (an entrypoint program would take the command for its arguments) and `-p PORT:PORT`
    (a debugger port the command listens on: `run` publishes none of its own) added to a `run`."""
    if verb != "run":
        return argv
    at = argv.index(verb)
    service = len(argv) - count - 1  # compose_argv ends with SERVICE and the command's words
    argv = list(argv)
    for port in publish:
        argv[service:service] = ["-p", f"{port}:{port}"]
        service += 2
    if service_ports:  # a server: the service's own `ports:` published, as `up` would
        argv[service:service] = ["--service-ports"]
        service += 1
    if service_ports or publish:
        # a server told to listen on localhost (rafsaf's `uvicorn ... --host localhost`) listens on the container's
        # own: a published port reaches nothing there; in the container it is to listen on every interface
        argv[service + 1:] = _every_interface(argv[service + 1:])
    if entrypoint and "--entrypoint" not in argv[at:service]:
        argv[service:service] = ["--entrypoint", ""]
    if build and argv[at + 1] != "--build":
        argv.insert(at + 1, "--build")
    return argv





# packages a project needs to develop it, not to run it: named after the app's own dependencies
_DEV_PACKAGE = lazy(r"(?:pytest|flake8|pylint|mypy|types|black|isort|ruff|coverage|bandit|pre-commit|tox|nox"
                    r"|ipython|ipdb|debugpy|autopep8|yapf|pyright|django-debug-toolbar)(?:-.*)?|.*-stubs")
_DEV_FILE = lazy(r"dev|test|lint")
_IMPORT = lazy(r"(?m)^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([A-Za-z_][\w \t,.]*))")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


# tools that run the project's code, which needs its dependencies first; a linter needs itself
_RUNS_THE_CODE = frozenset({"pytest", "py.test", "coverage", "tox", "nox", "python", "python3"})


def _reasons(project: Project, home: ServiceHome, tool: str, words: tuple[str, ...], cwd: Path) -> list[str]:
    """The packages the host lacks, the one to name first: the tool's own (`pytest`), then those the
    command's own code imports (its files, and the project's modules they import: the tests' `app`),
    in the manifest's order, then the app's dependencies before the development tools of a dev
    requirements file (fastapi-tdd-docker's first line, 'black', is not what pytest needs)."""
    from doctor.project.manifests import normalize

    manifest = next((m for m in project.manifests(home.manifest.parent) if m.path == home.manifest), None)
    requirements = {r.name: r for r in manifest.requirements} if manifest is not None else {}
    modules = {r.module.split(".")[0] for r in requirements.values()}
    paths = [cwd / word.partition("=")[2] if word.startswith("-") else cwd / word for word in words[1:]]
    imported = _imported([p for p in paths if p != cwd and os.path.lexists(p)], modules, project.root)

    def used(name: str) -> bool:  # `import tortoise` is tortoise-orm's, `import pytest` not pytest-cov's
        found = requirements.get(name)
        prefix = name.split("-")[0]
        return found is not None and (found.module.split(".")[0] in imported
                                      or (prefix in imported and prefix not in modules))

    def dev(name: str) -> bool:
        found = requirements.get(name)
        return _DEV_PACKAGE.fullmatch(name) is not None or (
            found is not None and _DEV_FILE.search(found.location.path.name) is not None)

    # healthchecks' mypy: listed in a requirements-dev.txt the image does not install, missing here too
    lacking = [*home.missing, *(name for name in home.unbuilt if name == normalize(tool))]
    # a tool of the dev group the image's `uv sync` installs: a linter or type checker first (`ruff check .`
    # needs ruff), a test runner after what the tests need (the fastapi template's pytest: fastapi)
    synced = [name for name in home.synced if name == normalize(tool)]
    lead = tool if tool in lacking or (synced and tool not in _RUNS_THE_CODE) else ""
    return sorted([*lacking, *synced], key=lambda name: (name != lead, not used(name), dev(name)))


def _imported(paths: list[Path], packages: set[str], root: Path, budget: int = 200) -> set[str]:
    """The top-level modules the Python files at `paths` (files, or folders walked) import, with those
    the project's own modules they import do (`from app.main import app` in a test: app/main.py's
    fastapi): a module no requirement provides, found beside a path or in a folder above it up to
    `root`. A bounded read: `budget` files at most."""
    from doctor.project.reading import read_regular_text

    files: list[Path] = []

    def add(path: Path) -> None:
        if path.is_file() and path.suffix == ".py":
            files.append(path)
        elif path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
                files.extend(Path(folder) / n for n in sorted(names) if n.endswith(".py"))
                if len(files) >= budget:
                    break

    def imports() -> set[str]:
        found: set[str] = set()
        for file in files[:budget]:
            for match in _IMPORT.finditer(read_regular_text(file, 64 * 1024) or ""):
                names = [match.group(1)] if match.group(1) else match.group(2).split(",")
                found |= {name.split()[0].split(".")[0] for name in names if name.strip()}
        return found

    for path in paths:
        add(path)
    modules = imports()
    folders = sorted({f for path in paths for f in (path, *path.parents) if f.is_relative_to(root)})
    own = [local for name in sorted(modules - packages) for folder in folders
           for local in (folder / name, folder / f"{name}.py") if local not in paths and local.exists()]
    if own:
        del files[:]
        for local in dict.fromkeys(own):
            add(local)
        modules |= imports()
    return modules
