"""A known password holding a blank, `@`, `:` or `/` is masked where it appears percent-encoded, in a URL
and outside one (`Sp@ce%20pass`, `Sp%40ce%20pass`), and in a query string's `+`-for-blank form.

Before: with `POSTGRES_PASSWORD: "Sp@ce pass"`, a worker's log line `connecting as app with Sp%40ce%20pass`
(the DATABASE_URL's password as the app echoes it) and a healthcheck's `?auth=Sp%40ce+pass&db=0` printed it.
"""

from __future__ import annotations

import pytest

from doctor.redact import Redactor


@pytest.mark.parametrize("text", [
    "connecting as app with Sp%40ce%20pass to db",
    "connecting as app with Sp@ce%20pass to db",
    "connecting as app with Sp%40ce pass to db",
    "GET /health?q=Sp%40ce+pass&db=0",
    "GET /health?q=Sp@ce+pass&db=0",
    "postgres://app:Sp%40ce%20pass@db:5432/app",
    "postgres://app:Sp@ce%20pass@db:5432/app",
])
def test_a_known_password_is_masked_percent_encoded(text: str) -> None:
    shown = Redactor(["Sp@ce pass"]).text(text)
    assert "ce%20pass" not in shown and "ce+pass" not in shown and "Sp%40" not in shown, shown
    assert "***" in shown


@pytest.mark.parametrize(("secret", "text", "shown"), [
    ("ab/cd:ef gh", "token ab%2Fcd%3Aef%20gh sent", "token *** sent"),
    ("ab/cd:ef gh", "token ab%2fcd%3aef+gh sent", "token *** sent"),
    # nothing to encode: the value as it is, once
    ("Kq7Wn2Px9Lz4", "x Kq7Wn2Px9Lz4 y", "x *** y"),
])
def test_each_encoding_of_the_reserved_characters(secret: str, text: str, shown: str) -> None:
    assert Redactor([secret]).text(text) == shown


def test_a_plain_text_with_percent_signs_stays() -> None:
    assert Redactor(["Sp@ce pass"]).text("disk at 20% and pass rate 100%") == "disk at 20% and pass rate 100%"
