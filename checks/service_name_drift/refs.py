"""The hosts a container env value names, as service-name-drift judges them."""

from __future__ import annotations

from doctor.project.env_hosts import HostRef, address_ref, host_refs, looks_internal
from doctor.project.service_network import NetworkView, listen_ports, suggest
from doctor.project.types import EnvVar, Service


def value_refs(var: EnvVar, service: Service, view: NetworkView) -> list[HostRef]:
    """The hosts a value names; a bare `name:port` under a key that names no host (frappe_docker's
    `REDIS_CACHE: redis_cache:6379`) only where a peer named like it listens on that port: the same
    shape is an image `name:tag` or a `mm:ss`, which must never be taken for a host."""
    refs = list(host_refs(var.name, var.value))
    if refs:
        return refs
    ref = address_ref(var.name, var.value)
    if ref is None or ref.host.lower() in view.names or not looks_internal(ref.host):
        return []
    env = {name: v.value for name, v in service.environment.items()}
    meant = suggest(view, ref, env, exclude=service.name)
    peer = view.index.model.services.get(view.names.get(meant.lower()) or "") if meant else None
    return [ref] if peer is not None and ref.port in listen_ports(peer) else []
