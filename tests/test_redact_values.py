"""Whole values masked, credentials masked by their shape, references left readable (unit level)."""

from __future__ import annotations

import time

import pytest

from doctor.known_secrets import secrets_in_text
from doctor.redact import Redactor, secrets_in_mapping
from doctor.secret_shapes import looks_like_credential, token_like_user

# (.env key, value as compose reads it, the line as written in the file)
WHOLE_VALUES = [
    ("MASTER_PASS", "correct horse battery staple", "MASTER_PASS=correct horse battery staple"),
    ("API_TOKEN", "it's\"Quote2Tail", "API_TOKEN=it's\"Quote2Tail"),
    ("REDIS_PASSWORD", "back\\slash4Tail", "REDIS_PASSWORD=back\\slash4Tail"),
    ("Y_PASSWORD", "it's Yaml7Tail", "      Y_PASSWORD: 'it''s Yaml7Tail'"),
    ("DB_PASSWORD", 'say "hi" Dq9', 'DB_PASSWORD="say \\"hi\\" Dq9"'),
]


@pytest.mark.parametrize(("key", "value", "line"), WHOLE_VALUES)
def test_a_known_value_is_masked_whole_in_every_form(key: str, value: str, line: str) -> None:
    import json

    redactor = Redactor(secrets_in_mapping({key: value}))
    for shown in (line, " " + line, json.dumps(line), json.dumps({"old": line})):
        out = redactor.text(shown)
        assert key in out
        assert not any(value[i:i + 4] in out for i in range(len(value) - 3) if value[i:i + 4].strip()), out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the shapes alone, no known value: the whole quoted value, escapes included
        ("Y_PASSWORD: 'it''s Yaml7Tail'", "Y_PASSWORD: '***'"),
        ("API_TOKEN=it's\"Quote2Tail", "API_TOKEN=***"),
        ("REDIS_PASSWORD=back\\slash4Tail", "REDIS_PASSWORD=***"),
        ("'API_TOKEN=abc123' names no service", "'API_TOKEN=***' names no service"),
        ('{"API_KEY=abc": 1}', '{"API_KEY=***": 1}'),
        # a URL password runs to the last `@` of the authority
        ("REDIS_URL=redis://:hunter@2025@rediss:6379/0", "REDIS_URL=redis://:***@rediss:6379/0"),
        ("postgres://app:p@ss@w0rd@db:5432/app?x=1", "postgres://app:***@db:5432/app?x=1"),
        ("http://user@example.com/path and postgres://postgres@db/app",
         "http://user@example.com/path and postgres://postgres@db/app"),
        # a Sentry DSN: the user part is the key
        ("SENTRY=https://0123456789abcdef0123456789abcdef@o123.ingest.sentry.io/456",
         "SENTRY=https://***@o123.ingest.sentry.io/456"),
        # references stay, defaults of secret keys do not
        ("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}",
         "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}"),
        ("SMTP_PASSWORD: ${SMTP_PASSWORD:-}", "SMTP_PASSWORD: ${SMTP_PASSWORD:-}"),
        ("X_PASSWORD=${X:-s3cretvalue}", "X_PASSWORD=${X:-***}"),
        ('X_PASSWORD: "${X_PASSWORD-s3cretvalue}"', 'X_PASSWORD: "${X_PASSWORD-***}"'),
        ("X_PASSWORD=${X:+${Y}}", "X_PASSWORD=${X:+${Y}}"),
        ("DATABASE_URL: postgresql://postgres:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app",
         "DATABASE_URL: postgresql://postgres:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app"),
        ("postgres://u:${PW:-Dflt99}@db/x", "postgres://u:${PW:-***}@db/x"),
        ("redis-server --requirepass ${REDIS_AUTH:-myredissecret}", "redis-server --requirepass ${REDIS_AUTH:-***}"),
        ("redis-cli -a ${REDIS_PW} ping", "redis-cli -a ${REDIS_PW} ping"),
        # doc placeholders, key files and switches are no secrets
        ("list form (`- KEY=value`) or mapping form", "list form (`- KEY=value`) or mapping form"),
        ("SSL_KEY=/certs/site.key", "SSL_KEY=/certs/site.key"),
        ("DB_PASSWORD=/run/secrets/db_password", "DB_PASSWORD=/run/secrets/db_password"),
        ("MAILCOW_PASS_SCHEME=BLF-CRYPT", "MAILCOW_PASS_SCHEME=BLF-CRYPT"),
        ("ENABLE_AUTH=1", "ENABLE_AUTH=1"),
        ("DB_PASSWORD=/hunter2", "DB_PASSWORD=***"),
        # a password or token may read like a path: only docker's secret files are shown
        ("DB_PASSWORD=/abc/def", "DB_PASSWORD=***"),
        ("API_TOKEN=~/tok/en", "API_TOKEN=***"),
        ("POSTGRES_PASSWORD: ./pass/word", "POSTGRES_PASSWORD: ***"),
        # a password with a raw `/`, `?`, `#` runs to the last `@` before a host; a port stays
        ("DATABASE_URL=postgres://app:Pa/ss#w0rdX@db/app", "DATABASE_URL=postgres://app:***@db/app"),
        ("postgres://app:Qm?zW0rd@postgresql:5432/app", "postgres://app:***@postgresql:5432/app"),
        ("http://localhost:3000/@vite/client", "http://localhost:3000/@vite/client"),
        # an `@` before the raw `/` too: the password still runs to the last `@` before a host
        ("DATABASE_URL=postgres://app:Tr0ub@dor/42x@postgresserver:5432/app",
         "DATABASE_URL=postgres://app:***@postgresserver:5432/app"),
        ("https://user:tok@registry.example.com/@scope/pkg", "https://user:***@registry.example.com/@scope/pkg"),
        ("http://host:8080/x@y and https://cdn.example/npm/pkg@1.0/x",
         "http://host:8080/x@y and https://cdn.example/npm/pkg@1.0/x"),
        # token formats beyond the first list
        ("HF=hf_QzWmXnRvTyLbCdFgHjKqPsUvWxYzAbCdEf", "HF=***"),
        ("DO=dop_v1_" + "7a3f9c2e" * 8, "DO=***"),
        ("SHOP=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", "SHOP=***"),
        ("WH=whsec_Zq8Pk2Wm5Xn7Rv4Ty9LbCd3FgH6Jk1", "WH=***"),
        ("RUNNER=glrt-t3_Zk8Pq2Wm5Xn7Rv4Ty9Lb", "RUNNER=***"),
        ("USERS=admin:$2y$10$Zq8Pk2Wm5Xn7Rv4Ty9LbCuN8qKz1aVx9Yb2Wc3Zd4Ee5Ff6Gg7Hh9", "USERS=admin:***"),
        # `KEY=value` of an innocent key from a file the project's values do not cover: by shape
        ("CALLBACK_ID='q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0' from backend/.env:2",
         "CALLBACK_ID='***' from backend/.env:2"),
        ("GIT_SHA=a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 IMAGE=app:1.4.2 seed: q8z3k7m2p9x4v6n1r5t0w8y3b7c2",
         "GIT_SHA=a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 IMAGE=app:1.4.2 seed: q8z3k7m2p9x4v6n1r5t0w8y3b7c2"),
        # the default of a reference to a secret-named variable, wherever it stands
        ("invalid port '${API_TOKEN:-Sup3rPortPw9}:81'", "invalid port '${API_TOKEN:-***}:81'"),
        ("${PORT:-8080}:80 and ${API_TOKEN:-${OTHER}}", "${PORT:-8080}:80 and ${API_TOKEN:-${OTHER}}"),
        # a container's log line (`doctor why`) names a credential the project never defined
        ("unknown token 7fq2lx9zk3mw8pr4tn6vb1cy5hd0gj2s", "unknown token ***"),
        ("aws secret hT9pXq2Lm8vR4kZ+Wn6Yc1Bd3Fg5Jk7Ms0Qe2Ua rejected", "aws secret *** rejected"),
        ("invalid API key Mk9Lp2Qr7Xz4Wv8Bn3Hj6Tg1Ys5Dc0Fa given", "invalid API key *** given"),
        ("the key MyVeryLongClassName2Handler is fine", "the key MyVeryLongClassName2Handler is fine"),
        ("monkey 7fq2lx9zk3mw8pr4tn6vb1cy5hd0gj2s stays", "monkey 7fq2lx9zk3mw8pr4tn6vb1cy5hd0gj2s stays"),
        ("key sha256:" + "ab12" * 16, "key sha256:" + "ab12" * 16),
    ],
)
def test_shapes_mask_whole_values_and_leave_references(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


CREDENTIALS = [
    "3f9a7c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
    "django-insecure-k3$j9x!q2w@e4r5t6y7u8i9o0p",
    "Mk9Lp2Qr7Xz4Wv8Bn3Hj6Tg1Ys5Dc0Fa",
    "Hq7mZ2pL9xK4vR8nT3wY6sB1cF5gJ0dA",
    "b64:dGhpc2lzYXZlcnlsb25nc2VjcmV0a2V5MTIzNDU2Nzg=",
    "base64:Xk3J9aQ2mP7sL0vR8tY4wN6bC1dF5gH2jK9=",
    "yYrECL4qbNwleYInGJYvVnSkwJuSQJ4ijPTx5tirGUXrbznFIBFVJdPl5t6O9ASw",
    "q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0",  # one case and digits, as random text mixes them
    "xk29fj38dk47slq0pz83mv92nc71bd65",
    "Q8Z3K7M2P9X4V6N1R5T0W8Y3B7C2D6F1",
    "k#9v!2m@x$z&q7w^p3r*t8y(u1i)o5e-a6s+d4f",  # django's get_random_secret_key() alphabet
]
READABLE = [
    "/usr/local/lib/python3.11/site-packages", "postgres:16-alpine", "ghcr.io/acme/app:1.4.2",
    "123e4567-e89b-12d3-a456-426614174000", "America/Argentina/Buenos_Aires", "MyVeryLongClassName2Handler",
    "NODE_OPTIONS_max_old_space_size_4096", "my-long-service-name-2024-prod", "https://docs.example.com/guide",
    "sha256:" + "ab12" * 16, "cache.internal.example", "8080", "0000000000000000000000000000000000000000",
    "correct horse battery staple", "corpusplaceholdersecretkey00000000", "postgresql16alpine3builder2024",
    "abcdefghijklmnopqrstuvwxyz0123456789", "--max-old-space-size=4096--x-y-z",
]


@pytest.mark.parametrize("value", CREDENTIALS)
def test_credentials_by_shape(value: str) -> None:
    assert looks_like_credential(value, "INNOCENT")
    assert value in secrets_in_mapping({"INNOCENT": value})
    assert value in secrets_in_text(f"INNOCENT={value}\n")


@pytest.mark.parametrize("value", READABLE)
def test_readable_values_are_no_credentials(value: str) -> None:
    assert not looks_like_credential(value, "INNOCENT")
    assert secrets_in_mapping({"INNOCENT": value}) == set()


@pytest.mark.parametrize("key", ["GIT_SHA", "OPAMP_GO_REF", "BUILD_COMMIT", "IMAGE_DIGEST"])
def test_a_revision_key_keeps_its_hex(key: str) -> None:
    assert not looks_like_credential("fc016b0599ee6cb5ba479452055a3370e7238aaa", key)


def test_url_users() -> None:
    assert token_like_user("0123456789abcdef0123456789abcdef")
    assert not token_like_user("postgres")
    assert not token_like_user("deploy-user")


def test_a_credential_under_an_innocent_key_is_masked_by_value_everywhere() -> None:
    redactor = Redactor(secrets_in_mapping({"NEXTAUTH": CREDENTIALS[0], "APP_PORT": "8080", "HOST": "db"}))
    out = redactor.text(f'diff: NEXTAUTH={CREDENTIALS[0]}\n"old": "{CREDENTIALS[0]}" on db port 8080')
    assert CREDENTIALS[0][:8] not in out and "NEXTAUTH=***" in out and "db port 8080" in out


@pytest.mark.parametrize("shape", ["${A:-", "${A=", "A=${A:-${", "x://a:b@", "@", "'", "''", "\\'", "a'b", "K='x''",
                                   "x://a:b/", "token ", "api key ", "key a1B2c3D4e5F6g7H8i9J0k1L2m3N4 "])
def test_new_shapes_stay_linear(shape: str) -> None:
    redactor = Redactor(["Adm1nPwdValue"])
    text = "SECRET_VALUE=" + shape * (40_000 // len(shape))
    started = time.perf_counter()
    redactor.text(text)
    secrets_in_text(text)
    assert time.perf_counter() - started < 2.0


def test_check_docs_keep_their_placeholders_and_references() -> None:
    """`doctor explain` and SARIF rule help go through the Redactor: `- KEY=value` stays readable;
    the only secret in any check's docs is an example URL's password."""
    from doctor.engine import load_registry
    from doctor.redact import scrub

    found: list[str] = []
    docs = [check.documentation() for check in load_registry().checks.values()]
    for doc in docs:
        scrub(doc, found.append)
    assert set(found) <= {"p"}
    assert any("`- KEY=value`" in doc for doc in docs)


def test_a_bare_dollar_in_a_secret_masks_what_compose_reads_as_a_variable() -> None:
    """`DB_PASSWORD: Pa$sw0rdSecret9` unescaped: compose warns `sw0rdSecret9` is not set, and env-drift
    names it; an upper-case `$NAME` is a reference by convention and stays readable."""
    redactor = Redactor(secrets_in_text("DB_PASSWORD: Pa$sw0rdSecret9\nAPI_TOKEN: x$HOME9a$DB_HOST\n"))
    assert redactor.text("'sw0rdSecret9' is not set") == "'***' is not set"
    assert redactor.text("'HOME' and 'DB_HOST' are not set") == "'HOME' and 'DB_HOST' are not set"


def test_a_percent_encoded_password_is_masked_decoded_too() -> None:
    """`postgres://app:p%40ss%3AW0rdPct@db`: an app's log line shows the password decoded."""
    redactor = Redactor(secrets_in_text("DATABASE_URL=postgres://app:p%40ss%3AW0rdPct@db:5432/app\n"))
    assert redactor.text("auth failed for password p@ss:W0rdPct") == "auth failed for password ***"
    assert redactor.text("DATABASE_URL=postgres://app:p%40ss%3AW0rdPct@db") == "DATABASE_URL=postgres://app:***@db"


def test_an_env_line_without_equals_sign_keeps_a_checksum() -> None:
    assert secrets_in_text("ENV TINI_SHA ffaeece323978760822de2cd2cf1b0913b667b13\n") == set()
    assert secrets_in_text("CALLBACK q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0\n") == {
        "q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0"}


@pytest.mark.parametrize(("key", "secret"), [
    # glued, numbered and plural forms of the README's `*PASSWORD*`, `*KEY*`, `*TOKEN*`, `*SECRET*`
    ("DB_PASSWORD2", True), ("API_KEYS", True), ("SECRETKEY", True), ("ACCESSKEY", True),
    ("REFRESH_TOKENS", True), ("PASSWORDHASH", True), ("SIGNINGKEY", True), ("MAX_PASSWORD", True),
    # a count of them, and words that only end so, stay readable
    ("CASSANDRA_NUM_TOKENS", False), ("OPENAI_MAX_TOKENS", False), ("MONKEY", False), ("HOTKEY", False),
    ("KEYBOARD_LAYOUT", False), ("KEYCLOAK_REALM", False), ("TOKENIZER_PATH", False), ("BYPASS", False),
])
def test_a_key_names_a_secret_also_glued_numbered_or_plural(key: str, secret: bool) -> None:
    from doctor.secret_keys import is_secret_key

    assert is_secret_key(key) is secret
    assert (Redactor().text(f"{key}=hunter2horse") == f"{key}=***") is secret


def test_a_piece_of_a_password_a_client_cut_at_a_raw_delimiter_is_masked() -> None:
    """`postgresql://appuser:Xk9Qw2Lz/Pm4Rt7Vb@db:5432/app`: libpq and urllib end the authority at the
    raw `/` and their errors quote what they took for the port; `doctor why` showed that piece of the
    password in the clear. Pieces of 6 or more characters are masked where they stand alone."""
    redactor = Redactor(secrets_in_mapping({"DATABASE_URL": "postgresql://appuser:Xk9Qw2Lz/Pm4Rt7Vb@db:5432/app",
                                            "REDIS_PASSWORD": "q7Wz#Lm3Np@Tx", "MQ_PASSWORD": "ab12cd/ef34gh"}))
    libpq = 'psycopg2.OperationalError: invalid integer value "Xk9Qw2Lz" for connection option "port"'
    assert redactor.text(libpq) == 'psycopg2.OperationalError: invalid integer value "***" for connection option "port"'
    assert redactor.text("ValueError: Port could not be cast to integer value as 'Xk9Qw2Lz'").endswith("as '***'")
    assert redactor.text("dial Pm4Rt7Vb@db") == "dial ***@db"
    # short pieces and the URL's other parts stay readable; a piece under 8 characters is masked alone only
    readable = "appuser on db:5432/app; q7Wz and Lm3Np and Tx"
    assert redactor.text(readable) == readable
    assert redactor.text("port 'ab12cd' of ab12cdx") == "port '***' of ab12cdx"


def test_the_public_words_of_a_secret_libpq_dsn_stay_readable_elsewhere() -> None:
    """A secret libpq DSN (`PG_DSN: host=localhost user=app password=... dbname=app sslmode=disable`): its words
    `host=localhost`, `dbname=app`, `sslmode=disable` were masked wherever they stood, another line's
    `REDIS_SETTINGS: host=localhost port=6379` shown as `*** port=6379` and the fix's new value as
    `host=db *** *** *** ***`; only its password is a secret, whole or as its `password=` word."""
    redactor = Redactor(secrets_in_text(
        'PG_DSN="host=localhost user=app password=Pw9xYzQ7kL dbname=app sslmode=disable"\n'))
    assert redactor.text("REDIS_SETTINGS: host=localhost port=6379") == "REDIS_SETTINGS: host=localhost port=6379"
    assert redactor.text('PG_DSN: "host=db user=app password=Pw9xYzQ7kL dbname=app sslmode=disable"') == \
        'PG_DSN: "host=db user=app *** dbname=app sslmode=disable"'
    assert "Pw9xYzQ7kL" not in redactor.text("auth failed for Pw9xYzQ7kL")
