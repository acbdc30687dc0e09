"""The static half of port-collision on hand-built models: overlap rules and the severity rule."""

from __future__ import annotations

from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.static import find_clashes, static_findings

from doctor.model import Finding
from doctor.project.types import PortMapping, Service


def port(published: str | None, target: int = 80, ip: str = "", proto: str = "tcp") -> PortMapping:
    return PortMapping(target, published, ip, proto, raw=f"{published}:{target}")


def svc(name: str, *ports: PortMapping, depends_on: tuple[str, ...] = (), links: tuple[str, ...] = (),
        network_mode: str | None = None) -> Service:
    return Service(name, None, ports=ports, depends_on=depends_on, links=links, network_mode=network_mode)


def project(*services: Service) -> dict[str, Service]:
    return {s.name: s for s in services}


def findings(*services: Service) -> list[Finding]:
    return list(static_findings(PortCollision(), project(*services)))


def summary(*services: Service) -> list[tuple[str, str]]:
    return [(f.severity.label, f.message) for f in findings(*services)]


def test_distinct_ports_protocols_and_addresses_are_quiet() -> None:
    assert findings(
        svc("web", port("8080"), port("53", 53, proto="udp")),
        svc("dns", port("53", 53, proto="tcp")),              # tcp vs udp
        svc("a", port("9000", ip="127.0.0.1")),
        svc("b", port("9000", ip="127.0.0.2")),               # two loopback addresses
        svc("c", port("9100", ip="127.0.0.1")),
        svc("d", port("9100", ip="::1")),                     # two families
        svc("e", port(None, 80), port(None, 80)),             # ephemeral host ports never clash
    ) == []


def test_unlinked_services_on_one_port_warn() -> None:
    assert summary(svc("web", port("8080")), svc("admin", port("8080", 8080))) == [
        ("warning", "0.0.0.0:8080/tcp is published by 'web' and 'admin': "
                    "'docker compose up' cannot start them all"),
    ]
    found = findings(svc("web", port("8080")), svc("admin", port("8080", 8080)))[0]
    assert found.subject.startswith("port:0.0.0.0:8080/tcp:clash:")
    assert found.fix is not None and found.fix.title == "publish another host port for 'admin'"


def test_all_interfaces_overlap_a_specific_address() -> None:
    def severities(ip_a: str, ip_b: str) -> list[str]:
        return [s for s, _ in summary(svc("a", port("5432", ip=ip_a)), svc("b", port("5432", ip=ip_b)))]

    assert severities("127.0.0.1", "") == ["warning"]
    assert severities("0.0.0.0", "10.1.1.1") == ["warning"]
    assert severities("0.0.0.0", "::1") == []
    assert severities("::", "::1") == ["warning"]
    assert severities("127.0.0.1", "127.0.0.2") == []


def test_depends_on_makes_it_an_error() -> None:
    assert summary(svc("web", port("8080"), depends_on=("api",)), svc("api", port("8080", 8080))) == [
        ("error", "0.0.0.0:8080/tcp is published by 'web' and 'api', all started by 'docker compose up web'"),
    ]


def test_common_dependant_through_links_and_network_mode() -> None:
    # front links a, and b shares a's network: `up front` starts a and b
    services = (svc("front", links=("a:alias",), network_mode="service:b"), svc("a", port("7000")),
                svc("b", port("7000")))
    assert summary(*services) == [
        ("error", "0.0.0.0:7000/tcp is published by 'a' and 'b', all started by 'docker compose up front'"),
    ]
    sidecar = (svc("front", depends_on=("a",)), svc("a", port("7000")),
               svc("c", port("7000")), svc("shares", network_mode="service:c"))
    assert summary(*sidecar)[0][0] == "warning"  # nothing starts both a and c


