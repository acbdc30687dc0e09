"""A secret that is a common word (`POSTGRES_PASSWORD: password`, `postgres`) is masked where it is the
secret, not where the same word is a URL's scheme, a mapping's key or the word that names a secret.

Before (Flagsmith's docker-compose.yml, `POSTGRES_PASSWORD: password`, a failed `up` piped to `doctor why`):
`FATAL:  *** authentication failed for user "postgres"` and `look at the *** the service sends`, which is
unreadable and tells the reader the password is `password` all the same; a project whose password is
`postgres` printed `DATABASE_URL=***://postgres:***@db:5432/app` and a diff's `  ***:` for a volume's key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.redact import Redactor

REPLAY = Path(__file__).parent / "replay" / "flagsmith"


@pytest.mark.parametrize(("text", "shown"), [
    ("DATABASE_URL=postgres://app:postgres@db:5432/app", "DATABASE_URL=postgres://app:***@db:5432/app"),
    ("volumes:\n  postgres:\n", "volumes:\n  postgres:\n"),
    ('{"postgres": {"port": 5432}}', '{"postgres": {"port": 5432}}'),
    ("      - postgres:/var/lib/postgresql/data", "      - postgres:/var/lib/postgresql/data"),
    # where it is the secret, still masked
    ("POSTGRES_PASSWORD: postgres", "POSTGRES_PASSWORD: ***"),
    ("login as admin with postgres failed", "login as admin with *** failed"),
    ("psql -W postgres; mysql -ppostgres", "psql -W ***; mysql -p***"),
    ('"postgres"', '"***"'),
    ("the password is postgres: try again", "the password is ***: try again"),
    ("a, postgres: x", "a, postgres: x"),
])
def test_a_common_word_secret_is_masked_where_it_is_the_secret(text: str, shown: str) -> None:
    assert Redactor(["postgres"]).text(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ('FATAL:  password authentication failed for user "postgres"',
     'FATAL:  password authentication failed for user "postgres"'),
    ("look at the password the service sends", "look at the password the service sends"),
    ("      password: ${DB_PASSWORD}", "      password: ${DB_PASSWORD}"),
    # by shape, the word is masked where it is the value
    ("POSTGRES_PASSWORD: password", "POSTGRES_PASSWORD: ***"),
    ("DATABASE_URL: postgresql://postgres:password@postgres:5432/flagsmith",
     "DATABASE_URL: postgresql://postgres:***@postgres:5432/flagsmith"),
    ('{"password": "password"}', '{"password": "***"}'),
    ("redis-cli -a password ping; mysql -ppassword", "redis-cli -a *** ping; mysql -p***"),
    ("echo password | docker login --password-stdin x", "echo *** | docker login --password-stdin x"),
    ("DJANGO_SECRET_KEY: secret", "DJANGO_SECRET_KEY: ***"),
    ("compose secrets: a secret's file", "compose secrets: a secret's file"),
])
def test_a_secret_that_is_the_word_naming_a_secret_is_masked_by_shape_only(text: str, shown: str) -> None:
    assert Redactor(["password", "secret"]).text(text) == shown


def test_many_common_word_secrets_take_the_indexed_path_alike() -> None:
    # past 256 known values the Redactor finds them by their heads (`_masked_alone`): the same answers
    redactor = Redactor([f"Zq{i}x" for i in range(300)] + ["postgres", "password"])
    assert redactor.text("DATABASE_URL=postgres://app:postgres@db/app") == "DATABASE_URL=postgres://app:***@db/app"
    assert redactor.text("volumes:\n  postgres:\n") == "volumes:\n  postgres:\n"
    assert redactor.text("FATAL:  password authentication failed") == "FATAL:  password authentication failed"
    assert redactor.text("login with postgres failed") == "login with *** failed"


FLAGSMITH_UP = """\
 ✔ Container flagsmith_postgres  Healthy
