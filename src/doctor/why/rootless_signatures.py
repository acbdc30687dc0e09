"""Failures only a rootless engine shows, registered through `doctor.signatures` as the built-ins in signatures.py.

A rootless dockerd publishes ports through rootlesskit, which runs as the user: a host port below the kernel's
net.ipv4.ip_unprivileged_port_start (1024) is refused as the container starts, in rootlesskit's words
(pkg/port/builtin/parent/parent.go, annotateEPERM). rootlesskit 1.x, Debian's dockerd 20.10.24 with CTFd's
nginx `80:80` here: `Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose
privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or
set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp4 0.0.0.0:80:
bind: permission denied`; before 0.14: `... you might need to add "net.ipv4.ip_unprivileged_port_start=0"
(currently 1024) to /etc/sysctl.conf, ...`.
"""

from __future__ import annotations

from doctor.why.signatures import Signature

PRIVILEGED_PORT = Signature(
    "privileged-port",
    # to the line's end, with the address the proxy failed to listen on (`0.0.0.0`, `127.0.0.1`)
    r"cannot expose privileged port (?P<port>\d+)\b.*?"
    r"(?:listen (?:tcp|udp)[46]? (?P<host>[0-9a-fA-F.:\[\]]*):(?P<port2>\d+): bind: permission denied.*)?$",
    "a rootless engine cannot publish a host port below the kernel's net.ipv4.ip_unprivileged_port_start (1024 "
    "unless lowered): its rootlesskit binds the port as you, an unprivileged user",
    ("port-collision",),
    "the service's `ports:` line: a host port of 1024 or above (`8080:80`), or, as root, "
    "`sysctl net.ipv4.ip_unprivileged_port_start=PORT` (and the same line in /etc/sysctl.conf to keep it)",
    names_first=True,  # rootlesskit refuses the first low port; the service's other low ports fail next
    setting=("ports",),
    advice="publish a host port of 1024 or above, or lower net.ipv4.ip_unprivileged_port_start to that port "
           "(sysctl, as root)",
    host_port=True,
)
