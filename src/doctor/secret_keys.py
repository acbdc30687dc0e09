"""Which names hold a secret: `DB_PASSWORD`, `apiKey`, `GH_PAT` (and which values under them are none).

A key's words (camelCase and `_`/`-`/`.` split) decide: a word that names a secret anywhere, unless
the last word says the value is a path, an address, a switch or a size (`DB_PASSWORD_FILE`); a
`*_DSN` only when its value carries credentials, a webhook URL only when its path carries a token.
A `${VAR}` reference is no value, but its default may be one (`reference_default`, and
`secret_defaults` masks it wherever the reference stands).
`doctor.redact` masks by these rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from doctor.lazyre import lazy
from doctor.secret_shapes import MASK, expansions_end, is_path, reference_at

Sink = Callable[[str], None]

_WORDS = frozenset({
    "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "PWD", "PASS", "PW", "SECRET", "SECRETS", "TOKEN",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATE", "APIKEY", "KEY", "PAT", "AUTH",
    "AUTHORIZATION", "BASICAUTH", "JWT", "SALT", "REQUIREPASS", "MASTERAUTH", "MASTERPASS",
    "PSK",  # a pre-shared key (IPSEC_PSK, VPN_IPSEC_PSK, WPA_PSK)
})
# LDAP_BINDPW, slapd's ROOTPW, ADMINPW: `PW` glued to the word before it
_WORD_ENDINGS = ("PASSWORD", "PASSWD", "TOKEN", "SECRET", "APIKEY", "PSK", "BINDPW", "ROOTPW", "ADMINPW")
# `PASS` glued to the word before it (MYPASS, SMTPPASS, REDISPASS), except words that only end so
_GLUED_PASS = "PASS"
_NOT_PASSES = frozenset({
    "BYPASS", "COMPASS", "ENCOMPASS", "SURPASS", "TRESPASS", "OVERPASS", "UNDERPASS", "MULTIPASS",
    "HIGHPASS", "LOWPASS", "BANDPASS", "FIRSTPASS", "SECONDPASS", "SINGLEPASS", "TWOPASS", "KEEPASS",
})
# a cookie that is a shared secret when the key ends with it (RABBITMQ_ERLANG_COOKIE, RELEASE_COOKIE); a
# browser cookie's settings go on after it (SESSION_COOKIE_SECURE, CSRF_COOKIE_DOMAIN)
_LAST_WORDS = frozenset({"COOKIE"})
# a key ending so holds a path, an address, a switch or a size, not the secret itself
_NOT_SECRET_LAST = frozenset({
    "FILE", "PATH", "DIR", "HOST", "HOSTNAME", "SERVER", "PORT", "URL", "URI", "ENDPOINT", "ENABLED",
    "DISABLED", "ENABLE", "MODE", "TYPE", "METHOD", "LENGTH", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
    "EXPIRATION", "ALGORITHM", "NAME", "USER", "USERNAME", "REALM", "PROVIDER", "ISSUER", "ISSUERS",
    "AUDIENCE", "AUDIENCES", "SCHEME", "LIMIT", "RATE", "COUNT", "MAX", "MIN", "SIZE", "INTERVAL", "RETRIES",
    # the code that handles it (airflow's AIRFLOW__CORE__AUTH_MANAGER: a class path)
    "MANAGER", "BACKEND", "BACKENDS", "CLASS", "CLASSES", "HANDLER", "MODULE", "STRATEGY",
    # where it is served (AUTH_ADDR=authsvc:9000, AUTH0_DOMAIN): an address service-name-drift must show
    "ADDR", "ADDRS", "ADDRESS", "ADDRESSES", "DOMAIN", "DOMAINS",
    # what passes through, not a password (PASS_THROUGH, PROXY_PASS_THRU)
    "THROUGH", "THRU",
    # how long it lives (ACCESS_TOKEN_EXPIRE_MINUTES=30) and the header that carries it (API_KEY_HEADER)
    "EXPIRE", "LIFETIME", "DURATION", "AGE", "MS", "SEC", "SECS", "SECONDS", "MINS", "MINUTES",
    "HOURS", "DAYS", "HEADER", "HEADERS", "IDENTITY",
})
# `value` and `...` stand for a value in doctor's own docs (`- KEY=value`), never for a secret
NOT_SECRET_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~", "|",
                               ">", "|-", ">-", "|+", ">+", "enabled", "disabled", "value", "...", "0", "1",
                               MASK})
_SECRET, _DSN, _WEBHOOK_URL = 1, 2, 3

_CAMEL = lazy(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = lazy(r"[^A-Za-z0-9]++")
_DEFAULTED_REF = lazy(r"\$\{(?P<k>[A-Za-z_]\w*+)(?=:?[-=])")  # `${NAME:-`, `${NAME=`: one with a default
VAR_REF = lazy(r"\$\$?\{?\w+\}?")
_TOKEN_IN_PATH = lazy(r"/[\w-]{20,}+")


def names_a_secret(word: str) -> bool:
    """Whether `word` is itself a word that names a secret (`password`, `secret`, `token`): as a secret's
    value it is masked by shape only, where the text says it is the value (prose says the word anyway)."""
    return word.upper() in _WORDS


def _segments(name: str) -> list[str]:
    return [s for s in _SPLIT.split(_CAMEL.sub("_", name).upper()) if s]


# a key's digits as 0: each check below reads a digit as a digit and a run's length changes no answer
# (`*KEY` after at least one character), so `API_KEY_17` and `API_KEY_42` are judged once
_DIGITS = str.maketrans("123456789", "000000000")


def key_kind(name: str) -> int:
    """_SECRET, _DSN (a secret when its value carries credentials), or 0."""
    kind = _KINDS.get(name)
    if kind is None:
        # a big .env's 200,000 API_KEY_i keys, each judged for its pair and again in the file's text, missed
        # a cache of 4,096 names every time (~6 us a key)
        kind = _kind(name.translate(_DIGITS))
        if len(_KINDS) < _KINDS_KEPT:
            _KINDS[name] = kind
    return kind


# the names judged this run, as written (a project's texts repeat their keys: otel-demo's scans ask ~14,000
# times of a few hundred names), looked up before their digits are read as 0; a pure function's answers
_KINDS: dict[str, int] = {}
_KINDS_KEPT = 8192


@lru_cache(maxsize=4096)  # a project repeats its keys across services, env files and texts
def _kind(name: str) -> int:
    segments = _segments(name)
    # the shell's PWD and OLDPWD (a folder), written as the shell writes them; a connection string's `Pwd=`
    # (`Server=db;Uid=sa;Pwd=...`) is a password
    if not segments or name in ("PWD", "OLDPWD") or segments == ["OLDPWD"]:
        return 0
    if segments[-1] == "WEBHOOK" or (segments[-1] in ("URL", "URI") and "WEBHOOK" in segments):
        return _WEBHOOK_URL
    if segments[-1] in _NOT_SECRET_LAST:
        return 0
    counted = not _COUNTS.isdisjoint(segments)  # `CASSANDRA_NUM_TOKENS=256`, `OPENAI_MAX_TOKENS`: a number
    if segments[-1] in _LAST_WORDS or any(_secret_word(s, counted) for s in segments):
        return _SECRET
    return _DSN if "DSN" in segments else 0


# the words a key glues to another (`SECRETKEY`, `PASSWORDHASH`), numbers (`DB_PASSWORD2`) or
# pluralizes (`API_KEYS`, `REFRESH_TOKENS`): as the README's `*PASSWORD*`, `*TOKEN*`, `*KEY*` say
_CONTAINED = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL")
_NOT_KEYS = frozenset({"MONKEY", "DONKEY", "TURKEY", "HOCKEY", "JOCKEY", "WHISKEY", "HOTKEY", "HOTKEYS"})


_COUNTS = frozenset({"NUM", "NUMBER", "MAX", "MIN", "COUNT", "TOTAL", "N"})


def _secret_word(segment: str, counted: bool = False) -> bool:
    """Whether one word of a key names a secret: `PASSWORD`, `PASSWORD2`, `TOKENS`, `SECRETKEY`
    (with a word that counts, `NUM_TOKENS`, only a word of its own: `MAX_PASSWORD`)."""
    if segment in _WORDS or segment.endswith(_WORD_ENDINGS) or _glued_pass(segment):
        return True
    if counted:
        return False
    word = segment.rstrip("0123456789") or segment
    if (word in _WORDS or word.endswith(_WORD_ENDINGS) or _glued_pass(word)
            or any(part in word for part in _CONTAINED)):
        return True
    single = word[:-1] if word.endswith("S") else word
    if single in _WORDS:
        return True
    return single.endswith("KEY") and len(single) > 3 and word not in _NOT_KEYS


def _glued_pass(word: str) -> bool:
    """`MYPASS`, `SMTPPASS`: a word ending in PASS after another, not `BYPASS` or `COMPASS`."""
    return len(word) > 4 and word.endswith(_GLUED_PASS) and word not in _NOT_PASSES


_SAID = ("PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "TOKEN", "SECRET")


def _said_secret(name: str) -> bool:
    """A key that names the secret itself (DB_PASSWORD, API_TOKEN): its value is masked even when
    it reads like a path (`/abc/def` is a fine password); a *_KEY, *_CERT may name a file."""
    return any(s in _SAID or s.endswith(_SAID[:1] + _SAID[-2:]) or _glued_pass(s) for s in _segments(name))


def names_no_secret(name: str) -> bool:
    """Whether the last word of a name says it holds no secret (`db_user`, `postgres_host`, `DB_PASSWORD_FILE`)."""
    segments = _segments(name)
    return bool(segments) and segments[-1] in _NOT_SECRET_LAST


def is_secret_key(name: str) -> bool:
    """Whether a variable name looks like it holds a secret (POSTGRES_PASSWORD, API_KEY, GH_PAT, ...)."""
    return key_kind(name) == _SECRET


def secret_for_key(name: str, value: str | None) -> bool:
    """Whether `name=value` holds a secret (a DSN only when it carries credentials)."""
    # the key first: every test below can only say no, and most keys a file's text shows name no secret
    # (`image`, `RUN`, `OTEL_SERVICE_NAME`), judged by a cache look-up
    kind = key_kind(name)
    if not kind:
        return False
    # in any case: MySQL's `Access denied ... (using password: YES)` says whether one was sent at all
    if not value or value.strip().lower() in NOT_SECRET_VALUES or VAR_REF.fullmatch(value.strip()) or _code(value):
        return False
    if is_expansion(value.strip()):  # `$(cat /run/secrets/token)`, `$A$B`: what the shell reads elsewhere
        return False
    # `SSL_KEY=/certs/site.key`, `DB_PASSWORD=/run/secrets/db_password`: where the secret is; but
    # a path-like value under a key that names the password or token itself may be one
    if is_path(value) and (value.startswith("/run/secrets/") or not _said_secret(name)):
        return False
    if not _said_secret(name) and _plain_url(value.strip()):
        # AUTH_API=http://authsvc:9000/api, AUTH_DB=postgres://app:pw@db/auth: an address, its password (the
        # URL's own shape masks it) the only secret; under DB_PASSWORD or API_TOKEN a URL may be the secret
        return False
    if kind == _WEBHOOK_URL:  # a capability URL: secret when its path carries a token
        return bool(_TOKEN_IN_PATH.search(value))
    return kind == _SECRET or (kind == _DSN and ("@" in value or "password" in value.lower()))


_URL = lazy(r"[A-Za-z][\w+.-]*+://(?:(?P<u>[^\s/?#@]*+)@)?[^\s/?#@]++(?P<r>[^\s@]*+)")


def _plain_url(value: str) -> bool:
    """Whether `value` is one URL whose only secret can be its password: no user part without a password
    (git's `https://TOKEN@github.com`, a Sentry DSN's key) and no token in its path (a capability URL)."""
    url = _URL.fullmatch(value)
    if url is None:
        return False
    user = url.group("u")
    return (user is None or ":" in user) and not _TOKEN_IN_PATH.search(url.group("r"))


# functions that read a secret from elsewhere, called by their bare name in settings code
_READERS = frozenset({"env", "getenv", "config", "get_secret", "get_random_secret_key", "secret", "str"})


def _code(value: str) -> bool:
    """Whether the value is settings code reading the secret from elsewhere, not the secret: a
    call of a dotted name or of a reader (`os.environ.get("SECRET_KEY"`, `env.str(`, `env(`,
    `get_random_secret_key()`; `hunter(2)` is no such call), a dotted name's subscript
    (`os.environ["TOKEN"]`) or `process.env.API_KEY`, as a key shape reads them from a line of code."""
    text = value.strip()
    head, paren, _ = text.partition("(")
    if not paren:
        head, paren, _ = text.partition("[")
        if not paren and text.startswith(("process.env.", "import.meta.env.")):
            head, paren = text, "."
        if not paren or "." not in head:  # `KEY[1]` may be a password
            return False
    if head.startswith(("process.env.", "import.meta.env.")):
        return all(part.isidentifier() for part in head.split("."))
    parts = head.split(".")  # lower-case names of two letters or more: `Pa.ss(w0rd` is no code
    if not all(part.isidentifier() and part.isascii() and part.islower() and len(part) > 1 for part in parts):
        return False
    return len(parts) > 1 or head in _READERS


def is_expansion(value: str, at: int = 0, end: int | None = None) -> bool:
    """Whether `value[at:end]` is shell expansions only (`$(...)`, `` `...` ``, `${VAR}`, `$VAR`,
    one after another): no literal of its own, so no secret, whatever the key. The run may go on
    past `end`: a value read to its first blank (`$(ckan` of `api_token=$(ckan -c ...)`) is one,
    unless a literal is glued after the run (`$(cat x)s3cret`)."""
    stop = expansions_end(value, at)
    if stop is None or stop < (len(value) if end is None else end):
        return False
    return stop == len(value) or value[stop].isspace() or value[stop] in "\"';,)]}|&<>"


def is_reference(value: str) -> bool:
    return bool(VAR_REF.fullmatch(value.strip("'\"")))


def reference_default(key: str, text: str, at: int, sink: Sink) -> tuple[int, tuple[int, int] | None] | None:
    """For the reference at `at` (or None): its end, and the span of a default value to mask."""
    ref = reference_at(text, at)
    if ref is None:
        return None
    end, start, stop = ref
    default = text[start:stop]
    if default and not is_reference(default) and secret_for_key(key, default):
        sink(default)
        return end, (start, stop)
    return end, None


def secret_defaults(text: str, sink: Sink) -> str:
    """The default of a reference to a secret-named variable wherever it stands: a port, a command
    (`"${API_TOKEN:-s3cret}:81"`, which compose rejects and quotes); a `:?` message stays."""
    out: list[str] = []
    done = 0
    for found in _DEFAULTED_REF.finditer(text):
        at, name = found.start(), found.group("k")
        ref = reference_at(text, at) if at >= done and key_kind(name) else None
        if ref is None or ref[1] == ref[2] or not secret_for_key(name, text[ref[1]:ref[2]]):
            continue
        default = text[ref[1]:ref[2]]
        if is_reference(default) or default.startswith("${"):
            continue
        sink(default)
        out.append(text[done:ref[1]])
        out.append(MASK)
        done = ref[2]
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)

