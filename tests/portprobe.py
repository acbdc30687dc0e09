"""Test helper: whether a host port is free to bind now (tests choose their ports at run time)."""

from __future__ import annotations

import random
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from doctor.host.ports import HostSocket

# where examples/broken-stack and examples/clean-stack publish on the host: the override's backend, .env's
# POSTGRES_PORT, traefik's default (also in the frontend's VITE_API_URL) and mailcatcher's
EXAMPLE_HOST_PORTS = (("compose.override.yaml", '"@:8000"', 8000), (".env", "POSTGRES_PORT=@", 5433),
                      ("compose.yaml", "${TRAEFIK_PORT:-@}", 8094), ("compose.yaml", '"@:1080"', 1080))


def bindable(port: int) -> bool:
    """Whether nothing holds `port` on all IPv4 interfaces now."""
    with socket.socket() as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """`count` ports free now, below the ephemeral range and outside the default plan pool (20000-29999)."""
    found: list[int] = []
    while len(found) < count:
        port = random.randrange(10000, 19000)
        if bindable(port) and port not in found:
            found.append(port)
    return found


def republish(root: Path, places: tuple[tuple[str, str, int], ...] = EXAMPLE_HOST_PORTS) -> dict[int, int]:
    """Give a copied project the host ports free now in place of the fixed ones it publishes (8000, 5433...),
    which a developer's own stack may hold: a test about something else then meets no port-collision finding
    or port move it did not expect. Each place is (file below `root`, its text with `@` where the port
    stands, the port); every occurrence of the text is rewritten, and one must be there. The ports moved,
    old to new."""
    moved = dict(zip(sorted({port for _, _, port in places}), free_ports(len(places)), strict=False))
    for name, text, port in places:
        path = root / name
        body = path.read_text()
        old = text.replace("@", str(port))
        assert old in body, f"{old!r} is not in {path}"
        path.write_text(body.replace(old, text.replace("@", str(moved[port]))))
    return moved


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
