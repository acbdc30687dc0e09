"""Which local addresses a TCP port is listened on (psutil), for services containers dial on the host.

A container reaches the host through the bridge gateway (`host-gateway`, e.g. 172.17.0.1), never
through the host's loopback: a host service bound to 127.0.0.1 only is out of its reach.
"""

from __future__ import annotations

from doctor.model import Unavailable


def listen_addresses(port: int) -> tuple[str, ...]:
    """The addresses TCP listeners on `port` are bound to (empty when nothing listens)."""
    import psutil

    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        raise Unavailable("the socket table is hidden from this user") from None
    return tuple(sorted({c.laddr.ip for c in connections
                         if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN}))


def loopback_only(addresses: tuple[str, ...]) -> bool:
    """True when there are listeners and every one is on a loopback address."""
    import ipaddress  # only with listeners to judge

    def loopback(ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip.split("%")[0]).is_loopback
        except ValueError:
            return False

    return bool(addresses) and all(loopback(ip) for ip in addresses)
