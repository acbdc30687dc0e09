"""Test helper: whether a host port is free to bind now (tests choose their ports at run time)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doctor.host.ports import HostSocket


def bindable(port: int) -> bool:
    """Whether nothing holds `port` on all IPv4 interfaces now."""
    with socket.socket() as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


class BusyPorts:
    """A host's port view where the ports in `busy` are taken and nothing runs in containers."""

    def __init__(self, busy: set[int]) -> None:
        self.busy = busy
        self.ephemeral_range = (32768, 60999)

    def probe(self, target: HostSocket) -> tuple[object, ...]:
        return ("in use",) if target.port in self.busy else ()

    def container_ports(self, exclude_project: str | None = None) -> tuple[object, ...]:
        return ()


class BusyHost:
    """The host doctor.checks.port_collision's port fix asks: an empty environment and BusyPorts."""

    def __init__(self, busy: set[int]) -> None:
        self.env: dict[str, str] = {}
        self.ports = BusyPorts(busy)


def held_port(first: int, last: int, step: int, spare: int = 1) -> tuple[socket.socket, int]:
    """A socket listening on a port from range(first, last, step) whose `spare` ports after it are free
    too (the ports a fix may move to), and that port; the test is skipped when there is none."""
    import pytest

    for port in range(first, last, step):
        if all(bindable(p) for p in range(port, port + 1 + spare)):
            holder = socket.socket()
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                holder.bind(("0.0.0.0", port))
            except OSError:
                holder.close()
                continue
            holder.listen()
            return holder, port
    pytest.skip("no free port")
