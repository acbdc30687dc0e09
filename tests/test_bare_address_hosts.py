"""A whole value `name:port` under a key that names no host: frappe_docker's `REDIS_CACHE: redis-cache:6379`.

The compose file is shaped like frappe/frappe_docker pwd.yml (the configurator writes the redis
addresses it is given into the site config; the backend images publish no port).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

FRAPPE = """services:
  configurator:
    image: frappe/erpnext:v16
    environment:
      DB_HOST: db
      {key}: {value}
  db:
    image: mariadb:11.8
  redis-cache:
    image: redis:6.2-alpine
  redis-queue:
    image: redis:6.2-alpine
"""


def run(root: Path, key: str, value: str) -> list[Finding]:
    (root / "pwd.yml").write_text(FRAPPE.format(key=key, value=value))
    project = Project(ProjectOptions(path=root / "pwd.yml", env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_a_drifted_bare_address_is_found_and_fixed(tmp_path: Path) -> None:
    found = run(tmp_path, "REDIS_CACHE", "redis_cache:6379")
    assert [(f.message, f.location and f.location.line) for f in found] == [
        ("REDIS_CACHE=redis_cache names no service on the network (did you mean 'redis-cache'?)", 6)]
    fix = found[0].fix
    assert fix is not None and [(e.old, e.new) for e in fix.edits] == [
        ("      REDIS_CACHE: redis_cache:6379", "      REDIS_CACHE: redis-cache:6379")]


@pytest.mark.parametrize(("key", "value"), [
    ("REDIS_CACHE", "redis-cache:6379"),  # right
    ("REDIS_CACHE", "redis_cache:8080"),  # no peer named like it listens on 8080
    ("BUILDER_IMAGE", "redis_cache:6379"),  # an image reference
    ("CACHE_TIME", "redis_cache:6379"),
    ("REDIS_CACHE", "cache.example.com:6379"),  # a public name: not judged here
    ("NODE", "node:20"),  # no peer resembles it
    ("REDIS_CACHE", "redis_cache"),  # no port: no sign of an address
])
def test_values_that_are_not_drifted_addresses_pass(tmp_path: Path, key: str, value: str) -> None:
    assert run(tmp_path, key, value) == []
