"""service-name-drift in .NET connection strings: eShopOnWeb (tests/replay/eshoponweb).

dotnet-architecture/eShopOnWeb runs SQL Server as `sqlserver` (azure-sql-edge, `1433:1433`) and its apps
read `ConnectionStrings:CatalogConnection`, which a `ConnectionStrings__CatalogConnection` variable sets
(`Server=sqlserver,1433;Initial Catalog=...;User Id=sa;Password=...`). Planted: that variable in the dev
override naming `sqldb` (in `.env`, or written inline as `Data Source=tcp:mssqldb,1433`). doctor said
nothing: it read hosts in URLs, JSON values and `*_HOST` keys, not in a keyword connection string. Now
the host after `Server=`, `Data Source=`, `Host=` (with SqlClient's `,port` and `tcp:`, or Npgsql's
`Port=`) is judged, SQL Server's 1433 says which peer was meant, and one `doctor fix --yes` rewrites
the host alone, on its line, keeping the file's CRLF endings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from replay_found import HOST_ENV, found

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions
from doctor.project.conn_strings import conn_string_hosts

REPLAY = Path(__file__).parent / "replay" / "eshoponweb"
OVERRIDE = "docker-compose.override.yml"
ENV = HOST_ENV
# `doctor fix --env`, the family of the fault: the stack publishes 5106, 5200 and 1433, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
URLS = "     - ASPNETCORE_URLS=http://+:8080\r\n"
CATALOG = ("Initial Catalog=Microsoft.eShopOnWeb.CatalogDb;User Id=sa;Password=@someThingComplicated1234;"
           "TrustServerCertificate=true;")


def _eshop(tmp_path: Path, entry: str, env: str | None = None) -> Path:
    root = tmp_path / "eshoponweb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    override = root / OVERRIDE
    text = override.read_bytes().decode()
    assert text.count(URLS) == 2  # upstream's CRLF lines
    override.write_bytes(text.replace(URLS, URLS + f"     - {entry}\r\n", 1).encode())
    if env is not None:
        (root / ".env").write_text(env)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    return found(_options(root), ("service-name-drift",))


def _fix(root: Path) -> None:
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())


def test_a_dotenv_connection_string_naming_no_service_is_rewritten_in_one_run(tmp_path: Path) -> None:
    root = _eshop(tmp_path, "ConnectionStrings__CatalogConnection=${CATALOG_CONN}",
                  f"CATALOG_CONN=Server=sqldb,1433;{CATALOG}\n")
    override = (root / OVERRIDE).read_bytes()
    assert _found(root) == [("ConnectionStrings__CatalogConnection host 'sqldb' names no service on the network "
                             "(did you mean 'sqlserver'?)", ".env", 1)]
    _fix(root)
    assert (root / ".env").read_text() == f"CATALOG_CONN=Server=sqlserver,1433;{CATALOG}\n"
    assert (root / OVERRIDE).read_bytes() == override
    assert _found(root) == []


def test_an_inline_data_source_is_rewritten_on_its_crlf_line(tmp_path: Path) -> None:
    written = "ConnectionStrings__IdentityConnection=Data Source=tcp:mssqldb,1433;Initial Catalog=Identity;User Id=sa"
    root = _eshop(tmp_path, written)
    before = (root / OVERRIDE).read_bytes()
    assert _found(root) == [("ConnectionStrings__IdentityConnection host 'mssqldb' names no service on the "
                             "network (did you mean 'sqlserver'?)", OVERRIDE, 7)]
    _fix(root)
    assert (root / OVERRIDE).read_bytes() == before.replace(b"tcp:mssqldb,", b"tcp:sqlserver,")
    assert _found(root) == []


def test_a_connection_string_naming_the_service_and_other_semicolon_values_are_left_alone(tmp_path: Path) -> None:
    assert _found(_eshop(tmp_path / "a", f"ConnectionStrings__CatalogConnection=Server=sqlserver,1433;{CATALOG}")) == []
    # a `;` list of settings that holds `server=` is no connection string
    assert _found(_eshop(tmp_path / "b", "Logging__Filter=server=sqldb;loglevel=3")) == []


def test_the_hosts_of_a_connection_string() -> None:
    assert list(conn_string_hosts(f"Server=sqldb,1433;{CATALOG}")) == [("Server=", "sqldb", 1433, True)]
    assert list(conn_string_hosts("Host=pg;Port=5433;Database=app;Username=u")) == [("Host=", "pg", 5433, False)]
    assert list(conn_string_hosts("Data Source = tcp:sql\\EXPRESS,1434;Initial Catalog=a")) == [
        ("Data Source = tcp:", "sql", 1434, False)]
    assert list(conn_string_hosts("Server=(localdb)\\mssqllocaldb;Database=x;Trusted_Connection=True")) == []
    assert list(conn_string_hosts('Server=db;Password="a;b";Database=x')) == []  # a quoted `;`: not read
