"""Missing bind sources under a remote engine: paths of the engine's machine, not of this one.

Compose resolves a relative bind source against the project folder here (`./data` is sent as
`/home/me/app/data`), and the engine mounts the path of that name on its own machine, creating
it there, root-owned, when it is missing. With a remote engine (DOCKER_HOST `tcp://` or `ssh://`
to another machine, or a docker context naming one) that the path is missing here proves nothing
about the engine's machine, and a `mkdir` here changes nothing there: the finding says so, and
its fix is advice naming that machine, never a command doctor could run here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from doctor.host import Host
from doctor.host.endpoint import Endpoint
from doctor.model import Fix, Safety, Severity
from doctor.project.types import Mount, Service


def remote_endpoint(host: Host) -> Endpoint | None:
    """The engine's endpoint when it is on another machine, as port-collision judges it (neither a
    local socket nor loopback tcp/ssh); None for a local engine or none. Reads DOCKER_HOST and the
    docker context only: nothing connects (missing-mount runs beside the run, doctor.forked)."""
    endpoint = host.engine.endpoint
    return endpoint if endpoint is not None and not endpoint.is_local else None


def remote_judgement(source: Path, shown: str, uses: list[tuple[Service, Mount]], file: bool,
                     endpoint: Endpoint) -> tuple[Severity, str, Fix]:
    """The severity, message and advice for `source` (`shown` as the compose file writes it), missing
    here, under the remote engine at `endpoint`: info, or a warning where a service cannot start
    without it (create_host_path false); `file`: a file is meant (docker would make a directory)."""
    from urllib.parse import urlsplit

    machine = urlsplit(endpoint.url).hostname or endpoint.url
    strict = next((s for s, m in uses if not m.create_host_path), None)
    head = f"bind source {shown} is missing here, but the remote engine looks it up on {machine}"
    if strict is not None:
        severity = Severity.WARNING
        message = f"{head}: '{strict.name}' cannot start if it is missing there (create_host_path is false)"
    else:
        severity = Severity.INFO
        made = "a root-owned directory" if file else "it root-owned"
        message = f"{head}: docker makes {made} there if it is missing there too"
    path = str(source)  # compose sends the absolute path it resolved here: the one looked up there
    first = f"on {machine}, the engine's machine (not this one), create"
    if file:
        title = f"{first} the file {path} before starting, if it is missing there"
    else:
        title = f"{first} {path}/ before starting, if it is missing there: {_there(endpoint, machine, path)}"
    return severity, message, Fix(title, Safety.ADVICE)  # no command: one run here would change nothing there


def _there(endpoint: Endpoint, machine: str, path: str) -> str:
    """The `mkdir -p` to run on the engine's machine: through ssh for an ssh:// engine (its user and
    port as the endpoint names them), else as a command to type there."""
    from urllib.parse import urlsplit

    mkdir = f"mkdir -p {shlex.quote(path)}"
    if endpoint.scheme != "ssh":
        return mkdir
    parts = urlsplit(endpoint.url)
    target = f"{parts.username}@{machine}" if parts.username else machine
    port = f"-p {parts.port} " if parts.port else ""
    return f"ssh {port}{shlex.quote(target)} {shlex.quote(mkdir)}"
