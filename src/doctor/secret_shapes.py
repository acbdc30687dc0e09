"""Whether a value is a credential by its shape alone, whatever the key that holds it.

`NEXTAUTH=3f9a...` (40 hex digits), `MEILI_MASTER=Mk9Lp2Qr...` (32 random base62 characters),
`ENCRYPTION=b64:dGhp...`, `DJANGO_SK=django-insecure-...`: the key says nothing, the value says
everything. A value counts when the whole of it (after a short `scheme:` prefix such as `b64:`)
is one of:

- 32 or more hex digits, with at least one letter and one digit;
- 24 or more base64 / base64url characters (`=` padding allowed) mixing upper case, lower case
  and digits (in two places at least), and switching between those classes as often as random
  text does (two changes every five characters: `Mk9Lp2Qr` changes at every character; the
  identifiers `MyVeryLongClassName2Handler` and `max_old_space_size_4096` have one digit run);
- a `django-insecure-` key.

Never: a digest (`sha256:...`, an image reference with `@sha256:`), a value under a key that
names a revision or checksum (`GIT_SHA`, `BUILD_COMMIT`, `*_REF`, `*_DIGEST`, `*_VERSION`), a path
(`/`, `./`, `~/`), anything with a blank, a dot or an `@` in it (hostnames, image tags,
versions, e-mail addresses), and UUIDs (`123e4567-e89b-12d3-a456-426614174000`): a UUID is
mostly an id (tenant, client, project) that a user reads to tell things apart; a UUID used as a
secret sits under a key that says so (`*_SECRET`, `*_TOKEN`) and is masked by key. URLs are
judged by their userinfo (`doctor.redact`), not here.
"""

from __future__ import annotations

from itertools import pairwise

from doctor.lazyre import lazy

_HEX = lazy(r"[0-9a-fA-F]{32,}+")
_BASE64 = lazy(r"[A-Za-z0-9+/_-]{24,}+={0,2}")
_PREFIX = lazy(r"[A-Za-z][A-Za-z0-9]{0,11}:")
_DIGIT_RUN = lazy(r"[0-9]++")
_URL_USER = lazy(r"[A-Za-z0-9_-]{16,}+")
_DIGESTS = ("sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:")
_NOT_SECRET_LAST = frozenset({"SHA", "COMMIT", "REV", "REVISION", "DIGEST", "CHECKSUM", "VERSION", "ETAG", "REF",
                              "TAG"})
_DJANGO = "django-insecure-"


def _classes(text: str) -> list[int]:
    return [0 if c.isdigit() else 1 if c.isupper() else 2 if c.islower() else 3 for c in text]


def _random_looking(body: str) -> bool:
    classes = _classes(body)
    if not {0, 1, 2} <= set(classes) or len(_DIGIT_RUN.findall(body)) < 2:
        return False
    changes = sum(a != b for a, b in pairwise(classes))
    return changes * 5 >= len(body) * 2


def looks_like_credential(value: str, key: str = "") -> bool:
    """Whether the whole value is a credential by its shape (see the module docs)."""
    text = value.strip()
    if len(text) < 24 or any(c.isspace() for c in text):
        return False
    if text.startswith(_DJANGO):
        return len(text) >= len(_DJANGO) + 8
    if key and key.replace("-", "_").upper().rsplit("_", 1)[-1] in _NOT_SECRET_LAST:
        return False
    if text.lower().startswith(_DIGESTS):
        return False
    prefix = _PREFIX.match(text)
    body = text[prefix.end():] if prefix is not None else text
    if _HEX.fullmatch(body):
        return any(c.isdigit() for c in body) and any(c.isalpha() for c in body)
    if not _BASE64.fullmatch(body) or body.startswith(("/", "-", "_", "+")):
        return False
    return _random_looking(body.rstrip("="))


def token_like_user(user: str) -> bool:
    """Whether a URL's user part, with no password after it, is itself the key (a Sentry DSN)."""
    if not _URL_USER.fullmatch(user):
        return False
    return _HEX.fullmatch(user) is not None or looks_like_credential(user) or (
        any(c.isdigit() for c in user) and any(c.isalpha() for c in user) and len(user) >= 20)
