"""service-name-drift: env values naming a host that is no service, alias or container on the network."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.edits import value_edit
from doctor.project.env_hosts import HostRef, host_refs, looks_internal
from doctor.project.service_network import (
    NetworkIndex,
    NetworkView,
    all_names,
    default_container_name,
    suggest,
)
from doctor.project.types import EnvVar, Service

Use = tuple[Service, NetworkView, EnvVar, HostRef]
PEERS_SHOWN = 10  # the peers an advice names before "and N more"


class ServiceNameDrift(Check):
    """hosts in env values and URLs that name no service, alias or container on the network

    What it finds
        A container env value that names a host the container cannot resolve: the value of a
        key naming a host (`POSTGRES_SERVER`, `DB_HOST`, `*_HOST`, `*_SERVER`) or the host of a
        URL/DSN (`postgresql://u:p@postgres:5432/app`, `redis://cache:6379`) that is no service
        name, container name, network alias, link alias or extra_host on a network the service
        joins. `hostname:` does not count (peers cannot resolve it), nor does a service on a
        network this one does not join. Only names that can only be compose names are judged:
        dotted public names, IPs, localhost, host.docker.internal and values with unresolved
        `${}` are left alone, and a name nothing in the project resembles (a service of another
        compose file, started separately) is only info.

    Why it matters
        The service starts, then fails at its first connection with "could not translate host
        name" or "Name or service not known", usually after a rename of the service or a copy
        of a `.env` from another project.

    Example
        .env:3  POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)

    Fix
        Rewrite the host on the line that defines it to the service meant: the one listening
        on the port the value uses (5432 -> the postgres service), else the closest name. A
        value compose interpolates (`POSTGRES_SERVER: ${POSTGRES_SERVER}`, a URL's
        `@${POSTGRES_SERVER}:`) is reported and rewritten where it is defined: its `.env` line.
        The fix asks first: the suggestion is a best guess.

    Fix safety
        Unsafe: the service named is a best guess, so the edit is asked for (or `--yes`). It
        changes only the host part of the one value, on its own line.
    """

    id = "service-name-drift"
    fix_family = "env"
    severity = Severity.ERROR

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        everywhere = all_names(model)
        hostnames = {s.hostname.lower(): s.name for s in model.services.values() if s.hostname}
        disabled = {name.lower() for name in model.disabled_services}
        groups: dict[tuple[Location | None, str, str], list[Use]] = {}
        index = NetworkIndex(model)
        for service in model.services.values():
            view = index.view(service)
            if view is None:
                continue
            for var in service.environment.values():
                for ref in host_refs(var.name, var.value):
                    name = ref.host.lower()
                    # a name the view resolves first: most are, and looks_internal parses an IP
                    if name in view.names or name in disabled or not looks_internal(ref.host):
                        continue
                    if view.has_peer(default_container_name(model, ref.host)):
                        continue
                    groups.setdefault((var.location, var.name, name), []).append((service, view, var, ref))
        for (_, _, name), uses in groups.items():
            yield self._finding(project, uses, everywhere.get(name) or hostnames.get(name), name in hostnames)

    def _finding(self, project: Project, uses: list[Use], known: str | None, by_hostname: bool) -> Finding:
        service, view, var, ref = uses[0]
        where = _written_at(project, var, ref)
        subject = f"{','.join(sorted({s.name for s, _, _, _ in uses}))}:{var.name}"
        shown = f"{var.name}={ref.host}" if ref.scheme is None else f"{var.name} host '{ref.host}'"
        if known is not None and not view.has_peer(known):
            message = f"{shown} is '{known}', which shares no network with '{service.name}'"
            fix = Fix(f"put '{service.name}' on a network of '{known}'", Safety.ADVICE)
            return self.finding(message, where, subject, fix)
        if known is not None and by_hostname:
            meant: str | None = known
            message = f"{shown} is the hostname of '{known}', which peers cannot resolve (did you mean '{known}'?)"
        else:
            env = {name: v.value for name, v in service.environment.items()}
            meant = suggest(view, ref, env, exclude=service.name)
            message = f"{shown} names no service on the network" + (f" (did you mean '{meant}'?)" if meant else "")
        if meant is None:
            # Nothing of this project resembles the name: most often a service of another compose
            # file (an optional observability stack) or of another project; say so, quietly.
            others = [p.name for p in view.peers if p.name != service.name]
            shown_peers = [f"'{name}'" for name in others[:PEERS_SHOWN]]
            if len(others) > PEERS_SHOWN:  # a title per finding naming every peer grew with services squared
                shown_peers.append(f"and {len(others) - PEERS_SHOWN} more")
            peers = ", ".join(shown_peers) or "none"
            fix = Fix(f"point {var.name} at a service: {peers}", Safety.ADVICE)
            return self.finding(message, where, subject, fix, Severity.INFO)
        edit = value_edit(project, var, _host_pattern(ref), meant)
        if edit is None and ref.scheme is not None:  # `@${POSTGRES_SERVER}:` in the URL: the host alone in .env
            edit = value_edit(project, var, _plain_pattern(ref.host), meant)
        title = f"replace '{ref.host}' by '{meant}' in {var.name}"
        fix = Fix(title, Safety.UNSAFE, (edit,)) if edit is not None else Fix(title, Safety.ADVICE)
        return self.finding(message, where, subject, fix)


def _written_at(project: Project, var: EnvVar, ref: HostRef) -> Location | None:
    """Where the host is written: the value's own line, else the .env line it interpolates
    (`POSTGRES_SERVER: ${POSTGRES_SERVER}` names .env's `POSTGRES_SERVER=postgresserver`)."""
    for pattern in (_host_pattern(ref), _plain_pattern(ref.host)):
        found = value_edit(project, var, pattern, ref.host)  # an edit that changes nothing: only its place
        if found is not None:
            at = var.location
            return at if at is not None and (at.path, at.line) == (found.path, found.line) else Location(
                found.path, found.line)
    return var.location


def _plain_pattern(host: str) -> str:
    return rf"(?<![\w.$-]){re.escape(host)}(?![\w.-])"


def _host_pattern(ref: HostRef) -> str:
    """The host where it sits on its line: after `@` or `//` in a URL, as a whole word in a plain value."""
    host = re.escape(ref.host)
    after = r"(?=[:/,?#\s\"'\]]|$)"
    if ref.scheme is None:
        return rf"(?<![\w.$-]){host}(?![\w.-])"
    return rf"(?<=@){host}{after}" if ref.has_password else rf"(?<=[/@,]){host}{after}"
