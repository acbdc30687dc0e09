"""Secrets never reach output: URL passwords, secret-looking keys, and known secret values."""

from __future__ import annotations

import pytest

from doctor.redact import Redactor, is_secret_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://app:s3cr3t@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("redis://:hunter22@cache:6379/0", "redis://:***@cache:6379/0"),
        ("POSTGRES_PASSWORD=changethis names no service", "POSTGRES_PASSWORD=*** names no service"),
        ("API_KEY: abcdef123", "API_KEY: ***"),
        ("SECRET_KEY='x y z'", "SECRET_KEY='***'"),
        ("POSTGRES_SERVER=postgresserver names no service", "POSTGRES_SERVER=postgresserver names no service"),
        ("http://example.com:8080/path", "http://example.com:8080/path"),
        ("KEYCLOAK_HOST=auth", "KEYCLOAK_HOST=auth"),
    ],
)
def test_masks_secrets_in_text(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


def test_known_secret_values_are_masked_wherever_they_appear() -> None:
    redactor = Redactor.from_environment(
        {"POSTGRES_PASSWORD": "changethis", "DATABASE_URL": "postgresql://u:pw-in-url@db/app", "HOST": "db"}
    )
    out = redactor.text("value 'changethis' and pw-in-url leaked, host db kept")
    assert "changethis" not in out and "pw-in-url" not in out
    assert "host db kept" in out


@pytest.mark.parametrize("name", ["POSTGRES_PASSWORD", "GITHUB_TOKEN", "SECRET_KEY", "AWS_ACCESS_KEY_ID", "KEY"])
def test_secret_key_names(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize("name", ["POSTGRES_SERVER", "POSTGRES_PORT", "KEYCLOAK_URL", "MONKEY_HOST", "AUTHOR"])
def test_plain_key_names(name: str) -> None:
    assert not is_secret_key(name)


def test_redaction_is_linear_in_the_length_of_a_value() -> None:
    """A 40,000-character value took 23 s with the quadratic patterns; now it is well under 2 s."""
    import time

    from doctor.redact import secrets_in_text

    redactor = Redactor(["Adm1nPwdValue", "conductor"])
    shapes = ["a", "a.", "A=", "x ", "eyJ-", "a://", "PASSWORD=", '"', "mysql ", "--password ", "KEY: "]
    for shape in shapes:
        text = "SECRET_VALUE=" + shape * (40_000 // len(shape))
        started = time.perf_counter()
        redactor.text(text)
        secrets_in_text(text)
        assert time.perf_counter() - started < 2.0, shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stop 'mongo' of project 'x': docker compose -p x stop mongo",
         "stop 'mongo' of project 'x': docker compose -p x stop mongo"),
        ("redis-cli -a pw1234 ping && mongo -p MongoPw", "redis-cli -a *** ping && mongo -p ***"),
        ("mysqladmin ping -h localhost --port=3306 -proot", "mysqladmin ping -h localhost --port=3306 -p***"),
        ("mysqladmin ping -p$$MYSQL_ROOT_PASSWORD", "mysqladmin ping -p$$MYSQL_ROOT_PASSWORD"),
        ("DB_PASSWORD: ${DB_PASSWORD}", "DB_PASSWORD: ${DB_PASSWORD}"),
        ("Authorization: Token abcdef123456", "Authorization: Token ***"),
        ("http://db:5432 and image: postgres:16", "http://db:5432 and image: postgres:16"),
    ],
)
def test_command_arguments_and_references(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected
