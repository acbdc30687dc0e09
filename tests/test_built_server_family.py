"""A database service built from a Dockerfile `FROM postgres` is a postgres server like the image.

ckan/ckan-docker's `db` is `build: context: postgresql/` with `FROM postgres:16-alpine` (a COPY of
init scripts): its drifted `POSTGRES_HOST=postgresserver` got "no service runs postgres", and a
`localhost` database URL went unreported, because a server's family came from `image:` alone.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

CKAN = """services:
  ckan:
    build:
      context: ckan/
    env_file: .env
    depends_on:
      - db
  db:
    build:
      context: postgresql/
"""


def run(root: Path, check: object, dotenv: str, base: str = "postgres:16-alpine") -> list[Finding]:
    for folder, text in (("ckan", "FROM python:3.12-slim\n"), ("postgresql", f"FROM {base}\nCOPY init /init\n")):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "Dockerfile").write_text(text)
    (root / "docker-compose.yml").write_text(CKAN)
    (root / ".env").write_text(dotenv)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(check.run(project, Host(env={})))  # type: ignore[attr-defined]


def test_a_drifted_host_is_matched_to_the_built_database(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, ServiceNameDrift(), "POSTGRES_HOST=postgresserver\n")
    assert "did you mean 'db'?" in finding.message, finding.message
    assert finding.fix is not None and finding.fix.title == "replace 'postgresserver' by 'db' in POSTGRES_HOST"


def test_localhost_in_a_url_is_the_built_database(tmp_path: Path) -> None:
    found = run(tmp_path, LeakedHostPort(), "CKAN_SQLALCHEMY_URL=postgresql://ckan:pw@localhost:5432/ckandb\n")
    assert [f.message for f in found] == [
        "CKAN_SQLALCHEMY_URL host 'localhost' is 'ckan' itself in its container (did you mean 'db'?): "
        "'ckan' depends on 'db'"], [f.message for f in found]


def test_a_build_from_another_base_is_no_database(tmp_path: Path) -> None:
    """The same layout built FROM python: nothing says `db` runs postgres but its name."""
    found = run(tmp_path, LeakedHostPort(), "CKAN_SQLALCHEMY_URL=postgresql://ckan:pw@localhost:5432/ckandb\n",
                base="python:3.12")
    assert found == []
