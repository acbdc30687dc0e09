"""A Django CACHES alias whose LOCATION names no server: a table, a folder or a process-local name.

dandi/dandi-archive (tests/replay/dandi-archive, 3e3c3c9, Apache-2.0) caches in its database:
dandiapi/settings/base.py writes `CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
"LOCATION": "dandi_cache_table"}}`. As cloned, doctor preflight said `CACHES["default"]["LOCATION"]=
dandi_cache_table names no service on the network`, with a fix pointing it at 'postgres' or 'rabbitmq': every
CACHES LOCATION was read as a host, while Django's database, file and local-memory backends keep their entries
in a table, a folder or the process (LocMemCache's `unique-snowflake`, as Django's documentation writes it).
Now a LOCATION is judged for a Redis or Memcached backend, or where it is a URL or `host:port`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import fixed_titles as _fix
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "dandi-archive"
SETTINGS = "dandiapi/settings/base.py"
UPSTREAM = """        'BACKEND': 'django.core.cache.backends.db.DatabaseCache',
        'LOCATION': 'dandi_cache_table',"""


def _copy(tmp_path: Path, backend: str | None = None, location: str | None = None) -> Path:
    root = tmp_path / "dandi-archive"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if backend is not None:
        path = root / SETTINGS
        text = path.read_text()
        assert UPSTREAM in text
        path.write_text(text.replace(UPSTREAM, f"        'BACKEND': '{backend}',\n        'LOCATION': '{location}',"))
    return root


@pytest.mark.parametrize(("backend", "location"), [
    (None, None),
    ("django.core.cache.backends.locmem.LocMemCache", "unique-snowflake"),
    ("django.core.cache.backends.filebased.FileBasedCache", "/var/tmp/django_cache"),
])
def test_a_local_backend_s_location_is_no_host(tmp_path: Path, backend: str | None, location: str | None) -> None:
    assert found(_options(_copy(tmp_path, backend, location)), ("service-name-drift",)) == []


def test_a_redis_location_is_still_judged(tmp_path: Path) -> None:
    root = _copy(tmp_path, "django.core.cache.backends.redis.RedisCache", "redis://rabbitmq-server:6379/1")
    assert [message for message, _, _ in found(_options(root), ("service-name-drift",))] == [
        """CACHES["default"]["LOCATION"] host 'rabbitmq-server' names no service on the network (did you mean """
        """'rabbitmq'?)"""]


MEMCACHED = "django.core.cache.backends.memcached.PyMemcacheCache"


def _with_memcached(root: Path) -> Path:
    """The copy with a `memcached` service beside its others, as a Memcached cache runs."""
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    assert text.count("\nvolumes:\n") == 1
    compose.write_text(text.replace("\nvolumes:\n", "\n  memcached:\n    image: memcached:1.6\n\nvolumes:\n"))
    return root


@pytest.mark.parametrize("location", ["memcached:11211", "memcached:11211;memcached:11211"])
def test_a_memcached_host_port_naming_the_service_is_clean(tmp_path: Path, location: str) -> None:
    root = _with_memcached(_copy(tmp_path, MEMCACHED, location))
    assert found(_options(root), ("service-name-drift",)) == []


@pytest.mark.parametrize("location", ["memcache:11211", "memcache", "memcache:11211,memcached:11211"])
def test_a_memcached_host_port_naming_no_service_is_judged_by_its_host(tmp_path: Path, location: str) -> None:
    """`memcache:11211` was read as one host, `memcache:11211` itself, which nothing could be like: no finding."""
    root = _with_memcached(_copy(tmp_path, MEMCACHED, location))
    assert [message for message, _, _ in found(_options(root), ("service-name-drift",))] == [
        """CACHES["default"]["LOCATION"]=memcache names no service on the network (did you mean 'memcached'?)"""]


def test_a_list_of_locations_is_judged_server_by_server_and_fixed(tmp_path: Path) -> None:
    """Django takes a cache's servers as a list too: each is judged at its own place."""
    root = _with_memcached(_copy(tmp_path, MEMCACHED, "LIST"))
    path = root / SETTINGS
    path.write_text(path.read_text().replace("'LIST'", "['memcached:11211', 'memcache:11211']"))
    assert [message for message, _, _ in found(_options(root), ("service-name-drift",))] == [
        """CACHES["default"]["LOCATION"][1]=memcache names no service on the network (did you mean 'memcached'?)"""]
    assert _fix(root)[1] == 1
    assert "['memcached:11211', 'memcached:11211']" in path.read_text()
    assert found(_options(root), ("service-name-drift",)) == []
