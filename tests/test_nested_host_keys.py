"""Host keys of nested config read from env, sections joined by `__`: listmonk's `LISTMONK_db__host`.

The compose file is shaped like knadh/listmonk docker-compose.yml (the app is configured by
`LISTMONK_<section>__<key>` variables, lowercase after the prefix; the database publishes on
127.0.0.1 only).
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

LISTMONK = """services:
  app:
    image: listmonk/listmonk:latest
    ports:
      - "9000:9000"
    networks:
      - listmonk
    environment:
      LISTMONK_app__address: 0.0.0.0:9000
      LISTMONK_db__host: {host}
      LISTMONK_db__port: {port}
  db:
    image: postgres:17-alpine
    ports:
      - "127.0.0.1:{published}:5432"
    networks:
      - listmonk
networks:
  listmonk:
"""


def run(root: Path, check: type[LeakedHostPort] | type[ServiceNameDrift], host: str = "db", port: int = 5432,
        published: int = 5432) -> list[Finding]:
    (root / "docker-compose.yml").write_text(LISTMONK.format(host=host, port=port, published=published))
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(check().run(project, Host(env={})))


@pytest.mark.parametrize(("key", "expected"), [
    ("LISTMONK_db__host", ["db"]), ("DB__HOST", ["db"]), ("Database__Host", ["db"]),
    ("DB___HOST", []), ("__HOST", []),
])
def test_a_nested_host_key_names_a_host(key: str, expected: list[str]) -> None:
    assert [r.host for r in host_refs(key, "db")] == expected


def test_a_drifted_listmonk_db_host_is_found(tmp_path: Path) -> None:
    found = run(tmp_path, ServiceNameDrift, host="postgres")
    assert [(f.message, f.location and f.location.line) for f in found] == [
        ("LISTMONK_db__host=postgres names no service on the network (did you mean 'db'?)", 10)]
    assert run(tmp_path, ServiceNameDrift) == []


def test_a_listmonk_db_port_set_to_the_host_port_is_found(tmp_path: Path) -> None:
    found = run(tmp_path, LeakedHostPort, port=5433, published=5433)
    assert [(f.message.split(",")[0], f.location and f.location.line) for f in found] == [
        ("LISTMONK_db__port dials db:5433", 11)]
    assert run(tmp_path, LeakedHostPort, published=5433) == []
