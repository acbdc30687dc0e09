"""Mask secrets in anything doctor prints or writes: by the shape of the text, and by value.

By shape: values of secret-looking keys (`DB_PASSWORD=x`, `"apiKey": "x"`, `--password x`),
URL passwords (to the last `@` of the authority, as doctor reads a URL, or to the last `@` before
a host when a raw `/`, `?`, `#`, a blank or a quote in the password ends the authority early) and a URL user part
that is a key (a Sentry DSN), `-p`/`-a` style passwords of database CLIs in commands and
healthchecks, `Bearer`/`Basic` credentials, private-key blocks, well-known token formats
(GitHub, Slack, AWS, JWT, ...) and a credential-shaped word right after a word that names a
secret (`unknown token 7fq2...` in a container's log line, which no project value foretells),
or that `=` assigns to any key (`CALLBACK_ID='q8z3...'` from an app's own `.env`), also as the
password of a `user:password` value (`GIT_ASKPASS_CRED=deploy:Kq7Wn2Px9Lz4Rt`).
A `${VAR}` reference is no value and stays readable, but for
its default (`${DB_PASSWORD:-s3cret}`); a path under a secret key (`SSL_KEY=/certs/x.key`)
stays too. By value: `doctor.known_secrets` collects every secret value the project defines
(env files, `environment`, build args, labels, URL userinfo, commands, and any value that is a
credential by its shape alone: `doctor.secret_shapes`) and the Redactor masks those values
wherever they appear, whole (a value with blanks, quotes or backslashes, also as YAML, JSON or
XML escape it) — a long, random-looking value anywhere, a short one only
or word-like one only where it stands alone (`conductor` in `port 'conductor'`, never in
`conductor-redis`), and a service, project, image or host name, or a value the project also
uses in the clear (`MYSQL_USER=root`), only where the shapes above say it is the secret.
Known values go first: the shapes read an unquoted value only to its first blank or quote.

Every pattern is anchored at the start of a run (a look-behind on its own characters) and
uses possessive repetition, so masking is linear in the length of the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from doctor.lazyre import lazy
from doctor.secret_shapes import MASK as MASK  # doctor.project.appenv masks with the same mark
from doctor.secret_shapes import is_path, looks_like_credential, mask_tokens, reference_at, token_like_user

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.model import Finding

MIN_SECRET_LENGTH = 4  # shorter values are masked only where a key, flag or URL says they are secrets
STRONG_LENGTH = 8

Sink = Callable[[str], None]

_WORDS = frozenset({
    "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "PWD", "PASS", "PW", "SECRET", "SECRETS", "TOKEN",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATE", "APIKEY", "KEY", "PAT", "AUTH",
    "AUTHORIZATION", "BASICAUTH", "JWT", "SALT", "REQUIREPASS", "MASTERAUTH", "MASTERPASS",
})
_WORD_ENDINGS = ("PASSWORD", "PASSWD", "TOKEN", "SECRET", "APIKEY")
# a key ending so holds a path, an address, a switch or a size, not the secret itself
_NOT_SECRET_LAST = frozenset({
    "FILE", "PATH", "DIR", "HOST", "HOSTNAME", "SERVER", "PORT", "URL", "URI", "ENDPOINT", "ENABLED",
    "DISABLED", "ENABLE", "MODE", "TYPE", "METHOD", "LENGTH", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
    "EXPIRATION", "ALGORITHM", "NAME", "USER", "USERNAME", "REALM", "PROVIDER", "ISSUER", "ISSUERS",
    "AUDIENCE", "AUDIENCES", "SCHEME", "LIMIT", "RATE", "COUNT", "MAX", "MIN", "SIZE", "INTERVAL", "RETRIES",
})
# `value` and `...` stand for a value in doctor's own docs (`- KEY=value`), never for a secret
_NOT_SECRET_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~", "|",
                                ">", "|-", ">-", "|+", ">+", "enabled", "disabled", "value", "...", "0", "1",
                                MASK})
_SECRET, _DSN, _WEBHOOK_URL = 1, 2, 3

_CAMEL = lazy(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = lazy(r"[^A-Za-z0-9]++")
_DEFAULTED_REF = lazy(r"\$\{(?P<k>[A-Za-z_]\w*+)(?=:?[-=])")  # `${NAME:-`, `${NAME=`: one with a default
_VAR_REF = lazy(r"\$\$?\{?\w+\}?")
_NAME_LIKE = lazy(r"[a-z][a-z0-9]*+(?:[-_.][a-z0-9]++)*+")  # a word or identifier: `conductor`
_TOKEN_IN_PATH = lazy(r"/[\w-]{20,}+")
_BARE_NAME = lazy(r"(?<!\$)\$([A-Za-z_]\w*+)")  # what compose interpolates of `Pa$sw0rd` (not `$$`)

_PRIVATE_KEY = lazy(r"-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----(?P<v>[A-Za-z0-9+/=\s\\]++)")
_URL_START = lazy(r"(?<![\w+.-])[A-Za-z][\w+.-]*+://")
_AUTHORITY = lazy(r"[^\s/?#'\"\\<>`]*+")  # as doctor.project.env_hosts reads a URL, quotes and escapes aside
_RUN = lazy(r"[^\s'\"\\<>`]*+")  # a URL to its first blank or quote: a raw `/`, `?`, `#` in a password
_RAW_USER = lazy(r"[^/?#:@]*+:(?!\d*+(?:[/?#]|$))")  # `user:` not before a port (`localhost:3000/@vite`)
# `app:` of `postgres://app:pa ss"w0rd@db/x`, not before a blank or a port (`cache:6379 is down`)
_SPACED_USER = lazy(r"[^\s/?#:@'\"\\<>`]*+:(?![ \t])(?!\d++(?:[\s/?#'\"]|$))")
_SPACED_HOST = lazy(r"@[A-Za-z0-9\[][\w.\[\]:%-]*+(?=[/?#\s'\"\\,;)}\]]|$)")  # `@db` ending a URL's authority
_QUOTE_ENDS = lazy(r"[\"'][\s,;:\]})]")  # `", "`: a quote that closes a string, not one in a password
_BLANK_OR_QUOTE = lazy(r"[\s'\"\\<>`]")
# `deploy:Kq7Wn2Px9Lz4Rt` (a GIT_ASKPASS helper's, a registry's `user:password`): the password
# counts when it is a credential by its shape (`redis:7-alpine`, `db:5432` are no such pair)
_USER_SECRET = lazy(r"(?P<u>[\w.@+-]{1,64}+):(?P<p>[^\s:/'\"]{12,}+)")
_DIGEST_NAMES = ("sha1", "sha224", "sha256", "sha384", "sha512", "md5")
_AUTHORITY_WHOLE = lazy(r"[^/?#\n]*+")  # a whole value's authority, as urllib splits it
# the next field of a connection string (`;EndpointSuffix=`, `;Encrypt=`) that a field's value ends at
_NEXT_FIELD = lazy(r";(?=[A-Za-z][\w ]{0,40}+=)")
_AFTER_AT = lazy(r"@([^\s'\"/?#:@]++)")
MAX_SPACED = 256  # how far a password with a blank or a quote is read
# a credential a log line names in prose (`invalid token 7fq2lx9z...`, `api key: Mk9L...`): what
# `doctor why` quotes of a container's output holds values the project never defined
# the same on lower-cased text, as a prefilter: a scan ~5x cheaper than _PROSE_SECRET's (its
# case-blind look-behind is tried at every position), and most texts have no match
_PROSE_HINT = lazy(r"(?:token|secret|passw|passphrase|key|credential|auth)[a-z]{0,4}(?:[ \t]*+[:=])?[ \t]++"
                   r"[\"'`]?[\w+/=$!@#%^&*()-]{24}")
_PROSE_SECRET = lazy(
    r"(?i)(?<![\w-])(?:tokens?|secrets?|passwords?|passwd|passphrase|(?:api[_ -]?)?keys?|credentials?|auth)"
    r"(?:[ \t]*+[:=])?[ \t]++[\"'`]?(?P<v>[\w+/=$!@#%^&*()-]{24,}+)"
)
_AUTH_SCHEME = lazy(r"(?<![\w-])(?:Bearer|Basic)[ \t]++(?P<v>[\w.~+/-]{8,}+=*+)")
_LONG_FLAG = lazy(
    r"(?<![\w-])--(?P<k>[A-Za-z][\w-]*+)(?:[ \t]*+=[ \t]*+|[ \t]++|[\"']?[ \t]*+,[ \t]*+[\"']?)"
    r"(?P<v>[^\s'\"\\,<>-][^\s'\"\\,<>]*+)"
)
_TOOL = lazy(
    r"(?<![\w-])(?P<t>mysql|mysqladmin|mysqldump|mysqlshow|mysqlcheck|mariadb|mariadb-admin|mariadb-dump"
    r"|redis-cli|keydb-cli|valkey-cli|mongo|mongosh|mongodump|mongorestore|mongoexport|sqlcmd|curl|wget)"
    r"(?![\w-])"
)
_COMMAND_END = lazy(r"[;|&]|['\"]:[ \t]")
_SEP = r"(?:[ \t]++|[\"']?[ \t]*+,[ \t]*+[\"']?)"
_ARG = r"(?P<v>[^\s'\"\\,<>-][^\s'\"\\,<>]*+)"
_TOOL_ARGS = {
    "mysql": lazy(r"(?<![\w-])-p(?P<v>[^\s'\"\\,<>]++)"),
    "redis": lazy(rf"(?<![\w-])(?:-a|--pass){_SEP}{_ARG}"),
    "mongo": lazy(rf"(?<![\w-])(?:-p){_SEP}{_ARG}"),
    "sqlcmd": lazy(rf"(?<![\w-])-P{_SEP}{_ARG}"),
    "curl": lazy(rf"(?<![\w-])(?:-u|--user|--proxy-user){_SEP}[^\s'\"\\,:<>]*+:(?P<v>[^\s'\"\\,<>]++)"),
}
# not after `/`: `read /etc/passwd: is a directory` names a file, no key
_KEY_SEP = lazy(r"(?<![\w.$/-])(?P<k>[A-Za-z_][\w.-]*+)(?P<q>\\?[\"'])?[ \t]*+(?P<s>[=:])(?P<w>[ \t]*+)")
# what follows `password:` in an error message, not a value (`password: is required`, `token: expired`)
PROSE_WORDS = frozenset({
    "is", "are", "was", "were", "not", "no", "must", "should", "cannot", "can't", "required", "missing",
    "invalid", "expired", "empty", "unset", "incorrect", "wrong", "too", "does", "did", "has", "have", "will",
    "a", "an", "the", "for", "of", "in", "on", "to",
})
_VALUE = lazy(
    r"(?:(?:Bearer|Basic|Token|Bot|Digest)[ \t]++)?"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*+)\""
    r"|'(?P<sq>(?:[^'\n]|'')*+)'"
    r"|\\\"(?P<jq>(?:[^\"\\\n]|\\[^\"\n])*+)\\\""
    r"|(?P<bare>[^\s'\"\\<>`]++(?:['\"\\]++\w[^\s'\"\\<>`]*+)*+))"  # `it's"x`, `a\b` whole; `x":` stops
)


def _segments(name: str) -> list[str]:
    return [s for s in _SPLIT.split(_CAMEL.sub("_", name).upper()) if s]


@lru_cache(maxsize=4096)  # a project repeats its keys across services, env files and texts
def _key_kind(name: str) -> int:
    """_SECRET, _DSN (a secret when its value carries credentials), or 0."""
    segments = _segments(name)
    if not segments or segments in (["PWD"], ["OLDPWD"]):
        return 0
    if segments[-1] == "WEBHOOK" or (segments[-1] in ("URL", "URI") and "WEBHOOK" in segments):
        return _WEBHOOK_URL
    if segments[-1] in _NOT_SECRET_LAST:
        return 0
    if any(s in _WORDS or s.endswith(_WORD_ENDINGS) for s in segments):
        return _SECRET
    return _DSN if "DSN" in segments else 0


_SAID = ("PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "TOKEN", "SECRET")


def _said_secret(name: str) -> bool:
    """A key that names the secret itself (DB_PASSWORD, API_TOKEN): its value is masked even when
    it reads like a path (`/abc/def` is a fine password); a *_KEY, *_CERT may name a file."""
    return any(s in _SAID or s.endswith(_SAID[:1] + _SAID[-2:]) for s in _segments(name))


def is_secret_key(name: str) -> bool:
    """Whether a variable name looks like it holds a secret (POSTGRES_PASSWORD, API_KEY, GH_PAT, ...)."""
    return _key_kind(name) == _SECRET


def secret_for_key(name: str, value: str | None) -> bool:
    """Whether `name=value` holds a secret (a DSN only when it carries credentials)."""
    if not value or value.strip() in _NOT_SECRET_VALUES or _VAR_REF.fullmatch(value.strip()):
        return False
    # `SSL_KEY=/certs/site.key`, `DB_PASSWORD=/run/secrets/db_password`: where the secret is; but
    # a path-like value under a key that names the password or token itself may be one
    if is_path(value) and (value.startswith("/run/secrets/") or not _said_secret(name)):
        return False
    kind = _key_kind(name)
    if kind == _WEBHOOK_URL:  # a capability URL: secret when its path carries a token
        return bool(_TOKEN_IN_PATH.search(value))
    return kind == _SECRET or (kind == _DSN and ("@" in value or "password" in value.lower()))


def _ignore(_: str) -> None:
    return None


def _mask(pattern: re.Pattern[str], text: str, sink: Sink, keep: Callable[[str], bool] | None = None) -> str:
    """Replace group `v` of every match by MASK (unless `keep` says it is no secret), telling `sink`."""

    def replace(match: re.Match[str]) -> str:
        value = match.group("v")
        if keep is not None and keep(value):
            return match.group(0)
        return _masked_group(match, "PASSWORD", sink)

    return pattern.sub(replace, text)


def _masked_group(match: re.Match[str], key: str, sink: Sink) -> str:
    """The match with its group `v` masked; of a `${VAR:-default}` there, the default alone."""
    whole, base = match.group(0), match.start()
    start, end = match.start("v"), match.end("v")
    if match.group("v").startswith("${"):
        ref = _reference_default(key, match.string, start, sink)
        if ref is not None:
            if ref[1] is None:
                return whole
            start, end = ref[1][0], min(ref[1][1], end)
            return whole[:start - base] + MASK + whole[end - base:]
    sink(match.group("v"))
    return whole[:start - base] + MASK + whole[end - base:]


def _prose(word: str) -> bool:
    return word.isalpha() and word.islower()


def _long_flags(text: str, sink: Sink) -> str:
    def keep(match: re.Match[str]) -> str:
        if not secret_for_key(match.group("k"), match.group("v")):
            return match.group(0)
        return _masked_group(match, match.group("k"), sink)

    return _LONG_FLAG.sub(keep, text)


def _tool_args(text: str, sink: Sink) -> str:
    """`-pSECRET`, `-a SECRET`, `-u user:SECRET` after a database CLI or curl, on the same line."""
    out: list[str] = []
    pos = 0
    for match in _TOOL.finditer(text):
        if match.start() < pos:
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        stop = _COMMAND_END.search(text, match.end(), end)  # the tool's own arguments only
        end = stop.start() if stop else end
        tool = match.group("t")
        family = ("mysql" if tool.startswith(("mysql", "mariadb")) else "redis" if tool.endswith("-cli")
                  else "mongo" if tool.startswith("mongo") else "curl" if tool in ("curl", "wget") else tool)
        out.append(text[pos:match.end()])
        out.append(_mask(_TOOL_ARGS[family], text[match.end():end], sink, keep=_is_reference))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _is_reference(value: str) -> bool:
    return bool(_VAR_REF.fullmatch(value.strip("'\"")))


def _reference_default(key: str, text: str, at: int, sink: Sink) -> tuple[int, tuple[int, int] | None] | None:
    """For the reference at `at` (or None): its end, and the span of a default value to mask."""
    ref = reference_at(text, at)
    if ref is None:
        return None
    end, start, stop = ref
    default = text[start:stop]
    if default and not _is_reference(default) and secret_for_key(key, default):
        sink(default)
        return end, (start, stop)
    return end, None


def _secret_defaults(text: str, sink: Sink) -> str:
    """The default of a reference to a secret-named variable wherever it stands: a port, a command
    (`"${API_TOKEN:-s3cret}:81"`, which compose rejects and quotes); a `:?` message stays."""
    out: list[str] = []
    done = 0
    for found in _DEFAULTED_REF.finditer(text):
        at, name = found.start(), found.group("k")
        ref = reference_at(text, at) if at >= done and _key_kind(name) else None
        if ref is None or ref[1] == ref[2] or not secret_for_key(name, text[ref[1]:ref[2]]):
            continue
        default = text[ref[1]:ref[2]]
        if _is_reference(default) or default.startswith("${"):
            continue
        sink(default)
        out.append(text[done:ref[1]])
        out.append(MASK)
        done = ref[2]
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _key_values(text: str, sink: Sink) -> str:
    """`KEY=value`, `KEY: value`, `"KEY": "value"` (also JSON-escaped) with a secret-looking KEY.

    A `${VAR...}` reference is no value and stays readable, but for the default value in it
    (`${DB_PASSWORD:-s3cret}` masks `s3cret`; a `:?` message stays).
    """
    out: list[str] = []
    pos = done = 0
    while True:
        match = _KEY_SEP.search(text, pos)
        if match is None:
            break
        pos = match.end()
        if match.group("s") == ":" and not (match.group("q") or match.group("w")):
            continue  # `host:port`, `user:pw`: a YAML or JSON key has a blank or a quote around its colon
        key = match.group("k")
        # an innocent key's value only when `=` assigns it and it is a credential by its shape
        # (`CALLBACK_ID='q8z3k7m2...'` quoted from a file the project's values do not cover)
        innocent = not _key_kind(key)
        if innocent and match.group("s") != "=":
            continue
        at = match.end() + (text[match.end()] in "\"'" if match.end() < len(text) else 0)
        if text.startswith("${", at):
            ref = _reference_default(key, text, at, sink)
            if ref is None:
                continue
            pos, span = ref
            if span is not None:
                out.append(text[done:span[0]])
                out.append(MASK)
                done = span[1]
            continue
        found = _VALUE.match(text, match.end())
        if found is None:
            continue
        group = next(g for g in ("dq", "sq", "jq", "bare") if found.group(g) is not None)
        start, end = found.span(group)
        value = found.group(group)
        if group == "bare":
            trimmed = value.rstrip(",;)]}")
            if match.start() and text[match.start() - 1] == ";":  # `...;AccountKey=<key>;EndpointSuffix=...`
                trimmed = _NEXT_FIELD.split(trimmed, 1)[0]
            end -= len(value) - len(trimmed)
            value = trimmed
        if group == "bare" and match.group("s") == ":" and value.lower() in PROSE_WORDS:
            continue
        if innocent and not looks_like_credential(value, key):
            secret = user_secret(value, key)
            if secret is None:
                continue
            start += len(value) - len(secret)
            value = secret
        elif not innocent and not secret_for_key(key, value):
            continue
        sink(value)
        out.append(text[done:start])
        out.append(MASK)
        done = pos = end
    out.append(text[done:])
    return "".join(out)


def _url_userinfo(text: str, sink: Sink) -> str:
    """The password of every URL, to the last `@` of its authority as doctor's URL parsing reads
    it (`redis://:hunter@2025@cache` masks `hunter@2025`), and a user part that is a key itself
    (a Sentry DSN's `https://<32 hex>@o1.ingest.sentry.io/1`). A `${VAR}` password stays."""
    out: list[str] = []
    done = 0
    runs = [0, -1]
    for match in _URL_START.finditer(text):
        if match.start() < done:
            continue
        authority = _AUTHORITY.match(text, match.end())
        userinfo, at, _ = authority.group().rpartition("@") if authority is not None else ("", "", "")
        quoted = _quoted_userinfo(text, match.start(), match.end())
        if quoted:
            userinfo = quoted
        elif not at:
            userinfo = _raw_userinfo(text, match.end(), runs) or _spaced_userinfo(text, match.start(), match.end())
            if not userinfo:
                continue
        user, colon, password = userinfo.partition(":")
        start = match.end() + len(user) + 1 if colon else match.end()
        secret = password if colon else user
        if colon and secret.startswith("${"):
            ref = _reference_default("PASSWORD", text, start, sink)
            if ref is not None and ref[0] == start + len(secret):
                if ref[1] is not None:
                    out.append(text[done:ref[1][0]])
                    out.append(MASK)
                    done = ref[1][1]
                continue
        if not secret or _is_reference(secret) or (not colon and not token_like_user(user)):
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
    if not at or _BLANK_OR_QUOTE.search(userinfo) is None:
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
    if not password or _BLANK_OR_QUOTE.search(password) is None or "://" in password:
        return ""
    if _QUOTE_ENDS.search(password.replace('\\"', "").replace("''", "")) is not None:
        return ""
    return text[start:at]


def _prose_secrets(text: str, sink: Sink) -> str:
    """A credential-shaped word (`doctor.secret_shapes.looks_like_credential`) right after a word
    that names a secret: `unknown token 7fq2lx9z...`, `aws secret hT9p...`, `api key: Mk9L...`."""

    def replace(match: re.Match[str]) -> str:
        whole, value = match.group(0), match.group("v").rstrip(")")
        if not looks_like_credential(value):
            return whole
        sink(value)
        at = match.start("v") - match.start()
        return whole[:at] + MASK + whole[at + len(value):]

    if _PROSE_HINT.search(text.lower()) is None:
        return text
    return _PROSE_SECRET.sub(replace, text)


def scrub(text: str, sink: Sink = _ignore) -> str:
    """The text with every secret that its shape gives away masked; each value found goes to `sink`."""
    # each shape runs only where its literal part is in the text (a cheap scan in C): the same
    # matches, at a tenth of the cost on a 2,000-service compose file
    if "-----BEGIN" in text:
        text = _mask(_PRIVATE_KEY, text, sink)
    if "://" in text:
        text = _url_userinfo(text, sink)
    text = mask_tokens(text, sink)
    if "Bearer" in text or "Basic" in text:
        text = _mask(_AUTH_SCHEME, text, sink, keep=_prose)
    text = _tool_args(text, sink)
    text = _prose_secrets(text, sink)
    if "--" in text:
        text = _long_flags(text, sink)
    if "${" in text:
        text = _secret_defaults(text, sink)
    return _key_values(text, sink) if "=" in text or ":" in text else text


def user_secret(value: str, key: str = "") -> str | None:
    """The password of a `user:password` value when it is a credential by its shape, else None."""
    match = _USER_SECRET.fullmatch(value.strip())
    if match is None or match.group("u").lower().endswith(_DIGEST_NAMES):
        return None
    return match.group("p") if looks_like_credential(match.group("p"), key) else None


def whole_url_password(value: str) -> str | None:
    """The password of a value that is one URL, as urllib reads it: the authority to the first `/`,
    `?` or `#`, blanks, quotes and `@` included (`redis://:p@ss w0rd@cache:6379` -> `p@ss w0rd`),
    the password from the user's colon to the authority's last `@`; None if it has none."""
    start = _URL_START.match(value)
    if start is None or "\n" in value:
        return None
    authority = _AUTHORITY_WHOLE.match(value, start.end())
    userinfo, at, _ = authority.group().rpartition("@") if authority is not None else ("", "", "")
    _, colon, password = userinfo.partition(":")
    return password if at and colon and password and not _is_reference(password) else None


def secrets_in_mapping(mapping: Mapping[str, str | None]) -> set[str]:
    """The values of secret-looking keys, values that are credentials by their shape whatever
    the key (`doctor.secret_shapes`), and the secrets inside every value (URL passwords, tokens)."""
    found: set[str] = set()
    for key, value in mapping.items():
        if not value:
            continue
        if secret_for_key(key, value) or looks_like_credential(value, key):
            found.add(value)
        elif (secret := user_secret(value, key)) is not None:
            found.add(secret)
        if (password := whole_url_password(value.strip())) is not None:
            found.add(password)
        scrub(value, found.add)
    return found


class Redactor:
    """Masks secrets in text: by shape (`scrub`), and every known secret value.

    A value that is one of `names` (the project's service, container, host, image and project
    names, and values it shows in the clear, like `MYSQL_USER=root`) is masked only by shape
    (`MYSQL_PASSWORD=***`, a URL password, a `-p` argument); a short or word-like one, or one
    found inside a name, only where it stands alone; any other value wherever it appears. So
    `MYSQL_PASSWORD=conductor` never turns `conductor-redis` into `***-redis`.
    """

    def __init__(self, secret_values: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        known = {n for n in names if n}
        all_names = "\n".join(sorted(known))
        strong: set[str] = set()
        weak: set[str] = set()
        for raw in secret_values:
            for value in _pieces(raw):
                if value in known:
                    continue  # also a name, or a value the project shows in the clear: masked by shape only
                if len(value) >= STRONG_LENGTH and not _NAME_LIKE.fullmatch(value) and value not in all_names:
                    strong.update(_escaped_forms(value))
                else:
                    weak.update(_escaped_forms(value))
        self._strong = sorted(strong, key=len, reverse=True)
        weak -= strong
        alternatives = "|".join(map(re.escape, sorted(weak, key=len, reverse=True)))
        self._weak = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w.-])") if weak else None

    @classmethod
    def from_environment(cls, *mappings: Mapping[str, str | None]) -> Redactor:
        """A Redactor that knows every value of a secret-looking key, and every URL password, in the maps."""
        secrets: set[str] = set()
        for mapping in mappings:
            secrets |= secrets_in_mapping(mapping)
        return cls(secrets)

    def fingerprint(self, finding: Finding) -> str:
        """The finding's fingerprint as doctor prints and stores it (JSON, SARIF, the baseline): of
        its subject as printed. A subject holding a secret (`invalid hostPort: <password>`) is
        hashed masked, since 16 hex digits of a weak password's hash in a committed baseline can be
        tested offline; every other finding keeps `Finding.fingerprint`, so baselines still match."""
        from doctor.model import fingerprint_of

        return fingerprint_of(finding.check, self.text(finding.subject))

    def text(self, text: str) -> str:
        """The text with every secret it holds replaced by ***."""
        if not text:
            return text
        # known values first: the shapes read a value only as far as its first blank or quote
        # (`MASTER_PASS=correct horse` would leave ` horse` for the known value to miss)
        for value in self._strong:
            if value in text:
                text = text.replace(value, MASK)
        if self._weak is not None:
            text = self._weak.sub(MASK, text)
        return scrub(text)


