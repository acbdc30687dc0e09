"""The site's own URL follows a moved host port: `TAIGA_DOMAIN=localhost:9000` behind `"9000:80"`.

A container env value naming `localhost:<host port>` (or a `*.localhost` name, 127.0.0.1, or a URL's
`http://0.0.0.0:<host port>`, what ChiefOnboarding's docs tell developers to open: a browser on Linux
or macOS reaches it as localhost; never a bind value, `--bind 0.0.0.0:8000` or a *BIND*/*LISTEN*/*ADDR*
key's) does not dial the host port from inside the container (there localhost is the container itself): it is
the address the developer's browser opens, handed to the app to build its links, API and
websocket URLs (taiga's `TAIGA_URL`, a `SITE_URL`, a `CSRF_TRUSTED_ORIGINS`). When `fix --ports`
moves that host port, the author meant the site to be where the port is, so the value moves with
it, where it is written (its own line, or the `.env` line it interpolates), each such address of
it. A service that listens on that port itself is left alone: there `localhost:<port>` is that
service, in its container; except the moved service's own keys for the site's public address
(SITE_URL, BASE_URL, PUBLIC_URL, CSRF_TRUSTED_ORIGINS, a `*_HOST` with a port: `site_key`): behind
`"8000:8000"` pontoon's `SITE_URL=http://localhost:8000` is the address the browser opens, and
follows as behind `"8000:80"`. Its other values naming the old port are named, with their line,
for the developer to judge (`own_port_notes`). Such a site key written on a line the moved service
reads it from (an anchor merged by several services, an env_file's line) follows for every service
reading that line, even one listening on the old port inside: Flagsmith's `FLAGSMITH_DOMAIN:
localhost:8000`, shared by `flagsmith` ("8000:8000") and its task processor ("8001:8000"), is one
site's address, not the processor's own listener.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit
from doctor.project.edits import value_edit
from doctor.project.env_hosts import is_browser_key
from doctor.project.reading import is_file
from doctor.project.service_network import listen_ports
from doctor.project.types import EnvSource
from doctor.secret_keys import is_secret_key

from .interpolated import interpolated_edit
from .local_values import local_values, names_local_host

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import EnvVar, Service


LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0")  # 0.0.0.0 only in a URL (_pattern), never a bind key's
# a key for where a server binds or listens: its `http://0.0.0.0:8000` is every interface, no address opened
_BIND_KEY = lazy(r"BIND|LISTEN|ADDR", re.IGNORECASE)


def _hosts(key: str) -> tuple[str, ...]:
    """The LOCAL_HOSTS a value of `key` names the host's port by: 0.0.0.0 is none of a bind key's."""
    return LOCAL_HOSTS[:2] if _BIND_KEY.search(key) else LOCAL_HOSTS

# a key naming the address a browser on the host opens, beside is_browser_key's URLs (SITE_URL,
# PUBLIC_URL, *_BASE_URL): the origins a server accepts (CSRF_TRUSTED_ORIGINS, CORS_ALLOWED_ORIGINS),
# the name it answers to (SERVER_NAME, a *_DOMAIN), a *_HOST (djangoproject's PARENT_HOST) and NEXTAUTH_URL
_SITE_KEY = lazy(r"(?:^|_)(?:ORIGINS?|DOMAINS?|SERVER_NAME|HOST|HOSTNAME|(?:NEXT)?AUTH_URL)$", re.IGNORECASE)
# what is no site address: where the server itself listens, and the peers it dials (DB_HOST, REDIS_URL)
_NOT_SITE = lazy(r"(?:^|_)(?:LISTEN\w*|BIND\w*|INTERNAL|PORT|DB|DATABASE|PG|POSTGRES\w*|MYSQL|MARIADB|REDIS|"
                 r"VALKEY|MONGO\w*|RABBITMQ|AMQP|BROKER|CACHE|MEMCACHED?|ELASTIC\w*|OPENSEARCH|KAFKA|SMTP|MAIL|"
                 r"EMAIL)(?:_|$)|^PG", re.IGNORECASE)


def site_key(key: str) -> bool:
    """Whether a key of a server's own environment names its public address, what a browser on the
    host opens (`SITE_URL`, `CSRF_TRUSTED_ORIGINS`, `PARENT_HOST`): not a bind address or a peer's."""
    return (is_browser_key(key) or bool(_SITE_KEY.search(key))) and not _NOT_SITE.search(key)


