"""The password (or a user part that is a key) in a URL, as doctor reads a URL and as a writer broke it.

To the last `@` of the authority (`redis://:hunter@2025@cache` masks `hunter@2025`), or, when a
raw `/`, `?`, `#`, a blank or a quote in the password ends the authority early, to the last `@`
before a host; a Sentry DSN's key user part. `doctor.redact` masks what these find.
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.secret_keys import Sink, is_reference, reference_default
from doctor.secret_shapes import MASK, token_like_user

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator

URL_START = lazy(r"(?<![\w+.-])[A-Za-z][\w+.-]*+://")
_AUTHORITY = lazy(r"[^\s/?#'\"\\<>`]*+")  # as doctor.project.env_hosts reads a URL, quotes and escapes aside
_RUN = lazy(r"[^\s'\"\\<>`]*+")  # a URL to its first blank or quote: a raw `/`, `?`, `#` in a password
_RAW_USER = lazy(r"[^/?#:@]*+:(?!\d*+(?:[/?#]|$))")  # `user:` not before a port (`localhost:3000/@vite`)
# `app:` of `postgres://app:pa ss"w0rd@db/x`, not before a blank or a port (`cache:6379 is down`)
_SPACED_USER = lazy(r"[^\s/?#:@'\"\\<>`]*+:(?![ \t])(?!\d++(?:[\s/?#'\"]|$))")
_SPACED_HOST = lazy(r"@[A-Za-z0-9\[][\w.\[\]:%-]*+(?=[/?#\s'\"\\,;)}\]]|$)")  # `@db` ending a URL's authority
_QUOTE_ENDS = lazy(r"[\"'][\s,;:\]})]")  # `", "`: a quote that closes a string, not one in a password
BLANK_OR_QUOTE = lazy(r"[\s'\"\\<>`]")
_AUTHORITY_WHOLE = lazy(r"[^/?#\n]*+")  # a whole value's authority, as urllib splits it
MAX_SPACED = 256  # how far a password with a blank or a quote is read


def url_starts(text: str) -> Iterator[re.Match[str]]:
    """`URL_START.finditer(text)`, tried only where a `://` is: a scheme is the run of [\\w+.-]
    right before it (a match cannot begin inside that run: its look-behind), so URL_START is asked
    at each run's beginning alone, not at every position of the text (~1.3 ms of a 24 kB compose
    file, for a dozen URLs)."""
    end = 0
    at = text.find("://")
    while at >= 0:
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_+.-"):  # `\w` is isalnum or `_`
            start -= 1
        if start >= end and (match := URL_START.match(text, start)) is not None:
            yield match
            end = match.end()
        at = text.find("://", at + 1)


def url_userinfo(text: str, sink: Sink) -> str:
    """The password of every URL, to the last `@` of its authority as doctor's URL parsing reads
    it (`redis://:hunter@2025@cache` masks `hunter@2025`), and a user part that is a key itself
    (a Sentry DSN's `https://<32 hex>@o1.ingest.sentry.io/1`). A `${VAR}` password stays."""
    out: list[str] = []
    done = 0
    runs = [0, -1]
    for match in url_starts(text):
        if match.start() < done:
            continue
        authority = _AUTHORITY.match(text, match.end())
        userinfo, at, _ = authority.group().rpartition("@") if authority is not None else ("", "", "")
        quoted = _quoted_userinfo(text, match.start(), match.end())
        if quoted:
            userinfo = quoted
        elif at and (later := _past_authority(text, match.end(), len(authority.group()), runs)):  # type: ignore[union-attr]
            userinfo = later  # `app:Tr0ub@dor/42x@postgresserver`: an `@` and a raw `/` in the password
        elif not at:
            userinfo = _raw_userinfo(text, match.end(), runs) or _spaced_userinfo(text, match.start(), match.end())
            if not userinfo:
                continue
        user, colon, password = userinfo.partition(":")
        start = match.end() + len(user) + 1 if colon else match.end()
        secret = password if colon else user
        if colon and secret.startswith("${"):
            ref = reference_default("PASSWORD", text, start, sink)
            if ref is not None and ref[0] == start + len(secret):
                if ref[1] is not None:
                    out.append(text[done:ref[1][0]])
                    out.append(MASK)
                    done = ref[1][1]
                continue
        if not secret or is_reference(secret) or (not colon and not token_like_user(user)):
            continue
        sink(secret)
        out.append(text[done:start])
        out.append(MASK)
        done = start + len(secret)
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _raw_userinfo(text: str, start: int, runs: list[int]) -> str:
    """`app:Pa/ss#w0rd` of `postgres://app:Pa/ss#w0rd@db/app`: a password with a `/`, `?` or `#` that
    its writer did not percent-encode ends the authority early, so the user, a colon and the text
    to the run's last `@` before a host are taken as userinfo; "" when the URL reads otherwise.
    `runs` holds the end and the last `@` of the run read last: a URL later in the same run reads
    them from there (`a://a://...` stays linear)."""
    if start >= runs[0]:
        run = _RUN.match(text, start)
        runs[0] = run.end() if run is not None else start
        runs[1] = text.rfind("@", start, runs[0])
    at = runs[1]
    if at < start or not text[at + 1:at + 2].replace("[", "a").isalnum() or _RAW_USER.match(text, start, at) is None:
        return ""
    return text[start:at]


def _past_authority(text: str, start: int, length: int, runs: list[int]) -> str:
    """The userinfo to the run's last `@` before a host where that `@` lies past the authority
    (`start`, `length`) that holds an `@` already, else "": `postgres://app:Tr0ub@dor/42x@postgresserver:5432/app`,
    a password with an `@` and a raw `/`, `?` or `#`; not an `@` that starts a path segment (npm's `/@scope/pkg`)."""
    userinfo = _raw_userinfo(text, start, runs)
    at = runs[1]
    return userinfo if userinfo and at > start + length and text[at - 1] not in "/?#&=;," else ""


def raw_password_host(value: str, netloc_start: int) -> int:
    """Where the host starts in a URL whose password holds an `@` and a raw `/`, `?` or `#` (the run's
    last `@` before a host, past the authority that ends at the first of them), or -1: the host
    doctor reads and masks the password to, as `url_userinfo` does."""
    runs = [0, -1]
    authority = _AUTHORITY.match(value, netloc_start)
    length = len(authority.group()) if authority is not None else 0
    if "@" not in value[netloc_start:netloc_start + length] or not _past_authority(value, netloc_start, length, runs):
        return -1
    return runs[1] + 1


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start, start + MAX_SPACED)
    return min(len(text), start + MAX_SPACED) if end < 0 else end


