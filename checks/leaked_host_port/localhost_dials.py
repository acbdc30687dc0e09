"""leaked-host-port's second half: `localhost` in a container's env where a peer listens.

Inside a container, localhost (127.0.0.1, ::1) is the container itself. A value is judged only
when the answer is certain enough to name: the port it dials is not the container's own, it is
not a browser URL (a browser-facing key, or an http URL to a port the project publishes on the
host) of a service whose bundle runs in the developer's browser, and a peer on a shared network
listens on that port or publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.env_hosts import (
    BROWSER_SCHEMES,
    HostRef,
    family_of,
    host_refs,
    image_basename,
    image_family,
    is_bare_address,
    is_browser_key,
    key_prefix,
    port_sibling,
)
from doctor.project.service_network import NetworkIndex, NetworkView, listen_ports, namespace_owner, server_family
from doctor.project.types import ComposeModel, EnvVar, Service

from .configured_peers import configured_peers
from .presigned import S3_ENDPOINT_KEY

_ROLE_KEY = lazy(r"(?<=[A-Z0-9])_?(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS|URL|URI|DSN)$", re.IGNORECASE)
_NOT_ALNUM = lazy(r"[^A-Za-z0-9]+")
_HOST_KEY = lazy(r"_(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$", re.IGNORECASE)
DATABASES = frozenset({"postgres", "mysql", "mongo"})  # what a `DB_HOST` may mean
# who publishes other vendors' servers under the product's own name (`bitnami/clickhouse`)
_REPUBLISHERS = ("library", "bitnami")
# a user interface a key may name: its URL is a page the developer opens, whoever reads it
_UI_WORDS = frozenset({"DASHBOARD", "UI", "WEBUI", "CONSOLE", "PORTAL", "ADMIN"})
# the site's own public address, which a worker hands out in links (NextAuth's canonical NEXTAUTH_URL)
_LINK_WORDS = _UI_WORDS | {"NEXTAUTH"}
# words that say who opens the URL, whatever server it reaches: appwrite's
# `_APP_VCS_GITEA_BROWSER_ENDPOINT=http://localhost:9515` (gitea publishes 9515:3000) is the address
# the browser opens, beside `_APP_VCS_GITEA_ENDPOINT=http://gitea:3000` for the server's own calls
_AUDIENCE_WORDS = _UI_WORDS | {"BROWSER", "PUBLIC", "EXTERNAL", "FRONTEND", "CALLBACK", "REDIRECT"}
# the base of the file URLs a storage hands the browser, whichever server holds the files: Django's MEDIA_URL and
# STATIC_URL, dandi-archive's `DJANGO_MINIO_STORAGE_MEDIA_URL=http://localhost:9000/dandi-dandisets` beside
# `DJANGO_MINIO_STORAGE_URL=http://...@minio:9000/...`, the address its django-minio-storage dials
_FILE_URL_KEYS = ("MEDIA_URL", "STATIC_URL")
# the S3-compatible stores a project runs from their images, whose API an S3 endpoint key names
_S3_STORES = frozenset({"minio", "localstack", "seaweedfs", "garage", "s3proxy", "cloudserver", "rustfs", "versitygw"})
# the prefixes a bundler hands to the code it ships to the browser (Vite's `import.meta.env.VITE_*`, Create React
# App's REACT_APP_*, Next's NEXT_PUBLIC_*): openmeter's ch-ui `VITE_CLICKHOUSE_URL=http://localhost:8123` is the
# address its page calls ClickHouse at, through the host's published port
_BUNDLED_PREFIXES = ("VITE_", "REACT_APP_", "NEXT_PUBLIC_")
# an SSR app's pair of keys for one server: the browser's address and its own server side's (baserow's
# web-frontend: PUBLIC_BACKEND_URL=http://localhost:8000 for the browser, PRIVATE_BACKEND_URL=http://backend:8000
# for nuxt's server, clientHandler.js choosing by `process.client`)
_BROWSER_SIDE = frozenset({"PUBLIC", "BROWSER", "EXTERNAL", "CLIENT"})
_SERVER_SIDE = ("PRIVATE", "INTERNAL", "SERVER")


@record
class LocalDial:
    """A container env value dialing localhost where `peer` listens; `container_value` is the repair,
    dialing `name` (the peer's, or the container name its profile variants share)."""

    var: EnvVar
    ref: HostRef
    peer: str
    container_value: str
    name: str
    port: int = 0  # the peer's port the repair dials (0: the value names no port)
    # the `*_PORT` beside a bare host that holds the host port the peer publishes, not the one it
    # listens on (cookiecutter-django's POSTGRES_HOST=localhost beside POSTGRES_PORT=5433 for 5433:5432)
    sibling: EnvVar | None = None


def localhost_dials(model: ComposeModel, service: Service, inside: bool = False,
                    index: NetworkIndex | None = None,
                    proxied: Callable[[], Collection[str]] = tuple,
                    server_reads: Callable[[str], bool] = lambda _: False,
                    opens_itself: Callable[[str], bool] = lambda _: False,
                    hints: Callable[[EnvVar], Collection[str]] = lambda _: (),
                    also: Collection[EnvVar] = (), renders: bool = False) -> Iterator[LocalDial]:
    """The service's env values that dial localhost where a peer, not the container, listens.

    `inside` says the service opens even its browser-facing URLs itself (a test runner, an SSR
    server): then a `VITE_*` key or a published port excuses nothing; `proxied()` names the variables
    its dev server proxies to, which it dials itself the same way (asked only once a value dials
    localhost: it reads the service's config files). `server_reads(name)` says the service's own
    server-side code reads the variable (a Python settings file, not a frontend bundle), asked only
    where a value would pass as a page to open: such a program dials it itself. `opens_itself(name)` says
    the service serves the developer's browser no page (it publishes and exposes no port, and runs neither
    Node nor a static web server) and reads the variable in its code, scripts or command, or has no program
    doctor can read: an http URL to the port a peer listens on is then its own dial, not a page
    (openlibrary's `solr-updater`, `OL_URL=http://localhost:8080/` beside `web`). `hints(var)` names the
    hosts the project means for the key elsewhere (its env template's value, its code's default): with the
    key's own name (`REDIS_BROKER_HOST` -> `redis_broker`) they choose among several peers on the port,
    before what the service depends on (bookwyrm's web depends on redis_activity, not redis_broker). `also`:
    values the service dials beside its environment's (a variable's other defaults in its code: code_sites).
    `renders`: `inside` is an SSR server's (its browser is the developer's): a browser-side key whose server-side
    twin the service also gets (PUBLIC_BACKEND_URL beside PRIVATE_BACKEND_URL) stays a page.
    """
    index = index or NetworkIndex(model)
    owner = namespace_owner(model, service)
    view = index.view(service)
    if owner is None or view is None:
        return
    env = {n: v.value for n, v in service.environment.items()}
    own = listen_ports(owner)
    for var in (*service.environment.values(), *also):
        for ref in host_refs(var.name, var.value):
            if not ref.is_local:
                continue
            itself = (inside and not (renders and server_twin(service, var.name) is not None)) \
                or var.name in proxied()
            browser_key = is_browser_key(var.name) and not itself
            port = ref.expected_port(env)
            if browser_key and port is None:
                continue
            if port is None:  # `DB_HOST: localhost` beside a service named `db` (maybe's devcontainer)
                named = _named_peer(model, view, ref, service.name)
                if named is not None and named != owner.name:  # `network_mode: service:db`: localhost is db
                    name = _stable_name(model, named)
                    yield LocalDial(var, ref, named, _rewrite(var.value or "", ref, name, 0), name)
                continue
            if port in own:
                continue
            browser = ref.scheme is not None and ref.scheme.lower() in BROWSER_SCHEMES
            # of several peers on the port, the one compose configures from the key's siblings (ipl_postgis on
            # ${IPL_POSTGRES_USER} for IPL_POSTGRES_HOST), else one the service depends on, else the first
            meant = _named_listener(view, port, service.name, (*_key_hosts(var.name), *hints(var))) or view.listener(
                port, service.name, configured_peers(model, service, var.name)
                or (*service.depends_on, *(link.partition(":")[0] for link in service.links)))
            if meant is None or (is_bare_address(ref) and _bare_page(model, index, service, var.name, port, meant)):
                continue
            # open-webui's OLLAMA_BASE_URL=http://localhost:11434 beside `ollama` (image ollama/ollama): a
            # `*_BASE_URL` key, but the API of a server named in the key, not a page; a key that says who
            # opens it (BROWSER, PUBLIC, a UI's) stays a page, whichever server it names; so does a bundler's browser
            # prefix (VITE_), unless the service's own server-side code reads it (an express server's
            # `fetch(process.env.VITE_CLICKHOUSE_URL)` dials from its container)
            # (an S3 endpoint key beside a MinIO too: _names_storage), but never a storage's file URLs (MEDIA_URL)
            key = var.name.upper()
            server_api = (_names_server(model, var.name, meant[0]) or _names_storage(model, var.name, meant[0])) \
                and not _AUDIENCE_WORDS.intersection(key.split("_")) and not key.endswith(_FILE_URL_KEYS) \
                and not (key.startswith(_BUNDLED_PREFIXES) and not server_reads(var.name))
            # a page to open: the port is published, or the peer publishes it under another host
            # port (lago's API_PORT=3001 beside LAGO_API_URL=http://localhost:3000): `api:3000`
            # would not open in the browser either; but a service serving no page dials the port a peer
            # listens on itself (openlibrary's solr-updater and OL_URL), unless the key is a public
            # address handed out in links (NEXTAUTH_URL, a UI's) or the listener's own beside it (redash)
            page = port in index.published or _publishes(model.services[meant[0]], port)
            # but only where that port, from the host, opens the same peer, or the service's own site is meant:
            # lila-docker's LILA_URL=http://localhost:8080 in 'lila' is caddy's `8080:80` in front of it, its site's
            # address (the key names 'lila', the service reading it), not a dial of the optional chessground that
            # happens to listen on 8080 inside the network; openlibrary's OL_URL in 'updater', with an nginx in
            # front of 'web' on 8080:80, still dials 'web' (the key names neither the updater nor does the proxy
            # front it)
            publisher = index.tcp_publishers.get(port, meant[0])
            opens = publisher == meant[0] or not _fronts(model, publisher, service.name, var.name)
            if page and opens and meant[1] == port and not _LINK_WORDS.intersection(var.name.upper().split("_")) \
                    and not _own_url(model.services[meant[0]], var) and opens_itself(var.name):
                page = False
            # a server-read address key dials what it names, unless its listener, an app of the project, is given the
            # same key and value and the reader does not wait for it: dandi-archive's DJANGO_DANDI_API_URL=
            # http://localhost:8000 in 'django' and in its 'celery', which writes the API's address into links and
            # manifests (polarsource/polar's 'worker' depends on 'api', whose POLAR_POLAR_API_URL it calls)
            link = _app_url(model.services[meant[0]], service, var) and meant[0] not in service.depends_on
            if (browser_key or (browser and page and not itself)) and not server_api \
                    and not (meant[1] == port and not link and _dialed_key(var.name) and server_reads(var.name)):
                continue
            name = _stable_name(model, meant[0])
            sibling = None
            if ref.port is None and not ref.scheme and port != meant[1]:
                wanted = port_sibling(var.name)
                sibling = next((v for n, v in service.environment.items() if n.upper() == wanted
                                and (v.value or "").strip() == str(port)), None)
            yield LocalDial(var, ref, meant[0], _rewrite(var.value or "", ref, name, meant[1]), name, meant[1],
                            sibling)


def server_twin(service: Service, key: str) -> str | None:
    """The key of the service's environment that holds, for its own server side, the address `key` holds for
    the browser: `PRIVATE_BACKEND_URL` (or `INTERNAL_`, `SERVER_`, or none: `BACKEND_URL`) for
    `PUBLIC_BACKEND_URL`, `INTERNAL_API_URL` for `NEXT_PUBLIC_API_URL`; set to an address (a twin on localhost
    is judged as its own line). None otherwise."""
    words = key.upper().split("_")
    names: set[str] = set()
    for at, word in enumerate(words):
        if word not in _BROWSER_SIDE or at == len(words) - 1:
            continue
        before, after = words[:at], words[at + 1:]
        names.add("_".join(after))
        names.update("_".join((*before, side, *after)) for side in _SERVER_SIDE)
        names.update("_".join((side, *after)) for side in _SERVER_SIDE)
    names.discard(key.upper())
    for name, var in service.environment.items():
        if name.upper() in names and any(True for _ in host_refs(name, var.value)):
            return name
    return None


def own_namespace(service: Service | None, name: str) -> str:
    """What localhost is in the service's container: itself, or the service whose network namespace it
    joins (miniflux's devcontainer 'app', `network_mode: service:db`: localhost is db's)."""
    mode = (service.network_mode if service is not None else None) or ""
    if mode.startswith("service:"):
        return f"'{mode.partition(':')[2]}' in '{name}', whose network namespace it joins by network_mode: {mode}"
    return f"'{name}' itself in its container"


def redirected(dial: LocalDial, to: LocalDial) -> LocalDial:
    """The dial repaired toward the peer another dial of the same line chose: one line names one server."""
    value = _rewrite(dial.var.value or "", dial.ref, to.name, to.port)
    return LocalDial(dial.var, dial.ref, to.peer, value, to.name, to.port)


def _key_hosts(key: str) -> tuple[str, ...]:
    """The service names a host key's own name gives, longest first: `REDIS_BROKER_HOST` -> `redis_broker`,
    `redis-broker`, `broker`; `REDIS_HOST` -> `redis`."""
    prefix = _ROLE_KEY.sub("", key.upper())
    if prefix == key.upper():
        return ()
    prefix = prefix.lower().strip("_")
    return tuple(dict.fromkeys(n for n in (prefix, prefix.replace("_", "-"), prefix.rsplit("_", 1)[-1]) if n))


def _named_listener(view: NetworkView, port: int, exclude: str, names: Collection[str]) -> tuple[str, int] | None:
    """The first peer a name resolves to that listens on (or publishes) `port`, with the port to dial."""
    for name in names:
        peer = view.resolve(name.lower())
        if peer is None or peer == exclude:
            continue
        hit = view.listener(port, exclude, (peer,))
        if hit is not None and hit[0] == peer:
            return hit
    return None


def _dialed_key(key: str) -> bool:
    """Whether a key is no page to open when a server-side program reads it: not a browser-facing key
    (kitsune's `ES_URLS=http://localhost:9200` read by its settings.py is the search server's address,
    though the port is published), or one whose only page word is `SITE` and that names an API
    (python-discord/bot's `URLS_SITE_API`, `SITE_API_URL`: the site's API, which the bot calls).
    `SITE_URL`, `*_BASE_URL`, `PUBLIC_*`, `VITE_*`, a UI's (`DASHBOARD_URL`, saleor's) and the like stay
    pages."""
    words = key.upper().split("_")
    if _UI_WORDS.intersection(words):
        return False
    if not is_browser_key(key):
        return True
    return "API" in words and not is_browser_key("_".join(w for w in words if w != "SITE"))


def _own_url(listener: Service, var: EnvVar) -> bool:
    """Whether the listener is given the same key and value: the URL is its own public address, which
    it hands out in links, and so do its workers that get it beside it (redash's `REDASH_HOST:
    http://localhost:5001` in `server`, `scheduler` and `worker`, for the links of alert mails)."""
    own = listener.environment.get(var.name)
    return own is not None and own.value == var.value


def _app_url(listener: Service, reader: Service, var: EnvVar) -> bool:
    """_own_url for a listener running the project's app (built here, or the reader's image): a third-party
    server given the key by an env_file every service loads never reads it."""
    return (listener.build is not None or listener.image == reader.image) and _own_url(listener, var)


def _stable_name(model: ComposeModel, peer: str) -> str:
    """The name to write for the peer: its container_name when services of other profiles share it
    (the n8n starter's `ollama-cpu` and `ollama-gpu` are both `container_name: ollama`), so the
    value holds whichever profile runs; else the service name."""
    service = model.services[peer]
    shared = service.container_name
    if service.profiles and shared and shared.lower() in model.disabled_names:
        return shared
    return peer


def _publishes(peer: Service, port: int) -> bool:
    """Whether the peer publishes its container port `port` on some host port."""
    return any(m.target == port and (m.published or "").strip() for m in peer.ports)


def _names_server(model: ComposeModel, key: str, peer: str) -> bool:
    """Whether the key names a peer that runs a third-party server image named after it
    (langfuse's `CLICKHOUSE_URL=http://localhost:8123` beside `clickhouse`, image
    clickhouse/clickhouse-server): its http URL is that server's API, not a page to open. An app
    is not (twenty's `SERVER_URL=http://localhost:3000` beside `server`, image twentycrm/twenty,
    is its public URL; nor a project-built `api`; nor an app's own image named after its part,
    getlago/api beside `api`: its vendor is the app, not a server named `api`)."""
    server = model.services.get(peer)
    if server is None or server.build is not None or not server.image:
        return False
    path = server.image.split("@")[0].split(":")[0].lower().split("/")
    product, vendor = path[-1], (path[-2] if len(path) > 1 else "library")
    named = product == peer.lower() or product.startswith(peer.lower() + "-")
    if not (image_family(server.image) or (named and vendor in (peer.lower(), *_REPUBLISHERS))):
        return False
    name = _NOT_ALNUM.sub("_", peer).upper().strip("_")
    return bool(name) and _has_part(key.upper(), name)


def _names_storage(model: ComposeModel, key: str, peer: str) -> bool:
    """Whether the key is an S3 endpoint's and the peer runs an S3-compatible store from its published image:
    onyx's `.env` S3_ENDPOINT_URL=http://localhost:9004 behind minio's `9004:9000`, copied from the host's
    settings, is the API its boto3 client calls, not a page (presigned.py decides whether it is also one)."""
    server = model.services.get(peer)
    return server is not None and server.build is None and bool(server.image) and \
        image_basename(server.image or "") in _S3_STORES and bool(S3_ENDPOINT_KEY.search(key))


def _fronts(model: ComposeModel, publisher: str, service: str, key: str) -> bool:
    """Whether the host port's publisher is the service's own front: the key names the service reading it
    (`LILA_URL` in 'lila'), or the publisher depends on it (a proxy started after its app)."""
    peer = model.services.get(publisher)
    return _has_part(key.upper(), service.upper()) or (peer is not None and service in peer.depends_on)


def _bare_page(model: ComposeModel, index: NetworkIndex, service: Service, key: str, port: int,
               meant: tuple[str, int]) -> bool:
    """Whether a whole `localhost:PORT` under a key naming no host (is_bare_address) may be a page or the site's
    own address, so not judged: the port is a host port the peer publishes, not one it listens on (`CANONICAL=
    localhost:8080` beside a proxy's `8080:80`), the key says who opens it (`MAILPIT_UI`), or the port's publisher
    fronts the service (a proxy that depends on it, as _fronts). go-clean-template's
    `TRACING_OTLP_ENDPOINT=localhost:4317`, jaeger's own port, is a dial."""
    words = key.upper().split("_")
    # the key naming the reader (`APP_OTLP_ENDPOINT` in 'app') is its own setting's prefix here, no site's URL
    front = model.services.get(index.tcp_publishers.get(port, meant[0]))
    return meant[1] != port or bool(_AUDIENCE_WORDS.intersection(words) or _LINK_WORDS.intersection(words)) \
        or (front is not None and service.name in front.depends_on)


def _has_part(key: str, name: str) -> bool:
    """re.search(rf"(?:^|_){re.escape(name)}(?:_|$)", key) for a name that neither begins nor ends
    with `_`, without compiling a pattern from the project's names each run: the name between
    underscores once the key has one at each end (`$` also matches before a final newline)."""
    return f"_{name}_" in f"_{key}_" or (key.endswith("\n") and f"_{name}_" in f"_{key[:-1]}_")


# URL schemes that name no server: Ecto's `ecto://` is read by whichever adapter the Repo uses
_ANY_DATABASE_SCHEMES = frozenset({"ecto"})


def _named_peer(model: ComposeModel, view: NetworkView, ref: HostRef, exclude: str) -> str | None:
    """The peer a portless `*_HOST` key names by its prefix (`DB_HOST` -> `db`, `CACHE_HOST` ->
    `cache`): the value names no port, so none says which peer listens, but the key says which one
    it means. Only a peer on a shared network that listens on some port (a server). A URL whose scheme
    names no server (Ecto's `ecto://u:p@localhost/app`, Phoenix's DATABASE_URL) under a key that names a
    database means the one database peer."""
    if ref.scheme is not None:
        generic = ref.scheme.lower() in _ANY_DATABASE_SCHEMES and ref.generic_database
        return _one_server(model, view, DATABASES, exclude) if generic else None
    prefix = key_prefix(_HOST_KEY.sub("", ref.key)).lower()
    word = prefix.rsplit("_", 1)[-1]  # PAPERLESS_DBHOST -> db
    for name in dict.fromkeys((prefix, prefix.replace("_", "-"), word)):
        peer = view.resolve(name) if name else None
        if peer is not None and peer != exclude and listen_ports(model.services[peer]):
            return peer
    # the key names a kind of server, no service by name (immich's DB_HOSTNAME beside 'database'
    # on pgvecto-rs): the one peer of that kind
    kinds = DATABASES if word in ("db", "database") else {family_of(word)} - {None}
    return _one_server(model, view, kinds, exclude)


def _one_server(model: ComposeModel, view: NetworkView, kinds: Collection[str | None], exclude: str) -> str | None:
    """The one peer of the view running a server of `kinds`, else the one of them `exclude` depends on."""
    servers = [p.name for p in view.peers if p.name != exclude and server_family(p) in kinds]
    if len(servers) > 1:  # mathesar's dev-db-base (an `extends:` base) and dev-db: the one it depends on
        service = model.services.get(exclude)
        servers = [name for name in servers if service is not None and name in service.depends_on]
    return servers[0] if len(servers) == 1 else None


def _rewrite(value: str, ref: HostRef, peer: str, port: int) -> str:
    """The value with the local host (and a published port) replaced by the peer and its container port."""
    if ref.conn and ref.field is not None:  # `Server=localhost,1433;...`: the host after its keyword
        from doctor.project.conn_strings import rewrite_address  # here: only a connection string's

        return rewrite_address(value, ref.field, ref.host, ref.port, peer, port if ref.port is not None else None)
    host = re.escape(ref.host)
    if ":" in ref.host:  # an IPv6 literal sits in brackets inside a URL
        host = rf"\[?{host}\]?"
    if ref.port is None:
        return re.sub(rf"(?<![\w.-]){host}(?![\w.-])", peer, value, count=1)
    # the port as written, leading zeros included (`127.0.0.1:05432`)
    return re.sub(rf"(?<![\w.-]){host}:0*{ref.port}(?!\d)", f"{peer}:{port}", value, count=1)