def _reads_as_site(service: Service, var: EnvVar, old: int, mover: str,
                   shared: frozenset[tuple[object, int | None]] = frozenset()) -> bool:
    """Whether the service's `localhost:old` in `var` is the site's address a browser opens: the
    service does not listen on `old` itself, or it is the moved one and the key names its public
    address (site_key), or the key is a site key written on a line the moved one reads it from too
    (`shared`: Flagsmith's anchor `FLAGSMITH_DOMAIN: localhost:8000`, merged by `flagsmith` on
    "8000:8000" and by `flagsmith-task-processor` on "8001:8000", whose 8000 inside is its own)."""
    if old not in listen_ports(service):
        return True
    at = var.location
    return site_key(var.name) and (service.name == mover or (at is not None and (at.path, at.line) in shared))


def _mover_site_lines(project: Project, mover: str) -> frozenset[tuple[object, int | None]]:
    """Where the moved service's own site keys are written (an anchor's line, an env_file's line):
    a service reading the same line reads the same site address, and it follows for each of them."""
    service = project.compose.services.get(mover)
    if service is None:
        return frozenset()
    return frozenset((var.location.path, var.location.line) for var in service.environment.values()
                     if var.location is not None and site_key(var.name))


def follow_edits(project: Project, old: int, new: int, mover: str = "",
                 edited: frozenset[tuple[object, int | None]] = frozenset(),
                 shared: Callable[[Path], bool] | None = None,
                 takes: Callable[[Edit], bool] | None = None
                 ) -> tuple[tuple[Edit, ...], str, dict[tuple[Path, int | None], str]]:
    """The edits moving `localhost:old` to `localhost:new` in container env values, what they say
    (`TAIGA_DOMAIN follows to localhost:9001`), and the lines of files `shared` says the other
    checkouts share (git tracks them: outline's .env.development in a second worktree), left to the
    developer (`DATABASE_URL in .env.development:3`, by its file and line), unless `takes` says the move's own untracked
    override sets the value instead (saleor's DASHBOARD_URL in its tracked docker-compose.yml: into_override);
    nothing when no value names the old port. `mover` is
    the moved service: its own site keys follow even where it listens on `old` (_reads_as_site). A site
    key an env_file builds from a variable (`APP_URL=http://localhost:${LITESTAR_PORT}`) gets the new
    port in place of the reference (interpolated.py), unless the move rewrites that variable's line
    (`edited`)."""
    edits: dict[tuple[object, int | None], Edit] = {}
    names: list[str] = []
    left: dict[tuple[Path, int | None], str] = {}
    inside = run_in_containers(project, old)
    sites = _mover_site_lines(project, mover)
    for service, var in local_values(project):  # the values naming a local host: no other can match
        if not _reads_as_site(service, var, old, mover, sites):
            continue
        if var.value is not None and runs_it(var.value, inside):
            continue  # what a healthcheck, command or entrypoint runs (an env_file hands every line in)
        if var.value is None or not re.search(local_address(old, var.name), var.value):
            continue
        if _dials_a_peer(var.name, var.value, old):
            continue  # a client's connection (`nats://...@localhost:4222`): leaked-host-port's to fix, no site
        # every local address on the line: `http://admin.localhost:8000,http://localhost:8000` is one list
        edit = value_edit(project, var, local_address(old, var.name), moved_to(new), every=True)
        if edit is None and var.source is EnvSource.ENV_FILE and site_key(var.name):
            edit = interpolated_edit(project, var, old, new, edited)
        if edit is None or (edit.path, edit.line) in edits:
            continue
        if shared is not None and shared(edit.path) and not (takes is not None and takes(edit)):
            named = _written_name(project, var.name, var.variables, edit)
            left.setdefault((edit.path, edit.line), f"{named} in {project.shown(edit.path)}:{edit.line}")
            continue
        edits[edit.path, edit.line] = edit
        names.append(_written_name(project, var.name, var.variables, edit))
    if not edits:
        return (), "", left
    shown = ", ".join(dict.fromkeys(names))
    return tuple(edits.values()), f"{shown} follow{'s' if len(names) == 1 else ''} to localhost:{new}", left


