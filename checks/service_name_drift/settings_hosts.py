"""The hosts a Django app's settings write as literals: each DATABASES alias's "HOST", CACHES alias's "LOCATION"
and Channels layer's "hosts" entry.

wsvincent/djangox's settings.py has, to uncomment for Docker, `DATABASES = {"default": {..., "HOST": "db", ...}}`
beside its compose's postgres service `db`: written `"postgres"` there, no variable changes it, and the app
dials a name no service has. Read where the settings module is the one the service runs and the entry holds
there (doctor.project.app_settings.held_defaults), judged as an env value naming a host is.
"""

from __future__ import annotations

from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project import Project
from doctor.project.digits import written_number
from doctor.project.env_hosts import HostRef, host_refs
from doctor.project.service_network import NetworkView
from doctor.project.types import EnvSource, EnvVar, Service

from .refs import value_refs


def settings_hosts(project: Project, service: Service, view: NetworkView) -> Iterator[tuple[EnvVar, list[HostRef]]]:
    """Each held setting as a value at its line, with its hosts: an entry (named as Django names it,
    `DATABASES["default"]["HOST"]`), the "HOST" (or a layer's `(host, port)`) alone with the entry's port, or the
    hosts of a URL; any other literal or default with the addresses value_refs reads in an env value of that name
    (`CELERY_BROKER_URL = "redis://redis-server:6379/0"`, `os.environ.get("REDIS_HOST", "redis-server")`), only
    those that are one (_an_address): a module's `SESSION_SERVER = "cookie"` names an engine, not a host."""
    from doctor.project.app_settings import held_defaults

    for path, default, _ in held_defaults(project, service):
        var = EnvVar(default.key, default.value, Location(path, default.line, default.column), EnvSource.ENV_FILE,
                     raw=default.value)
        if not default.entry:
            yield var, [ref for ref in value_refs(var, service, view) if _an_address(ref)]
            continue
        refs = list(host_refs(default.key, default.value)) if "://" in default.value else [
            _server_ref(default.key, item.strip(), default.port) for item in _SERVERS.split(default.value)
            if item.strip()]
        yield var, refs


# the keys whose plain value is an address wherever a settings module writes it; `*_SERVER` is not one there
# (Misago-style `SESSION_SERVER = "cookie"`, `WEBSOCKET_SERVER = "daphne"` name an engine), unless it has a port
_ADDRESS_KEYS = ("HOST", "HOSTS", "HOSTNAME", "ADDR", "ADDRESS")
# the host Django's test client sends its requests to, answered in process (`TEST_BASE_URL = "http://testserver"`)
_TEST_CLIENT_HOST = "testserver"


def _an_address(ref: HostRef) -> bool:
    """Whether a module-level setting's host is a server's address: a URL's or a connection string's, a
    `host:port`, or the plain value of a `*_HOST`/`*_ADDR` key; never Django's test client's `testserver`."""
    if ref.host.lower() == _TEST_CLIENT_HOST:
        return False
    return ref.scheme is not None or ref.conn or ref.field is not None or ref.port is not None \
        or ref.key.upper().endswith(_ADDRESS_KEYS)


# Django's separators of a cache's servers in one LOCATION string (`"memcached-1:11211;memcached-2:11211"`)
_SERVERS = lazy(r"[;,]")


def _server_ref(key: str, item: str, port: int | None) -> HostRef:
    """One server an entry writes: a host alone (`"HOST": "db"`, with the entry's port), or a cache LOCATION's
    `host:port` (`"memcache:11211"`: the host is `memcache`, not the whole value)."""
    host, colon, written = item.rpartition(":")
    number = written_number(written) if colon and host and host.count(":") == 0 else None
    if number is None and item.startswith("[") and "]:" in item:  # `[::1]:11211`
        host, _, written = item[1:].partition("]:")
        number = written_number(written)
    return HostRef(key, host, number) if number is not None else HostRef(key, item, port)
