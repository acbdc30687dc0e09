"""Secrets never reach output: URL passwords, secret-looking keys, and known secret values."""

from __future__ import annotations

import pytest

from doctor.redact import Redactor
from doctor.secret_keys import is_secret_key


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


@pytest.mark.parametrize("name", ["POSTGRES_SERVER", "POSTGRES_PORT", "KEYCLOAK_URL", "MONKEY_HOST", "AUTHOR",
                                  "API_KEY_RATE_LIMIT", "TOKEN_MAX", "PASSWORD_MIN"])  # plane's `60/minute` was masked
def test_plain_key_names(name: str) -> None:
    assert not is_secret_key(name)


def test_redaction_is_linear_in_the_length_of_a_value() -> None:
    """A 40,000-character value took 23 s with the quadratic patterns; now it is well under 2 s."""
    import time

    from doctor.known_secrets import secrets_in_text

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


# pieces a token-shaped text is made of: every hint literal, bodies, and the characters the
# shapes' look-behinds tell apart
_TOKEN_PIECES = ["ghp_", "gho_", "ghs_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "ASIA", "eyJ", "glpat-", "npm_",
                 "sk_live_", "rk_test_", "sk-", "AIza", "SG.", "hooks.slack.com/services/",
                 "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "ABCDEFGHIJKLMNOP",
                 "abcdefghij0123456789",
                 "T000/B000/XXXX", "x", "0", "_", "-", ".", "/", " ", "\n", '"', "'", ":", "=", "@", "$", "A", "k"]


def _shaped_texts(count: int) -> list[str]:
    import random

    rng = random.Random(12)
    return ["".join(rng.choice(_TOKEN_PIECES) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def _token_texts_of_files() -> list[str]:
    """Every compose and env file of the repo, and of ../shared's corpus when it is there."""
    from conftest import REPO, SHARED

    roots = [REPO / "examples", REPO / "tests"] + ([SHARED / "corpus"] if SHARED.is_dir() else [])
    texts = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and (path.suffix in (".yml", ".yaml") or path.name.startswith(".env")):
                texts.append(path.read_text(errors="replace"))
    return texts


def test_token_shapes_are_tried_only_where_they_begin_with_the_same_matches() -> None:
    """mask_tokens tries the token shapes at the hints alone: it masks exactly what `sub` masks."""
    from doctor.redact import _mask
    from doctor.secret_shapes import TOKEN_SHAPES as _TOKEN_SHAPES
    from doctor.secret_shapes import mask_tokens as _mask_tokens

    straddling = ["eyJabcdef.xhooks.slack.com/services/T000/B000/XXXX",  # a webhook prefix begun inside a JWT
                  "eyJabcdef.xdiscordapp.com/api/webhooks/1/x", "sk-" * 400,
                  "glpat-" + "eyJ" * 300 + " ghp_" + "A" * 30]
    texts = straddling + _shaped_texts(6000) + _token_texts_of_files()
    found = 0
    for text in texts:
        slow: list[str] = []
        fast: list[str] = []
        assert _mask_tokens(text, fast.append) == _mask(_TOKEN_SHAPES, text, slow.append), text
        assert fast == slow, text
        found += bool(fast)
    assert found > 500  # the random texts hold tokens of every shape, not only texts without one


@pytest.mark.parametrize("text", [
    # the engine's error for a bind mount over the image's /etc/passwd, quoted by `doctor why`
    "unable to start container process: unable to find user 0: read /etc/passwd: is a directory: unknown",
    "password: is required",
    "token: expired",
    "secret: not found",
])
def test_an_error_message_after_a_secret_word_stays_readable(text: str) -> None:
    assert Redactor().text(text) == text


def test_a_secret_after_a_colon_is_still_masked() -> None:
    assert Redactor().text("password: hunter22 and DB_PASSWORD: s3cret") == "password: *** and DB_PASSWORD: ***"


@pytest.mark.parametrize(("line", "shown"), [
    ("-export GOOGLE_APPLICATION_CREDENTIALS=/app/creds/bq.json\\r",
     "-export GOOGLE_APPLICATION_CREDENTIALS=/app/creds/bq.json\\r"),
    ("-export API_TOKEN=s3cr3t-v4lue-x\\r", "-export API_TOKEN=***\\r"),
])
def test_a_diff_line_with_its_carriage_return_shown_is_judged_as_its_lf_twin(line: str, shown: str) -> None:
    # mozilla/treeherder (trial I2): a CRLF fix's diff masked the path under a credentials key on the
    # `-` line (`...bq.json\r`, no path by its shape) and showed it on the `+` line
    redactor = Redactor()
    assert redactor.text(line) == shown
    twin, twin_shown = (text.removesuffix("\\r").replace("-", "+", 1) for text in (line, shown))
    assert redactor.text(twin) == twin_shown
