"""env-drift's image half: a postgres, mysql or mariadb service started without the password its
entrypoint requires to initialize an empty data volume.

linkwarden/linkwarden's `.env.sample` lists `POSTGRES_PASSWORD=` empty and every service loads `.env`:
a newcomer who copies it gets a preflight with nothing to say and a `postgres` that exits at once
("Database is uninitialized and superuser password is not specified").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions


def _needs(root: Path, compose: str, dotenv: str | None = None) -> list[Finding]:
    (root / "compose.yaml").write_text(compose)
    if dotenv is not None:
        (root / ".env").write_text(dotenv)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return [f for f in EnvDrift().run(project, Host(env={})) if ":image-needs:" in f.subject]


def test_linkwardens_copied_sample_starts_postgres_without_a_password(tmp_path: Path) -> None:
    (finding,) = _needs(tmp_path, "services:\n  postgres:\n    image: postgres:16-alpine\n    env_file: .env\n",
                        "NEXTAUTH_URL=http://localhost:3000\nPOSTGRES_PASSWORD=\n")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == (".env", 2)
    assert finding.message == ("'postgres' (postgres image) gets no POSTGRES_PASSWORD (its environment sets it "
                               "empty): on its first start, with an empty data volume, the image refuses to "
                               "initialize without one and the container exits")
    assert finding.fix is not None and finding.fix.title == (
        "give POSTGRES_PASSWORD a value on .env:2, or POSTGRES_HOST_AUTH_METHOD=trust for a throwaway local database")


def test_a_password_set_through_a_variable_names_that_variables_line(tmp_path: Path) -> None:
    (finding,) = _needs(tmp_path, "services:\n  db:\n    image: docker.io/library/mariadb:11\n    environment:\n"
                                  "      MARIADB_ROOT_PASSWORD: ${DB_ROOT}\n", "X=1\nDB_ROOT=\n")
    assert finding.subject == "db:image-needs:MARIADB_ROOT_PASSWORD"
    assert finding.fix is not None
    assert finding.fix.title == "give MARIADB_ROOT_PASSWORD a value through DB_ROOT on .env:2"


@pytest.mark.parametrize("service", [
    "image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cret",
    "image: postgres:16\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust",
    "image: postgis/postgis:16-3.4\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/pg",
    "image: mysql:8\n    environment:\n      MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'",
    "image: mariadb:lts\n    environment:\n      MARIADB_RANDOM_ROOT_PASSWORD: '1'",
    "image: bitnami/postgresql:16",  # another entrypoint, other variables
    "image: postgres:16\n    build: ./db",  # a Dockerfile may set it
    "image: postgres:16\n    env_file: db.env",  # not copied yet: compose stops first, env-drift says copy it
    "image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PGPASS}",  # unset: env-drift names PGPASS
])
def test_no_finding_where_the_image_has_what_it_needs_or_another_finding_says_it(tmp_path: Path, service: str) -> None:
    assert _needs(tmp_path, f"services:\n  db:\n    {service}\n") == []


def test_why_matches_the_entrypoints_refusal() -> None:
    from doctor.why.signatures import BUILTIN

    line = "Error: Database is uninitialized and superuser password is not specified."
    assert [s.id for s in BUILTIN if s.match(line) is not None] == ["database-uninitialized"]
    mysql = "2026-12-02 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified"
    assert [s.id for s in BUILTIN if s.match(mysql) is not None] == ["database-uninitialized"]
