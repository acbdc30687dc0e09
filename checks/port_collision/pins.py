"""A port variable that containers read too: moving its `.env` value must not move what they see.

`"${POSTGRES_PORT:-5432}:5432"` publishes db on host port POSTGRES_PORT, and the same variable
often reaches containers: `POSTGRES_PORT: ${POSTGRES_PORT}` in backend's environment, or
`env_file: .env`. There it is the port backend dials on the network, db's container port.
When `fix --ports` moves the host port in `.env`, those containers keep the value they see
today, written into the dev override's environment: only the host side moves (and the host's
tools, which read `.env`, follow it). A bare port a service only gets from `.env` (every
service loads it) is pinned where its command or code names the variable, or where doctor
cannot read its code: a variable only compose reads (nickjj's `DOCKER_WEB_PORT_FORWARD`, in a
service whose code is the bind-mounted repo) needs no pin, and neither does one its code builds the
site's public address from (bookwyrm's `PORT` in `NETLOC = f"{DOMAIN}:{PORT}"`, `BASE_URL`,
`CSRF_TRUSTED_ORIGINS`: the port browsers open, which follows the move; public_port.py).

Where today's value is itself the fault leaked-host-port reports - the variable is a host port the
server does not listen on inside (django-on-docker's `SQL_PORT=${POSTGRES_PORT}` behind
`"${POSTGRES_PORT}:5432"`, POSTGRES_PORT=5433) - the pin writes the server's container port
(`SQL_PORT: "5432"`, `db:5432`), not today's 5433: pinned as today, the move would hide the fault
(db no longer publishes 5433, so nothing says what `web` dials) and leave it dialling nothing.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy
from doctor.model import Edit
from doctor.project.codetext import CodeText
from doctor.project.edits import dev_override, override_edit
from doctor.project.env_hosts import is_browser_key
from doctor.project.service_network import NetworkIndex, listen_ports
from doctor.project.types import EnvSource, Service
from doctor.project.wholefile import files_quote
from doctor.secret_keys import is_secret_key

from .public_port import public_reader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from doctor.project import Project

URL_PASSWORD = lazy(r"://[^/@\s:]*:[^/@\s]*@")


def pin_edit(project: Project, variable: str, old: int, server: Service | None = None,
             target: int | None = None) -> tuple[Edit | None, str] | None:
    """The override edit that keeps every container env value `variable` feeds, where a container
    dials on the network (the bare port, or `<service>:<port>`), as it is today; and what it says
    (`'backend', 'worker' keep POSTGRES_PORT as today in compose.override.yaml`).

    `server` publishes `old` (the host port moving) to its container port `target`. Where `server`
    does not listen on `old` inside, another service's bare `old`, or `server:old`, is a host port
    leaking into a container (leaked-host-port's fault): the pin writes `target` there instead
    (`'web' dials 'db' on its container port 5432, not host port 5433 (SQL_PORT)`).

    A browser key (`VITE_API_PORT`) or a `localhost` URL dials the host port from the host: it
    follows `.env`, unpinned. So does a bare port a service's code builds its public address from
    (public_port: bookwyrm's `NETLOC = f"{DOMAIN}:{PORT}"`), named in what it says (`'web' builds its
    public address from PORT (app/settings.py:3): it follows`), with no edit (None) when nothing else
    is pinned. None when nothing is pinned or named, or when a value cannot be written into the
    override (it holds a URL password or sits under a secret key; the override may be committed).
    """
    interpolating = set(project.interpolation_files)  # `.env`, or the --env-file compose reads instead
    text = CodeText()

    def folders(service: Service) -> list[Path]:
        """The service's code in the project (its bind mounts and COPYs)."""
        codes = project.code_map(service)
        return list(dict.fromkeys(p.host for p in (*codes.live, *codes.copies) if p.host.is_relative_to(project.root)))

    def reads(service: Service, name: str) -> bool:
        """Whether the service's command or code names the variable; True where its code is unknown
        (an image built elsewhere may read it)."""
        if not (code := folders(service)):
            return True
        command = " ".join(w if isinstance(w, str) else " ".join(w) for w in (service.entrypoint, service.command) if w)
        return text.reader_of(name, code, command) is not None

    def public(service: Service, name: str) -> tuple[Path, int] | None:
        """Where the service's code builds its public address from the variable (public_port)."""
        code = tuple(folders(service))
        if (code, name) not in builds:
            builds[code, name] = public_reader(text, name, code, project.compose.services) if code else None
        return builds[code, name]

    on_network = re.compile(rf"(?<![\w.-])(?:{'|'.join(map(re.escape, project.compose.services))}):{old}(?!\d)")
    # `server` does not listen on `old` inside: another service's `old` is the host port leaking in
    leaked = server is not None and target is not None and target != old and old not in listen_ports(server)
    index = NetworkIndex(project.compose) if leaked else None
    builds: dict[tuple[tuple[Path, ...], str], tuple[Path, int] | None] = {}
    followed: dict[str, tuple[str, tuple[Path, int]]] = {}  # service -> (key, where its code builds the site's address)
    wanted: dict[str, dict[str, str]] = {}
    keys: set[str] = set()
    corrected: set[str] = set()
    for service in project.compose.services.values():
        for var in service.environment.values():
            from_env_file = (var.source is EnvSource.ENV_FILE and var.name == variable and var.location is not None
                             and var.location.path in interpolating)
            if var.value is None or not (variable in var.variables or from_env_file) or is_browser_key(var.name):
                continue
            if var.value.strip() != str(old) and not on_network.search(var.value):
                continue
            if from_env_file and not on_network.search(var.value) and not reads(service, var.name):
                continue  # only compose reads it (`DOCKER_WEB_PORT_FORWARD`), which every service gets from .env
            if leaked and service is server and var.value.strip() == str(old):
                # the moved service's own host port, where it does not listen inside (docker-flask-example's
                # `DOCKER_WEB_PORT_FORWARD` behind `"${DOCKER_WEB_PORT_FORWARD}:8000"`): kept, it would
                # tell the service an address nothing publishes; whatever reads it follows the move
                continue
            if not on_network.search(var.value) and (built := public(service, var.name)) is not None:
                # bookwyrm's `NETLOC = f"{DOMAIN}:{PORT}"`: the port browsers open, which follows
                followed[service.name] = (var.name, built)
                continue
            # a secret's key by its words, as redaction reads it (KEYCLOAK_DATABASE_PORT is none: a
            # substring `KEY` refused every pin of keycloak's, and its port followed the move)
            if URL_PASSWORD.search(var.value) or is_secret_key(var.name):
                return None
            value = var.value
            if index is not None and server is not None and service is not server:
                value = _container_side(index, service, server, value, old, target or old)
            wanted.setdefault(service.name, {})[var.name] = value
            (corrected if value != var.value else keys).add(var.name)
    follows = _follows(project, followed)
    override = dev_override(project)
    if not wanted or override is None:
        return (None, follows) if follows else None
    written: dict[str, dict[str, int]] = {}
    for name, values in wanted.items():
        for key in values:
            where = project.compose.services[name].environment[key].location
            if where is not None and where.path == override and where.line is not None:
                written.setdefault(name, {})[key] = where.line
    # a pinned '5432' is quoted as the override's values are, else as the project's compose files' (nickjj's "...")
    edit = override_edit(override, "environment", wanted, written, quote=files_quote(project.compose.files))
    if edit is None:
        return None
    said = []
    kept = sorted(s for s, values in wanted.items() if keys & set(values))
    if kept:
        said.append(f"{', '.join(map(repr, kept))} keep{'s' if len(kept) == 1 else ''} {', '.join(sorted(keys))} "
                    "as today")
    fixed = sorted(s for s, values in wanted.items() if corrected & set(values))
    if fixed and server is not None:
        said.append(f"{', '.join(map(repr, fixed))} dial{'s' if len(fixed) == 1 else ''} '{server.name}' on its "
                    f"container port {target}, not host port {old} ({', '.join(sorted(corrected))})")
    return edit, "; ".join(filter(None, (follows, f"{' and '.join(said)} in {project.shown(override)}")))


def _follows(project: Project, followed: dict[str, tuple[str, tuple[Path, int]]]) -> str:
    """What the services whose code builds the site's public address from the variable are told:
    `'web' builds its public address from PORT (app/settings.py:3): it follows the move`; "" when none."""
    if not followed:
        return ""
    names = sorted(followed)
    keys = sorted({key for key, _ in followed.values()})
    path, line = followed[names[0]][1]
    their = "its" if len(names) == 1 else "their"
    return (f"{', '.join(map(repr, names))} build{'s' if len(names) == 1 else ''} {their} public address from "
            f"{', '.join(keys)} ({project.shown(path)}:{line}): {'it follows' if len(keys) == 1 else 'they follow'}")


def _container_side(index: NetworkIndex, consumer: Service, server: Service, value: str, old: int,
                    target: int) -> str:
    """The value with `server`'s host port `old` replaced by its container port `target`: a bare
    `old`, or `<name>:old` where the name is `server` on the consumer's network (an alias too);
    another peer's `cache:old` is that peer's port, kept."""
    if value.strip() == str(old):
        return value.replace(str(old), str(target))
    view = index.view(consumer)
    names = view.names if view is not None else {}

    def repaired(found: re.Match[str]) -> str:
        name = found[1]
        return f"{name}:{target}" if (names.get(name.lower()) or name) == server.name else found[0]

    return re.sub(rf"(?<![\w.-])([\w.-]+):{old}(?!\d)", repaired, value)
