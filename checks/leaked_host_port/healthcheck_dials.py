"""leaked-host-port's healthcheck half: a service's healthcheck probing its own published host port.

The healthcheck runs inside the container, where `localhost` is the container and the service
listens on its container port. `"${WEB_PORT}:80"` with `wget http://localhost:${WEB_PORT}/` in
the healthcheck works only while WEB_PORT happens to be 80: moved (a collision, a second
worktree), every probe is refused, the container turns unhealthy and the services that wait on
it (`condition: service_healthy`) never start.
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.service_network import listen_ports
from doctor.project.types import Service

LOCAL_PORT = lazy(r"(?<![\w.-])(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0):(\d{2,5})(?!\d)")


@record
class HealthDial:
    """The healthcheck of `service` probing `port`, a host port it publishes onto container port `target`."""

    service: str
    port: int
    target: int


def healthcheck_dials(service: Service) -> Iterator[HealthDial]:
    """The published host ports the service's healthcheck probes on localhost, where it does not listen."""
    if not service.healthcheck or (service.network_mode or "").startswith(("host", "service:", "container:")):
        return
    text = service.healthcheck if isinstance(service.healthcheck, str) else " ".join(service.healthcheck)
    own = listen_ports(service)
    published: dict[int, int] = {}
    for mapping in service.ports:
        span = mapping.published_range
        if span is not None and span[0] == span[1] and span[0] != mapping.target:
            published.setdefault(span[0], mapping.target)
    seen: set[int] = set()
    for found in LOCAL_PORT.finditer(text):
        port = int(found[1])
        if port in published and port not in own and port not in seen:
            seen.add(port)
            yield HealthDial(service.name, port, published[port])