def _string_end(text: str, url: int, pos: int, end: int) -> int:
    """Where the quoted string the URL at `url` opens ends (an unescaped closing quote: `\"` and
    YAML's `''` are escaped) before `end`; `end` if no quote opens it or none closes it."""
    quote = text[url - 1:url] if url and text[url - 1] in "'\"" else ""
    while quote and (pos := text.find(quote, pos, end)) >= 0:
        if quote == '"' and text[pos - 1] == "\\":
            pos += 1
        elif quote == "'" and text.startswith("''", pos):
            pos += 2
        else:
            return pos
    return end


def _quoted_userinfo(text: str, url: int, start: int) -> str:
    """`:p@ss w0rd` of `'redis://:p@ss w0rd@cache:6379'`: in a quoted string (a value a message
    quotes whole) the authority runs, as urllib reads it, to the first `/`, `?` or `#`; "" unless
    it holds a blank or a quote, where the shapes read otherwise, and an `@`."""
    if not url or text[url - 1] not in "'\"":
        return ""
    end = _line_end(text, start)
    close = _string_end(text, url, start, end)
    if close == end:
        return ""
    authority = _AUTHORITY_WHOLE.match(text, start, close)
    userinfo, at, _ = authority.group().rpartition("@") if authority is not None else ("", "", "")
    if not at or BLANK_OR_QUOTE.search(userinfo) is None:
        return ""
    return userinfo


def _spaced_userinfo(text: str, url: int, start: int) -> str:
    """`app:pa ss"w0rd` of `postgres://app:pa ss"w0rd@db/x`: a password with a blank or a quote in
    it (an env file reads the line whole, and `pa%20ss%22w0rd` decodes so), to the last `@` before a
    host on the same line, within MAX_SPACED characters, inside the quotes around the URL if any
    and not across a string's closing quote (`"a://x:y", "me@host"`) nor another URL; "" else."""
    user = _SPACED_USER.match(text, start)
    if user is None:
        return ""
    end = _string_end(text, url, user.end(), _line_end(text, start))
    at = text.rfind("@", user.end(), end)
    while at > user.end() and _SPACED_HOST.match(text, at, end) is None:
        at = text.rfind("@", user.end(), at)
    password = text[user.end():at] if at > user.end() else ""
    if not password or BLANK_OR_QUOTE.search(password) is None or "://" in password:
        return ""
    if _QUOTE_ENDS.search(password.replace('\\"', "").replace("''", "")) is not None:
        return ""
    return text[start:at]


def whole_url_password(value: str) -> str | None:
    """The password of a value that is one URL, as urllib reads it: the authority to the first `/`,
    `?` or `#`, blanks, quotes and `@` included (`redis://:p@ss w0rd@cache:6379` -> `p@ss w0rd`),
    the password from the user's colon to the authority's last `@`; None if it has none."""
    start = URL_START.match(value)
    if start is None or "\n" in value:
        return None
    authority = _AUTHORITY_WHOLE.match(value, start.end())
    userinfo, at, _ = authority.group().rpartition("@") if authority is not None else ("", "", "")
    _, colon, password = userinfo.partition(":")
    return password if at and colon and password and not is_reference(password) else None
