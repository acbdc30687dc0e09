"""A service on the host's network (`network_mode: host`) dialing a compose name was never judged:
compose's DNS does not answer it there. paperless-ngx's docker/compose/docker-compose.postgres.yml
(paperless-ngx/paperless-ngx b0e0e8a3, GPL-3.0; its services as upstream, comments and volumes
dropped) with the webserver moved to the host's network keeps `PAPERLESS_DBHOST: db`."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

UPSTREAM = """\
services:
  broker:
    image: docker.io/valkey/valkey:9-alpine
    restart: unless-stopped
  db:
    image: docker.io/library/postgres:18
    restart: unless-stopped
    environment:
      POSTGRES_DB: paperless
      POSTGRES_USER: paperless
      POSTGRES_PASSWORD: paperless
  webserver:
    image: ghcr.io/paperless-ngx/paperless-ngx:latest
    restart: unless-stopped
    depends_on:
      - db
      - broker
    ports:
      - "8000:8000"
    environment:
      PAPERLESS_REDIS: redis://broker:6379
      PAPERLESS_DBHOST: db
      PAPERLESS_DBENGINE: postgresql
"""
HOST_MODE = UPSTREAM.replace('    ports:\n      - "8000:8000"\n', "    network_mode: host\n")


def run(root: Path, compose: str) -> list[Finding]:
    (root / "docker-compose.yml").write_text(compose)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return sorted(ServiceNameDrift().run(project, Host(env={})), key=lambda f: f.subject)


def test_upstream_on_the_project_network_is_clean(tmp_path: Path) -> None:
    assert run(tmp_path, UPSTREAM) == []


def test_a_host_network_service_dialing_compose_names_is_drift(tmp_path: Path) -> None:
    dbhost, redis = run(tmp_path, HOST_MODE)
    assert dbhost.subject == "webserver:PAPERLESS_DBHOST"
    assert dbhost.message == ("PAPERLESS_DBHOST=db does not resolve in 'webserver': on the host's network "
                              "(network_mode: host) compose's names are unknown")
    assert dbhost.location is not None and dbhost.location.line == 21
    assert dbhost.fix is not None and dbhost.fix.title == (
        "drop network_mode: host from 'webserver', or publish the port of 'db' and dial it on localhost "
        "in PAPERLESS_DBHOST")
    assert redis.message.startswith("PAPERLESS_REDIS host 'broker' does not resolve in 'webserver'")


def test_the_fix_names_the_port_the_peer_publishes(tmp_path: Path) -> None:
    compose = HOST_MODE.replace("    restart: unless-stopped\n    environment:\n      POSTGRES_DB",
                                "    restart: unless-stopped\n    ports: ['127.0.0.1:15432:5432']\n"
                                "    environment:\n      POSTGRES_DB")
    dbhost, _ = run(tmp_path, compose)
    assert dbhost.fix is not None and dbhost.fix.title == (
        "dial 'db' as localhost:15432 (the port it publishes) in PAPERLESS_DBHOST, "
        "or drop network_mode: host from 'webserver'")


@pytest.mark.parametrize("change", [
    ("    network_mode: host\n", "    network_mode: host\n    extra_hosts: ['db:127.0.0.1', 'broker=127.0.0.1']\n"),
    ("PAPERLESS_DBHOST: db", "PAPERLESS_DBHOST: localhost"),  # host networking: localhost is the host
])
def test_names_the_host_resolves_are_no_drift(tmp_path: Path, change: tuple[str, str]) -> None:
    findings = run(tmp_path, HOST_MODE.replace(*change))
    assert {f.subject for f in findings} <= {"webserver:PAPERLESS_REDIS"}
    assert "extra_hosts" not in change[1] or findings == []
