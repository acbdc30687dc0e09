"""Bind probes as the engine binds, socket owners, and container port bindings from the engine API."""

from __future__ import annotations

import errno
import os
import socket
import time
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.host.ports import ContainerPort, HostSocket, PortProber, ips_overlap, normalize_ip


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port free on every interface right now, below the usual ephemeral range when possible."""
    import random

    for _ in range(200):
        port = random.randint(20000, 32000)
        try:
            with socket.socket(socket.AF_INET, kind) as probe:
                probe.bind(("0.0.0.0", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


@pytest.fixture
def prober() -> PortProber:
    return PortProber(Host(env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"}))


@pytest.mark.parametrize(("a", "b", "overlap"), [
    ("", "127.0.0.1", True),
    ("", "::1", True),
    ("0.0.0.0", "127.0.0.1", True),
    ("0.0.0.0", "::", False),
    ("0.0.0.0", "::1", False),
    ("::", "::1", True),
    ("::", "127.0.0.1", False),
    ("127.0.0.1", "127.0.0.2", False),
    ("127.0.0.1", "127.0.0.1", True),
    ("[::1]", "0:0::1", True),
    ("10.0.0.1", "::ffff:10.0.0.2", False),
])
def test_ip_overlap(a: str, b: str, overlap: bool) -> None:
    assert ips_overlap(a, b) is overlap
    assert ips_overlap(b, a) is overlap


def test_host_socket_text() -> None:
    assert str(HostSocket("", 8094)) == "0.0.0.0:8094/tcp"
    assert str(HostSocket("::1", 53, "udp")) == "[::1]:53/udp"
    assert normalize_ip(" [0:0::1] ") == "::1"
    assert HostSocket("", 80).overlaps(HostSocket("127.0.0.1", 80))
    assert not HostSocket("", 80).overlaps(HostSocket("", 80, "udp"))
    assert not HostSocket("", 80).overlaps(HostSocket("", 81))


def test_free_port_binds(prober: PortProber) -> None:
    assert prober.probe(HostSocket("", free_port())) == ()


def test_listening_port_is_in_use_on_every_overlapping_ip(prober: PortProber) -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen(1)
        failures = prober.probe(HostSocket("", port))
        assert [f.address for f in failures] == ["0.0.0.0"]
        assert failures[0].in_use and failures[0].errno == errno.EADDRINUSE
        assert prober.probe(HostSocket("127.0.0.1", port))[0].in_use
        assert prober.probe(HostSocket("127.0.0.2", port)) == ()  # another loopback address is no clash
        assert prober.probe(HostSocket("", port, "udp")) == ()  # tcp and udp do not collide


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_holder_is_seen_by_the_all_interfaces_probe(prober: PortProber) -> None:
    if not prober.ipv6:
        pytest.skip("IPv6 disabled on this machine")
    port = free_port()
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        holder.bind(("::", port))
        holder.listen(1)
        failures = prober.probe(HostSocket("", port))
        assert [f.address for f in failures] == ["::"]
        assert prober.probe(HostSocket("0.0.0.0", port)) == ()  # explicit IPv4 only


def test_udp_holder(prober: PortProber) -> None:
    port = free_port(socket.SOCK_DGRAM)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("0.0.0.0", port))
        assert prober.probe(HostSocket("", port, "udp"))[0].in_use
        assert prober.probe(HostSocket("", port, "tcp")) == ()
        holders = prober.process_holders(HostSocket("", port, "udp"))
        assert [h.pid for h in holders] == [os.getpid()]


def test_time_wait_is_not_a_collision(prober: PortProber) -> None:
    port = free_port()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1)
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first, so its port enters TIME_WAIT
    time.sleep(0.05)
    client.close()
    server.close()
    time.sleep(0.05)
    assert prober.probe(HostSocket("127.0.0.1", port)) == ()


def test_address_not_on_this_machine(prober: PortProber) -> None:
    failures = prober.probe(HostSocket("192.0.2.7", free_port()))  # TEST-NET-1, never assigned
    assert failures and failures[0].no_such_address


def test_process_holder_names_pid_and_command(prober: PortProber) -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("0.0.0.0", port))
        holder.listen(1)
        found = prober.process_holders(HostSocket("", port))
    assert len(found) == 1
    assert found[0].pid == os.getpid()
    assert found[0].name.startswith("python") or "pytest" in found[0].name
    assert found[0].cmdline and not found[0].hidden


@pytest.mark.parametrize(("family", "address"), [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")])
def test_process_holder_says_where_its_socket_sits(prober: PortProber, family: int, address: str) -> None:
    """A holder on a loopback alone is seen there, not on the wildcard a probe binds."""
    with socket.socket(family, socket.SOCK_STREAM) as holder:
        try:
            holder.bind((address, 0))
        except OSError:
            pytest.skip(f"no {address} on this machine")
        holder.listen(1)
        port = holder.getsockname()[1]
        found = prober.process_holders(HostSocket("", port))
    assert [(h.pid, h.ips) for h in found] == [(os.getpid(), (address,))]


def test_no_holder_for_a_free_port(prober: PortProber) -> None:
    assert prober.process_holders(HostSocket("", free_port())) == ()


def test_kernel_facts(prober: PortProber) -> None:
    span = prober.ephemeral_range
    text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    assert span == (int(text[0]), int(text[1]))
    assert 0 <= prober.unprivileged_port_start <= 65536


def test_container_ports_from_the_engine_api(short_dir: Path) -> None:
    routes = {
        "/containers/json": [
            {"Id": "a" * 64, "Names": ["/othertrack-web-1"], "State": "running",
             "Labels": {"com.docker.compose.project": "othertrack", "com.docker.compose.service": "web"},
             "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8094, "Type": "tcp"},
                       {"IP": "::", "PrivatePort": 80, "PublicPort": 8094, "Type": "tcp"},
                       {"PrivatePort": 9000, "Type": "tcp"}]},
            {"Id": "b" * 64, "Names": ["/stale"], "State": "exited", "Labels": {}, "Ports": []},
            {"Id": "c" * 64, "Names": ["/tracka-db-1"], "State": "exited",
             "Labels": {"com.docker.compose.project": "tracka", "com.docker.compose.service": "db"},
             "Ports": []},
            {"Id": "d" * 64, "Names": ["/mine-db-1"], "State": "exited",
             "Labels": {"com.docker.compose.project": "mine", "com.docker.compose.service": "db"},
             "Ports": []},
        ],
        f"/containers/{'c' * 64}/json": {"HostConfig": {"PortBindings": {
            "5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": "5433"}],
            "53/udp": [{"HostIp": "", "HostPort": "5353"}],
            "9000/tcp": [{"HostIp": "", "HostPort": ""}, {"HostIp": "", "HostPort": "9000-9010"}]}}},
    }
    fake = FakeEngine(short_dir / "e.sock", routes)
    try:
        found = PortProber(Host(env={"DOCKER_HOST": fake.url})).container_ports(exclude_project="mine")
    finally:
        fake.close()
    web = ("a" * 12, "othertrack-web-1", "othertrack", "web", True)
    db = ("c" * 12, "tracka-db-1", "tracka", "db", False)
    assert found == (
        ContainerPort(*web, HostSocket("0.0.0.0", 8094)),
        ContainerPort(*web, HostSocket("::", 8094)),
        ContainerPort(*db, HostSocket("127.0.0.1", 5433)),
        ContainerPort(*db, HostSocket("", 5353, "udp")),
    )
    # our own stopped containers and non-compose leftovers are not inspected
    assert f"/containers/{'d' * 64}/json" not in fake.requests
    assert f"/containers/{'b' * 64}/json" not in fake.requests


def _stopped_routes(bindings: dict[str, object]) -> dict[str, object]:
    return {
        "/containers/json": [
            {"Id": "c" * 64, "Names": ["/tracka-db-1"], "State": "exited",
             "Labels": {"com.docker.compose.project": "tracka", "com.docker.compose.service": "db"}, "Ports": []},
        ],
        f"/containers/{'c' * 64}/json": {"HostConfig": {"PortBindings": bindings}},
    }


def test_a_stopped_containers_ports_are_asked_of_the_engine_once(short_dir: Path) -> None:
    inspect = f"/containers/{'c' * 64}/json"
    cache = short_dir / "cache"
    env = {"DOCKER_HOST": "", "XDG_CACHE_HOME": str(cache)}
    declared = (ContainerPort("c" * 12, "tracka-db-1", "tracka", "db", False, HostSocket("127.0.0.1", 5433)),)

    def run(routes: dict[str, object], **more: str) -> tuple[tuple[ContainerPort, ...], list[str]]:
        fake = FakeEngine(short_dir / "e.sock", routes)
        try:
            found = PortProber(Host(env={**env, "DOCKER_HOST": fake.url, **more})).container_ports()
        finally:
            fake.close()
            (short_dir / "e.sock").unlink()
        return found, fake.requests

    bound = {"5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": "5433"}]}
    found, asked = run(_stopped_routes(bound))
    assert found == declared and inspect in asked
    # the next run answers from the cache (bindings are fixed at create, an id is never reused)
    found, asked = run(_stopped_routes(bound))
    assert found == declared and inspect not in asked
    # turned off, or unreadable: asked again, same answer
    found, asked = run(_stopped_routes(bound), DOCTOR_NO_CACHE="1")
    assert found == declared and inspect in asked
    (cache / "doctor" / "stopped-ports.json").write_text("{not json")
    found, asked = run(_stopped_routes(bound))
    assert found == declared and inspect in asked
    # an engine that cannot tell now is not remembered as "no ports"
    failing = _stopped_routes(bound)
    del failing[inspect]
    (cache / "doctor" / "stopped-ports.json").unlink()
    assert run(failing)[0] == ()
    assert run(_stopped_routes(bound))[0] == declared
    # a run that learns nothing writes nothing, even when a container went away
    cached = cache / "doctor" / "stopped-ports.json"
    written = cached.stat().st_mtime_ns
    assert run({"/containers/json": []})[0] == ()
    assert cached.stat().st_mtime_ns == written
    # a removed container's entry goes with the next write
    other = {"/containers/json": [{"Id": "e" * 64, "Names": ["/trackb-db-1"], "State": "exited",
                                   "Labels": {"com.docker.compose.project": "trackb"}, "Ports": []}],
             f"/containers/{'e' * 64}/json": {"HostConfig": {"PortBindings": {}}}}
    assert run(other)[0] == ()
    kept = (cache / "doctor" / "stopped-ports.json").read_text()
    assert "e" * 64 in kept and "c" * 64 not in kept


def test_prefetch_sends_the_lists_the_checks_read(short_dir: Path) -> None:
    from doctor.checks.image_availability import ImageAvailability
    from doctor.checks.port_collision import PortCollision

    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [], "/images/json": []})
    try:
        host = Host(env={"DOCKER_HOST": fake.url})
        for probe in (*PortCollision.prefetch, *ImageAvailability.prefetch):
            host.prefetch(probe)
        assert host.ports.container_ports() == ()
        assert host.images.present(["busybox:latest"]) == frozenset()
    finally:
        fake.close()
    assert sorted(fake.requests) == ["/containers/json?all=1", "/images/json"]  # no second request, no ping


def test_the_stopped_ports_cache_is_never_written_inside_the_project(short_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor import cachedir

    monkeypatch.setattr(cachedir, "_PROJECTS", [])
    cachedir.keep_out(short_dir)  # HOME is the repo: ~/.cache/doctor would show in git status
    fake = FakeEngine(short_dir / "e.sock", _stopped_routes({"5432/tcp": [{"HostIp": "", "HostPort": "5433"}]}))
    try:
        found = PortProber(Host(env={"DOCKER_HOST": fake.url, "HOME": str(short_dir)})).container_ports()
    finally:
        fake.close()
    assert [c.socket.port for c in found] == [5433]
    assert not (short_dir / ".cache").exists()