Attaching to flagsmith-migrate-db-1
flagsmith-migrate-db-1  | django.db.utils.OperationalError: connection to server at "postgres" (172.18.0.2), \
port 5432 failed: FATAL:  password authentication failed for user "postgres"
flagsmith-migrate-db-1 exited with code 1
service "migrate-db" didn't complete successfully: exit 1
"""


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_flagsmith_why_reads_password_authentication_failed(tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "flagsmith"
    shutil.copytree(REPLAY, root)
    shown = subprocess.run(
        [sys.executable, "-m", "doctor", "why", "-p", f"x{uuid.uuid4().hex[:8]}", "--format", fmt, "."],
        cwd=root, capture_output=True, text=True, timeout=120, input=FLAGSMITH_UP, env=dict(os.environ)).stdout
    assert "password authentication failed" in shown
    assert "*** authentication" not in shown and "the *** the service sends" not in shown


@pytest.mark.parametrize(("text", "shown"), [
    ("POSTGRES_PASSWORD is 'password' in .env but 'x' in compose.yaml",
     "POSTGRES_PASSWORD is '***' in .env but 'x' in compose.yaml"),
    ('using "password" for user "app"', 'using "***" for user "app"'),
    ('{"a": 1, "password": "x"}', '{"a": 1, "password": "***"}'),
    ("- 'password': x", "- 'password': ***"),
])
def test_the_word_naming_a_secret_is_masked_where_a_message_quotes_it(text: str, shown: str) -> None:
    assert Redactor(["password"]).text(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    # a Dockerfile's legacy `ENV KEY value`, and a `KEY value` line (redis.conf's `requirepass`), under a secret's key
    ("ENV POSTGRES_PASSWORD password", "ENV POSTGRES_PASSWORD ***"),
    ("RAILS_MASTER_KEY secret", "RAILS_MASTER_KEY ***"),
    ("requirepass password\r\n", "requirepass ***\r\n"),
    # BuildKit's excerpt of a Dockerfile whose step failed, a diff's line, a compose log's prefix
    ("  10 |     ENV POSTGRES_PASSWORD password\n  11 | >>> RUN bundle install",
     "  10 |     ENV POSTGRES_PASSWORD ***\n  11 | >>> RUN bundle install"),
    ("+ENV MYSQL_ROOT_PASSWORD password", "+ENV MYSQL_ROOT_PASSWORD ***"),
    # a secret file's content: the whole line is the value
    ("password", "***"),
    ("db-1  | password\n", "db-1  | ***\n"),
    ("Secret file content:\n  secret\n", "Secret file content:\n  ***\n"),
    # echo/printf of it piped to a tool or written to a file
    ("echo -n password | base64", "echo -n *** | base64"),
    ("printf password > secrets/db_password.txt", "printf *** > secrets/db_password.txt"),
    ("printf '%s' secret | docker secret create rails_master_key -",
     "printf '%s' *** | docker secret create rails_master_key -"),
    ("echo secret >> .secrets/key && chmod 600 .secrets/key", "echo *** >> .secrets/key && chmod 600 .secrets/key"),
    ("migrate-1  | + echo -n password\nmigrate-1  | + base64\n", "migrate-1  | + echo -n ***\nmigrate-1  | + base64\n"),
    # readable as before: the word in a sentence, under a key that names no secret, echoed to the terminal
    ('FATAL:  password authentication failed for user "postgres"',
     'FATAL:  password authentication failed for user "postgres"'),
    ("ENV POSTGRES_USER password", "ENV POSTGRES_USER password"),
    ("Invalid password", "Invalid password"),
    ("password: required", "password: required"),
    ("echo password is wrong", "echo password is wrong"),
    ("echo password || exit 1", "echo password || exit 1"),
    ("look at the password the service sends", "look at the password the service sends"),
])
def test_the_word_naming_a_secret_is_masked_where_it_is_a_line_or_an_echoed_value(text: str, shown: str) -> None:
    assert Redactor(["password", "secret"]).text(text) == shown


def test_the_word_naming_a_secret_is_masked_alike_on_the_indexed_path() -> None:
    redactor = Redactor([f"Zq{i}x" for i in range(300)] + ["password"])
    assert redactor.text("ENV POSTGRES_PASSWORD password") == "ENV POSTGRES_PASSWORD ***"
    assert redactor.text("echo -n password | base64") == "echo -n *** | base64"
    assert redactor.text("FATAL:  password authentication failed") == "FATAL:  password authentication failed"


@pytest.mark.parametrize(("text", "shown"), [
    # prose naming a column, field, parameter, attribute, key or option right before the quoted word: that word
    # (Flagsmith's POSTGRES_PASSWORD: password beside Django's `column "password" of relation ...`)
    ('django.db.utils.ProgrammingError: column "password" of relation "users_ffadminuser" does not exist',
     'django.db.utils.ProgrammingError: column "password" of relation "users_ffadminuser" does not exist'),
    ("unknown field 'secret' in config", "unknown field 'secret' in config"),
    ('Option "secret" is deprecated', 'Option "secret" is deprecated'),
    ('missing parameter "password"', 'missing parameter "password"'),
    ('key "password" not found', 'key "password" not found'),
    # elsewhere quoted as before: the value, or a key a secret's word names
    ("POSTGRES_PASSWORD is 'password'", "POSTGRES_PASSWORD is '***'"),
    ("KeyError: 'password'", "KeyError: '***'"),
    ("invalid API key 'secret'", "invalid API key '***'"),
    ("monkey 'password'", "monkey '***'"),
])
def test_a_quoted_word_prose_names_as_a_column_or_field_stays_readable(text: str, shown: str) -> None:
    assert Redactor(["password", "secret"]).text(text) == shown
    assert Redactor([f"Zq{i}x" for i in range(300)] + ["password", "secret"]).text(text) == shown
