"""NetworkIndex answers exactly what a scan of every service per service answers (the old network_view)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doctor.project import Project, ProjectOptions
from doctor.project.env_hosts import DATABASE_FAMILIES, HostRef, family_of, key_names
from doctor.project.host_suggestions import FAMILY_PORTS
from doctor.project.service_network import (
    UNJUDGED_MODES,
    NameGroup,
    NetworkIndex,
    NetworkView,
    listen_ports,
    namespace_owner,
    networks_of,
    server_family,
    service_family,
    suggest,
)
from doctor.project.types import ComposeModel, Service

REPO = Path(__file__).resolve().parent.parent
PROJECTS = sorted({p.parent for p in (REPO / "tests" / "cases").glob("*/*/compose*.y*ml")}
                  | {REPO / "examples" / "clean-stack", REPO / "examples" / "broken-stack"})


def naive_view(model: ComposeModel, service: Service) -> tuple[dict[str, str], list[str]] | None:
    """The reference: every peer scanned for every service, names first come first served."""
    owner = namespace_owner(model, service)
    if owner is None or (owner.network_mode or "").split(":")[0] in (*UNJUDGED_MODES, "container"):
        return None
    mine = networks_of(owner)
    names: dict[str, str] = {}
    peers = []
    for peer in model.services.values():
        if peer.network_mode or not mine & networks_of(peer):
            continue
        peers.append(peer.name)
        own = [peer.name, *([peer.container_name] if peer.container_name else [])]
        own += [alias for net, joined in peer.networks.items() if net in mine for alias in joined.aliases]
        for name in own:
            names.setdefault(name.lower(), peer.name)
    for link in (*owner.links, *service.links):
        target, _, alias = link.partition(":")
        names.setdefault((alias or target).lower(), target)
    for entry in (*owner.extra_hosts, *service.extra_hosts):
        names.setdefault(re.split(r"[=:]", entry, maxsplit=1)[0].strip().lower(), "")
    names.setdefault(service.name.lower(), service.name)
    if service.hostname:
        names.setdefault(service.hostname.lower(), service.name)
    return names, peers


def naive_listener(peers: list[Service], me: Service, port: int) -> tuple[str, int] | None:
    others = [p for p in peers if p.name != me.name]
    for peer in others:
        if port in listen_ports(peer):
            return peer.name, port
    for peer in others:
        for mapping in peer.ports:
            if (mapping.published or "").strip() == str(port):
                return peer.name, mapping.target
    return None


@pytest.mark.parametrize("root", PROJECTS, ids=[str(p.relative_to(REPO)) for p in PROJECTS])
def test_index_views_equal_the_naive_scan(root: Path) -> None:
    model = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"})).compose
    index = NetworkIndex(model)
    for service in model.services.values():
        expected, view = naive_view(model, service), index.view(service)
        if expected is None:
            assert view is None
            continue
        assert view is not None
        names, peers = expected
        assert dict(view.names.items()) == names
        assert [p.name for p in view.peers] == peers
        assert all(view.has_peer(p) for p in peers)
        peer_services = [model.services[p] for p in peers]
        ports = {p for s in model.services.values() for p in listen_ports(s)}
        ports |= {int(m.published) for s in model.services.values() for m in s.ports if (m.published or "").isdigit()}
        for port in sorted(ports):
            assert view.listener(port, service.name) == naive_listener(peer_services, service, port)


TANGLED = """\
services:
  db:
    image: postgres:16
    container_name: Main-DB
    networks:
      back: {aliases: [database, pg]}
      side: {aliases: [sidedb]}
  db2:
    image: postgres:16
    networks:
      back: {aliases: [database]}
    ports: ["5433:5432"]
  cache:
    image: redis:7
    networks: [side]
    expose: ["6380"]
    ports: ["6379:6379", "6379:6380/udp"]
  app:
    image: app
    networks: [back, side]
    links: ["db:legacy", "cache"]
    extra_hosts: ["metrics=10.0.0.1", "db:10.0.0.2"]
    hostname: App-Host
  sidecar:
    image: app
    network_mode: "service:app"
  hostnet:
    image: app
    network_mode: host
  lonely:
    image: app
networks:
  back: {}
  side: {}
