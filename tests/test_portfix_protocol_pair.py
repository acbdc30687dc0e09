"""`fix --ports` and tcp/udp: the verify looks at the moved protocol, a tcp+udp pair moves together.

hedgedoc's docker/docker-compose.yml publishes the proxy (caddy) as `"80:80"`, `"443:443"` and
`"443:443/udp"` (HTTPS, and HTTP/3 on the same port). With 443/tcp held, `doctor fix --ports --yes`
wrote `"1024:443"` beside `"443:443/udp"` in the override and then said `NOT fixed: docker compose
config publishes ['1024', '443'] for 'proxy', not 1024`, exit 1: the verify compared the published
ports of container port 443 without their protocol (the 443 it saw was the udp one). And HTTPS
moved to 1024 while HTTP/3 stayed on 443, splitting what a browser expects on one port.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision.fix import PortMove, port_fix, verify_port_move
from test_portfix import BusyPorts, FakeHost, FakePorts, load, project_env

import doctor.host
from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.host.ports import HostSocket
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

HEDGEDOC_PROXY = ('services:\n  proxy:\n    image: caddy:latest\n    ports:\n'
                  '      - "80:80"\n      - "443:443"\n      - "443:443/udp"\n')
FIX = "doctor.checks.port_collision.fix"


@dataclass
class SocketPorts(FakePorts):
    """host.ports whose busy sockets are (port, protocol): 443/tcp held, 443/udp free."""

    sockets: set[tuple[int, str]] = field(default_factory=set)

    def probe(self, target: HostSocket) -> tuple[object, ...]:
        self.probed.append(target.port)
        return ("in use",) if (target.port, target.protocol) in self.sockets else ()


def host_holding(*sockets: tuple[int, str]) -> Any:
    host = FakeHost()
    host.ports = SocketPorts({port for port, _ in sockets}, sockets=set(sockets))
    return host


def tcp_mapping(project: Project, service: str = "proxy") -> Any:
    return next(p for p in project.services[service].ports if p.target == 443 and p.protocol == "tcp")


def config_with(*ports: tuple[int, str, str]) -> dict[str, Any]:
    """`docker compose config --format json` as compose prints the proxy's ports."""
    listed = [{"mode": "ingress", "target": target, "published": published, "protocol": protocol}
              for target, published, protocol in ports]
    return {"services": {"proxy": {"ports": listed}}}


