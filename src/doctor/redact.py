"""Mask secrets in anything doctor prints: values of secret-looking keys and URL passwords.

Masking happens at the reporter border, so a check that builds a message from a value cannot
leak it through any format. The Redactor also knows the project's own secret values, so a
secret that reaches a message in an unexpected shape is still caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "***"
SECRET_KEY = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|(^|_)AUTH(_|$)|(^|_)KEY$|_KEY_|(^|_)PASS$)",
    re.IGNORECASE,
)
URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@:'\"]*:)(?P<pw>[^\s@/'\"]+)(?P<at>@)")
KEY_VALUE = re.compile(
    r"(?P<key>\b[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>\s*[=:]\s*)(?P<val>'[^']*'|\"[^\"]*\"|[^\s,;'\"()\[\]{}]+)"
)
MIN_SECRET_LENGTH = 4


def is_secret_key(name: str) -> bool:
    """Whether a variable name looks like it holds a secret (POSTGRES_PASSWORD, API_KEY, ...)."""
    return bool(SECRET_KEY.search(name))


class Redactor:
    """Masks secrets in text: URL passwords, `SECRET_KEY=value` pairs, and known secret values."""

    def __init__(self, secret_values: Iterable[str] = ()) -> None:
        values = {v for v in secret_values if len(v) >= MIN_SECRET_LENGTH}
        self._values = sorted(values, key=len, reverse=True)

    @classmethod
    def from_environment(cls, *mappings: Mapping[str, str | None]) -> Redactor:
        """A Redactor that knows every value of a secret-looking key, and every URL password, in the maps."""
        secrets: set[str] = set()
        for mapping in mappings:
            for key, value in mapping.items():
                if not value:
                    continue
                if is_secret_key(key):
                    secrets.add(value)
                secrets.update(m.group("pw") for m in URL_PASSWORD.finditer(value))
        return cls(secrets)

    def text(self, text: str) -> str:
        """The text with every secret it holds replaced by ***."""
        if not text:
            return text
        text = URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}{m.group('at')}", text)
        text = KEY_VALUE.sub(self._mask_pair, text)
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    @staticmethod
    def _mask_pair(match: re.Match[str]) -> str:
        if not is_secret_key(match.group("key")) or match.group("val").strip("'\"") in ("", MASK):
            return match.group(0)
        return f"{match.group('key')}{match.group('sep')}{MASK}"
