"""leaked-host-port's localhost lines: each line that writes `localhost` a container dials, with the
services that read it and why; shared with dotenv-override, which leaves a `.env` line leaked-host-port
reports to that finding (one fault, one finding)."""

from __future__ import annotations

import functools
import re

from doctor.model import Location
from doctor.project import Project
from doctor.project.code_sites import other_sites
from doctor.project.edits import value_edit
from doctor.project.env_hosts import is_browser_key
from doctor.project.service_network import NetworkIndex
from doctor.project.types import ComposeModel, Service
from doctor.project.webapps import renders_server_side

from .clients import Clients
from .localhost_dials import LocalDial, localhost_dials

# (where the host is written, what is shown) -> (the consumer, the dial, why, whether that reason alone
# reports it: else it only joins a line another service is reported for)
Lines = dict[tuple[Location | None, str], list[tuple[Service, LocalDial, str, bool]]]


def local_lines(project: Project, model: ComposeModel, index: NetworkIndex, clients: Clients) -> Lines:
    """One entry per line that writes localhost (a shared .env line several services read)."""
    local: Lines = {}
    for service in model.services.values():
        inside = clients.dials_from_inside(service)
        # its dev server's config is read only once a value dials localhost (Clients.proxied)
        proxied = functools.partial(clients.proxied, service)
        server_reads = functools.partial(clients.server_reads, service)
        opens_itself = functools.partial(clients.opens_itself, service)
        hints = functools.partial(clients.hints, service)
        # and a variable's other defaults in its code (a Go program's migrate.go beside a_store.go)
        for dial in localhost_dials(model, service, inside is not None, index, proxied, server_reads,
                                    opens_itself, hints, tuple(other_sites(project, service)),
                                    renders_server_side(inside)):
            reason = clients.local_reason(service, dial.var.name, dial.peer)
            # a `host:port` value shows its port (TRACING_OTLP_ENDPOINT=localhost:4317)
            # (an IPv6 literal in its brackets: `[::1]:5432`)
            host = f"[{dial.ref.host}]" if ":" in dial.ref.host and dial.ref.port is not None else dial.ref.host
            address = host if dial.ref.port is None else f"{host}:{dial.ref.port}"
            shown = f"{dial.var.name}={address}" if dial.ref.scheme is None and not dial.ref.conn else (
                f"{dial.var.name} host '{dial.ref.host}'")
            line = (_written_at(project, dial), shown)
            if reason is None:
                also = clients.loads_line(service, dial.var)
                if also is not None:  # saleor-platform's worker, loading api's backend.env
                    local.setdefault(line, []).append((service, dial, also, False))
                continue
            because = f"is {inside}" if inside is not None and is_browser_key(dial.var.name) else reason
            if dial.var.name in proxied():  # listmonk's vite dev server: its proxy dials the URL
                because = f"proxies to {dial.var.name} in {proxied()[dial.var.name]}, from its container"
            local.setdefault(line, []).append((service, dial, because, True))
    from .built_lines import fold_built  # here: most runs have no localhost line at all

    return fold_built(local) if local else local


def reported_lines(project: Project) -> frozenset[Location]:
    """The lines leaked-host-port reports a localhost dial at, where it runs (a memo of the project)."""
    if project.checks_run is not None and "leaked-host-port" not in project.checks_run:
        return frozenset()

    def compute() -> frozenset[Location]:
        model = project.app_compose
        local = local_lines(project, model, NetworkIndex(model), Clients(project))
        return frozenset(at for (at, _), dials in local.items() if at is not None and any(d[3] for d in dials))

    return project.once("leaked-host-port:local-lines", compute)


def _written_at(project: Project, dial: LocalDial) -> Location | None:
    """Where the local host is written: the value's own line, else the `.env` line compose
    interpolates into it (langfuse's `DATABASE_URL: ${DATABASE_URL:-...@postgres:5432/...}` gets
    `localhost` from .env: its compose line shows the right host, the .env line the wrong one)."""
    host = re.escape(dial.ref.host)
    edit = value_edit(project, dial.var, rf"(?<![\w.-])\[?{host}\]?(?![\w.-])", dial.ref.host)
    return Location(edit.path, edit.line) if edit is not None else dial.var.location