def test_a_tcp_udp_pair_moves_together_and_the_title_says_so(tmp_path: Path) -> None:
    project = load(tmp_path, HEDGEDOC_PROXY)
    move = port_fix(project, host_holding((443, "tcp")), "proxy", tcp_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8443 and move.paired == "udp"
    assert move.title.startswith("move 'proxy' from host port 443 to 8443, tcp and udp together ("), move.title
    (edit,) = move.edits
    assert isinstance(edit.new, str)
    assert '- "80:80"\n' in edit.new and '- "8443:443"\n' in edit.new and '- "8443:443/udp"\n' in edit.new
    assert '"443:443' not in edit.new


def test_the_pairs_new_port_is_free_for_both_protocols(tmp_path: Path) -> None:
    project = load(tmp_path, HEDGEDOC_PROXY)
    host = host_holding((443, "tcp"), (8443, "udp"))  # 8443/tcp binds, 8443/udp does not
    move = port_fix(project, host, "proxy", tcp_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8444 and move.paired == "udp"


def test_a_pair_written_with_one_variable_moves_by_its_env_line(tmp_path: Path) -> None:
    compose = ('services:\n  proxy:\n    image: caddy\n    ports:\n'
               '      - "${HTTPS_PORT:-8443}:443"\n      - "${HTTPS_PORT:-8443}:443/udp"\n')
    project = load(tmp_path, compose)
    host = host_holding((8443, "tcp"), (8444, "udp"))
    move = port_fix(project, host, "proxy", tcp_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8445 and move.paired == "udp"
    assert [(e.path.name, e.new) for e in move.edits] == [(".env", "HTTPS_PORT=8445\n")]


@pytest.mark.parametrize("ports", [
    '"443:443"\n      - "443:8443/udp"',  # another container port: two listeners that share a number
    '"443:443"\n      - "${QUIC:-443}:443/udp"',  # only one written with a variable: each moves on its own
    '"443:443"\n      - "127.0.0.1:443:443/udp"',  # another host address
])
def test_no_pair_without_the_same_port_address_and_route(tmp_path: Path, ports: str) -> None:
    project = load(tmp_path, f"services:\n  proxy:\n    image: caddy\n    ports:\n      - {ports}\n")
    move = port_fix(project, host_holding((443, "tcp")), "proxy", tcp_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.paired == "" and "together" not in move.title


def test_without_the_override_tag_both_lines_are_edited(tmp_path: Path) -> None:
    project = load(tmp_path, HEDGEDOC_PROXY)
    move = port_fix(project, host_holding((443, "tcp")), "proxy", tcp_mapping(project), compose_version=(2, 20, 0))
    assert isinstance(move, PortMove) and move.paired == "udp"
    assert [(e.line, e.new) for e in move.edits] == [(6, '      - "8443:443"'), (7, '      - "8443:443/udp"')]


def test_the_verify_compares_the_moved_protocol_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tcp move leaving a udp entry on the old port is fixed; a pair's move leaving it is not."""
    project = load(tmp_path, HEDGEDOC_PROXY.replace('"443:443"', '"1024:443"'))
    monkeypatch.setattr(f"{FIX}.compose_config",
                        lambda project: config_with((80, "80", "tcp"), (443, "1024", "tcp"), (443, "443", "udp")))
    alone = PortMove("move", service="proxy", target=443, protocol="tcp", old=443, new=1024)
    assert verify_port_move(project, alone) == ""
    pair = PortMove("move", service="proxy", target=443, protocol="tcp", old=443, new=1024, paired="udp")
    assert verify_port_move(project, pair) == "'proxy' does not publish 1024/udp after the fix"
    monkeypatch.setattr(f"{FIX}.compose_config",
                        lambda project: config_with((443, "1024", "tcp"), (443, "1024", "udp")))
    (tmp_path / "b").mkdir()
    both = load(tmp_path / "b", HEDGEDOC_PROXY.replace('"443:', '"1024:'))
    assert verify_port_move(both, pair) == ""
    monkeypatch.setattr(f"{FIX}.compose_config",
                        lambda project: config_with((443, "1024", "tcp"), (443, "443", "udp")))
    assert verify_port_move(both, pair) == ("docker compose config publishes ['443'] for 'proxy' (udp), "
                                            "not 1024")


class HeldSockets(BusyPorts):
    """Test port-collision: a published (port, protocol) the fake host holds, fixed by port_fix"""

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        for svc in project.services.values():
            for mapping in svc.ports:
                span = mapping.published_range
                if span and (span[0], mapping.protocol) in host.ports.sockets:
                    fix = port_fix(project, host, svc.name, mapping, compose_version=self.version)
                    yield self.finding(f"port {span[0]}/{mapping.protocol} is taken", mapping.location,
                                       f"{svc.name}:{mapping.target}/{mapping.protocol}", fix)


@pytest.mark.parametrize("held", [{(443, "tcp")}, {(443, "tcp"), (443, "udp")}])
def test_the_fixer_calls_the_hedgedoc_move_fixed(tmp_path: Path, monkeypatch: Any, held: set[tuple[int, str]]) -> None:
    """End to end: the pair is moved into the override once, verified (by `docker compose config`
    too where it is installed) and called fixed; a second run has nothing to fix. With both
    protocols held, both findings carry the one move: not a second move to 8444 skipped and left."""
    root = load(tmp_path, HEDGEDOC_PROXY).root
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    monkeypatch.setattr(FakeHost, "ports_for_run", SocketPorts({443}, sockets=held))
    env = {**project_env(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    options = FixOptions(ProjectOptions(path=root, env=env), env=env)
    report = fix(options, Registry({"port-collision": HeldSockets}))
    assert [r.status for r in report.results] == [FixStatus.APPLIED], render_fix_report(report)
    assert report.results[0].fixed, render_fix_report(report)
    override = (root / "compose.override.yaml").read_text()
    assert '"8443:443"' in override and '"8443:443/udp"' in override
    assert fix(options, Registry({"port-collision": HeldSockets})).results == ()
