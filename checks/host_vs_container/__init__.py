"""host-vs-container: project commands that belong in a service container."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from doctor.host import Host
from doctor.model import Check, Finding, Severity, replace
from doctor.project import Project
from doctor.project.command_home import belongs_in
from doctor.project.command_roles import PackageScripts
from doctor.project.service_home import ServiceHome, service_homes
from doctor.project.tasks import Command, CommandKind
from doctor.project.toolchains import runtime_program

from .host_tasks import (
    INSTALL_HOOKS,
    SETUP_KINDS,
    after_host_install,
    host_setups,
    npm_hooks,
    publishing,
    unstartable_setup,
)


class HostVsContainer(Check):
    """where doctor runs (host/container/CI) and commands that belong in a service container

    What it finds
        Makefile, justfile, Taskfile (a task's `dir:` too) and package.json commands (`make
        test`'s `pytest`, `python backend/tests/x.py`,
        `npm run generate-client`; for a compose folder such as `.devcontainer/` that builds or
        mounts the repo around it, `..`, the repo's own Makefile too, and so for one deeper in the checkout
        (InvoiceShelf's docker/development/ binding `../../`: its root Makefile's `composer install` and
        `php artisan migrate` go to 'php-fpm'; the nearest such folder, never above the checkout's top); a
        Makefile's variables expanded
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
        final stage copies them (`COPY --from=builder /venv /venv`, its paths read with the stage's
        ARG and ENV values, tilavarauspalvelu's `$VENV_ROOT`; pip's `--prefix=/install` or
        `--user` ~/.local, uv's `/app` with its `.venv`, a deps stage's `node_modules`), not where it
        copies only the builder's output (a wheel, `dist/`). A package.json script belongs only in a service whose
        image installs that same package.json (a monorepo root's `husky` and `pnpm -r` scripts are
        not the service of `packages/backend/package.json`). Services built alike from the same
        code (a web app and its celery worker) are one home: a root Makefile's `pytest` goes to the
        first. What a service itself runs (its `command:`, else its image's CMD, what the
        branch of its entrypoint script's `case $1` for that CMD runs (fastapi-react's run.sh:
        `start) npm start`), its entrypoint program with that command (shiori's `go run main.go` with
        `server --log-level debug`), the program its entrypoint script ends in (tilavarauspalvelu's
        worker.sh, `exec celery -A config worker --loglevel=INFO`, its Makefile's `worker`), and the
        package.json scripts those start, `yarn watch-${NODE_ENV}` under any value), in that service or another
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
        `pytest /usr/src/app`; a `run` with the mounts the advice adds, below: nestjs-prisma-starter's
        `npm run test:e2e` with `-v ./test:/app/test`, even where the service is up; a shell given no
        script in the app's container, the service whose start runs its image's runtime: symfony-docker's
        'php', docker-rails-example's 'web', not its asset watcher 'js'), else here, with
        the project's virtualenv this check judged the host by activated where the shell has not (`uv
        sync`'s `.venv`, Poetry's: PATH's pytest lacks its packages). A
        project script whose own text runs docker or compose
        (docker-flask-example's `./run`, a wrapper of `docker compose exec web ...`; DefectDojo's
        `run-unittest.sh`) is the host's: the service has no engine to drive, so it is never advised
        into one, and `doctor exec` runs it here. So is a project script no service carries (a build
        context holding it COPYs none of it) that imports the standard library alone, or modules of its own
        folder that do (a few deep), and starts no program of the image's (openwisp's `python build.py
        change-secret-key`: random, re, sys, pathlib; suitenumerique/people's `python scripts/release.py`,
        whose sibling utils.py runs the `git` and `uv lock` lines release.py passes it through `subprocess`),
        as a `python -c` of the standard library is; a program it starts that is a tool of the image's
        Python packages (pytest, alembic, celery, `manage.py`, a console script of a dependency), a shell,
        or no literal keeps it the image's; one whose string literals dial a service by name (`("postgres",
        5432)`) needs the compose network, and its finding says it dials that service, not a package the
        host lacks. A recipe's command run after a line of that recipe installed its language's packages on
        the host in the same folder (people's `cd $(PATH_FRONT_DESK) && yarn && yarn playwright install
        chromium`: the bare `yarn` fills the host's node_modules) runs from them: it is not advised either.
        `doctor exec -- make TARGET` runs the target's
        recipe lines (its prerequisites' first, `make NAME=value`'s values in them) in the service
        this check names for them, each as advised; where they belong in different places, or make
        is given an option doctor does not follow (`-j`), it prints this advice and runs nothing.
        Where the project has its own task running the same command in that service (a Makefile,
        justfile, Taskfile or package.json task whose every line is `docker compose run|exec SERVICE
        CMD`, the service or one built alike, the same program and words as the host task's lines, in
        order; its paths the same places in the container unless the task is named after the host's,
        `docker_X`, `docker-X`, `X-docker`, `dc-X`), that task is advised first: django-react-boilerplate's
        `test` (`poetry run backend/manage.py test backend/ $(ARG) --parallel --keepdb`) and `docker_test`
        (`docker compose run --rm backend python manage.py test $(ARG) --parallel --keepdb`). A task
        named so that runs something else is no twin. `doctor exec -- make test` then runs `make
        docker_test` here, which drives compose itself.

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
        backend pytest`, so the command sees the host's edits. Where the project's own task does
        that (a twin, above), it comes first: "run `make docker_test`, the project's own target for
        it (Makefile:25), or as 'docker compose run ...'"; not where the advice must add to its line
        (a rebuild, a mount, ports, an entrypoint to skip) or install something first, which the
        twin lacks. Where a standalone `docker-compose` is the only compose installed (compose v1,
        or v2 without the docker CLI plugin), the command says `docker-compose`. A package.json
        script is run by its name through the project's package manager (`docker compose exec web
        npm run build`): that puts node_modules/.bin on
        PATH, which the node images do not, and runs the whole script. A recipe line's assignments
        before its tool go along as `-e NAME=value` (`PYTHONPATH=src pytest`, miniflux's `GOOS=darwin
        GOARCH=arm64 go build`), and a line a shell must read (a redirection, `&`, a `$`, a
        backquote) runs as `sh -c` with its own quotes, a Makefile's `$(shell CMD)` as `$(CMD)` and a
        variable it sets nowhere as `${NAME}`; a line holding another make function doctor cannot
        evaluate (tilavarauspalvelu's `$(call args, 'public')`) keeps its words, which no shell reads as make.
        Where `run` would hand the
        command to the image's entrypoint script and that script dispatches on its first argument
        (`case $1 in`), reads none (`exec gunicorn ...`) or ends in a program that takes none, no line
        running them but to start itself again (mealie's entry.sh: `exec gosu $PUID "$BASH_SOURCE"
        "$@"`, then `exec python /app/mealie/main.py`), or where the service's entrypoint (compose's
        `entrypoint:`, else the Dockerfile's ENTRYPOINT) is a program that would take the command for
        its arguments (flask-redis's `ENTRYPOINT ["python3"]`: `python3 python -m pytest`; shiori's
        `["go", "run", "main.go"]`: `go run main.go go fmt ...`), the
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
        run pytest` gets `-v ../tests:/app/tests`). Where no COPY says where such a folder goes, or a
        bind mount brings the code, the advice names the folder the command runs in (its own `cd`) or
        names that the service does not hold, and what it holds (FastAPI-boilerplate's `cd src &&
        alembic upgrade head`, src/alembic.ini beside it, while 'web' binds and COPYs src/app alone:
        `(src, where it runs, is not in 'web', which holds src/app alone of the project: mount what the
        command reads there for the run)`; so `python -m pytest tests`; the held list names copied files
        too). A folder the image copies piece by piece is held where each piece the command reads there
        (what it names, what its tool reads unasked: alembic.ini and its `script_location`) lands at its
        own path below the folder the run starts in (`COPY ./src/alembic.ini /code/alembic.ini` and
        `COPY ./src/migrations /code/migrations` beside src/app, WORKDIR /code: no note). A runner's
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
        package the command's code imports (the one most of the files it reads import: meet's
        tests' django, not the brevo-python of one service; or an app dependency), not a dev
        file's first line, and so does `doctor exec`'s "the host lacks ..." for the command it runs there.
        Where a bind mount hides the image's node_modules and the host has none (the shadowing
        volume-shadowing reports), the `run` puts an anonymous volume there, which the image fills
        (`-v /usr/src/app/node_modules`). Where nothing has installed a package.json's packages yet
        (no npm, yarn, pnpm or bun install in any stage of the image, no NODE_PATH, none at the service's
        start, and no node_modules in the bound folder: mobilizon's 'api', `FROM elixir:1.15-alpine` with
        npm from apk, on a fresh clone), the message says so and the advice installs them in the service
        first, `docker compose run --rm api npm ci` (`npm install` without a lockfile), then runs the
        script, which alone would fail there as on the host. A package.json `build` script run where the bind mounts
        bring only part of its folder (`./frontend/src`) is advised with a note: what it writes
        outside them (build/, dist/) stays in the container, which `run --rm` removes.
        A server (`manage.py runserver 0.0.0.0:8000`, `uvicorn`, `flask run`, `vite`, or `npm run dev`,
        `yarn dev`, `pnpm dev` whose package.json script starts one: `"dev": "vite"`, `next dev`,
        `rspack serve`, node-express-boilerplate's `cross-env NODE_ENV=development nodemon src/index.js`)
        is advised as a `run --service-ports` (or `-p PORT:PORT` where the service
        publishes none), never `exec`: `run` publishes nothing by itself, and a second server in the
        running container finds its port taken; one told to listen on localhost (`--host localhost`,
        `-b 127.0.0.1:8000`) is advised on 0.0.0.0, as the published port reaches it there, and so is one
        that listens on localhost when given no address: `runserver` as `runserver 0.0.0.0:8000`,
        `flask run`, `uvicorn`, `fastapi dev` with `--host 0.0.0.0`, `vite --host` (unless its vite.config
        sets `host:`), `npm run dev -- --host` where the script ends in vite, `rails server -b 0.0.0.0`
        (unless config/puma.rb binds `tcp://0.0.0.0`); `next dev` and `fastapi run` listen everywhere. A
        command installing packages (`python -m pip install -r requirements/dev.txt`, `npm ci`) is
        not advised: it is the host's setup, and a `run --rm` container would take what it installs away
        with it; nor are npm's install hooks (`preinstall`, `install`, `postinstall`: nestjs-prisma-starter's
        `npm run prisma:generate`), which `npm install` runs. A `preX` or `postX` script beside `X`, which
        npm runs itself around `npm run X` (nestjs-boilerplate's `postmigration:generate`), is named in X's
        finding (its file:line), never one of its own, nor advised where X is not; a script that publishes
        a release (release-it, semantic-release, standard-version, np, `changeset publish`, `npm publish`)
        is the host's, which has the git and credentials it needs. Nor is a recipe that sets up the host
        (data-hub-api's `setup-flake8-hook`: `python3 -m venv env`, then `pre-commit install` and `git config`
        from that venv), nor a package.json script that installs git hooks (node-express-boilerplate's
        `"prepare": "husky install"`; v9's bare `husky`, `lefthook install`, `simple-git-hooks`): in a
        container it would create ./env through the bind mount, root-owned, with hooks running the
        container's Python, or set up hooks from an image that has no git; where the host's pyenv pin
        is not installed, the fix is `pyenv install VERSION`, and `doctor exec -- make TARGET` runs such a recipe here.
        A program of Ruby, Elixir, Go or Java (`bundle exec rails test`, `bin/rails`, `mix test`, `go test`, `./mvnw
        test`), whose packages doctor does not read, belongs in the service on its runtime whose code holds its folder,
        the one whose start runs it first (nickjj/docker-rails-example's 'web', `rails s`, not the asset watcher 'js'),
        where the host lacks the program or its runtime (no `bundle`, `ruby`, `mix`, `go`, `java` on PATH nor in
        JAVA_HOME), with `-e RAILS_ENV=test` (`MIX_ENV=test`) where the service's environment sets another value, as
        `./run test` passes it; a server (`mix phx.server`, `rails server`) as a `run --service-ports`, as above
        (a Phoenix endpoint on `ip: {127, 0, 0, 1}` in its config, phx.new's dev.exs, named with its line);
        `doctor exec` of a server typed by hand (docker-rails-example's `bin/rails server`, `mix phx.server`,
        `python manage.py runserver`, `uvicorn ...`, `npm run dev` of `"dev": "vite"`) runs it so where the service is
        down; where it is up, it runs nothing (exit 1) and says the service's own server holds the port it publishes:
        stop it first (`docker compose stop web`) and run it again, or use the running one (a server told a port
        the service does not publish, `runserver 0.0.0.0:8001`, runs beside it: `run -p 8001:8001`);
        `doctor exec -- make test` runs such a recipe there.
        A program of PHP (`php artisan test`, `vendor/bin/phpunit`, `bin/console` by its `#!` line) where the host
        has no `php` goes to the service on PHP whose code holds its folder, the one whose start runs PHP first
        (laravel-docker-examples' 'php-fpm', symfony-docker's 'php', Sail's 'laravel.test', an OS image whose RUN
        installs `php8.3-cli`); `composer ...` where the host has no `composer` only to one whose image installs
        it (getcomposer.org's installer, `apt-get install composer`, `install-php-extensions @composer`, `COPY
        --from=composer`, a `composer`, `laravelsail/` or `serversideup/php` base; a builder stage the service's
        stage does not descend from does not count: laravel-docker-examples' `composer install` goes to
        'workspace', not 'php-fpm'), else the advice to add `COPY --from=composer:2 ...` to that service's
        Dockerfile; a PHP server (`php artisan serve`, `php -S`, `symfony serve`) as a `run` on 0.0.0.0 with
        `-p 8000:8000` where the service does not publish its port.
        Nothing changes on disk; it is advice.

    Fix safety
        Advice: doctor prints the command and runs nothing.
    """

    id = "host-vs-container"
    severity = Severity.WARNING
    # reaches no probe the run starts early, yet stays in the run: its main cost, the service homes, is what
    # path-gap (which waits on the login shell there) reads too, made once in the run instead of once in each

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        # inside a container that is not the service (a devcontainer, a CI job container) the
        # commands still run outside the service: judge them as on the host; where doctor runs
        # is a fact of the report (facts.context), not a finding
        here = None
        if host.context.in_container:
            from doctor.host.containers import own_service

            here = own_service(host.engine, host.context, project)
        homes = tuple(h for h in service_homes(project, host.packages) if h.service != here)
        if not homes and not any(c.kind in SETUP_KINDS and runtime_program(c.tool) for c in project.commands):
            return
        from doctor.host.containers import service_running  # json, urllib: only when a service may be named

        seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
        seen_text: set[tuple[str, str]] = set()  # the composer commands no image can run, each said once
        setups_seen: set[tuple[Path, str]] = set()
        running: dict[str, bool | None] = {}
        started: set[str] | None = None  # what the services themselves run, read once a command has a home
        scripts: PackageScripts | None = None  # the package.json scripts by folder, read once too
        # each package.json's manager, from its implied command (`yarn`: a yarn.lock beside it)
        managers = {c.location.path: c.tool for c in project.commands if c.implied and c.kind is CommandKind.NPM}
        setups = host_setups(project.commands)
        hooks = npm_hooks(project.commands)
        releases = publishing(project.commands)
        installed_here = after_host_install(project.commands)
        for at, command in enumerate(project.commands):
            home = _home_of(command, homes, project.root, project.services)
            # `bundle exec rails test` where the host has no Ruby: the service on ruby that starts it
            other = home is None and command.kind in SETUP_KINDS and runtime_program(command.tool)
            if other:
                from doctor.project.toolchains import runtime_home

                home = runtime_home(project, command.tool, command.cwd, here)
            if home is None and other and command.tool.rsplit("/", 1)[-1] == "composer":
                from doctor.project.php_images import composer_wanted

                wanted = composer_wanted(project, command.tool, command.cwd, here)
                if wanted is not None and (wanted.name, command.text) not in seen_text:
                    from .runtime_advice import composer_missing

                    seen_text.add((wanted.name, command.text))
                    yield composer_missing(self, project, command, wanted.name)
            if home is None:
                continue
            setup = setups.get((command.location.path, command.name)) if command.kind in SETUP_KINDS else None
            if setup is not None:  # data-hub-api's `python3 -m venv env` then `pre-commit install`: the host's
                if home.unusable is not None and (command.location.path, command.name) not in setups_seen:
                    setups_seen.add((command.location.path, command.name))
                    yield unstartable_setup(self, project, command, home.unusable, setup)
                continue
            # here: a project whose commands have no home in a service never imports these
            from .advice import _belongs
            from .command_line import _advised
            from .service_runs import _service_runs

            if started is None:
                started = {text for name in sorted(project.services) for text in _service_runs(project, name)}
            if command.text in started:  # `up` starts it (in this service or another: a css watcher)
                continue
            if home.language in installed_here.get(at, ()):  # `yarn && yarn playwright`: what the recipe installed
                continue
            if command.kind is CommandKind.NPM and command.name == "eject":
                continue  # create-react-app's one-way rewrite of the project: no container's business
            if command.kind is CommandKind.NPM and command.name in INSTALL_HOOKS:
                continue  # what `npm install` runs (nestjs-prisma-starter's `prisma generate`): the host's setup
            if command.kind is CommandKind.NPM and (command.location.path, command.name) in hooks:
                continue  # `postmigration:generate`: npm runs it with its main script, whose finding names it
            if command.kind is CommandKind.NPM and (command.location.path, command.name) in releases:
                continue  # nestjs-boilerplate's `release-it`: the host's git and credentials
            advised = _advised(managers, command)
            key = (home.service, advised, command.assigned)  # `GOARCH=arm64 go build` is not `GOARCH=amd64 go build`
            if key in seen:  # the same command again, or another part of the same npm script
                continue
            seen.add(key)
            if home.service not in running:
                running[home.service] = service_running(host.engine, project.compose.project_name,
                                                        home.service) if home.live else False
            if other:
                from .runtime_advice import runtime_belongs

                yield runtime_belongs(self, project, command, home, running[home.service], host.compose_cli)
                continue
            if scripts is None:
                scripts = PackageScripts(project.commands, project.root)
            finding = _belongs(self, project, command, advised, home, running[home.service], host.compose_cli, scripts)
            around = [hook for hook, main in hooks.items() if command.kind is CommandKind.NPM
                      and hook[0] == command.location.path and main[0] == command.name]
            if around:  # npm runs `preX`/`postX` itself around `npm run X`: the advised line runs them too
                said = ", ".join(f"{name!r} {'before' if name.startswith('pre') else 'after'} it "
                                 f"({project.shown(path)}:{hooks[path, name][1]})" for path, name in around)
                finding = replace(finding, message=f"{finding.message}; npm runs {said}")
            yield finding

def _home_of(command: Command, homes: tuple[ServiceHome, ...], root: Path,
             services: Collection[str] = ()) -> ServiceHome | None:
    """The service a command belongs to (the rule `doctor exec` follows too: command_home.belongs_in)."""
    if command.implied or command.kind not in SETUP_KINDS:
        return None
    return belongs_in(command.tool, command.text.split()[1:], command.cwd, homes, root,
                      npm_script=command.kind is CommandKind.NPM, local=command.local, services=services)
