"""leaked-host-port's command half: what a service runs dialing a peer on the port it publishes.

`entrypoint: [/wait-for-it.sh, "db:${DB_PORT}", --, ...]` with db publishing `"${DB_PORT}:5432"`
and DB_PORT=5433: compose writes `db:5433` into the command line, and inside the network db
listens on 5432, so the wait times out (or the tool it starts fails to connect).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.model import record
from doctor.project.service_network import NetworkIndex
from doctor.project.types import Service

from .published_dials import published_target

ADDRESS = re.compile(r"(?<![\w.@/-])([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{2,5})(?![\w.])")


@record
class RunDial:
    """`part` (entrypoint, command, healthcheck) of `service` dialing `server` on host port `port`."""

    service: str
    part: str
    server: str
    port: int
    target: int

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
        for found in ADDRESS.finditer(text):
            server = index.model.services.get(view.names.get(found[1].lower()) or "")
            port = int(found[2])
            target = None if server is None or server is service else published_target(server, port)
            if server is not None and target is not None and (server.name, port) not in seen:
                seen.add((server.name, port))
                yield RunDial(service.name, part, server.name, port, target)
