"""leaked-host-port: a published host port, or localhost, reaching another container's env."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity, replace, service_names
from doctor.project import Project
from doctor.project.service_network import NetworkIndex
from doctor.project.types import Service

from .clients import Clients
from .code_defaults import code_default_findings
from .healthcheck_dials import healthcheck_dials
from .host_network_dials import host_network_dials, host_network_servers
from .local_lines import local_lines
from .localhost_dials import LocalDial, own_namespace, redirected
from .port_consumers import consumer_groups
from .run_dials import LocalRunDial, RunDial, local_run_dials, run_dials
from .target_ports import unheard_targets
from .value_lines import _address_at, _key_line, _origin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .override_fix import Consumer


class LeakedHostPort(Check):
    """a host-side published port or localhost reaching a container's environment

    What it finds
        A container's env values are compose's, and the lines of an env file bound onto the app's `.env`
        (fastapi_best_architecture's `.env.server:/fba/backend/.env`) that the service's environment does not set; the
        fix of such a line sets the value in the service's environment, which wins over the file. So are the lines of
        the `.env` an app loads in its container through a bind mount or a COPY: the calls dotenv-override reads, Node's
        and Go's dotenv, Rust's dotenvy (`dotenv()`), a Python app's python-dotenv, pydantic-settings (its fields only),
        django-environ, decouple (in a service running Python; not overriding ones), a Laravel app's phpdotenv
        (`artisan`, laravel/framework, a service running PHP: never an nginx, httpd or caddy build that installs and
        starts no PHP, which only passes `.php` to `fastcgi_pass php:9000`; a comment's words start none, InvoiceShelf's
        dev nginx writing its site config through a heredoc with `# Pass "*.php" files to PHP-FPM`), a Symfony
        app's symfony/dotenv (`.env`,
        `.env.local`, `.env.$APP_ENV`; none after `composer dump-env`), a Rails app's dotenv railtie (`gem
        "dotenv-rails"` in the Gemfile, in its RAILS_ENV's group: `.env.$RAILS_ENV.local`, `.env.local`,
        `.env.$RAILS_ENV`, `.env`, the first winning; rubyforgood/casa's `.env` with `POSTGRES_PORT=5435` for the host)
        and its config/*.yml `ENV.fetch` fallbacks (not in a service whose start only reads the code, a language
        server or linter: hackclub/hcb's `solargraph`, `bundle exec solargraph socket`, boots no Rails),
        Spring Boot's .properties or .yml (as SPRING_DATASOURCE_URL...) and
        a Go app's defaults (`envDefault`, `getEnv("K", "d")`; each of several).
        (1) A variable used as the host side of a published port (`"${POSTGRES_PORT}:5432"`
        with POSTGRES_PORT=5433) whose value also reaches another service's container env
        through env_file or environment, where that service dials the publisher (the
        variable's name says postgres/db, or its env names the service as a host): it dials
        db:5433, but db listens on 5432 inside the network. So is a bare `*_PORT` of the number a
        literal mapping publishes (`"5433:5432"`), where its name says the server's kind and no
        `*_HOST` beside it names where it dials: docker-rails-example's POSTGRES_PORT=5433 in .env,
        read by config/database.yml (a Rails config/*.yml's ERB is code) with the default host
        `postgres`. (2) The same port inside an
        address: a URL or a `*_HOST` `host:port` whose host is a service (or its alias) on a
        shared network and whose port is a host port that service publishes but does not
        listen on inside (`postgresql://app@db:${POSTGRES_PORT}/app`, a default
        `${POSTGRES_PORT:-15432}` or a literal `db:5433` behind `"5433:5432"`; a .NET connection
        string's `Server=sqlserver,1434;...` or Npgsql's `Host=db;Port=5433`; libpq's keyword/value
        DSN, `host=db port=5433 dbname=app`, and a Go MySQL DSN, `app@tcp(db:3307)/app`), or a bare
        `*_PORT` beside the `*_HOST` naming that service (SQL_HOST=db, SQL_PORT=5433), or
        naming no service at all where one peer publishes that host port (flask-on-docker's
        SQL_HOST=database beside `db`: service-name-drift's too; once the name is right it dials
        db:5433). Its container
        port (`db:5432`), a host that is no service, and the published port through
        `host.docker.internal` are right and not reported. (3) `localhost`, `127.0.0.1` or
        `::1` as the host of a container env value (a URL, a `*_HOST`, a connection string's
        `Server=localhost,1433;...`, eShopOnWeb's ConnectionStrings__CatalogConnection; go-coffeeshop's
        `PG_DSN_URL: host=localhost user=postgres ...`, 5432 where it names no port; or a whole
        `localhost:PORT` under a key naming no host, go-clean-template's OTLP exporter address
        `TRACING_OTLP_ENDPOINT=localhost:4317` beside jaeger, fixed to `jaeger:4317`, where a peer listens on
        that port inside the network, the key names no audience and no proxy in front of the service publishes
        it: `CANONICAL=localhost:8080` behind a proxy's `8080:80` and `MAILPIT_UI=localhost:8025` are pages)
        where another
        service listens on that port: inside a container, localhost is the container itself (one
        finding for a line several services read, naming them all); a `*_HOST` with no port
        whose key names a server peer (`DB_HOST: localhost` beside `db`, `PAPERLESS_DBHOST` by its
        last word) or a kind of server with one such peer (immich's `DB_HOSTNAME=localhost`
        beside `database` on a postgres image) too, and so is a URL whose scheme names no server under a
        key naming a database (papercups' Ecto `DATABASE_URL: ecto://postgres@localhost/postgres` beside
        `db`); a `*_PORT` beside such a host holding the port
        the peer publishes, not the one it listens on (POSTGRES_PORT=5433 for `5433:5432`), is named
        in the same finding, and its fix says the port follows (`doctor fix` sets it in its next
        round). Where the server runs on the host's network
        (`network_mode: host`: forem's postgres and redis) and the service on the project's, the
        same localhost is the container too, and no compose name reaches the server (advice:
        dial host.docker.internal with `extra_hosts: host-gateway`, or put the server on the
        project's network).
        Of several peers on the port, the one the key's name names (`REDIS_BROKER_HOST` -> `redis_broker`),
        else its env template's value (`.env.example`), else the default the code reads it with
        (`env("REDIS_BROKER_HOST", "redis_broker")`), else the one compose configures from the same
        variables as the key's siblings (ipl-dagster-pipeline's IPL_POSTGRES_HOST beside IPL_POSTGRES_USER
        means 'ipl_postgis', on `POSTGRES_USER: "${IPL_POSTGRES_USER}"`, not 'dagster_postgresql' on
        DAGSTER_POSTGRES_USER), before the one the service depends on (bookwyrm's web depends on
        redis_activity); and one line names one peer for every service that reads it.
        Each service is judged with its effective env (`environment:` beats `env_file:`).
        (4) A healthcheck probing `localhost:` one of the service's own published host ports
        (`wget http://localhost:${WEB_PORT}/` behind `"${WEB_PORT}:80"`): the probe runs in the
        container, where the service listens on 80, so it turns unhealthy (advice: probe 80).
        (5) An entrypoint, command or healthcheck naming a peer on a host port it only
        publishes (`wait-for-it.sh db:${DB_PORT}` behind `"${DB_PORT}:5432"`, DB_PORT=5433):
        compose writes db:5433 into the command line (the fix writes db:5432 there, in place of the
        literal or of the `${DB_PORT:-5432}` the line writes, which keeps the host side; so too where
        the port is the container side of an unheard mapping (7), reported with it in one run; advice
        where the line writes the host as a `.env` variable too, reported at that `.env` line, one finding
        for every service whose part interpolates it: DefectDojo's four `wait-for-it.sh` entrypoints
        with `${DD_DATABASE_PORT:-5432}`). A URL several services interpolate from one `.env`
        line (`DD_DATABASE_URL: ${DD_DATABASE_URL:-...}` in four services) is one finding there.
        (6) An entrypoint or command dialing a URL on localhost where a peer listens and the
        service does not (`celery worker --broker redis://localhost:6379/0` beside `redis`):
        the fix writes the peer's name there; so too what a waiter waits for
        (`wait-for-it.sh localhost:5432`, `nc -z localhost 6379`, `</dev/tcp/localhost/5432`), and what a
        dev server's proxy option forwards to, with or without a scheme (`browser-sync start --proxy
        http://localhost:8000`, `--proxy localhost:8000`, `--upstream`): it dials that, no page.
        (7) A host port variable on the container side of a server's mapping (DefectDojo's dev
        override: `target: ${DD_DATABASE_PORT:-5432}`, `published: ${DD_DATABASE_PORT:-5432}`)
        set to another port than the server listens on (postgres 5432, mysql 3306, redis 6379,
        ...), where the default written there is that port (the author meant it; mailpit's
        `${MAILPIT_UI_PORT:-8025}` is its web UI, not its SMTP port), unless the service moves
        its port itself (PGPORT, MYSQL_TCP_PORT, a `--port`, `-c port=`): the
        mapping reaches nothing (the fix writes the server's port as the container side, on its line).
        (8) A Python settings module's localhost default (`env("REDIS_URL", default="redis://localhost:6379")`), literal
        (`broker_url = "redis://..."`; a Django DATABASES alias's `"HOST": "localhost"` on its "PORT" or ENGINE's
        port, a CACHES `"LOCATION"` URL, a Channels layer's `"hosts"` entry, the tutorial's `("127.0.0.1", 6379)`:
        rewritten in the literal's place, asked; not once a later statement writes that alias's address,
        Heroku's `DATABASES["default"].update(dj_database_url.config(...))` where DATABASE_URL (its `env=`) is
        set for the service or a `default=` given (else config() gives {} and the literal holds),
        `DATABASES["default"]["HOST"] = ...`, `DATABASES["default"] = ...`, or a layer's
        `CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = ...`, `["CONFIG"] = ...`) or built pydantic-settings
        field's (`redis_url: str = "..."`), or database.yml's `host: localhost`, where a peer listens, at its line,
        in a service starting the app (celery, gunicorn, uvicorn, fastapi run, flask run, uwsgi, manage.py) on
        what it loads (a Flask app's `app.config.from_object(...)` class too, but a key the app writes after it:
        `app.config["KEY"] = ...`, `.update(KEY=...)`, `.from_mapping(...)`, `from_prefixed_env()` with FLASK_KEY
        set) or imports, in its container (a service with no `build:` on the image exactly one other service
        builds holds that build's code), run at import, with the key unset.
        (5) and (6) are reported at the line that writes the address (an anchor's line for a
        `<<: *common` command: once, naming every service it reaches), and fixed there as
        written (`/dev/tcp/db/5432`), asked; a line that is not found, or that holds the
        address twice, is advice. A bare `127.0.0.1:8000` elsewhere on a command line is not
        judged (it is as often the address a server binds), nor a URL after a bind or listen
        option or one naming the server's own address (Keycloak's `--hostname-url=`, what
        browsers reach it at; `--hostname*`, `--public-url`, `--external-url`, `--frontend-url`),
        nor an http URL to a port the project publishes (a page to open) but after a proxy
        option.

        A service is reported only when doctor has a reason to think it is a client, and the
        message says which: it reads the variable in its own code (a file that reads it as programs do,
        `os.getenv("KEY")`, before one that only names it; Flask's `app.config.from_prefixed_env()` reads
        every FLASK_* key (`FLASK_MONGO_URI`: its config's MONGO_URI); a pydantic-settings class with
        `env_nested_delimiter="__"` reads DATABASE__HOSTNAME into its `database` field, rafsaf's
        minimal-fastapi-postgres-template, and one with an `env_prefix` its fields under it (polarsource/polar's
        `env_prefix="polar_"` and `POLAR_API_URL` read POLAR_POLAR_API_URL, named before a script that only
        prints the name); a program's file before a config file; a key written
        as a quoted dict value, nautobot_config.py's Kubernetes pod spec `{"name": "NAUTOBOT_REDIS_HOST", ...}`,
        reads nothing; and
        a config line that only sets it, ralph's Debian `redis.conf` `REDIS_HOST=localhost`, reads nothing;
        libpq's PGHOST, PGHOSTADDR and PGPORT are read by a Rails app whose config/database.yml leaves them to
        libpq (its postgresql adapter with no `host:`, or `port:`, and no `url:` in the sections its RAILS_ENV
        reads, DATABASE_URL unset: ryanwi/rails7-on-docker's `.env` `PGHOST=db`, loaded by `env_file: .env`; a
        three-level file per database, a `primary:` with no host reading it beside a `queue:` with `host: db`);
        Go code only `go test` builds, a `_test.go` file or a function that no code but tests calls, is not
        the service's unless it runs `go test` (wild-workouts' `.env` `MYSQL_ADDR=localhost`, read by
        `NewMySQLConnection()` that hour_repository_test.go alone calls, is for `make test` on the host);
        what its Dockerfile COPYs,
        its bind mounts and watch syncs, not everything under its build context; for a python
        or node image only files of that language, so a node asset builder that mounts the
        whole repo does not run the Django settings) or command;
        it sets the variable in its own `environment:` or loads it from an env_file of its
        own; or, for a port, it also gets the matching host variable (ES_HOST beside ES_PORT)
        and depends on the server (`depends_on`, or `links:`, which orders the start the same way:
        ckan-docker's docker-compose.dev.yml). A project-wide `.env` that every service loads is written
        for tools run on the host (POSTGRES_SERVER=localhost), so a service that merely gets
        it, and whose code never names the variable, is not reported (a frontend test runner
        built from the repo root that copies `frontend/` only). Depending on the peer counts
        for localhost and addresses only when doctor cannot read the service's program
        (none of its code, or only scripts and config: ckan-docker's image brings CKAN from its base),
        and never for a database admin UI run from its published image as it comes (pgAdmin, Adminer,
        phpMyAdmin, mongo-express, Redis Commander, RedisInsight), which reads its own settings alone
        (`PGADMIN_*`, `PMA_*`, `ME_CONFIG_*`, `REDIS_*`): awesome-nest-boilerplate's pgadmin, on the
        project's `.env` and linked to postgres, dials nothing with its `DB_HOST=127.0.0.1`.
        A line of an env_file written for the containers (not `.env` nor a `.env.*`) that one
        service is reported for is reported for every service that loads it, in the same finding,
        unless doctor reads that service's program and it never names the variable, or it runs a
        server's image as it comes (nautobot's `redis:6-alpine` loading dev.env reads no app's key)
        (saleor-platform's backend.env reaches `api`, which depends on db, and `worker`, which does
        not: a fix for `api` alone leaves the worker dialling itself). Another program's dotenv (a
        `.env` beside a package.json, pyproject.toml or requirements.txt that none of the service's
        code comes from) is that program's, run on the host: a service loading it for one key
        (formbricks' `cube`, `apps/web/.env`, for CUBEJS_API_SECRET) is reported only where it
        reads the variable itself.

        Browser URLs (`VITE_API_URL`, `FRONTEND_HOST`, a localhost port the project publishes, or a
        container port its listener publishes under another host port) are not findings for a service
        whose bundle runs in the developer's browser. They are for a service that dials them from inside
        its own container: a test runner whose browser runs there (playwright, cypress) or a server-side
        rendering server, save an SSR server's browser-side key whose server-side twin it also gets
        (baserow's nuxt web-frontend: `PUBLIC_BACKEND_URL=http://localhost:8000` for the browser beside
        `PRIVATE_BACKEND_URL=http://backend:8000` for its server; `INTERNAL_`, `SERVER_` or the bare key
        too): that one stays a page, and the twin is judged on its own. A localhost http URL to a port a
        peer listens on inside (and may publish as the same port) is no page for a service that serves
        none, that is, one that publishes and exposes no port and runs neither Node nor a static web
        server (nginx, httpd, caddy), where it reads the variable in its code, scripts or command, or
        doctor cannot read its program: openlibrary's `solr-updater`, whose start script passes `OL_URL=http://localhost:8080/`
        to a Python updater, dials its own container, not `web` (the fix: `http://web:8080/`); but
        not where that port is another service's host port, which the URL opens from the host:
        lila-docker's `LILA_URL=http://localhost:8080` in 'lila' is caddy's `8080:80` in front of it,
        its site's address, though the optional chessground listens on 8080 inside. A key
        naming a public address (`NEXTAUTH_URL`, a UI's), or the listener's own URL given to it beside
        its workers (the same key and value: redash's `REDASH_HOST`, for links in mails), stays a page,
        even where the worker's code reads it, unless it depends on that listener, an app of the project
        (dandi-archive's `DJANGO_DANDI_API_URL=http://localhost:8000` in its 'celery' is the API's address
        in links and manifests; polarsource/polar's 'worker', which depends on 'api', calls its URL).
        That is decided per service, not per variable name;
        but a variable a dev server's proxy reads (`target: process.env.API_URL` in vite.config.js,
        webpack's or vue's config, setupProxy.js) is dialed by that server from its container,
        whatever its key (listmonk's `LISTMONK_API_URL`). An
        http URL whose key names a peer running a third-party server image named after it
        (`CLICKHOUSE_URL=http://localhost:8123` beside `clickhouse`, image
        clickhouse/clickhouse-server), or an S3 endpoint's key beside an S3-compatible store run
        from its image (MinIO, LocalStack, SeaweedFS...: onyx's `.env`
        `S3_ENDPOINT_URL=http://localhost:9004` behind minio's `9004:9000`, the host's address of
        the API its boto3 client calls), is that server's API, not a page, and is judged, even
        under a browser-looking key (open-webui's `OLLAMA_BASE_URL=http://localhost:11434`
        beside `ollama`), but not under a key that says who opens it (`BROWSER`, `PUBLIC`,
        `EXTERNAL`, `FRONTEND`, `CALLBACK`, `REDIRECT`, a UI's word: appwrite's
        `_APP_VCS_GITEA_BROWSER_ENDPOINT=http://localhost:9515` beside gitea/gitea, published
        9515:3000, is the login page's address), nor under a storage's file URL key, whose URLs the
        browser opens (`MEDIA_URL`, `STATIC_URL`: dandi-archive's
        `DJANGO_MINIO_STORAGE_MEDIA_URL=http://localhost:9000/...` beside minio; Django's own
        MEDIA_URL and STATIC_URL are page keys too), nor under a prefix a bundler hands to browser code
        (`VITE_`, `REACT_APP_`, `NEXT_PUBLIC_`: openmeter's ClickHouse UI 'ch-ui' with
        `VITE_CLICKHOUSE_URL=http://localhost:8123`, the address its page calls; but not where the
        service's own server-side code reads it, an express server's `fetch(process.env.VITE_...)`,
        nor in an SSR server, SvelteKit's `@sveltejs/kit` and Nuxt's `nuxt` counted in
        devDependencies too, but not one with SSR off, whose loads run in the browser:
        `export const ssr = false` in SvelteKit's root layout, `ssr: false` at the top of
        nuxt.config, unless a `+page.server.js` load, a `+server.js` endpoint or Nuxt's
        server/api runs in the container all the same); an app
        (`SERVER_URL` beside `server`, image twentycrm/twenty; lago's
        `LAGO_API_URL` beside `api`, image getlago/api, whose vendor is the app) stays a page.
        A key naming what a server accepts or binds (`ALLOWED`, `TRUSTED`, `CORS`, `ORIGIN(S)`,
        `LISTEN*`, `BIND*`, `NO_PROXY`, ...), its words parted by `_`, `.` or `-`, dials nothing
        and is not judged (search-a-licious' Elasticsearch `http.cors.allow-origin:
        http://localhost:8080`, the browser origin it answers).
        An OAuth / OpenID Connect provider's authorization or logout endpoint, under a key naming
        the provider (`OIDC_*`, `OAUTH*`, `OPENID*`, `SSO_*`, `KEYCLOAK_*`, `AUTH0_*`, `OKTA_*`,
        `COGNITO_*`, `IDP_*`, `*_OP_*`, then `_AUTHORIZATION_ENDPOINT`, `_AUTHORIZE_URL`, `_LOGOUT_ENDPOINT`,
        `_END_SESSION_ENDPOINT`), is the page the app sends the browser to, though its server reads it:
        suitenumerique/people's `OIDC_OP_AUTHORIZATION_ENDPOINT=http://localhost:8083/...` is not judged;
        its token endpoint, the back channel its server dials, is, and so is a policy engine's
        `OPA_AUTHORIZATION_URL` the server POSTs to. The provider's own URL under such a key
        (`OIDC_OP_URL`, the OP's issuer identifier, as an `*_ISSUER` is) is the `iss` its tokens
        carry, compared and never dialed: suitenumerique/meet's
        `OIDC_OP_URL=http://localhost:8083/realms/meet`, which Keycloak's
        `--hostname-url=http://localhost:8083` writes in every token, is not judged.
        A localhost URL of any scheme, to a port a peer listens on inside, that the service's own
        server-side code reads (a Python, Ruby, Go, ... file, not a test; a Node file where no browser
        bundler's config is there) is dialed from its container and judged: kitsune's
        `ES_URLS=http://localhost:9200` read by its settings.py, python-discord/bot's
        `URLS_SITE_API=http://localhost:8000/api` (a `SITE` key naming an API); not code that reads it
        only to hand it to the browser, a Go `url := os.Getenv(...)` whose every use is an emptiness check
        or an argument of a call that writes the response (`c.JSON`, `c.HTML`, a template's `Execute`
        into the handler's `http.ResponseWriter`, `c.Response()` or `c.Writer`, `json.NewEncoder(w)`'s
        `Encode`; not go-resty's `R().Execute(method, url)`, a template executed into a config file, nor
        `json.Marshal`): go-coffeeshop's `web` returns `REVERSE_PROXY_URL=http://localhost:5000` to its
        page as JSON, and the page calls `proxy` from the browser. Page keys stay pages
        there (`SITE_URL`, `*_BASE_URL`, `PUBLIC_*`, `VITE_*`, `NEXT_PUBLIC_*`, `REACT_APP_*`, `FRONTEND_URL`,
        a UI's such as `DASHBOARD_URL`), and so does a host port the peer only publishes.
        An S3 endpoint's key (`AWS_S3_ENDPOINT_URL`, `S3_ENDPOINT`, `MINIO_*ENDPOINT*`, `AWS_ENDPOINT_URL*`)
        on localhost at a port its peer publishes, which a file of the service's code naming the key also
        signs URLs for browsers with (`generate_presigned_url`, `presigned_*`, `getSignedUrl`; a test's mock
        does not count), has two audiences: plane's `AWS_S3_ENDPOINT_URL=http://localhost:9000`, which its
        containers call MinIO with (they need `plane-minio:9000`) and its storage.py signs the upload and
        download links with (the browser cannot resolve `plane-minio`). The finding says so, and its fix is
        advice, never the rewrite that breaks those links: the app's own setting for the browsers' address
        where that file reads one (a public endpoint key, `S3_PUBLIC_ENDPOINT`; a switch, plane's
        `USE_MINIO=1`, with which it signs for the host the request came to, behind a proxy), else the
        peer's name mapped to 127.0.0.1 in the host's /etc/hosts for both (where the peer publishes its
        port as the same number), or a second client signing on the published address. Signed or not, such
        a key is its S3 client's, which a library reads (boto3 under an MLflow server's artifact store), not a
        page, even in a service that serves pages: gusseppe/smartdeploy's 'tracking_server' (`mlflow server`,
        publishing its UI) with `MLFLOW_S3_ENDPOINT_URL=http://localhost:${MINIO_PORT}` dials itself, not 's3'
        (the fix: `http://s3:9000`); but not in a service running Node or a static web server, nor under a key
        naming the browser (`AWS_S3_ENDPOINT_URL_PUBLIC`). A message naming the env file line of a port
        variable names the file compose interpolates from: under `--env-file default.env`, default.env's
        line, not a `.env` compose then reads not.

    Why it matters
        The stack works from the host, where the published port and localhost are right, and
        fails inside the containers with "connection refused".

    Example
        .env:4  POSTGRES_PORT=5433 is the host port of 'db', which listens on 5432 inside the
        network ('backend' reads POSTGRES_PORT in app/core/config.py)
        compose.yml:64  DATABASE_URL dials db:5433, the host port of 'db', which listens on
        5432 inside the network ('backend' sets DATABASE_URL in its environment)
        compose.override.yml:91  VITE_API_URL host 'localhost' is 'playwright' itself in its
        container (did you mean 'backend'?): 'playwright' is a test runner whose browser runs
        in the container (Dockerfile.playwright)

    Fix
        Give the consuming service the container-side value in the dev override: the
        compose service name (for a listener only a profile starts, the `container_name` its
        variants share: the n8n starter's `ollama-cpu` and `ollama-gpu` are both `ollama`, so
        the override holds under either profile) and its container port (`VITE_API_URL=http://backend:8000`,
        `POSTGRES_PORT: "5432"`, the URL with `db:5432` in place of `db:5433`). A key the
        override already sets, list form (`- KEY=value`) or mapping form, is rewritten on its
        own line, keeping its quoting and comment; otherwise the key is added to the
        service's `environment:` in the style the block already uses, adding the service to
        the override when it is not there (the title says `in a new dev override
        docker-compose.override.yml` when doctor creates that file). The `.env` keeps the host-side
        value for tools run on the host, but a `.env` address whose host is a compose service is no
        host tool's (see Fix safety). A line of an env_file that only the consuming containers load, named so no host
        tool reads it (plausible's `plausible-conf.env`; not `.env` nor a `.env.*`), is theirs:
        it is rewritten on its line (a URL with a password too, naming the hosts changed; a port
        written as `${DB_PORT}` there too: saleor-platform's backend.env), the server the port names
        loading it too (nautobot's dev.env `NAUTOBOT_DB_PORT=5433` reaches `db`), and no service gets
        it in an override. An anchor's line that several services merge, each needing the new value
        (those a profile leaves off included: mitxonline's `notebook`), is rewritten there, the one
        source they share, asked. A message about a port a
        `.env` variable writes names that line (`.env:1 sets DB_PORT=5433`).
        Behind a last -f that is an add-on of one feature, the last file named for development
        is the override for services no later file defines (open-prices' COMPOSE_FILE
        `docker-compose.yml;docker/dev.yml;docker/ocr.yml`: POSTGRES_PORT for 'api' goes into
        docker/dev.yml). Where no dev override is read (a devcontainer's one file, a single -f, a
        last -f that is an add-on of one feature with no such file before it; or a last -f that is
        a compose file of its own, which lacks the service and is run alone too: mealie's
        docker-compose.dev.yml, where a service with only environment would break that run), a literal the
        compose file writes for containers only is rewritten on its line, and a value from an
        env file (which host tools share) is set in the services' `environment:` of that one file
        where its name says it is a development file (AdventureLog's `-f docker/docker-compose.dev.yml`:
        `- PGPORT=5432` for 'server'; unsafe, asked), in place of an entry there that only
        interpolates it (mathesar's `- POSTGRES_PORT=${POSTGRES_PORT-5432}`); in a file of another
        name only such an entry is rewritten, on its line (kutt's `-f docker-compose.postgres.yml`:
        `DB_PORT: ${DB_PORT}` becomes `DB_PORT: 5432`; unsafe, asked), no key added, and not an
        anchor's line a service other than the consumers merges too (a host-network pg_dump),
        nor one whose publisher a profile turns on (without it the variable is another server's port);
        otherwise the advice names the value to set (`set REDIS_HOST=redis in the environment of
        'web'`), and the override file it goes in, or that doctor would create
        (`in a new dev override docker-compose.override.yml`); with no override read and the
        value written in `.env` (robotoff's COMPOSE_FILE list, eleven services taking
        POSTGRES_HOST through a bare `POSTGRES_HOST:`), the `.env` line to set. Past four services, three are named.
        A localhost an env file interpolates into compose or its own URL (`@${DB_HOST}:`) is one finding at its line.
        A COPYed `.env` env-cmd loads over compose: `.dockerignore` if the image makes one, else `--no-override` first;
        A bound one (express-rest-boilerplate's `.:/app`, `config({ ..., override: true })`) where compose
        sets the value the containers need: no override at all (advice: dotenv-override drops the flag); where
        compose sets none, the dev override's value, and dotenv-override drops the flag in the next round.

    Fix safety
        Safe: it only sets `environment:` keys in the dev override that compose loads (never a
        file compose would not read), changing no other line, and
        a second run changes nothing. A line an anchor shares with a service that needs no new
        value (the server itself) stays, the override setting the value for the consumers; a
        multi-line or flow value is left as advice. A URL with a password (also a `password=` query
        parameter, as libpq takes it: qiangxue/go-rest-api's `APP_DSN=postgres://db/go_restful?...&password=...`)
        is never copied into the override: written in a compose file or an env_file only containers read, its
        own line is rewritten (airflow's `...airflow:airflow@postgres:5433/airflow`), a port
        written as a variable too, as written and the rest kept (`@db:${DB_PORT:-5433}/app_db`
        becomes `@db:5432/app_db`; the published port keeps the variable); from .env
        or another env_file the advice names the hosts to change (`with db:5432 in place of
        db:5433`), never the password; but a `.env` URL whose host is a compose service (kitsune's
        `DATABASE_URL=postgres://db:5433/app`, with a password or without, loaded from `.env` or
        interpolated whole into a compose value: treeherder's `${DATABASE_URL:-psql://...@postgres:5432/app}`
        beside `DATABASE_URL=psql://...@postgres:5433/app` in .env) is no host tool's (the host cannot
        resolve `db`), so its port is rewritten on its line, the password kept as written, as
        service-name-drift rewrites a host there, rather than copied into an override. The rewrite of a
        line in place is unsafe (asked, or --yes); any other value from .env (a host a program on
        the host may also read) stays advice.
    """

    id = "leaked-host-port"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    fix_family = "env"
    severity = Severity.ERROR

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        # and the env files the services' apps read from a bind (fba's `.env.server:/fba/backend/.env`)
        model = project.app_compose
        clients = Clients(project)
        index = NetworkIndex(model)
        groups, why = consumer_groups(model, index, clients, functools.partial(_address_at, project))
        for key, consumers in groups.items():
            yield self._finding(project, why[key] + _origin(project, consumers[0][1], key[0]), consumers, key[0])
        for service in model.services.values():
            for probe in healthcheck_dials(service):
                advice = Fix(f"probe localhost:{probe.target} in the healthcheck of '{service.name}'", Safety.ADVICE)
                yield self.finding(f"the healthcheck of '{service.name}' probes localhost:{probe.port}, the host port "
                                   f"it publishes; inside its container it listens on {probe.target}",
                                   service.location, f"{service.name}:healthcheck", advice)
        yield from self._run_findings(project, index)
        yield from code_default_findings(self, project, index)  # (8) a settings module's localhost default
        for server, mapping, family, listens in unheard_targets(model):
            variable = mapping.target_variables[0]
            message = (f"'{server.name}' publishes container port {mapping.target} (${{{variable}}}), but {family} "
                       f"listens on {listens} inside its container: the mapping reaches nothing, and whatever dials "
                       f"{server.name}:{mapping.target} finds no server")
            title = (f"write {listens} as the container side of the mapping (keep ${{{variable}}} for the host "
                     "side only)")
            from .run_fixes import target_fix  # here: only a finding builds its fix
            yield self.finding(message, mapping.location, f"{server.name}:target:{variable}",
                               target_fix(mapping.location, mapping.target_raw, listens, title))
        # one finding per line that writes localhost (a shared .env line several services read)
        # (the consumer, why, whether that reason alone reports it: else it only joins a line another
        # service is reported for, from an env_file written for the containers that load it)
        local = local_lines(project, model, index, clients)
        servers = host_network_servers(model)  # forem's postgres and redis: network_mode: host
        for service in model.services.values() if servers else ():
            for hosted in host_network_dials(index, service, servers):
                reason = clients.local_reason(service, hosted.var.name, hosted.peer)
                if reason is None:
                    continue
                message = (f"{hosted.var.name} host '{hosted.ref.host}' is '{service.name}' itself in its container; "
                           f"'{hosted.peer}' listens on {hosted.port} on the host's network (network_mode: host): "
                           f"'{service.name}' {reason}")
                advice = Fix(f"dial host.docker.internal:{hosted.port} from '{service.name}' (with extra_hosts: "
                             f"\"host.docker.internal:host-gateway\" on Linux), or put '{hosted.peer}' on the "
                             "project's network", Safety.ADVICE)
                yield self.finding(message, hosted.var.location, f"{service.name}:{hosted.var.name}:host-network",
                                   advice)
        for (at, shown), dials in local.items():
            if not any(lead for _, _, _, lead in dials):
                continue
            # one line names one server, whichever services read it (bookwyrm's .env REDIS_BROKER_HOST for
            # web, which depends on redis_activity, and celery_worker): the one most of its readers chose
            peers = Counter(dial.peer for _, dial, _, _ in dials)
            chosen = next(dial for _, dial, _, _ in dials if peers[dial.peer] == max(peers.values()))
            found = [((s, d.var, (d if d.peer == chosen.peer else redirected(d, chosen)).container_value), why, lead)
                     for s, d, why, lead in dials]
            peer = chosen.name
            (service, _, _), because = next((consumer, why) for consumer, why, lead in found if lead)
            names = [s.name for (s, _, _), _, _ in found]
            leads = [s for (s, _, _), _, lead in found if lead]
            if (signed := self._two_audiences(project, clients, chosen, leads, names, at)) is not None:
                yield signed  # plane's AWS_S3_ENDPOINT_URL: its storage.py signs browser URLs with it too
                continue
            whose = own_namespace(project.services.get(names[0]), names[0]) if len(names) == 1 else (
                f"each container itself in {', '.join(repr(n) for n in names[:-1])} and {names[-1]!r}"
                if len(names) <= 4 else f"each container itself in {service_names(names)}")
            message = f"{shown} is {whose} (did you mean '{peer}'?): '{service.name}' {because}"
            finding = self._finding(project, message, [consumer for consumer, _, _ in found], at)
            if chosen.sibling is not None and finding.fix is not None:
                # the port beside it is the host's: `postgres:5433` would fail next; the check's case (2)
                # reports it once the host names the service, so `doctor fix` sets it in its next round
                sibling = f"{chosen.sibling.name}={chosen.sibling.value}"
                finding = replace(finding, message=f"{message}; {sibling} beside it is the port '{chosen.peer}' "
                                                   f"publishes on the host, it listens on {chosen.port} inside",
                                  fix=replace(finding.fix, title=f"{finding.fix.title}, then {chosen.sibling.name}="
                                                                 f"{chosen.port} (doctor fix sets it next)"))
            yield finding

    def _two_audiences(self, project: Project, clients: Clients, dial: LocalDial, leads: list[Service],
                       names: list[str], at: Location | None) -> Finding | None:
        """(3) for an S3 endpoint's key (`AWS_S3_ENDPOINT_URL=http://localhost:9000`) on a port its peer
        publishes, that a service's code also signs browser URLs with (plane's storage.py): the finding
        names both audiences, and its fix is advice, never the rewrite that breaks the browsers' links."""
        from .presigned import S3_ENDPOINT_KEY, advice, audiences, published_on

        ref, model = dial.ref, project.app_compose
        if (not S3_ENDPOINT_KEY.search(dial.var.name) or ref.port is None or (ref.scheme or "").lower() not in
                ("http", "https") or dial.peer not in model.services
                or not published_on(model.services[dial.peer], ref.port)):
            return None
        found = next((s for s in (clients.signer(service, dial.var.name) for service in leads) if s is not None), None)
        if found is None:
            return None
        shown, key = project.shown(found.path), dial.var.name
        message = audiences(names, shown, key, ref.port, dial.name)
        title = advice(found, shown, key, dial.container_value, dial.var.value or "", dial.name, dial.port,
                       ref.port)
        return self.finding(message, at or dial.var.location, f"{','.join(sorted(set(names)))}:{key}",
                            Fix(title, Safety.ADVICE))

    def _run_findings(self, project: Project, index: NetworkIndex) -> Iterator[Finding]:
        """(5) and (6): a line an anchor gives several services is one finding, which names them all."""
        lines: dict[object, tuple[RunDial | LocalRunDial, Location | None, Fix, list[str], Location | None]] = {}
        for service in project.compose.services.values():
            runs: list[RunDial | LocalRunDial] = [*run_dials(index, service), *local_run_dials(index, service)]
            for run in runs:
                from .run_fixes import rewrite_run, through_dotenv  # here: only a command that dials localhost

                at, fix = rewrite_run(project, service, run)
                own = at or _key_line(project, service, run.part)  # where a finding of this service alone points
                if at is None and (through := through_dotenv(project, service, run)) is not None:
                    at, fix = through  # DefectDojo's `${DD_DATABASE_PORT:-5432}` in four entrypoints: .env's line
                key = (at, run.part, run.host, run.port) if at is not None else object()
                if key in lines:
                    lines[key][3].append(service.name)
                else:
                    lines[key] = (run, at or own, fix, [], own)
        for run, where, fix, also, own in lines.values():
            where = where if also else own  # one service: its own part's line, where the port is written
            message = run.message
            if also:
                names = ", ".join(map(repr, also[:-1])) + (" and " if len(also) > 1 else "") + repr(also[-1])
                same = "the same .env line" if where is not None and project.dotenv is not None and \
                    where.path == project.dotenv.path else "the same line"
                message += f"; so {'does' if len(also) == 1 else 'do'} {names} ({same})"
            yield self.finding(message, where, run.subject, fix)

    def _finding(self, project: Project, message: str, consumers: list[Consumer],
                 at: Location | None = None) -> Finding:
        from .override_fix import override_fix  # here: a run with no finding never imports the fix's code

        subject, fix = override_fix(project, consumers, at)
        return self.finding(message, at or consumers[0][1].location, subject, fix)

