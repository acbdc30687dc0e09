"""Hosts in keyword connection strings: `Server=sqldb,1433;Database=app;User Id=sa;Password=...`.

.NET apps take their databases from `ConnectionStrings__Name` variables in this form (SqlClient's
`Server=` or `Data Source=`, with `,port` and an optional `tcp:`; Npgsql's `Host=db;Port=5432`;
MySqlConnector's `Server=db;Port=3306`): `keyword=value` pairs separated by `;`, keywords in any case.
A value is read as one only where it pairs a host keyword with another keyword such strings use, so a
`;`-separated list of settings that happens to hold `server=` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.project.digits import written_number

_HOST_KEYWORDS = frozenset({"server", "data source", "host", "address", "addr", "network address"})
_OTHER_KEYWORDS = frozenset({
    "database", "initial catalog", "user id", "userid", "uid", "user", "username", "user name",
    "password", "pwd", "port", "integrated security", "trusted_connection", "encrypt",
    "trustservercertificate", "trust server certificate", "sslmode", "ssl mode", "multipleactiveresultsets",
    "pooling", "timeout", "connect timeout", "connection timeout", "command timeout",
})
_PASSWORD_KEYWORDS = frozenset({"password", "pwd"})
# a pair: its keyword, the `=`, an optional SqlClient protocol prefix (`tcp:`), the value up to the next `;`
_PAIR = lazy(r"(?P<keyword>[A-Za-z][A-Za-z _]*?)\s*=\s*(?P<prefix>(?i:tcp:))?(?P<value>[^;]*)")
_HOST = lazy(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
MAX_LENGTH = 4096  # a connection string, not a document


def conn_string_hosts(value: str) -> Iterator[tuple[str, str, int | None, bool]]:
    """Each host the connection string names: (the pair's text before the host as written, `Server=` or
    `Data Source = tcp:`; the host; its port from `,1433`, `:5432` or the string's `Port=`; whether the
    string holds a password). Nothing for a value that is no connection string."""
    if len(value) > MAX_LENGTH or ";" not in value or "://" in value or value.lstrip().startswith("{"):
        return
    pairs = []
    for part in value.split(";"):
        found = _PAIR.fullmatch(part.strip())
        if found is None:
            if part.strip():
                return  # a part that is no `keyword=value` (a quoted `;` too): not a connection string
            continue
        pairs.append(found)
    keywords = {found.group("keyword").strip().lower() for found in pairs}
    if not keywords & _HOST_KEYWORDS or not keywords & _OTHER_KEYWORDS:
        return
    port = next((p for f in pairs if f.group("keyword").strip().lower() == "port"
                 and (p := written_number(f.group("value").strip())) is not None and 0 < p < 65536), None)
    password = bool(keywords & _PASSWORD_KEYWORDS)
    for found in pairs:
        if found.group("keyword").strip().lower() in _HOST_KEYWORDS:
            before = found.group(0)[:found.start("value")]
            yield from ((before, host, own if own is not None else port, password)
                        for host, own in _hosts(found.group("value").strip()))


def _hosts(text: str) -> Iterator[tuple[str, int | None]]:
    """The hosts of one value: SqlClient's `sqldb,1433` and `sqldb\\INSTANCE`, Npgsql's `db:5432` and
    its `h1,h2` list; a host that is no plain name (`(localdb)\\MSSQLLocalDB`, `.`, `np:...`) yields none."""
    first, comma, rest = text.partition(",")
    if comma and rest.strip().isdigit():  # SqlClient's `host,port`
        items = [(first, rest.strip())]
    else:
        items = [(item.partition(":")[0], item.partition(":")[2]) for item in text.split(",")]
    for host, port in items:
        host = host.strip().split("\\")[0]
        if _HOST.fullmatch(host) and (not port or port.isdigit()):
            value = written_number(port)
            yield host, value if value is not None and 0 < value < 65536 else None


def rewrite_address(value: str, before: str, host: str, port: int | None, new_host: str, new_port: int | None) -> str:
    """The connection string with the host written after `before` (conn_string_hosts' first item) replaced by
    `new_host` and, with `new_port`, the port it was dialed on by that one: the `,1434` or `:5433` after the
    host, else the string's `Port=` pair. The value unchanged where the host is not written so once."""
    found = list(re.finditer(rf"(?<![^;\s]){re.escape(before)}(?P<host>{re.escape(host)})"
                             rf"(?:(?P<sep>[,:])(?P<port>\d+))?(?=[;\\\s]|$)", value))
    if len(found) != 1:
        return value
    match = found[0]
    out = value[:match.start("host")] + new_host
    if new_port is not None and port is not None and match.group("port") == str(port):
        return out + match.group("sep") + str(new_port) + value[match.end():]
    out += value[match.end("host"):]
    if new_port is None or port is None or match.group("port") is not None:
        return out
    pairs = list(re.finditer(rf"(?<![^;\s])(?i:port)\s*=\s*{port}(?=\s*(?:;|$))", out))
    if len(pairs) != 1:
        return out
    return out[:pairs[0].end() - len(str(port))] + str(new_port) + out[pairs[0].end():]


def holds_password(value: str) -> bool:
    """Whether the value is a connection string with a `Password=` (`Pwd=`) pair: written out elsewhere, it
    would copy the password."""
    return ";" in value and any(password for *_, password in conn_string_hosts(value))
