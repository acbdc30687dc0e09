"""Whether a rootless engine whose socket doctor reaches publishes its ports in doctor's network namespace.

A rootless dockerd listens on its socket from inside rootlesskit's network namespace, so the socket is
not in our /proc/net/unix even when the engine runs beside us; its published ports are bound by
rootlesskit's port driver in the namespace rootlesskit itself runs in. Verified with Debian's
dockerd-rootless.sh (dockerd 20.10.24, rootlesskit 1.1, slirp4netns) started in a container: dockerd,
containerd and the shims in one namespace, rootlesskit and slirp4netns in the container's, and
`80:80` failing with rootlesskit's `cannot expose privileged port 80`.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_ANCESTORS = 8  # dockerd's parent is rootlesskit's child (`exe`), whose parent is rootlesskit


def publishes_here(socket_path: str) -> bool:
    """True when the engine listening on `socket_path` is a process here (its pid in `docker.pid`
    beside the socket, as dockerd-rootless.sh writes it under $XDG_RUNTIME_DIR) whose namespace's
    socket table lists that path, and the nearest ancestor in another network namespace (rootlesskit,
    which binds the published ports) shares ours. False whenever /proc cannot say."""
    try:
        pid = int(Path(os.path.dirname(socket_path), "docker.pid").read_text().strip())
        table = Path(f"/proc/{pid}/net/unix").read_text()
        own = os.readlink(f"/proc/{pid}/ns/net")
        ours = os.readlink("/proc/self/ns/net")
    except (OSError, ValueError):
        return False
    wanted = {socket_path, os.path.realpath(socket_path)}
    if own == ours or not any(line.split()[7:8] and line.split()[7] in wanted for line in table.splitlines()[1:]):
        return False  # an engine in our namespace is in /proc/net/unix already; or not this socket's listener
    for _ in range(MAX_ANCESTORS):
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
            namespace = os.readlink(f"/proc/{pid}/ns/net")
        except (OSError, ValueError, IndexError):
            return False
        if pid <= 1 or namespace != own:
            return namespace == ours
    return False
