"""port-collision names where a host process holding a published port sits, and judges the clash as the
kernel (and so the engine) does: a listener on 127.0.0.1:P stops `up`'s 0.0.0.0:P and 127.0.0.1:P, never
its 127.0.0.2:P. The holders are python processes started here on ports chosen at run time, each killed
by its pid at the end; the docker-marked test checks doctor's verdicts against `docker compose up`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.holder import UNSEEN
from test_port_collision_live import about, compose, free_port, project_name, run_check, write_project

from doctor.host import Host
from doctor.host.platform import Kind, Platform, PortHolder, parse_lsof, parse_ss
from doctor.host.ports import HostSocket
from doctor.model import Finding, Status
from doctor.project import Project, ProjectOptions

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
HOLD = """
import socket, sys
address, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET)
if ":" in address:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind((address, port))
s.listen()
print("ready", flush=True)
sys.stdin.read()
"""

Hold = Callable[[str], tuple[int, int]]  # an address -> (the port held there, the holder's pid)


@pytest.fixture
def hold() -> Iterator[Hold]:
    """Starts listeners on a free port at the addresses asked; every one is killed by its pid at the end."""
    started: list[subprocess.Popen[str]] = []

    def start(address: str, port: int = 0) -> tuple[int, int]:
        port = port or free_port()
        proc = subprocess.Popen([sys.executable, "-c", HOLD, address, str(port)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        return port, proc.pid

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def web(ports: str, image: str = "doctor-busybox:test") -> str:
    return f"services:\n  web:\n    image: {image}\n    command: [httpd, -f, -p, '80']\n    ports: ['{ports}']\n"


def held(tmp_path: Path, mapping: str, port: int, env: dict[str, str] | None = None) -> list[Finding]:
    """port-collision's findings about `port` for one service publishing `mapping` (PORT: the port)."""
    result = run_check(write_project(tmp_path / "p", web(mapping.replace("PORT", str(port)))), env or NO_ENGINE)
    if result.status is Status.SKIPPED:  # no engine and nothing found: every bind passed
        assert result.reason.endswith("bind probes of 1 port passed"), result.reason
        return []
    return about(list(result.findings), port)


@pytest.mark.parametrize(("mapping", "lead", "side"), [
    ("PORT:80", "0.0.0.0", " on 127.0.0.1"),
    ("0.0.0.0:PORT:80", "0.0.0.0", " on 127.0.0.1"),
    ("127.0.0.1:PORT:80", "127.0.0.1", ""),  # the lead is the holder's own address
])
def test_a_loopback_holder_is_named_with_its_address(tmp_path: Path, hold: Hold, mapping: str, lead: str,
                                                     side: str) -> None:
    port, pid = hold("127.0.0.1")
    (finding,) = held(tmp_path, mapping, port)
    assert finding.message.startswith(f"{lead}:{port}/tcp ('web') is held{side} by pid {pid} 'python"), \
        finding.message


def test_a_loopback_holder_leaves_another_loopback_address_free(tmp_path: Path, hold: Hold) -> None:
    port, _ = hold("127.0.0.1")
    assert held(tmp_path, "127.0.0.2:PORT:80", port) == []
    assert held(tmp_path, "[::1]:PORT:80", port) == []


def test_a_wildcard_holder_is_named_on_it_for_a_mapping_on_one_address(tmp_path: Path, hold: Hold) -> None:
    port, pid = hold("0.0.0.0")
    (finding,) = held(tmp_path, "127.0.0.1:PORT:80", port)
    assert finding.message.startswith(f"127.0.0.1:{port}/tcp ('web') is held on 0.0.0.0 by pid {pid} 'python")
    (finding,) = held(tmp_path, "PORT:80", port)
    assert finding.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held by pid {pid} 'python")


def _lan_address() -> str:
    """An IPv4 address of this machine outside the loopback (192.168.1.5 on a laptop), else skip."""
    import psutil

    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                return str(address.address)
    pytest.skip("no IPv4 address outside the loopback")