def test_one_service_publishing_a_port_twice_is_an_error() -> None:
    assert summary(svc("web", port("8080", 80), port("8080", 81))) == [
        ("error", "'web' publishes 0.0.0.0:8080/tcp twice"),
    ]
    # both sides named where they bind different addresses: the first one's "twice" was not what was written
    assert summary(svc("web", port("8080", 80), port("8080", 81, ip="127.0.0.1"))) == [
        ("error", "'web' publishes 0.0.0.0:8080/tcp and 127.0.0.1:8080/tcp: one port twice"),
    ]
    # `${API_PORT:-21101}` beside `"[::1]:${DBG_PORT:-21101}:9229"`: `up` fails on `listen tcp6 [::]:21101`
    assert summary(svc("api", port("21101", 3000), port("21101", 9229, ip="::1"))) == [
        ("error", "'api' publishes 0.0.0.0:21101/tcp and [::1]:21101/tcp: one port twice"),
    ]


def test_fixed_port_inside_a_host_range() -> None:
    clashes = find_clashes(project(svc("pool", port("9000-9010", 90)), svc("api", port("9005", 9005))))
    assert [(c.port, c.services, c.via_range) for c in clashes] == [(9005, ("pool", "api"), True)]
    assert summary(svc("pool", port("9000-9010", 90)), svc("api", port("9005", 9005))) == [
        ("warning", "0.0.0.0:9005/tcp of 'api' lies in the host range 9000-9010 'pool' picks from"),
    ]
    # even when linked, the engine may pick another port of the range: never an error
    linked = summary(svc("pool", port("9000-9010", 90), depends_on=("api",)), svc("api", port("9005", 9005)))
    assert [s for s, _ in linked] == ["warning"]
    assert summary(svc("pool", port("9000-9010", 90)), svc("api", port("9011", 9011))) == []


def test_catalogue_of_alternatives_is_info_and_linked_clash_there_a_warning() -> None:
    catalogue = (
        svc("nginx", port("80")), svc("apache2", port("80")), svc("caddy", port("80")),
        svc("mysql", port("3306", 3306)), svc("mariadb", port("3306", 3306)),
        svc("postgres", port("5432", 5432)), svc("postgis", port("5432", 5432)),
        svc("proxy", port("6081", 6081)), svc("proxy2", port("6081", 6081)),
        svc("haproxy", links=("proxy", "proxy2")),
    )
    result = summary(*catalogue)
    assert result == [
        ("info", "0.0.0.0:80/tcp is published by alternative services 'nginx', 'apache2' and 'caddy': "
                 "start only one of them"),
        ("info", "0.0.0.0:3306/tcp is published by alternative services 'mysql' and 'mariadb': "
                 "start only one of them"),
        ("info", "0.0.0.0:5432/tcp is published by alternative services 'postgres' and 'postgis': "
                 "start only one of them"),
        ("warning", "0.0.0.0:6081/tcp is published by 'proxy' and 'proxy2', all started by "
                    "'docker compose up haproxy'"),
    ]


def test_two_unlinked_groups_are_not_yet_a_catalogue() -> None:
    severities = [s for s, _ in summary(svc("a", port("80")), svc("b", port("80")),
                                        svc("c", port("81")), svc("d", port("81")))]
    assert severities == ["warning", "warning"]


def test_same_two_services_on_several_ports_are_one_group() -> None:
    copy_paste = (svc("web", port("80"), port("443", 443), port("8080", 8080)),
                  svc("web2", port("80"), port("443", 443), port("8080", 8080)))
    assert [s for s, _ in summary(*copy_paste)] == ["warning", "warning", "warning"]


def test_network_mode_host_ports_are_ignored() -> None:
    assert summary(svc("web", port("8080"), network_mode="host"), svc("other", port("8080"))) == [
        ("warning", "'web' uses network_mode: host, so its ports (8080:80) are ignored"),
    ]
    assert summary(svc("web", port("8080"), network_mode="service:db"), svc("db")) == [
        ("error", "'web' uses network_mode: service:db, which cannot publish ports (8080:80)"),
    ]
    assert summary(svc("web", network_mode="host")) == []
