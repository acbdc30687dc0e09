"""Which local addresses a TCP port is listened on (/proc/net, else psutil), for services containers dial on the host.

A container reaches the host through the bridge gateway (`host-gateway`, e.g. 172.17.0.1), never
through the host's loopback: a host service bound to 127.0.0.1 only is out of its reach.
"""

from __future__ import annotations

from doctor.model import Unavailable

PROC_NET = ("/proc/net/tcp", "/proc/net/tcp6")  # this network namespace's sockets, as psutil reads them
_LISTEN = "0A"  # a socket's `st` in PROC_NET: TCP_LISTEN


def listening() -> dict[int, tuple[str, ...]] | None:
    """Every listening TCP port with the addresses it is bound to, from PROC_NET alone; None where a
    table cannot be read (not Linux: ask `listen_addresses`). psutil.net_connections reads the same
    tables, then every process's open files to name each socket's owner, which no address needs
    (~50-130 ms a call on a machine with ~500 processes; host-gateway asked once per port a service
    dials). The kernel builds each table by walking its whole socket hash (~2-5 ms): read once a run."""
    import socket
    import sys

    found: dict[int, set[str]] = {}
    for path, family, width in zip(PROC_NET, (socket.AF_INET, socket.AF_INET6), (8, 32), strict=True):
        try:
            with open(path, encoding="ascii") as table:
                lines = table.read().splitlines()[1:]
        except (OSError, ValueError):
            return None
        for line in lines:
            fields = line.split()
            if len(fields) < 4 or fields[3] != _LISTEN:
                continue
            address, _, port = fields[1].partition(":")
            try:
                # each 32-bit word in the kernel's byte order (the machine's), as psutil decodes it
                words = (bytes.fromhex(address[i:i + 8]) for i in range(0, width, 8))
                raw = b"".join(w[::-1] for w in words) if sys.byteorder == "little" else b"".join(words)
                found.setdefault(int(port, 16), set()).add(socket.inet_ntop(family, raw))
            except ValueError:
                continue
    return {port: tuple(sorted(addresses)) for port, addresses in found.items()}


def listen_addresses(port: int) -> tuple[str, ...]:
    """The addresses TCP listeners on `port` are bound to (empty when nothing listens), through psutil
    (where `listening` cannot read the tables)."""
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
            address = ipaddress.ip_address(ip.split("%")[0])
        except ValueError:
            return False
        # an IPv6 socket bound to `::ffff:127.0.0.1` takes IPv4 connections to 127.0.0.1 alone (a JVM's listener
        # shows so); Python before 3.13 calls that address no loopback
        mapped = getattr(address, "ipv4_mapped", None)
        return (mapped or address).is_loopback

    return bool(addresses) and all(loopback(ip) for ip in addresses)
