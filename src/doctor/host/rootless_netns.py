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


def gateway_gaps(socket_path: str) -> tuple[str, ...] | None:
    """What keeps `host-gateway` of the rootless engine listening on `socket_path` from reaching this machine:
    no `host-gateway-ip` (dockerd's flag, or its daemon.json: `$XDG_CONFIG_HOME/docker/daemon.json` of the
    environment it runs in, else `--config-file`), which leaves it the bridge of rootlesskit's namespace, and
    rootlesskit's `--disable-host-loopback` (the last of its flags wins: dockerd-rootless.sh passes it, its
    DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS come after). () when both are set; None when /proc or the files do
    not say (another user's engine, not dockerd-rootless.sh's layout). Verified with Debian's 20.10.24: a
    container reached a host service through `10.0.2.2` only with both."""
    import json

    try:
        pid = int(Path(os.path.dirname(socket_path), "docker.pid").read_text().strip())
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        environ = dict(e.partition("=")[::2] for e in
                       Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0") if e)
    except (OSError, ValueError):
        return None
    kit = _ancestor(pid, "rootlesskit")
    if kit is None:
        return None
    gateway = _flag(argv, "--host-gateway-ip")
    if gateway is None:
        config = _flag(argv, "--config-file") or os.path.join(
            environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME", "/nonexistent"), ".config"),
            "docker", "daemon.json")
        try:
            loaded = json.loads(Path(config).read_text())
        except FileNotFoundError:
            loaded = {}
        except (OSError, ValueError):
            return None
        gateway = loaded.get("host-gateway-ip") if isinstance(loaded, dict) else None
    gaps = () if gateway else ("host-gateway-ip",)
    loopback = _flag(kit, "--disable-host-loopback", "true")
    return gaps + (("--disable-host-loopback",) if loopback not in (None, "false", "0") else ())


def _ancestor(pid: int, name: str) -> list[str] | None:
    """The arguments before the dockerd it runs of the nearest ancestor of `pid` called `name`, or None."""
    for _ in range(MAX_ANCESTORS):
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
            if pid <= 1:
                return None
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[1:]
                # up to the command it runs (dockerd-rootless.sh, dockerd): a flag's value may stand apart
                end = next((i for i, arg in enumerate(argv) if not arg.startswith("-")
                            and "dockerd" in os.path.basename(arg)), len(argv))
                return argv[:end]
        except (OSError, ValueError, IndexError):
            return None
    return None


def _flag(argv: list[str], name: str, bare: str | None = None) -> str | None:
    """The value of the last `name=value` or `name value` in `argv` (`bare` for a boolean flag written alone)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == name:
            found = bare if bare is not None else (argv[i + 1] if i + 1 < len(argv) else None)
        elif arg.startswith(name + "="):
            found = arg[len(name) + 1:]
    return found
