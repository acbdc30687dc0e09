"""Test helper: whether a host port is free to bind now (tests choose their ports at run time)."""

from __future__ import annotations

import socket


def bindable(port: int) -> bool:
    """Whether nothing holds `port` on all IPv4 interfaces now."""
    with socket.socket() as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True
