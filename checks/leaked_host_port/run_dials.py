"""leaked-host-port's command half: what a service runs dialing a peer on the port it publishes,
or dialing localhost where a peer listens.

`entrypoint: [/wait-for-it.sh, "db:${DB_PORT}", --, ...]` with db publishing `"${DB_PORT}:5432"`
and DB_PORT=5433: compose writes `db:5433` into the command line, and inside the network db
listens on 5432, so the wait times out (or the tool it starts fails to connect).

`command: celery -A app worker --broker redis://localhost:6379/0` beside a `redis` service: in
the worker's container localhost is the worker itself. Only a URL (`scheme://`) and what a
waiter waits for (`wait-for-it.sh localhost:5432`, `nc -z localhost 5432`) are judged there: a
bare `127.0.0.1:8000` in a command line is as often the address a server binds
(`gunicorn -b 127.0.0.1:8000`), and a URL right after a bind or listen option is one too; a URL
right after an option naming the server's own public address (Keycloak's `--hostname-url=`) is the
address browsers reach it at, never dialed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.env_hosts import BROWSER_SCHEMES, NO_HOST_SCHEMES, URL, HostRef, host_refs, waiter_pattern
from doctor.project.service_network import NetworkIndex, listen_ports, namespace_owner, published_target
from doctor.project.types import Service

from .target_ports import unheard_target

ADDRESS = lazy(r"(?<![\w.@/-])([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{2,5})(?![\w.])")
# a URL's host and port (mlflow's `--backend-store-uri mysql+pymysql://u:p@db:3307/mlflow`)
URL_ADDRESS = lazy(r"(?:://(?:[^@\s/]*@)?)([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{2,5})(?![\w.])")
# a waiter's target on localhost: `wait-for-it.sh localhost:5432`, `wait-for 127.0.0.1:6379`, `nc -z localhost 5432`,
# bash's `</dev/tcp/localhost/5432` (healthchecks' `while !</dev/tcp/db/5432; do sleep 1; done`)
WAITED = lazy(waiter_pattern(r"localhost|127\.0\.0\.1"))
# an option naming the address the program itself serves on (`--bind`, `-b`, `--listen-address`)
BIND_OPTION = lazy(r"(?:^|\s)(?:-b|-l|--?[\w-]*(?:bind|listen)[\w-]*)=?\s*$", re.IGNORECASE)
# an option naming the address the program's own server is reached at, which it writes into the links,
# redirects and token issuers it hands out: Keycloak's `--hostname-url=http://localhost:8083` (suitenumerique/meet's,
# behind nginx's `8083:8083`), `--hostname`, `--hostname-admin-url`, a `--public-url` or `--external-url`
# (the option's own name, not one that merely holds the word: `--no-verify-hostname`, `--redis-hostname=` dial)
OWN_ADDRESS_OPTION = lazy(r"(?:^|\s)--?(?:hostname(?:-[\w-]*)?|(?:public|external|frontend)-ur[il])=?\s*$",
                          re.IGNORECASE)
# an option naming the server a dev server or proxy forwards to (`browser-sync start --proxy
# http://localhost:8000`, `--proxy=localhost:8000`, `--upstream`): the program dials it from its container
PROXY_OPTION = lazy(r"(?:^|\s)--?(?:proxy|proxy-to|proxy-url|upstream|backend-url)(?:=|\s+)$", re.IGNORECASE)
# the same with a bare `localhost:8000` for its value (no scheme)
PROXIED = lazy(r"(?:^|\s)--?(?:proxy|proxy-to|proxy-url|upstream|backend-url)(?:=|\s+)"
               r"(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})(?![\w.:])", re.IGNORECASE)


@record
class RunDial:
    """`part` (entrypoint, command, healthcheck) of `service` dialing `server` on host port `port`."""

    service: str
    part: str
    server: str
    port: int
    target: int
    host: str = ""  # the server's name as the line writes it

    @property
    def message(self) -> str:
        return (f"the {self.part} of '{self.service}' dials {self.server}:{self.port}, the host port of "
                f"'{self.server}', which listens on {self.target} inside the network")

    @property
    def title(self) -> str:
        return f"write {self.server}:{self.target} in the {self.part} of '{self.service}' (its port inside the network)"

    @property
    def subject(self) -> str:
        return f"{self.service}:{self.part}:{self.server}"


def run_dials(index: NetworkIndex, service: Service) -> Iterator[RunDial]:
    """The peers the service's entrypoint, command or healthcheck names with a host port only published."""
    view = index.view(service)
    if view is None:
        return
    seen: set[tuple[str, int]] = set()
    for part, words in (("entrypoint", service.entrypoint), ("command", service.command),
                        ("healthcheck", service.healthcheck)):
        text = words if isinstance(words, str) else " ".join(words or ())
        for found in (*ADDRESS.finditer(text), *URL_ADDRESS.finditer(text)):
            server = index.model.services.get(view.names.get(found[1].lower()) or "")
            port = int(found[2])
            target = None if server is None or server is service else (
                published_target(server, port) or unheard_target(server, port))
            if server is not None and target is not None and (server.name, port) not in seen:
                seen.add((server.name, port))
                yield RunDial(service.name, part, server.name, port, target, found[1])


