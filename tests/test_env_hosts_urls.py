"""The URLs an env value names: hosts found where a scheme starts, and long values scanned once."""

from __future__ import annotations

import pytest

from doctor.project.env_hosts import URL, host_refs


@pytest.mark.parametrize(("value", "expected"), [
    ("postgres://u:p@db:5432/app", [("postgres", "db", 5432)]),
    ("redis+sentinel://cache:26379", [("redis+sentinel", "cache", 26379)]),
    ("primary=http://api:8000,backup=https://api2", [("http", "api", 8000), ("https", "api2", None)]),
    ("not a url: db:5432", []),
])
def test_url_hosts(value: str, expected: list[tuple[str, str, int | None]]) -> None:
    assert [(r.scheme, r.host, r.port) for r in host_refs("SOME_URL", value)] == expected


def test_a_scheme_starts_where_its_run_of_scheme_characters_starts() -> None:
    # the scan tries one start per run (a 64 KB hex value took 69 s trying every character); a
    # scheme glued to a digit or dot before it is that run's scheme, as RFC 3986 reads it
    value = "a1b2" * 4096 + " v1.x-https://h"
    assert [m["scheme"] for m in URL.finditer(value)] == ["v1.x-https"]
    assert [m["scheme"] for m in URL.finditer("9http://h")] == []  # a scheme starts with a letter
