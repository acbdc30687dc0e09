"""The live half's decisions, with real bind probes and a fake engine API (no docker needed)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.holder import UNSEEN, held_by, shorten
from doctor.checks.port_collision.live import live_findings
from doctor.checks.port_collision.static import static_findings
from fake_docker_engine import FakeEngine
from test_host_ports import free_port

from doctor.host import Host
from doctor.host.endpoint import Endpoint
from doctor.host.ports import BindFailure, HostSocket, ProcessHolder
from doctor.model import Finding, Severity, Unavailable
from doctor.project import Project, ProjectOptions
from doctor.project.types import ComposeModel, PortMapping, Service


def model(*services: Service, name: str = "mine") -> ComposeModel:
    return ComposeModel(name, Path("/nowhere"), (), {s.name: s for s in services})


def web(port: int | str, ip: str = "", name: str = "web") -> Service:
    return Service(name, None, ports=(PortMapping(80, str(port), ip),))


def container(name: str, project: str, service: str, port: int, state: str = "running") -> dict[str, Any]:
    labels = {"com.docker.compose.project": project, "com.docker.compose.service": service} if project else {}
    return {"Id": name * 4, "Names": [f"/{name}"], "State": state, "Labels": labels,
            "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": port, "Type": "tcp"}]}


def run(compose: ComposeModel, env: dict[str, str], host: Host | None = None) -> list[Finding]:
    """The owner logic on a hand-built model (no files, so no port move is planned: see test_portfix)."""
    check, host = PortCollision(), host or Host(env=env)
    return [*static_findings(check, compose.services), *live_findings(check, compose, host)]


def no_kernel_noise(host_env: dict[str, str]) -> None:
    """Guard: the ports used here are below the ephemeral range, so only the owner logic speaks."""
    span = Host(env=host_env).ports.ephemeral_range
    assert span is None or span[0] > 32000


@pytest.fixture
def held() -> Iterator[int]:
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", port))
        holder.listen(1)
        yield port


def test_running_container_of_this_project_is_ours(short_dir: Path, held: int) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [container("mine-web-1", "mine", "web", held)]})
    try:
        no_kernel_noise({})
        assert run(model(web(held)), {"DOCKER_HOST": fake.url}) == []
    finally:
        fake.close()


def test_orphan_of_this_project_is_named(short_dir: Path, held: int) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [container("mine-old-1", "mine", "old", held)]})
    try:
        found = run(model(web(held)), {"DOCKER_HOST": fake.url})
    finally:
        fake.close()
    assert [f.message for f in found] == [
        f"0.0.0.0:{held}/tcp ('web') is held by 'mine-old-1', an orphan container of this project"]
    assert found[0].fix is not None and found[0].fix.command[-1] == "--remove-orphans"


def test_orphan_removal_reads_the_files_the_run_read(short_dir: Path, held: int) -> None:
    """`doctor preflight --env-file dev.env` on a project whose COMPOSE_FILE adds an override: the
    `up -d --remove-orphans` it offers names the same folder, files and env file. Bare `docker
    compose -p NAME up -d --remove-orphans`, run from elsewhere or without the override, would take
    the services only the override defines for orphans and remove them."""
    root = short_dir / "proj"
    root.mkdir()
    (root / "compose.yaml").write_text("name: mine\nservices:\n  web:\n    image: x\n    ports: ['${WEB_PORT}:80']\n")
    (root / "compose.dev.yaml").write_text("services:\n  worker:\n    image: x\n")
    (root / "dev.env").write_text(f"WEB_PORT={held}\n")
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [container("mine-old-1", "mine", "old", held)]})
    env = {"DOCKER_HOST": fake.url, "COMPOSE_FILE": "compose.yaml:compose.dev.yaml", "HOME": str(short_dir)}
    try:
        project = Project(ProjectOptions(path=root, env=env, env_files=(root / "dev.env",)))
        found = [f for f in PortCollision().run(project, Host(env=env)) if "orphan" in f.message]
    finally:
        fake.close()
    assert len(found) == 1 and found[0].fix is not None, found
    assert found[0].fix.command == (
        "docker", "compose", "--project-directory", str(root), "-p", "mine", "-f", str(root / "compose.yaml"),
        "-f", str(root / "compose.dev.yaml"), "--env-file", str(root / "dev.env"), "up", "-d", "--remove-orphans")


def test_other_project_wins_over_the_process_table(short_dir: Path, held: int) -> None:
    """docker-proxy holds the socket; the engine's bindings, not the pid, say which container."""
    listed = [container("mine-web-1", "mine", "web", held), container("trackc-traefik-1", "trackc", "traefik", held)]
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": listed})
    try:
        found = run(model(web(held)), {"DOCKER_HOST": fake.url})
    finally:
        fake.close()
    assert [f.message for f in found] == [
        f"0.0.0.0:{held}/tcp ('web') is taken by 'trackc' service 'traefik' (container trackc-traefik-1)"]


