"""Published host ports that are already taken, published twice, or clash with another project."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Severity
from doctor.project import Project
from doctor.project.command_home import compose_cli

from .live import live_findings
from .static import PortMover, static_findings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


class PortCollision(Check):
    """published host ports already bound, published twice in the project, or by another project

    What it finds
        Statically (files only): two services, or two mappings of one service, that publish the
        same host port on overlapping host IPs with the same protocol - across short syntax,
        long syntax and host ranges (`9000-9010:90` against another `9005`). `""`/`0.0.0.0`
        overlap every IPv4 address, `""`/`::` every IPv6 one; `127.0.0.1` and `127.0.0.2` do
        not; `tcp` and `udp` on one port do not. Also `ports:` on a service whose network is
        not its own (`network_mode: host`: ignored; `service:`/`container:`: refused).
        Live (this machine, now): every fixed host port the enabled services publish is looked
        up in the kernel's socket table (read once per run), and each one some socket sits on
        is bound the way the engine binds it (its host IP; all interfaces = `0.0.0.0` and
        `::`) and closed at once. A busy port is traced to its owner: a container of another
        compose project (with its project, service and container name, and, started in another
        worktree of this repository, that folder and the worktree's name: `..., started from
        /src/app-b (worktree 'app-b')`), a leftover container,
        a host process (pid, name, command line), or a process the kernel hides from doctor.
        A process that forwards ports for an engine (Docker Desktop's, rootless podman's
        `rootlessport` or pasta) stands for a container of it, named by `podman ps` for podman's,
        and for rootless docker's `rootlesskit` by `docker -H` its own socket (`docker.sock` in the
        XDG_RUNTIME_DIR it runs with), which a plain `docker ps` may not reach; a `docker-proxy` of
        a dockerd other than the one the current context or DOCKER_HOST names (the system engine
        beside a user's rootless one, `docker context use rl`) by `docker -H` that dockerd's own
        address (its `-H` flags, else its daemon.json's `hosts`, else `/var/run/docker.sock`).
        A process is named with the address it holds when that is not our mapping's own (a
        server on 127.0.0.1:8094 stops `up`'s 0.0.0.0:8094: `0.0.0.0:8094/tcp ('web') is held on
        127.0.0.1 by pid ...`; one on [::1] alone stops its [::]:8094); from the socket table,
        or lsof/ss where it is hidden (macOS without root), else said unseen, never guessed.
        A container of another compose project in a restart loop (`restart: always` and a command
        that exits: listed `restarting`, its port free between two starts) holds the port as a
        running one does: an error, whose advice stops it (`docker rm` refuses it).
        A container of this folder's own stack started under another project name (`-p NAME`, or
        COMPOSE_PROJECT_NAME in another shell or an IDE; its compose working-directory label is
        this folder) is named as such: `up` under this name starts a second copy, so the advice
        is to run compose under that name (`export COMPOSE_PROJECT_NAME=NAME`), or to stop that
        copy; `fix --ports` moves no port for it (two copies would then run).
        A port nothing holds that another worktree's running compose project publishes too (for a
        service it has not started: as its own files and `.env` say, never this shell's variables, and
        only in a profile its `.env`'s COMPOSE_PROFILES or a service it runs enables; a one-off `run`
        container alone is no running stack) is a warning when tracks run side by side, moved into this
        worktree's block with the held ones; a worktree still on the committed ports is not asked
        to move for one that holds a block of the port plan.
        Ports a stopped container of another compose project declares (a leftover of a renamed
        folder: `up` fails once it runs again; where a process or a running container holds the port
        too, that finding names the stopped one as its second owner, which binds the port at its
        next start, and offers its removal beside the move), ports below the unprivileged limit with a
        rootless engine are warnings, and so is a port an engine's forwarder (docker-proxy) holds
        while the engine does not answer (it may be this project's own container, which `up`
        recreates); a free port in the kernel's ephemeral range is info (an
        outgoing connection may take it before `up`). A host range mapped onto a container
        range (`20000-29999:20000-29999`, which compose expands port by port) is reported per
        owner: `11 host ports of 'web' (0.0.0.0/tcp: 20000-20010) are held by ...`, at most
        ten owners per mapping and one line counting the rest. A host range mapped onto one
        container port (`18090-18092:82`: the engine picks one port) depends on the engine's
        release: from Docker Engine 27.0 (moby#47871) it tries each port until one binds, so no
        finding while one is free; before 27.0 (Debian's docker.io 20.10) it skips only ports docker itself
        allocated (other containers' on that address) and takes the others in turn, the first
        at the range's first request, the next at each later one (moby#44136). A process outside
        docker on the first such port is then an error (`up` fails: `Error starting userland
        proxy: ... address already in use`), on another one a warning (an `up` after a `down`
        walks onto it); the advice names the longest run of the range no other process holds.
        With every port of the range held (by processes, or other projects' containers) none binds
        on any engine: an error per holder, whatever the release, advising another range.
        When the engine does not answer its release is unknown: a held port is a warning that
        says so (the check is not a pass, nor an error `up` on a new engine would not meet);
        podman's API is judged as before. A `container_name` that a
    container of another compose project (or of none) already has, running or stopped, is an
    error: `up` fails with "The container name ... is already in use" (documenso's dev
    compose names its containers, so a second worktree's stack cannot start beside the first).
    The advice drops the fixed name in the dev override (`container_name: !reset null`), or,
    where the name is read from a variable (linkding's `"${LD_CONTAINER_NAME:-linkding}"`),
    sets that variable to a name of this checkout's own on the env file line that sets it.
    A network the project creates under a fixed `name:` that the engine has from another
    compose project's `up` (dittofeed's `dittofeed-network-dev: {name: dittofeed-network-dev}`
    in a second worktree) is a warning at that `name:` line: `up` only warns that it "was not
    created for project" and joins it, so each service name answers for both projects'
    containers. The advice is `networks: KEY: name: !reset null` in the dev override (compose
    then names it PROJECT_KEY); an engine that does not answer in its timeout is an info. One
    of that name with no compose labels (`docker network create`, another tool) or another
    key's label is an error: `up` stops at it ("was found but has incorrect label"); the advice
    is `external: true` to share it, else `name: !reset null` or removing it; the project's own,
    left by an `up` before its key was renamed, is to be removed (`docker compose down` does).
    So is a network of the name compose gives one without `name:` (`PROJECT_default`, PROJECT_KEY)
    made by hand (`docker network create myproj_default`): an error, the advice `external: true`
    with that `name:`, else another project name or removing it. All are asked in one request.
        Our compose project name on containers of another checkout (worktrees whose tracked `.env`
        sets one `COMPOSE_PROJECT_NAME`, or whose compose file's top-level `name:` names them all,
        wild-workouts' `name: 'wild-workouts'`): an error while they run (`up` here recreates them from
        this checkout's files), a warning when they are stopped. The name advised instead is this
        checkout's own: its folder name, else its branch, else the folder above it; where the .env
        is tracked, an export, with what names every checkout alike (that .env, or the `name:` and
        its file). The ports
        those running containers hold that this checkout publishes too are named with it: once
        renamed, they clash (docker-flask-example's 8000 was found only by a second preflight).
        Where an env file git does not track names the project (docker-flask-example's `cp
        .env.example .env` in each worktree: `export COMPOSE_PROJECT_NAME=helloflask`), `fix --ports`
        writes the new name on that line (asked: this checkout's stack gets volumes of its own), then
        moves those ports in the same run; a name from `-p`, the shell or a tracked `.env` stays advice.
        With a remote engine, or an engine socket mounted into doctor's container (its listener
        elsewhere, whatever connections to it are open here; not a rootless engine started in that
        container: its rootlesskit publishes there), local binds prove
        nothing: only the engine's port bindings are compared (one info line), and
        a remote engine's moved port is named that machine's, not this one's.

        Services of the project publishing one port on different host IPs that meet (`127.0.0.1:21290`
        and `0.0.0.0:21290`: `up` fails, "bind: address already in use") are named each with its IP;
        `[::1]:21290` meets neither (another address family), and no clash is said.

        Severity: A clash inside the project is an error when it happens whenever the project runs
        (one service publishes the port twice, or the services start together through
        `depends_on`/`links`/`network_mode: service:`, or through a start of the project's own: a
        Makefile target, script, doc or CI step that runs a bare `up` or names both); a warning
        when only a plain `docker compose up` of every service hits it; info when the project's
        own commands start each of them and never two together (mathesar's DEVELOPER_GUIDE.md
        `docker compose -f docker-compose.dev.yml up dev-service`, its CI `up test-service
        dev-db`, both on 8000): a clash only for a bare `up`, named with those starts, no port
        moved; info too in a catalogue of alternative services (three or more unlinked clash
        groups, like laradock's nginx/apache2/caddy), which users start a few at a time by name.
        A busy port is an error; a running container of this project holding its own port is no
        finding.

    Why it matters
        `docker compose config` accepts all of this; `docker compose up` then stops half-way
        with `Bind for 0.0.0.0:8094 failed: port is already allocated`, naming no owner.
        Two worktrees of one repo (tracks A/B/C) started side by side hit it on every port.

    Example
        `web` publishes `8094:80` while `trackc-traefik-1` of project `trackc` holds 8094:
        `0.0.0.0:8094/tcp ('web') is taken by 'trackc' service 'traefik' (container trackc-traefik-1)`

    Fix
        `doctor fix --ports` moves this project's side: it picks a free host port (never one
        bound now, published by another compose project or by a service of this one in any
        profile, active or not, in the ephemeral range or below 1024; from `ports.range` of
        doctor.yaml when set, else the nearest free one above) and writes it where compose reads
        it: the variable's line in `.env` when the port comes from one
        (`"${TRAEFIK_PORT:-8094}:80"`; also a line that leaves it empty, `HTTP_PUBLISH_PORT=` of
        frappe_docker's example.env, which `:-` reads as unset), else the dev override's own line
        where it alone publishes the port (appwrite's traefik `9520:80` there, no other file naming
        9520: its quoting and the list's tag kept), else `ports: !override [...]` in the dev override (a
        plain `ports:` where no other compose file gives the service ports: wemake's `web`),
        keeping a long entry's `name` and `app_protocol`, every other entry and every other line
        as written. Services that share one list through a YAML anchor each get their own
        `ports: !override` list (editing the anchor would move them all onto one new port); so do
        services whose published port is one variable they share (monica's laravel.queue and
        laravel.cron merge laravel.test's `${APP_PORT:-80}:80` with `<<: *app`: a new APP_PORT
        would move all three), the first keeping the variable, in one run. A held
        port that alternatives of a catalogue publish (laradock's mailcatcher and mailhog, neither
        starting the other) moves for all of them, to one new port in one edit: they stay
        alternatives, and the catalogue's other pairs stay notes. A compose file named on the command line
        (`doctor fix --ports compose.yaml`) is read alone, as `docker compose -f` reads it: with a
        compose.override.yaml beside it that plain `docker compose up` merges, the fix edits the named file and its
        title names the override it did not read and `doctor fix --ports .` for the project as `up` reads it. Only
        the host side moves; the container side never changes. A container that gets the moved
        variable to dial the service on the network (`POSTGRES_PORT` in backend's environment) keeps
        today's value, set in the dev override's environment; one whose code builds the site's public
        address from it (bookwyrm's settings: `NETLOC = f"{DOMAIN}:{PORT}"`, then `BASE_URL` and
        `CSRF_TRUSTED_ORIGINS`) reads the port browsers open: it follows the move, unpinned, and the
        fix names the line (`'web' builds its public address from PORT (bookwyrm/settings.py:393)`).
        The moved service's own host port, where it does not listen on that port inside
        (docker-flask-example's `DOCKER_WEB_PORT_FORWARD` behind `"${DOCKER_WEB_PORT_FORWARD}:8000"`,
        handed in by `env_file: .env`), is never kept for it: whatever reads it follows the move.
        Where the author wrote one variable on both sides (`"${DB_PORT:-5432}:${DB_PORT:-5432}"`, or
        DefectDojo's long entry `target:` and `published: ${DD_DATABASE_PORT:-5432}`) a new `.env` value would move the
        container port too, where postgres does not listen: the variable is left alone and the
        mapping is written with literals (`target: 5432`, `published: 5433`), in the dev override or,
        where none is read, on its own lines; the fix says so. Unless the service's own
        environment gets the variable (jitsi's jvb lists `JVB_PORT`): the server listens on the
        port it is told, so the `.env` value moves both sides, as the author tied them.
        A tcp and a udp mapping of one service on the same host port, address and container port
        (hedgedoc's `"443:443"` and `"443:443/udp"`: HTTPS and HTTP/3) move together, to a port free
        for both, and the fix says `tcp and udp together`; the verify compares the moved
        protocols only.
        A literal `localhost:<old port>` in a container env value (`TAIGA_DOMAIN=localhost:9000`:
        the site's address the app builds its links from), or `*.localhost:<old port>`, `127.0.0.1:<old port>`
        or a URL's `http://0.0.0.0:<old port>` (ChiefOnboarding's `BASE_URL`; never a bind, listen or
        address key's) (ArchiveBox's `CSRF_TRUSTED_ORIGINS=http://admin.archivebox.localhost:8000`; each of a list on
        one line), or, for host port 80 (443), a http/ws (https/wss) URL that writes no port (a Laravel
        Sail app's `.env` `APP_URL=http://localhost` behind `${APP_PORT:-80}:80`: it gets the new port,
        `http://localhost:8080`), moves to the new port on the line that writes it, unless
        that service listens on the port itself; the moved service's own keys for its public
        address (`SITE_URL`, `BASE_URL`, `PUBLIC_URL`, `CSRF_TRUSTED_ORIGINS`, a `*_HOST`: pontoon's
        `SITE_URL=http://localhost:8000` behind `"8000:8000"`) move even then, for every service that
        reads the line they are written on (Flagsmith's anchor `FLAGSMITH_DOMAIN: localhost:8000`,
        merged by `flagsmith` on "8000:8000" and its task processor on "8001:8000": one site's
        address, not the processor's own listener, moved for all three), and its other values
        naming the old port are named with their line, to set if they are the address browsers
        open. Such a site key an env_file of the moved service builds from a variable
        (litestar-fullstack's `.env.docker` `APP_URL=http://localhost:${LITESTAR_PORT}`, where
        `LITESTAR_PORT=8000` is where the app listens inside) gets the new port in place of the
        reference, the variable left alone; unless the move rewrites that variable's `.env` line,
        through which it follows. A value of the moved service that does not follow is named with the
        line it is written on, a site key's address under a name of its own too (tubearchivist's
        `TA_HOST=http://tubearchivist.local:8000`, a name /etc/hosts gives; never a name a service
        answers to on the network, which dials its container port: wild-workouts'
        `FIRESTORE_EMULATOR_HOST=firestore:8787`). The settings code a
        service reads (the module `DJANGO_SETTINGS_MODULE` names in
        compose or in its Dockerfile's ENV, else its `manage.py`'s default, and the project modules it
        imports from; a few files, bounded) and the JS build tools' config files of the moved service's
        folders, the project folder and its app folders (`webpack.config.js`, `vite.config.ts`; never
        node_modules) naming `localhost:<old port>`, `*.localhost:<old port>` or `127.0.0.1:<old port>`
        (djangoproject.com's `PARENT_HOST`, django-react-boilerplate's webpack `publicPath` and the
        backend's CSP `LOCAL_HOST_URL`) are named after the move, never edited. What the fix leaves to
        the developer (those lines, a key to set, a file outside the folder it writes in, a new
        override to keep out of commits) comes last in its title, as `(then, by hand: ...)`. Where the port
        moved in the dev override and the value is written in another compose file (redash's
        `REDASH_HOST` in the tracked compose.yaml's environment anchor), it is set in that override instead, for each
        service reading it; so too with worktrees side by side (saleor-platform's api `DASHBOARD_URL=
        http://localhost:9000/` follows the dashboard in the second worktree's untracked override), where a value
        left in a tracked file is named as a change by hand with its file and line. A `localhost:<old port>`
        (or `*.localhost`, 127.0.0.1) in the
    env files an app run on the host reads (`.env`, `.env.local`, `.env.development[.local]`, the
    `.env` beside a Prisma schema, `prisma/.env`, which the Prisma CLI reads: plunk's `yarn migrate`, and
    the `KEY=value` files a Makefile there includes: Flagsmith's `api/Makefile` `-include .env-local`
    with `DATABASE_URL=postgresql://...@localhost:5432/flagsmith`, handed to every host-run target; in
    the project folder, the folder doctor is pointed at (`cd api; COMPOSE_FILE=../docker/compose.yml`),
    at the top of its checkout and in the app folders up to two levels below
    them, such as plane's `apps/web/.env`: documenso's root `.env` for its
    `docker/development` compose) moves too, as does a bare `*_PORT=<old port>` in a file a Makefile
    includes when no container listens on that number inside (joanie's `LOCALTUNNEL_PORT=8071`, the
    port its `make tunnel` forwards), and a `X_PORT=<old port>` beside `X_HOST=localhost` in such a
    file (ghostfolio's root `.env` REDIS_PORT, which its API run on the host reads), never into a
    committed template a Makefile falls back to
    (`include .env.example` when there is no `.env`); a container's URL of a scheme no browser
    opens (`nats://...@localhost:4222`) dials a peer, leaked-host-port's to fix, and does not
    follow; a key the env template shows commented out for the
    old port and `.env` does not set (docker-flask-example's `#export SERVER_NAME=localhost:8000`,
    whose app otherwise builds localhost:8000 from the container port) is named to set; one outside
    the folder fixes may write in is named
    with its line for a change by hand. A value stays where a healthcheck, command or entrypoint
    runs it whole, from a file compose reads (docker-django-example's `.env`
    `curl localhost:8000/up`); the head of a longer URL one runs is no such value, and a file compose
    does not read feeds none: full-stack-fastapi-template's `frontend/.env`
    `VITE_API_URL=http://localhost:8000` follows past backend's healthcheck
    `curl -f http://localhost:8000/api/v1/utils/health-check/`. One of those env files compose does not read
    that sets an app's own listen port to the old port (`PORT`, `LITESTAR_PORT`, `APP_PORT`, `SERVER_PORT`,
    `UVICORN_PORT`, ...; not a peer's `DATABASE_PORT` or `EMAIL_SMTP_PORT`) is a host app's own config:
    litestar-fullstack's root `.env` (`cp .env.local.example .env`, then `app run`) sets `LITESTAR_PORT=8000`,
    so its `APP_URL=http://localhost:8000` is that app's own address, not the container's: it is neither edited
    nor named for a change, and one note says so. A checkout without its `.git` (an archive) has its top at the
    nearest folder up to three above the project that holds `.github`, `.gitattributes` or `.gitmodules`, else a
    `.gitignore`. When the old port is the server's default
        (postgres 5432, mysql 3306, redis 6379), the fix says that programs on the host using
        it (an app run on the host with `jdbc:postgresql://localhost/app`) must now name the new
        one: they name no port, so nothing in the project can be edited for them. A port a stopped leftover
        declares moves the same way. The command that frees the port instead
        (`docker compose -p trackc stop traefik`, `docker rm -f NAME`, `docker rm LEFTOVER`)
        stops or deletes someone else's work (a leftover may be another checkout's), so it is
        only offered as a question, never applied by default or by `--yes`. A host range mapped
        onto a container range (localstack's `"127.0.0.1:4510-4559:4510-4559"`) moves whole, to a run of
        as many free ports, its container side kept (`"127.0.0.1:20201-20250:4510-4559"`); one onto a
        single container port, or written with a variable, is not moved port by port: the advice names
        the busy ports the range must avoid. When every
        port of `ports.range` is taken, the advice names that range and its doctor.yaml line.
        With worktrees side by side, where the files publishing a literal port are tracked (the
        fastapi template's compose.override.yml and .env), the move goes into the worktree's own
        `compose.ports.yaml` (`ports: !override` lists), appended to the repository's shared
        info/exclude; compose reads it through COMPOSE_FILE, set in an untracked `.env`, else
        printed once as the export left to the shell. A second run before that export reuses the
        file's ports, writes nothing and names the export once.

    Fix safety
        Safe: only the host side of our own mapping moves, to a port that binds now, and the
        fix proves it by reloading the project (and `docker compose config`) after writing.
        Stopping another project's container is unsafe and only ever asked.
    """

    id: ClassVar[str] = "port-collision"
    fix_family = "ports"
    severity = Severity.ERROR
    prefetch = ("containers",)  # the engine lists its containers while the other checks run

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        mover = PortMover(project, host)
        static = list(static_findings(self, model.services, mover, project))
        yield from static
        yield from live_findings(self, model, host, mover, bool(static), tuple(compose_cli(project)), project)
