"""leaked-host-port on a peer's port that it neither publishes nor listens on.

django-on-docker's `SQL_PORT: '5433'` beside SQL_HOST=db, left by a port move that published db on
5434 instead of 5433: db (postgres) listens on 5432 inside the network, and 5433 is nothing of
db's any more. Before the move the same value was the host port of 'db' and reported; after it,
it is no less wrong. Judged only where doctor knows what the server listens on: a quiet case per
excuse, each with its found twin.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

MOVED = """services:
  db:
    image: {image}
    ports:
      - "${{POSTGRES_PORT}}:5432"
{db_extra}  web:
    image: web:dev
    depends_on: [db]
    environment:
      - SQL_HOST=db
      - SQL_PORT=${{POSTGRES_PORT}}
"""
OVERRIDE = """services:
  web:
    environment:
      SQL_PORT: '{port}'
"""


def findings(root: Path, port: str = "5433", image: str = "postgres:15", db_extra: str = "") -> list[Finding]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(MOVED.format(image=image, db_extra=db_extra))
    (root / "compose.override.yaml").write_text(OVERRIDE.format(port=port))
    (root / ".env").write_text("POSTGRES_PORT=5434\n")  # moved from 5433 by `fix --ports`
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return [f for f in LeakedHostPort().run(project, Host(env={})) if f.subject != "db:target:POSTGRES_PORT"]


def test_a_pinned_old_host_port_is_found_at_the_override_line_and_fixed_to_the_container_port(tmp_path: Path) -> None:
    found = findings(tmp_path)
    assert [f.message for f in found] == [
        "SQL_PORT dials db:5433, where 'db' neither listens nor publishes: it listens on 5432 inside the network "
        "('web' sets SQL_PORT in its environment)"]
    at = found[0].location
    assert at is not None and at.path == tmp_path / "compose.override.yaml" and at.line == 4
    fix = found[0].fix
    assert fix is not None and fix.edits and "SQL_PORT: '5432'" in str(fix.edits[0].new)


def test_a_url_naming_the_old_host_port_is_found(tmp_path: Path) -> None:
    root = tmp_path / "url"
    root.mkdir()
    (root / "compose.yaml").write_text(
        'services:\n  db:\n    image: postgres:15\n    ports: ["5434:5432"]\n'
        '  api:\n    image: api:dev\n    depends_on: [db]\n    environment:\n'
        '      DATABASE_URL: postgresql://app@db:5433/app\n')
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    found = list(LeakedHostPort().run(project, Host(env={})))
    assert [f.message for f in found] == [
        "DATABASE_URL dials db:5433, where 'db' neither listens nor publishes: it listens on 5432 inside the "
        "network ('api' sets DATABASE_URL in its environment)"]


@pytest.mark.parametrize("quiet", [
    {"port": "5432"},  # the container port: right
    {"image": "ghcr.io/acme/db:1"},  # an image doctor knows nothing of: it may listen on 5433
    {"db_extra": "    environment:\n      PGPORT: '5433'\n"},  # postgres moved its own port
    {"db_extra": "    command: postgres -p 5433\n"},
    {"db_extra": "    command: postgres -c config_file=/etc/postgresql/postgresql.conf\n"},  # its port is there
    {"db_extra": "    volumes:\n      - ./pg.conf:/etc/postgresql/postgresql.conf\n"},
    {"db_extra": "    expose: ['5433']\n"},  # it says it listens there
], ids=["container-port", "unknown-image", "pgport", "port-option", "config-file", "config-mount", "expose"])
def test_a_server_that_may_listen_there_is_quiet_and_its_twin_found(tmp_path: Path, quiet: dict[str, str]) -> None:
    assert findings(tmp_path / "quiet", **quiet) == []
    assert len(findings(tmp_path / "loud")) == 1  # the same project without the excuse