def test_engine_allocation_counts_even_when_our_bind_succeeds(short_dir: Path) -> None:
    """With userland-proxy off nothing holds the socket, yet the engine refuses the port."""
    port = free_port()
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [container("leftover", "", "", port)]})
    try:
        found = run(model(web(port)), {"DOCKER_HOST": fake.url})
    finally:
        fake.close()
    assert [f.message for f in found] == [f"0.0.0.0:{port}/tcp ('web') is taken by container 'leftover' "
                                          "(not a compose container)"]


def test_other_project_on_another_address_is_no_clash(short_dir: Path) -> None:
    port = free_port()
    theirs = container("trackc-web-1", "trackc", "web", port)
    theirs["Ports"][0]["IP"] = "127.0.0.2"
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [theirs]})
    try:
        assert run(model(web(port, ip="127.0.0.1")), {"DOCKER_HOST": fake.url}) == []
    finally:
        fake.close()


def test_rootless_engine_and_privileged_port(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": [],
                                             "/info": {"SecurityOptions": ["name=rootless"]}})
    try:
        host = Host(env={"DOCKER_HOST": fake.url})
        start = host.ports.unprivileged_port_start
        if start == 0:
            pytest.skip("this kernel lets anyone bind any port")
        found = run(model(web(start - 1, ip="127.0.0.9")), {"DOCKER_HOST": fake.url})
    finally:
        fake.close()
    assert [(f.severity, f.message) for f in found] == [
        (Severity.WARNING, f"127.0.0.9:{start - 1}/tcp ('web') is below {start}, which a rootless engine "
                           "cannot bind")]
    # the kernel's own limit, not a hard-coded 1024 (which a rootless engine may bind itself), and its knob
    assert found[0].fix is not None and found[0].fix.title == (
        f"publish a host port of {start} or above, or lower net.ipv4.ip_unprivileged_port_start "
        f"to {start - 1} (sysctl, as root)")