# the schemes of an address a browser opens; any other (nats://, amqp://, postgres://) is a client dialling a peer
_SITE_SCHEMES = frozenset({"http", "https", "ws", "wss"})
_SCHEMED = lazy(r"\b([A-Za-z][A-Za-z0-9+.-]*)://[^\s,;]*?(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d+))?")


def _dials_a_peer(key: str, value: str, old: int) -> bool:
    """Whether a container's `localhost:old` in `value` is a connection to a peer, no address a browser opens:
    a URL of another scheme than http(s)/ws(s) (go-clean-template's `NATS_URL: nats://guest:guest@localhost:4222/`),
    or a peer's key (DATABASE_URL, REDIS_HOST: _NOT_SITE). Inside the container localhost is not the peer:
    leaked-host-port points it at the service; copying it to the new host port would undo that fix."""
    if _NOT_SITE.search(key):
        return True
    return any(found[1].lower() not in _SITE_SCHEMES and found[2] == str(old) for found in _SCHEMED.finditer(value))


def own_port_notes(project: Project, service: Service, old: int, new: int,
                   skip: set[tuple[object, int | None]], sets: frozenset[str] = frozenset()) -> str:
    """The moved service's own values naming `localhost:old` that do not follow, where it listens on
    `old` itself (`8000:8000`): its own server's port in the container, or the address a browser
    opens; named with their line for the developer to judge (`server.env:7 SITE_URL=http://localhost:8000
    still names the old port: set it to localhost:8001 if it is the address browsers open`; `127.0.0.1:8001`
    where the values all write 127.0.0.1, prefect-docker-compose's PREFECT_UI_URL). Lines in
    `skip` (edited already), values interpolating a variable in `sets` (the one the move writes: polar's
    `POLAR_BASE_URL: http://localhost:${API_PORT:-8000}` reads the new port by itself), bind addresses and
    what a healthcheck or command runs are left out."""
    if old not in listen_ports(service):
        return ""
    inside = run_in_containers(project, old)
    notes: dict[tuple[object, int | None], str] = {}
    hosts: set[str] = set()  # the names other than localhost a note's value gives the site
    local: set[str] = set()  # the local hosts the notes' values write (prefect's PREFECT_UI_URL on 127.0.0.1)
    for var in service.environment.values():
        value = var.value
        # a value naming no local host nor the port's digits names neither form below (local_values)
        if value is None or not (names_local_host(value) or str(old) in value):
            continue
        if runs_it(value, inside) or _NOT_SITE_OWN.search(var.name) or sets.intersection(var.variables):
            continue
        host = next((h for h in _hosts(var.name) if re.search(_pattern(h, old), value)), None)
        if host is None and site_key(var.name) and (named := re.search(_named_port(old), value)) \
                and named[1].lower() not in _network_names(project):
            host = named[1]  # tubearchivist's `TA_HOST=http://tubearchivist.local:8000`: a name /etc/hosts gives
            hosts.add(host)
        if host is None:
            continue
        if host not in hosts:
            local.add(host)
        edit = value_edit(project, var, local_address(old, var.name), moved_to(new), every=True)  # where it is written
        # else its own line (`APP_URL=http://localhost:${LITESTAR_PORT}`: the reference gave the port)
        at = (edit.path, edit.line) if edit is not None else (var.location.path, var.location.line) \
            if var.location is not None else (None, None)
        where: tuple[object, int | None] = at
        if where in skip or where in notes:
            continue
        shown = f"{project.shown(at[0])}:{at[1]} " if isinstance(at[0], Path) and at[1] else ""
        key = _written_name(project, var.name, var.variables, edit) if edit else var.name
        # a value with a user's password (`postgres://u:p@localhost:8000`) or a secret's is never shown
        said = f"{host}:{old}" if "@" in value or is_secret_key(key) or is_secret_key(var.name) else value
        notes[where] = f"{shown}{key}={said}"
    if not notes:
        return ""
    them = "it" if len(notes) == 1 else "them"
    # the host as the values write it, where they all write one (`127.0.0.1:4201`, as written, not localhost)
    to = f"port {new}" if hosts else f"{next(iter(local))}:{new}" if len(local) == 1 else f"localhost:{new}"
    return (f"{', '.join(list(notes.values())[:3])} still name{'s' if len(notes) == 1 else ''} the old port: "
            f"set {them} to {to} if {'it is' if len(notes) == 1 else 'they are'} the address browsers open")