def test_a_holder_on_a_lan_address_is_named_there(tmp_path: Path, hold: Hold) -> None:
    lan = _lan_address()
    port, pid = hold(lan)
    (finding,) = held(tmp_path, "PORT:80", port)
    assert finding.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held on {lan} by pid {pid} 'python")
    (finding,) = held(tmp_path, f"{lan}:PORT:80", port)
    assert finding.message.startswith(f"{lan}:{port}/tcp ('web') is held by pid {pid} 'python")
    assert held(tmp_path, "127.0.0.1:PORT:80", port) == []


@pytest.mark.docker
@pytest.mark.parametrize(("mapping", "said"), [
    ("127.0.0.2:PORT:80", None),  # another loopback address: `up` starts
    ("PORT:80", "is held on 127.0.0.1 by"),  # the rest fail with "address already in use"
    ("0.0.0.0:PORT:80", "is held on 127.0.0.1 by"),
    ("127.0.0.1:PORT:80", "is held by"),
])
def test_the_verdicts_are_what_compose_up_does(tmp_path: Path, hold: Hold, docker_engine: str, busybox_image: str,
                                                mapping: str, said: str | None) -> None:
    """A listener on 127.0.0.1: the engine fails to publish exactly where doctor reports it, named there."""
    port, pid = hold("127.0.0.1")
    folder = write_project(tmp_path / "p", web(mapping.replace("PORT", str(port)), busybox_image))
    found = about(list(run_check(folder, {}).findings), port)
    name = project_name("holder")
    try:
        up = compose(docker_engine, folder, name, "up", "-d")
    finally:
        compose(docker_engine, folder, name, "down", "-v", "--timeout", "1")
    if said is None:
        assert up.returncode == 0 and found == [], (up.stderr, found)
    else:
        assert up.returncode != 0 and "address already in use" in up.stderr, up.stderr
        assert [f.message.partition(") ")[2].startswith(f"{said} pid {pid} 'python") for f in found] == [True], found


# ---------------------------------------------------------------- macOS: psutil refused, lsof answers


def _as_on_macos(monkeypatch: pytest.MonkeyPatch, holders: Callable[[int, str], tuple[PortHolder, ...]] | None = None
                 ) -> Host:
    """A host whose socket table is refused (psutil.AccessDenied, as on macOS without root) and whose
    holders `lsof` names: the real lsof with macOS's arguments, or `holders`."""
    import psutil

    def refused(kind: str = "inet") -> list[object]:
        raise psutil.AccessDenied()

    monkeypatch.setattr(psutil, "net_connections", refused)
    platform = Platform(Kind.MACOS)
    if holders is not None:
        platform = Platform(Kind.MACOS, run=lambda argv: "")
        monkeypatch.setattr(Platform, "port_holders", lambda self, port, protocol="tcp": holders(port, protocol))
    host = Host(env=NO_ENGINE)
    host.__dict__["platform"] = platform
    return host


def _findings(tmp_path: Path, host: Host, port: int) -> list[Finding]:
    folder = write_project(tmp_path / "p", web(f"{port}:80", "x"))
    project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    return [f for f in PortCollision().run(project, host) if f.subject == f"port:0.0.0.0:{port}/tcp"]


@pytest.mark.skipif(not os.path.exists("/usr/bin/lsof") and not os.path.exists("/usr/sbin/lsof"),
                    reason="lsof is not installed")
@pytest.mark.parametrize(("address", "side"), [("::1", " on [::1]"), ("127.0.0.1", " on 127.0.0.1"),
                                               ("0.0.0.0", "")])
def test_lsof_tells_the_holders_address_where_the_socket_table_is_hidden(
        tmp_path: Path, hold: Hold, monkeypatch: pytest.MonkeyPatch, address: str, side: str) -> None:
    """The [::1] holder was said to hold [::], the address of doctor's own probe; lsof's NAME column says where."""
    try:
        port, pid = hold(address)
    except AssertionError:
        pytest.skip(f"no {address} on this machine")
    (finding,) = _findings(tmp_path, _as_on_macos(monkeypatch), port)
    assert finding.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held{side} by pid {pid} 'python"), \
        finding.message


