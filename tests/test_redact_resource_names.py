"""A password that is also the name of a volume, a network, a config or a secret of the project
(`POSTGRES_PASSWORD: postgres` beside a volume `postgres`, on a postgis or pgvector image whose name says no
`postgres`) stays readable where a message names that resource, and where a log names the image's default
superuser `postgres` (`user "postgres"`): the project shows that word in the clear as a name, and a reader
told nothing by `user "***"` learns the password all the same from the image's default. Where the text says
it is the password (`POSTGRES_PASSWORD: postgres` in a diff, a URL's password, a line of its own, `ENV KEY value`,
what `echo` pipes: BuildKit's `failed to solve: process "/bin/sh -c echo postgres | base64 && false"`) it stays
masked; these last three were printed whole after the name `postgres` was let through (9b63557 masked them).

Before: `volume '***' is mounted at /var/lib/postgresql/data`, `network '***'`, `FATAL:  password
authentication failed for user "***"`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  db:
    image: {image}
    environment:
      POSTGRES_PASSWORD: postgres
    volumes:
      - postgres:/var/lib/postgresql/data
    networks: [backend, postgres]
    secrets: [dbpass]
    configs: [pgconf]
  app:
    image: python:3.12-slim
    environment:
      DATABASE_URL: postgres://postgres:postgres@db:5432/app
    networks: [backend]
volumes:
  postgres: {{}}
networks:
  backend: {{}}
  postgres: {{}}
secrets:
  dbpass:
    file: ./dbpass.txt
configs:
  pgconf:
    file: ./pg.conf
"""


@pytest.fixture(params=["postgis/postgis:16-3.4", "pgvector/pgvector:pg16"])
def redactor(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "docker-compose.yml").write_text(COMPOSE.format(image=request.param))
    (tmp_path / "dbpass.txt").write_text("Kq7Wn2Px9Lz4Rt\n")
    (tmp_path / "pg.conf").write_text("max_connections = 100\n")
    return project_redactor(Project(ProjectOptions(path=tmp_path, env={})))


@pytest.mark.parametrize("text", [
    "volume 'postgres' is mounted at /var/lib/postgresql/data",
    "network postgres not found",
    "secret 'dbpass' and config 'pgconf' are read from files",
    'FATAL:  password authentication failed for user "postgres"',
    # a word of a sentence, under a key naming no secret, a YAML list's item (a `depends_on:` in a fix's diff)
    "psql -U postgres -h db",
    "ENV POSTGRES_USER postgres",
    "       - postgres",
    "image postgres:16 not found",
])
def test_a_resource_or_default_user_named_like_the_password_stays_readable(redactor, text: str) -> None:  # type: ignore[no-untyped-def]
    assert redactor.text(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("+      POSTGRES_PASSWORD: postgres", "+      POSTGRES_PASSWORD: ***"),
    ("DATABASE_URL=postgres://postgres:postgres@db:5432/app", "DATABASE_URL=postgres://postgres:***@db:5432/app"),
    ("secret dbpass holds Kq7Wn2Px9Lz4Rt", "secret dbpass holds ***"),
    # where the text says it is the value: 9b63557 masked these, the name in the clear let them through
    ('failed to solve: process "/bin/sh -c echo postgres | base64 && false" did not complete successfully',
     'failed to solve: process "/bin/sh -c echo *** | base64 && false" did not complete successfully'),
    ("  10 |     ENV POSTGRES_PASSWORD postgres", "  10 |     ENV POSTGRES_PASSWORD ***"),
    ("db-1  | postgres\n", "db-1  | ***\n"),
    ("postgres", "***"),
    ("mysql -ppostgres", "mysql -p***"),
    ("POSTGRES_PASSWORD=postgres", "POSTGRES_PASSWORD=***"),
])
def test_where_the_text_says_it_is_the_password_it_stays_masked(redactor, text: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert redactor.text(text) == shown


def test_on_human_essentials_the_service_postgres_is_readable_and_its_password_masked() -> None:
    """human-essentials' devcontainer (tests/replay/human-essentials): service `postgres`, POSTGRES_USER and
    POSTGRES_PASSWORD `postgres`: a failed build's `echo postgres | base64` printed whole before."""
    root = Path(__file__).resolve().parent / "replay" / "human-essentials" / ".devcontainer"
    redactor = project_redactor(Project(ProjectOptions(path=root, env={})))
    assert (redactor.text('failed to solve: process "/bin/sh -c echo postgres | base64 && false"')
            == 'failed to solve: process "/bin/sh -c echo *** | base64 && false"')
    assert redactor.text("- postgres  not started: `up` stopped at 'app' first").startswith("- postgres  not")
