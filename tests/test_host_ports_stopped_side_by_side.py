"""The stopped containers port-collision inspects are asked of the engine all at once.

Each stopped compose container of another project that doctor has not seen before is inspected for the host
ports it would publish (`/containers/ID/json`). They were asked one after another, each answer awaited
before the next request: the engine holds the inspection of a container `up` is creating or starting
(160-400 ms each, watched while other projects started), and a warm preflight waited for their sum. The
engine below answers no inspection until every one was asked (a barrier): asked one by one, none answers.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from doctor.host import Host

IDS = [c * 64 for c in "abc"]


class _SideBySide:
    """An engine on a unix socket, one thread per connection; the inspections wait for one another."""

    def __init__(self, path: Path, ports: dict[str, int], hung: bool = False) -> None:
        self.path, self.ports, self.hung = path, ports, hung
        self.held: list[socket.socket] = []
        self.barrier = threading.Barrier(len(ports), timeout=3.0)
        self.broken = False
        self.requests: list[str] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(64)
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            answer = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self.threads.append(answer)
            answer.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data and (chunk := conn.recv(4096)):
                data += chunk
            target = data.split(b" ")[1].decode() if b" " in data else ""
            path = target.split("?")[0]
            self.requests.append(path)
            if path == "/containers/json":
                body: object = [{"Id": cid, "Names": [f"/other-{cid[0]}-1"], "State": "exited", "Ports": [],
                                 "Labels": {"com.docker.compose.project": "other",
                                            "com.docker.compose.service": cid[0]}} for cid in self.ports]
            elif path.startswith("/containers/") and path.endswith("/json") and self.hung:
                self.held.append(conn.dup())  # never answered: an engine holding every inspection
                return
            elif path.startswith("/containers/") and path.endswith("/json"):
                cid = path.split("/")[2]
                try:
                    self.barrier.wait()  # every inspection asked before any is answered
                except threading.BrokenBarrierError:
                    self.broken = True
                    conn.sendall(b"HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                    return
                body = {"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": str(self.ports[cid])}]}}}
            elif path == "/_ping":
                body = "OK"
            else:
                conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + payload)

    def close(self) -> None:
        """Stop serving, and end every thread: a thread left alive keeps a later test's preflight from forking
        its helper (doctor.forked.may_fork: a process with threads never forks), and test_forked's failed."""
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread
        self.server.close()
        for conn in self.held:
            conn.close()
        for thread in self.threads:
            thread.join(timeout=5.0)
        assert not any(thread.is_alive() for thread in self.threads)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[_SideBySide]:
    fake = _SideBySide(tmp_path / "e.sock", {cid: 18_000 + n for n, cid in enumerate(IDS)})
    yield fake
    fake.close()


def test_stopped_containers_are_inspected_side_by_side(tmp_path: Path, engine: _SideBySide) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{engine.path}"}
    declared = Host(env=env, timeout=5.0).ports.container_ports(exclude_project="mine")
    assert not engine.broken  # no inspection waited for another's answer
    assert sorted((c.name, c.socket.port, c.running) for c in declared) == [
        ("other-a-1", 18_000, False), ("other-b-1", 18_001, False), ("other-c-1", 18_002, False)]


def test_a_projects_own_stopped_containers_are_not_inspected(tmp_path: Path, engine: _SideBySide) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{engine.path}"}
    assert Host(env=env, timeout=5.0).ports.container_ports(exclude_project="other") == ()
    assert engine.requests == ["/containers/json"]


def test_inspections_no_answer_comes_to_cost_one_timeout_in_all(tmp_path: Path) -> None:
    """Each prefetched request's timeout runs from when it was sent: three inspections the engine never
    answers cost the run one timeout (1 s here), not one each (3 s, read one after another)."""
    import time

    fake = _SideBySide(tmp_path / "h.sock", {cid: 18_000 + n for n, cid in enumerate(IDS)}, hung=True)
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
               "DOCKER_HOST": f"unix://{fake.path}"}
        ports = Host(env=env, timeout=1.0).ports
        started = time.monotonic()
        assert ports.container_ports(exclude_project="mine") == ()  # nothing declared could be read
        assert time.monotonic() - started < 2.0  # one timeout and the listing: far from three
    finally:
        fake.close()
