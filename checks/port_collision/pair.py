"""A tcp+udp pair: one service publishing one host port for both protocols onto one container port.

hedgedoc's proxy publishes `"443:443"` and `"443:443/udp"`: HTTPS and HTTP/3 (QUIC) on one port,
as browsers expect them (an HTTP/3 upgrade is advertised for the port the page came from). When
`fix --ports` moves one of the two, it moves the other with it, to a port free for both.
"""

from __future__ import annotations

from doctor.project.types import PortMapping, Service

PAIRED = frozenset({"tcp", "udp"})


def protocol_partner(svc: Service, mapping: PortMapping) -> PortMapping | None:
    """The mapping of `svc` that publishes the same single host port, on the same host address, onto
    the same container port as `mapping`, with the other protocol of tcp and udp; None when there
    is none (a port published once, or on another container port: two services that only share
    a number)."""
    if mapping.protocol not in PAIRED or mapping.published_range is None:
        return None
    first, last = mapping.published_range
    if first != last:
        return None
    for port in svc.ports:
        if (port is not mapping and port.protocol in PAIRED and port.protocol != mapping.protocol
                and port.published == mapping.published and port.host_ip == mapping.host_ip
                and port.target == mapping.target):
            return port
    return None
