"""A big `.env`'s pairs cost little to judge: a secret by its key with a value of ASCII letters and
digits is that value, no scrub of it (redact.secrets_in_pair); a pair its key says is a secret is
not hashed for the clean-pair memo, which never holds one (known_secrets._Judged.in_pair); and
`API_KEY_17`, `API_KEY_42` are one key's kind (secret_keys.key_kind reads digits as 0). Differential
tests against the full judgement find the same secrets and kinds over random and real inputs."""

from __future__ import annotations

import os
import random
import string
from pathlib import Path

import pytest

import doctor.known_secrets as known_secrets
import doctor.redact as redact
import doctor.secret_keys as secret_keys
from doctor.redact import secrets_in_pair
from doctor.secret_keys import key_kind

SHARED = Path(os.environ.get("DOCTOR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
ALNUM = string.ascii_letters + string.digits


def _full(key: str, value: str | None) -> set[str]:
    """secrets_in_pair as it judged every pair before: by key or shape, user:password, URL password, scrub."""
    found: set[str] = set()
    if not value:
        return found
    if secret_keys.secret_for_key(key, value) or redact.looks_like_credential(value, key):
        found.add(value)
    elif (secret := redact.user_secret(value, key)) is not None:
        found.add(secret)
    if (password := redact.whole_url_password(value.strip())) is not None:
        found.add(password)
    redact.scrub(value, found.add)
    return found


def test_a_big_env_of_secret_keys_is_judged_without_scrub_or_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    pairs = {f"API_KEY_{i}": "".join(rng.choices(ALNUM, k=24)) for i in range(1000)}
    scrubbed: list[str] = []
    hashed: list[str] = []
    real_scrub, real_digest = redact.scrub, known_secrets.CleanDigests.judged

    def counting_scrub(text: str, sink: redact.Sink = redact._ignore) -> str:
        scrubbed.append(text)
        return real_scrub(text, sink)

    def counting_judged(self: known_secrets.CleanDigests, what: str, *args: object) -> object:
        hashed.append(what)
        return real_digest(self, what, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(redact, "scrub", counting_scrub)
    monkeypatch.setattr(known_secrets.CleanDigests, "judged", counting_judged)
    monkeypatch.setenv("DOCTOR_NO_CACHE", "1")
    secret_keys._kind.cache_clear()
    judged = known_secrets._Judged()
    found = set().union(*(judged.in_pair(k, v) for k, v in pairs.items()))
    assert found == set(pairs.values())
    assert scrubbed == []  # before: one scrub for each pair
    assert hashed == []  # before: one digest for each pair
    assert secret_keys._kind.cache_info().misses <= 4  # before: one key's kind judged for each key
    # a pair that is no secret by its key is still judged whole, and hashed
    assert judged.in_pair("CALLBACK_URL", "postgres://u:Pw9xQ7zz@db/x") == {"Pw9xQ7zz"}
    assert judged.in_pair("LOG_LEVEL", "info") == set() and len(hashed) == 2


def _random_value(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.4:  # letters and digits, some with a token's head (SK + 32 hex, AKIA, EAAA, AIza, ...)
        head = rng.choice(["", "", "SK", "AKIA", "EAAA", "AIza", "ATATT3", "dapi", "LTAI", "Bearer", "ghp"])
        body = "".join(rng.choices(rng.choice([ALNUM, "0123456789abcdef", string.ascii_uppercase + string.digits]),
                                   k=rng.randint(1, 110)))
        return head + body
    if pick < 0.55:
        return "".join(rng.choices(ALNUM + "_-.~/+=:@$ ", k=rng.randint(1, 40)))
    if pick < 0.7:
        user = rng.choice(["deploy", "admin", "sha256", "u"])
        return f"{user}:{''.join(rng.choices(ALNUM, k=rng.randint(4, 30)))}"
    if pick < 0.8:
        return f"postgres://app:{''.join(rng.choices(string.ascii_letters, k=10))}@db:5432/app"
    return rng.choice(["true", "info", "db", "8080", "0", "${OTHER}", "${P:-Zx9kQ2mN7pL4}", "ghp_" + "a1" * 20,
                       "AKIA" + "ABCD1234" * 2, "SK" + "ab12" * 8, "--password=Zx9kQ2mN7pL4", "a b"])


def test_the_same_secrets_as_the_full_judgement() -> None:
    rng = random.Random(4)
    keys = ["API_KEY", "DB_PASSWORD", "SECRET", "TOKEN", "NEXTAUTH", "CALLBACK", "LOG_LEVEL", "HOST", "AUTH_URL",
            "SENTRY_DSN", "SLACK_WEBHOOK", "SSL_KEY", "NUM_TOKENS", "apiKey", "x"]
    for _ in range(20000):
        key, value = f"{rng.choice(keys)}{rng.choice(['', '2', '_1'])}", _random_value(rng)
        assert secrets_in_pair(key, value) == _full(key, value), (key, value)


def _keys_and_values_of_the_corpus() -> list[tuple[str, str]]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("no shared corpus")
    pairs = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.stat().st_size > 512 * 1024 or not (
                path.name.startswith(".env") or path.suffix in (".yml", ".yaml", ".env")):
            continue
        for line in path.read_text(errors="replace").splitlines():
            key, sep, value = line.strip().removeprefix("- ").partition("=" if "=" in line else ":")
            if sep and key.strip() and " " not in key.strip():
                pairs.append((key.strip().strip("'\""), value.strip().strip("'\"")))
    assert pairs
    return pairs


def test_the_same_secrets_on_the_corpus() -> None:
    for key, value in _keys_and_values_of_the_corpus():
        assert secrets_in_pair(key, value) == _full(key, value), (key, value)


def test_a_keys_digits_change_no_kind() -> None:
    rng = random.Random(8)
    words = ["API", "KEY", "KEYS", "PASSWORD", "PASSWD", "TOKEN", "TOKENS", "NUM", "N", "MAX", "DSN", "SECRET", "FILE",
             "PWD", "OLDPWD", "WEBHOOK", "URL", "Key", "monkey", "APIKEY", "HOT", "PAT", "db", "x"]
    names = [key for key, _ in _keys_and_values_of_the_corpus()] if (SHARED / "corpus").is_dir() else []
    for _ in range(20000):
        parts = [rng.choice(words) + rng.choice(["", "", "1", "22", "9"]) for _ in range(rng.randint(1, 4))]
        names.append(rng.choice(["_", "", "-", "."]).join(
            rng.choice(["", "7", "00"]) + part if rng.random() < 0.2 else part for part in parts))
    for name in names:
        assert key_kind(name) == secret_keys._kind.__wrapped__(name), name
