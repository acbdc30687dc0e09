"""A drifted host that holds a peer's name as a part, or whose port only that peer listens on, or that
is a peer's name without its prefix.

openlibrary's `OL_URL=http://ol-web:8080/` beside `web`: difflib finds `ol-web` too unlike `web` to
suggest it, yet the name is `web` with a prefix (`ol-web`, `openlibrary-web`, `web-server`), and `web` is
the one service listening on 8080. Either says which service was meant; a name only starting or ending
like a peer (`webserver`) says so only with the port. The reverse, last: datasenseco/os-modern-data-stack's
frontend dials `DATAHUB_GMS_HOST=gms` beside `datahub-gms`, a peer's name with the project's prefix left
off (`suffixed_peer`).
"""

from __future__ import annotations

from collections.abc import Mapping

from doctor.lazyre import lazy
from doctor.project.env_hosts import HostRef
from doctor.project.service_network import NetworkView, service_family

_PART = lazy(r"[^-_]+")


def affixed_peer(view: NetworkView, ref: HostRef, env: Mapping[str, str | None],
                 exclude: str) -> tuple[str, str] | None:
    """The peer (not `exclude`) the host most likely meant, with why (`it listens on 8080`, or ""): the
    one peer whose name, alias or container name is a dash/underscore-separated part of the host
    (`ol-web` -> `web`), of those listening on the port it dials when several are; else the one peer
    listening on that port whose name starts or ends the host (`webserver` -> `web`). None when
    nothing resembles, or two peers do alike."""
    host = ref.host.lower()
    port = ref.expected_port(env)
    listeners = [n for n in view.index.group("listeners", view.networks, port).order if n != exclude] \
        if port is not None else []
    spans = [m.span() for m in _PART.finditer(host)]
    affixed: dict[str, None] = {}
    for i, (start, _) in enumerate(spans):  # each run of whole parts but the host itself: O(parts²) look-ups
        for _, end in spans[i:]:
            if end - start < len(host) and (peer := view.resolve(host[start:end])) not in (None, exclude):
                affixed[peer] = None
    listening = [peer for peer in affixed if peer in listeners]
    if len(listening) == 1:
        return listening[0], f"it listens on {port}"
    if len(affixed) == 1 and not (listeners and not listening):  # not where another peer hears the port
        return next(iter(affixed)), ""
    if affixed or len(listeners) != 1:
        return None
    peer = listeners[0]
    if len(peer) > 1 and (host.startswith(peer.lower()) or host.endswith(peer.lower())):
        return peer, f"it listens on {port}"
    return None


def name_tails(view: NetworkView) -> dict[str, set[str]]:
    """Each run of whole dash/underscore-separated parts ending a name the view's networks resolve (a
    service's, container's or alias's), but the whole name, lowercased -> the peers so named: `gms` and
    `datahub-gms` of `my-datahub-gms`. O(names × parts), once per set of networks."""
    tails: dict[str, set[str]] = {}
    for network in view.networks:
        for name, (_, peer) in view.index.names.get(network, {}).items():
            for match in _PART.finditer(name):
                if match.start() > 0:  # a part after a separator: the name without what comes before it
                    tails.setdefault(name[match.start():], set()).add(peer)
    return tails


def suffixed_peer(view: NetworkView, ref: HostRef, env: Mapping[str, str | None], exclude: str,
                  tails: Mapping[str, set[str]]) -> tuple[str, str] | None:
    """The one peer (not `exclude`) whose name ends in the host as whole parts (`gms` of `datahub-gms`,
    `db` of `myapp-db`), with why (`it listens on 8080`, or ""); None where two peers do, where the port
    it dials is heard by other peers only, or where the peer runs a server of another family than the
    URL's. A peer the key names (`LEGACY_HOST`) was asked for before (host_suggestions.suggest)."""
    host = ref.host.lower()
    if len(host) < 2 or not any(c.isalpha() for c in host):
        return None
    peers = tails.get(host, set()) - {exclude}
    if len(peers) != 1:
        return None
    peer = next(iter(peers))
    port = ref.expected_port(env)
    listeners = [n for n in view.index.group("listeners", view.networks, port).order if n != exclude] \
        if port is not None else []
    if listeners and peer not in listeners:
        return None
    family = ref.family
    theirs = service_family(view.index.model.services[peer]) if family else None
    if theirs is not None and theirs != family:
        return None
    return peer, f"it listens on {port}" if listeners else ""