@pytest.mark.parametrize(("address", "side"), [("::1", " on the IPv6 side"), ("127.0.0.1", "")])
def test_an_address_no_tool_showed_is_said_unknown(tmp_path: Path, hold: Hold, monkeypatch: pytest.MonkeyPatch,
                                                   address: str, side: str) -> None:
    """lsof named the pid but no address: the message says doctor cannot see it, never the probe's [::]."""
    try:
        port, pid = hold(address)
    except AssertionError:
        pytest.skip(f"no {address} on this machine")
    host = _as_on_macos(monkeypatch, lambda port, protocol: (PortHolder(pid, "python3"),))
    (finding,) = _findings(tmp_path, host, port)
    assert finding.message.startswith(f"0.0.0.0:{port}/tcp ('web') is held{side} by pid {pid} 'python3' ("), \
        finding.message
    assert finding.message.endswith(UNSEEN)
    assert "[::]" not in finding.message


# ---------------------------------------------------------------- ss and lsof: where each holder sits


def test_ss_names_the_holder_on_our_address_not_its_neighbour(hold: Hold, monkeypatch: pytest.MonkeyPatch) -> None:
    """psutil hides the pids (hidepid): of two processes on one port, 127.0.0.2's and 127.0.0.1's, `ss` lists
    both; a bind on 127.0.0.1 is stopped by the second alone, which is named, with its address."""
    import psutil

    if not os.path.exists("/usr/bin/ss") and not os.path.exists("/usr/sbin/ss") and not os.path.exists("/bin/ss"):
        pytest.skip("ss is not installed")
    port, _ = hold("127.0.0.2")
    _, pid = hold("127.0.0.1", port)
    real = psutil.net_connections
    monkeypatch.setattr(psutil, "net_connections", lambda kind="inet": [c._replace(pid=None) for c in real(kind=kind)])
    holders = Host(env=NO_ENGINE).ports.process_holders(HostSocket("127.0.0.1", port))
    assert [(h.pid, h.ips) for h in holders] == [(pid, ("127.0.0.1",))]


@pytest.mark.parametrize(("case", "ips"), [("macos-docker-desktop", ("::",)), ("macos-colima", ("127.0.0.1",)),
                                           ("macos-orbstack", ("0.0.0.0",))])
def test_lsof_recorded_on_macos_gives_each_holders_address(case: str, ips: tuple[str, ...]) -> None:
    text = (Path(__file__).parent / "platforms" / case / "lsof-8080.txt").read_text()
    assert [h.ips for h in parse_lsof(text)] == [ips]


def test_ss_and_lsof_lines_give_each_holders_addresses() -> None:
    ss = ('LISTEN 0 511 127.0.0.1:3000 0.0.0.0:* users:(("node",pid=7,fd=19))\n'
          'LISTEN 0 511 [::1]:3000 [::]:* users:(("node",pid=7,fd=20))\n'
          'LISTEN 0 128 *:3000 *:* users:(("java",pid=8,fd=5))\n'
          'UNCONN 0 0 127.0.0.53%lo:3000 0.0.0.0:*\n'
          'UNCONN 0 0 [fe80::1]%eth0:3000 [::]:* users:(("dhcp",pid=9,fd=3))\n')
    assert [(h.pid, h.name, h.ips) for h in parse_ss(ss)] == [
        (7, "node", ("127.0.0.1", "::1")), (8, "java", ("::",)), (None, "", ("127.0.0.53",)),
        (9, "dhcp", ("fe80::1",))]
    lsof = ("COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n"
            "node 7 dev 19u IPv4 0x1 0t0 TCP 127.0.0.1:3000 (LISTEN)\n"
            "node 7 dev 20u IPv6 0x2 0t0 TCP [::1]:3000 (LISTEN)\n"
            "mDNS 9 dev 3u IPv6 0x3 0t0 UDP [fe80::1%en0]:3000\n"
            "curl 10 dev 5u IPv4 0x4 0t0 TCP 192.168.1.5:3000->10.0.0.1:443 (ESTABLISHED)\n")
    assert [(h.pid, h.ips) for h in parse_lsof(lsof)] == [
        (7, ("127.0.0.1", "::1")), (9, ("fe80::1",)), (10, ("192.168.1.5",))]
