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

from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

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
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    engine = FakeEngine(root / "e.sock", {"/info": {"OperatingSystem": "Debian GNU/Linux 12", "OSType": "linux"}})
    try:
        env["DOCKER_HOST"] = engine.url
        options = ProjectOptions(path=root, files=(root / COMPOSE,), env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_minio_merely_gets_the_flow_services_endpoint_as_cloned(tmp_path: Path) -> None:
    assert _found(_peerdb(tmp_path)) == []


def test_a_built_service_merging_the_anchor_without_the_entry_still_dials_it(tmp_path: Path) -> None:
    found = _found(_peerdb(tmp_path, worker_entry=False))
    assert [message.split(" (")[0] for message, _ in found] == ["'flow-worker' dials host.docker.internal"]
