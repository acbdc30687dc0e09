"""leaked-host-port's fix where the dev file named last is a compose file of its own (mealie's
docker/docker-compose.dev.yml: postgres and mailpit, run alone by its Taskfile's `dev:services`): a
`mealie:` service holding only environment there made `docker compose -f docker-compose.dev.yml up`
fail ("neither an image nor a build context"); the value is fixed on its own line instead."""

from __future__ import annotations

from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort
from trees import write_tree

from doctor.host import Host
from doctor.project import Project, ProjectOptions

BASE = """\
services:
  mealie:
    build:
      context: ../
      dockerfile: ./docker/Dockerfile
    environment:
      DB_ENGINE: postgres
      POSTGRES_SERVER: postgres
      POSTGRES_PORT: 5433
    depends_on: [postgres]
"""
DEV = """\
services:
  postgres:
    image: postgres:15
    ports:
      - "5433:5432"
{extra}"""


def fix_of(root: Path, dev: str) -> tuple[str, tuple[Path, ...]]:
    write_tree(root, {"docker/docker-compose.yml": BASE, "docker/docker-compose.dev.yml": dev,
                      "docker/Dockerfile": "FROM python:3.12\nCOPY mealie /app/mealie\n",
                      "mealie/settings.py": "import os\nPORT = os.getenv('POSTGRES_PORT')\n"})
    files = (root / "docker/docker-compose.yml", root / "docker/docker-compose.dev.yml")
    project = Project(ProjectOptions(path=root, files=files, env={"PATH": "/usr/bin:/bin"}))
    (finding,) = [f for f in LeakedHostPort().run(project, Host(env={})) if "POSTGRES_PORT" in f.subject]
    assert finding.fix is not None
    return finding.fix.title, tuple(e.path for e in finding.fix.edits)


def test_a_dev_file_that_runs_alone_gets_no_service_stub(tmp_path: Path) -> None:
    title, paths = fix_of(tmp_path, DEV.format(extra=""))
    assert paths == (tmp_path / "docker/docker-compose.yml",), title
    assert "docker-compose.dev.yml, the override, runs alone too" in title


def test_a_dev_file_that_already_configures_the_service_takes_the_value(tmp_path: Path) -> None:
    title, paths = fix_of(tmp_path, DEV.format(extra="  mealie:\n    environment:\n      DEBUG: 'true'\n"))
    assert paths == (tmp_path / "docker/docker-compose.dev.yml",), title
