"""leaked-host-port for Ecto's `ecto://` URLs: papercups (tests/replay/papercups).

papercups-io/papercups runs its Phoenix app beside `db` (postgres) with
`DATABASE_URL: "ecto://postgres:postgres@db/postgres"`. Planted: `@localhost/postgres`, the app's own
container. doctor said nothing: `ecto://` names neither a server nor a port (Ecto's Repo reads it with
whichever adapter it uses), so no peer was found to listen where it dials, while `postgres://` with the
same address was an error. Now such a URL under a key naming a database means the one database peer:
an error at the line, rewritten there (asked: the URL holds a password an override would copy), and a
second preflight is clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "papercups"
COMPOSE = "docker-compose.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
UPSTREAM = 'DATABASE_URL: "ecto://postgres:postgres@db/postgres"'


def _papercups(tmp_path: Path, url: str | None = None) -> Path:
    root = tmp_path / "papercups"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(UPSTREAM) == 1
    if url is not None:
        compose.write_text(text.replace(UPSTREAM, f'DATABASE_URL: "{url}"'))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.safety if f.fix else None)
            for f in report.findings]


def test_localhost_in_an_ecto_url_is_the_database_peer_in_one_run(tmp_path: Path) -> None:
    root = _papercups(tmp_path, "ecto://postgres:postgres@localhost/postgres")
    before = (root / COMPOSE).read_text()
    assert _found(root) == [("DATABASE_URL host 'localhost' is 'papercups' itself in its container (did you mean "
                             "'db'?): 'papercups' sets DATABASE_URL in its environment", 14, Safety.UNSAFE)]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / COMPOSE).read_text() == before.replace("@localhost/postgres", "@db/postgres")
    assert _found(root) == []


def test_the_project_as_cloned_and_a_url_naming_its_server_kind_elsewhere_stay_clean(tmp_path: Path) -> None:
    assert _found(_papercups(tmp_path / "a")) == []
    # a scheme naming another kind of server (no peer of it here) is not taken for the postgres peer
    assert _found(_papercups(tmp_path / "b", "clickhouse://default@localhost/events")) == []
