"""A rootless engine started in the container doctor runs in publishes its ports here, though its socket's
listener is in rootlesskit's network namespace (not in our /proc/net/unix).

Seen with a real rootless dockerd (Debian's dockerd-rootless.sh, dockerd 20.10.24, rootlesskit 1.1) in a
container: port-collision said `the engine behind unix:///tmp/.../docker.sock publishes outside this
container: bind probes skipped` and never warned that CTFd's nginx `80:80` is below 1024, which the `up`
then failed on (`cannot expose privileged port 80`). Here the engine is a listener started by `unshare
--net --fork` (its parent, like rootlesskit, stays in our namespace), its pid in `docker.pid` beside the
socket as dockerd-rootless.sh writes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from doctor.host import Host
from doctor.host.rootless_netns import publishes_here

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                                reason="needs root and unshare to make a network namespace")

LISTEN = ("import socket, sys, time; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); "
          "open(sys.argv[2], 'w').write(str(__import__('os').getpid())); time.sleep(60)")


def _engine(folder: Path, *wrap: str) -> Iterator[Path]:
    """A listener on folder/docker.sock in a new network namespace (inside `wrap` first), its pid written to
    folder/docker.pid; stopped after."""
    sock, pidfile = folder / "docker.sock", folder / "docker.pid"
    child = subprocess.Popen([*wrap, "unshare", "--net", "--fork", "--", sys.executable, "-c", LISTEN, str(sock),
                              str(pidfile)], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pidfile.exists(), "the listener did not start"
        yield sock
    finally:
        os.killpg(child.pid, 9)
        child.wait(timeout=10)


@pytest.fixture
def engine_here(short_dir: Path) -> Iterator[Path]:
    yield from _engine(short_dir)


def test_a_rootless_engine_beside_us_publishes_here(engine_here: Path) -> None:
    assert publishes_here(str(engine_here)) is True
    host = Host(env={"DOCKER_HOST": f"unix://{engine_here}"})
    host.__dict__["context"] = SimpleNamespace(in_container=True)
    assert host.ports.engine_elsewhere is False  # bind probes and the below-1024 warning run


def test_an_engine_whose_forwarder_is_in_another_namespace_publishes_elsewhere(short_dir: Path) -> None:
    """The listener's nearest ancestor in another namespace is not in ours: its ports are not here."""
    for sock in _engine(short_dir, "unshare", "--net", "--fork", "--"):
        assert publishes_here(str(sock)) is False
        host = Host(env={"DOCKER_HOST": f"unix://{sock}"})
        host.__dict__["context"] = SimpleNamespace(in_container=True)
        assert host.ports.engine_elsewhere is True


def test_a_pid_file_of_another_process_says_nothing(engine_here: Path) -> None:
    (engine_here.parent / "docker.pid").write_text(f"{os.getpid()}\n")  # ours: not the socket's listener
    assert publishes_here(str(engine_here)) is False
    (engine_here.parent / "docker.pid").write_text("not a pid\n")
    assert publishes_here(str(engine_here)) is False


def test_a_connection_from_here_to_an_engine_elsewhere_does_not_make_it_local(short_dir: Path) -> None:
    """/proc/net/unix lists the path of each connection a client here holds to a socket, wherever its listener
    is (the accepted end lives in the client's namespace): `docker events` to the rootless engine listed
    `/tmp/dr-rootless-run/docker.sock` (flags 0, state 03). Only a listener (flag __SO_ACCEPTCON) is the
    engine itself; else a devcontainer's `docker compose up` to the host's mounted socket, still attached,
    made doctor probe binds here for ports the host holds."""
    import socket

    for sock in _engine(short_dir, "unshare", "--net", "--fork", "--"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(sock))
            assert str(sock) in Path("/proc/net/unix").read_text()
            host = Host(env={"DOCKER_HOST": f"unix://{sock}"})
            host.__dict__["context"] = SimpleNamespace(in_container=True)
            assert host.ports.engine_elsewhere is True
