"""Hosts in the two scheme-less DSNs Go and Python apps take: libpq's keyword/value string and go-sql-driver/mysql's.

thangchung/go-coffeeshop (tests/replay/go-coffeeshop) gives counter, barista and kitchen
`PG_DSN_URL: host=postgres user=postgres password=P@ssw0rd dbname=postgres sslmode=disable` (pgx's DSN).
With the host mistyped (`host=postgress`) or as `host=localhost`, doctor said nothing: a value with no `://`
and no `;` held no host it read (and one beside `PG_URL`, a URL naming postgres, was taken for no host).
Now service-name-drift and leaked-host-port report it at its line, and one `doctor fix --yes` rewrites the host
there, the password never printed. The same for a Go MySQL DSN, `app:pw@tcp(localhost:3306)/shop`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions
from doctor.project.conn_strings import conn_string_hosts, holds_password, rewrite_address

REPLAY = Path(__file__).parent / "replay" / "go-coffeeshop"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
LINE = "PG_DSN_URL: host=postgres user=postgres password=P@ssw0rd dbname=postgres sslmode=disable"


@pytest.mark.parametrize(("value", "hosts"), [
    ("host=db port=5433 dbname=app user=app password=pw", [("host=", "db", 5433, True)]),
    ("host = db dbname=app", [("host = ", "db", 5432, False)]),  # no port: libpq's 5432
    ("sslmode=disable host=pg user=app", [("host=", "pg", 5432, False)]),
    ("app:pw@tcp(mysql:3307)/shop?parseTime=true", [("tcp(", "mysql", 3307, True)]),
    ("app@tcp(mysql)/shop", [("tcp(", "mysql", 3306, False)]),  # no port: MySQL's 3306
    ("host=db", []),  # a host alone: no libpq string
    ("host=db foo=bar", []),  # a keyword libpq does not know: some other setting
    ("host=a,b port=5432,5433 dbname=x", []),  # a failover list: read as no address
    ("--host=0.0.0.0 --port 3", []),
    ("mode=fast host=db", []),
    ("user@tcp(db:3306)", []),  # no `/dbname`: no DSN
])
def test_the_hosts_of_keyword_and_go_dsns(value: str, hosts: list[tuple[str, str, int, bool]]) -> None:
    assert list(conn_string_hosts(value)) == hosts


def test_their_addresses_are_rewritten_where_written() -> None:
    assert rewrite_address("host=localhost port=5433 dbname=app", "host=", "localhost", 5433, "db", 5432) == \
        "host=db port=5432 dbname=app"
    assert rewrite_address("u:p@tcp(localhost:3306)/shop", "tcp(", "localhost", 3306, "mysql", 3306) == \
        "u:p@tcp(mysql:3306)/shop"
    assert rewrite_address("u:p@tcp(localhost)/shop", "tcp(", "localhost", 3306, "mysql", 3306) == \
        "u:p@tcp(mysql)/shop"
    assert holds_password("host=db password=x dbname=app") and holds_password("u:p@tcp(db)/app")
    assert not holds_password("host=db dbname=app") and not holds_password("u@tcp(db)/app")


def _coffeeshop(tmp_path: Path, host: str) -> Path:
    root = tmp_path / "go-coffeeshop"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / "docker-compose.yaml"
    text = compose.read_text()
    assert text.count(LINE) == 3
    compose.write_text(text.replace(LINE, LINE.replace("host=postgres", f"host={host}"), 1))  # counter's
    return root


def _found(root: Path) -> list[tuple[str, str, int | None, str | None]]:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message, f.location.line if f.location else None, f.fix.title if f.fix else None)
            for f in report.findings]


def _fix(root: Path) -> None:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())


def test_the_replay_as_upstream_has_none(tmp_path: Path) -> None:
    root = tmp_path / "go-coffeeshop"
    shutil.copytree(REPLAY, root)
    assert _found(root) == []


@pytest.mark.parametrize(("host", "check", "message"), [
    ("postgress", "service-name-drift", "PG_DSN_URL host 'postgress' names no service on the network "
                                        "(did you mean 'postgres'?)"),
    ("localhost", "leaked-host-port", "PG_DSN_URL host 'localhost' is 'counter' itself in its container "
                                      "(did you mean 'postgres'?): 'counter' sets PG_DSN_URL in its environment"),
])
def test_a_libpq_dsn_host_is_found_and_fixed_in_one_run(tmp_path: Path, host: str, check: str,
                                                         message: str) -> None:
    root = _coffeeshop(tmp_path, host)
    found = _found(root)
    assert [(c, m, line) for c, m, line, _ in found] == [(check, message, 73)], found
    assert all("P@ssw0rd" not in str(f) for f in found)
    before = (root / "docker-compose.yaml").read_text()
    _fix(root)
    after = (root / "docker-compose.yaml").read_text()
    assert after == before.replace(f"host={host} ", "host=postgres ", 1)  # that one line, nothing else
    assert _found(root) == []


def test_a_go_mysql_dsn_host_is_found_and_fixed(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.go").write_text('package main\n\nimport "os"\n\nfunc main() { _ = os.Getenv("DB_DSN") }\n')
    (root / "app" / "Dockerfile").write_text("FROM golang:1.22\nCOPY . /src\n")
    (root / "compose.yaml").write_text(
        "services:\n"
        "  mysql:\n    image: mysql:8\n"
        "  api:\n    build: ./app\n    environment:\n"
        "      DB_DSN: shop:Sh0pPw9q@tcp(mysqll:3306)/shop?parseTime=true\n"
        "  worker:\n    build: ./app\n    environment:\n"
        "      DB_DSN: shop:Sh0pPw9q@tcp(localhost:3306)/shop?parseTime=true\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    found = _found(root)
    assert sorted((c, m.split(":")[0], line) for c, m, line, _ in found) == [
        ("leaked-host-port", "DB_DSN host 'localhost' is 'worker' itself in its container (did you mean 'mysql'?)", 11),
        ("service-name-drift", "DB_DSN host 'mysqll' names no service on the network (did you mean 'mysql'?)", 7),
    ], found
    assert all("Sh0pPw9q" not in str(f) for f in found)
    _fix(root)
    text = (root / "compose.yaml").read_text()
    assert text.count("@tcp(mysql:3306)/shop") == 2, text
    assert _found(root) == []