def _network_names(project: Project) -> frozenset[str]:
    """The names the project's services answer to on their networks (service, container_name, hostname,
    aliases), lowercased: `FIRESTORE_EMULATOR_HOST=firestore:8787` dials the service at its container
    port, which a move of the host port leaves as it is (wild-workouts)."""
    return project.once("port-follow-network-names", lambda: frozenset(
        n.lower() for s in project.compose.services.values()
        for n in (s.name, s.container_name, s.hostname, *(a for net in s.networks.values() for a in net.aliases))
        if n))


def _named_port(old: int) -> str:
    """A host name of any kind on the old port, in a URL or a list (`http://tubearchivist.local:8000`)."""
    return rf"(?:^|://|[\s,;@])([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):{old}(?![0-9])"



# a key for where the server itself listens: its own port, never a browser's address
_NOT_SITE_OWN = lazy(r"(?:^|_)(?:LISTEN\w*|BIND\w*|PORT)(?:_|$)", re.IGNORECASE)


def into_override(project: Project, move: Edit, followed: tuple[Edit, ...], old: int, new: int,
                  mover: str = "") -> tuple[Edit, tuple[Edit, ...]]:
    """The move's override edit (`move`: the ports set there, `!override`) with the followed values
    that another compose file writes set in that override instead, in the environment of each
    service that reads them (redash's anchor `REDASH_HOST: http://localhost:5001`, merged by
    `server`, `scheduler` and `worker`): the port and the site's URL stay in one file, the tracked
    compose file untouched. The followed edits left to make where they are come back with it: a
    value compose interpolates (`$`) or that no service reads as written."""
    from doctor.project.wholefile import file_quote, files_quote
    from doctor.project.yamledit import YamlEditError, add_environment, whole_file_edit

    wanted: dict[str, dict[str, str]] = {}
    kept: list[Edit] = []
    inside: list[Edit] = []  # lines of the override itself: made in the move's text, one edit of that file
    for edit in followed:
        if edit.path == move.path and edit.line is not None and isinstance(edit.old, str) and edit.old:
            inside.append(edit)
            continue
        moved = override_values(project, edit, move.path, old, new, mover)
        if not moved:
            kept.append(edit)
            continue
        for service_name, values in moved.items():
            wanted.setdefault(service_name, {}).update(values)
    if not (wanted or inside) or not isinstance(move.new, str):
        return move, followed
    text = move.new
    quote = file_quote(text) or files_quote(project.compose.files)  # the override's quoting, else the project's
    try:
        for service_name, values in wanted.items():
            text = add_environment(text, service_name, values, quote=quote)
    except YamlEditError:
        return move, followed
    # a value the override itself writes (`SERVER_URL=http://localhost:8080/...` for `explorer`
    # beside the moved `proxy`): its line, unchanged in the move's text, is rewritten there; as a
    # second edit of the same file it overlapped the move, and the fix was never applied
    lines = text.split("\n")
    for edit in inside:
        assert isinstance(edit.old, str) and isinstance(edit.new, str)
        hits = [i for i, line in enumerate(lines) if line == edit.old.rstrip("\n")]
        if len(hits) != 1 or "\n" in edit.old.rstrip("\n"):
            return move, followed
        lines[hits[0]] = edit.new.rstrip("\n")
    combined = whole_file_edit(move.path, "\n".join(lines))
    return (combined or move), tuple(kept)


