"""The site's own URL follows a moved host port: `TAIGA_DOMAIN=localhost:9000` behind `"9000:80"`.

A container env value naming `localhost:<host port>` does not dial the host port from inside the
container (there localhost is the container itself): it is the address the developer's browser
opens, handed to the app to build its links, API and websocket URLs (taiga's `TAIGA_URL`, a
`SITE_URL`, a `CSRF_TRUSTED_ORIGINS`). When `fix --ports` moves that host port, the author meant
the site to be where the port is, so the value moves with it, where it is written (its own line,
or the `.env` line it interpolates). A service that listens on that port itself is left alone:
there `localhost:<port>` is that service, in its container.
"""

from __future__ import annotations

import re

from doctor.model import Edit
from doctor.project.edits import value_edit
from doctor.project.service_network import listen_ports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def follow_edits(project: Project, old: int, new: int) -> tuple[tuple[Edit, ...], str]:
    """The edits moving `localhost:old` to `localhost:new` in container env values, and what they say
    (`TAIGA_DOMAIN follows to localhost:9001`); nothing when no value names the old port."""
    edits: dict[tuple[object, int | None], Edit] = {}
    names: list[str] = []
    for service in project.compose.services.values():
        if old in listen_ports(service):
            continue
        for var in service.environment.values():
            for host in LOCAL_HOSTS:
                if var.value is None or not re.search(_pattern(host, old), var.value):
                    continue
                edit = value_edit(project, var, _pattern(host, old), f"{host}:{new}")
                if edit is None or (edit.path, edit.line) in edits:
                    continue
                edits[edit.path, edit.line] = edit
                names.append(_written_name(project, var.name, var.variables, edit))
    if not edits:
        return (), ""
    shown = ", ".join(dict.fromkeys(names))
    return tuple(edits.values()), f"{shown} follow{'s' if len(names) == 1 else ''} to localhost:{new}"


def _pattern(host: str, port: int) -> str:
    return rf"(?<![\w.-]){re.escape(host)}:{port}(?!\d)"


def _written_name(project: Project, name: str, variables: tuple[str, ...], edit: Edit) -> str:
    """The variable whose line the edit changes: the value's own, or the `.env` one it interpolates."""
    dotenv = project.dotenv
    if dotenv is not None and edit.path == dotenv.path:
        for variable in variables:
            entry = dotenv.entry(variable)
            if entry is not None and entry.line == edit.line:
                return variable
    return name
