"""Leaks a review found: URL passwords with a blank or a quote, Microsoft Teams and Power Automate
webhooks, and short random secrets under keys that say nothing; and the price of the last in
masked ordinary values, measured on every env value of ../shared/corpus."""

from __future__ import annotations

import json

import pytest

from doctor.redact import Redactor, scrub, secrets_in_mapping

SPACED = [  # (the URL as a value reads, its password)
    ('postgres://app:pa ss"w0rd@db/x', 'pa ss"w0rd'),
    ("postgres://app:pa ss'w0rd@db/x", "pa ss'w0rd"),
    ('postgres://app:pa%20ss"w0rd@db/x', 'pa%20ss"w0rd'),
    ("mysql://root:two words here@mysql:3306/app", "two words here"),
    ("amqps://guest:Spaced Pw\"9@rabbit:5671/vhost", 'Spaced Pw"9'),
]


@pytest.mark.parametrize(("url", "password"), SPACED)
def test_a_url_password_with_a_blank_or_a_quote_is_masked(url: str, password: str) -> None:
    """An env file reads the line whole: `DATABASE_URL=postgres://app:pa ss"w0rd@db/x` is one value."""
    assert scrub(f"connecting to {url} failed") == "connecting to " + url.replace(password, "***") + " failed"
    redactor = Redactor(secrets_in_mapping({"DATABASE_URL": url}))
    for text in (f"DATABASE_URL={url}", f"DATABASE_URL='{url}'", json.dumps({"DATABASE_URL": url}),
                 f"password {password} rejected"):
        masked = redactor.text(text)
        assert password not in masked and json.dumps(password)[1:-1] not in masked, masked
        assert "@" not in text or "db" not in url or "@db/x" in masked


def test_a_percent_encoded_password_is_masked_decoded_too() -> None:
    redactor = Redactor(secrets_in_mapping({"DATABASE_URL": "postgres://app:pa%20ss%22w0rd@db/x"}))
    assert redactor.text('app logged postgres://app:pa ss"w0rd@db/x') == "app logged postgres://app:***@db/x"
    assert redactor.text('auth failed for "pa ss\\"w0rd"') == 'auth failed for "***"'


@pytest.mark.parametrize(
    "text",
    [
        'redis://cache:6379 is down; mail ops@example.com',
        '- "SOME=http://svc:api", "mail=a@b.c"',
        "see https://host/a:b c@d",
        "http://user: pass@x",
        '"url": "http://localhost:8080", "owner": "me@example.com"',
    ],
)
def test_no_url_password_is_read_across_a_port_a_string_or_a_path(text: str) -> None:
    assert scrub(text) == text
