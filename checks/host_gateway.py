"""host-gateway: `host.docker.internal` dialed on a Linux engine without `extra_hosts: host-gateway`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.edits import dev_override
from doctor.project.types import Service

NAME = "host.docker.internal"
ENTRY = f"{NAME}:host-gateway"
_DIAL = re.compile(r"(?<![\w.-])host\.docker\.internal(?![\w-])", re.IGNORECASE)


class HostGateway(Check):
    """`host.docker.internal` on a Linux engine without `extra_hosts: host-gateway`

    What it finds
        A service whose environment (compose `environment:` and `env_file:`) or command names
        `host.docker.internal` while the engine is a plain Linux docker engine and the service has
        no `extra_hosts` entry for that name. Docker Desktop, OrbStack and Rancher Desktop answer
        the name themselves; they are not reported. Skipped when the engine cannot be asked.

    Why it matters
        On Linux the name resolves nowhere unless the container is given it: the app fails with
        "Name or service not known" / `getaddrinfo ENOTFOUND host.docker.internal` on a
        colleague's Linux laptop or in CI, while it works on every Mac.

    Example
        compose.yaml:9  'api' dials host.docker.internal (DATABASE_URL); this Linux engine does not resolve it

    Fix
        Add `extra_hosts: ["host.docker.internal:host-gateway"]` to the service in the dev
        override compose loads (created where compose will read it, comments kept). Docker
        Desktop accepts the same line, so it is right on every machine.

    Fix safety
        Safe: it only adds one `extra_hosts` entry for a name that resolved nowhere before.
    """

    id = "host-gateway"
    severity = Severity.WARNING
    fix_family = "hosts"

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        dials = [(svc, what, where) for svc in project.services.values() if not _has_entry(svc)
                 and (svc.network_mode or "") != "host" for what, where in _dials(svc)[:1]]
        if not dials or host.images.provides_host_gateway_name:  # asks the engine only when needed
            return
        for svc, what, where in dials:
            message = f"'{svc.name}' dials {NAME} ({what}); this Linux engine does not resolve it"
            yield self.finding(message, where or svc.location, f"{svc.name}:{NAME}", _fix(project, svc.name))


def _dials(svc: Service) -> list[tuple[str, Location | None]]:
    found = [(var.name, var.location) for var in svc.environment.values() if var.value and _DIAL.search(var.value)]
    command = svc.command if isinstance(svc.command, str) else " ".join(svc.command or ())
    if _DIAL.search(command):
        found.append(("command", svc.location))
    return found


def _has_entry(svc: Service) -> bool:
    return any(re.split(r"[:=]", entry, maxsplit=1)[0].strip().lower() == NAME for entry in svc.extra_hosts)


def _fix(project: Project, service: str) -> Fix:
    title = f"add extra_hosts \"{ENTRY}\" to '{service}'"
    path = dev_override(project)
    if path is None:
        return Fix(f"{title} in the compose file that defines it", Safety.ADVICE)
    # imported here: ruamel.yaml is needed only when a fix is built, never on a clean run
    from doctor.project.yamledit import YamlEditError, add_extra_host, read_text, whole_file_edit

    try:
        edit = whole_file_edit(path, add_extra_host(read_text(path), service, ENTRY))
    except YamlEditError:
        edit = None
    if edit is None:
        return Fix(f"{title} in {path.name}", Safety.ADVICE)
    return Fix(f"{title} in {path.name}", Safety.SAFE, (edit,))
