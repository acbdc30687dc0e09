"""Host keys spelled without an underscore before HOST: libpq's PGHOST, paperless-ngx's PAPERLESS_DBHOST.

The compose file is shaped like paperless-ngx/paperless-ngx docker/compose/docker-compose.postgres-tika.yml
(the webserver runs a published image and is configured by PAPERLESS_DB* keys).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.env_hosts import host_refs

PAPERLESS = """services:
  broker:
    image: docker.io/valkey/valkey:9-alpine
  db:
    image: docker.io/library/postgres:18
    ports:
      - "5433:5432"
  webserver:
    image: ghcr.io/paperless-ngx/paperless-ngx:latest
    depends_on:
      - db
      - broker
    environment:
      PAPERLESS_REDIS: redis://broker:6379
{env}      PAPERLESS_DBENGINE: postgresql
"""


def run(root: Path, env: str, check: type[LeakedHostPort] | type[ServiceNameDrift]) -> list[Finding]:
    (root / "compose.yaml").write_text(PAPERLESS.format(env=env))
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(check().run(project, Host(env={})))


@pytest.mark.parametrize(("key", "expected"), [
    ("PAPERLESS_DBHOST", "db"), ("PGHOST", "db"), ("DBHOST", "db"), ("REDISHOST", "db"), ("MYSQLHOST", "db"),
    ("DB_HOST", "db"), ("GHOST", None), ("MY_GHOST", None), ("XHOST", None),
])
def test_a_glued_host_key_names_a_host(key: str, expected: str | None) -> None:
    assert [r.host for r in host_refs(key, "db")] == ([expected] if expected else [])


def test_a_drifted_paperless_dbhost_is_found(tmp_path: Path) -> None:
    found = run(tmp_path, "      PAPERLESS_DBHOST: postgres\n", ServiceNameDrift)
    assert [f.message for f in found] == [
        "PAPERLESS_DBHOST=postgres names no service on the network (did you mean 'db'?)"]
    assert run(tmp_path, "      PAPERLESS_DBHOST: db\n", ServiceNameDrift) == []


def test_paperless_dbhost_localhost_with_its_port_is_found(tmp_path: Path) -> None:
    found = run(tmp_path, "      PAPERLESS_DBHOST: localhost\n      PAPERLESS_DBPORT: 5432\n", LeakedHostPort)
    assert len(found) == 1
    assert found[0].message.startswith("PAPERLESS_DBHOST=localhost is 'webserver' itself in its container "
                                       "(did you mean 'db'?)")
    assert run(tmp_path, "      PAPERLESS_DBHOST: db\n      PAPERLESS_DBPORT: 5432\n", LeakedHostPort) == []


# immich-app/immich docker/docker-compose.dev.yml and docker/example.env (`cp example.env .env`)
IMMICH = """name: immich-dev
services:
  immich-server:
    container_name: immich_server
    image: immich-server-dev:latest
    env_file:
      - .env
    depends_on:
      - redis
      - database
  redis:
    container_name: immich_redis
    image: redis:6.2-alpine
  database:
    container_name: immich_postgres
    image: tensorchord/pgvecto-rs:pg14-v0.2.0
    env_file:
      - .env
"""


@pytest.mark.parametrize(("dotenv", "expected"), [
    ("DB_HOSTNAME=immich_postgres\nREDIS_HOSTNAME=immich_redis\n", []),
    ("DB_HOSTNAME=postgres\nREDIS_HOSTNAME=immich_redis\n",
     ["DB_HOSTNAME=postgres names no service on the network (did you mean 'database'?)"]),
    ("DB_HOSTNAME=immich_postgres\nREDIS_HOSTNAME=immich-redis\n",
     ["REDIS_HOSTNAME=immich-redis names no service on the network (did you mean 'redis'?)"]),
    # the name a server answers to, not a peer it dials (Keycloak's KC_HOSTNAME)
    ("DB_HOSTNAME=immich_postgres\nKC_HOSTNAME=keycloak\n", []),
], ids=["as-shipped", "db-drifted", "redis-drifted", "kc-hostname"])
def test_immich_hostname_keys(tmp_path: Path, dotenv: str, expected: list[str]) -> None:
    (tmp_path / "compose.yaml").write_text(IMMICH)
    (tmp_path / ".env").write_text(dotenv)
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    found = list(ServiceNameDrift().run(project, Host(env={})))
    assert [f.message for f in found] == expected
    assert all(f.severity.label == "error" for f in found)


def test_a_portless_localhost_under_a_kind_of_server_names_the_one_peer_of_that_kind(tmp_path: Path) -> None:
    """immich's DB_HOSTNAME=localhost: no service is called 'db'; 'database' is the one postgres peer."""
    (tmp_path / "compose.yaml").write_text(IMMICH)
    (tmp_path / ".env").write_text("DB_HOSTNAME=localhost\nREDIS_HOSTNAME=immich_redis\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    (found,) = LeakedHostPort().run(project, Host(env={}))
    assert found.message == ("DB_HOSTNAME=localhost is 'immich-server' itself in its container (did you mean "
                             "'database'?): 'immich-server' depends on 'database'")
    # two databases: the one the service depends on is meant (mathesar's dev-db, not the extends:
    # base dev-db-base beside it); where it depends on both, which one is not certain: nothing is said
    (tmp_path / "compose.yaml").write_text(IMMICH + "  mariadb:\n    image: mariadb:11\n    ports: ['3306:3306']\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    (found,) = LeakedHostPort().run(project, Host(env={}))
    assert "(did you mean 'database'?)" in found.message
    both = IMMICH.replace("      - database\n", "      - database\n      - mariadb\n", 1)
    (tmp_path / "compose.yaml").write_text(both + "  mariadb:\n    image: mariadb:11\n    ports: ['3306:3306']\n")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    assert list(LeakedHostPort().run(project, Host(env={}))) == []


def test_a_portless_glued_localhost_names_its_peer(tmp_path: Path) -> None:
    """paperless-ngx's PAPERLESS_DBHOST=localhost with no PAPERLESS_DBPORT: 'db' by the key's last word."""
    found = run(tmp_path, "      PAPERLESS_DBHOST: localhost\n", LeakedHostPort)
    assert [f.message.split(":")[0] for f in found] == [
        "PAPERLESS_DBHOST=localhost is 'webserver' itself in its container (did you mean 'db'?)"]
