"""host-gateway's listen addresses come from /proc/net/tcp and tcp6, read once a run: psutil.net_connections
read every process's open files as well, once per port a service dials (~50-130 ms a port)."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator

import psutil
import pytest

from doctor.host import Host, listeners

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc/net is Linux's")


def _psutil_view(port: int) -> tuple[str, ...]:
    return tuple(sorted({c.laddr.ip for c in psutil.net_connections(kind="tcp")
                         if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN}))


@pytest.fixture
def sockets() -> Iterator[dict[str, int]]:
    """Listeners on free ports: one on 127.0.0.1 and ::1 (where IPv6 is up), one on 0.0.0.0."""
    opened = []
    loop = socket.socket()
    loop.bind(("127.0.0.1", 0))
    loop.listen()
    opened.append(loop)
    port = loop.getsockname()[1]
    try:
        six = socket.socket(socket.AF_INET6)
        six.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        six.bind(("::1", port))
        six.listen()
        opened.append(six)
    except OSError:
        pass
    anywhere = socket.socket()
    anywhere.bind(("0.0.0.0", 0))
    anywhere.listen()
    opened.append(anywhere)
    try:
        yield {"loopback": port, "anywhere": anywhere.getsockname()[1]}
    finally:
        for sock in opened:
            sock.close()


def test_listen_addresses_match_psutil_without_its_walk_of_every_process(
        sockets: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {port: _psutil_view(port) for port in (*sockets.values(), 1)}
    assert expected[sockets["loopback"]][0] == "127.0.0.1" and expected[sockets["anywhere"]] == ("0.0.0.0",)

    def walk(*args: object, **kwargs: object) -> object:
        raise AssertionError("psutil.net_connections walks every process's open files")

    monkeypatch.setattr(psutil, "net_connections", walk)
    host = Host(env={})
    assert {port: host.listen_addresses(port) for port in expected} == expected


def test_the_tables_are_read_once_a_run(sockets: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    real = listeners.listening
    monkeypatch.setattr(listeners, "listening", lambda: reads.append(1) or real())
    host = Host(env={})
    for port in (*sockets.values(), 1):
        host.listen_addresses(port)
    assert reads == [1]
    assert Host(env={}).listen_addresses(sockets["anywhere"]) == ("0.0.0.0",)  # another run reads anew
    assert reads == [1, 1]


def test_without_the_tables_psutil_answers(sockets: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listeners, "PROC_NET", ("/nonexistent/tcp", "/nonexistent/tcp6"))
    assert Host(env={}).listen_addresses(sockets["anywhere"]) == ("0.0.0.0",)
