"""Who the engine creates a missing bind source as: root under a rootful engine, its own user under a rootless one.

A rootless dockerd runs as its user (container root is that user), so the folder it makes for a missing bind
source is that user's, not root's: CTFd's `.data/redis` came out `1001:1001 755` under Debian's rootless dockerd
20.10.24 run by uid 1001. That engine's socket (`docker.sock` in its XDG_RUNTIME_DIR) is that user's, as
doctor.host.engine's `rootless` reads it; a rootful engine's is root's. Only the socket's owner is read (a stat, no
connection: missing-mount runs beside the run, doctor.forked), and only a plain local engine's: Docker Desktop,
Colima and the other VM products' sockets are the user's while their engine runs as root in a VM.
"""

from __future__ import annotations

import os

from doctor.host import Host

ROOT = "root-owned"
_PLAIN = ("Docker Engine", "rootless Docker")  # doctor.host.endpoint's product of a local engine of no VM


def made_as(host: Host) -> str:
    """How the engine makes a missing bind source: `root-owned` (a rootful engine, or none known), else owned by
    the rootless engine's user: `owned by you (root in the rootless engine)`, or by its uid when doctor runs as
    another user (root asking the engine of `DOCKER_HOST=unix:///run/user/1001/docker.sock`)."""
    endpoint = host.engine.endpoint
    if endpoint is None or endpoint.scheme != "unix" or endpoint.product not in _PLAIN:
        return ROOT
    try:
        uid = os.stat(endpoint.socket_path).st_uid
    except OSError:
        return ROOT
    if uid == 0:
        return ROOT
    return "owned by you (root in the rootless engine)" if uid == os.geteuid() else \
        f"owned by uid {uid}, the rootless engine's user (root in its containers)"


def directory(owned: str, empty: bool = False) -> str:
    """`a root-owned directory` (`an empty ...`), or `a directory owned by ...` for a rootless engine's user."""
    if owned == ROOT:
        return f"an empty {ROOT} directory" if empty else f"a {ROOT} directory"
    return f"{'an empty' if empty else 'a'} directory {owned}"

