"""service-name-drift on what new-user trials met (zulip, DefectDojo, saleor-platform).

- zulip's `database` runs `zulip/zulip-postgresql:14`: a vendor's prefix before the server's name
  left it no postgres server, so a drifted `DB_HOST=postgres` was a note with no suggestion.
- DefectDojo's `.env` `DD_UWSGI_HOST=django` beside `uwsgi`, read by nginx as
  `${DD_UWSGI_HOST:-uwsgi}`: the compose default and the key both name `uwsgi`, yet it was a note.
- saleor-platform's `worker` off the network of `cache`: `api`, loading the same backend.env and
  resolving `cache`, made the line theirs, and worker's unresolvable broker URL went unreported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.env_hosts import image_family


def run(root: Path, compose: str, **files: str) -> list[Finding]:
    (root / "compose.yaml").write_text(compose)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


@pytest.mark.parametrize(("image", "family"), [
    ("zulip/zulip-postgresql:14", "postgres"),
    ("registry.example.com/company-redis:7", "redis"),
    ("my_mariadb", "mysql"),
    ("confluentinc/cp-kafka:7.6.0", "kafka"),
    ("bitnami/postgresql:14", "postgres"),
    ("postgres:14", "postgres"),
    # tools for a server, named after it, are no server of its family
    ("prometheuscommunity/postgres-exporter", None),
    ("oliver006/redis_exporter", None),
    ("rediscommander/redis-commander", None),
    ("dpage/pgadmin4", None),
    ("postgrest/postgrest", None),
    ("mongo-express", None),
    ("alpine-psql", None),  # a short name is no word to find: psql is the client
])
def test_a_vendor_prefix_before_the_servers_name_keeps_its_family(image: str, family: str | None) -> None:
    assert image_family(image) == family


def test_a_drifted_host_is_matched_to_a_postgres_under_a_vendors_prefix(tmp_path: Path) -> None:
    compose = ('services:\n  database: {image: "zulip/zulip-postgresql:14"}\n'
               '  app: {image: busybox, environment: {DB_HOST: "postgres"}}\n')
    [finding] = run(tmp_path, compose)
    assert finding.severity is Severity.ERROR
    assert finding.message == "DB_HOST=postgres names no service on the network (did you mean 'database'?)"


def test_an_exporter_is_no_server_to_point_a_host_at(tmp_path: Path) -> None:
    compose = ('services:\n  metrics: {image: "prometheuscommunity/postgres-exporter"}\n'
               '  app: {image: busybox, environment: {DB_HOST: "postgres"}}\n')
    [finding] = run(tmp_path, compose)
    assert finding.severity is Severity.INFO
    assert "did you mean" not in finding.message


DOJO = """services:
  nginx:
    image: nginx:alpine
    environment:
      DD_UWSGI_HOST: "${DD_UWSGI_HOST%s}"
  uwsgi:
    image: python:3.12-slim
  postgres:
    image: postgres:16-alpine
"""


@pytest.mark.parametrize("default", [":-uwsgi", ""])
def test_a_host_key_naming_a_service_or_its_compose_default_is_the_suggestion(tmp_path: Path, default: str) -> None:
    [finding] = run(tmp_path, DOJO % default, _env="DD_UWSGI_HOST=django\n")
    assert finding.severity is Severity.ERROR
    assert finding.message == "DD_UWSGI_HOST=django names no service on the network (did you mean 'uwsgi'?)"
    assert finding.fix is not None and finding.fix.title == "replace 'django' by 'uwsgi' in DD_UWSGI_HOST"


def test_the_compose_default_beats_the_key(tmp_path: Path) -> None:
    compose = DOJO.replace("DD_UWSGI_HOST", "DD_APP_HOST") % ":-uwsgi" + "  app:\n    image: busybox\n"
    [finding] = run(tmp_path, compose, _env="DD_APP_HOST=django\n")
    assert finding.message == "DD_APP_HOST=django names no service on the network (did you mean 'uwsgi'?)"


def test_a_key_naming_no_service_stays_a_note(tmp_path: Path) -> None:
    [finding] = run(tmp_path, DOJO.replace("DD_UWSGI_HOST", "DD_APP_HOST") % "", _env="DD_APP_HOST=django\n")
    assert finding.severity is Severity.INFO


SALEOR = """services:
  cache: {image: valkey/valkey:8.1-alpine, networks: [back]}
  api: {image: busybox, env_file: [backend.env], networks: [back], depends_on: [cache]}
  worker: {image: busybox, env_file: [backend.env]%s}
networks: {back: {}}
"""


def test_a_service_off_the_network_of_what_it_depends_on_is_found_beside_one_on_it(tmp_path: Path) -> None:
    [finding] = run(tmp_path, SALEOR % ", depends_on: [cache]", backend_env="CELERY_BROKER_URL=redis://cache:6379/1\n")
    assert finding.subject == "worker:CELERY_BROKER_URL"
    assert finding.message == "CELERY_BROKER_URL host 'cache' is 'cache', which shares no network with 'worker'"
    assert finding.fix is not None
    assert finding.fix.title == "put 'worker' on a network of 'cache': add 'back' to its networks"


def test_a_shared_line_another_reader_resolves_is_theirs_without_a_dependency(tmp_path: Path) -> None:
    assert run(tmp_path, SALEOR % "", backend_env="CELERY_BROKER_URL=redis://cache:6379/1\n") == []
