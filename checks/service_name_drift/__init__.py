"""service-name-drift: env values naming a host that is no service, alias or container on the network."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Mapping, Sequence

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, and_list
from doctor.project import Project
from doctor.project.code_sites import other_sites, site_subject
from doctor.project.env_hosts import family_of, host_refs, is_browser_key
from doctor.project.service_network import (
    NetworkIndex,
    all_names,
    default_container_name,
    networks_of,
    service_family,
    suggest,
)
from doctor.project.types import EnvSource, EnvVar, Service

from .passwords import password_findings
from .readers import overridden_by_their_readers, unreached
from .refs import default_peer, dotted_peer, judged, serves_ref, value_refs
from .runs import run_hosts
from .settings_hosts import settings_hosts
from .siblings import from_sibling, named_beside_its_url
from .waits import wait_findings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.service_network import NetworkView

    from .edits import Use

PEERS_SHOWN = 10  # the peers an advice names before "and N more"


class ServiceNameDrift(Check):
    """hosts in env values and URLs that name no service, alias or container on the network

    What it finds
        A container env value (compose's, or a line of an env file bound onto the app's `.env`:
        fastapi_best_architecture's `./deploy/backend/docker-compose/.env.server:/fba/backend/.env`,
        which its settings read, unless the service's environment sets the key; or a line of the
        `.env` an app loads in its container (dotenv-override's calls: Node's and Go's dotenv, Rust's dotenvy,
        python-dotenv, pydantic-settings, django-environ, decouple, in a python image or a dev container's
        python image (msdocs-django-postgresql-sample-app's manage.py `load_dotenv('./.env')`); Laravel's
        phpdotenv; Symfony's symfony/dotenv;
        Rails' dotenv railtie, `gem "dotenv-rails"`, and its config/*.yml `ENV.fetch` fallbacks; Spring Boot's
        application.properties/.yml as SPRING_DATASOURCE_URL; Go's `envDefault`, `getEnv("K", "d")`, each of a
        variable's defaults where files give several: nginx-golang-postgres's a_store.go `"postgresserver"` and
        migrate.go `"postgres-server"`, two findings, one fix run; a Django settings module's
        literal DATABASES "HOST", CACHES "LOCATION" (a Redis or Memcached cache's, a URL or `host:port`,
        judged by its host: `"memcache:11211"` beside `memcached`; each server of a list or a `;`-separated
        string as Django reads them; not the table, folder or name of Django's DatabaseCache, FileBasedCache or
        LocMemCache, dandi-archive's `dandi_cache_table`) and CHANNEL_LAYERS "hosts" entries, djangox's `"HOST":
        "postgres"`, `("redis-server", 6379)` in a Channels layer, the literal address settings of the config
        class a Flask app loads with `app.config.from_object(...)`, `REDIS_URL = "redis://redis-server:6379/0"`,
        and any other address setting those modules write as a literal or read with a default, where compose
        sets no such variable (Misago's `CELERY_BROKER_URL = "redis://redis-server:6379/0"`, or
        `os.environ.get("REDIS_URL", "redis://redis-server:6379/0")`; a URL's or connection string's host, a
        `host:port`, or a `*_HOST`/`*_ADDR` key's value: `SESSION_SERVER = "cookie"` names an engine, and Django's
        test client's `http://testserver` is never judged), each rewritten on its line, unless a
        later statement writes a DATABASES, CACHES or CHANNEL_LAYERS alias's address
        (`DATABASES["default"].update(db_from_env)` where DATABASE_URL is set; `CHANNEL_LAYERS["default"]
        ["CONFIG"]["hosts"] = ...`) or the Flask app writes the key after from_object (`app.config["KEY"] = ...`,
        `from_prefixed_env()` with FLASK_KEY set)), where
        compose leaves the key
        unset or a Node call overrides: Sail's `DB_HOST=mysqlserver`)
        that names a host the container cannot resolve: the value of a key naming a host (`POSTGRES_SERVER`,
        `DB_HOST`, `*_HOST`, `*_SERVER`, nested config's `LISTMONK_db__host`) or the host of a URL/DSN
        (`postgresql://u:p@postgres:5432/app`, `redis://cache:6379`), the `"host"` field of a JSON
        object value (`{"host": "postgres", "port": 5432, ...}`, data-hub-api's database settings), the host
        of a keyword connection string (.NET's `ConnectionStrings__CatalogConnection=Server=sqldb,1433;User
        Id=sa;...`: `Server=`, `Data Source=` with SqlClient's `tcp:` and `,port`, Npgsql's `Host=` and `Port=`;
        eShopOnWeb's, SQL Server's 1433 naming `sqlserver`), a whole
        value `name:port`
        under another key where a peer named like it listens on that port (frappe_docker's
        `REDIS_CACHE: redis_cache:6379` beside `redis-cache`; an image `name:tag` is not), or a `.env` host
        key that a service's entrypoint, command or healthcheck interpolates
        (`wait-for-it.sh ${DB_HOST}:5432`), or a host one of them (or a script of the project it
        runs: fastapi-tdd-docker's entrypoint.sh, `nc -z web-db 5432`) waits for, written there or in
        a YAML anchor it merges (`<<: *common`, reported at the anchor's line)
        (`wait-for-it -t 120 database:3306`, `nc -z db 5432`, `/dev/tcp/db/5432`; judged only
        where a peer named like it listens on that port), that is no service
        name, container name, network alias, link alias or extra_host on a network the service
        joins. `hostname:` does not count (peers cannot resolve it), nor does a service on a
        network this one does not join. A service on the host's network (`network_mode: host`)
        joins none: a service, container or alias name of the project in its env (paperless-ngx's
        `PAPERLESS_DBHOST: db` after its webserver moved to the host's network) resolves nowhere,
        unless its `extra_hosts` maps it; the advice names the `localhost:PORT` the peer publishes,
        or dropping `network_mode: host`. A service that only a profile starts is not drift by
        its name, container name or alias (the n8n starter's `OLLAMA_HOST=ollama`, the container
        of `ollama-cpu` under `--profile cpu`). An env_file line that another service loading it
        resolves to a peer (dify's middleware.env, loaded by every service, `DB_HOST=db_postgres`)
        is theirs: a service on another network that merely gets it is not reported, unless it
        `depends_on` the service the host names (saleor-platform's `worker`, off the network of the
        `cache` its backend.env broker URL dials, beside `api` on it). Only names
        that can only be compose names are judged:
        dotted public names, IPs, localhost, host.docker.internal, values with unresolved
        `${}`, placeholders (`none`, `changeme`, mitxonline's `${DOCKER_HOST:-missing}`) and a bare word
        under a daemon address's key (DOCKER_HOST, BUILDKIT_HOST: a URL or `host:port`) are left alone,
        as is the bucket of an object-store URL (`s3://profiles`,
        `gs://`), and a name nothing in the project resembles (a service of another
        compose file, started separately) is only info; on an `external: true` network the
        info says that another project's container may answer to it (penpot's devenv). A dotted
        host in the project's own dotted style is no public name: one whose labels but the last
        are those of a dotted alias, container_name, hostname or service name of the project, and
        whose last label is close to that name's (openedx/devstack's `DB_HOST: edx.devstack.mysql`,
        its name before the upgrade, beside the alias `edx.devstack.mysql80`), is drift, rewritten
        to that name. A name
        that is a service of the project's other compose file beside the ones in use (ckan-docker's
        shared `.env` `http://ckan:5000` under `-f docker-compose.dev.yml`, whose app is `ckan-dev`)
        is a warning naming that file and the peer of the files in use listening on the port:
        written in a compose file in use it is rewritten there; a shared `.env` line, right for
        the other file, is left alone (advice: set it in the environment of the service). With
        no peer here on that port (opentelemetry-demo's JAEGER_HOST=jaeger, run by its optional
        compose.observability.yaml) it stays a note, whose advice is the command starting both;
        where that file's service joins an external network the reader joins too (polarsource/polar's
        docker-compose.shared.yml on `polar-shared`), the command starting that file as a project of
        its own (`docker compose -f dev/docker/docker-compose.shared.yml up -d`, its profile named, with a
        `-p` of its own where compose would give it the reader's project name, and the network's
        `docker network create` for where it does not exist yet).
        The other files are the `*compose*.yml` beside the ones in use; where a file in use is named
        by its role (quarkus-super-heroes' deploy/docker-compose/java25.yml, whose apps export to
        'otel-lgtm' of monitoring.yml beside it), any YAML file there declaring services.
        Also a URL whose password holds a raw `/`, `?` or `#` (a userinfo `app:` + `ab/cd` + `@db`):
        Python's urllib, Node's and Go's URL parsers and libpq end the host part there and dial
        the user name, not `db` (an error); or a raw `@`, where libpq and SQLAlchemy end the password
        at its first `@` and dial the rest (a warning; not for a service built from a Go module, whose
        net/url ends the user info at the last `@`: go-clean-template's pgx). It is named at the line
        that writes the password: the `.env` line of the variable the URL interpolates
        (`${POSTGRES_PASSWORD}`), else the URL's. A plain value of a key whose prefix has a URL or
        host of a peer beside it is no host (go-clean-template's `RMQ_RPC_SERVER=rpc_server` beside
        `RMQ_URL=amqp://...@rabbitmq:5672/` names a queue; so does it beside a URL dialing localhost, an
        `env_file: .env` written for the host, which leaked-host-port reports). The peer meant by a line several
        services load is asked of the apps first, of a server loading the line it would be dialed
        by last (suitenumerique/people's env.d/development/postgresql, loaded by 'postgresql' and
        its apps: `DB_HOST=postgresserver` means 'postgresql', not Keycloak's 'kc_postgresql').

    Why it matters
        The service starts, then fails at its first connection with "could not translate host
        name" or "Name or service not known", usually after a rename of the service or a copy
        of a `.env` from another project.

    Example
        .env:3  POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)
        compose.yaml:75  OL_URL host 'ol-web' names no service on the network (did you mean 'web'? it listens
        on 8080)
        .env:4  DATABASE_URL's password (from POSTGRES_PASSWORD) holds a raw '/': Python's urllib, ...

    Fix
        Rewrite the host on the line that defines it to the service meant: the peer the compose
        default of the variable it interpolates names (DefectDojo's `${DD_UWSGI_HOST:-uwsgi}` under
        a `.env` `DD_UWSGI_HOST=django`), else the one listening
        on the port the value uses (5432 -> the postgres service; a port no server family owns,
        lago's 5433, when the listener's image is named for the URL's server, getlago/postgres-
        partman), else, for a key that names a database without saying which (`DB_HOST`,
        `DATABASE_HOST`, `SQL_HOST`), the project's one database server (postgres, mysql or mongo
        family; an image named for its server behind a vendor's prefix is one, zulip's
        `zulip/zulip-postgresql`, a tool named after it is not, `postgres-exporter`), else the peer
        the key names before its role (`DD_UWSGI_HOST` -> `uwsgi`; not where the key's words hold the host
        itself: polar's `POLAR_TINYBIRD_API_URL=http://tinybird:7181` means tinybird's API, not its 'api'
        service), else the closest name (not one on a server of another family: a memcached `my-cache` for
        `redis://cache`), else the peer whose name (or alias) is a dash/underscore-separated part of the
        host, of those listening on the port it dials when several are (openlibrary's
        `OL_URL=http://ol-web:8080/`, or `openlibrary-web`, `web-server`, beside `web`, the one service on
        8080), else the one peer listening on that port whose name starts or ends the host (`webserver:8080`
        -> `web`), else the one peer whose name ends in the host as whole dash/underscore parts, its prefix
        left off (datasenseco/os-modern-data-stack's frontend `DATAHUB_GMS_HOST: gms` beside `datahub-gms`;
        `db` -> `myapp-db`), not where two peers do, where the port it dials is another peer's, where the peer
        runs another server than the URL's, or where the service joins an external network (another project's
        container may answer to the name there). A URL
        that names the drifted host with the HOST port of the
        service meant (docker-django-example's `@postgresserver:5433` while 'postgres' publishes
        5433:5432) gets its container port too (`@postgres:5432`): the host alone would leave it
        dialling a port nothing listens on inside the network. A
        value compose interpolates (`POSTGRES_SERVER: ${POSTGRES_SERVER}`, a URL's
        `@${POSTGRES_SERVER}:`) is reported and rewritten where it is defined: its `.env` line,
        which the title names (`replace 'postgresserver' by 'db' in DB_HOST, which DATABASE_URL
        uses`).
        In a JSON value only the host's string is rewritten (`"host": "postgres"`), in a connection
        string only the host after its keyword (`Server=sqlserver,1433;...`, libpq's `host=postgres port=5432
        dbname=app`: go-coffeeshop's PG_DSN_URL, though a PG_URL beside it names postgres too) or in a Go MySQL
        DSN's `tcp(mysql:3306)`.
        The fix asks first: the suggestion is a best guess. Services that all read one `.env`
        line (each through its own `DB_URL: ${DB_URL}`) share one finding there. A list of hosts
        (`DB_HOSTS=pg1,pg2`) is one finding, and one edit fixes every host of it; a host
        that would become an entry the list already has (both meant 'db') is dropped with its
        separator instead of written twice, and the fix says so. A raw character in a URL
        password is advice: percent-encode it (`/` as `%2F`, `@` as `%40`); a password compose
        interpolates is written into the URL as it is, so choose one without them, or give the URL
        its own encoded copy. A host no service resembles is a note whose advice lists a few
        services, unless the key names that host as the server it means (redash's
        `REDASH_STATSD_HOST=statsd`, no service named like it): add one, or point the key at
        that server.

    Fix safety
        Unsafe: the service named is a best guess, so the edit is asked for (or `--yes`). It
        changes only the host part of the one value, on its own line.
    """

    id = "service-name-drift"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    fix_family = "env"
    severity = Severity.ERROR

    def _indexed(self, peers: Sequence[Service]) -> tuple[dict[str | None, list[str]], dict[str, list[str]]]:
        """The peers of a network view by the server family each runs and by the folder each builds from,
        made once a run per view: 4,000 services each with a drifted host judged every peer for every
        finding (2.25 million family lookups at 1,500 services)."""
        held = self._views.get(id(peers))
        if held is None or held[0] is not peers:
            families: dict[str | None, list[str]] = {}
            folders: dict[str, list[str]] = {}
            for peer in peers:
                families.setdefault(service_family(peer), []).append(peer.name)
                if peer.build is not None and "://" not in peer.build.context:
                    folders.setdefault(os.path.basename(os.path.normpath(peer.build.context)).lower(),
                                       []).append(peer.name)
            held = self._views[id(peers)] = (peers, families, folders)
        return held[1], held[2]

    def _tails(self, view: NetworkView) -> dict[str, set[str]]:
        """The peers of a view's networks by each run of parts ending their names (affixes.name_tails), made
        once a run per set of networks."""
        if view.networks not in self._name_tails:
            from .affixes import name_tails

            self._name_tails[view.networks] = name_tails(view)
        return self._name_tails[view.networks]

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        self._views: dict[int, tuple[Sequence[Service], dict[str | None, list[str]], dict[str, list[str]]]] = {}
        self._name_tails: dict[tuple[str, ...], dict[str, set[str]]] = {}
        # and the env files the services' apps read from a bind (fba's `.env.server:/fba/backend/.env`)
        model = project.app_compose
        everywhere = all_names(model)
        hostnames = {s.hostname.lower(): s.name for s in model.services.values() if s.hostname}
        # a service a profile leaves out, by its name or what it answers to (n8n starter's
        # OLLAMA_HOST=ollama, the container_name of ollama-cpu under --profile cpu): not drift
        disabled = {name.lower() for name in (*model.disabled_services, *model.disabled_names)}
        # one finding per written value: its hosts fixed by one edit (two findings of one value
        # shared a subject, and the fixer plans one fix per subject and run)
        groups: dict[tuple[Location | None, str], dict[str, list[Use]]] = {}
        index = NetworkIndex(model)
        # `.env` hosts that reach a container through its entrypoint or command (wait-for-it)
        ran: dict[str, list[EnvVar]] = {}
        for service, var in run_hosts(project):
            ran.setdefault(service.name, []).append(var)
        # env_file lines a service resolves to a peer: a line every service loads (dify's
        # middleware.env) is for those that reach it, not for one on another network
        reached: set[tuple[Location | None, str]] = set()
        overridden = overridden_by_their_readers(model.services.values())
        for service in model.services.values():
            view = index.view(service)
            if view is None:
                continue
            # and a variable's other defaults in the service's code (a Go program's migrate.go beside a_store.go)
            # and the hosts a Django app's settings write in DATABASES, CACHES and CHANNEL_LAYERS (djangox's "db")
            values = [(v, None) for v in (*service.environment.values(), *ran.get(service.name, ()),
                                          *other_sites(project, service))]
            for var, refs in [*values, *settings_hosts(project, service, view)]:
                for ref in value_refs(var, service, view) if refs is None else refs:
                    name = ref.host.lower()
                    # a name the view resolves first: most are, and looks_internal parses an IP
                    if name in view.names:
                        if var.source is EnvSource.ENV_FILE and view.resolve(name) != service.name:
                            reached.add((var.location, name))
                        continue
                    if name in disabled or not judged(view, ref.host):
                        continue
                    if view.has_peer(default_container_name(model, ref.host)):
                        continue
                    if from_sibling(var, name, service):  # plane's DATABASE_URL=...@${POSTGRES_HOST}:...
                        continue
                    if named_beside_its_url(var, ref, service, view):  # go-clean-template's RMQ_RPC_SERVER
                        continue
                    if var.source is EnvSource.ENV_FILE and var.location is not None and (
                            var.location.path, var.name) in overridden:
                        continue
                    # keyed by where the host is written: services whose own lines all read one
                    # .env line (`DB_URL: ${DB_URL}` in four services) share its finding and edit
                    from .edits import written_at  # here: a clean project's run edits nothing

                    hosts = groups.setdefault((written_at(project, var, ref), var.name), {})
                    hosts.setdefault(name, []).append((service, view, var, ref))
        for hosts in filter(None, (unreached(hosts, reached, everywhere) for hosts in groups.values())):
            found = [self._finding(project, uses, everywhere.get(name) or hostnames.get(name), name in hostnames)
                     for name, uses in hosts.items()]
            var = next(iter(hosts.values()))[0][2]
            alone = len(found) == 1 and sum(1 for _ in host_refs(var.name, var.value, json=True)) <= 1
            yield found[0] if alone else self._merged(project, found, [u[0] for u in hosts.values()])
        for message, at, subject, fix in wait_findings(project, index):
            yield self.finding(message, at, subject, fix)
        if any(s.network_mode == "host" for s in model.services.values()):
            from .host_mode import host_mode_findings  # here: most projects run no service on the host's network

            for message, written, subject, fix in host_mode_findings(project):
                yield self.finding(message, written, subject, fix)
        for message, written, subject, fix, severity in password_findings(project):
            yield self.finding(message, written, subject, fix, severity)

    def _merged(self, project: Project, found: list[Finding], uses: list[Use]) -> Finding:
        """One finding for several hosts of one value (`DB_HOSTS=pg1,pg2`), with one edit for them all.

        Where two hosts would become the same entry (both meant 'db'), the later one is dropped with
        its separator, and the title says so: a host list naming `db` twice only repeats it.
        """
        from .edits import host_shown, list_fix

        var = uses[0][2]
        parts = [f"'{ref.host}'{f.message.removeprefix(host_shown(var, ref))}"
                 for f, (_, _, _, ref) in zip(found, uses, strict=True)]
        message = found[0].message if len(found) == 1 else f"{var.name}: " + "; ".join(parts)
        severity = max(f.severity for f in found)
        fix = list_fix(project, var, found, uses)
        return self.finding(message, found[0].location, found[0].subject, fix, severity)

    def _finding(self, project: Project, uses: list[Use], known: str | None, by_hostname: bool) -> Finding:
        from .affixes import affixed_peer, suffixed_peer  # here: a clean project's run never imports these
        from .edits import edited_name, host_edit, host_port_edit, host_shown, written_at
        from .siblings import listener_for, own_project_start, sibling_services

        service, view, var, ref = uses[0]
        where = written_at(project, var, ref)
        subject = f"{','.join(sorted({s.name for s, _, _, _ in uses}))}:{var.name}{site_subject(project, service, var)}"
        shown = host_shown(var, ref)
        if known is not None and not view.has_peer(known):
            message = f"{shown} is '{known}', which shares no network with '{service.name}'"
            nets = " or ".join(f"'{n}'" for n in sorted(networks_of(project.compose.services[known])))
            fix = Fix(f"put '{service.name}' on a network of '{known}': add {nets} to its networks", Safety.ADVICE)
            return self.finding(message, where, subject, fix)
        if known is not None and by_hostname:
            meant: str | None = known
            message = f"{shown} is the hostname of '{known}', which peers cannot resolve (did you mean '{known}'?)"
        else:
            # the compose default of the variable interpolated (`${DD_UWSGI_HOST:-uwsgi}`) first, then
            # each service reading the line, until one names a peer: a line every service loads
            # (dify's middleware.env DB_HOST) is read by the database too, which is no peer of itself
            # a server loading the line it would be dialed by is asked last: it cannot mean itself, and so
            # names another of its family (suitenumerique/people's env.d/development/postgresql, loaded by
            # 'postgresql' and the apps, asked 'postgresql' first, which named Keycloak's 'kc_postgresql')
            askers = sorted(uses, key=lambda use: serves_ref(use[0], use[3]))
            meant = next(filter(None, itertools.chain(
                (default_peer(u, r, v, s.name) for s, v, u, r in uses),
                (dotted_peer(v, r.host, s.name) for s, v, _, r in uses),  # devstack's edx.devstack.mysql
                (suggest(v, r, {n: e.value for n, e in s.environment.items()}, exclude=s.name)
                 for s, v, _, r in askers))), None)
            message = f"{shown} names no service on the network" + (f" (did you mean '{meant}'?)" if meant else "")
        if meant is None and (twins := sibling_services(project, ref.host)):
            # ckan-docker's shared .env `http://ckan:5000` under -f docker-compose.dev.yml ('ckan-dev')
            twin = twins[0]
            env = {n: e.value for n, e in service.environment.items()}
            peer = listener_for(view, ref, env)
            named = [project.shown(f) for f in twins]
            files = and_list(named)
            message += f" of {', '.join(project.shown(f) for f in project.compose.files)} (it is a service of " \
                       f"{files}, which this run does not read)"
            if peer is not None and var.source is not EnvSource.ENV_FILE and var.location is not None:
                meant = peer  # written in a compose file in use: rewritten there, as any drift
                message += f" (did you mean '{peer}'?)"
            elif peer is not None:
                line = project.shown(var.location.path) if var.location is not None else "env file"
                title = (f"in {project.shown(project.compose.files[-1])}, set {var.name} in the environment of "
                         f"'{service.name}', with '{peer}' in place of '{ref.host}' (the {line} line is right "
                         f"for {project.shown(twin)}'s '{ref.host}')")
                return self.finding(message, where, subject, Fix(title, Safety.ADVICE), Severity.WARNING)
            else:  # opentelemetry-demo's JAEGER_HOST=jaeger: its optional compose.observability.yaml runs it
                external = project.compose.external_networks
                joined = {external[n] for n in view.networks if n in external}
                if len(twins) == 1 and joined and (alone := own_project_start(project, twin, ref.host, joined)):
                    title = f"if the stack needs '{ref.host}', start {project.shown(twin)} first: {alone}"
                elif len(twins) == 1:
                    import shlex  # the command is there to be pasted: a folder named `my stack` stays one word

                    files = " ".join(f"-f {shlex.quote(project.shown(f))}" for f in (*project.compose.files, twin))
                    title = (f"if the stack needs '{ref.host}', start it with {project.shown(twin)}: "
                             f"docker compose {files} up")
                else:  # nautobot's db: postgres, mysql or dolt, the user's choice
                    choices = f"{', '.join(named[:-1])} or {named[-1]}"
                    title = f"if the stack needs '{ref.host}', add one of {choices} to the command with -f"
                return self.finding(message, where, subject, Fix(title, Safety.ADVICE), Severity.INFO)
        built = _built_from(self._indexed(view.peers)[1], ref.host, service.name) if meant is None else None
        if built is not None:
            # awesome-compose's nginx-flask-mongo: FLASK_SERVER_ADDR=flask:9091 while 'backend' builds ./flask
            meant = built
            message += f" (did you mean '{built}'? it builds from {ref.host}/)"
        if meant is None and (affixed := affixed_peer(view, ref, _env(service), service.name)) is not None:
            # openlibrary's OL_URL=http://ol-web:8080/ beside 'web', the one service listening on 8080
            meant, why = affixed
            message += f" (did you mean '{meant}'?{' ' + why if why else ''})"
        external = project.compose.external_networks
        if meant is None and not any(n in external for n in view.networks) and (
                suffixed := suffixed_peer(view, ref, _env(service), service.name, self._tails(view))) is not None:
            # datasenseco/os-modern-data-stack's DATAHUB_GMS_HOST=gms beside 'datahub-gms'; not on an external
            # network, where another project's container may well be 'gms'
            meant, why = suffixed
            message += f" (did you mean '{meant}'?{' ' + why if why else ''})"
        if meant is None:
            # Nothing of this project resembles the name: most often a service of another compose
            # file (an optional observability stack) or of another project; say so, quietly.
            # the first few peers and how many more: a title per finding naming (or even listing)
            # every peer grew with services squared
            peers_of = view.peers
            others = list(itertools.islice((p.name for p in peers_of if p.name != service.name), PEERS_SHOWN + 1))
            shown_peers = [f"'{name}'" for name in others[:PEERS_SHOWN]]
            if is_browser_key(var.name):  # a URL handed to others (a callback, the site's): it may be its own
                shown_peers.insert(0, f"'{service.name}' (itself)")
            shared = [f"'{external[n]}'" for n in view.networks if n in external]
            if shared:  # penpot's devenv: its infra (postgres, valkey, mailer) is another project on that network
                message += f" of this project; it joins the external network {', '.join(shared)}, where another "
                message += "project's container may answer to it"
                fix = Fix(f"start the project that puts '{ref.host}' on {shared[0]} before this one "
                          f"(`docker network inspect {shared[0][1:-1]}` lists who is on it)", Safety.ADVICE)
                return self.finding(message, where, subject, fix, Severity.INFO)
            if len(others) > PEERS_SHOWN:
                more = len(peers_of) - PEERS_SHOWN - (1 if view.has_peer(service.name) else 0)
                shown_peers.append(f"and {more} more")
            family = ref.family or family_of(ref.host)
            # the key names the server the host stands for (redash's REDASH_STATSD_HOST=statsd): no
            # peer named like it runs it, so listing the project's services would be no suggestion
            host = ref.host.lower()
            named_by_key = host in var.name.lower().split("_") and host not in service.name.lower() and not any(
                host in p.name.lower() for p in peers_of)
            if named_by_key and not family:
                fix = Fix(f"no service on the networks of '{service.name}' is named '{ref.host}' or builds from a "
                          f"{ref.host}/ folder: add one named '{ref.host}', or point {var.name} at the {ref.host} "
                          "server it can reach", Safety.ADVICE)
            elif family and not any(n != service.name for n in self._indexed(peers_of)[0].get(family, ())):
                # django-on-docker's CELERY_BROKER=amqp://...@rabbit beside only postgres: listing 'db' read
                # as a suggestion; no peer runs what the URL dials
                fix = Fix(f"no service on the networks of '{service.name}' runs {family}: add one named "
                          f"'{ref.host}', or point {var.name} at a {family} server it can reach", Safety.ADVICE)
            elif shown_peers:
                fix = Fix(f"point {var.name} at a service: {', '.join(shown_peers)}", Safety.ADVICE)
            else:  # "at a service: none" told nothing
                fix = Fix(f"no other service shares a network with '{service.name}': point {var.name} at a host "
                          "it can reach, or put the service it means on a network with it", Safety.ADVICE)
            return self.finding(message, where, subject, fix, Severity.INFO)
        moved = host_port_edit(project, var, ref, meant)
        if moved is not None:  # the URL's port is the host port of the service meant: its container port too
            both, target = moved
            title = (f"replace '{ref.host}:{ref.port}' by '{meant}:{target}' in {edited_name(project, var, both)} "
                     f"({ref.port} is the host port of '{meant}', which listens on {target} inside the network)")
            return self.finding(message, where, subject, Fix(title, Safety.UNSAFE, (both,)))
        edit = host_edit(project, var, ref, meant)
        title = f"replace '{ref.host}' by '{meant}' in {var.name if edit is None else edited_name(project, var, edit)}"
        fix = Fix(title, Safety.UNSAFE, (edit,)) if edit is not None else Fix(title, Safety.ADVICE)
        return self.finding(message, where, subject, fix)


def _env(service: Service) -> dict[str, str | None]:
    """The service's effective env, as the values a reference's sibling `*_PORT` is read from."""
    return {n: e.value for n, e in service.environment.items()}


def _built_from(folders: Mapping[str, list[str]], host: str, exclude: str) -> str | None:
    """The one peer (not `exclude`) whose build context is a folder named `host` (`folders`: the peers by the
    name of the folder each builds from): the service a value naming that folder means (awesome-compose's
    `backend`, `build: flask`, dialled as `flask`)."""
    named = [name for name in folders.get(host.lower(), ()) if name != exclude]
    return named[0] if len(named) == 1 else None
