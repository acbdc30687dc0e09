"""Hosts a service's entrypoint, command or healthcheck waits for, written there literally.

frappe_docker's pwd.yml: `create-site` runs `wait-for-it -t 120 db:3306;` before it creates the
site; a service renamed (or a copy from another stack, `database:3306`) makes it wait 120 s and
give up. Only what a waiter waits for is judged (`wait-for-it[.sh] host:port`, `wait-for
host:port`, `nc -z host port`, bash's `/dev/tcp/host/port`), and only where a peer named like the
host listens on that port: a command line holds many `name:number` words that are no hosts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.model import Fix, Location, Safety, record
from doctor.project import Project
from doctor.project.edits import replace_on_line
from doctor.project.env_hosts import HostRef, looks_internal, waiter_pattern
from doctor.project.keyat import written_in
from doctor.project.reading import read_regular_text
from doctor.project.service_network import NetworkIndex, NetworkView, default_container_name, listen_ports, suggest
from doctor.project.types import Service
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.shipped import ScriptFinder

WAITED = lazy(waiter_pattern(r"[A-Za-z][\w-]*"))
# a script worth reading line by line: one that names a waiter at all
WAITER_WORD = lazy(r"wait-for|\bnc\b|/dev/tcp/")


@record
class Wait:
    """`part` of `service` waits for `host`:`port`; `meant` is the peer named like it that listens there."""

    service: str
    part: str
    host: str
    port: int
    meant: str
    location: Location  # the line that writes it


def wait_findings(project: Project, index: NetworkIndex) -> Iterator[tuple[str, Location, str, Fix]]:
    """(message, location, subject, fix) of each drifted host waited for; a line an anchor gives
    several services is reported once."""
    written: set[tuple[Location, str]] = set()
    from doctor.project.shipped import script_finder

    scripts = script_finder(project)
    for service in project.compose.services.values():
        view = index.view(service)
        for wait in waits(project, service, view, scripts) if view is not None else ():
            if (wait.location, wait.host.lower()) in written:
                continue
            written.add((wait.location, wait.host.lower()))
            message = (f"the {wait.part} of '{wait.service}' waits for {wait.host}:{wait.port}, which names "
                       f"no service on the network (did you mean '{wait.meant}'?)")
            title = f"replace '{wait.host}' by '{wait.meant}' in the {wait.part} of '{wait.service}'"
            at = wait.location
            edit = replace_on_line(at.path, at.line, rf"(?<![\w.-]){re.escape(wait.host)}(?=[:\s/]{wait.port}\b)",
                                   wait.meant)
            fix = Fix(title, Safety.UNSAFE, (edit,)) if edit is not None else Fix(title, Safety.ADVICE)
            yield message, at, f"{wait.service}:{wait.part}:{wait.host}", fix


def waits(project: Project, service: Service, view: NetworkView, scripts: ScriptFinder) -> Iterator[Wait]:
    """The drifted hosts the service's entrypoint, command or healthcheck waits for, and those a
    script of the project it runs waits for (testdrivenio/fastapi-tdd-docker's entrypoint.sh:
    `while ! nc -z web-db 5432; do sleep 0.1; done`, which waits forever once `web-db` is renamed)."""
    seen: set[str] = set()
    for part, words in (("entrypoint", service.entrypoint), ("command", service.command),
                        ("healthcheck", service.healthcheck)):
        text = words if isinstance(words, str) else " ".join(words or ())
        for host, port, meant in _drifted(project, service, view, text, seen):
            at = written_in(project, service, part, rf"(?<![\w.-]){re.escape(host)}(?:[:\s/]){port}\b")
            if at is None:  # interpolated (`${DB_HOST}:5432`: runs.py judges the .env line), or an anchor's
                continue
            seen.add(host.lower())
            yield Wait(service.name, part, host, port, meant, at)
    if not (service.command or service.entrypoint or service.build is not None):
        return  # a pulled image run as it is: its scripts are not the project's
    for path, how in scripts.run_by(service):
        script = read_regular_text(path)
        if script is None or WAITER_WORD.search(script) is None:
            continue
        shown = project.shown(path)
        for number, line in enumerate(text_lines(script), 1):
            if line.lstrip().startswith("#"):
                continue
            for host, port, meant in _drifted(project, service, view, line, seen):
                seen.add(host.lower())
                yield Wait(service.name, f"script {shown} ({how})", host, port, meant, Location(path, number))


def _drifted(project: Project, service: Service, view: NetworkView, text: str,
             seen: set[str]) -> Iterator[tuple[str, int, str]]:
    """(host, port, the peer meant) of each waiter in `text` waiting for a name no peer answers to,
    where a peer named like it listens on that port."""
    model = project.compose
    for found in WAITED.finditer(text):
        host = found[1] or found[3] or found[5]
        port = int(found[2] or found[4] or found[6])
        name = host.lower()
        if name in seen or name in view.names or not looks_internal(host):
            continue
        if view.has_peer(default_container_name(model, host)):
            continue
        meant = suggest(view, HostRef("WAIT", host, port), {}, exclude=service.name)
        peer = model.services.get(view.names.get(meant.lower()) or "") if meant else None
        if meant is None or peer is None or port not in listen_ports(peer):
            continue
        yield host, port, meant
