"""The URLs an env value names: hosts found where a scheme starts, and long values scanned once."""

from __future__ import annotations

import pytest

from doctor.project.env_hosts import URL, host_refs


@pytest.mark.parametrize(("value", "expected"), [
    ("postgres://u:p@db:5432/app", [("postgres", "db", 5432)]),
    ("redis+sentinel://cache:26379", [("redis+sentinel", "cache", 26379)]),
    ("primary=http://api:8000,backup=https://api2", [("http", "api", 8000), ("https", "api2", None)]),
    ("not a url: db:5432", []),
    # multi-host URLs (libpq, MongoDB): every host of the netloc, not only the first
    ("mongodb://u:p@mongo1:27017,mongo2:27017/db?replicaSet=rs0",
     [("mongodb", "mongo1", 27017), ("mongodb", "mongo2", 27017)]),
    ("postgresql://pg1,pg2:5433/app", [("postgresql", "pg1", None), ("postgresql", "pg2", 5433)]),
    ("postgres://[::1]:5432,[fd00::2]:5433/x", [("postgres", "::1", 5432), ("postgres", "fd00::2", 5433)]),
    # a comma before another URL, or before `key=`, ends the netloc
    ("http://a.example,http://b.example", [("http", "a.example", None), ("http", "b.example", None)]),
    # object-store URLs name a bucket, not a host (getsentry/self-hosted's SENTRY_BUCKET_PROFILES)
    ("s3://profiles?region=us-east-1&endpoint=seaweedfs:8333&s3ForcePathStyle=true", []),
    ("gs://artifacts/run", []),
    # a password holding a blank or a quote: the host is after the authority's last @, as urllib reads
    # it (not `Pw9xQ7`, a piece of the password a fix would then rewrite)
    ("redis://:Secr3t@Pw9xQ7 more@cache:6379/0", [("redis", "cache", 6379)]),
    ('postgres://app:pa ss"w0rd@db/x', [("postgres", "db", None)]),
    ("amqps://svc:Rab bit'Pw1@mq", [("amqps", "mq", None)]),
    ("redis://cache:6379 is down; mail ops@example.com", [("redis", "cache", 6379)]),  # prose: host ends it
    # an `@` and a raw `/` in the password: the host after the last `@` before a host, as the
    # redaction reads it (not `dor`, a piece of the password a fix rewrote: `Tr0ub@db/42x@...`)
    ("postgres://app:Tr0ub@dor/42x@postgresserver:5432/app", [("postgres", "postgresserver", 5432)]),
    ("https://user:tok@registry.example.com/@scope/pkg", [("https", "registry.example.com", None)]),
    ("file:///data/x", []),
])
def test_url_hosts(value: str, expected: list[tuple[str, str, int | None]]) -> None:
    assert [(r.scheme, r.host, r.port) for r in host_refs("SOME_URL", value)] == expected


def test_a_scheme_starts_where_its_run_of_scheme_characters_starts() -> None:
    # the scan tries one start per run (a 64 KB hex value took 69 s trying every character); a
    # scheme glued to a digit or dot before it is that run's scheme, as RFC 3986 reads it
    value = "a1b2" * 4096 + " v1.x-https://h"
    assert [m["scheme"] for m in URL.finditer(value)] == ["v1.x-https"]
    assert [m["scheme"] for m in URL.finditer("9http://h")] == []  # a scheme starts with a letter


def test_a_long_comma_run_is_scanned_once() -> None:
    value = "x://" + ",".join(["h"] * 100_000) + "=" + ",h" * 100_000
    assert len(list(URL.finditer(value))) == 1  # linear: no retry from each comma
