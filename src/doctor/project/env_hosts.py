"""Host references inside container env values: `DB_HOST=db`, `postgresql://u:p@db:5432/app`.

Shared by service-name-drift and leaked-host-port. A reference is judged by both only when
the key plausibly names something the container dials: bind addresses (`LISTEN_ADDR`),
accepted-host lists (`ALLOWED_HOSTS`, CORS origins) and browser-facing URLs (`PUBLIC_URL`)
are not dials, and flagging them would be crying wolf.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator, Mapping

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.digits import written_number

# `DB_HOST`, and the glued spellings of libpq (`PGHOST`) and of apps that prefix theirs (paperless-ngx's
# `PAPERLESS_DBHOST`, Railway's `REDISHOST`): the role starts after `_` or after one of these words; or after
# `__`, the section separator of nested config read from env (listmonk's `LISTMONK_db__host`, .NET's
# `Database__Host`)
_ROLE_START = r"(__?|(?:(?<=^DB)|(?<=_DB)|(?<=^PG)|(?<=_PG)|(?<=SQL)|(?<=REDIS)|(?<=MONGO)|(?<=AMQP)))"
# `*_HOSTNAME` only after a server's name (immich's DB_HOSTNAME, REDIS_HOSTNAME): Keycloak's KC_HOSTNAME
# is the name the server answers to, not a peer it dials
_SERVER_HOSTNAME = (r"|^(?:[A-Z0-9_]*_)?(?:DB|DATABASE|PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB|REDIS|VALKEY|MONGO|MONGODB|"
                    r"RABBITMQ|AMQP|MEMCACHED|ELASTICSEARCH|OPENSEARCH|KAFKA|SMTP)__?(HOSTNAME)$")
HOST_KEY = lazy(r"^[A-Z0-9_]*[A-Z0-9]" + _ROLE_START + r"(HOST|HOSTS|SERVER|SERVERS|ADDR|ADDRESS)$" + _SERVER_HOSTNAME,
                re.IGNORECASE)
# Matched as whole words of the key (`DATABASE_URL` is not a `BASE_URL`), words parted by `_`, or by `.` and
# `-` in a server's own dotted settings (Elasticsearch's `http.cors.allow-origin`, the browser origins it
# answers). Laravel Octane's OCTANE_SERVER names the server software it runs in (swoole, roadrunner,
# frankenphp), not a peer (solidtime's .env)
NOT_A_DIAL = lazy(
    r"(?:^|[_.-])(LISTEN\w*|BIND\w*|ADVERTISED|ALLOWED|TRUSTED|CORS|ORIGINS?|NO_PROXY|VIRTUAL|LETSENCRYPT|"
    r"DOMAINS?|SERVER_NAME|OCTANE_SERVER)(?:[_.-]|$)",
    re.IGNORECASE,
)
# Keys whose URLs a browser or the developer's host opens, where localhost is right; Symfony's DEFAULT_URI
# (its routing recipe's `DEFAULT_URI=http://localhost`) is the base of the links a console command writes.
# An OAuth / OpenID Connect provider's authorization and logout (end-session) endpoints are the pages the app
# redirects the browser to (RFC 6749 3.1, OIDC RP-Initiated Logout), though its server reads them:
# suitenumerique/people's `OIDC_OP_AUTHORIZATION_ENDPOINT=http://localhost:8083/...` beside its token, userinfo
# and JWKS endpoints at `http://nginx:8083/...`, the back channel its server dials. The provider's own URL
# under such a key (`OIDC_OP_URL`, the OP's issuer identifier, as an `*_ISSUER` is) is compared with the `iss`
# claim of its tokens, never dialed: suitenumerique/meet's `OIDC_OP_URL=http://localhost:8083/realms/meet`,
# which django-lasuite's resource server checks each token's issuer against, and which Keycloak writes there
# (`--hostname-url=http://localhost:8083`).
BROWSER_KEY = lazy(
    r"(?:^|_)(PUBLIC|EXTERNAL|BROWSER|CALLBACK|REDIRECT|FRONTEND|WEBHOOK|ISSUER|SITE|CLIENT|"
    # Django's MEDIA_URL and STATIC_URL, and a storage's (django-minio-storage's MINIO_STORAGE_MEDIA_URL, the
    # base of the file URLs it hands the browser: dandi-archive's `http://localhost:9000/dandi-dandisets`)
    r"WEB_URL|APP_URL|BASE_URL|ROOT_URL|HOST_URL|MEDIA_URL|STATIC_URL)(?:_|$)|"
    r"^(VITE|NEXT_PUBLIC|REACT_APP)_|^DEFAULT_UR[IL]$|"
    # the provider's pages, under a key that names an OAuth / OpenID Connect provider (not OPA_AUTHORIZATION_URL,
    # a policy engine the server POSTs to, nor a service's own LOGOUT_URL)
    r"(?:^|_)(?:OIDC|OAUTH2?|OPENID|SSO|KEYCLOAK|AUTH0|OKTA|COGNITO|IDP|OP)_(?:\w+_)?"
    r"(?:AUTHORI[SZ]ATION|AUTHORI[SZ]E|END_SESSION|LOGOUT)_(?:ENDPOINT|URL|URI)$|"
    r"(?:^|_)(?:OIDC|OAUTH2?|OPENID|SSO|KEYCLOAK|IDP)_OP_(?:URL|URI)$",
    re.IGNORECASE,
)
# a scheme starts where a run of scheme characters starts (the lookbehind), and is taken whole
# (possessive): without both, a 64 KB hex value with no `://` cost a scan of the rest of the run
# from each of its characters, quadratic (69 s); now each run is scanned once
# The netloc runs to the first `/?#`, a space, a quote or `;`, and through commas only to more
# `host[:port]` entries (a libpq or MongoDB multi-host URL, `mongodb://m1:27017,m2:27017/db`): in
# `a=http://api:8000,b=https://api2` the comma ends it.
URL = lazy(r"(?<![A-Za-z0-9+.-])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*+)://(?P<netloc>[^\s/?#,;'\"]*+"
           r"(?:,(?:\[[0-9A-Fa-f:.]*+\]|[A-Za-z0-9_.-]++)(?::[0-9]++)?(?=[,/?#;\s'\"]|$))*+)")
COMPLETE_NETLOC = lazy(r"[A-Za-z0-9_.-]+(?::\d+)?")  # host[:port], no userinfo: nothing cut short
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"})
DOCKER_HOSTS = frozenset({"host.docker.internal", "gateway.docker.internal", "host-gateway"})
NAME = lazy(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_ROLE_SUFFIX = lazy(r"(?<=[A-Z0-9])" + _ROLE_START + r"(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|URL|URI|DSN)$")
_DATABASE_WORDS = frozenset({"DB", "DATABASE", "SQL", "RDBMS"})
# database servers outside FAMILIES a key may name beside its database word (plausible's
# CLICKHOUSE_DATABASE_URL is not the postgres server's): such a key says which server it means
_OTHER_DATABASES = frozenset({
    "CLICKHOUSE", "CASSANDRA", "SCYLLA", "SCYLLADB", "INFLUX", "INFLUXDB", "COUCHDB", "COUCHBASE", "NEO4J",
    "COCKROACH", "COCKROACHDB", "SURREAL", "SURREALDB", "QUESTDB", "ARANGO", "ARANGODB", "DYNAMODB", "DYNAMO",
    "TYPESENSE", "MEILI", "MEILISEARCH", "SOLR", "MSSQL", "SQLSERVER", "ORACLE", "DB2", "FIREBIRD", "TIDB",
    "VITESS", "YUGABYTE", "YUGABYTEDB", "QDRANT", "WEAVIATE", "MILVUS", "CHROMA", "CHROMADB", "ETCD", "CONSUL",
    "ZOOKEEPER", "NATS", "PULSAR", "TEMPORAL", "MINIO", "SQLITE",
})
DATABASE_FAMILIES = ("postgres", "mysql", "mongo")  # what a bare DB_HOST may mean
_HOST_SUFFIX = lazy(r"(?<=[A-Z0-9])" + _ROLE_START + r"(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS)$")
_LIST_SEPARATORS = lazy(r"[,\s]+")


def waiter_pattern(host: str) -> str:
    """The pattern of what a waiter on a command line waits for, with `host` the pattern of the
    hosts judged: `wait-for-it[.sh] host:port`, `wait-for host:port`, `nc -z host port`, bash's
    `</dev/tcp/host/port` (healthchecks' `while !</dev/tcp/db/5432; do sleep 1; done`); groups
    (host, port) for each form in turn."""
    return (r"(?:^|[\s/;&|(])(?:wait-for-it|wait-for)(?:\.sh)?\s+(?:-[\w-]+\s+(?:\d+\s+)?)*"
            rf"({host}):(\d{{1,5}})\b"
            rf"|(?:^|[\s;&|(])(?:nc|netcat)\s+(?:-\w+\s+)*({host})\s+(\d{{1,5}})\b"
            rf"|/dev/tcp/({host})/(\d{{1,5}})\b")
# Values that are settings, not hosts (`HTTP_PROXY_HOST=None` read by a Python template).
NOT_HOSTS = frozenset({
    "none", "null", "nil", "false", "true", "yes", "no", "on", "off", "disabled", "enabled", "auto",
    "default", "any", "all", "unset", "undefined", "empty", "changeme", "changethis", "example",
    # placeholders a compose default fills in (mitxonline's `${DOCKER_HOST:-missing}`): no name to drift from
    "missing", "notset", "not-set", "not_set", "placeholder", "dummy", "tbd", "todo", "replaceme", "replace-me",
    "fixme", "xxx",
})
_HOST_WORDS = ("HOST", "HOSTS", "SERVER", "SERVERS", "ADDR", "ADDRESS", "HOSTNAME")  # end a HOST_KEY (or its `$`'s \n)
# The address of a container engine's daemon (`DOCKER_HOST=unix:///var/run/docker.sock`, `tcp://dind:2375`),
# read by a client inside the container: a URL or a `host:port`, never a bare word (mitxonline's
# `${DOCKER_HOST:-missing}` is a placeholder, and pointing it at the database would be nonsense)
_DAEMON_KEY = lazy(r"(?:^|_)(?:DOCKER|DOCKERD|PODMAN|CONTAINER|CONTAINERD|BUILDKIT|BUILDKITD)_HOST$", re.IGNORECASE)

# Well-known servers: the names their images and keys go by, and the port they listen on.
FAMILIES: Mapping[str, tuple[int, tuple[str, ...]]] = {
    # pgvecto-rs and vchord-postgres: tensorchord's images immich's compose runs its database on
    "postgres": (5432, ("postgres", "postgresql", "pgvector", "postgis", "timescaledb", "pg", "psql", "pgvecto-rs",
                        "vchord-postgres")),
    "mysql": (3306, ("mysql", "mariadb", "percona", "percona-server")),
    "redis": (6379, ("redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly")),
    "mongo": (27017, ("mongo", "mongodb", "mongodb-community-server")),
    "rabbitmq": (5672, ("rabbitmq", "rabbit", "amqp", "amqps")),
    "memcached": (11211, ("memcached", "memcache")),
    "elasticsearch": (9200, ("elasticsearch", "opensearch", "elastic")),
    "kafka": (9092, ("kafka", "redpanda")),
    "smtp": (1025, ("mailpit", "mailhog", "mailcatcher", "maildev", "smtp")),
    # open-webui's `OLLAMA_BASE_URL=http://ollama:11434`: its image publishes nothing in compose
    "ollama": (11434, ("ollama",)),
    # SQL Server, which .NET apps dial through `Server=sqlserver,1433;...` (eShopOnWeb's azure-sql-edge)
    "mssql": (1433, ("mssql", "sqlserver", "mssql-server", "mssql-server-linux", "azure-sql-edge")),
}
SCHEME_PORTS: Mapping[str, int] = {"http": 80, "ws": 80, "https": 443, "wss": 443}
# URLs whose authority is a bucket or container, not a host dialled (`s3://profiles?endpoint=
# seaweedfs:8333`: the client reaches the endpoint, `profiles` is the bucket), or no host at all
NO_HOST_SCHEMES = frozenset({"s3", "s3a", "s3n", "gs", "gcs", "az", "azure", "file"})
BROWSER_SCHEMES = frozenset(SCHEME_PORTS)


@record
class HostRef:
    """One host an env value names: in a URL (`scheme` set) or as a plain `*_HOST` value."""

    key: str
    host: str
    port: int | None = None
    scheme: str | None = None
    has_password: bool = False
    field: str | None = None  # the JSON object's key holding the host (`"host"` of DATABASE_CREDENTIALS), if any
    # with `conn`, `field` is the connection string's text before the host as written (`Server=`, `Host=`)
    conn: bool = False

    @property
    def family(self) -> str | None:
        """The server family the reference is for, from its scheme, then its key's prefix."""
        if self.scheme:
            found = family_of(self.scheme.split("+")[0])
            if found:
                return found
        prefix = _ROLE_SUFFIX.sub("", self.key.upper())
        return family_of(prefix.split("_")[-1]) or family_of(prefix.split("_")[0])

    @property
    def generic_database(self) -> bool:
        """Whether the key names a database without saying which server (`DB_HOST`, `DATABASE_URL`
        without a scheme, django-on-docker's `SQL_HOST`, `APP_DB_SERVER`)."""
        words = _ROLE_SUFFIX.sub("", self.key.upper()).split("_")
        return (self.family is None and any(word in _DATABASE_WORDS for word in words)
                and not any(word in _OTHER_DATABASES for word in words))

    def expected_port(self, env: Mapping[str, str | None]) -> int | None:
        """The port this reference dials: explicit, a sibling `*_PORT`, or the family's/scheme's default."""
        if self.port is not None:
            return self.port
        if not self.scheme:
            sibling = port_sibling(self.key)
            value = written_number(env.get(sibling) or _any_case(env, sibling) or "")
            if value is not None:
                return value
        if self.scheme and self.scheme.lower() in SCHEME_PORTS:
            return SCHEME_PORTS[self.scheme.lower()]
        family = self.family
        return FAMILIES[family][0] if family else None

    @property
    def is_local(self) -> bool:
        return self.host.lower() in LOCAL_HOSTS


def port_sibling(key: str) -> str:
    """The `*_PORT` key beside a host key, upper case: DB_HOST -> DB_PORT, PGHOST -> PGPORT."""
    return _HOST_SUFFIX.sub(r"\1PORT", key.upper())


def _any_case(env: Mapping[str, str | None], key: str) -> str | None:
    """The value of `key` spelt in any case (listmonk's `LISTMONK_db__port` for `LISTMONK_DB__PORT`)."""
    return next((value for name, value in env.items() if name.upper() == key), None)


def key_prefix(key: str) -> str:
    """A host key without its role: `DB_HOST` -> `DB`, `PAPERLESS_DBHOST` -> `PAPERLESS_DB`, `PGHOST` -> `PG`."""
    return _HOST_SUFFIX.sub("", key.upper())


def key_names(key: str) -> tuple[str, ...]:
    """The service names a key may name before its role, lower case: its whole prefix (with `_` or
    `-`) and the prefix's last word (`DD_UWSGI_HOST` -> `dd_uwsgi`, `dd-uwsgi`, `uwsgi`); none for a
    key with no role suffix. A kind of server is no name (`DB_HOST` beside a `db` and a `legacy`
    database may mean either; `REDIS_HOST` means the redis server, whatever its name)."""
    prefix = _ROLE_SUFFIX.sub("", key.upper())
    if prefix == key.upper():
        return ()
    prefix = prefix.lower().strip("_")
    names = (prefix, prefix.replace("_", "-"), prefix.rsplit("_", 1)[-1])
    return tuple(dict.fromkeys(n for n in names if n and n.upper() not in _DATABASE_WORDS and not family_of(n)))


@functools.lru_cache(maxsize=1024)  # a pure function of the word: asked of each service's name and each reference's
def family_of(word: str) -> str | None:
    """The family a name, image basename or key prefix belongs to (`postgresserver` -> postgres)."""
    word = word.lower()
    for family, (_, names) in FAMILIES.items():
        for name in names:
            if word == name or (len(name) >= 5 and word.startswith(name) and not word.startswith(name + "-")):
                return family
    return None


def image_basename(image: str) -> str:
    """An image reference's own name, lower case: `postgresql` of `bitnami/postgresql:16@sha256:...`."""
    return image.split("@")[0].rsplit("/", 1)[-1].split(":")[0].lower()


@functools.lru_cache(maxsize=1024)  # a pure function of the reference: asked for each service pair
def image_family(image: str | None) -> str | None:
    """The family of an image reference: its own name is one of the family's (`bitnami/postgresql:16`
    -> postgres), or ends in one as its last `-`/`_` word behind a vendor's prefix (zulip's
    `zulip/zulip-postgresql`, `company-redis`). Only the last word: what follows a server's name is
    a tool for it, no server (`postgres-exporter`, `redis-commander`); nor do short names (`pg`,
    `psql`) count as a word (`alpine-psql` is the client)."""
    if not image:
        return None
    base = image_basename(image)
    for family, (_, names) in FAMILIES.items():
        if base in names:
            return family
    for family, endings in _VENDORED:
        if base.endswith(endings):
            return family
    return None


# per family, the last words an image of a vendor's may end in (image_family): `-` or `_` and a name of five
# letters or more, as one tuple for str.endswith
_VENDORED = tuple((family, tuple(sep + name for name in names if len(name) >= 5 for sep in "-_"))
                  for family, (_, names) in FAMILIES.items())


def is_browser_key(key: str) -> bool:
    """Whether a key names a URL the browser or the host opens (`VITE_API_URL`, `PUBLIC_URL`)."""
    return bool(BROWSER_KEY.search(key))


def is_dial_key(key: str) -> bool:
    """Whether a key's value is something the container connects to (not a bind or accept list)."""
    return not NOT_A_DIAL.search(key)


def host_refs(key: str, value: str | None, *, json: bool = False) -> Iterator[HostRef]:
    """Every host the value of `key` names: URL hosts anywhere, plain hosts for `*_HOST` keys, the hosts of
    a keyword connection string (`Server=sqlserver,1433;...`, conn_strings: `conn` set, rewritten with its
    rewrite_address); with `json`, the host fields of a JSON object value too (`_json_refs`: a caller that
    reads them must also know how to rewrite them, as a `host:port` of the value they are not)."""
    if value and might_name_host(key, value, json):
        yield from _host_refs(key, value, json)


def might_name_host(key: str, value: str, json: bool = False) -> bool:
    """Whether host_refs can find a host in `value` at all: a URL's (`://`), a connection string's (`;`, libpq's
    `host=`, a Go DSN's `tcp(`), a JSON object's (with `json`), or a `*_HOST` key's plain value; False for the
    rest, unparsed and uncached (a `.env` of 200,000 API keys that several services read: their 400,000 values would
    churn the cache)."""
    return "://" in value or ";" in value or (json and "{" in value) or not key.isascii() \
        or key.upper().rstrip("\n").endswith(_HOST_WORDS) or ("host" in value and "=" in value) or "tcp(" in value \
        or _LOCAL_ADDRESS.fullmatch(value.strip()) is not None


# hosts one value names at most: a list of a few URLs is a value's; thousands on one line (a 40 KB line of
# `x://` repeated) are no setting, and each costs its edit a pass over the line (quadratic in the line)
MAX_REFS = 64


@functools.lru_cache(maxsize=4096)  # a pure function of its arguments: several checks ask it of every pair
def _host_refs(key: str, value: str, json: bool) -> tuple[HostRef, ...]:
    return tuple(itertools.islice(_find_host_refs(key, value, json), MAX_REFS))


def _find_host_refs(key: str, value: str, json: bool) -> Iterator[HostRef]:
    if not is_dial_key(key):
        return
    found_url = False
    for match in URL.finditer(value) if "://" in value else ():  # each URL has it: most values are read no further
        found_url = True
        if match.group("scheme").lower() not in NO_HOST_SCHEMES:
            yield from _netloc_refs(key, match.group("scheme"), _authority(value, match))
    if json and value.lstrip().startswith("{"):  # data-hub-api's DATABASE_CREDENTIALS={"host": "postgres", ...}
        found = list(_json_refs(key, value))
        if found:
            yield from found
            return
    # eShopOnWeb's ConnectionStrings__X=Server=sqlserver,1433;..., libpq's `host=db port=5432 dbname=app`, a Go
    # MySQL DSN's `app:pw@tcp(mysql:3306)/app`
    if not found_url and (";" in value or ("host" in value and "=" in value) or "tcp(" in value):
        from doctor.project.conn_strings import conn_string_hosts  # here: only a value shaped like one

        conn = [HostRef(key, host, port, None, password, before, True)
                for before, host, port, password in conn_string_hosts(value)]
        if conn:
            yield from conn
            return
    if not found_url and _names_host(key):
        daemon = bool(_DAEMON_KEY.search(key))
        for item in _LIST_SEPARATORS.split(value.strip()):
            if item and not (daemon and _plain_ref(key, item).port is None):
                yield _plain_ref(key, item)
    elif not found_url and _LOCAL_ADDRESS.fullmatch(value.strip()) and not _NOT_ADDRESS_KEY.search(key):
        # a whole `localhost:4317` under a key naming no host (go-clean-template's TRACING_OTLP_ENDPOINT, an
        # OTLP exporter's `host:port`, go-redis' `Addr`): no image `name:tag` nor `mm:ss` is spelled so
        yield _plain_ref(key, value.strip())


def _names_host(key: str) -> bool:
    """Whether the key's plain value is a host (or a list of them): a `*_HOST`, `*_SERVER`, `*_ADDR` key."""
    return (not key.isascii() or key.upper().rstrip("\n").endswith(_HOST_WORDS)) and HOST_KEY.match(key) is not None


def is_bare_address(ref: HostRef) -> bool:
    """Whether the reference is a whole loopback `host:port` under a key that names no host (an OTLP exporter's
    `TRACING_OTLP_ENDPOINT=localhost:4317`): no URL says a server is dialed nor a key a host, so a caller judges it
    only where a peer listens on that port inside the network (`CANONICAL=localhost:8080`, the site's address
    behind a proxy publishing `8080:80`, is a page)."""
    return ref.scheme is None and not ref.conn and ref.field is None and ref.port is not None \
        and not _names_host(ref.key)


_JSON_HOST_FIELDS = frozenset({"host", "hostname", "server", "address", "addr"})
_JSON_PORT_FIELDS = frozenset({"port"})
_JSON_PASSWORD_FIELDS = frozenset({"password", "pass", "passwd", "pwd"})
_JSON_MAX = 64 * 1024  # a config object, not a document


def _json_refs(key: str, value: str) -> Iterator[HostRef]:
    """The hosts a JSON object value names in its `"host"` (`"hostname"`, `"server"`, ...) fields, each
    with the `"port"` beside it: the connection settings an app reads whole from one variable
    (data-hub-api's `database_url_from_env("DATABASE_CREDENTIALS")`). None for a value that is no JSON
    object; a host field holding a URL is the URL search's."""
    if len(value) > _JSON_MAX:
        return
    from json import loads

    try:
        data = loads(value)
    except (ValueError, RecursionError):
        return
    objects = [data] if isinstance(data, dict) else []
    for obj in objects:  # nested objects too (`{"default": {"host": "db"}}`), each once
        fields = {field.lower(): field for field in obj if isinstance(field, str)}
        host_field = next((fields[f] for f in sorted(_JSON_HOST_FIELDS & fields.keys())
                           if isinstance(obj[fields[f]], str) and obj[fields[f]].strip()), None)
        if host_field is not None and "://" not in obj[host_field]:
            ref = _plain_ref(key, obj[host_field].strip())
            port = next((obj[fields[f]] for f in _JSON_PORT_FIELDS & fields.keys()), None)
            written = written_number(str(port)) if isinstance(port, (int, str)) and not isinstance(port, bool) else None
            if ref.port is None and written is not None and 0 < written < 65536:
                ref = HostRef(key, ref.host, written)
            yield HostRef(key, ref.host, ref.port, None, bool(_JSON_PASSWORD_FIELDS & fields.keys()), host_field)
        objects.extend(v for v in obj.values() if isinstance(v, dict))


def json_port_value(value: str, ref: HostRef, port: int) -> str | None:
    """The JSON object value with `port` in place of the port its host `ref` (a `json=True` reference) is
    dialed on: its `"port"` field (a number stays a number, a string a string), else the `host:port` of
    its host field; None unless exactly one such place is written. A caller moving a host port to the
    container port (leaked-host-port) rewrites no other part of the value."""
    if ref.field is None or ref.port is None:
        return None
    fields = "|".join(map(re.escape, sorted(_JSON_PORT_FIELDS)))
    for pattern in (rf'("(?i:{fields})"\s*:\s*"?){ref.port}(?!\d)',
                    rf'("{re.escape(ref.field)}"\s*:\s*"{re.escape(ref.host)}:){ref.port}(?!\d)'):
        found = list(re.finditer(pattern, value))
        if len(found) == 1:
            return value[:found[0].end(1)] + str(port) + value[found[0].end():]
    return None


# a host list after a URL's userinfo, to its path, query, fragment or end (the value cut at a blank or quote)
_HOSTS_AFTER = lazy(r"(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9_.-]+)(?::\d+)?"
                    r"(?:,(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9_.-]+)(?::\d+)?)*(?=[/?#]|$)")
_VALUE_WORD = lazy(r"[^\s'\"<>`;]*")


def raw_userinfo(value: str, match: re.Match[str]) -> tuple[int, str]:
    """Where the host starts in a URL whose user or password holds a raw `/`, `?`, `#` or `@`, and
    those characters; (-1, "") where it holds none.

    `postgres://app:Sup3r/s3cret@db:5432/x`: Python's urllib, Node's and Go's URL and libpq end the
    authority at the first `/`, `?` or `#`, so they dial 'app' (the user); an `@` in it
    (`app:p@ss@db`) ends the password for libpq and SQLAlchemy, which dial 'ss@db'. Only a userinfo
    with a password (`user:...`, `:...`; a `host:port` is none) followed by an `@` and a host counts.
    """
    netloc, end = match.group("netloc"), match.end("netloc")
    if "@" in netloc:
        userinfo = netloc.rpartition("@")[0]
        if "@" in userinfo and ":" in userinfo:
            return match.start("netloc") + len(userinfo) + 1, "@"
        return -1, ""
    if end >= len(value) or value[end] not in "/?#":
        return -1, ""
    _, colon, password = netloc.partition(":")
    if not colon or password.isdigit():
        return -1, ""
    word = _VALUE_WORD.match(value, end)
    stop = word.end() if word is not None else end
    at = value.find("@", end, stop)
    while at >= 0:
        hosts = _HOSTS_AFTER.match(value[:stop], at + 1)
        if hosts is not None and hosts.end() > at + 1:
            raw = value[match.start("netloc"):at]
            return at + 1, "".join(c for c in "/?#@" if c in raw)
        at = value.find("@", at + 1, stop)
    return -1, ""


def raw_passwords(key: str, value: str | None) -> Iterator[str]:
    """The raw `/?#@` characters of each URL userinfo in the value of a key the container dials
    with (see raw_userinfo); one string per such URL."""
    if not value or "://" not in value or not is_dial_key(key):
        return
    for match in itertools.islice(URL.finditer(value), MAX_REFS):  # each reads to its word's end: at most MAX_REFS
        if match.group("scheme").lower() not in NO_HOST_SCHEMES:
            start, chars = raw_userinfo(value, match)
            if start >= 0:
                yield chars


def _authority(value: str, match: re.Match[str]) -> str:
    """The URL's netloc; where a blank or a quote ended it inside a password (`redis://:p@ss w0rd@cache`,
    `postgres://app:pa ss"w0rd@db/x`), the authority as urllib reads it: to the first `/`, `?` or `#`,
    its host after the last `@` (else `Pw9xQ7`, a piece of the password, would be taken for a host)."""
    netloc, end = match.group("netloc"), match.end("netloc")
    if end < len(value) and value[end] in "/?#" and "@" not in netloc:
        host, _ = raw_userinfo(value, match)
        if host >= 0:  # `app:Sup3r/s3cret@db:5432/x`: the host after the password, not its user
            rest = _HOSTS_AFTER.match(value, host)
            return value[match.start("netloc"):rest.end() if rest is not None else host]
    if end < len(value) and value[end] in "/?#" and "@" in netloc:
        from doctor.secret_urls import raw_password_host

        host = raw_password_host(value, match.start("netloc"))
        if host >= 0:  # `app:Tr0ub@dor/42x@postgresserver:5432/app`: the host after the password's raw `/`
            rest = re.match(r"[^\s/?#'\"]*", value[host:])
            return value[match.start("netloc"):host] + (rest.group() if rest else "")
    if end >= len(value) or value[end] not in " \t'\"" or COMPLETE_NETLOC.fullmatch(netloc):
        return netloc  # `redis://cache:6379 is down; mail ops@example.com` ends at the host
    authority = re.split(r"[/?#]", value[match.start("netloc"):], maxsplit=1)[0]
    return authority.strip() if "@" in authority[len(netloc):] else netloc


def _netloc_refs(key: str, scheme: str, netloc: str) -> Iterator[HostRef]:
    userinfo, at, hosts = netloc.rpartition("@")
    has_password = bool(at) and ":" in userinfo
    # Multi-host DSNs (mongodb://a:27017,b:27017/db) list several hosts in one netloc.
    for item in hosts.split(","):
        if item:
            ref = _plain_ref(key, item)
            yield HostRef(key, ref.host, ref.port, scheme, has_password)


def _plain_ref(key: str, item: str) -> HostRef:
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        return HostRef(key, host, written_number(rest.lstrip(":")))
    if item.count(":") == 1:
        host, _, port = item.partition(":")
        return HostRef(key, host, written_number(port))
    return HostRef(key, item)


# a whole value `name:port` under a key that names no host (frappe_docker's `REDIS_CACHE: redis-cache:6379`,
# `BACKEND: backend:8000`); also the shape of an image `name:tag` or a `mm:ss`, so a caller judges it only
# where a peer named like it listens on that port
_ADDRESS = lazy(r"([A-Za-z][A-Za-z0-9_-]*):([0-9]{2,5})")
# a whole value that is a loopback address and port (`localhost:4317`, `127.0.0.1:6379`, `[::1]:5432`)
_LOCAL_ADDRESS = lazy(r"(?i:localhost|ip6-localhost|127\.0\.0\.1|\[::1\]):[0-9]{1,5}")
_NOT_ADDRESS_KEY = lazy(r"(?:^|_)(IMAGE|TAG|VERSION|TIME|DURATION|RATIO|ASPECT)S?(?:_|$)", re.IGNORECASE)


def address_ref(key: str, value: str | None) -> HostRef | None:
    """The host of a value that is one `name:port` under a key no host key names (`REDIS_CACHE`); None else."""
    if not value or HOST_KEY.match(key) or not is_dial_key(key) or _NOT_ADDRESS_KEY.search(key):
        return None
    found = _ADDRESS.fullmatch(value.strip())
    if found is None or not 0 < int(found[2]) < 65536:
        return None
    return HostRef(key, found[1], int(found[2]))


def looks_internal(host: str) -> bool:
    """Whether a host could only be a compose name: one label, no IP, no variable, not local."""
    lowered = host.lower()
    if not host or "$" in host or "{" in host or lowered in LOCAL_HOSTS or lowered in DOCKER_HOSTS:
        return False
    # one label (NAME: no dot, no colon) is never an IP address: IPv4 text has three dots, IPv6 colons
    return bool(NAME.match(host)) and not host.isdigit() and lowered not in NOT_HOSTS