@record
class LocalRunDial:
    """`part` of `service` dialing localhost:`port` (`shown`) where `peer` listens on `target`."""

    service: str
    part: str
    shown: str
    port: int
    peer: str
    target: int
    host: str = "localhost"  # as the line writes it

    @property
    def server(self) -> str:
        return self.peer

    @property
    def message(self) -> str:
        return (f"the {self.part} of '{self.service}' dials {self.shown}: inside its container that is "
                f"'{self.service}' itself, and '{self.peer}' listens on {self.target} (did you mean '{self.peer}'?)")

    @property
    def title(self) -> str:
        return (f"write {self.peer}:{self.target} in place of {self.shown} in the {self.part} of "
                f"'{self.service}' (its name and port inside the network)")

    @property
    def subject(self) -> str:
        return f"{self.service}:{self.part}:localhost:{self.port}"


def local_run_dials(index: NetworkIndex, service: Service) -> Iterator[LocalRunDial]:
    """The URLs to localhost in the service's entrypoint or command where a peer listens, not the service."""
    owner = namespace_owner(index.model, service)
    view = index.view(service)
    if owner is None or view is None:
        return
    own = listen_ports(owner)
    seen: set[int] = set()
    for part, words in (("entrypoint", service.entrypoint), ("command", service.command)):
        text = words if isinstance(words, str) else " ".join(words or ())
        for ref, proxied in _local_refs(text):
            port = ref.expected_port({})
            if port is None or port in own or port in seen:
                continue
            if ref.scheme in BROWSER_SCHEMES and port in index.published and not proxied:
                continue  # a page the developer's browser opens (`--open http://localhost:3000`)
            meant = view.listener(port, service.name)
            if meant is not None:
                seen.add(port)
                yield LocalRunDial(service.name, part, _shown(ref, port), port, *meant, ref.host)


def _local_refs(text: str) -> Iterator[tuple[HostRef, bool]]:
    """The localhost addresses a command line dials, each with whether a proxy option names it (the
    program forwards to it: an http URL there is no page to open): URLs (not after a bind option),
    what a waiter waits for (`wait-for-it.sh localhost:5432`, `nc -z 127.0.0.1 6379`), and the bare
    `localhost:8000` of a proxy option (`browser-sync start --proxy localhost:8000`)."""
    for found in URL.finditer(text):
        scheme = found.group("scheme").lower()
        if scheme in NO_HOST_SCHEMES or BIND_OPTION.search(text, 0, found.start()) \
                or OWN_ADDRESS_OPTION.search(text, 0, found.start()):
            continue
        proxied = PROXY_OPTION.search(text, 0, found.start()) is not None
        for ref in host_refs("URL", found.group(0)):
            if ref.is_local:
                yield HostRef(ref.key, ref.host, ref.port, scheme), proxied
    for found in WAITED.finditer(text):
        yield HostRef("WAIT", found[1] or found[3] or found[5], int(found[2] or found[4] or found[6])), False
    for found in PROXIED.finditer(text):
        yield HostRef("PROXY", found[1].strip("[]"), int(found[2])), True


def _shown(ref: HostRef, port: int) -> str:
    host = f"[{ref.host}]" if ":" in ref.host else ref.host
    return f"{host}:{port}"
