"""A port held by a user's rootless docker engine is named with that engine's own socket.

Seen on a real machine: the system engine at /var/run/docker.sock and user dr-rootless's rootless engine
(dockerd-rootless.sh, XDG_RUNTIME_DIR=/tmp/dr-rootless-run) side by side; a container of the rootless
one published 39321, which `ss` shows held by `rootlesskit`. doctor, asking the system engine, said
`docker ps --filter publish=39321 or podman ps names it`, and that `docker ps` (the system engine's)
listed nothing; `docker -H unix:///tmp/dr-rootless-run/docker.sock ps --filter publish=39321` names
p1-web-1. The socket is `docker.sock` in the XDG_RUNTIME_DIR rootlesskit was started with.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from doctor.checks.port_collision import PortCollision
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.host.platform import container_listers, rootless_socket
from doctor.project import Project, ProjectOptions

LISTEN = ("import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', 0))\ns.listen()\n"
          "print(s.getsockname()[1], flush=True)\ntime.sleep(60)\n")


def test_a_port_rootlesskit_holds_is_asked_of_that_users_engine(tmp_path: Path, short_dir: Path) -> None:
    runtime = short_dir / "run"
    runtime.mkdir()
    theirs = FakeEngine(runtime / "docker.sock", {"/containers/json": []})  # the user's rootless engine
    system = FakeEngine(short_dir / "system.sock", {"/info": {"SecurityOptions": ["name=seccomp"]},
                                                    "/containers/json": []})
    link = tmp_path / "rootlesskit"  # the kernel names a process after the file it ran
    link.symlink_to(sys.executable)
    proc = subprocess.Popen([str(link), "-c", LISTEN], stdout=subprocess.PIPE,
                            env={"XDG_RUNTIME_DIR": str(runtime), "PATH": "/usr/bin:/bin"})
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        assert rootless_socket(proc.pid) == str(runtime / "docker.sock")
        folder = tmp_path / "proj"
        folder.mkdir()
        (folder / "compose.yaml").write_text(f"services:\n  web:\n    image: x\n    ports:\n      - \"{port}:80\"\n")
        host = Host(env={"DOCKER_HOST": system.url, "PATH": "/nonexistent"})
        project = Project(ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
        found = list(PortCollision().run(project, host))
    finally:
        theirs.close()
        system.close()
        proc.kill()
        proc.wait()
    held = next(f for f in found if f.subject.startswith("port:"))
    assert held.message.endswith(
        f"is published by a container of a rootless engine (forwarded by 'rootlesskit', pid {proc.pid}): "
        f"docker -H unix://{runtime}/docker.sock ps --filter publish={port} names it"), held.message
    assert held.fix is not None and not any(f.command[:1] == ("kill",) for f in (held.fix, *held.fix.alternatives))
    assert container_listers("a rootless engine", port, str(runtime / "docker.sock")) == (
        ("docker", "-H", f"unix://{runtime}/docker.sock", "ps", "--filter", f"publish={port}"),)


def test_without_a_socket_the_listers_stay_docker_and_podman(tmp_path: Path) -> None:
    assert rootless_socket(None) == ""
    assert rootless_socket(2**22 + 7) == ""  # no such process
    assert container_listers("a rootless engine", 8080) == (("docker", "ps", "--filter", "publish=8080"),
                                                            ("podman", "ps"))