"""


def test_index_views_equal_the_naive_scan_on_a_tangle(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(TANGLED)
    test_index_views_equal_the_naive_scan(tmp_path)


def naive_closest(host: str, names: list[str]) -> str | None:
    """The old ranking: every name by difflib's ratio against the host, ties by name."""
    import difflib

    if len(names) == 1:
        return names[0]
    ranked = sorted(names, key=lambda n: (-difflib.SequenceMatcher(None, host.lower(), n.lower()).ratio(), n))
    return ranked[0] if ranked else None


def naive_suggest(view: NetworkView, ref: HostRef, exclude: str) -> str | None:
    """suggest() as it was: every peer's ports and family scanned, difflib over every name."""
    import difflib

    peers = [p for p in view.peers if p.name != exclude]
    wanted = ref.expected_port({})
    known = wanted is not None and wanted in FAMILY_PORTS
    by_port = [p for p in peers if known and wanted in listen_ports(p)]
    family = ref.family or family_of(ref.host)
    by_family = [p for p in peers if family and service_family(p) == family]
    for group in (by_port, by_family):
        if group:
            return naive_closest(ref.host, [p.name for p in group]) or group[0].name
    if family is None and ref.generic_database:  # DB_HOST=olddb beside a single database server
        servers = list(dict.fromkeys(p.name for p in peers if service_family(p) in DATABASE_FAMILIES))
        if len(servers) == 1:
            return servers[0]
    for name in key_names(ref.key):  # the key names a peer before its role: DD_UWSGI_HOST beside 'uwsgi'
        peer = view.resolve(name)
        if peer is not None and peer != exclude:
            return peer
    names = [p.name for p in peers] + [n for n, s in view.names.items() if s and s != exclude]
    close = difflib.get_close_matches(ref.host.lower(), sorted(set(names)), n=1, cutoff=0.75)
    if close and ref.family is not None:  # not a server of another family than the URL's scheme says
        peer = view.resolve(str(close[0]))
        theirs = server_family(view.index.model.services[peer]) if peer is not None else None
        if theirs is not None and theirs != ref.family:
            return None
    return str(close[0]) if close else None


@pytest.mark.parametrize("root", PROJECTS, ids=[str(p.relative_to(REPO)) for p in PROJECTS])
def test_suggestions_from_the_index_equal_the_naive_scan(root: Path) -> None:
    model = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"})).compose
    index = NetworkIndex(model)
    asked = 0
    for service in model.services.values():
        view = index.view(service)
        if view is None:
            continue
        hosts = {"postgress", "redis-server", "mongo", "x", "a-much-longer-name-than-any", *view.names}
        hosts |= {f"{name}s" for name in view.names} | {name[:-1] for name in view.names if len(name) > 2}
        for host in sorted(hosts):
            for ref in (HostRef("API_HOST", host), HostRef("DB_HOST", host), HostRef("URL", host, 5432, "http"),
                        HostRef("BROKER_URL", host, None, "amqp"), HostRef("X_HOST", host, 8080)):
                assert suggest(view, ref, {}, exclude=service.name) == naive_suggest(view, ref, service.name)
                asked += 1
    assert asked or all(index.view(s) is None for s in model.services.values())


@pytest.mark.parametrize("size", [2, 5, NameGroup.RANKED, NameGroup.RANKED + 1, NameGroup.RANKED + 2])
def test_a_group_up_to_its_ranked_size_is_ranked_whole(size: int) -> None:
    names = [f"pg-{i}-{'x' * (i % 4)}" for i in range(size)]
    group = NameGroup(names)
    for host in ("pg-1", "pg-3-xxx", "postgres", "pg", names[-1] + "s"):
        for exclude in ("", names[0], names[-1]):
            kept = [n for n in names if n != exclude]
            assert group.closest(host, exclude) == naive_closest(host, kept)


def counting_ratios(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Every difflib ratio computed from now on (one item each): how many names were ranked."""
    import difflib

    ratios: list[None] = []
    real_ratio = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: ratios.append(None) or real_ratio(self))
    return ratios


def test_a_big_group_ranks_a_bounded_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of postgres services on one network: each drifted host ranks at most RANKED names
    (ranking every member for every host was quadratic), chosen by shared prefix and suffix."""
    names = [f"db{i}" for i in range(1000)]
    group = NameGroup(names)
    ratios = counting_ratios(monkeypatch)
    assert group.closest("db517x", "") == "db517"  # the shared prefix
    assert group.closest("dbx517", "") == "db517"  # the shared suffix
    assert group.closest("db517", "db517") != "db517"
    assert len(ratios) <= 3 * NameGroup.RANKED
