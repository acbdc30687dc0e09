"""host-gateway for a YAML anchor's line that a published image merges beside the project's apps: peerdb
(tests/replay/peerdb).

PeerDB-io/peerdb's docker-compose-dev.yml keeps the MinIO settings in `x-minio-config: &minio-config`,
with `PEERDB_CLICKHOUSE_AWS_CREDENTIALS_AWS_ENDPOINT_URL_S3: http://host.docker.internal:${MINIO_PORT:-9001}`
for the flow services the project builds (flow-api, flow-worker, flow-snapshot-worker), each merging it
with `<<: [*catalog-config, *flow-worker-env, *minio-config]` and given
`extra_hosts: ["host.docker.internal:host-gateway"]`. 'minio' (minio/minio, no build) merges the same
anchor for its MINIO_ROOT_USER and MINIO_ROOT_PASSWORD. On a Linux engine doctor said `'minio' dials
host.docker.internal (PEERDB_CLICKHOUSE_AWS_CREDENTIALS_AWS_ENDPOINT_URL_S3)`, a warning whose fix added
the entry to minio, which reads no PEERDB_ key. Now an anchor's line several services merge is judged
as a shared env_file line is: a service on a published image merely gets it where a project-built
service merging it has the entry; a built service that merges it without the entry still dials it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fake_docker_engine import host_gateway_findings

REPLAY = Path(__file__).parent / "replay" / "peerdb"
COMPOSE = "docker-compose-dev.yml"
# flow-worker's own entry, after its commented-out security options
WORKER_ENTRY = """      <<: [*catalog-config, *flow-worker-env, *minio-config]
    extra_hosts:
      - "host.docker.internal:host-gateway"
    depends_on:
      temporal-admin-tools:
        condition: service_healthy

  peerdb:"""


def _peerdb(tmp_path: Path, worker_entry: bool = True) -> Path:
    root = tmp_path / "peerdb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(WORKER_ENTRY) == 1
    if not worker_entry:
        compose.write_text(text.replace(WORKER_ENTRY, WORKER_ENTRY.replace(
            '    extra_hosts:\n      - "host.docker.internal:host-gateway"\n', "")))
    return root


def _found(root: Path) -> list[tuple[str, int | None]]:
    return [(f.message, f.location.line if f.location else None) for f in host_gateway_findings(root, COMPOSE)]


def test_minio_merely_gets_the_flow_services_endpoint_as_cloned(tmp_path: Path) -> None:
    assert _found(_peerdb(tmp_path)) == []


def test_a_built_service_merging_the_anchor_without_the_entry_still_dials_it(tmp_path: Path) -> None:
    found = _found(_peerdb(tmp_path, worker_entry=False))
    assert [message.split(" (")[0] for message, _ in found] == ["'flow-worker' dials host.docker.internal"]


# a published image that reads the anchor's key: prometheuscommunity/postgres-exporter takes its connection from
# DATA_SOURCE_NAME (its README), so without the entry it fails as the built 'api' would (`nc: bad address
# 'host.docker.internal'` on a Linux engine); the key is no namespace of this project's own programs
EXPORTER = """\
x-common: &common
  DATA_SOURCE_NAME: postgresql://app:app@host.docker.internal:5432/app?sslmode=disable
services:
  api: {build: ./api, environment: {<<: *common}, extra_hosts: ["host.docker.internal:host-gateway"]}
  postgres-exporter: {image: prometheuscommunity/postgres-exporter:v0.15.0, environment: {<<: *common}}
"""


def _stack(tmp_path: Path, compose: str, name: str = "metrics") -> Path:
    root = tmp_path / name
    (root / "api").mkdir(parents=True)
    (root / "api" / "Dockerfile").write_text("FROM python:3.12-slim\n")
    (root / COMPOSE).write_text(compose)
    return root


def test_a_published_image_reading_the_anchors_key_still_dials_it(tmp_path: Path) -> None:
    found = _found(_stack(tmp_path, EXPORTER))
    assert found == [("'postgres-exporter' dials host.docker.internal (DATA_SOURCE_NAME); this Linux engine does "
                      "not resolve it", 2)]


def test_a_key_named_for_the_project_is_no_dial_of_a_published_image_named_otherwise(tmp_path: Path) -> None:
    # the project's own namespace (its name and a built service's: 'metrics', METRICS_*) is read by its programs;
    # a published image of another name merging the anchor for its own keys reads none of it
    compose = EXPORTER.replace("DATA_SOURCE_NAME", "METRICS_PUSH_URL").replace(
        "  api: {build", "  metrics-api: {build")
    assert _found(_stack(tmp_path, compose)) == []


def test_a_key_named_for_the_project_is_read_by_its_own_published_image(tmp_path: Path) -> None:
    # the same key merged by an image bearing the project's name (its published build) is that program's setting
    compose = EXPORTER.replace("DATA_SOURCE_NAME", "METRICS_PUSH_URL").replace(
        "  api: {build", "  metrics-api: {build").replace(
        "prometheuscommunity/postgres-exporter:v0.15.0", "ghcr.io/acme/metrics-agent:1")
    found = _found(_stack(tmp_path, compose))
    assert [message.split(" (")[0] for message, _ in found] == ["'postgres-exporter' dials host.docker.internal"]


def test_a_servers_official_image_merging_the_anchor_reads_no_such_key(tmp_path: Path) -> None:
    compose = EXPORTER.replace("prometheuscommunity/postgres-exporter:v0.15.0", "postgres:16")
    assert _found(_stack(tmp_path, compose)) == []
