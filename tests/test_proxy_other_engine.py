"""A port a docker-proxy holds for a dockerd other than the one the current context names is asked of that dockerd.

Seen on a real machine: the system engine at /var/run/docker.sock (dockerd run as root, no -H flag) ran
doctor-h-plat-sys-web-1 publishing 23456, and root's current context ('rl', `docker context use rl`) named a
user's rootless engine at /run/user/1001/docker.sock, which compose (and doctor) asked. doctor said
`0.0.0.0:23456/tcp ('a') is published by a container of the docker engine (forwarded by 'docker-proxy', pid
7611): docker ps --filter publish=23456 names it`, and that `docker ps` asked the context's engine, which
listed nothing. The docker-proxy's parent dockerd names its own socket (its -H flags; none: the default).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from doctor.checks.port_collision import PortCollision
from fake_docker_engine import FakeEngine
from test_host_engine import write_context

from doctor.host import Host
from doctor.project import Project, ProjectOptions

# a "dockerd" whose child "docker-proxy" holds a port, as the system engine's docker-proxy does
DOCKERD = ("import subprocess, sys\np = subprocess.Popen([sys.argv[1], '-c', sys.argv[2]])\np.wait()\n")
PROXY = ("import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', 0))\ns.listen()\n"
         "print(s.getsockname()[1], flush=True)\ntime.sleep(60)\n")


def _finding(tmp_path: Path, short_dir: Path, dockerd_args: list[str], context: bool) -> tuple[str, int]:
    """The port-collision message for a port held by a fake system dockerd's docker-proxy, with the context's
    engine (a fake one, which lists no container) current, or the same dockerd's socket named instead."""
    system = short_dir / "system.sock"
    theirs = FakeEngine(short_dir / "rl.sock", {"/containers/json": []})  # the context's engine
    own = FakeEngine(system, {"/containers/json": []})
    for name in ("dockerd", "docker-proxy"):  # the kernel names a process after the file it ran
        (tmp_path / name).symlink_to(sys.executable)
    home = tmp_path / "home"
    write_context(home / ".docker", "rl", theirs.url if context else own.url)
    args = [str(tmp_path / "dockerd"), "-c", DOCKERD, str(tmp_path / "docker-proxy"), PROXY, *dockerd_args]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        folder = tmp_path / "proj"
        folder.mkdir()
        (folder / "compose.yaml").write_text(f"services:\n  a:\n    image: x\n    ports:\n      - \"{port}:80\"\n")
        host = Host(env={"HOME": str(home), "PATH": "/nonexistent"})
        project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(home)}))
        found = [f for f in PortCollision().run(project, host) if f.subject.startswith("port:")]
    finally:
        theirs.close()
        own.close()
        subprocess.run(["pkill", "-P", str(proc.pid)], check=False)  # its docker-proxy, by its parent's pid
        proc.kill()
        proc.wait()
    assert len(found) == 1, found
    return found[0].message, port


def test_a_docker_proxy_of_the_system_engine_is_named_with_its_socket_under_another_context(
        tmp_path: Path, short_dir: Path) -> None:
    sock = f"unix://{short_dir}/system.sock"
    message, port = _finding(tmp_path, short_dir, ["-H", sock], context=True)
    assert message.endswith(
        f"is published by a container of the docker engine at {sock} (forwarded by 'docker-proxy', pid "
        f"{message.split('pid ')[1].split(')')[0]}), not of the engine compose uses here (context 'rl'): "
        f"docker -H {sock} ps --filter publish={port} names it"), message


def test_the_context_engines_own_docker_proxy_keeps_the_plain_docker_ps(tmp_path: Path, short_dir: Path) -> None:
    sock = f"unix://{short_dir}/system.sock"
    message, port = _finding(tmp_path, short_dir, [f"--host={sock}"], context=False)
    assert message.endswith(f"): docker ps --filter publish={port} names it"), message
    assert "not of the engine" not in message


def test_a_dockerd_started_by_systemd_serves_the_default_socket(tmp_path: Path) -> None:
    from doctor.host.platform import proxy_engine_hosts, same_engine

    (tmp_path / "dockerd").symlink_to(sys.executable)
    (tmp_path / "docker-proxy").symlink_to(sys.executable)
    proc = subprocess.Popen([str(tmp_path / "dockerd"), "-c", DOCKERD, str(tmp_path / "docker-proxy"), PROXY,
                             "-H", "fd://", "--containerd=/run/containerd/containerd.sock"], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        child = int(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()[0])
        assert proxy_engine_hosts(child) == ("unix:///var/run/docker.sock",)
        assert proxy_engine_hosts(proc.pid) == ()  # its parent is no dockerd
    finally:
        subprocess.run(["pkill", "-P", str(proc.pid)], check=False)
        proc.kill()
        proc.wait()
    assert same_engine("unix:///run/docker.sock", ("unix:///var/run/docker.sock",)) == (
        Path("/var/run").resolve() == Path("/run"))
