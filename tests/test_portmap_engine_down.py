"""`doctor ports` with the engine not answering: a port docker-proxy holds is some container's, maybe the
checkout's own, so it is no clash (it was `✗ 2 clashes ... held by pid N docker-proxy`, exit 1, for each
checkout's own running stack, while preflight knew docker-proxy forwards a container's port)."""

from __future__ import annotations

from pathlib import Path

from doctor.host.ports import ProcessHolder
from doctor.portmap_checkout import Checkout, Published, _holder
from doctor.portmap_clashes import find_clashes
from doctor.portmap_render import lines


class _Ports:
    def __init__(self, holders: list[ProcessHolder]) -> None:
        self.holders = holders

    def busy_ports(self, protocol: str) -> set[int]:
        return {8080}

    def probe(self, sock: object) -> bool:
        return True

    def process_holders(self, sock: object) -> list[ProcessHolder]:
        return self.holders


class _Engine:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Host:
    def __init__(self, holders: list[ProcessHolder], reason: str) -> None:
        self.ports, self.engine = _Ports(holders), _Engine(reason)


def _checkout(holder: str) -> Checkout:
    return Checkout(Path("/w/a"), "a", "worktree", "main", "a", "none", (Published("web", 8080, 80, "tcp", holder),))


def test_a_port_docker_proxy_holds_while_the_engine_is_down_is_no_clash() -> None:
    proxy = [ProcessHolder(41, "docker-proxy", ("/usr/bin/docker-proxy", "-host-port", "8080"))]
    holder = _holder(8080, "tcp", "", "a", {}, _Host(proxy, "no socket at /nonexistent"))  # type: ignore[arg-type]
    checkout = _checkout(holder)
    assert find_clashes([checkout]) == []
    shown = "\n".join(lines("doctor ports /w", "/w", [checkout], [], "no socket at /nonexistent"))
    assert "8080/tcp -> web:80" in shown and "held by a container ('docker-proxy' forwards it" in shown, shown
    assert "~ no clashes" in shown and "✓" not in shown, shown
    # the engine answering and still no container of it on the port, or an ordinary program: a clash
    answered = _holder(8080, "tcp", "", "a", {}, _Host(proxy, ""))  # type: ignore[arg-type]
    assert find_clashes([_checkout(answered)]) == ["8080/tcp of a ('web') is held by pid 41 docker-proxy"]
    server = [ProcessHolder(42, "python3", ("python3", "-m", "http.server", "8080"))]
    program = _holder(8080, "tcp", "", "a", {}, _Host(server, "no socket at /nonexistent"))  # type: ignore[arg-type]
    assert find_clashes([_checkout(program)]) == ["8080/tcp of a ('web') is held by pid 42 python3"]