def _pieces(value: str) -> set[str]:
    """The value, each line of a multi-line one (a diff shows them one by one), its percent-decoded
    form, the piece after each `@` of one with a blank or a quote (`Pw9xQ7` of `Secr3t@Pw9xQ7 x`,
    which a URL read to its first blank shows as the host), and each name after a bare `$` in it,
    worth masking: compose reads `Pa$sw0rd9` (a `$` not written `$$`) as `Pa` and a variable
    `sw0rd9`, which env-drift names as unset. A name with no lower-case letter (`$HOME`,
    `$DB_PASSWORD`) is a reference by convention, and stays readable."""
    candidates = {value.strip(), *(line.strip() for line in value.splitlines() if len(line.strip()) >= STRONG_LENGTH)}
    if "$" in value:
        candidates.update(n for n in _BARE_NAME.findall(value) if not n.isupper())
    if "@" in value and _BLANK_OR_QUOTE.search(value) is not None:
        # what a URL parser that stops at a blank takes for the host of `redis://:Secr3t@Pw9xQ7 x@cache`
        candidates.update(_AFTER_AT.findall(value))
    if "%" in value:  # a URL's percent-encoded password as an app logs it decoded (`p%40ss` -> `p@ss`)
        from urllib.parse import unquote

        candidates.add(unquote(value.strip()))
    return {
        c for c in candidates
        if len(c) >= MIN_SECRET_LENGTH and c.lower() not in _NOT_SECRET_VALUES and not (c.isdigit() and len(c) < 6)
        and not _VAR_REF.fullmatch(c)
    }


def _escaped_forms(value: str) -> set[str]:
    """The value as it appears raw, in compose files (`$$`), YAML single quotes (`''`) and
    double-quoted strings (`\\`, `\\"`), and each of those in JSON strings and in XML."""
    written = {value, value.replace("$", "$$"), value.replace("'", "''"),
               value.replace("\\", "\\\\").replace('"', '\\"')}
    forms = set(written)
    for form in written:
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(form.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
    return forms
