"""Hosts in keyword connection strings: `Server=sqldb,1433;Database=app;User Id=sa;Password=...`.

.NET apps take their databases from `ConnectionStrings__Name` variables in this form (SqlClient's
`Server=` or `Data Source=`, with `,port` and an optional `tcp:`; Npgsql's `Host=db;Port=5432`;
MySqlConnector's `Server=db;Port=3306`): `keyword=value` pairs separated by `;`, keywords in any case.
A value is read as one only where it pairs a host keyword with another keyword such strings use, so a
`;`-separated list of settings that happens to hold `server=` is left alone.

Two more forms without a scheme: libpq's keyword/value string, its pairs separated by blanks
(`host=db port=5432 dbname=app user=app password=...`: psycopg's, pgx's and lib/pq's DSN; every keyword
one of libpq's, `host` or `hostaddr` beside another; 5432 where it names no port), and go-sql-driver/mysql's
DSN (`user:password@tcp(db:3306)/app?parseTime=true`; 3306 where it names no port).
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


# libpq's keywords (a string naming another is no libpq string); its pairs `keyword = value`, a value quoted in '...'
_LIBPQ_HOSTS = frozenset({"host", "hostaddr"})
_LIBPQ_OTHERS = frozenset({
    "port", "dbname", "user", "password", "passfile", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword",
    "connect_timeout", "application_name", "fallback_application_name", "options", "target_session_attrs",
    "channel_binding", "gssencmode", "client_encoding", "keepalives", "keepalives_idle", "require_auth",
    "load_balance_hosts", "service", "krbsrvname", "pool_max_conns", "pool_min_conns", "search_path",
})
_LIBPQ_KEYWORDS = _LIBPQ_HOSTS | _LIBPQ_OTHERS
_LIBPQ_PAIR = lazy(r"\s*(?P<keyword>[a-z_]+)\s*=\s*(?P<value>'(?:[^'\\]|\\.)*'|[^\s']*)")
# go-sql-driver/mysql: `[user[:password]@]tcp(address)/dbname[?params]`
_GO_MYSQL = lazy(r"(?:[^:@/()\s]*(?P<password>:[^@\s]*)?@)?(?P<protocol>tcp6?)\((?P<address>[^()/\s]*)\)/\S*")


def conn_string_hosts(value: str) -> Iterator[tuple[str, str, int | None, bool]]:
    """Each host the connection string names: (the pair's text before the host as written, `Server=` or
    `Data Source = tcp:`, libpq's `host=`, the Go DSN's `tcp(`; the host; its port from `,1433`, `:5432` or the
    string's `Port=`; whether the string holds a password). Nothing for a value that is no connection string."""
    if len(value) > MAX_LENGTH or "://" in value or value.lstrip().startswith("{"):
        return
    if ";" not in value:
        if "tcp" in value and "(" in value:
            yield from _go_mysql_hosts(value.strip())
        elif "=" in value:
            yield from _libpq_hosts(value.strip())
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
                 and (p := _port(f.group("value"))) is not None), None)
    password = bool(keywords & _PASSWORD_KEYWORDS)
    for found in pairs:
        if found.group("keyword").strip().lower() in _HOST_KEYWORDS:
            before = found.group(0)[:found.start("value")]
            yield from ((before, host, own if own is not None else port, password)
                        for host, own in _hosts(found.group("value").strip()))


def _go_mysql_hosts(value: str) -> Iterator[tuple[str, str, int | None, bool]]:
    """The host of go-sql-driver/mysql's DSN, `tcp(db:3306)`: 3306 where it names no port."""
    found = _GO_MYSQL.fullmatch(value)
    if found is None:
        return
    host, colon, port = found["address"].rpartition(":")
    if not colon:
        host, port = found["address"], ""
    if _HOST.fullmatch(host) and (not port or port.isdigit()):
        yield (f"{found['protocol']}(", host, _port(port) if port else 3306,
               bool(found["password"]) and len(found["password"]) > 1)


def _libpq_hosts(value: str) -> Iterator[tuple[str, str, int | None, bool]]:
    """The host of libpq's keyword/value string, `host=db port=5432 dbname=app`, with its port (5432 where it
    names none); a list of hosts (`host=a,b`: failover) is none this reads."""
    pairs = []
    at = 0
    while at < len(value):
        found = _LIBPQ_PAIR.match(value, at)
        if found is None or found.end() == at or found["keyword"] not in _LIBPQ_KEYWORDS:
            return  # a word that is no libpq pair: some other setting
        pairs.append(found)
        at = found.end()
    given = {found["keyword"]: found for found in pairs}
    if not given.keys() & _LIBPQ_HOSTS or not given.keys() & (_LIBPQ_OTHERS - {"options"}) or len(given) != len(pairs):
        return
    port = given["port"]["value"].strip("'") if "port" in given else "5432"
    password = "password" in given
    host_pair = given.get("host") or given["hostaddr"]
    if host_pair["value"].startswith("'") or "," in host_pair["value"]:
        return  # a quoted host, or a list of them (failover): read as no address
    before = value[host_pair.start("keyword"):host_pair.start("value")]  # `host=`, `host = ` as written
    host = host_pair["value"]
    if _HOST.fullmatch(host):
        yield before, host, _port(port), password


def _port(text: str) -> int | None:
    """A port as written (`1433`, ` 5432 `), within 1-65535; None for anything else."""
    number = written_number(text.strip())
    return number if number is not None and 0 < number < 65536 else None


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
            yield host, _port(port)


def rewrite_address(value: str, before: str, host: str, port: int | None, new_host: str, new_port: int | None) -> str:
    """The connection string with the host written after `before` (conn_string_hosts' first item) replaced by
    `new_host` and, with `new_port`, the port it was dialed on by that one: the `,1434` or `:5433` after the
    host, else the string's `Port=` pair. The value unchanged where the host is not written so once."""
    found = list(re.finditer(rf"(?<![^;\s@]){re.escape(before)}(?P<host>{re.escape(host)})"
                             rf"(?:(?P<sep>[,:])(?P<port>\d+))?(?=[;\\\s)]|$)", value))
    if len(found) != 1:
        return value
    match = found[0]
    out = value[:match.start("host")] + new_host
    if new_port is not None and port is not None and match.group("port") == str(port):
        return out + match.group("sep") + str(new_port) + value[match.end():]
    out += value[match.end("host"):]
    if new_port is None or port is None or match.group("port") is not None:
        return out
    pairs = list(re.finditer(rf"(?<![^;\s])(?i:port)\s*=\s*{port}(?=\s*(?:;|$)|\s)", out))
    if len(pairs) != 1:
        return out
    return out[:pairs[0].end() - len(str(port))] + str(new_port) + out[pairs[0].end():]


def holds_password(value: str) -> bool:
    """Whether the value is a connection string with a `Password=` (`Pwd=`, libpq's `password=`) pair or a Go
    DSN's `user:password@`: written out elsewhere, it would copy the password."""
    return ("=" in value or "@" in value) and any(password for *_, password in conn_string_hosts(value))