def test_free_ephemeral_range_port_is_info() -> None:
    span = Host(env={}).ports.ephemeral_range
    if span is None:
        pytest.skip("no ip_local_port_range here")
    port = next(p for p in range(span[1], span[0], -1) if not _busy(p))
    found = run(model(web(port)), {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert [(f.severity, f.message) for f in found] == [
        (Severity.INFO, f"0.0.0.0:{port}/tcp ('web') lies in the ephemeral range {span[0]}-{span[1]}: "
                        "free now, but an outgoing connection may take it"),
        (Severity.INFO, "docker engine unavailable: no socket at /nonexistent/docker.sock "
                        "(is the docker engine running?)")]


def test_host_ip_not_on_this_machine() -> None:
    found = run(model(web(free_port(), ip="192.0.2.7")), {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert [f.message.split(" names ")[1] for f in found if f.subject != "engine"] == [
        "host IP 192.0.2.7, not an address of this machine"]


def test_remote_engine_skips_bind_probes(short_dir: Path, held: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine on another machine publishes there: a local bind proves nothing either way."""
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": []})
    monkeypatch.setattr(Endpoint, "is_local", property(lambda self: False))
    try:
        found = run(model(web(held)), {"DOCKER_HOST": fake.url})
    finally:
        fake.close()
    assert [(f.severity, f.message) for f in found] == [
        (Severity.INFO, f"ports publish on the remote engine {fake.url}: bind probes skipped")]
    assert not Host(env={"DOCKER_HOST": "tcp://198.51.100.1:2375"}).engine.endpoint.is_local  # type: ignore[union-attr]


def test_shorten_command_line() -> None:
    assert shorten(("/usr/bin/python3", "-m", "http.server", "8094")) == "python3 -m http.server 8094"
    # cut between words, never inside one: a password among the arguments (`redis-server
    # --requirepass Xk9m...`) is shown whole, where the report masks it, or not at all
    assert shorten(("node", "x" * 80)) == "node…"
    assert shorten(("python3", "h.py", "20001", "Xk9mP2vL7qRt4Wz8Qa1Lm3Np5Rs")) == "python3 h.py 20001…"
    assert shorten(()) == ""


IN_USE = 98  # EADDRINUSE


@pytest.mark.parametrize(("probed", "ip", "ips", "said"), [
    # our mapping's own address is the lead's: nothing to add
    (("0.0.0.0",), "", ("0.0.0.0",), "is held by pid 41"),
    (("127.0.0.1",), "127.0.0.1", ("127.0.0.1",), "is held by pid 41"),
    (("::1",), "::1", ("::1",), "is held by pid 41"),
    (("0.0.0.0", "::"), "", ("0.0.0.0", "::"), "is held by pid 41"),
    # an IPv4 holder on one address stops the engine's 0.0.0.0 bind: where it sits is named
    (("0.0.0.0",), "", ("127.0.0.1",), "is held on 127.0.0.1 by pid 41"),
    (("0.0.0.0",), "0.0.0.0", ("192.168.1.5",), "is held on 192.168.1.5 by pid 41"),
    (("127.0.0.1",), "127.0.0.1", ("0.0.0.0",), "is held on 0.0.0.0 by pid 41"),  # all IPv4 addresses, ours too
    (("0.0.0.0", "::"), "", ("127.0.0.1", "::1"), "is held on 127.0.0.1, [::1] by pid 41"),
    (("127.0.0.1",), "127.0.0.1", ("::",), "is held on [::] by pid 41"),  # a dual-stack socket (ss: `*`)
    # the IPv6 side of an all-interfaces mapping
    (("::",), "", ("::",), "is held on [::] by pid 41"),
    (("::",), "", ("::1",), "is held on [::1] by pid 41"),  # where it listens, not the [::] probed
    (("::",), "", ("127.0.0.2", "::1"), "is held on [::1] by pid 41"),  # its IPv4 socket did not stop this bind
    (("::",), "", ("::1", "fd00::7"), "is held on [::1], [fd00::7] by pid 41"),
    # no table, no lsof/ss address: said unknown, never the address doctor's probe bound
    (("::",), "", (), f"is held on the IPv6 side by pid 41{UNSEEN}"),
    (("0.0.0.0",), "", (), f"is held by pid 41{UNSEEN}"),
    (("0.0.0.0", "::"), "", (), f"is held by pid 41{UNSEEN}"),
    (("127.0.0.1",), "127.0.0.1", (), f"is held by pid 41{UNSEEN}"),
])
def test_held_by_names_where_the_holder_listens(probed: tuple[str, ...], ip: str, ips: tuple[str, ...],
                                                said: str) -> None:
    failures = tuple(BindFailure(address, IN_USE, "Address already in use") for address in probed)
    assert held_by(failures, HostSocket(ip, 8080), ProcessHolder(41, "python3", ips=ips), "pid 41") == said


def test_a_hidden_holder_is_named_with_its_address_only_where_the_table_showed_it() -> None:
    failures = (BindFailure("0.0.0.0", IN_USE, "Address already in use"),)
    hidden = "a process hidden from doctor"
    assert held_by(failures, HostSocket("", 8080), ProcessHolder(None, ips=("127.0.0.1",)), hidden) == \
        f"is held on 127.0.0.1 by {hidden}"
    assert held_by(failures, HostSocket("", 8080), ProcessHolder(None), hidden) == f"is held by {hidden}"


def _busy(port: int) -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", port))
        return False
    except OSError:
        return True


@pytest.mark.parametrize("in_container", [True, False])
def test_engine_socket_mounted_from_another_namespace(short_dir: Path, held: int, in_container: bool) -> None:
    """docker-outside-of-docker: a socket file whose listener is not in our /proc/net/unix."""
    mounted = short_dir / "docker.sock"
    # stands for the bind-mounted host socket: a socket inode here, its listener elsewhere (a
    # regular file would be no engine at all, see test_engine_faults)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
        stale.bind(str(mounted))
    host = Host(env={"DOCKER_HOST": f"unix://{mounted}"})
    host.__dict__["context"] = SimpleNamespace(in_container=in_container)
    assert host.ports.engine_elsewhere is in_container  # on a plain host it is rootlesskit: probe as usual
    if in_container:  # probes skipped and the engine not answering: nothing was looked at, no pass
        with pytest.raises(Unavailable, match=f"docker engine unavailable: nothing listens on {mounted}"):
            run(model(web(held)), {}, host)
    else:
        messages = [f.message for f in run(model(web(held)), {}, host)]
        assert "is held by pid" in messages[0]
        assert messages[1:] == [f"docker engine unavailable: nothing listens on {mounted} "
                                "(is the docker engine running?)"]


def test_engine_listening_here_is_not_elsewhere(short_dir: Path) -> None:
    fake = FakeEngine(short_dir / "e.sock", {"/containers/json": []})
    try:
        host = Host(env={"DOCKER_HOST": fake.url})
        host.__dict__["context"] = SimpleNamespace(in_container=True)
        assert host.ports.engine_elsewhere is False
    finally:
        fake.close()


def test_shorten_keeps_a_multiline_command_on_one_line() -> None:
    assert shorten(("python3", "-c", "\nimport socket\ns = 1")) == "python3 -c import socket s = 1"
