"""Leaks a review found: URL passwords with a blank or a quote, Microsoft Teams and Power Automate
webhooks, and short random secrets under keys that say nothing; and the price of the last in
masked ordinary values, measured on every env value of ../shared/corpus."""

from __future__ import annotations

import json

import pytest

from doctor.known_secrets import secrets_in_text
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


TEAMS = ("https://contoso.webhook.office.com/webhookb2/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b@"
         "9e2b4d6f-8a0c-4e3b-9d7f-9a2c4e6b8d0f/IncomingWebhook/7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e/"
         "8b1d4f6a-0c5e-4b3d-8f1a-8c2e4b6d0f9a")
TEAMS_LEGACY = ("https://outlook.office.com/webhook/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b@9e2b4d6f-8a0c-4e3b-9d7f-"
                "9a2c4e6b8d0f/IncomingWebhook/0c5e9b3d7f1a8c2e7a3f9c2e8b1d4f6a/8b1d4f6a-0c5e-4b3d-8f1a-8c2e4b6d0f9a")
FLOW = ("https://default1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6.d7.environment.api.powerplatform.com:443/powerautomate/"
        "automations/direct/workflows/7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e/triggers/manual/paths/invoke"
        "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg-AbCd12")


@pytest.mark.parametrize(
    ("url", "secret"),
    [(TEAMS, "7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e"), (TEAMS_LEGACY, "0c5e9b3d7f1a8c2e7a3f9c2e8b1d4f6a"),
     (FLOW, "Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg-AbCd12")],
)
def test_teams_and_power_automate_webhooks_are_masked(url: str, secret: str) -> None:
    for key in ("NOTIFY", "TEAMS_WEBHOOK_URL"):
        found = secrets_in_mapping({key: url})
        for text in (f"{key}={url}", f"posting to {url} failed", json.dumps({key: url})):
            assert secret not in Redactor(found).text(text), text
            assert secret not in scrub(text), text
    assert secret in "".join(secrets_in_text(f"NOTIFY={url}\n"))
