"""Credentials in a connect string with no URL scheme: Oracle's `user/password@...` (SQL*Plus, EZConnect, a JDBC thin
URL) and a Go MySQL DSN's or a broker's `user:password@host`. `doctor.redact.scrub` applies them.

Oracle: `jdbc:oracle:thin:system/***@oracle:1521/XEPDB1` (any connect identifier after a JDBC URL's `@`),
`sqlplus -L system/***@//db:1521/XE`, `sqlplus -s system/***` and `expdp`, `impdp`, `sqlldr`, `dgmgrl`, `rman target`,
SQL*Plus's `CONNECT` likewise (after the tool, the pair whatever follows), and anywhere an EZConnect pair before
`@//host`, `@host:port/service` or `@(DESCRIPTION=...)`. An Oracle name or password needs double quotes unless it is
made of letters, digits, `_`, `$` and `#`: so `actions/checkout@v4`, `library/postgres@sha256:...` and a path
`init/schema.sql` are no pair.

A pair `user:password` right before `@` (`DATABASE_URL=root:***@tcp(mysqldb:3306)/app?parseTime=true`,
`BROKER=guest:***@rabbitmq:5672`, `--dsn 'root:***@tcp(db:3306)/app'`): counted before a Go network
(`tcp(`, `unix(`), a `host:port`, or, where the pair opens a value (after `=`, a quote or `KEY: `), before a host
that ends it. An image's `redis:7-alpine@sha256:...` is no pair (a digest is no port), nor a URL's userinfo
(`doctor.secret_urls` reads those), nor a reference (`root:$DB_PASSWORD@tcp(db)`).

Each `@` is read back to the blank, quote or mark before it, at most BACK characters and never past the `@`
before it, so the scan is linear in the text's length.
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.secret_keys import Sink, is_reference
from doctor.secret_shapes import MASK, lowered, matches_at, places

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

BACK = 256  # characters read back from an `@` for the pair before it
# what ends a pair read back from its `@` (a `/` too: `://user:pw@` is a URL's, an Oracle pair is read past it)
_STOPS = frozenset(" \t\r\n'\"`=(),;[]{}<>|/@\\")
_ORACLE_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$#")
_ORACLE_PAIR = lazy(r"[A-Za-z_][\w$#]{0,127}+/[\w$#]++")
# after EZConnect's `@` with no tool or JDBC URL before: `//host`, `host:port/service`, `(DESCRIPTION=`
_ORACLE_HOST = lazy(r"//|\(|[A-Za-z0-9][\w.-]*+:[0-9]{1,5}+[/:]")
_EZ_HOST = lazy(r"[A-Za-z][\w.-]*+/[A-Za-z]")  # `oracledb/XEPDB1`: a host and its service (`checkout@v4` is none)
_JDBC_ORACLE = lazy(r"jdbc:oracle:(?:thin|oci8?|kprb):$")
# an Oracle tool and its options, then the pair (`sqlplus -L -S system/pw@db`, `rman target sys/pw`, `CONNECT a/b`)
# sought in the lower-cased text: `_ORACLE_TOOL` takes `connect` in any case (`cOnnect sys/pw`), the tools as written
ORACLE_TOOL_STARTS = ("sqlplus", "sqlldr", "expdp", "impdp", "dgmgrl", "rman", "conn")
_ORACLE_TOOL = lazy(
    r"(?<![\w./-])(?:(?:sqlplus|sqlldr|expdp|impdp|dgmgrl)(?:[ \t]++-[\w-]++)*+"
    r"|rman(?:[ \t]++-[\w-]++)*+[ \t]++(?:target|catalog|auxiliary)|(?i:conn(?:ect)?))"
    r"[ \t]++(?:userid=)?[\"']?(?P<u>[A-Za-z_][\w$#]{0,127}+|\"[^\"\n]{1,128}+\")/"
    r"(?P<v>[\w$#]++|\"[^\"\n]{1,128}+\")(?=[@\s'\";)`]|$)"
)
_USER = lazy(r"[A-Za-z_][\w.+-]{0,63}+")
_GO_NET = lazy(r"(?:tcp[46]?|unix|udp)\(")
_HOST_PORT = lazy(r"[A-Za-z0-9][\w.-]*+:[0-9]{1,5}+(?![\w.:-])")
_HOST_ALONE = lazy(r"[A-Za-z][\w.-]*+(?=[\s'\"/?]|$)")  # `rabbitmq` ending the value the pair opens


def connect_credentials(text: str, sink: Sink) -> str:
    """`text` with the passwords the module docs list masked; each goes to `sink`."""
    spans: list[tuple[int, int]] = []
    floor = 0
    at = text.find("@")
    while at >= 0:
        span = _before(text, at, floor)
        if span is not None:
            spans.append(span)
        floor = at + 1
        at = text.find("@", floor)
    # a find in C for each name: their alternation's search tried its branches at every `s`, `e`, `i`, `d`, `r`, `c`
    # and `C` of the many texts that name none (~4x the cost on a compose file)
    if "/" in text:
        lower = lowered(text)  # places found in it are the text's
        if any(start in lower for start in ORACLE_TOOL_STARTS):
            for match in matches_at(_ORACLE_TOOL, text, places(lower, ORACLE_TOOL_STARTS)):
                spans.append(match.span("v"))
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end in sorted(set(spans)):
        value = text[start:end]
        if start < done or value == MASK or value.strip('"') == MASK or is_reference(value):
            continue
        sink(value)
        out += [text[done:start], MASK]
        done = end
    return "".join(out) + text[done:]


def _before(text: str, at: int, floor: int) -> tuple[int, int] | None:
    """The span of the password the pair right before the `@` at `at` holds, if it is one (see the module docs)."""
    start = at
    limit = max(floor, at - BACK)
    while start > limit and text[start - 1] not in _STOPS:
        start -= 1
    if start == at:
        return None
    before = text[start - 1] if start else ""
    if before == "/":
        return _oracle(text, start, at, limit)
    if start == limit and start and before not in _STOPS:
        return None  # read back as far as allowed: no pair's beginning
    user, colon, password = text[start:at].partition(":")
    if not colon or not password or _USER.fullmatch(user) is None or is_reference(password) or before == "@":
        return None
    if _GO_NET.match(text, at + 1) or (_HOST_PORT.match(text, at + 1) and not text.startswith("sha", at + 1)):
        return start + len(user) + 1, at
    opens_value = before in ("=", "'", '"', "") or (before == " " and text.endswith(": ", 0, start))
    if opens_value and _HOST_ALONE.match(text, at + 1) and not text.startswith("sha", at + 1):
        return start + len(user) + 1, at
    return None


def _oracle(text: str, slash_end: int, at: int, limit: int) -> tuple[int, int] | None:
    """`user/password@...`: the password's span when the pair is Oracle's (module docs)."""
    user_start = slash_end - 1
    while user_start > limit and text[user_start - 1] in _ORACLE_WORD:
        user_start -= 1
    if _ORACLE_PAIR.fullmatch(text, user_start, at) is None:
        return None
    head = text[max(0, user_start - 24):user_start]
    if _JDBC_ORACLE.search(head) is not None:
        return slash_end, at
    before = text[user_start - 1] if user_start else ""
    if before and (before.isalnum() or before in "_/.@:$#-"):
        return None
    if _ORACLE_HOST.match(text, at + 1):
        return slash_end, at
    # a value that is the pair and its connect identifier: `ORACLE_EZ=scott/***@oracledb/XEPDB1` (not a GitHub
    # action's `uses: actions/checkout@v4`)
    opens_value = before in ("=", "'", '"', "") or (before == " " and text.endswith(": ", 0, user_start))
    return (slash_end, at) if opens_value and _EZ_HOST.match(text, at + 1) else None
