"""The hosts a container env value names, as service-name-drift judges them."""

from __future__ import annotations

from doctor.project.env_hosts import HostRef, address_ref, host_refs, looks_internal, might_name_host
from doctor.project.service_network import NetworkView, listen_ports, suggest
from doctor.project.types import EnvVar, Service


def value_refs(var: EnvVar, service: Service, view: NetworkView) -> list[HostRef]:
    """The hosts a value names; a bare `name:port` under a key that names no host (frappe_docker's
    `REDIS_CACHE: redis_cache:6379`) only where a peer named like it listens on that port: the same
    shape is an image `name:tag` or a `mm:ss`, which must never be taken for a host."""
    value = var.value
    # every host a value names is a URL's (`://`), a JSON object's (`{`), a `name:port`, or a `*_HOST`
    # key's plain value: any other value is skipped unparsed (a `.env` of 200,000 API keys, two readers)
    if not value or (":" not in value and not might_name_host(var.name, value, json=True)):
        return []
    refs = list(host_refs(var.name, var.value, json=True))
    if refs:
        return refs
    ref = address_ref(var.name, var.value)
    if ref is None or ref.host.lower() in view.names or not judged(view, ref.host):
        return []
    env = {name: v.value for name, v in service.environment.items()}
    meant = dotted_peer(view, ref.host, service.name) or suggest(view, ref, env, exclude=service.name)
    peer = view.index.model.services.get(view.names.get(meant.lower()) or "") if meant else None
    return [ref] if peer is not None and ref.port in listen_ports(peer) else []


def judged(view: NetworkView, host: str) -> bool:
    """Whether a host the view does not resolve can only be a compose name: one label (looks_internal),
    or a dotted host in the project's own dotted style (devstack's `edx.devstack.mysql` beside its alias
    `edx.devstack.mysql80`); any other dotted host is a public name."""
    return looks_internal(host) or ("$" not in host and "{" not in host and view.index.dotted.twin(host) is not None)


def dotted_peer(view: NetworkView, host: str, exclude: str) -> str | None:
    """The project's own dotted name a dotted host drifts from (`edx.devstack.mysql80` for
    `edx.devstack.mysql`), where it reaches a peer of the view other than `exclude`; else None."""
    twin = view.index.dotted.twin(host) if "." in host else None
    return twin if twin is not None and view.resolve(twin.lower()) not in (None, exclude) else None


def default_peer(var: EnvVar, ref: HostRef, view: NetworkView, exclude: str) -> str | None:
    """The peer the compose default of the variable the value interpolates names in place of the
    drifted host (DefectDojo's `DD_UWSGI_HOST: "${DD_UWSGI_HOST:-uwsgi}"` under a .env `=django`):
    the project's own word for the host, so the best suggestion. None without one (`${V:?e}`)."""
    raw = var.raw
    if not raw or "$" not in raw or var.value is None:
        return None
    from doctor.project.interpolate import InterpolationError, substitute

    try:  # every variable unset: each `${V:-d}` gives its default
        defaulted, _ = substitute(raw, lambda _name: None)
    except InterpolationError:
        return None
    written: list[HostRef | None] = list(host_refs(var.name, var.value, json=True))
    defaults: list[HostRef | None] = list(host_refs(var.name, defaulted, json=True))
    if not written:  # a bare `name:port` (value_refs' second form)
        written, defaults = [address_ref(var.name, var.value)], [address_ref(var.name, defaulted)]
    if ref not in written or len(defaults) != len(written):
        return None
    meant = defaults[written.index(ref)]
    peer = view.resolve(meant.host.lower()) if meant is not None else None
    return meant.host if meant is not None and peer is not None and peer != exclude else None


def serves_ref(service: Service, ref: HostRef) -> bool:
    """Whether the service is itself a server the reference would dial: it listens on the port the value
    dials (its own environment filling in a `*_PORT` beside the host), or, with no port known, runs a server
    of the family the reference names (the 'postgresql' that loads the env file of its apps' DB_HOST)."""
    from doctor.project.env_hosts import family_of
    from doctor.project.service_network import server_family

    port = ref.expected_port({name: v.value for name, v in service.environment.items()})
    if port is not None:
        return port in listen_ports(service)
    family = ref.family or family_of(ref.host)
    return family is not None and server_family(service) == family
