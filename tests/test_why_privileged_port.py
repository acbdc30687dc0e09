"""`doctor why` on CTFd's nginx `80:80` under a real rootless dockerd (Debian's 20.10.24, rootlesskit 1.1).

Before: `docker compose up -d nginx` failed with rootlesskit's `cannot expose privileged port 80, ...: listen tcp4
0.0.0.0:80: bind: permission denied`, and `doctor why` said `no finding of doctor's checks explains it`, though
port-collision warned `0.0.0.0:80/tcp ('nginx') is below 1024, which a rootless engine cannot bind`.
"""

from __future__ import annotations

from pathlib import Path

from doctor.host.containers import ContainerState
from doctor.model import Finding, Location, Severity
from doctor.why import load_signatures
from doctor.why.diagnose import ALL_SERVICES
from doctor.why.explains import explaining
from doctor.why.piped import text_symptoms
from doctor.why.symptoms import match_symptoms

# the engine's error, as `docker compose up -d --no-deps nginx` printed it on tests/replay/ctfd here
ROOTLESSKIT_1 = (
    "Error response from daemon: driver failed programming external connectivity on endpoint rlfctfd-nginx-1 "
    "(0dbfa90afa86148846dd0db5a41c7f88ccd254a9ee89e76aac10a5ec0ed346b0): Error starting userland proxy: error while "
    "calling PortManager.AddPort(): cannot expose privileged port 80, you can add "
    "'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on "
    "rootlesskit binary, or choose a larger port number (>= 1024): listen tcp4 0.0.0.0:80: bind: permission denied")
# rootlesskit before 0.14 (pkg/port/builtin/parent/parent.go's annotateEPERM then)
ROOTLESSKIT_0 = (
    "Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose privileged port 443, "
    'you might need to add "net.ipv4.ip_unprivileged_port_start=0" (currently 1024) to /etc/sysctl.conf, or set '
    "CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp 0.0.0.0:443: "
    "bind: permission denied")
SERVICES = ("ctfd", "permissions", "nginx", "db", "cache")


def _signatures() -> tuple:  # type: ignore[type-arg]
    signatures, errors = load_signatures()
    assert not errors
    return signatures


def _low(service: str, port: int, line: int) -> Finding:
    return Finding("port-collision", Severity.WARNING, f"0.0.0.0:{port}/tcp ('{service}') is below 1024, which a "
                   "rootless engine cannot bind", Location(Path("/p/docker-compose.yml"), line),
                   f"port:0.0.0.0:{port}/tcp")


def test_rootlesskits_refusal_of_a_low_port_reads_as_privileged_port() -> None:
    for line, port in ((ROOTLESSKIT_1, "80"), (ROOTLESSKIT_0, "443")):
        matching = [s for s in _signatures() if s.match(line) is not None]
        assert [s.id for s in matching] == ["privileged-port"], line
        assert matching[0].match(line) == {"port": port, "host": "0.0.0.0"}


def test_the_rootless_finding_of_that_port_explains_the_never_started_service() -> None:
    nginx = ContainerState(id="abc", name="rlfctfd-nginx-1", service="nginx", state="created", exit_code=0,
                           error=ROOTLESSKIT_1.split("Error response from daemon: ", 1)[1])
    (symptom,) = match_symptoms(nginx, _signatures())
    assert symptom.signature is not None and symptom.signature.id == "privileged-port"
    other = Finding("port-collision", Severity.ERROR, "0.0.0.0:8000/tcp ('ctfd') is held by pid 7 (python3)",
                    Location(Path("/p/docker-compose.yml"), 6), "port:0.0.0.0:8000/tcp")
    chosen = explaining(symptom, [other, _low("nginx", 80, 46)], services=SERVICES)
    assert [e.subject for e in chosen] == ["port:0.0.0.0:80/tcp"]
    assert chosen[0].message.startswith("0.0.0.0:80/tcp ('nginx') is below 1024, which a rootless engine cannot bind")


def test_piped_the_line_is_of_the_one_service_publishing_that_port() -> None:
    found = text_symptoms(ROOTLESSKIT_1 + "\n", _signatures(), set(SERVICES), ALL_SERVICES, 3, {}, {80: "nginx"})
    assert list(found) == ["nginx"] and found["nginx"][0].signature is not None
    assert found["nginx"][0].signature.id == "privileged-port"