def override_values(project: Project, edit: Edit, override: Path, old: int, new: int,
                    mover: str = "") -> dict[str, dict[str, str]]:
    """{service: {key: value}} a followed `edit` of another compose file than `override` becomes in that
    override's environment, for each service reading the line as the site's address; {} when it cannot
    (a value compose interpolates, a line no service reads as written): then it is made where it is."""
    if edit.path == override or edit.path not in project.compose.files:
        return {}
    shared = _mover_site_lines(project, mover)
    moved: dict[str, dict[str, str]] = {}
    for service in project.compose.services.values():
        for var in service.environment.values():
            at = var.location
            if at is None or (at.path, at.line) != (edit.path, edit.line) or var.value is None:
                continue
            if not _reads_as_site(service, var, old, mover, shared):
                continue
            if "$" in var.value or "$" in (var.raw or ""):
                return {}
            value = var.value
            for host in _hosts(var.name):
                value = re.sub(_pattern(host, old), moved_to(new), value)
            if value != var.value:
                moved.setdefault(service.name, {})[var.name] = value
    return moved


_COMMENTED = lazy(r"^\s*#+\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def template_hints(project: Project, old: int, new: int) -> str:
    """What to set where the env template shows, commented out, a key naming `localhost:old` that the
    chosen env file does not set (docker-flask-example's .env.example `#export SERVER_NAME=localhost:8000`:
    the app's default is built from the container port, and Flask answers 404 to localhost:8001):
    `set SERVER_NAME=localhost:8001 in .env, as .env.example:50 shows it commented out for 8000`;
    "" when none."""
    from doctor.project import ENV_EXAMPLE_NAMES
    from doctor.project.edits import line_text
    dotenv = project.dotenv
    have = {e.key for e in dotenv.entries} if dotenv is not None else set()
    # a key compose's `environment:` sets is compose's to move, not .env's
    have |= {key for service in project.compose.services.values() for key, var in service.environment.items()
             if var.source is EnvSource.ENVIRONMENT}
    target = project.shown(dotenv.path) if dotenv is not None else ".env"
    hints: list[str] = []
    for name in ENV_EXAMPLE_NAMES:
        path = project.root / name
        if not is_file(path):
            continue
        number = 1
        while (text := line_text(path, number)) is not None and number <= 2000:
            key = _COMMENTED.match(text)
            if key is not None and key[1] not in have:
                for host in _hosts(key[1]):
                    if re.search(_pattern(host, old), text):
                        written = text.split("=", 1)[1].split(" #", 1)[0].strip().strip("'\"")
                        value = re.sub(_pattern(host, old), moved_to(new), written)
                        hints.append(f"set {key[1]}={value} in {target}, as {project.shown(path)}:{number} shows "
                                     f"it commented out for {old}")
                        break
            number += 1
        break  # the first template is the project's
    return "; ".join(hints[:3])


def run_in_containers(project: Project, old: int) -> list[str]:
    """The healthchecks, commands and entrypoints (as compose resolved them) that name localhost:old:
    they run in a container, where localhost is the container, so a `.env` value they interpolate
    (docker-django-example's `DOCKER_WEB_HEALTHCHECK_TEST=curl localhost:8000/up`) is no address a
    host program dials, and stays when the host port moves."""
    runs = []
    for service in project.compose.services.values():
        for field in (service.healthcheck, service.command, service.entrypoint):
            text = field if isinstance(field, str) else " ".join(field or ())
            if any(re.search(_pattern(host, old), text) for host in LOCAL_HOSTS):
                runs.append(text)
    return runs


def runs_it(value: str, runs: list[str]) -> bool:
    """Whether `value` is what one of `runs` (run_in_containers) runs: all of it or whole words of it
    (docker-django-example's `curl localhost:8000/up`), not the head of a longer URL there: behind
    full-stack-fastapi-template's healthcheck `curl -f http://localhost:8000/api/v1/utils/health-check/`,
    `VITE_API_URL=http://localhost:8000` is the address the browser's app dials, and follows."""
    whole = rf"(?<![^\s'\"=]){re.escape(value.strip())}(?![^\s'\";&|])"
    return bool(value.strip()) and any(re.search(whole, run) for run in runs)


# the port a URL of the scheme names when it writes none: `http://localhost` is port 80
_DEFAULT_PORT_SCHEMES = {80: ("http", "ws"), 443: ("https", "wss")}


def _pattern(host: str, port: int) -> str:
    """`host:port` as a whole address, not `notlocalhost:8000` or `localhost:80001`; `localhost` also
    as the last label of a name under it (ArchiveBox's `http://admin.archivebox.localhost:8000`: every
    `*.localhost` is the loopback, as code_ports reads settings code), whose labels stay as written;
    0.0.0.0 only as a URL's host (`http://0.0.0.0:8000`, the address a browser opens), never a bind
    value's (`--bind 0.0.0.0:8000`, `LISTEN=0.0.0.0:8000`: every interface of the container). On
    port 80 (443) also a http/ws (https/wss) URL's host that writes no port: Laravel's `.env`
    `APP_URL=http://localhost` behind sail's `${APP_PORT:-80}:80` is the site on port 80; the match
    is the host alone (with its labels), and moved_to writes the new port after it."""
    before = r"(?:(?<![\w.-])|(?<=[\w-]\.))" if host == "localhost" else r"(?<=://)" if host == "0.0.0.0" \
        else r"(?<![\w.-])"
    explicit = rf"{before}{re.escape(host)}:{port}(?!\d)"
    schemes = _DEFAULT_PORT_SCHEMES.get(port)
    if not schemes:
        return explicit
    labels = r"(?:[A-Za-z0-9-]+\.)*" if host == "localhost" else ""
    after_scheme = "|".join(rf"(?<![\w+.-]{scheme}://)(?<={scheme}://)" for scheme in schemes)
    return rf"{explicit}|(?:{after_scheme}){labels}{re.escape(host)}(?![\w.:@-])"


def local_address(port: int, key: str = "") -> str:
    """Any local address of the host port in a value of `key`: `localhost:port`, `*.localhost:port`,
    `127.0.0.1:port`, `http://0.0.0.0:port` (not in a bind key's value: _hosts)."""
    return _local_address(port, _hosts(key))


@functools.lru_cache(maxsize=256)  # two texts a port (a bind key's, any other's), asked for every value and line
def _local_address(port: int, hosts: tuple[str, ...]) -> str:
    return "|".join(_pattern(host, port) for host in hosts)


def moved_to(new: int) -> Callable[[re.Match[str]], str]:
    """The replacement of one `local_address` match: the same host, on the new port."""
    # a URL's host written with no port (`http://localhost`: _pattern's default port) gets one
    return lambda found: f"{found[0].rpartition(':')[0] if ':' in found[0] else found[0]}:{new}"


def _written_name(project: Project, name: str, variables: tuple[str, ...], edit: Edit) -> str:
    """The variable whose line the edit changes: the value's own, or the `.env` one it interpolates."""
    dotenv = project.dotenv
    if dotenv is not None and edit.path == dotenv.path:
        for variable in variables:
            entry = dotenv.entry(variable)
            if entry is not None and entry.line == edit.line:
                return variable
    return name
