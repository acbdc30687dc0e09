"""A big `.env`'s lines are judged once in secrets_in_text: an assignment whose value the key-value shape
found already is not judged again by its shape (doctor.known_secrets._found_already), with the same
secrets found (a differential test against judging every assignment, over random and real texts)."""

from __future__ import annotations

import os
import random
import string
from pathlib import Path

import pytest

import doctor.known_secrets as known_secrets
from doctor.known_secrets import secrets_in_text

SHARED = Path(os.environ.get("DOCTOR_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def _judging_every_line(monkeypatch: pytest.MonkeyPatch, text: str) -> set[str]:
    with monkeypatch.context() as patch:
        patch.setattr(known_secrets, "_found_already", lambda value, found: False)
        return secrets_in_text(text)


def test_a_big_env_is_judged_by_shape_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    text = "".join(f"API_KEY_{i}={''.join(rng.choices(string.ascii_letters + string.digits, k=24))}\n"
                   for i in range(1000))
    calls: list[str] = []
    real = known_secrets.looks_like_credential

    def counting(value: str, key: str = "") -> bool:
        calls.append(value)
        return real(value, key)

    monkeypatch.setattr(known_secrets, "looks_like_credential", counting)
    found = secrets_in_text(text)
    assert len(found) == 1000
    assert calls == []  # before: one for each line the key's shape had found already


def _random_value(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.2:
        return "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(1, 40)))
    if pick < 0.35:
        user = rng.choice(["deploy", "admin", "sha256", "u"])
        return f"{user}:{''.join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(4, 30)))}"
    if pick < 0.5:
        return f"postgres://app:{''.join(rng.choices(string.ascii_letters, k=10))}@db:5432/app"
    if pick < 0.6:
        return rng.choice(["true", "info", "db", "localhost", "8080", "${OTHER}", "${P:-Zx9kQ2mN7pL4}"])
    if pick < 0.7:
        return "'" + "".join(rng.choices(string.hexdigits, k=40)) + "'"
    return "".join(rng.choices(string.ascii_letters + string.digits + ":@/$=-_.+ ", k=rng.randint(1, 30)))


def test_the_same_secrets_as_judging_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    keys = ["API_KEY", "DB_PASSWORD", "SECRET", "TOKEN", "NEXTAUTH", "CALLBACK", "LOG_LEVEL", "HOST", "USER_PASS"]
    for _ in range(200):
        text = "".join(f"{rng.choice(['', 'export '])}{rng.choice(keys)}_{i}{rng.choice(['=', ': ', '='])}"
                       f"{_random_value(rng)}\n" for i in range(rng.randint(1, 30)))
        assert secrets_in_text(text) == _judging_every_line(monkeypatch, text)


def test_the_same_secrets_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("no shared corpus")
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file() and p.stat().st_size < 512 * 1024 and (
        p.name.startswith(".env") or p.suffix in (".yml", ".yaml", ".env"))]
    assert files
    for path in files:
        text = path.read_text(errors="replace")
        assert secrets_in_text(text) == _judging_every_line(monkeypatch, text), path
