"""leaked-host-port in .NET connection strings: eShopOnWeb (tests/replay/eshoponweb).

eShopOnWeb's apps take SQL Server (`sqlserver`, azure-sql-edge) from `ConnectionStrings__CatalogConnection`.
Planted in its dev override: `Server=localhost,1433;...` (the app's own container), or `Server=sqlserver,1434;...`
with sqlserver published on `1434:1433`. doctor said nothing: a connection string's host was no host it read.
Now both are errors at the line, and the fix rewrites the address on that line (asked: the string holds a
password, which an override would copy), keeping the file's CRLF endings, so one `doctor fix --yes` settles
it; from `.env` it is advice naming the override and the address to change, never the password.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "eshoponweb"
OVERRIDE = "docker-compose.override.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 5106, 5200 and 1433, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
URLS = "     - ASPNETCORE_URLS=http://+:8080\r\n"
REST = "Initial Catalog=Microsoft.eShopOnWeb.CatalogDb;User Id=sa;Password=@someThingComplicated1234;"
CHECKS = ("leaked-host-port", "service-name-drift")


def _eshop(tmp_path: Path, entry: str, env: str | None = None, published: str = "1433:1433") -> Path:
    root = tmp_path / "eshoponweb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    override = root / OVERRIDE
    override.write_bytes(override.read_bytes().decode().replace(URLS, URLS + f"     - {entry}\r\n", 1).encode())
    base = root / "docker-compose.yml"
    base.write_bytes(base.read_bytes().replace(b'"1433:1433"', f'"{published}"'.encode()))
    if env is not None:
        (root / ".env").write_text(env)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None, str | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.fix.title if f.fix else None, f.fix.safety if f.fix else None) for f in report.findings]


def _fix(root: Path) -> None:
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())


def test_localhost_in_an_inline_connection_string_is_rewritten_on_its_line(tmp_path: Path) -> None:
    root = _eshop(tmp_path, f"ConnectionStrings__CatalogConnection=Server=localhost,1433;{REST}")
    before = (root / OVERRIDE).read_bytes()
    assert _found(root) == [(
        "ConnectionStrings__CatalogConnection host 'localhost' is 'eshopwebmvc' itself in its container (did you "
        "mean 'sqlserver'?): 'eshopwebmvc' sets ConnectionStrings__CatalogConnection in its environment",
        OVERRIDE, 7, "rewrite ConnectionStrings__CatalogConnection on its line in docker-compose.override.yml, with "
        "sqlserver:1433 in place of localhost:1433 (an override would copy its password)", Safety.UNSAFE)]
    _fix(root)
    assert (root / OVERRIDE).read_bytes() == before.replace(b"Server=localhost,1433;", b"Server=sqlserver,1433;")
    assert _found(root) == []


def test_a_host_port_in_a_connection_string_becomes_the_container_port(tmp_path: Path) -> None:
    root = _eshop(tmp_path, f"ConnectionStrings__CatalogConnection=Server=sqlserver,1434;{REST}",
                  published="1434:1433")
    before = (root / OVERRIDE).read_bytes()
    [(message, _, line, title, safety)] = _found(root)
    assert (message, line, safety) == (
        "ConnectionStrings__CatalogConnection dials sqlserver:1434, the host port of 'sqlserver', which listens on "
        "1433 inside the network ('eshopwebmvc' sets ConnectionStrings__CatalogConnection in its environment)",
        7, Safety.UNSAFE)
    assert title is not None and "sqlserver:1433 in place of sqlserver:1434" in title
    _fix(root)
    assert (root / OVERRIDE).read_bytes() == before.replace(b"Server=sqlserver,1434;", b"Server=sqlserver,1433;")
    assert _found(root) == []


def test_from_dotenv_the_fix_names_the_address_and_copies_no_password(tmp_path: Path) -> None:
    root = _eshop(tmp_path, "ConnectionStrings__CatalogConnection=${CATALOG_CONN}",
                  f"CATALOG_CONN=Server=localhost,1433;{REST}\n")
    [(_, path, line, title, safety)] = _found(root)
    assert (path, line, safety) == (".env", 1, Safety.ADVICE)
    assert title == ("set ConnectionStrings__CatalogConnection for 'eshopwebmvc' in the dev override "
                     "docker-compose.override.yml, with sqlserver:1433 in place of localhost:1433")


def test_npgsql_host_and_port_pairs_and_a_right_string_are_judged_too(tmp_path: Path) -> None:
    right = _eshop(tmp_path / "right", f"ConnectionStrings__CatalogConnection=Server=sqlserver,1433;{REST}")
    assert _found(right) == []
    root = _eshop(tmp_path / "npgsql", "ConnectionStrings__CatalogConnection=Host=sqlserver;Port=1434;Database=app",
                  published="1434:1433")
    before = (root / OVERRIDE).read_bytes()
    assert [line for _, _, line, _, _ in _found(root)] == [7]
    _fix(root)
    assert (root / OVERRIDE).read_bytes() == before.replace(b"Port=1434;", b"Port=1433;")
    assert _found(root) == []
