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
    # formbricks' hub-db-create: its own entrypoint runs psql against another server, never initdb
    "image: pgvector/pgvector:pg17\n    entrypoint: [\"sh\", \"-c\"]\n    command: [\"psql -h postgres\"]",
    # writefreely's prod compose: linuxserver's image reads MYSQL_ROOT_PASSWORD and starts without one
    "image: lscr.io/linuxserver/mariadb",
    "image: ghcr.io/linuxserver/mariadb:10.11",
    # huginn's data-only container: the entrypoint initializes nothing for a command that is no server
    "image: mysql:5.7\n    command: /bin/true",
])
def test_no_finding_where_the_image_has_what_it_needs_or_another_finding_says_it(tmp_path: Path, service: str) -> None:
    assert _needs(tmp_path, f"services:\n  db:\n    {service}\n") == []


def test_why_matches_the_entrypoints_refusal() -> None:
    from doctor.why.signatures import BUILTIN

    line = "Error: Database is uninitialized and superuser password is not specified."
    assert [s.id for s in BUILTIN if s.match(line) is not None] == ["database-uninitialized"]
    mysql = "2026-12-02 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified"
    assert [s.id for s in BUILTIN if s.match(mysql) is not None] == ["database-uninitialized"]


def _ckan_db(root: Path, dockerfile: str, compose_env: str = "      - POSTGRES_PASSWORD\n") -> list[Finding]:
    (root / "postgresql").mkdir()
    (root / "postgresql" / "Dockerfile").write_text(dockerfile)
    return _needs(root, "services:\n  db:\n    build:\n      context: postgresql/\n    environment:\n" + compose_env,
                  "POSTGRES_USER=postgres\nPOSTGRES_PASSWORD=\n")


def test_a_database_built_from_the_image_needs_the_password_too(tmp_path: Path) -> None:
    """ckan/ckan-docker's `db` builds `postgresql/` (`FROM postgres:16-alpine`, a COPY of init scripts)
    and passes `- POSTGRES_PASSWORD` through from `.env`: left empty there, the entrypoint refuses
    to initialize as the plain image's does. The warning sits at the `.env` line that sets it empty."""
    (finding,) = _ckan_db(tmp_path, "FROM postgres:16-alpine\nCOPY initdb.d /docker-entrypoint-initdb.d\n")
    assert finding.message.startswith("'db' (built FROM postgres:16-alpine) gets no POSTGRES_PASSWORD (its "
                                      "environment sets it empty)")
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == (".env", 2)
    assert finding.fix is not None and finding.fix.title == (
        "give POSTGRES_PASSWORD a value on .env:2, or POSTGRES_HOST_AUTH_METHOD=trust for a throwaway local database")


@pytest.mark.parametrize("dockerfile", [
    "FROM postgres:16-alpine\nENV POSTGRES_PASSWORD=dev\n",  # the image sets it itself
    "FROM postgres:16-alpine\nCOPY entry.sh /\nENTRYPOINT [\"/entry.sh\"]\n",  # another entrypoint
    "FROM python:3.12-slim\n",  # no database at all
    "ARG PG=16\nFROM postgres:${PG}-alpine AS base\nFROM base\nENTRYPOINT [\"/x\"]\n",
])
def test_a_built_database_that_sets_or_starts_otherwise_is_not_judged(tmp_path: Path, dockerfile: str) -> None:
    assert _ckan_db(tmp_path, dockerfile) == []


def test_a_required_variable_compose_could_not_interpolate_is_compose_configs(tmp_path: Path) -> None:
    """documenso's production compose: `POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?err}` unset. compose
    stops there (compose-config's error); the entry is missing from the model, not from the file."""
    compose = ("services:\n  database:\n    image: postgres:15\n    environment:\n"
               "      - POSTGRES_USER=${POSTGRES_USER:?err}\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?err}\n")
    assert _needs(tmp_path, compose, "X=1\n") == []


def test_an_entrypoint_that_hands_on_to_the_images_still_needs_the_password(tmp_path: Path) -> None:
    compose = ("services:\n  db:\n    image: postgres:16\n    entrypoint: [\"docker-entrypoint.sh\", \"postgres\"]\n"
               "    environment:\n      POSTGRES_PASSWORD: ''\n")
    (finding,) = _needs(tmp_path, compose)
    assert finding.subject == "db:image-needs:POSTGRES_PASSWORD"


@pytest.mark.parametrize(("image", "refuses"), [
    ("postgres:11.5-alpine", False),  # nsidnev/fastapi-realworld-example-app: before the change, trust auth
    ("postgres:12.1", False),
    ("postgres:9.6.16", False),
    ("library/postgres:10.3", False),
    ("postgres:11.7", True),  # the first 11.x that refuses (docker-library/postgres#658, February 2020)
    ("postgres:12.2-alpine", True),
    ("postgres:11", True),  # a series tag follows its newest release
    ("postgres:9.6", True),
    ("postgres:16.4", True),
    ("postgres:latest", True),
])
def test_a_postgres_tag_from_before_the_password_became_required_starts_without_one(
        tmp_path: Path, image: str, refuses: bool) -> None:
    found = _needs(tmp_path, f"services:\n  db:\n    image: {image}\n")
    assert bool(found) is refuses, [f.message for f in found]


@pytest.mark.parametrize("service", [
    "image: docker.io/library/mariadb:11",
    "image: mirror.gcr.io/library/postgres:16",
    "image: postgres:16\n    command: postgres -c fsync=off",
    "image: postgres:16\n    command: [\"-c\", \"max_connections=200\"]",
    "image: mysql:8\n    command: --default-authentication-plugin=mysql_native_password",
])
def test_the_official_image_by_any_name_still_needs_its_password_for_its_server(tmp_path: Path, service: str) -> None:
    assert len(_needs(tmp_path, f"services:\n  db:\n    {service}\n")) == 1
