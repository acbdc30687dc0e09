"""host_refs of a big .env's pairs: a value with no `://` is not searched for URLs, a key ending in no word
of HOST_KEY's is not matched against it, and the hosts found are the same (a differential test)."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import doctor.project.env_hosts as env_hosts

SHARED = Path(__file__).resolve().parents[2] / "shared"


class _Counted:
    def __init__(self, pattern: re.Pattern[str], calls: list[str]) -> None:
        self.pattern, self.calls = pattern, calls

    def match(self, text: str) -> re.Match[str] | None:
        self.calls.append(text)
        return self.pattern.match(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        self.calls.append(text)
        return self.pattern.finditer(text)


def test_secret_pairs_ask_no_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(env_hosts, "HOST_KEY", _Counted(re.compile(env_hosts.HOST_KEY.pattern, re.I), calls))
    monkeypatch.setattr(env_hosts, "URL", _Counted(re.compile(env_hosts.URL.pattern), calls))
    rng = random.Random(2)
    for i in range(1000):
        value = "".join(rng.choices(string.ascii_letters + string.digits, k=24))
        assert list(env_hosts._find_host_refs(f"API_KEY_{i}", value, False)) == []
    assert calls == []  # before: a URL search and a HOST_KEY match for each pair
    assert [r.host for r in env_hosts._find_host_refs("DB_HOST", "postgres", False)] == ["postgres"]
    assert [r.host for r in env_hosts._find_host_refs("API_URL", "http://api:8000/x", False)] == ["api"]


def _keys(rng: random.Random) -> list[str]:
    words = ["DB", "REDIS", "PG", "MYSQL", "API", "SMTP", "KC", "DOCKER", "APP", "mongo", "Sql", "x"]
    ends = ["HOST", "HOSTS", "HOSTNAME", "SERVER", "SERVERS", "ADDR", "ADDRESS", "URL", "PORT", "host", "Host",
            "HOST\n", "HOST\n\n", "HOSTſ", "hoſt", "ADDRESS_", "", "KEY"]
    return [rng.choice(words) + rng.choice(["_", "__", "", "-"]) + rng.choice(ends) for _ in range(400)]


def test_the_same_hosts_as_matching_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(9)
    values = ["db", "db:5432", "a,b c", "postgres://u:p@db:5432/x", "tcp://dind:2375", "s3://bucket", "",
              '{"host": "pg", "port": 5432}', "http://x,y:1/z", "localhost"]
    keys = _keys(rng)
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        keys += re.findall(r"(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*[=:]", "\n".join(
            p.read_text(errors="replace") for p in sorted(corpus.rglob(".env*")) if p.is_file()))
    for key in keys:
        for value in values:
            for json in (False, True):
                new = list(env_hosts._find_host_refs(key, value, json))
                with monkeypatch.context() as patch:
                    patch.setattr(env_hosts, "_HOST_WORDS", ("",))  # every key ends in ""
                    old = list(env_hosts._find_host_refs(key, value, json))
                assert new == old, (key, value)


def test_no_url_without_its_separator() -> None:
    rng = random.Random(4)
    for _ in range(5000):
        value = "".join(rng.choices(string.ascii_letters + ":/@.-+ ", k=rng.randint(0, 30)))
        if "://" not in value:
            assert env_hosts.URL.search(value) is None
